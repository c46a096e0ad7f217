"""Free text (12345 hotline tickets, case notes, visit records) with exact ground-truth entity spans.

Span conventions (the ground truth the benchmark scores against):

* offsets are Python string indices (code points), ``end`` exclusive;
* ``person_name`` covers the full name only (surname + given name, or a minority name with ``·``),
  never a title such as 先生/女士 or a role such as 来电人;
* ``address`` covers the whole address from its first administrative or road element to its last
  number/room element (``山东省济宁市任城区古槐路12号3单元502室``, ``任城区古槐路12号``);
* ``cn_mobile`` covers the number as written, including a ``+86`` prefix and dashes when present;
* ``bank_card`` covers the digits as written, including the spaces of a 4-digit grouping;
* ``geo_coordinate`` covers ``lon,lat`` as one span; ``medical_info`` covers a diagnosis name or an
  ICD-10 code; ``gender``, ``ethnicity`` and ``birth_date`` are labelled only where the text states
  them as attributes of a person (性别：男, 张伟，男，汉族，1985年3月12日出生).

Hard negatives are mixed in and never labelled: order numbers, amounts, event dates, company and
government body names, district names alone, 18-digit numbers failing GB 11643, credit-code look-alikes
and 11-digit numbers that are not mobiles. Texts never contain line breaks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from shuan.demo.fake import Fake, format_birth

#: types that free text may carry (every vocabulary type)
TEXT_TYPES: tuple[str, ...] = (
    "person_name",
    "cn_resident_id",
    "cn_mobile",
    "cn_landline",
    "address",
    "email",
    "bank_card",
    "cn_passport",
    "cn_hkmo_permit",
    "cn_license_plate",
    "vin",
    "cn_uscc",
    "ip_address",
    "mac_address",
    "geo_coordinate",
    "birth_date",
    "gender",
    "ethnicity",
    "medical_info",
)


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int

    def as_dict(self, text: str) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end, "text": text[self.start : self.end]}


class TextBuilder:
    """Concatenates literal text and entities, recording each entity's span."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self.spans: list[Span] = []

    def add(self, text: str) -> TextBuilder:
        self._parts.append(text)
        self._pos += len(text)
        return self

    def entity(self, type_id: str, text: str) -> TextBuilder:
        self.spans.append(Span(type_id, self._pos, self._pos + len(text)))
        return self.add(text)

    def build(self) -> tuple[str, list[Span]]:
        return "".join(self._parts), list(self.spans)


Clause = Callable[[TextBuilder], None]


class TextFaker:
    """Composes free-text records from clauses, each clause carrying at most one labelled type
    (except the explicit person-attribute clause)."""

    GENRES = ("hotline", "case", "visit", "service")

    def __init__(self, fake: Fake) -> None:
        self.f = fake
        self.rng = fake.rng

    # -- entity renderings ---------------------------------------------------------------------------
    def _mobile_text(self) -> str:
        number = self.f.mobile(formatted=False)
        r = self.rng.random()
        if r < 0.08:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if r < 0.12:
            return f"+86 {number}" if self.f.chance(0.5) else f"+86{number}"
        return number

    def _card_text(self) -> str:
        return self.f.bank_card(grouped=self.f.chance(0.1))

    def _name(self, b: TextBuilder) -> None:
        b.entity("person_name", self.f.person_name())

    # -- clauses per type ----------------------------------------------------------------------------
    def _clause(self, type_id: str) -> Clause:
        f = self.f
        pick = self.rng.choice

        def name(b: TextBuilder) -> None:
            r = self.rng.random()
            if r < 0.3:
                b.add(pick(("来电人", "当事人", "联系人", "申请人", "经办人", "业主"))).entity(
                    "person_name", f.person_name()
                )
            elif r < 0.55:
                b.add(pick(("联系人：", "姓名：", "申请人："))).entity("person_name", f.person_name())
            elif r < 0.8:
                b.entity("person_name", f.person_name()).add(pick(("先生", "女士", "同志")))
            else:
                b.add(pick(("据", "经核实", "其邻居", "其家属"))).entity("person_name", f.person_name()).add(
                    pick(("反映", "称", "表示"))
                )

        def rid(b: TextBuilder) -> None:
            prefix = pick(("身份证号", "公民身份号码：", "身份证号码为", "证件号码", "（身份证："))
            b.add(prefix).entity("cn_resident_id", f.resident_id())
            if prefix.startswith("（"):
                b.add("）")

        def mobile(b: TextBuilder) -> None:
            b.add(pick(("联系电话", "手机", "电话：", "回拨号码", "手机号码为", "联系方式："))).entity(
                "cn_mobile", self._mobile_text()
            )

        def landline(b: TextBuilder) -> None:
            b.add(pick(("座机", "单位电话", "固话：", "办公电话"))).entity("cn_landline", f.landline(style=0))

        def email(b: TextBuilder) -> None:
            b.add(pick(("邮箱", "电子邮箱：", "邮件发至"))).entity("email", f.email())

        def card(b: TextBuilder) -> None:
            b.add(pick(("银行卡号", "社保卡银行账号", "开户账号：", "收款账号"))).entity(
                "bank_card", self._card_text()
            )

        def passport(b: TextBuilder) -> None:
            b.add(pick(("护照号码", "护照号：", "持护照"))).entity("cn_passport", f.passport())

        def permit(b: TextBuilder) -> None:
            b.add(pick(("港澳通行证号", "往来港澳通行证", "通行证号码："))).entity(
                "cn_hkmo_permit", f.hkmo_permit()
            )

        def plate(b: TextBuilder) -> None:
            if self.f.chance(0.5):
                b.add(pick(("车牌号", "号牌号码：", "车牌"))).entity("cn_license_plate", f.license_plate())
            else:
                b.add("一辆号牌为").entity("cn_license_plate", f.license_plate()).add(
                    pick(("的小型轿车", "的货车"))
                )

        def vin(b: TextBuilder) -> None:
            b.add(pick(("车架号", "车辆识别代号：", "VIN码"))).entity("vin", f.vin())

        def address(b: TextBuilder) -> None:
            r = self.rng.random()
            if r < 0.35:
                b.add(pick(("家住", "住址：", "户籍地址：", "现住"))).entity("address", f.address())
            elif r < 0.7:
                b.add(pick(("反映", "称", "位于"))).entity("address", f.address()).add(
                    pick(("附近", "的小区", "门口", "楼下"))
                )
            else:
                b.add(pick(("在", "于"))).entity(
                    "address", f.address(style=self.rng.choice((1, 2, 2, 3)))
                ).add(pick(("处", "一带", "路段")))

        def uscc(b: TextBuilder) -> None:
            b.add(f.company_name()).add(pick(("（统一社会信用代码：", "（信用代码"))).entity(
                "cn_uscc", f.uscc()
            ).add("）")

        def ip(b: TextBuilder) -> None:
            b.add(pick(("登录IP为", "IP地址：", "来源IP "))).entity("ip_address", f.ip_address())

        def mac(b: TextBuilder) -> None:
            b.add(pick(("设备MAC地址", "MAC：", "终端物理地址"))).entity("mac_address", f.mac_address())

        def geo(b: TextBuilder) -> None:
            lon, lat = f.lon_lat()
            b.add(pick(("定位坐标", "经纬度：", "事发位置坐标"))).entity(
                "geo_coordinate", f"{lon:.6f},{lat:.6f}"
            )

        def birth(b: TextBuilder) -> None:
            text = format_birth(f.birth(), self.rng.choice((0, 2, 2)))
            if self.f.chance(0.5):
                b.add(pick(("出生日期：", "出生日期", "生于"))).entity("birth_date", text)
            else:
                b.entity("birth_date", text).add("出生")

        def gender(b: TextBuilder) -> None:
            b.add("性别：").entity("gender", pick(("男", "女")))

        def ethnicity(b: TextBuilder) -> None:
            b.add("民族：").entity("ethnicity", f.ethnicity())

        def medical(b: TextBuilder) -> None:
            code, dx = f.diagnosis()
            r = self.rng.random()
            if r < 0.4:
                b.add(pick(("诊断为", "患有", "确诊"))).entity("medical_info", dx)
            elif r < 0.7:
                b.add("诊断：").entity("medical_info", dx).add("（").entity("medical_info", code).add("）")
            else:
                b.add("诊断编码").entity("medical_info", code)

        table: dict[str, Clause] = {
            "person_name": name,
            "cn_resident_id": rid,
            "cn_mobile": mobile,
            "cn_landline": landline,
            "email": email,
            "bank_card": card,
            "cn_passport": passport,
            "cn_hkmo_permit": permit,
            "cn_license_plate": plate,
            "vin": vin,
            "address": address,
            "cn_uscc": uscc,
            "ip_address": ip,
            "mac_address": mac,
            "geo_coordinate": geo,
            "birth_date": birth,
            "gender": gender,
            "ethnicity": ethnicity,
            "medical_info": medical,
        }
        return table[type_id]

    def _profile(self, b: TextBuilder, include: set[str]) -> None:
        """张伟，男，汉族，1985年3月12日出生 — the attribute clause of case notes."""
        b.entity("person_name", self.f.person_name())
        if "gender" in include:
            b.add("，").entity("gender", self.rng.choice(("男", "女")))
        if "ethnicity" in include:
            b.add("，").entity("ethnicity", self.f.ethnicity())
        if "birth_date" in include:
            b.add("，").entity("birth_date", format_birth(self.f.birth(), self.rng.choice((0, 2, 2)))).add(
                "出生"
            )

    # -- negative clauses ----------------------------------------------------------------------------
    def _negative(self, b: TextBuilder) -> None:
        f = self.f
        pick = self.rng.choice
        r = self.rng.randrange(12)
        if r == 0:
            b.add(pick(("订单号", "交易流水号", "快递单号"))).add(f.non_luhn_number())
        elif r == 1:
            b.add(pick(("涉及金额", "金额", "退款"))).add(f.money()).add("元")
        elif r == 2:
            b.add(pick(("于", "已于"))).add(f.event_datetime()).add(pick(("办理", "提交申请", "来电")))
        elif r == 3:
            b.add(pick(("涉事单位为", "投诉", "反映"))).add(f.company_name())
        elif r == 4:
            b.add(pick(("辖区为", "属", "转"))).add(f.district_name()).add(pick(("处理", "范围", "负责")))
        elif r == 5:
            b.add("提供的身份证号").add(f.bad_resident_id()).add("经核验有误")
        elif r == 6:
            b.add(pick(("备案编号", "登记证号"))).add(f.uscc_lookalike())
        elif r == 7:
            b.add(pick(("受理号", "档案号"))).add(f.non_mobile_11())
        elif r == 8:
            b.add(pick(("合同编号", "工单编号", "产品编码"))).add(f.product_code())
        elif r == 9:
            b.add(f.event_date()).add(pick(("已回访", "现场核查", "办结")))
        else:
            b.add(f.remark().rstrip("。"))

    # -- records -------------------------------------------------------------------------------------
    def compose(
        self, include: Collection[str], *, genre: str | None = None, negatives: int | None = None
    ) -> tuple[str, list[Span]]:
        """One record carrying every type in `include` (at least once) and some hard negatives."""
        unknown = set(include) - set(TEXT_TYPES)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        genre = genre or self.rng.choice(self.GENRES)
        inc = set(include)
        b = TextBuilder()
        moment = self.f.event_datetime()
        openers = {
            "hotline": (f"{moment}来电：", "市民来电反映：", "12345热线转办：", "网民留言："),
            "case": ("经查，", "案情简介：", "违法行为人基本情况：", "当事人基本情况："),
            "visit": (f"{self.f.event_date()}走访，", "入户核查：", "社区网格员上报："),
            "service": ("申请事项：", "办件说明：", "窗口受理登记："),
        }[genre]
        b.add(self.rng.choice(openers))
        head: list[Clause] = []
        rest = set(inc)
        if (
            "person_name" in inc
            and inc & {"gender", "ethnicity", "birth_date"}
            and genre in ("case", "visit")
        ):
            # the person-attribute clause leads the record
            head.append(lambda bb: self._profile(bb, inc))
            rest -= {"person_name", "gender", "ethnicity", "birth_date"}
        tail = [self._clause(t) for t in sorted(rest)]
        n_neg = self.rng.randrange(1, 3) if negatives is None else negatives
        tail += [self._negative] * n_neg
        self.rng.shuffle(tail)
        for i, clause in enumerate(head + tail):
            if i:
                b.add(self.rng.choice(("，", "，", "；", "。")))
            clause(b)
        closers = (
            "。",
            "，请尽快处理。",
            "，请相关部门核实处理。",
            "。诉求：尽快解决。",
            "。已告知办理流程。",
        )
        b.add(self.rng.choice(closers))
        return b.build()

    def random_record(self, weights: dict[str, float] | None = None) -> tuple[str, list[Span]]:
        """A record whose types are drawn independently (default: names/phones/addresses common)."""
        w = weights or DEFAULT_TEXT_WEIGHTS
        include = [t for t in TEXT_TYPES if self.rng.random() < w.get(t, 0.0)]
        return self.compose(include)

    def records(self, n: int, weights: dict[str, float] | None = None) -> Iterable[tuple[str, list[Span]]]:
        for _ in range(n):
            yield self.random_record(weights)


#: probability that a random record carries each type
DEFAULT_TEXT_WEIGHTS: dict[str, float] = {
    "person_name": 0.7,
    "cn_mobile": 0.55,
    "address": 0.45,
    "cn_resident_id": 0.3,
    "cn_landline": 0.12,
    "email": 0.08,
    "bank_card": 0.1,
    "cn_passport": 0.05,
    "cn_hkmo_permit": 0.05,
    "cn_license_plate": 0.1,
    "vin": 0.06,
    "cn_uscc": 0.08,
    "ip_address": 0.06,
    "mac_address": 0.05,
    "geo_coordinate": 0.05,
    "birth_date": 0.1,
    "gender": 0.08,
    "ethnicity": 0.07,
    "medical_info": 0.08,
}
