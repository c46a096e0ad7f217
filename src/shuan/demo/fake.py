"""Deterministic generator of realistic fake values for every type of the vocabulary, and hard negatives.

This module is the *ground truth* of the demo data set and of the benchmark corpus, so it is written
independently of `shuan.discovery`: it carries its own (small) tables of administrative codes, bank
BINs, mobile segments and its own checksum code, and never imports the platform's validators.

Everything is drawn from one seeded `random.Random`, so a `Fake(seed)` produces the same values in the
same order on every run and every platform.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: the stable type ids of DESIGN.md section 4 (kept here on purpose: no import of shuan.discovery)
TYPE_IDS: tuple[str, ...] = (
    "cn_resident_id",
    "cn_uscc",
    "cn_mobile",
    "cn_landline",
    "email",
    "bank_card",
    "cn_passport",
    "cn_hkmo_permit",
    "cn_license_plate",
    "vin",
    "person_name",
    "address",
    "ip_address",
    "mac_address",
    "geo_coordinate",
    "birth_date",
    "gender",
    "ethnicity",
    "medical_info",
)

#: hard negatives: values that look like a type but are not one (or not a personal one)
NEGATIVE_KINDS: tuple[str, ...] = (
    "bad_resident_id",  # 18 digits failing GB 11643 (check, date, or region)
    "non_luhn_number",  # 16-19 digits failing Luhn (order numbers, serials)
    "uscc_lookalike",  # 18 characters of the credit-code alphabet with a wrong check character
    "non_mobile_11",  # 11 digits that cannot be a mobile number
    "district_name",  # province/city/county names alone
    "company_name",  # enterprises and government bodies
    "event_datetime",  # registration / completion timestamps, not birth dates
    "event_date",  # dates of business events (成立日期, 登记日期), not birth dates
    "product_code",  # order / product / contract codes
    "money",  # amounts
    "remark",  # free-text remarks without identifiers
)


@dataclass(frozen=True)
class County:
    """A county-level division: its GB/T 2260 code and names (city is empty for municipalities)."""

    code: str
    province: str
    city: str
    name: str
    abolished: bool = False


# Real county-level codes across all provinces; `True` marks codes that no longer exist but still
# appear in ID numbers issued before the change.
_COUNTY_ROWS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("110101", "北京市", "", "东城区", False),
    ("110102", "北京市", "", "西城区", False),
    ("110103", "北京市", "", "崇文区", True),
    ("110104", "北京市", "", "宣武区", True),
    ("110105", "北京市", "", "朝阳区", False),
    ("110106", "北京市", "", "丰台区", False),
    ("110108", "北京市", "", "海淀区", False),
    ("110114", "北京市", "", "昌平区", False),
    ("110115", "北京市", "", "大兴区", False),
    ("120101", "天津市", "", "和平区", False),
    ("120103", "天津市", "", "河西区", False),
    ("120104", "天津市", "", "南开区", False),
    ("120107", "天津市", "", "塘沽区", True),
    ("120116", "天津市", "", "滨海新区", False),
    ("130102", "河北省", "石家庄市", "长安区", False),
    ("130104", "河北省", "石家庄市", "桥西区", False),
    ("130602", "河北省", "保定市", "竞秀区", False),
    ("130603", "河北省", "保定市", "北市区", True),
    ("130203", "河北省", "唐山市", "路北区", False),
    ("131002", "河北省", "廊坊市", "安次区", False),
    ("130984", "河北省", "沧州市", "河间市", False),
    ("140105", "山西省", "太原市", "小店区", False),
    ("140106", "山西省", "太原市", "迎泽区", False),
    ("140802", "山西省", "运城市", "盐湖区", False),
    ("150102", "内蒙古自治区", "呼和浩特市", "新城区", False),
    ("150105", "内蒙古自治区", "呼和浩特市", "赛罕区", False),
    ("150203", "内蒙古自治区", "包头市", "昆都仑区", False),
    ("152502", "内蒙古自治区", "锡林郭勒盟", "锡林浩特市", False),
    ("210102", "辽宁省", "沈阳市", "和平区", False),
    ("210103", "辽宁省", "沈阳市", "沈河区", False),
    ("210202", "辽宁省", "大连市", "中山区", False),
    ("210204", "辽宁省", "大连市", "沙河口区", False),
    ("210302", "辽宁省", "鞍山市", "铁东区", False),
    ("220102", "吉林省", "长春市", "南关区", False),
    ("220104", "吉林省", "长春市", "朝阳区", False),
    ("220202", "吉林省", "吉林市", "昌邑区", False),
    ("222401", "吉林省", "延边朝鲜族自治州", "延吉市", False),
    ("230102", "黑龙江省", "哈尔滨市", "道里区", False),
    ("230103", "黑龙江省", "哈尔滨市", "南岗区", False),
    ("230202", "黑龙江省", "齐齐哈尔市", "龙沙区", False),
    ("230602", "黑龙江省", "大庆市", "萨尔图区", False),
    ("310101", "上海市", "", "黄浦区", False),
    ("310103", "上海市", "", "卢湾区", True),
    ("310104", "上海市", "", "徐汇区", False),
    ("310105", "上海市", "", "长宁区", False),
    ("310106", "上海市", "", "静安区", False),
    ("310107", "上海市", "", "普陀区", False),
    ("310108", "上海市", "", "闸北区", True),
    ("310115", "上海市", "", "浦东新区", False),
    ("320102", "江苏省", "南京市", "玄武区", False),
    ("320104", "江苏省", "南京市", "秦淮区", False),
    ("320106", "江苏省", "南京市", "鼓楼区", False),
    ("320205", "江苏省", "无锡市", "锡山区", False),
    ("320505", "江苏省", "苏州市", "虎丘区", False),
    ("320506", "江苏省", "苏州市", "吴中区", False),
    ("320311", "江苏省", "徐州市", "泉山区", False),
    ("320602", "江苏省", "南通市", "崇川区", False),
    ("330102", "浙江省", "杭州市", "上城区", False),
    ("330103", "浙江省", "杭州市", "下城区", True),
    ("330106", "浙江省", "杭州市", "西湖区", False),
    ("330108", "浙江省", "杭州市", "滨江区", False),
    ("330203", "浙江省", "宁波市", "海曙区", False),
    ("330302", "浙江省", "温州市", "鹿城区", False),
    ("330782", "浙江省", "金华市", "义乌市", False),
    ("340102", "安徽省", "合肥市", "瑶海区", False),
    ("340104", "安徽省", "合肥市", "蜀山区", False),
    ("340202", "安徽省", "芜湖市", "镜湖区", False),
    ("341202", "安徽省", "阜阳市", "颍州区", False),
    ("350102", "福建省", "福州市", "鼓楼区", False),
    ("350203", "福建省", "厦门市", "思明区", False),
    ("350206", "福建省", "厦门市", "湖里区", False),
    ("350582", "福建省", "泉州市", "晋江市", False),
    ("360102", "江西省", "南昌市", "东湖区", False),
    ("360103", "江西省", "南昌市", "西湖区", False),
    ("360111", "江西省", "南昌市", "青山湖区", False),
    ("360702", "江西省", "赣州市", "章贡区", False),
    ("360403", "江西省", "九江市", "浔阳区", False),
    ("370102", "山东省", "济南市", "历下区", False),
    ("370103", "山东省", "济南市", "市中区", False),
    ("370104", "山东省", "济南市", "槐荫区", False),
    ("370112", "山东省", "济南市", "历城区", False),
    ("370202", "山东省", "青岛市", "市南区", False),
    ("370203", "山东省", "青岛市", "市北区", False),
    ("370211", "山东省", "青岛市", "黄岛区", False),
    ("370212", "山东省", "青岛市", "崂山区", False),
    ("370302", "山东省", "淄博市", "淄川区", False),
    ("370402", "山东省", "枣庄市", "市中区", False),
    ("370502", "山东省", "东营市", "东营区", False),
    ("370602", "山东省", "烟台市", "芝罘区", False),
    ("370702", "山东省", "潍坊市", "潍城区", False),
    ("370802", "山东省", "济宁市", "市中区", True),
    ("370811", "山东省", "济宁市", "任城区", False),
    ("370812", "山东省", "济宁市", "兖州区", False),
    ("370826", "山东省", "济宁市", "微山县", False),
    ("370827", "山东省", "济宁市", "鱼台县", False),
    ("370828", "山东省", "济宁市", "金乡县", False),
    ("370829", "山东省", "济宁市", "嘉祥县", False),
    ("370830", "山东省", "济宁市", "汶上县", False),
    ("370831", "山东省", "济宁市", "泗水县", False),
    ("370832", "山东省", "济宁市", "梁山县", False),
    ("370881", "山东省", "济宁市", "曲阜市", False),
    ("370882", "山东省", "济宁市", "兖州市", True),
    ("370883", "山东省", "济宁市", "邹城市", False),
    ("370902", "山东省", "泰安市", "泰山区", False),
    ("371302", "山东省", "临沂市", "兰山区", False),
    ("371402", "山东省", "德州市", "德城区", False),
    ("371502", "山东省", "聊城市", "东昌府区", False),
    ("371702", "山东省", "菏泽市", "牡丹区", False),
    ("410102", "河南省", "郑州市", "中原区", False),
    ("410105", "河南省", "郑州市", "金水区", False),
    ("410302", "河南省", "洛阳市", "老城区", False),
    ("410702", "河南省", "新乡市", "红旗区", False),
    ("411102", "河南省", "漯河市", "源汇区", False),
    ("411302", "河南省", "南阳市", "宛城区", False),
    ("420102", "湖北省", "武汉市", "江岸区", False),
    ("420106", "湖北省", "武汉市", "武昌区", False),
    ("420111", "湖北省", "武汉市", "洪山区", False),
    ("420502", "湖北省", "宜昌市", "西陵区", False),
    ("420602", "湖北省", "襄阳市", "襄城区", False),
    ("430102", "湖南省", "长沙市", "芙蓉区", False),
    ("430104", "湖南省", "长沙市", "岳麓区", False),
    ("430202", "湖南省", "株洲市", "荷塘区", False),
    ("430602", "湖南省", "岳阳市", "岳阳楼区", False),
    ("440102", "广东省", "广州市", "东山区", True),
    ("440103", "广东省", "广州市", "荔湾区", False),
    ("440104", "广东省", "广州市", "越秀区", False),
    ("440106", "广东省", "广州市", "天河区", False),
    ("440303", "广东省", "深圳市", "罗湖区", False),
    ("440304", "广东省", "深圳市", "福田区", False),
    ("440305", "广东省", "深圳市", "南山区", False),
    ("440402", "广东省", "珠海市", "香洲区", False),
    ("440604", "广东省", "佛山市", "禅城区", False),
    ("445102", "广东省", "潮州市", "湘桥区", False),
    ("450102", "广西壮族自治区", "南宁市", "兴宁区", False),
    ("450103", "广西壮族自治区", "南宁市", "青秀区", False),
    ("450202", "广西壮族自治区", "柳州市", "城中区", False),
    ("450302", "广西壮族自治区", "桂林市", "秀峰区", False),
    ("460105", "海南省", "海口市", "秀英区", False),
    ("460106", "海南省", "海口市", "龙华区", False),
    ("460202", "海南省", "三亚市", "海棠区", False),
    ("500101", "重庆市", "", "万州区", False),
    ("500103", "重庆市", "", "渝中区", False),
    ("500105", "重庆市", "", "江北区", False),
    ("500106", "重庆市", "", "沙坪坝区", False),
    ("500112", "重庆市", "", "渝北区", False),
    ("510104", "四川省", "成都市", "锦江区", False),
    ("510105", "四川省", "成都市", "青羊区", False),
    ("510106", "四川省", "成都市", "金牛区", False),
    ("510107", "四川省", "成都市", "武侯区", False),
    ("510703", "四川省", "绵阳市", "涪城区", False),
    ("511302", "四川省", "南充市", "顺庆区", False),
    ("520102", "贵州省", "贵阳市", "南明区", False),
    ("520103", "贵州省", "贵阳市", "云岩区", False),
    ("520302", "贵州省", "遵义市", "红花岗区", False),
    ("530102", "云南省", "昆明市", "五华区", False),
    ("530103", "云南省", "昆明市", "盘龙区", False),
    ("530402", "云南省", "玉溪市", "红塔区", False),
    ("532901", "云南省", "大理白族自治州", "大理市", False),
    ("540102", "西藏自治区", "拉萨市", "城关区", False),
    ("610102", "陕西省", "西安市", "新城区", False),
    ("610103", "陕西省", "西安市", "碑林区", False),
    ("610113", "陕西省", "西安市", "雁塔区", False),
    ("610302", "陕西省", "宝鸡市", "渭滨区", False),
    ("610602", "陕西省", "延安市", "宝塔区", False),
    ("620102", "甘肃省", "兰州市", "城关区", False),
    ("620103", "甘肃省", "兰州市", "七里河区", False),
    ("620402", "甘肃省", "白银市", "白银区", False),
    ("630102", "青海省", "西宁市", "城东区", False),
    ("630104", "青海省", "西宁市", "城西区", False),
    ("640104", "宁夏回族自治区", "银川市", "兴庆区", False),
    ("640302", "宁夏回族自治区", "吴忠市", "利通区", False),
    ("650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", False),
    ("650103", "新疆维吾尔自治区", "乌鲁木齐市", "沙依巴克区", False),
    ("650104", "新疆维吾尔自治区", "乌鲁木齐市", "新市区", False),
    ("652801", "新疆维吾尔自治区", "巴音郭楞蒙古自治州", "库尔勒市", False),
    ("653101", "新疆维吾尔自治区", "喀什地区", "喀什市", False),
)

COUNTIES: tuple[County, ...] = tuple(County(*row) for row in _COUNTY_ROWS)

PROVINCE_ABBR: dict[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip

SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "公孙", "夏侯", "尉迟", "端木", "长孙",
)  # fmt: skip
GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁欣佳雪婷倩琳晨"
    "梦雨涵轩博思怡梓诗晓志海亮春燕丹波飞玲兰凤洁梅琴云莉慧巧美淑惠珠翠雅芝荣新利清彬富顺信昌成康星光天"
    "达安岩茂进坚和彪诚先敬震振壮会群豪心邦承乐绍功松善厚庆民友裕哲政谦奇翰朗伯宏若鸣朋栋维启克伦翔泽"
    "辰士家致树德行泰盛"
)
_UYGHUR_PARTS: tuple[str, ...] = (
    "艾力", "买买提", "阿卜杜拉", "吐尔逊", "艾则孜", "热合曼", "努尔", "阿依古丽", "古丽娜尔", "帕提古丽",
    "玉素甫", "依明", "库尔班", "司马义", "热依拉", "阿不都",
)  # fmt: skip
_TIBETAN_MONGOLIAN: tuple[str, ...] = (
    "扎西多吉", "次仁卓玛", "格桑曲珍", "旺堆次仁", "达瓦央金", "巴特尔", "额尔敦", "其其格", "那日苏", "乌兰图雅",
)  # fmt: skip

ETHNICITIES: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip

# (ICD-10 code as written in Chinese clinical systems, diagnosis name)
DIAGNOSES: tuple[tuple[str, str], ...] = (
    ("J18.900", "肺炎"), ("E11.900", "2型糖尿病"), ("E11.9", "2型糖尿病"), ("I10.x00x002", "高血压病3级"),
    ("I10.x00", "原发性高血压"), ("K29.700", "胃炎"), ("K35.800", "急性阑尾炎"), ("J06.900", "急性上呼吸道感染"),
    ("I25.100", "冠状动脉粥样硬化性心脏病"), ("I63.900", "脑梗死"), ("N18.900", "慢性肾脏病"),
    ("C34.900", "肺恶性肿瘤"), ("C16.900", "胃恶性肿瘤"), ("M54.500", "腰痛"), ("K80.200", "胆囊结石"),
    ("J44.900", "慢性阻塞性肺疾病"), ("E78.500", "高脂血症"), ("S72.000", "股骨颈骨折"), ("F32.900", "抑郁发作"),
    ("B18.100", "慢性乙型病毒性肝炎"), ("A15.000", "肺结核"), ("I48.x00", "心房颤动"),
    ("E03.900", "甲状腺功能减退症"), ("G40.900", "癫痫"), ("H25.900", "老年性白内障"), ("K74.600", "肝硬化"),
    ("D64.900", "贫血"), ("N20.000", "肾结石"), ("I11.900", "高血压性心脏病"), ("J45.900", "支气管哮喘"),
)  # fmt: skip

# (BIN prefix, card length): Chinese issuers (UnionPay 62x and others)
BANK_BINS: tuple[tuple[str, int], ...] = (
    ("622202", 19), ("621226", 19), ("621700", 19), ("622700", 19), ("621799", 19), ("622848", 19),
    ("6228", 19), ("6217", 19), ("621661", 19), ("622262", 19), ("623058", 19), ("621098", 19),
    ("622588", 16), ("621483", 16), ("625965", 16), ("622155", 16), ("628288", 16), ("622609", 16),
    ("621095", 18), ("622126", 17),
)  # fmt: skip

#: allocated mobile segments (first three digits)
MOBILE_SEGMENTS: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "149",
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167",
    "170", "171", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185",
    "186", "187", "188", "189", "190", "191", "192", "193", "195", "196", "197", "198", "199",
)  # fmt: skip

# (area code, local number length)
AREA_CODES: tuple[tuple[str, int], ...] = (
    ("010", 8), ("020", 8), ("021", 8), ("022", 8), ("023", 8), ("024", 8), ("025", 8), ("027", 8),
    ("028", 8), ("029", 8), ("0537", 7), ("0537", 8), ("0531", 8), ("0532", 8), ("0571", 8),
    ("0755", 8), ("0791", 8), ("0371", 8), ("0311", 8), ("0538", 7), ("0633", 7), ("0991", 7),
)  # fmt: skip

VIN_WMIS: tuple[str, ...] = (
    "LSV", "LFV", "LHG", "LVS", "LGB", "LBV", "LSG", "LDC", "LGX", "LZW", "LNB", "LVG", "LFM", "LJD",
    "LBE", "LRW", "LGW",
)  # fmt: skip

EMAIL_DOMAINS: tuple[str, ...] = (
    "qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com", "outlook.com", "139.com",
    "sohu.com", "yeah.net",
)  # fmt: skip

ROAD_STEMS: tuple[str, ...] = (
    "人民", "建设", "解放", "中山", "和平", "新华", "文化", "光明", "胜利", "长江", "黄河", "泰山", "青年", "朝阳",
    "府前", "东关", "西门", "红星", "古槐", "太白楼", "琵琶山", "共青团", "运河", "车站", "仙营", "金宇", "崇文",
    "吴泰闸", "洸河", "海川", "皇营", "火炬", "开源", "科苑", "振兴", "学府", "丽景", "滨河", "荷花", "健康",
)  # fmt: skip
ROAD_SUFFIXES: tuple[str, ...] = ("路", "路", "路", "街", "大街", "大道", "巷")
ROAD_DIRECTIONS: tuple[str, ...] = ("", "", "", "东", "西", "南", "北", "中")
STREET_OFFICES: tuple[str, ...] = (
    "城关街道", "东风街道", "新华街道", "古槐街道", "越河街道", "观音阁街道", "南苑街道", "金城街道", "仙营街道",
    "柳行街道", "济阳街道", "阜桥街道", "湖滨街道", "开发区街道",
)  # fmt: skip
TOWN_STEMS: tuple[str, ...] = (
    "杨柳", "王庄", "李营", "长沟", "唐口", "喻屯", "南张", "安居", "石桥", "泉林", "圣水峪", "杨家河", "马集",
    "高庙", "柳林", "星村",
)  # fmt: skip
COMMUNITIES: tuple[str, ...] = (
    "阳光花园", "金色家园", "锦绣华城", "幸福小区", "和平里小区", "东方名苑", "世纪花园", "翰林苑", "御景湾",
    "紫金城", "运河城", "香榭丽舍", "清华园", "府河人家", "滨河新村", "建设里",
)  # fmt: skip
VILLAGE_SUFFIXES: tuple[str, ...] = ("庄", "楼", "营", "集", "屯", "店", "寨", "家庄", "桥", "洼")
CN_NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

COMPANY_WORDS: tuple[str, ...] = (
    "顺达", "鑫源", "恒泰", "华盛", "宏达", "金鼎", "瑞丰", "嘉禾", "永盛", "博远", "汇通", "天成", "中联", "新兴",
    "利民", "众诚", "宏图", "锦程", "泰和", "百川", "合力", "安泰", "兴业", "佳美",
)  # fmt: skip
COMPANY_INDUSTRIES: tuple[str, ...] = (
    "商贸", "建筑工程", "餐饮管理", "物流", "电子科技", "农业发展", "房地产开发", "医疗器械", "汽车销售服务",
    "文化传媒", "环保科技", "机械制造", "食品", "信息技术", "劳务派遣",
)  # fmt: skip
GOV_BODIES: tuple[str, ...] = (
    "公安局", "市场监督管理局", "医疗保障局", "人力资源和社会保障局", "交通运输局", "统计局", "住房和城乡建设局",
    "自然资源和规划局", "教育局", "卫生健康委员会", "大数据局", "行政审批服务局",
)  # fmt: skip

REMARK_PHRASES: tuple[str, ...] = (
    "材料齐全，予以受理", "已电话回访，群众表示满意", "请于三个工作日内办结", "经核实情况属实", "已转相关部门处理",
    "现场勘查后已整改完毕", "申请材料需补正", "按规定程序办理", "系统自动校验通过", "待审核", "已归档",
    "群众诉求已解决", "涉及多部门协调，延期办理", "高度重视，立即安排人员核查", "无异常", "数据已同步至共享平台",
    "按月汇总上报", "已发放", "正常参保", "暂停缴费", "办结", "退回补充材料",
)  # fmt: skip

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# registration authority -> entity categories it may be combined with (GB 32100 appendix)
_USCC_KINDS: tuple[str, ...] = (
    "91", "91", "91", "91", "91", "91", "92", "92", "93", "11", "12", "13", "19", "31", "51", "52", "53",
    "A1", "N1", "N2", "N3", "Y1",
)  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True))}
_VIN_VALUES.update(dict(zip("JKLMN", range(1, 6), strict=True)))
_VIN_VALUES.update({"P": 7, "R": 9})
_VIN_VALUES.update(dict(zip("STUVWXYZ", range(2, 10), strict=True)))
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_HEX = "0123456789ABCDEF"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

DIRTY_TOKENS: tuple[str, ...] = ("NULL", "-", "无", "")


# ---------------------------------------------------------------------------------------------------
# The generator's own checks (used to keep negatives negative; independent of shuan.discovery)


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _valid_date(text: str) -> bool:
    try:
        d = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return False
    return date(1900, 1, 1) <= d <= date(2025, 12, 31)


_KNOWN_PROVINCES = frozenset(PROVINCE_ABBR) | {"71", "81", "82"}


def resident_id_ok(value: str) -> bool:
    """Structurally valid GB 11643 number: province prefix, real date, check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    return (
        value[:2] in _KNOWN_PROVINCES and _valid_date(value[6:14]) and id_check_char(value[:17]) == value[17]
    )


def _org_check(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_ok(value: str) -> bool:
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit -> digit sum of twice the digit


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or not digits.isascii():
        return False
    rev = digits[::-1]
    return (sum(map(int, rev[0::2])) + sum(_DOUBLED[int(c)] for c in rev[1::2])) % 10 == 0


def _luhn_complete(prefix: str) -> str:
    """The Luhn check digit to append to `prefix`."""
    rev = prefix[::-1]
    total = sum(_DOUBLED[int(c)] for c in rev[0::2]) + sum(map(int, rev[1::2]))
    return str((10 - total % 10) % 10)


def vin_check_char(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


def vin_ok(value: str) -> bool:
    if not re.fullmatch(r"[0-9A-HJ-NPR-Z]{17}", value):
        return False
    return vin_check_char(value) == value[8]


def mobile_ok(value: str) -> bool:
    return len(value) == 11 and value.isdigit() and value[:3] in MOBILE_SEGMENTS


_STRICT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_passport", re.compile(r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}")),
    ("cn_hkmo_permit", re.compile(r"C[A-HJ-NP-Z\d]\d{7}")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    ("ip_address", re.compile(r"(\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:]+")),
    ("mac_address", re.compile(r"([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{12}")),
    ("medical_info", re.compile(r"[A-Z]\d{2}(\.[0-9x]{1,3}(x\d{3})?)?")),
)


def classify(value: str) -> set[str]:
    """Types a single bare value would be *validly* taken for by a strict checker (used on negatives)."""
    v = value.strip()
    found: set[str] = set()
    if v.isdigit() and v.isascii():  # fast path: digit strings can only be IDs, mobiles, cards or VINs
        if resident_id_ok(v):
            found.add("cn_resident_id")
        if len(v) == 17 and vin_ok(v):
            found.add("vin")
        if len(v) == 18 and uscc_ok(v):
            found.add("cn_uscc")
        if mobile_ok(v):
            found.add("cn_mobile")
        if 16 <= len(v) <= 19 and luhn_ok(v):
            found.add("bank_card")
        return found
    compact = re.sub(r"[\s-]", "", v)
    if resident_id_ok(v):
        found.add("cn_resident_id")
    if uscc_ok(v):
        found.add("cn_uscc")
    if mobile_ok(compact):
        found.add("cn_mobile")
    if 16 <= len(compact) <= 19 and luhn_ok(compact):
        found.add("bank_card")
    if vin_ok(v):
        found.add("vin")
    for type_id, pattern in _STRICT_PATTERNS:
        if pattern.fullmatch(v):
            found.add(type_id)
    return found


# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A consistent fake person: birth date and gender agree with the ID number."""

    name: str
    resident_id: str
    gender: str  # 男 / 女
    birth: date
    ethnicity: str
    mobile: str
    address: str
    county: County


def fullwidth(value: str) -> str:
    """Replace ASCII digits by full-width digits (１３８…)."""
    return value.translate(_FULLWIDTH)


def format_birth(d: date, style: int) -> str:
    """Birth-date formats seen in government tables (style 0..4)."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return d.strftime("%Y%m%d")
    if style == 2:
        return f"{d.year}年{d.month}月{d.day}日"
    if style == 3:
        return d.strftime("%Y/%m/%d")
    return d.strftime("%Y.%m.%d")


class Fake:
    """Seeded generator. `counties` restricts ID numbers and addresses to a region (default: all)."""

    def __init__(self, seed: int | str = 0, *, counties: Sequence[County] | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - fake data, not security
        self.counties: tuple[County, ...] = tuple(counties) if counties else COUNTIES
        self._current = tuple(c for c in self.counties if not c.abolished) or self.counties

    # -- helpers --------------------------------------------------------------------------------
    def _digits(self, n: int) -> str:
        return f"{self.rng.randrange(10**n):0{n}d}" if n > 0 else ""

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def county(self, *, allow_abolished: bool = False) -> County:
        pool = self.counties if allow_abolished else self._current
        return self.rng.choice(pool)

    # -- identity ----------------------------------------------------------------------------------
    def birth(self) -> date:
        # most people are adults; the range is 1930..2023
        year = int(self.rng.triangular(1930, 2024, 1975))
        year = min(max(year, 1930), 2023)
        return self._date_between(date(year, 1, 1), date(year, 12, 31))

    def resident_id(
        self, *, birth: date | None = None, male: bool | None = None, code: str | None = None
    ) -> str:
        if code is None:
            code = self.county(allow_abolished=self.chance(0.15)).code
        b = birth or self.birth()
        while True:
            seq = self.rng.randrange(1, 1000)
            if male is not None and (seq % 2 == 1) != male:
                seq = seq + 1 if seq < 999 else seq - 1
            first17 = f"{code}{b:%Y%m%d}{seq:03d}"
            value = first17 + id_check_char(first17)
            # about 0.1% of numbers are also valid credit codes: leave those out of the ground truth
            if not uscc_ok(value):
                return value

    def person_name(self) -> str:
        r = self.rng.random()
        if r < 0.015:
            return f"{self.rng.choice(_UYGHUR_PARTS)}·{self.rng.choice(_UYGHUR_PARTS)}"
        if r < 0.02:
            return self.rng.choice(_TIBETAN_MONGOLIAN)
        surname = self.rng.choice(COMPOUND_SURNAMES) if r < 0.03 else self._surname()
        given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(1 if self.chance(0.3) else 2))
        return surname + given

    def _surname(self) -> str:
        # frequent surnames first: a skewed pick over the list
        i = int(len(SURNAMES) * self.rng.random() ** 1.8)
        return SURNAMES[min(i, len(SURNAMES) - 1)]

    def gender(self, style: int | None = None) -> str:
        style = self.rng.randrange(2) if style is None else style
        if self.chance(0.01):
            return "未知"
        male = self.chance(0.5)
        return ("男" if male else "女") + ("性" if style == 1 else "")

    def ethnicity(self) -> str:
        if self.chance(0.85):
            return "汉族"
        return self.rng.choice(ETHNICITIES[1:])

    def birth_date(self, style: int | None = None) -> str:
        return format_birth(self.birth(), self.rng.randrange(5) if style is None else style)

    def person(self) -> Person:
        county = self.county(allow_abolished=self.chance(0.15))
        b = self.birth()
        male = self.chance(0.5)
        rid = self.resident_id(birth=b, male=male, code=county.code)
        home = county if not county.abolished else self.county()
        return Person(
            name=self.person_name(),
            resident_id=rid,
            gender="男" if male else "女",
            birth=b,
            ethnicity=self.ethnicity(),
            mobile=self.mobile(formatted=False),
            address=self.address(county=home),
            county=home,
        )

    def uscc(self, *, county: County | None = None, kind: str | None = None) -> str:
        """A valid credit code; `kind` is the registration authority + entity category (e.g. "91")."""
        kind = kind or self.rng.choice(_USCC_KINDS)
        region = (county or self.county()).code
        if kind[0] == "9" and self.chance(0.7):
            body = "MA" + "".join(self.rng.choice(_USCC_ALPHABET) for _ in range(6))
        else:
            body = self._digits(8)
        org = body + _org_check(body)
        first17 = kind + region + org
        value = first17 + uscc_check_char(first17)
        return value if not resident_id_ok(value) else self.uscc(county=county, kind=kind)

    def passport(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return "E" + self._digits(8)
        if r < 0.85:
            return "E" + self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + self._digits(7)
        return "G" + self._digits(8)

    def hkmo_permit(self) -> str:
        if self.chance(0.7):
            return "C" + self._digits(8)
        return "C" + self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + self._digits(7)

    # -- contact -----------------------------------------------------------------------------------
    def mobile(self, *, formatted: bool | None = None) -> str:
        number = self.rng.choice(MOBILE_SEGMENTS) + self._digits(8)
        if formatted is None:
            formatted = self.chance(0.12)
        if not formatted:
            return number
        style = self.rng.randrange(4)
        if style == 0:
            return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
        if style == 1:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if style == 2:
            return f"+86{number}"
        return f"{number[:3]} {number[3:7]} {number[7:]}"

    def landline(self, *, style: int | None = None) -> str:
        area, n = self.rng.choice(AREA_CODES)
        local = self.rng.choice("2345678") + self._digits(n - 1)
        style = self.rng.choices(range(5), weights=(60, 12, 10, 10, 8))[0] if style is None else style
        if style == 0:
            return f"{area}-{local}"
        if style == 1:
            return f"({area}){local}"
        if style == 2:
            return f"{area}-{local}-{self.rng.randrange(8001, 8999)}"
        if style == 3:
            return f"{area} {local}"
        return f"{area}{local}"

    def email(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            user = self._digits(self.rng.randrange(6, 11)).lstrip("0") or "10001"
        else:
            syllables = ("zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu",
                         "sun", "ma", "hu", "guo", "lin", "wei", "min", "jing", "hui", "xiao", "ming", "jun")  # fmt: skip
            user = "".join(self.rng.choice(syllables) for _ in range(self.rng.randrange(1, 3)))
            if self.chance(0.5):
                user += self.rng.choice((".", "_", "")) + str(self.rng.randrange(1, 2024))
        domain = "sihe.gov.cn" if r > 0.97 else self.rng.choice(EMAIL_DOMAINS)
        return f"{user}@{domain}"

    # -- finance -----------------------------------------------------------------------------------
    def bank_card(self, *, grouped: bool = False) -> str:
        while True:
            prefix, length = self.rng.choice(BANK_BINS)
            body = prefix + self._digits(length - len(prefix) - 1)
            card = body + _luhn_complete(body)
            if classify(card) == {"bank_card"}:  # not also a valid ID number, credit code or VIN
                break
        if grouped:
            return " ".join(card[i : i + 4] for i in range(0, len(card), 4))
        return card

    # -- vehicles ----------------------------------------------------------------------------------
    def license_plate(self, *, province: str | None = None) -> str:
        prov = province or self.rng.choice(tuple(PROVINCE_ABBR.values()))
        city = self.rng.choice(_PLATE_LETTERS.replace("I", "").replace("O", ""))
        sep = "·" if self.chance(0.15) else ""
        r = self.rng.random()
        if r < 0.18:  # small new-energy: D/F + letter-or-digit + 4 digits
            tail = self.rng.choice("DF") + self.rng.choice("ABCDEFGHJK0123456789") + self._digits(4)
        elif r < 0.22:  # large new-energy: 5 digits + D/F
            tail = self._digits(5) + self.rng.choice("DF")
        else:
            chars = [self.rng.choice("0123456789") for _ in range(5)]
            for _ in range(self.rng.choice((0, 0, 0, 1, 1, 2, 3))):
                chars[self.rng.randrange(5)] = self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
            tail = "".join(chars)
        return f"{prov}{city}{sep}{tail}"

    def vin(self) -> str:
        vds = "".join(self.rng.choice(_VIN_ALPHABET) for _ in range(5))
        rest = self.rng.choice(_VIN_YEARS) + self.rng.choice(_VIN_ALPHABET) + self._digits(6)
        draft = self.rng.choice(VIN_WMIS) + vds + "0" + rest
        return draft[:8] + vin_check_char(draft) + draft[9:]

    # -- places ------------------------------------------------------------------------------------
    def road(self) -> str:
        return self.rng.choice(ROAD_STEMS) + self.rng.choice(ROAD_DIRECTIONS) + self.rng.choice(ROAD_SUFFIXES)

    def _room(self) -> str:
        r = self.rng.random()
        floor = self.rng.randrange(1, 28)
        room = f"{floor}{self.rng.randrange(1, 5):02d}"
        if r < 0.45:
            return f"{self.rng.randrange(1, 30)}号楼{self.rng.randrange(1, 7)}单元{room}室"
        if r < 0.75:
            return f"{self.rng.randrange(1, 30)}栋{self.rng.randrange(1, 5)}单元{room}"
        if r < 0.9:
            return f"{self.rng.choice('ABCD')}座{room}室"
        return f"{room}室"

    def address(self, *, county: County | None = None, style: int | None = None) -> str:
        """A detailed address. Styles: 0 full, 1 from the city, 2 partial (county + road + number),
        3 village, 4 community with building/room."""
        c = county or self.county()
        style = self.rng.choices(range(5), weights=(35, 20, 15, 15, 15))[0] if style is None else style
        prov_city = c.province + c.city
        number = f"{self.rng.randrange(1, 400)}号"
        if style == 0:
            office = self.rng.choice(STREET_OFFICES) if self.chance(0.5) else ""
            tail = self._room() if self.chance(0.7) else ""
            if tail and self.chance(0.5):
                tail = self.rng.choice(COMMUNITIES) + tail
            return f"{prov_city}{c.name}{office}{self.road()}{number}{tail}"
        if style == 1:
            tail = self.rng.choice(COMMUNITIES) + self._room() if self.chance(0.6) else ""
            return f"{c.city or c.province}{c.name}{self.road()}{number}{tail}"
        if style == 2:
            return f"{c.name}{self.road()}{number}"
        if style == 3:
            village = self._surname() + self.rng.choice(VILLAGE_SUFFIXES) + "村"
            group = (
                self.rng.choice(CN_NUMERALS) + "组" if self.chance(0.6) else f"{self.rng.randrange(1, 13)}组"
            )
            head = prov_city if self.chance(0.4) else ""
            return (
                f"{head}{c.name}{self.rng.choice(TOWN_STEMS)}镇{village}{group}{self.rng.randrange(1, 120)}号"
            )
        return f"{c.name}{self.road()}{number}{self.rng.choice(COMMUNITIES)}{self._room()}"

    def lon_lat(self) -> tuple[float, float]:
        # mostly the populated east; always inside lon 73.5-135, lat 18-53.5
        if self.chance(0.85):
            return round(self.rng.uniform(102.0, 122.0), 6), round(self.rng.uniform(22.0, 41.0), 6)
        return round(self.rng.uniform(73.5, 135.0), 6), round(self.rng.uniform(18.0, 53.5), 6)

    def geo_coordinate(self) -> str:
        lon, lat = self.lon_lat()
        return f"{lon:.6f},{lat:.6f}" if self.chance(0.85) else f"{lon:.6f}, {lat:.6f}"

    # -- network -----------------------------------------------------------------------------------
    def ip_address(self, *, v6: bool | None = None) -> str:
        if v6 is None:
            v6 = self.chance(0.15)
        if v6:
            groups = [self.rng.choice(("2409", "240e", "2408", "2001")), f"{self.rng.randrange(0x10000):x}"]
            groups += [f"{self.rng.randrange(0x10000):x}" for _ in range(self.rng.choice((2, 6)))]
            if len(groups) == 4:
                return ":".join(groups) + f"::{self.rng.randrange(1, 0x10000):x}"
            return ":".join(groups)
        first = self.rng.choice((10, 172, 192, 58, 112, 117, 123, 183, 221, 60, 119, 202))
        if first == 172:
            second = self.rng.randrange(16, 32)
        elif first == 192:
            second = 168
        else:
            second = self.rng.randrange(0, 256)
        return f"{first}.{second}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"

    def mac_address(self, *, style: int | None = None) -> str:
        while True:
            octets = [self.rng.choice(_HEX) + self.rng.choice(_HEX) for _ in range(6)]
            if any(c.isalpha() for c in "".join(octets)):
                break
        style = self.rng.randrange(4) if style is None else style
        text = (":", "-", "", ":")[style].join(octets)
        return text.lower() if style == 3 or self.chance(0.2) else text

    # -- health ------------------------------------------------------------------------------------
    def diagnosis(self) -> tuple[str, str]:
        return self.rng.choice(DIAGNOSES)

    def medical_code(self) -> str:
        return self.diagnosis()[0]

    def medical_name(self) -> str:
        return self.diagnosis()[1]

    def medical_info(self) -> str:
        return self.medical_code() if self.chance(0.5) else self.medical_name()

    # -- dispatch ----------------------------------------------------------------------------------
    def value(self, type_id: str) -> str:
        """One value of the given vocabulary type."""
        gen = self._positives().get(type_id)
        if gen is None:
            raise KeyError(type_id)
        return gen()

    def _positives(self) -> dict[str, Callable[[], str]]:
        return {
            "cn_resident_id": self.resident_id,
            "cn_uscc": self.uscc,
            "cn_mobile": self.mobile,
            "cn_landline": self.landline,
            "email": self.email,
            "bank_card": self.bank_card,
            "cn_passport": self.passport,
            "cn_hkmo_permit": self.hkmo_permit,
            "cn_license_plate": self.license_plate,
            "vin": self.vin,
            "person_name": self.person_name,
            "address": self.address,
            "ip_address": self.ip_address,
            "mac_address": self.mac_address,
            "geo_coordinate": self.geo_coordinate,
            "birth_date": self.birth_date,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "medical_info": self.medical_info,
        }

    # -- hard negatives ----------------------------------------------------------------------------
    def negative(self, kind: str) -> str:
        """One hard-negative value of the given kind (see NEGATIVE_KINDS)."""
        gen = self._negatives().get(kind)
        if gen is None:
            raise KeyError(kind)
        return gen()

    def _negatives(self) -> dict[str, Callable[[], str]]:
        return {
            "bad_resident_id": self.bad_resident_id,
            "non_luhn_number": self.non_luhn_number,
            "uscc_lookalike": self.uscc_lookalike,
            "non_mobile_11": self.non_mobile_11,
            "district_name": self.district_name,
            "company_name": self.company_name,
            "event_datetime": self.event_datetime,
            "event_date": self.event_date,
            "product_code": self.product_code,
            "money": self.money,
            "remark": self.remark,
        }

    def bad_resident_id(self) -> str:
        """18 digits failing GB 11643: wrong check, impossible date, or non-existent region."""
        while True:
            r = self.rng.random()
            if r < 0.45:
                good = self.resident_id()
                wrong = self.rng.choice([c for c in "0123456789" if c != good[17]])
                value = good[:17] + wrong
            elif r < 0.75:
                y = self.rng.randrange(1940, 2020)
                m, d = self.rng.choice(((13, 5), (0, 12), (2, 30), (4, 31), (6, 32), (11, 0), (19, 1)))
                first17 = f"{self.county().code}{y}{m:02d}{d:02d}{self.rng.randrange(1, 1000):03d}"
                value = first17 + id_check_char(first17)
            else:
                prefix = self.rng.choice(("99", "00", "96", "80", "20", "30"))
                first17 = f"{prefix}{self._digits(4)}{self.birth():%Y%m%d}{self.rng.randrange(1, 1000):03d}"
                value = first17 + id_check_char(first17)
            if value[17] != "X" and not classify(value):
                return value

    def non_luhn_number(self) -> str:
        """16-19 digit order numbers / serials that fail the Luhn check."""
        while True:
            n = self.rng.randrange(16, 20)
            r = self.rng.random()
            if r < 0.4:  # order number: timestamp + counter
                ts = self._event_moment().strftime("%Y%m%d%H%M%S")
                value = (ts + self._digits(n))[:n]
            elif r < 0.7:  # serial starting like a card
                value = "62" + self._digits(n - 2)
            else:
                value = self.rng.choice("123456789") + self._digits(n - 1)
            if not classify(value):
                return value

    def uscc_lookalike(self) -> str:
        """18 characters of the credit-code alphabet, structured like a USCC, with a wrong check."""
        while True:
            good = self.uscc()
            wrong = self.rng.choice([c for c in _USCC_ALPHABET if c != good[17]])
            value = good[:17] + wrong
            if self.chance(0.3):  # some also break the organisation-code check
                value = value[:16] + self.rng.choice("0123456789") + value[17]
            if not classify(value):
                return value

    def non_mobile_11(self) -> str:
        """11-digit numbers that are not mobile numbers (10/11/12 prefixes, unallocated 154)."""
        prefix = self.rng.choice(("10", "11", "12", "154", "100", "120"))
        return prefix + self._digits(11 - len(prefix))

    def district_name(self) -> str:
        c = self.county()
        r = self.rng.random()
        if r < 0.4:
            return c.name
        if r < 0.6:
            return c.city or c.province
        if r < 0.8:
            return c.province + c.city
        return c.province + c.city + c.name

    def company_name(self) -> str:
        c = self.county()
        r = self.rng.random()
        word = self.rng.choice(COMPANY_WORDS)
        industry = self.rng.choice(COMPANY_INDUSTRIES)
        if r < 0.4:
            return f"{c.city or c.province}{c.name}{word}{industry}有限公司"
        if r < 0.65:
            short = c.province.removesuffix("省").removesuffix("市").removesuffix("自治区")
            return f"{short}{word}{industry}股份有限公司"
        if r < 0.8:
            return f"{c.city or c.province}{word}{industry}有限责任公司"
        return f"{c.city or c.province}{c.name if self.chance(0.5) else ''}{self.rng.choice(GOV_BODIES)}"

    def _event_moment(self) -> datetime:
        d = self._date_between(date(2019, 1, 1), date(2025, 6, 30))
        return datetime(d.year, d.month, d.day, self.rng.randrange(8, 19), self.rng.randrange(60),
                        self.rng.randrange(60))  # fmt: skip

    def event_datetime(self) -> str:
        """Timestamps of business events (登记时间, 办结时间), 2019-2025."""
        t = self._event_moment()
        style = self.rng.randrange(4)
        if style == 0:
            return t.strftime("%Y-%m-%d %H:%M:%S")
        if style == 1:
            return t.strftime("%Y/%m/%d %H:%M")
        if style == 2:
            return t.strftime("%Y-%m-%dT%H:%M:%S")
        return t.strftime("%Y年%m月%d日 %H:%M")

    def event_date(self, *, start: date = date(2019, 1, 1), end: date = date(2025, 6, 30)) -> str:
        """Dates of business events (成立日期, 登记日期): dates, but not birth dates."""
        d = self._date_between(start, end)
        return d.isoformat() if self.chance(0.8) else d.strftime("%Y/%m/%d")

    def product_code(self) -> str:
        r = self.rng.random()
        y = self.rng.randrange(2019, 2026)
        if r < 0.3:
            return f"DD{y}{self._digits(10)}"
        if r < 0.55:
            return f"SP-{y}-{self._digits(6)}"
        if r < 0.8:
            return f"HT{y}{self._digits(5)}"
        return f"{self.rng.choice(('ZW', 'GD', 'BJ', 'SQ'))}{y}{self._digits(4)}"

    def money(self) -> str:
        amount = round(self.rng.lognormvariate(7, 1.5), 2)
        r = self.rng.random()
        if r < 0.7:
            return f"{amount:.2f}"
        if r < 0.9:
            return f"{amount:,.2f}"
        return f"{int(amount)}"

    def remark(self) -> str:
        n = self.rng.randrange(1, 3)
        return "，".join(self.rng.sample(REMARK_PHRASES, n)) + "。"

    # -- dirtiness ---------------------------------------------------------------------------------
    def dirty(self, value: str) -> str:
        """A dirty variant: surrounding spaces, full-width digits, or a null token ('NULL', '-', '无', '')."""
        r = self.rng.random()
        if r < 0.25:
            return self.rng.choice((" ", "  ", "\t", "")) + value + self.rng.choice((" ", "  ", " \t"))
        if r < 0.4 and any(c.isdigit() for c in value):
            return fullwidth(value)
        return self.rng.choice(DIRTY_TOKENS)
