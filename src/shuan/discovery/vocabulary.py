"""The stable type vocabulary (DESIGN.md §4) and what each type means for grading.

The ids never change meaning. `pi_category` follows GB/T 35273 (个人信息分类); `sensitive` names the
PIPL Art. 28 category when the type is sensitive personal information by itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityType:
    id: str
    label: str
    label_en: str
    pi_category: str | None  # None: not personal information (e.g. a company's credit code)
    sensitive: str | None = None  # PIPL Art. 28 category when sensitive by itself
    direct_identifier: bool = False  # identifies a person alone (GB/T 37964 直接标识符)


TYPES: dict[str, EntityType] = {
    t.id: t
    for t in [
        EntityType("cn_resident_id", "居民身份证号", "resident ID number", "个人身份信息", "特定身份（身份证件）", True),
        EntityType("cn_uscc", "统一社会信用代码", "unified social credit code", None),
        EntityType("cn_mobile", "手机号", "mobile number", "个人通信信息", None, True),
        EntityType("cn_landline", "固定电话", "landline number", "个人通信信息"),
        EntityType("email", "电子邮箱", "email address", "网络身份标识信息", None, True),
        EntityType("bank_card", "银行卡号", "bank card number", "个人财产信息", "金融账户", True),
        EntityType("cn_passport", "护照号", "passport number", "个人身份信息", "特定身份（身份证件）", True),
        EntityType("cn_hkmo_permit", "往来港澳通行证号", "HK/Macau travel permit", "个人身份信息", "特定身份（身份证件）", True),
        EntityType("cn_license_plate", "机动车号牌", "licence plate", "个人财产信息"),
        EntityType("vin", "车辆识别代号", "vehicle identification number", "个人财产信息"),
        EntityType("person_name", "姓名", "person name", "个人基本资料"),
        EntityType("address", "详细地址", "detailed address", "个人基本资料"),
        EntityType("ip_address", "IP 地址", "IP address", "个人常用设备信息"),
        EntityType("mac_address", "MAC 地址", "MAC address", "个人常用设备信息"),
        EntityType("geo_coordinate", "经纬度", "geographic coordinate", "个人位置信息", "行踪轨迹（与个人关联时）"),
        EntityType("birth_date", "出生日期", "birth date", "个人基本资料"),
        EntityType("gender", "性别", "gender", "个人基本资料"),
        EntityType("ethnicity", "民族", "ethnicity", "个人基本资料"),
        EntityType("medical_info", "疾病诊断", "medical diagnosis", "个人健康生理信息", "医疗健康"),
    ]
}


def label(type_id: str) -> str:
    t = TYPES.get(type_id)
    return t.label if t else type_id
