"""Third independent benchmark corpus for 数安: ~54 tables modelled on Jining municipal systems.

    python bench/corpus_third.py --out DIR --seed N

Writes DIR/tables/* (UTF-8 / UTF-8-BOM / GBK CSV, XLSX, JSONL) and DIR/truth.json:
``{"meta": {...}, "tables": {stem: {"file", "rows", "columns": {header: [type ids]}, "kinds": {...}}}}``.
A column's truth lists every vocabulary type held by >= 10 % of its non-null values, counted from
the values actually written ("non-null" excludes empty cells and placeholders such as NULL, 无, /, -,
不详). Truth is semantic: a value counts as type T when the generator produced it *as* a T (a
business serial that happens to look like an ID is not an ID; hard negatives are built so that they
fail the relevant check). Written without sight of the detector or of the other two generators.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_third_data as D  # noqa: E402

TYPES = ["cn_resident_id", "cn_uscc", "cn_mobile", "cn_landline", "email", "bank_card", "cn_passport",
         "cn_hkmo_permit", "cn_license_plate", "vin", "person_name", "address", "ip_address", "mac_address",
         "geo_coordinate", "birth_date", "gender", "ethnicity", "medical_info"]  # fmt: skip
ID, USCC, MOB, TEL, EMAIL, CARD, PASS, HKMO, PLATE, VIN, NAME, ADDR, IP, MAC, GEO, BIRTH, SEX, ETH, MED = TYPES
NULL_TOKENS = {"", "NULL", "null", "Null", "无", "/", "-", "--", "不详", "N/A", "—", "none", "None"}
E: frozenset[str] = frozenset()
REF = dt.date(2024, 6, 30)
Cell = tuple[Any, frozenset]


def is_null(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() in NULL_TOKENS)


def pos(v: Any, *types: str) -> Cell:
    return (v, frozenset(types))


def neg(v: Any) -> Cell:
    return (v, E)


# -- checksums (from DOMAIN.md section 8) -------------------------------------------------------------
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]
VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_VAL = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9], strict=False))
VIN_ALPHA = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def id_check(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_W, strict=False)) % 11]


def org_check(org8: str) -> str:
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org8, ORG_W, strict=False))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(body17: str) -> str:
    s = sum(USCC_ALPHA.index(c) * w for c, w in zip(body17, USCC_W, strict=False))
    return USCC_ALPHA[(31 - s % 31) % 31]


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


def vin_check(vin: str) -> str:
    s = sum((int(c) if c.isdigit() else VIN_VAL[c]) * w for c, w in zip(vin, VIN_W, strict=False))
    r = s % 11
    return "X" if r == 10 else str(r)


def valid_id18(s: str) -> bool:
    if len(s) != 18 or not s[:17].isdigit():
        return False
    try:
        dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return id_check(s[:17]) == s[17].upper()


FW = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


# -- value generators ---------------------------------------------------------------------------------
class Person:
    __slots__ = ("name", "male", "birth", "eth", "code", "id", "py", "mobile", "legacy")

    def __init__(self, **kw: Any) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


class G:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self._sw = [w for _s, _p, w in D.SURNAMES]
        self._mw = [w for _s, w in D.MOBILE_SEGMENTS]
        self._ew = [w for _e, w in D.ETHNICITIES]

    # basics
    def pick(self, seq: Any) -> Any:
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def digits(self, n: int) -> str:
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def wpick(self, pairs: list[tuple[Any, float]]) -> Any:
        return self.r.choices([a for a, _ in pairs], [w for _, w in pairs])[0]

    def date_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.r.randint(0, (b - a).days))

    def event_date(self, a: int = 2015, b: dt.date = REF) -> dt.date:
        return self.date_between(dt.date(a, 1, 1), b)

    def event_dt(self, a: int = 2018) -> dt.datetime:
        d = self.event_date(a)
        return dt.datetime(d.year, d.month, d.day, self.r.randint(0, 23), self.r.randint(0, 59), self.r.randint(0, 59))

    # people
    def han_name(self, male: bool, year: int) -> tuple[str, str, str]:
        x = self.r.random()
        if x < 0.015:
            sur, sp = self.pick(D.COMPOUND_SURNAMES)
        elif x < 0.04:
            sur, sp = self.pick(D.RARE_SURNAMES)
        else:
            i = self.r.choices(range(len(D.SURNAMES)), self._sw)[0]
            sur, sp = D.SURNAMES[i][0], D.SURNAMES[i][1]
        if year < 1968:
            pool = D.GIVEN_M_OLD if male else D.GIVEN_F_OLD
        elif year >= 2003:
            pool = D.GIVEN_M_YOUNG if male else D.GIVEN_F_YOUNG
        else:
            pool = D.GIVEN_M_MID if male else D.GIVEN_F_MID
        given = self.pick(pool)
        return sur + given, sp, "".join(D.PINYIN.get(c, "x") for c in given)

    def name_for(self, male: bool, year: int, eth: str) -> tuple[str, str, str]:
        if eth in ("维吾尔族", "哈萨克族"):
            g = self.pick(D.UYGHUR_M if male else D.UYGHUR_F)
            return f"{g}·{self.pick(D.UYGHUR_M)}", "", ""
        if eth == "藏族":
            a, b = self.r.sample(D.TIBETAN, 2)
            return a + b, "", ""
        if eth == "蒙古族" and self.chance(0.5):
            return self.pick(D.MONGOL), "", ""
        return self.han_name(male, year)

    def name(self, min_age: int = 18, max_age: int = 80) -> str:
        male = self.chance(0.5)
        return self.han_name(male, REF.year - self.r.randint(min_age, max_age))[0]

    def ethnicity(self) -> str:
        return self.r.choices([e for e, _ in D.ETHNICITIES], self._ew)[0]

    def person(self, min_age: int = 18, max_age: int = 85, local: float = 0.7, legacy: float = 0.0,
               male: bool | None = None) -> Person:  # fmt: skip
        eth = self.ethnicity()
        if eth in ("维吾尔族", "哈萨克族"):
            code = self.pick(D.XINJIANG_CODES)
        elif eth == "藏族":
            code = self.pick(D.TIBET_CODES)
        elif eth == "蒙古族" and self.chance(0.6):
            code = self.pick(D.NEIMENG_CODES)
        elif self.chance(local):
            code = self.pick(D.JINING_CODES)
        else:
            code = self.pick(D.ADMIN_CODES)[0]
        birth = REF - dt.timedelta(days=self.r.randint(min_age * 365 + 1, max_age * 365 + 300))
        male = self.chance(0.51) if male is None else male
        name, sp, gp = self.name_for(male, birth.year, eth)
        seq = f"{self.r.randint(0, 99):02d}{self.pick('13579' if male else '02468')}"
        body = f"{code}{birth:%Y%m%d}{seq}"
        is_legacy = birth.year < 1982 and self.chance(legacy)
        pid = f"{code}{birth:%y%m%d}{seq}" if is_legacy else body + id_check(body)
        return Person(name=name, male=male, birth=birth, eth=eth, code=code, id=pid, py=(sp, gp),
                      mobile=self.mobile_raw(), legacy=is_legacy)  # fmt: skip

    def people(self, n: int, **kw: Any) -> list[Person]:
        return [self.person(**kw) for _ in range(n)]

    # identifiers
    def id_fmt(self, p: Person, lower_x: float = 0.0) -> str:
        s = p.id
        if s.endswith("X") and self.chance(lower_x):
            s = s[:-1] + "x"
        return s

    def random_id(self, min_age: int = 18, max_age: int = 80) -> str:
        return self.person(min_age, max_age).id

    def bad_id(self) -> str:
        p = self.person()
        body = p.id[:17] if len(p.id) == 18 else self.person().id[:17]
        k = self.r.random()
        if k < 0.4:  # wrong check character
            good = id_check(body)
            return body + self.pick([c for c in "0123456789X" if c != good])
        if k < 0.65:  # impossible date
            y = self.r.randint(1950, 2005)
            md = self.pick(["1301", "0230", "0431", "0000", "1232", "0631", "0229" if y % 4 else "0931"])
            b = f"{body[:6]}{y}{md}{body[14:17]}"
            return b + id_check(b)
        if k < 0.85:  # region code that never existed
            b = self.pick(D.BAD_PROVINCE_PREFIXES) + self.digits(4) + body[6:17]
            return b + id_check(b)
        b = f"{body[:6]}{self.r.randint(2031, 2099)}{body[10:17]}"  # birth in the future
        return b + id_check(b)

    def mobile_raw(self) -> str:
        seg = self.r.choices([s for s, _ in D.MOBILE_SEGMENTS], self._mw)[0]
        return seg + self.digits(8)

    def mobile_fmt(self, m: str, style: str) -> str:
        if style == "plus86":
            return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
        if style == "plus86c":
            return "+86" + m
        if style == "dash":
            return f"{m[:3]}-{m[3:7]}-{m[7:]}"
        if style == "space":
            return f"{m[:3]} {m[3:7]} {m[7:]}"
        if style == "86dash":
            return "86-" + m
        return m

    def mobile(self, main: str = "plain", alt: float = 0.1, alts: tuple[str, ...] = ("plus86", "dash", "plus86c")) -> str:
        return self.mobile_fmt(self.mobile_raw(), self.pick(alts) if self.chance(alt) else main)

    def landline(self, area: str | None = None, style: str | None = None) -> str:
        area = area or (self.pick(list(D.AREA_CODES)) if self.chance(0.35) else "0537")
        local = str(self.r.randint(2, 8)) + self.digits(D.AREA_CODES[area] - 1)
        style = style or self.wpick([("dash", 50), ("paren", 10), ("paren_cn", 5), ("plain", 15), ("space", 5),
                                     ("ext", 6), ("ext_cn", 4), ("local_ext", 5)])  # fmt: skip
        ext = str(self.r.randint(1, 899)).zfill(3)
        return {
            "dash": f"{area}-{local}", "paren": f"({area}){local}", "paren_cn": f"（{area}）{local}",
            "plain": area + local, "space": f"{area} {local}", "ext": f"{area}-{local}-{ext}",
            "ext_cn": f"{area}-{local}转{ext}", "local_ext": f"{local}-{ext}",
        }[style]  # fmt: skip

    def email(self, p: Person | None = None) -> str:
        dom = self.wpick([("qq.com", 30), ("163.com", 20), ("126.com", 10), ("sina.com", 5), ("foxmail.com", 5),
                          ("139.com", 4), ("gmail.com", 3), ("outlook.com", 3), ("hotmail.com", 2), ("yeah.net", 2),
                          ("aliyun.com", 2), ("jn.gov.cn", 3), ("sdu.edu.cn", 1), ("jnmc.edu.cn", 1)])  # fmt: skip
        if dom == "qq.com" and self.chance(0.7):
            return f"{self.r.randint(10000, 3999999999)}@qq.com"
        sp, gp = p.py if p and p.py[0] else (self.pick(D.SURNAMES)[1], self.pick(list(D.PINYIN.values())))
        local = self.pick([f"{sp}{gp}", f"{sp}.{gp}", f"{sp}{gp}{self.r.randint(1, 99)}", f"{gp}{sp}",
                           f"{sp[0]}{gp}{self.r.randint(1970, 2005)}", f"{sp}_{gp}"])  # fmt: skip
        return f"{local}@{dom}"

    def bank_card(self, grouped: float = 0.0, credit: bool = True) -> str:
        bins = D.BANK_BINS if credit else [b for b in D.BANK_BINS if "信用卡" not in b[2]]
        b, n, _bank = self.pick(bins)
        body = b + self.digits(n - len(b) - 1)
        num = body + luhn_digit(body)
        if self.chance(grouped):
            num = " ".join(num[i : i + 4] for i in range(0, len(num), 4))
        return num

    def luhn_bad(self, n: int, prefix: str = "") -> str:
        body = prefix + self.digits(n - len(prefix) - 1)
        good = luhn_digit(body)
        return body + self.pick([c for c in "0123456789" if c != good])

    def uscc(self, kind: str = "91", code: str | None = None) -> str:
        code = code or (self.pick(D.JINING_CODES + ["370800", "370800", "370100"]) if self.chance(0.85)
                        else self.pick(D.ADMIN_CODES)[0])  # fmt: skip
        if kind in ("91", "92", "93") and self.chance(0.6):
            org = "MA" + "".join(self.pick(USCC_ALPHA) for _ in range(6))
        else:
            org = self.digits(8)
        body = kind + code + org + org_check(org)
        return body + uscc_check(body)

    def bad_uscc(self) -> str:
        s = self.uscc(self.pick(["91", "91", "92", "12", "52"]))
        k = self.r.random()
        if k < 0.7:
            return s[:17] + self.pick([c for c in USCC_ALPHA if c != s[17]])
        if k < 0.85:
            b = self.pick(["94", "17", "58", "E1", "K2"]) + s[2:17]
            return b + uscc_check(b)
        i = self.r.randint(9, 15)
        return s[:i] + self.pick("IOSVZ") + s[i + 1 :]

    def passport(self) -> str:
        k = self.r.random()
        if k < 0.55:
            return "E" + self.digits(8)
        if k < 0.85:
            return "E" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)
        return "G" + self.digits(8)

    def hkmo(self) -> str:
        if self.chance(0.5):
            return "C" + self.digits(8)
        return "C" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)

    def plate(self, local: float = 0.8, nev: float = 0.12, style: str = "plain") -> str:
        if self.chance(local):
            prov, city = "鲁", ("H" if self.chance(0.8) else self.pick("ABCDEFGHJKLMNPQRSUV"))
        else:
            prov, city = self.pick(D.PLATE_PROVINCES), self.pick(PLATE_LETTERS.replace("I", "").replace("O", ""))
        k = self.r.random()
        if k < nev:
            if self.chance(0.85):
                tail = self.pick("DF") + self.pick(PLATE_LETTERS + "0123456789") + self.digits(4)
            else:
                tail = self.digits(5) + self.pick("DF")
        elif k < nev + 0.03:
            tail = self.digits(4) + self.pick(["挂", "学"])
        else:
            pat = self.pick(["ddddd", "Ldddd", "LLddd", "dLddd", "ddLdd", "Ldddd", "dddLL", "ddddL"])
            tail = "".join(self.digits(1) if c == "d" else self.pick(PLATE_LETTERS) for c in pat)
        sep = {"plain": "", "dot": "·", "space": " "}[style]
        return prov + city + sep + tail

    def vin(self, imported: float = 0.05) -> str:
        wmi = self.pick(D.VIN_WMI_IMPORT if self.chance(imported) else D.VIN_WMI)
        vds = "".join(self.pick(VIN_ALPHA) for _ in range(5))
        tail = self.pick(VIN_YEAR) + self.pick(VIN_ALPHA) + self.digits(6)
        partial = wmi + vds + "0" + tail
        return wmi + vds + vin_check(partial) + tail

    def bad_vin(self) -> str:
        v = self.vin()
        return v[:8] + self.pick([c for c in "0123456789X" if c != v[8]]) + v[9:]

    def engine_no(self) -> str:
        return self.pick(["", "", "CSS", "DKX", "L4B", "G4F", "BYD"]) + self.digits(self.r.randint(6, 8)) + (
            self.pick(PLATE_LETTERS) if self.chance(0.2) else "")

    # places
    def jining_district(self) -> tuple[str, tuple[str, list[str], list[str]]]:
        name = self.wpick([(k, 5 if k == "任城区" else 2 if k in ("兖州区", "曲阜市", "邹城市") else 1)
                           for k in D.JINING_DISTRICTS])  # fmt: skip
        return name, D.JINING_DISTRICTS[name]

    def room(self) -> str:
        return f"{self.r.randint(1, 28)}{self.r.randint(1, 4):02d}"

    def address(self, style: str | None = None, weights: dict[str, float] | None = None) -> str:
        """A detailed address (down to door number, building/room or rural group)."""
        w = weights or {"full": 25, "city_road": 15, "dist_road_room": 15, "street_num": 10, "compound": 8,
                        "rural": 12, "rural_group": 3, "road_num": 4, "other_city": 8}  # fmt: skip
        style = style or self.wpick(list(w.items()))
        dname, (_code, streets, towns) = self.jining_district()
        urban_roads = D.ROADS_JINING if dname == "任城区" else D.ROADS_COUNTY
        road, num = self.pick(urban_roads), f"{self.r.randint(1, 299)}号"
        bld = f"{self.r.randint(1, 32)}号楼{self.r.randint(1, 6)}单元{self.room()}室"
        if style == "full":
            comm = self.pick(D.COMMUNITIES) if self.chance(0.6) else ""
            prov = "山东省" if self.chance(0.7) else ""
            return f"{prov}济宁市{dname}{self.pick(streets)}{road}{num}{comm}{bld}"
        if style == "city_road":
            return f"济宁市{dname}{road}{num}" + (self.pick(["", "附1号", "-2", "院内"]) if self.chance(0.2) else "")
        if style == "dist_road_room":
            return f"{dname}{road}{num}" + self.pick([
                f"院{self.r.randint(1, 20)}-{self.r.randint(1, 5)}-{self.room()}", f"{self.room()}室",
                f"{self.r.randint(1, 12)}号楼{self.room()}", "门市", f"{self.r.randint(1, 3)}楼"])  # fmt: skip
        if style == "street_num":
            return f"{self.pick(streets)}{road}{num}"
        if style == "compound":
            return f"{self.pick(D.COMMUNITIES)}{self.r.randint(1, 30)}号楼{self.r.randint(1, 6)}单元{self.room()}" + (
                "室" if self.chance(0.6) else "")
        if style in ("rural", "rural_group"):
            d2 = dname if dname not in ("任城区",) or self.chance(0.3) else "嘉祥县"
            town = self.pick(D.JINING_DISTRICTS[d2][2])
            head = self.pick(["", "", "山东省", "济宁市", "山东省济宁市"]) + d2
            vil = self.pick(D.VILLAGES)
            if style == "rural_group":
                return f"{head}{town}{vil}{self.pick(D.GROUPS_CN)}"
            return f"{head}{town}{vil}" + self.pick([f"{self.r.randint(1, 12)}组{self.r.randint(1, 180)}号",
                                                    f"{self.r.randint(1, 260)}号", f"{self.pick(D.GROUPS_CN)}{self.r.randint(1, 99)}号"])  # fmt: skip
        if style == "road_num":
            return f"{road}{num}"
        if style == "spaced":
            return f"济宁市 {dname} {road} {num}"
        # other city
        prov, city, _area, _n, _ll, dists = self.pick(D.OTHER_CITIES)
        d = self.pick(list(dists))
        p = prov if prov != city else ""
        return f"{p}{city}{d}{self.pick(dists[d])}{self.r.randint(1, 999)}号" + self.pick(
            ["", f"{self.r.randint(1, 20)}栋{self.room()}", f"{self.r.randint(1, 30)}号楼{self.r.randint(1, 4)}单元{self.room()}室"])

    def place_only(self) -> str:
        """Hard negative: an administrative name, street, road or compound name without a number."""
        dname, (_c, streets, towns) = self.jining_district()
        k = self.r.random()
        if k < 0.25:
            return self.pick(["山东省济宁市" + dname, "济宁市" + dname, dname, "山东省济宁市"])
        if k < 0.45:
            return dname + self.pick(streets + towns)
        if k < 0.65:
            return self.pick(D.ROADS_JINING + D.ROADS_COUNTY)
        if k < 0.8:
            return self.pick(D.COMMUNITIES)
        return dname + self.pick(towns) + self.pick(D.VILLAGES)

    def company(self) -> str:
        brand = "".join(self.r.sample(D.BRAND_CHARS, 2))
        pre = self.pick(["济宁", "济宁市", "山东", "济宁市任城区", "曲阜", "邹城市", "嘉祥县"])
        return f"{pre}{brand}{self.pick(D.INDUSTRIES)}" + self.pick(["有限公司", "有限公司", "有限责任公司", "股份有限公司"])

    def shop(self) -> str:
        dname, _ = self.jining_district()
        brand = self.pick(["".join(self.r.sample(D.BRAND_CHARS, 2)), self.pick(["老王", "张记", "小丽", "李家", "阿强", "刘姐"])])
        return f"{dname}{brand}{self.pick(D.SHOP_KINDS)}"

    def org_name(self) -> str:
        return self.pick([self.company(), self.company(), self.pick(D.GOV_BODIES), self.shop()])

    def geo(self, jitter: float = 0.12) -> tuple[float, float]:
        if self.chance(0.9):
            lng0, lat0 = 116.587, 35.415
        else:
            lng0, lat0 = self.pick(D.OTHER_CITIES)[4]
        return round(lng0 + self.r.uniform(-jitter, jitter), 6), round(lat0 + self.r.uniform(-jitter, jitter), 6)

    def geo_pair(self, style: str = "lnglat") -> str:
        lng, lat = self.geo()
        if style == "latlng":
            return f"{lat:.6f},{lng:.6f}"
        if style == "space":
            return f"{lng:.6f}, {lat:.6f}"
        if style == "wkt":
            return f"POINT({lng:.6f} {lat:.6f})"
        if style == "en":
            return f"E{lng:.5f},N{lat:.5f}"
        return f"{lng:.6f},{lat:.6f}"

    def ipv4(self, private: float = 0.5) -> str:
        if self.chance(private):
            return self.pick([f"192.168.{self.r.randint(0, 10)}.{self.r.randint(2, 254)}",
                              f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}",
                              f"172.{self.r.randint(16, 31)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"])  # fmt: skip
        return f"{self.pick([27, 36, 39, 60, 61, 112, 113, 115, 119, 123, 139, 144, 180, 182, 183, 202, 218, 221, 222, 223])}." \
               f"{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def ipv6(self) -> str:
        head = self.pick(["2408:8207", "240e:3b4", "2409:8a3c", "240e:47c", "2408:821a"])
        groups = [f"{self.r.randint(0, 0xFFFF):x}" for _ in range(4)]
        return f"{head}:{groups[0]}:{groups[1]}::{groups[2]}" if self.chance(0.5) else f"{head}:{':'.join(groups)}:{self.r.randint(1, 0xFFFF):x}:{self.r.randint(1, 0xFFFF):x}"

    def mac(self, style: str = "dash") -> str:
        oui = self.pick(["00E04C", "F0DEF1", "3C970E", "286ED4", "005056", "B827EB", "A45E60", "5CF9DD", "D4EE07",
                         "70B3D5", "8C8590", "E0D55E", "F4B520", "001C42", "C89CDC"])  # fmt: skip
        hexs = oui + "".join(self.pick("0123456789ABCDEF") for _ in range(6))
        pairs = [hexs[i : i + 2] for i in range(0, 12, 2)]
        if style == "colon":
            return ":".join(pairs).lower()
        if style == "colon_up":
            return ":".join(pairs)
        if style == "cisco":
            return ".".join(hexs[i : i + 4] for i in range(0, 12, 4)).lower()
        if style == "bare":
            return hexs
        return "-".join(pairs)

    def icd(self, style: str = "short") -> str:
        code, _ = self.pick(D.ICD10)
        if style == "yb":  # 医保版 extension
            base = code if "." in code else code + ".x"
            return base.ljust(len(code.split(".")[0]) + 4, "0") + (f"x{self.r.randint(1, 9):03d}" if self.chance(0.4) else "")
        return code

    def diagnosis(self) -> str:
        return self.pick(D.ICD10)[1] + self.pick(D.DIAG_DECOR)

    def money(self, lo: float = 1, hi: float = 10000) -> str:
        return f"{self.r.uniform(lo, hi):.2f}"

    def version(self) -> str:
        return f"{self.r.randint(1, 9)}.{self.r.randint(0, 12)}.{self.r.randint(0, 30)}.{self.r.randint(1000, 9999)}"


def fmt_date(d: dt.date, style: str) -> str:
    return {
        "iso": f"{d:%Y-%m-%d}", "compact": f"{d:%Y%m%d}", "slash": f"{d.year}/{d.month}/{d.day}",
        "slash0": f"{d:%Y/%m/%d}", "cn": f"{d.year}年{d.month}月{d.day}日", "dot": f"{d:%Y.%m.%d}",
        "dt0": f"{d:%Y-%m-%d} 00:00:00", "ym": f"{d:%Y-%m}", "ymc": f"{d:%Y%m}", "ymdot": f"{d:%Y.%m}",
        "ymcn": f"{d.year}年{d.month:02d}月",
    }[style]  # fmt: skip


def fmt_dt(t: dt.datetime, style: str = "iso") -> str:
    if style == "slash":
        return f"{t:%Y/%m/%d %H:%M}"
    if style == "t":
        return f"{t:%Y-%m-%dT%H:%M:%S}"
    if style == "compact":
        return f"{t:%Y%m%d%H%M%S}"
    return f"{t:%Y-%m-%d %H:%M:%S}"


# -- tables -------------------------------------------------------------------------------------------
DIRTY = [(None, 30), ("NULL", 14), ("无", 10), ("/", 10), ("-", 10), ("不详", 8), (" ", 8), ("null", 5), ("", 5)]


class Table:
    def __init__(self, name: str, n: int, g: G, fmt: str = "csv", encoding: str = "utf-8", system: str = "") -> None:
        self.name, self.n, self.g, self.fmt, self.encoding, self.system = name, n, g, fmt, encoding, system
        self.cols: list[tuple[str, list[Cell], str]] = []

    def col(self, header: str, cells: list[Cell], kind: str, noise: float | None = None, fw: float = 0.0,
            pad: float = 0.01) -> None:  # fmt: skip
        g = self.g
        assert len(cells) == self.n, (self.name, header, len(cells), self.n)
        rate = g.r.uniform(0.03, 0.13) if noise is None else noise
        out: list[Cell] = []
        for v, t in cells:
            x = g.r.random()
            if x < rate:
                out.append((g.wpick(DIRTY), E))
            elif isinstance(v, str) and v and x < rate + pad:
                out.append((g.pick([" ", "  ", "\t"]) + v + g.pick(["", " "]) if g.chance(0.5) else v + " ", t))
            elif isinstance(v, str) and fw and g.chance(fw):
                out.append((v.translate(FW), t))
            else:
                out.append((v, t))
        self.cols.append((header, out, kind))

    def truth(self) -> tuple[dict[str, list[str]], dict[str, str], dict[str, dict[str, float]]]:
        cols, kinds, shares = {}, {}, {}
        for h, cells, kind in self.cols:
            nn = [t for v, t in cells if not is_null(v)]
            share = {ty: sum(ty in t for t in nn) / len(nn) for ty in TYPES} if nn else {}
            cols[h] = [ty for ty in TYPES if share.get(ty, 0) >= 0.10]
            kinds[h] = kind
            sh = {ty: round(s, 3) for ty, s in share.items() if s > 0}
            if sh:
                shares[h] = sh
        return cols, kinds, shares

    def write(self, out: Path) -> str:
        headers = [h for h, _c, _k in self.cols]
        rows = [[c[i][0] for _h, c, _k in self.cols] for i in range(self.n)]
        if self.fmt == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            wb.properties.created = dt.datetime(2024, 7, 1)
            wb.properties.modified = dt.datetime(2024, 7, 1)
            ws = wb.active
            ws.title = "Sheet1"
            ws.append(headers)
            for r in rows:
                ws.append(r)
            fname = self.name + ".xlsx"
            wb.save(out / fname)
            return fname
        if self.fmt == "jsonl":
            fname = self.name + ".jsonl"
            with open(out / fname, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(dict(zip(headers, r, strict=False)), ensure_ascii=False) + "\n")
            return fname
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n" if self.encoding == "gbk" else "\n")
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
        fname = self.name + ".csv"
        text = buf.getvalue()
        if self.encoding == "utf-8-sig":
            (out / fname).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        else:
            (out / fname).write_bytes(text.encode(self.encoding))
        return fname


TABLES: list[Callable[[G, int], Table]] = []


def table(fn: Callable[[G, int], Table]) -> Callable[[G, int], Table]:
    TABLES.append(fn)
    return fn


def sex_of(p: Person, style: str) -> str:
    return {"cn": "男" if p.male else "女", "code": "1" if p.male else "2", "mf": "M" if p.male else "F",
            "cnx": "男性" if p.male else "女性"}[style]  # fmt: skip


def dirty_sex(g: G, p: Person, style: str, unknown: float = 0.0) -> Cell:
    if g.chance(unknown):
        return neg({"code": "0", "cn": "未知", "mf": "U", "cnx": "未说明"}[style])
    return pos(sex_of(p, style), SEX)


def eth_cell(p: Person, short: float = 0.0, g: G | None = None) -> Cell:
    e = p.eth
    if g is not None and g.chance(short) and e.endswith("族"):
        e = e[:-1]
    return pos(e, ETH)


# 1 公安人口库 -------------------------------------------------------------------------------------------
@table
def t_gaj_rkjbxx(g: G, n: int) -> Table:
    t = Table("gaj_rkjbxx", n, g, system="公安人口库")
    ps = g.people(n, min_age=0, max_age=95)
    t.col("RYBH", [neg("R" + p.code + g.digits(10)) for p in ps], "person_no", noise=0)
    t.col("XM", [pos(p.name, NAME) for p in ps], "name")
    t.col("XB", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("MZ", [eth_cell(p) for p in ps], "ethnicity")
    t.col("CSRQ", [pos(fmt_date(p.birth, "compact"), BIRTH) for p in ps], "birth_compact")
    t.col("GMSFHM", [pos(p.id, ID) for p in ps], "id", fw=0.01)
    t.col("HJDZ_XZQH", [neg(g.pick(["山东省济宁市", "济宁市"]) + g.jining_district()[0]) for _ in ps], "admin_name")
    t.col("HJDZ_XZ", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("XZZ", [pos(g.address(weights={"street_num": 40, "compound": 30, "dist_road_room": 30}), ADDR) for _ in ps], "address_short")
    t.col("LXDH", [pos(g.mobile_fmt(p.mobile, "plain"), MOB) if p.birth.year < 2010 else neg(None) for p in ps], "mobile")
    t.col("HYZK", [neg(g.pick(["10", "20", "20", "20", "21", "22", "23", "30", "40"])) for _ in ps], "marital_code")
    t.col("WHCD", [neg(g.pick(["大学本科", "大学专科", "高中", "初中", "小学", "研究生", "中等专科", "文盲或半文盲"])) for _ in ps], "education")
    t.col("DJRQ", [neg(fmt_date(g.event_date(2005), "compact")) for _ in ps], "event_date_compact")
    t.col("SFYX", [neg(g.pick("0111111")) for _ in ps], "status_01", noise=0)
    return t


# 2 不动产登记 --------------------------------------------------------------------------------------------
@table
def t_bdc(g: G, n: int) -> Table:
    t = Table("不动产登记_权利人信息", n, g, system="不动产登记")
    own, ids, kinds = [], [], []
    for _ in range(n):
        if g.chance(0.8):
            p = g.person(min_age=22)
            own.append(pos(p.name, NAME)); ids.append(pos(p.id, ID)); kinds.append(neg("身份证"))
        else:
            own.append(neg(g.company())); ids.append(pos(g.uscc("91"), USCC)); kinds.append(neg("营业执照"))
    t.col("不动产单元号", [neg(g.pick(D.JINING_CODES) + g.digits(6) + "GB" + g.digits(5) + "F" + g.digits(8)) for _ in range(n)], "unit_no", noise=0)
    t.col("不动产权证号", [neg(f"鲁({g.r.randint(2016, 2024)})济宁市不动产权第{g.digits(7)}号") for _ in range(n)], "cert_no")
    t.col("权利人名称", own, "name_or_company")
    t.col("证件种类", kinds, "doc_kind")
    t.col("证件号", ids, "id_or_uscc")
    t.col("共有情况", [neg(g.pick(["单独所有", "共同共有", "按份共有"])) for _ in range(n)], "enum")
    t.col("坐落", [pos(g.address(weights={"dist_road_room": 40, "full": 30, "compound": 10, "street_num": 20}), ADDR) for _ in range(n)], "address")
    t.col("建筑面积(㎡)", [neg(f"{g.r.uniform(35, 260):.2f}") for _ in range(n)], "area")
    t.col("登记时间", [neg(fmt_dt(g.event_dt(2016))) for _ in range(n)], "event_dt")
    t.col("联系电话", [pos(g.mobile(), MOB) for _ in range(n)], "mobile")
    t.col("业务件号", [neg(g.pick(["10", "11", "12"]) + g.digits(9)) for _ in range(n)], "biz_11digit", noise=0)
    return t


# 3 公积金缴存 --------------------------------------------------------------------------------------------
@table
def t_gjj(g: G, n: int) -> Table:
    t = Table("gjj_grjcxx", n, g, encoding="utf-8-sig", system="公积金缴存")
    ps = g.people(n, min_age=20, max_age=60)
    t.col("个人账号", [neg("3708" + g.digits(8)) for _ in ps], "account_12", noise=0)
    t.col("姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("证件号码", [pos(g.id_fmt(p, lower_x=0.6), ID) for p in ps], "id_lowerx")
    t.col("单位名称", [neg(g.org_name()) for _ in ps], "org_name")
    t.col("单位账号", [neg("1080" + g.digits(8)) for _ in ps], "account")
    t.col("缴存基数", [neg(f"{g.r.randint(2100, 25000)}.00") for _ in ps], "amount")
    t.col("月缴存额", [neg(f"{g.r.randint(200, 6000)}.00") for _ in ps], "amount")
    t.col("缴存比例", [neg(g.pick(["5%", "8%", "10%", "12%", "12%"])) for _ in ps], "percent")
    t.col("开户日期", [neg(fmt_date(g.event_date(2000), "iso")) for _ in ps], "event_date")
    t.col("银行卡号", [pos(g.bank_card(credit=False), CARD) for _ in ps], "bank_card")
    t.col("手机号码", [pos(g.mobile("plain", alt=0.3, alts=("plus86", "plus86c", "86dash", "space")), MOB) for _ in ps], "mobile_fmt")
    t.col("缴存状态", [neg(g.pick(["正常", "正常", "正常", "封存", "销户"])) for _ in ps], "enum")
    return t


# 4 残联 ---------------------------------------------------------------------------------------------------
@table
def t_cl(g: G, n: int) -> Table:
    t = Table("cl_cjrxx", n, g, system="残联")
    ps = g.people(n, min_age=3, max_age=90)
    cat = [g.r.randint(1, 7) for _ in ps]
    t.col("残疾证号", [pos(p.id + str(c) + str(g.r.randint(1, 4)), ID) for p, c in zip(ps, cat, strict=False)], "disability_cert_id20", noise=0)
    t.col("姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("性别", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("出生年月", [pos(fmt_date(p.birth, "ymc"), BIRTH) for p in ps], "birth_ym_compact")
    t.col("残疾类别", [neg(["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"][c - 1]) for c in cat], "disability_kind")
    t.col("残疾等级", [neg(g.pick(["一级", "二级", "三级", "四级"])) for _ in ps], "enum")
    t.col("致残原因", [pos(g.pick(D.DISABILITY_CAUSES), MED) if g.chance(0.7) else neg(g.pick(["先天", "交通事故", "工伤", "其他"])) for _ in ps], "disability_cause")
    t.col("监护人姓名", [pos(g.name(30, 70), NAME) if g.chance(0.5) else neg(None) for _ in ps], "name_sparse")
    t.col("监护人电话", [pos(g.mobile(), MOB) if g.chance(0.7) else pos(g.landline("0537", "plain"), TEL) for _ in ps], "phone_mixed")
    t.col("居住地址", [pos(g.address(weights={"rural": 50, "rural_group": 15, "full": 20, "street_num": 15}), ADDR) for _ in ps], "address_rural")
    t.col("办证日期", [neg(fmt_date(g.event_date(2008), "iso")) for _ in ps], "event_date")
    return t


# 5 民政婚姻 ----------------------------------------------------------------------------------------------
@table
def t_hy(g: G, n: int) -> Table:
    t = Table("mz_hydjxx", n, g, system="民政婚姻登记")
    m = g.people(n, min_age=22, max_age=60, male=True)
    f = g.people(n, min_age=20, max_age=58, male=False)
    t.col("登记证字号", [neg(f"J{g.pick(D.JINING_CODES)}-{g.r.randint(2015, 2024)}-{g.digits(6)}") for _ in m], "cert_no", noise=0)
    t.col("男方姓名", [pos(p.name, NAME) for p in m], "name")
    t.col("男方身份证件号码", [pos(p.id, ID) for p in m], "id")
    t.col("男方出生日期", [pos(fmt_date(p.birth, "iso"), BIRTH) for p in m], "birth_iso")
    t.col("男方民族", [eth_cell(p) for p in m], "ethnicity")
    t.col("女方姓名", [pos(p.name, NAME) for p in f], "name")
    t.col("女方身份证件号码", [pos(p.id, ID) for p in f], "id")
    t.col("女方出生日期", [pos(fmt_date(p.birth, "iso"), BIRTH) for p in f], "birth_iso")
    t.col("女方国籍", [neg(g.pick(["中国"] * 30 + ["韩国", "越南", "俄罗斯"])) for _ in f], "nationality")
    t.col("登记日期", [neg(fmt_date(g.event_date(2015), "iso")) for _ in m], "event_date")
    t.col("登记机关", [neg(g.pick(list(D.JINING_DISTRICTS)) + "民政局婚姻登记处") for _ in m], "org_name")
    t.col("业务类型", [neg(g.pick(["结婚登记", "结婚登记", "离婚登记", "补领结婚证"])) for _ in m], "enum")
    return t


# 6 教育学籍 (xlsx) ---------------------------------------------------------------------------------------
@table
def t_xj(g: G, n: int) -> Table:
    t = Table("jy_xsxjxx", n, g, fmt="xlsx", system="教育学籍")
    ps = g.people(n, min_age=6, max_age=17, local=0.9)
    t.col("全国学籍号", [pos("G" + p.id, ID) for p in ps], "student_no_G_id", noise=0)
    t.col("姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("性别", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("出生日期", [pos(dt.datetime(p.birth.year, p.birth.month, p.birth.day), BIRTH) for p in ps], "birth_xlsx_date")
    t.col("身份证件号", [pos(p.id, ID) for p in ps], "id")
    t.col("民族", [eth_cell(p) for p in ps], "ethnicity")
    t.col("户口性质", [neg(g.pick(["农业", "非农业", "农业", "居民"])) for _ in ps], "hukou_kind")
    t.col("家庭住址", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("监护人姓名", [pos(g.name(28, 55), NAME) for _ in ps], "name")
    t.col("监护人联系电话", [pos(int(g.mobile_raw()), MOB) for _ in ps], "mobile_int")
    t.col("就读学校", [neg(g.pick(D.SCHOOLS)) for _ in ps], "school")
    t.col("年级班级", [neg(f"{g.pick(['一', '二', '三', '四', '五', '六', '七', '八', '九'])}年级{g.r.randint(1, 12)}班") for _ in ps], "class")
    t.col("入学年月", [neg(fmt_date(g.event_date(2016), "ym")) for _ in ps], "event_ym")
    return t


# 7 疫苗接种 ----------------------------------------------------------------------------------------------
@table
def t_ym(g: G, n: int) -> Table:
    t = Table("wj_ymjzjl", n, g, system="卫健疫苗接种")
    ps = g.people(n, min_age=0, max_age=6, local=0.95)
    t.col("受种者编码", [neg("3708" + g.digits(14)) for _ in ps], "code18_nonid", noise=0)
    t.col("受种者姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("性别", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("出生日期", [pos(fmt_date(p.birth, "slash0"), BIRTH) for p in ps], "birth_recent")
    t.col("监护人姓名", [pos(g.name(22, 45), NAME) for _ in ps], "name")
    t.col("监护人手机号", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    t.col("疫苗名称", [neg(g.pick(D.VACCINES)) for _ in ps], "vaccine")
    t.col("疫苗批号", [neg(g.pick(["2023", "2022", "2024"]) + g.digits(5)) for _ in ps], "batch")
    t.col("剂次", [neg(str(g.r.randint(1, 4))) for _ in ps], "dose")
    t.col("接种日期", [neg(fmt_date(g.event_date(2020), "slash0")) for _ in ps], "event_date")
    t.col("接种单位", [neg(g.pick(list(D.JINING_DISTRICTS)) + g.pick(["社区卫生服务中心", "卫生院预防接种门诊"])) for _ in ps], "org_name")
    t.col("接种部位", [neg(g.pick(["左上臂", "右上臂", "左大腿", "口服"])) for _ in ps], "enum")
    return t


# 8 电子病历首页 (jsonl) ---------------------------------------------------------------------------------
@table
def t_basy(g: G, n: int) -> Table:
    t = Table("emr_basy", n, g, fmt="jsonl", system="电子病历首页")
    ps = g.people(n, min_age=0, max_age=95, legacy=0.05)
    t.col("bah", [neg(str(g.r.randint(100000, 999999))) for _ in ps], "record_no", noise=0)
    t.col("zycs", [neg(g.r.randint(1, 6)) for _ in ps], "count_int", noise=0)
    t.col("xm", [pos(p.name, NAME) for p in ps], "name")
    t.col("xb", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("csrq", [pos(fmt_date(p.birth, "dt0"), BIRTH) for p in ps], "birth_dt0")
    t.col("nl", [neg(f"{(REF - p.birth).days // 365}岁") for p in ps], "age")
    t.col("mz", [eth_cell(p) for p in ps], "ethnicity")
    t.col("sfzh", [pos(p.id, ID) for p in ps], "id")
    t.col("zy", [neg(g.pick(["农民", "工人", "退(离)休人员", "职员", "学生", "无业人员", "个体经营者"])) for _ in ps], "job")
    t.col("xzz", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("lxrxm", [pos(g.name(), NAME) for _ in ps], "name")
    t.col("lxrdh", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    t.col("ryrq", [neg(fmt_dt(g.event_dt(2021))) for _ in ps], "event_dt")
    t.col("cyrq", [neg(fmt_dt(g.event_dt(2021))) for _ in ps], "event_dt")
    t.col("mzzd", [pos(g.diagnosis(), MED) for _ in ps], "diagnosis_cn")
    dx = [g.pick(D.ICD10) for _ in ps]
    t.col("cyzyzd_bm", [pos(c if g.chance(0.7) else (c if "." in c else c + ".x") + "00", MED) for c, _m in dx], "icd10")
    t.col("cyzyzd_mc", [pos(m + g.pick(D.DIAG_DECOR), MED) for _c, m in dx], "diagnosis_cn")
    t.col("ks", [neg(g.pick(D.DEPARTMENTS)) for _ in ps], "department")
    t.col("zfy", [neg(float(g.money(800, 90000))) for _ in ps], "amount_float")
    return t


# 9 医保结算 ---------------------------------------------------------------------------------------------
@table
def t_yb(g: G, n: int) -> Table:
    t = Table("yb_mzzyjs", n, g, system="医保结算")
    ps = g.people(n, min_age=0, max_age=95)
    t.col("A0101", [neg("J" + g.digits(19)) for _ in ps], "settle_id", noise=0)
    t.col("A0102", [neg("12" + g.digits(9)) for _ in ps], "biz_11digit", noise=0)
    t.col("A0103", [pos(p.name, NAME) for p in ps], "name_codeheader")
    t.col("A0104", [pos(p.id, ID) for p in ps], "id_codeheader")
    t.col("A0105", [neg(g.pick(["职工基本医疗保险", "城乡居民基本医疗保险", "离休人员医疗保障"])) for _ in ps], "enum")
    t.col("A0201", [neg(g.pick(["普通门诊", "门诊慢特病", "住院", "定点药店购药"])) for _ in ps], "enum")
    t.col("A0202", [pos(g.icd("yb"), MED) if g.chance(0.8) else neg(None) for _ in ps], "icd10_yb")
    t.col("A0203", [pos(g.diagnosis(), MED) if g.chance(0.8) else neg(None) for _ in ps], "diagnosis_cn")
    t.col("A0301", [neg(g.pick(D.HOSPITALS + ["漱玉平民大药房(琵琶山店)", "济宁市立健大药房"])) for _ in ps], "org_name")
    t.col("A0302", [neg(g.money(20, 30000)) for _ in ps], "amount")
    t.col("A0303", [neg(g.money(10, 20000)) for _ in ps], "amount")
    t.col("A0401", [neg(fmt_dt(g.event_dt(2022), "t")) for _ in ps], "event_dt")
    return t


# 10 人社就业登记 (金保代码表头) -----------------------------------------------------------------------------
@table
def t_rs_jy(g: G, n: int) -> Table:
    t = Table("rs_jydj", n, g, system="人社就业")
    ps = g.people(n, min_age=16, max_age=60)
    t.col("AAC001", [neg("37080" + g.digits(11)) for _ in ps], "person_no16", noise=0)
    t.col("AAC002", [pos(p.id, ID) for p in ps], "id")
    t.col("AAC003", [pos(p.name, NAME) for p in ps], "name")
    t.col("AAC004", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("AAC005", [pos(D.ETHNICITY_CODES.get(p.eth, "97"), ETH) for p in ps], "ethnicity_code")
    t.col("AAC006", [pos(fmt_date(p.birth, "compact"), BIRTH) for p in ps], "birth_compact")
    t.col("AAE005", [pos(g.mobile(), MOB) if g.chance(0.85) else pos(g.landline(), TEL) for _ in ps], "phone_mixed")
    t.col("AAE006", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("AAB004", [neg(g.company()) for _ in ps], "company")
    t.col("AAC011", [neg(g.pick(["11", "21", "31", "41", "61", "90"])) for _ in ps], "edu_code")
    t.col("AAE036", [neg(fmt_dt(g.event_dt(2019), "compact")) for _ in ps], "event_dt_compact")
    return t


# 11 工伤认定 ---------------------------------------------------------------------------------------------
@table
def t_gs(g: G, n: int) -> Table:
    t = Table("rs_gsrdxx", n, g, system="人社工伤")
    ps = g.people(n, min_age=18, max_age=60)
    t.col("认定书编号", [neg(f"济人社工认字〔{g.r.randint(2019, 2024)}〕{g.r.randint(1, 3999)}号") for _ in ps], "doc_no", noise=0)
    t.col("职工姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("身份证号码【必填】", [pos(p.id, ID) for p in ps], "id")
    t.col("用人单位", [neg(g.company()) for _ in ps], "company")
    t.col("统一社会信用代码", [pos(g.uscc("91"), USCC) for _ in ps], "uscc")
    t.col("事故发生时间", [neg(fmt_dt(g.event_dt(2019), "slash")) for _ in ps], "event_dt")
    t.col("事故发生地点", [pos(g.address(weights={"city_road": 40, "dist_road_room": 30, "rural": 30}) + g.pick(["", "厂区", "车间内", "施工现场"]), ADDR) for _ in ps], "address")
    t.col("受伤害部位", [neg(g.pick(["手部", "腰部", "头部", "下肢", "眼部", "躯干"])) for _ in ps], "body_part")
    t.col("诊断结论", [pos(g.pick(D.INJURY_DIAGNOSES), MED) for _ in ps], "injury_diagnosis")
    t.col("认定结论", [neg(g.pick(["认定为工伤", "认定为工伤", "不予认定", "视同工伤"])) for _ in ps], "enum")
    return t


# 12 交警违法处理 (GBK) -----------------------------------------------------------------------------------
@table
def t_wf(g: G, n: int) -> Table:
    t = Table("jj_wfcljl", n, g, encoding="gbk", system="交警违法处理")
    ps = g.people(n, min_age=18, max_age=70)
    t.col("JDSBH", [neg("3708" + g.digits(12)) for _ in ps], "decision_no16", noise=0)
    t.col("HPHM", [pos(g.plate(), PLATE) for _ in ps], "plate")
    t.col("HPZL", [neg(g.pick(["01", "02", "02", "02", "52", "51"])) for _ in ps], "plate_kind_code")
    t.col("CLSBDH", [pos(g.vin(), VIN) for _ in ps], "vin")
    t.col("DSR", [pos(p.name, NAME) for p in ps], "name")
    t.col("JSZH", [pos(p.id, ID) for p in ps], "driving_licence_id")
    t.col("WFSJ", [neg(fmt_dt(g.event_dt(2021))) for _ in ps], "event_dt")
    t.col("WFDD", [neg(g.pick([f"{a}与{b}交叉口" for a in D.ROADS_JINING[:8] for b in D.ROADS_JINING[8:14]] +
                             [f"G3京台高速K{g.r.randint(500, 620)}+{g.r.randint(0, 999):03d}", "327国道任城段"])) for _ in ps], "road_location")  # fmt: skip
    t.col("WFXW", [neg(g.pick(["1625", "1344", "1039", "6046", "1352"])) for _ in ps], "code")
    t.col("FKJE", [neg(str(g.pick([50, 100, 150, 200]))) for _ in ps], "amount")
    t.col("WFJFS", [neg(str(g.pick([0, 1, 3, 6, 12]))) for _ in ps], "points")
    t.col("CLJG", [neg(g.pick(["济宁市公安局交通警察支队任城大队", "济宁市公安局交通警察支队高速大队", "兖州区交警大队"])) for _ in ps], "org_name")
    t.col("LXDH", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    return t


# 13 出入境证件 ------------------------------------------------------------------------------------------
@table
def t_crj(g: G, n: int) -> Table:
    t = Table("crj_zjslxx", n, g, system="出入境证件")
    ps = g.people(n, min_age=1, max_age=80)
    kinds = [g.chance(0.6) for _ in ps]

    def slbh() -> str:  # 受理编号: region + date + sequence, shaped like an ID number but never a valid one
        b = "370800" + f"{g.event_date(2019):%Y%m%d}" + g.digits(3)
        return b + g.pick([c for c in "0123456789" if c != id_check(b)])

    def py(p: Person) -> str:
        if not p.py[0]:
            return p.name
        return g.pick([f"{p.py[0].upper()} {p.py[1].upper()}", f"{p.py[0].upper()}/{p.py[1].upper()}",
                       f"{p.py[0].upper()}, {p.py[1].upper()}", f"{p.py[0].capitalize()} {p.py[1].capitalize()}"])  # fmt: skip

    t.col("受理编号", [neg(slbh()) for _ in ps], "id_shaped_serial", noise=0)
    t.col("姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("姓名拼音", [pos(py(p), NAME) for p in ps], "name_pinyin")
    t.col("性别", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("出生日期", [pos(fmt_date(p.birth, "iso"), BIRTH) for p in ps], "birth_iso")
    t.col("出生地", [neg(g.pick(["山东", "山东", "河南", "江苏", "北京"])) for _ in ps], "province")
    t.col("证件类别", [neg("普通护照" if k else "往来港澳通行证") for k in kinds], "enum")
    t.col("证件号码", [pos(g.passport(), PASS) if k else pos(g.hkmo(), HKMO) for k in kinds], "passport_or_permit")
    t.col("签发日期", [neg(fmt_date(g.event_date(2016), "iso")) for _ in ps], "event_date")
    t.col("有效期至", [neg(fmt_date(g.date_between(dt.date(2025, 1, 1), dt.date(2034, 12, 31)), "iso")) for _ in ps], "future_date")
    t.col("公民身份号码", [pos(p.id, ID) for p in ps], "id")
    t.col("申请事由", [neg(g.pick(["旅游", "探亲", "商务", "留学", "就业", "其他"])) for _ in ps], "enum")
    t.col("航班/车次", [neg(g.pick([f"CA{g.r.randint(100, 9999)}", f"MU{g.r.randint(100, 9999)}", f"G{g.r.randint(1, 2999)}", f"D{g.r.randint(1, 999)}"])) for _ in ps], "flight_train")
    return t


# 14 个体工商户 (GBK) ------------------------------------------------------------------------------------
@table
def t_gtgsh(g: G, n: int) -> Table:
    t = Table("scjg_gtgshdj", n, g, encoding="gbk", system="市场监管个体户")
    ps = g.people(n, min_age=20, max_age=70)
    t.col("统一社会信用代码", [pos(g.uscc("92"), USCC) for _ in ps], "uscc_92", noise=0.02)
    t.col("字号名称", [neg(g.shop()) for _ in ps], "shop_name")
    t.col("经营者姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("经营者身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("经营场所", [pos(g.address(weights={"dist_road_room": 30, "city_road": 30, "rural": 20, "street_num": 20}), ADDR) for _ in ps], "address")
    t.col("组成形式", [neg(g.pick(["个人经营", "个人经营", "家庭经营"])) for _ in ps], "enum")
    t.col("经营范围", [neg(g.pick(["餐饮服务", "日用百货零售", "美容美发服务", "五金交电销售", "家电维修", "预包装食品销售"])) for _ in ps], "enum")
    t.col("成立日期", [neg(fmt_date(g.event_date(2008), "cn")) for _ in ps], "event_date_cn")
    t.col("资金数额(万元)", [neg(str(g.pick([1, 2, 3, 5, 10, 20, 50]))) for _ in ps], "amount")
    t.col("登记机关", [neg(g.jining_district()[0] + "市场监督管理局") for _ in ps], "org_name")
    t.col("联系电话", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    return t


# 15 税务登记 ---------------------------------------------------------------------------------------------
@table
def t_nsr(g: G, n: int) -> Table:
    t = Table("sw_nsrdjxx", n, g, system="税务")
    fr = g.people(n, min_age=25, max_age=70)

    def tin() -> Cell:
        if g.chance(0.85):
            return pos(g.uscc(g.pick(["91", "91", "91", "92", "93"])), USCC)
        org = g.digits(8)
        return neg(g.pick(D.JINING_CODES) + org + org_check(org))  # legacy 15-character tax number

    t.col("纳税人识别号", [tin() for _ in fr], "uscc_or_old15", noise=0)
    t.col("纳税人名称", [neg(g.company()) for _ in fr], "company")
    t.col("法定代表人", [pos(p.name, NAME) for p in fr], "name")
    t.col("法人证件号码", [pos(p.id, ID) for p in fr], "id")
    t.col("财务负责人", [pos(g.name(), NAME) for _ in fr], "name")
    t.col("财务负责人电话", [pos(g.mobile(), MOB) for _ in fr], "mobile")
    t.col("生产经营地址", [pos(g.address(weights={"city_road": 40, "full": 30, "dist_road_room": 30}), ADDR) for _ in fr], "address")
    t.col("行业", [neg(g.pick(["批发业", "零售业", "房屋建筑业", "道路货物运输", "餐饮业", "软件和信息技术服务业"])) for _ in fr], "enum")
    t.col("登记注册类型", [neg(g.pick(["私营有限责任公司", "其他有限责任公司", "个体工商户", "农民专业合作社"])) for _ in fr], "enum")
    t.col("主管税务机关", [neg("国家税务总局济宁市" + g.jining_district()[0] + "税务局") for _ in fr], "org_name")
    t.col("开户银行", [neg(g.pick(D.BANK_BINS)[2].replace("(信用卡)", "") + "济宁" + g.pick(["分行营业部", "任城支行", "高新区支行"])) for _ in fr], "bank_name")
    t.col("银行账号", [neg(g.luhn_bad(19, g.pick(["1608", "3790", "2160", "1520"]))) for _ in fr], "corp_account_luhnfail")
    return t


# 16 信访 (free text) ------------------------------------------------------------------------------------
@table
def t_xf(g: G, n: int) -> Table:
    t = Table("xf_djxx", n, g, system="信访")
    ps = g.people(n, min_age=25, max_age=85)
    texts: list[Cell] = []
    for p in ps:
        ty: set[str] = set()
        s = ""
        if g.chance(0.7):
            s += f"信访人{p.name}"
            ty.add(NAME)
        else:
            s += g.pick(["来信人", "群众来访", "来访人"])
        if g.chance(0.35):
            s += f"（身份证号{p.id}）"
            ty.add(ID)
        k = g.r.random()
        if k < 0.5:
            s += f"反映其位于{g.address(weights={'full': 30, 'dist_road_room': 30, 'rural': 40})}的房屋因{g.pick(['棚户区改造', '道路拓宽', '旧村改造'])}项目被征收，对补偿标准有异议，要求提高补偿。"
            ty.add(ADDR)
        elif k < 0.75:
            s += f"反映{g.company()}拖欠其工资{g.r.randint(3000, 80000)}元至今未付，多次讨要无果。"
        elif k < 0.9:
            s += f"反映其父亲{g.name(60, 90)}的低保待遇被取消，要求重新核查家庭收入情况。"
            ty.add(NAME)
        else:
            s += f"反映{g.jining_district()[0]}某小区物业管理混乱，电梯长期停运。"
        if g.chance(0.3):
            s += f"联系电话：{g.mobile_fmt(p.mobile, 'plain')}。"
            ty.add(MOB)
        texts.append((s, frozenset(ty)))
    t.col("信访件编号", [neg(f"XF{g.r.randint(2020, 2024)}{g.digits(8)}") for _ in ps], "case_no", noise=0)
    t.col("信访人", [pos(p.name, NAME) if g.chance(0.85) else pos(f"{p.name}、{g.name()}", NAME) for p in ps], "names_multi")
    t.col("证件号码", [pos(p.id, ID) for p in ps], "id")
    t.col("联系电话", [pos(p.mobile if g.chance(0.8) else f"{p.mobile};{g.mobile_raw()}", MOB) for p in ps], "mobile_multi")
    t.col("住址", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("信访日期", [neg(fmt_date(g.event_date(2020), "iso")) for _ in ps], "event_date")
    t.col("信访形式", [neg(g.pick(["来信", "来访", "网上信访", "12345转办"])) for _ in ps], "enum")
    t.col("问题属地", [neg(g.jining_district()[0]) for _ in ps], "district_only")
    t.col("内容摘要", texts, "free_text", noise=0.03)
    t.col("办理结果", [neg(g.pick(["已办结", "办理中", "不予受理", "已转交属地处理"])) for _ in ps], "enum")
    return t


# 17 12345 (free text) -----------------------------------------------------------------------------------
ISSUES = ["楼下烧烤店夜间噪音扰民", "路面塌陷存在安全隐患", "小区供暖温度不达标，室温仅14度", "自来水水质发黄",
          "垃圾清运不及时，气味很大", "路灯不亮已有一周", "下水道堵塞污水外溢", "违规搭建彩钢房", "电动车飞线充电存在隐患"]


@table
def t_12345(g: G, n: int) -> Table:
    t = Table("12345热线工单_2024Q1", n, g, system="12345")
    texts: list[Cell] = []
    for _ in range(n):
        ty: set[str] = set()
        s = "市民来电反映："
        if g.chance(0.25):
            s = f"来电人{g.name()}反映："
            ty.add(NAME)
        if g.chance(0.6):
            s += g.address(weights={"full": 20, "dist_road_room": 30, "street_num": 20, "compound": 30}) + g.pick(ISSUES) + "。"
            ty.add(ADDR)
        else:
            s += f"{g.jining_district()[0]}{g.pick(D.ROADS_JINING)}沿线{g.pick(ISSUES)}。"
        if g.chance(0.25):
            s += f"车牌号为{g.plate()}的车辆长期占用消防通道。"
            ty.add(PLATE)
        s += g.pick(["请相关部门尽快处理。", "希望尽快解决。", "已多次反映未果。", ""])
        if g.chance(0.3):
            s += f"回访电话{g.mobile()}。"
            ty.add(MOB)
        texts.append((s, frozenset(ty)))
    caller = []
    for _ in range(n):
        k = g.r.random()
        caller.append(pos(g.name(), NAME) if k < 0.5 else neg(g.pick(D.SURNAMES[:20])[0] + g.pick(["先生", "女士"])) if k < 0.9 else neg("匿名"))
    t.col("工单编号", [neg(f"JN{g.event_date(2024):%Y%m%d}{g.digits(6)}") for _ in range(n)], "ticket_no", noise=0)
    t.col("来电号码", [pos(g.mobile(), MOB) if g.chance(0.8) else pos(g.landline("0537", "plain"), TEL) for _ in range(n)], "phone_mixed")
    t.col("来电人", caller, "name_or_honorific")
    t.col("诉求内容", texts, "free_text", noise=0.02)
    t.col("事发地址", [pos(g.address(), ADDR) if g.chance(0.7) else neg(g.place_only()) for _ in range(n)], "address_mixed")
    t.col("工单类型", [neg(g.pick(["投诉", "求助", "咨询", "建议", "表扬"])) for _ in range(n)], "enum")
    t.col("承办单位", [neg(g.pick(D.GOV_BODIES)) for _ in range(n)], "org_name")
    t.col("受理时间", [neg(fmt_dt(g.event_dt(2024))) for _ in range(n)], "event_dt")
    t.col("满意度", [neg(g.pick(["满意", "基本满意", "不满意", "未评价"])) for _ in range(n)], "enum")
    return t


# 18 城管执法 (free text) --------------------------------------------------------------------------------
@table
def t_cg(g: G, n: int) -> Table:
    t = Table("cg_zfajxx", n, g, system="城管执法")
    party, pid, texts = [], [], []
    for _ in range(n):
        if g.chance(0.65):
            p = g.person()
            party.append(pos(p.name, NAME)); pid.append(pos(p.id, ID)); nm = p.name
        else:
            party.append(neg(g.shop())); pid.append(pos(g.uscc("92"), USCC)); nm = None
        ty: set[str] = set()
        s = f"{fmt_date(g.event_date(2022), 'cn')}执法人员巡查发现，"
        if nm and g.chance(0.8):
            s += f"当事人{nm}"
            ty.add(NAME)
        else:
            s += "当事人"
        if g.chance(0.65):
            s += f"在{g.address(weights={'city_road': 50, 'dist_road_room': 30, 'road_num': 20})}门前"
            ty.add(ADDR)
        else:
            s += f"在{g.pick(D.ROADS_JINING)}沿街"
        s += g.pick(["占道经营水果", "擅自设置户外广告", "占道堆放建材", "店外烧烤"])
        if g.chance(0.25):
            s += f"，并将车牌号{g.plate()}的三轮车停放于人行道"
            ty.add(PLATE)
        s += g.pick(["，经劝导拒不整改。", "，现场责令改正。", "。"])
        texts.append((s, frozenset(ty)))
    t.col("案件编号", [neg(f"济城执罚字〔{g.r.randint(2021, 2024)}〕第{g.digits(5)}号") for _ in range(n)], "doc_no", noise=0)
    t.col("当事人", party, "name_or_shop")
    t.col("当事人证件号", pid, "id_or_uscc")
    t.col("违法地点", [pos(g.address(weights={"city_road": 60, "dist_road_room": 40}) + "门前", ADDR) for _ in range(n)], "address")
    t.col("案由", [neg(g.pick(["占道经营", "违规设置户外广告", "违法建设", "乱倒建筑垃圾"])) for _ in range(n)], "enum")
    t.col("处罚金额(元)", [neg(str(g.pick([50, 100, 200, 500, 1000, 5000]))) for _ in range(n)], "amount")
    t.col("立案日期", [neg(fmt_date(g.event_date(2021), "iso")) for _ in range(n)], "event_date")
    t.col("执法人员", [pos(f"{g.name(25, 55)}、{g.name(25, 55)}", NAME) for _ in range(n)], "names_pair")
    t.col("执法证号", [neg("370800" + g.digits(5)) for _ in range(n)], "badge_11digit_3")
    t.col("经纬度", [pos(g.geo_pair(g.pick(["lnglat", "lnglat", "space"])), GEO) for _ in range(n)], "geo_pair")
    t.col("案情描述", texts, "free_text", noise=0.02)
    return t


# 19 电力客户 (obfuscated headers) ----------------------------------------------------------------------
@table
def t_dl(g: G, n: int) -> Table:
    t = Table("dl_khda", n, g, system="电力客户")
    names = [pos(g.name(), NAME) if g.chance(0.85) else neg(g.org_name()) for _ in range(n)]
    t.col("ZD_01", [neg("37" + g.digits(8)) for _ in range(n)], "account_10", noise=0)
    t.col("ZD_02", names, "name_or_org_obf")
    t.col("ZD_03", [pos(g.address(), ADDR) for _ in range(n)], "address_obf")
    t.col("ZD_04", [pos(g.name(), NAME) for _ in range(n)], "name_obf")
    t.col("ZD_05", [pos(g.mobile(), MOB) if g.chance(0.75) else pos(g.landline(), TEL) for _ in range(n)], "phone_mixed_obf")
    t.col("ZD_06", [neg("1330" + g.digits(18)) for _ in range(n)], "meter_no22")
    t.col("ZD_07", [neg(g.pick(["居民生活用电", "一般工商业用电", "农业生产用电"])) for _ in range(n)], "enum")
    t.col("ZD_08", [neg(g.pick(["交流220V", "交流380V", "交流10kV"])) for _ in range(n)], "enum")
    t.col("ZD_09", [neg(fmt_date(g.event_date(1998), "iso")) for _ in range(n)], "event_date_obf")
    t.col("ZD_10", [neg(f"{g.r.uniform(20, 900):.1f}") for _ in range(n)], "kwh")
    return t


# 20 水务 (GBK) -------------------------------------------------------------------------------------------
@table
def t_sw(g: G, n: int) -> Table:
    t = Table("sw_yhda", n, g, encoding="gbk", system="水务客户")
    t.col("yhbh", [neg(g.digits(9)) for _ in range(n)], "account9", noise=0)
    t.col("yhmc", [pos(g.name(), NAME) if g.chance(0.9) else neg(g.org_name()) for _ in range(n)], "name_or_org")
    t.col("zbdz", [pos(g.address(weights={"compound": 30, "dist_road_room": 30, "full": 20, "street_num": 20}), ADDR) for _ in range(n)], "address")
    t.col("sbkj", [neg(g.pick(["DN15", "DN20", "DN25", "DN50"])) for _ in range(n)], "enum")
    t.col("lxdh", [pos(g.mobile(), MOB) if g.chance(0.6) else pos(g.landline("0537"), TEL) for _ in range(n)], "phone_mixed")
    t.col("khrq", [neg(fmt_date(g.event_date(1995), "slash")) for _ in range(n)], "event_date")
    t.col("ysxz", [neg(g.pick(["居民生活", "非居民", "特种行业"])) for _ in range(n)], "enum")
    t.col("qfje", [neg(g.money(0, 800)) for _ in range(n)], "amount")
    return t


# 21 燃气 (xlsx) -----------------------------------------------------------------------------------------
@table
def t_rq(g: G, n: int) -> Table:
    t = Table("rq_khda", n, g, fmt="xlsx", system="燃气客户")
    ps = g.people(n, min_age=22)
    geos = [g.geo(0.08) for _ in ps]
    t.col("客户编号", [neg("11" + g.digits(9)) for _ in ps], "biz_11digit", noise=0)
    t.col("客户姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("证件号码", [pos(p.id, ID) for p in ps], "id")
    t.col("燃气地址", [pos(g.address(weights={"compound": 40, "full": 30, "dist_road_room": 30}), ADDR) for _ in ps], "address")
    t.col("表具编号", [neg("RQ" + g.digits(10)) for _ in ps], "meter")
    t.col("手机", [pos(int(p.mobile), MOB) for p in ps], "mobile_int")
    t.col("固定电话", [pos(g.landline("0537"), TEL) if g.chance(0.5) else neg(None) for _ in ps], "landline")
    t.col("安检日期", [neg(dt.datetime.combine(g.event_date(2022), dt.time())) for _ in ps], "event_xlsx_date")
    t.col("安检结果", [neg(g.pick(["合格", "合格", "合格", "整改", "拒检"])) for _ in ps], "enum")
    t.col("纬度", [pos(la, GEO) for _lo, la in geos], "lat_float")
    t.col("经度", [pos(lo, GEO) for lo, _la in geos], "lng_float")
    return t


# 22 公交IC卡 --------------------------------------------------------------------------------------------
@table
def t_ic(g: G, n: int) -> Table:
    t = Table("gj_iccard_kh", n, g, system="公交IC卡")
    ps = g.people(n, min_age=6, max_age=90)
    t.col("卡号", [neg(g.luhn_bad(16, "3108")) for _ in ps], "card_luhnfail16", noise=0)
    t.col("卡类型", [neg(g.pick(["普通卡", "老年卡", "学生卡", "爱心卡", "交通联合卡"])) for _ in ps], "enum")
    t.col("持卡人姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("证件号码", [pos(p.id, ID) for p in ps], "id")
    t.col("开卡日期", [neg(fmt_date(g.event_date(2012), "compact")) for _ in ps], "event_date_compact")
    t.col("余额", [neg(g.money(0, 300)) for _ in ps], "amount")
    t.col("绑定银行卡", [pos(g.bank_card(grouped=0.3, credit=False), CARD) if g.chance(0.4) else neg(None) for _ in ps], "bank_card_sparse")
    t.col("联系电话", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    return t


# 23 公交刷卡记录 ----------------------------------------------------------------------------------------
@table
def t_sk(g: G, n: int) -> Table:
    t = Table("gj_skjl", n, g, system="公交IC卡")
    geos = [g.geo(0.1) for _ in range(n)]
    t.col("jylsh", [neg(g.digits(20)) for _ in range(n)], "serial20", noise=0)
    t.col("card_no", [neg(g.luhn_bad(16, "3108")) for _ in range(n)], "card_luhnfail16", noise=0)
    t.col("line_no", [neg(g.pick(["K1", "K101", "B12", "C07", "A12", "6", "16", "K25", "Y3"])) for _ in range(n)], "route_code")
    t.col("bus_no", [neg(f"{g.r.randint(1, 9)}{g.digits(4)}") for _ in range(n)], "bus_no")
    t.col("plate_no", [pos(g.plate(local=1.0, nev=0.5), PLATE) for _ in range(n)], "plate")
    t.col("station", [neg(g.pick(["火车站", "太白楼路口", "万达广场", "济宁学院", "市政府", "洸河路口", "客运中心"])) for _ in range(n)], "station")
    t.col("txn_time", [neg(fmt_dt(g.event_dt(2024), "compact")) for _ in range(n)], "event_dt_compact")
    t.col("amount", [neg(g.pick(["1.00", "2.00", "0.50", "0.00"])) for _ in range(n)], "amount")
    t.col("lng", [pos(f"{lo:.6f}", GEO) for lo, _la in geos], "lng")
    t.col("lat", [pos(f"{la:.6f}", GEO) for _lo, la in geos], "lat")
    return t


# 24 酒店住宿登记 -----------------------------------------------------------------------------------------
@table
def t_jd(g: G, n: int) -> Table:
    t = Table("jd_zsdj", n, g, system="旅馆住宿登记")
    ps = g.people(n, min_age=16, max_age=80, local=0.4)
    doc, kinds = [], []
    for p in ps:
        k = g.r.random()
        if k < 0.65:
            doc.append(pos(p.id, ID)); kinds.append(neg("居民身份证"))
        elif k < 0.85:
            doc.append(pos(g.passport(), PASS)); kinds.append(neg("护照"))
        else:
            doc.append(pos(g.hkmo(), HKMO)); kinds.append(neg("往来港澳通行证"))
    t.col("lgbm", [neg("37080" + g.digits(7)) for _ in ps], "hotel_code", noise=0)
    t.col("lgmc", [neg(g.pick(D.HOTELS)) for _ in ps], "hotel_name")
    t.col("xm", [pos(p.name, NAME) for p in ps], "name")
    t.col("xb", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("mz", [eth_cell(p, short=0.5, g=g) for p in ps], "ethnicity_short")
    t.col("csrq", [pos(fmt_date(p.birth, "iso"), BIRTH) for p in ps], "birth_iso")
    t.col("zjlx", kinds, "doc_kind")
    t.col("zjhm", doc, "id_passport_permit")
    t.col("xzqh", [neg(g.pick(D.ADMIN_CODES)[0]) for _ in ps], "admin_code6")
    t.col("hjdz", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("rzsj", [neg(fmt_dt(g.event_dt(2023))) for _ in ps], "event_dt")
    t.col("tfsj", [neg(fmt_dt(g.event_dt(2023))) for _ in ps], "event_dt")
    t.col("fh", [neg(f"{g.r.randint(2, 18)}{g.r.randint(1, 30):02d}") for _ in ps], "room_no")
    t.col("cph", [pos(g.plate(local=0.5), PLATE) if g.chance(0.35) else neg(None) for _ in ps], "plate_sparse")
    return t


# 25 网吧上网登记 -----------------------------------------------------------------------------------------
@table
def t_wb(g: G, n: int) -> Table:
    t = Table("wb_swdjjl", n, g, system="网吧上网登记")
    ps = g.people(n, min_age=18, max_age=45)
    t.col("场所编码", [neg("370811" + g.digits(8)) for _ in ps], "site_code14", noise=0)
    t.col("场所名称", [neg(g.pick(D.NETBARS)) for _ in ps], "site_name")
    t.col("上网人员姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("证件号码", [pos(g.id_fmt(p, 0.3), ID) for p in ps], "id")
    t.col("上机时间", [neg(fmt_dt(g.event_dt(2024))) for _ in ps], "event_dt")
    t.col("下机时间", [neg(fmt_dt(g.event_dt(2024))) for _ in ps], "event_dt")
    t.col("终端IP", [pos(f"192.168.{g.r.randint(0, 3)}.{g.r.randint(2, 250)}", IP) for _ in ps], "ip_private")
    t.col("终端MAC", [pos(g.mac(g.pick(["dash", "dash", "colon", "bare"])), MAC) for _ in ps], "mac_mixed")
    t.col("机器号", [neg(g.pick("ABCDE") + f"{g.r.randint(1, 60):02d}") for _ in ps], "seat_code_A12")
    t.col("消费金额", [neg(g.money(2, 60)) for _ in ps], "amount")
    return t


# 26 网吧NAT日志 (jsonl) ---------------------------------------------------------------------------------
@table
def t_nat(g: G, n: int) -> Table:
    t = Table("wb_nat_log", n, g, fmt="jsonl", system="网吧上网日志")
    ids = [g.random_id(18, 45) for _ in range(n)]
    t.col("ts", [neg(fmt_dt(g.event_dt(2024), "t")) for _ in range(n)], "event_dt", noise=0)
    t.col("src_ip", [pos(f"10.{g.r.randint(0, 3)}.{g.r.randint(0, 255)}.{g.r.randint(2, 250)}", IP) for _ in range(n)], "ip")
    t.col("nat_ip", [pos(g.ipv4(0.0) if g.chance(0.85) else g.ipv6(), IP) for _ in range(n)], "ip_public_v6")
    t.col("dst_ip", [pos(g.ipv4(0.0), IP) for _ in range(n)], "ip")
    t.col("dst_port", [neg(g.pick([80, 443, 443, 8080, 53, 3478])) for _ in range(n)], "port_int")
    t.col("src_mac", [pos(g.mac(g.pick(["colon", "colon_up", "cisco"])), MAC) for _ in range(n)], "mac")
    t.col("proto", [neg(g.pick(["TCP", "UDP"])) for _ in range(n)], "enum")
    t.col("host", [neg(g.pick(["www.baidu.com", "weixin.qq.com", "api.bilibili.com", "lol.qq.com", "www.taobao.com", "dldir1.qq.com"])) for _ in range(n)], "domain")
    t.col("bytes", [neg(g.r.randint(60, 5_000_000)) for _ in range(n)], "int")
    t.col("user_id", [pos(i, ID) for i in ids], "id")
    return t


# 27 快递实名 -------------------------------------------------------------------------------------------
@table
def t_kd(g: G, n: int) -> Table:
    t = Table("kd_smdjxx", n, g, system="快递实名")
    ps = g.people(n, min_age=18, max_age=75)

    def masked(m: str) -> str:
        return m[:3] + "****" + m[7:]

    t.col("运单号", [neg(g.pick(["SF", "YT", "JT", "ZTO", "YD"]) + g.digits(13) if g.chance(0.7) else "7730" + g.digits(11)) for _ in ps], "waybill", noise=0)
    t.col("寄件人姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("寄件人电话", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("寄件人证件号", [pos(p.id, ID) for p in ps], "id")
    t.col("寄件地址", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("收件人姓名", [pos(g.name(), NAME) for _ in ps], "name")
    t.col("收件人电话", [pos(g.mobile_raw(), MOB) if g.chance(0.6) else neg(masked(g.mobile_raw())) for _ in ps], "mobile_partly_masked")
    t.col("收件地址", [pos(g.address(weights={"other_city": 60, "full": 20, "city_road": 20}), ADDR) for _ in ps], "address")
    t.col("物品名称", [neg(g.pick(["文件", "衣物", "食品", "日用品", "电子产品", "书籍"])) for _ in ps], "enum")
    t.col("重量(kg)", [neg(f"{g.r.uniform(0.1, 30):.2f}") for _ in ps], "weight")
    t.col("收寄时间", [neg(fmt_dt(g.event_dt(2024))) for _ in ps], "event_dt")
    t.col("收寄网点", [neg(g.pick(["顺丰济宁任城营业部", "圆通济宁分拨中心", "中通曲阜网点", "韵达兖州网点"])) for _ in ps], "org_name")
    return t


# 28 流动人口 (GBK) -------------------------------------------------------------------------------------
@table
def t_ldrk(g: G, n: int) -> Table:
    t = Table("ga_ldrkdj", n, g, encoding="gbk", system="公安人口库")
    ps = g.people(n, min_age=16, max_age=75, local=0.1, legacy=0.25)

    def phones(p: Person) -> str:
        k = g.r.random()
        if k < 0.75:
            return p.mobile
        return g.pick([";", "/", "，", "、"]).join([p.mobile, g.mobile_raw()])

    t.col("XM", [pos(p.name, NAME) for p in ps], "name", noise=0.02)
    t.col("CYM", [pos(g.name(), NAME) if g.chance(0.3) else neg(None) for _ in ps], "former_name_sparse")
    t.col("XBDM", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("MZ", [eth_cell(p, short=1.0, g=g) for p in ps], "ethnicity_short")
    t.col("GMSFHM", [pos(p.id, ID) for p in ps], "id_with_legacy15")
    t.col("HJDZ", [pos(g.address(weights={"other_city": 60, "rural": 40}), ADDR) for _ in ps], "address")
    t.col("ZZDZ", [pos(g.address(weights={"compound": 30, "dist_road_room": 40, "street_num": 30}), ADDR) for _ in ps], "address")
    t.col("ZZSY", [neg(g.pick(["务工", "经商", "投靠亲友", "学习培训", "其他"])) for _ in ps], "enum")
    t.col("JZZH", [neg(g.luhn_bad(16, "3708")) for _ in ps], "residence_permit_luhnfail")
    t.col("DJRQ", [neg(fmt_date(g.event_date(2018), "iso")) for _ in ps], "event_date")
    t.col("FWCS", [neg(g.company()) for _ in ps], "company")
    t.col("SJHM", [pos(phones(p), MOB) for p in ps], "mobile_multi")
    return t


# 29 低保 ----------------------------------------------------------------------------------------------
@table
def t_db(g: G, n: int) -> Table:
    t = Table("mz_dbjzxx", n, g, encoding="gbk", system="民政低保")
    ps = g.people(n, min_age=30, max_age=90)
    t.col("户主姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("户主身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("家庭人口", [neg(str(g.r.randint(1, 6))) for _ in ps], "int")
    t.col("保障金额", [neg(str(g.r.randint(200, 900))) for _ in ps], "amount")
    t.col("开户银行", [neg(g.pick(["山东省农村信用社", "中国邮政储蓄银行", "中国农业银行"])) for _ in ps], "bank_name")
    t.col("银行账号", [pos(g.bank_card(credit=False), CARD) for _ in ps], "bank_card")
    t.col("家庭住址", [pos(g.address(weights={"rural": 70, "rural_group": 10, "street_num": 20}), ADDR) for _ in ps], "address_rural")
    t.col("审批日期", [neg(fmt_date(g.event_date(2018), "iso")) for _ in ps], "event_date")
    t.col("致贫原因", [neg(g.pick(["因病", "因残", "缺劳力", "因学", "缺技术"])) for _ in ps], "enum")
    t.col("患病情况", [pos("、".join(g.r.sample([d for _c, d in D.ICD10], g.r.randint(1, 2))), MED) if g.chance(0.6) else neg("无") for _ in ps], "diseases")
    return t


# 30 殡葬 ----------------------------------------------------------------------------------------------
@table
def t_bz(g: G, n: int) -> Table:
    t = Table("mz_bzhhjl", n, g, encoding="utf-8-sig", system="民政殡葬")
    ps = g.people(n, min_age=50, max_age=100, legacy=0.1)
    t.col("逝者姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("性别", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("民族", [eth_cell(p) for p in ps], "ethnicity")
    t.col("出生日期", [pos(fmt_date(p.birth, "cn"), BIRTH) for p in ps], "birth_cn")
    t.col("死亡日期", [neg(fmt_date(g.event_date(2020), "cn")) for _ in ps], "event_date_cn")
    t.col("死亡原因", [pos(g.pick([d for _c, d in D.ICD10]), MED) if g.chance(0.75) else neg(g.pick(["自然死亡", "意外"])) for _ in ps], "death_cause")
    t.col("火化日期", [neg(fmt_date(g.event_date(2020), "iso")) for _ in ps], "event_date")
    t.col("经办人", [pos(g.name(30, 65), NAME) for _ in ps], "name")
    t.col("经办人电话", [pos(g.mobile(), MOB) for _ in ps], "mobile")
    t.col("户籍地", [neg(g.pick(["济宁市", "山东省济宁市", ""]) + g.jining_district()[0]) for _ in ps], "district_only")
    return t


# 31 社保卡 -------------------------------------------------------------------------------------------
@table
def t_sbk(g: G, n: int) -> Table:
    t = Table("rs_sbkxx", n, g, system="人社社保卡")
    ps = g.people(n, min_age=0, max_age=90)
    t.col("社会保障号码", [pos(p.id, ID) for p in ps], "ssn_id", noise=0.02)
    t.col("姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("社保卡号", [neg(g.pick("ABLMN") + g.digits(8)) for _ in ps], "sscard_no9")
    t.col("金融账号", [pos(g.bank_card(credit=False), CARD) for _ in ps], "bank_card")
    t.col("发卡日期", [neg(fmt_date(g.event_date(2012), "iso")) for _ in ps], "event_date")
    t.col("卡状态", [neg(g.pick(["正常", "正常", "挂失", "注销"])) for _ in ps], "enum")
    t.col("参保地", [neg("370800") for _ in ps], "admin_code6")
    t.col("照片编号", [neg("ZP" + g.digits(12)) for _ in ps], "photo_no")
    return t


# 32 企业登记 -----------------------------------------------------------------------------------------------
@table
def t_qy(g: G, n: int) -> Table:
    t = Table("scjg_qydjxx", n, g, system="市场监管企业登记")
    t.col("统一社会信用代码", [pos(g.uscc("91"), USCC) for _ in range(n)], "uscc", noise=0)
    t.col("企业名称", [neg(g.company()) for _ in range(n)], "company")
    t.col("注册号", [neg("370800" + g.pick(["2", "1", "0"]) + g.digits(8)) for _ in range(n)], "old_reg_no15")
    t.col("法定代表人", [pos(g.name(25, 70), NAME) for _ in range(n)], "name")
    t.col("住所", [pos(g.address(weights={"city_road": 40, "full": 30, "dist_road_room": 30}), ADDR) for _ in range(n)], "address")
    t.col("注册资本(万元)", [neg(str(g.pick([10, 50, 100, 200, 500, 1000, 3000]))) for _ in range(n)], "amount")
    t.col("成立日期", [neg(fmt_date(g.event_date(2000), "iso")) for _ in range(n)], "event_date")
    t.col("企业类型", [neg(g.pick(["有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "股份有限公司(非上市)"])) for _ in range(n)], "enum")
    t.col("登记状态", [neg(g.pick(["存续", "存续", "在业", "吊销", "注销"])) for _ in range(n)], "enum")
    t.col("联系电话", [pos(g.landline(), TEL) if g.chance(0.6) else pos(g.mobile(), MOB) for _ in range(n)], "phone_mixed_landline_major")
    t.col("电子邮箱", [pos(g.email(), EMAIL) for _ in range(n)], "email")
    return t


# 33 社会组织 -----------------------------------------------------------------------------------------
@table
def t_shzz(g: G, n: int) -> Table:
    t = Table("mz_shzzdj", n, g, system="民政社会组织")
    t.col("统一社会信用代码", [pos(g.uscc(g.pick(["51", "52", "53"])), USCC) for _ in range(n)], "uscc_5x", noise=0)
    t.col("社会组织名称", [neg("济宁市" + g.pick(["慈善", "餐饮", "物流", "围棋", "摄影", "义工", "家政服务"]) + g.pick(["协会", "促进会", "基金会", "服务中心", "研究会"])) for _ in range(n)], "org_name")
    t.col("法定代表人", [pos(g.name(30, 75), NAME) for _ in range(n)], "name")
    t.col("业务主管单位", [neg(g.pick(D.GOV_BODIES)) for _ in range(n)], "org_name")
    t.col("住所", [pos(g.address(weights={"city_road": 60, "dist_road_room": 40}), ADDR) for _ in range(n)], "address")
    t.col("成立登记日期", [neg(fmt_date(g.event_date(2005), "iso")) for _ in range(n)], "event_date")
    t.col("联系人", [pos(g.name(), NAME) for _ in range(n)], "name")
    t.col("联系电话", [pos(g.landline("0537", g.pick(["dash", "paren", "ext_cn"])), TEL) if g.chance(0.5) else pos(g.mobile(), MOB) for _ in range(n)], "phone_mixed")
    return t


# 34 事业单位 -----------------------------------------------------------------------------------------
@table
def t_sydw(g: G, n: int) -> Table:
    t = Table("bz_sydwdj", n, g, system="机构编制")
    t.col("tyshxydm", [pos(g.uscc(g.pick(["12", "12", "11", "13", "31"])), USCC) for _ in range(n)], "uscc_1x", noise=0)
    t.col("dwmc", [neg(g.pick(D.GOV_BODIES + D.SCHOOLS + D.HOSPITALS)) for _ in range(n)], "org_name")
    t.col("jbdw", [neg(g.pick(["济宁市人民政府", "济宁市教育局", "济宁市卫生健康委员会", "任城区人民政府"])) for _ in range(n)], "org_name")
    t.col("fddbr", [pos(g.name(35, 60), NAME) for _ in range(n)], "name")
    t.col("zs", [pos(g.address(weights={"city_road": 70, "dist_road_room": 30}), ADDR) for _ in range(n)], "address")
    t.col("kbzj", [neg(str(g.r.randint(10, 9000))) for _ in range(n)], "amount")
    t.col("bzs", [neg(str(g.r.randint(3, 300))) for _ in range(n)], "int")
    return t


# 35 数据质量问题清单 (all hard negatives) -----------------------------------------------------------------
@table
def t_sjzl(g: G, n: int) -> Table:
    t = Table("sjzl_jywtqd", n, g, system="数据治理")
    t.col("记录ID", [neg(str(100000 + i)) for i in range(n)], "int", noise=0)
    t.col("来源表", [neg(g.pick(["gaj_rkjbxx", "bdc_qlr", "jj_jdcdj", "sw_nsrdjxx", "gjj_grjcxx"])) for _ in range(n)], "enum")
    t.col("原始证件号", [neg(g.bad_id()) for _ in range(n)], "bad_id", noise=0)
    t.col("原始信用代码", [neg(g.bad_uscc()) for _ in range(n)], "bad_uscc", noise=0)
    t.col("原始卡号", [neg(g.luhn_bad(g.pick([16, 19]), g.pick(["622202", "621700", "622848"]))) for _ in range(n)], "bad_card", noise=0)
    t.col("原始VIN", [neg(g.bad_vin()) for _ in range(n)], "bad_vin", noise=0)
    t.col("原始手机号", [neg(g.pick(["10", "11", "12"]) + g.digits(9) if g.chance(0.7) else "154" + g.digits(8)) for _ in range(n)], "bad_mobile", noise=0)
    t.col("问题描述", [neg(g.pick(["校验位错误", "出生日期非法", "行政区划代码不存在", "位数不符", "格式错误"])) for _ in range(n)], "enum")
    t.col("发现时间", [neg(fmt_dt(g.event_dt(2024))) for _ in range(n)], "event_dt")
    return t


# 36 机动车登记 ----------------------------------------------------------------------------------------
@table
def t_jdc(g: G, n: int) -> Table:
    t = Table("jj_jdcdjxx", n, g, system="交警车驾管")
    own, ids = [], []
    for _ in range(n):
        if g.chance(0.8):
            p = g.person()
            own.append(pos(p.name, NAME)); ids.append(pos(p.id, ID))
        else:
            own.append(neg(g.company())); ids.append(pos(g.uscc("91"), USCC))
    t.col("号牌号码", [pos(g.plate(nev=0.2, style=g.pick(["plain"] * 8 + ["dot", "space"])), PLATE) for _ in range(n)], "plate_styles", noise=0)
    t.col("号牌种类", [neg(g.pick(["小型汽车", "小型新能源汽车", "大型汽车", "挂车"])) for _ in range(n)], "enum")
    t.col("车辆品牌", [neg(g.pick(D.CAR_BRANDS)) for _ in range(n)], "brand")
    t.col("车辆型号", [neg(g.pick(["FV7152", "SVW7182", "BYD7152", "CC6460", "JL7152", "HFC7150"]) + g.pick(["FBDWG", "LDA", "WTHEV", "RM01", ""])) for _ in range(n)], "model_code")
    t.col("车辆识别代号", [pos(g.vin(0.08), VIN) for _ in range(n)], "vin")
    t.col("发动机号", [neg(g.engine_no()) for _ in range(n)], "engine_no")
    t.col("机动车所有人", own, "name_or_company")
    t.col("身份证明号码", ids, "id_or_uscc")
    t.col("住所地址", [pos(g.address(), ADDR) for _ in range(n)], "address")
    t.col("联系电话", [pos(g.mobile(), MOB) for _ in range(n)], "mobile")
    t.col("初次登记日期", [neg(fmt_date(g.event_date(2008), "iso")) for _ in range(n)], "event_date")
    t.col("检验有效期止", [neg(fmt_date(g.date_between(dt.date(2024, 7, 1), dt.date(2026, 12, 31)), "iso")) for _ in range(n)], "future_date")
    t.col("车身颜色", [neg(g.pick(["白", "黑", "银", "红", "蓝", "灰"])) for _ in range(n)], "enum")
    return t


# 37 卡口过车 ----------------------------------------------------------------------------------------
@table
def t_kk(g: G, n: int) -> Table:
    t = Table("jj_kkgcjl", n, g, system="交警卡口")
    sites = [(f"KK{g.digits(6)}", f"{a}与{b}路口", g.geo(0.1)) for a, b in zip(D.ROADS_JINING[:12], D.ROADS_JINING[12:24], strict=False)]
    ss = [g.pick(sites) for _ in range(n)]
    t.col("gcxh", [neg(g.digits(18)) for _ in range(n)], "serial18_random")
    t.col("kkbh", [neg(s[0]) for s in ss], "site_code")
    t.col("kkmc", [neg(s[1]) for s in ss], "road_intersection")
    t.col("hphm", [pos(g.plate(local=0.7, nev=0.15), PLATE) if g.chance(0.93) else neg(g.pick(["未识别", "无牌", "00000000"])) for _ in range(n)], "plate")
    t.col("gcsj", [neg(fmt_dt(g.event_dt(2024))) for _ in range(n)], "event_dt")
    t.col("clsd", [neg(str(g.r.randint(10, 110))) for _ in range(n)], "speed")
    t.col("fxmc", [neg(g.pick(["由东向西", "由西向东", "由南向北", "由北向南"])) for _ in range(n)], "enum")
    t.col("kkjd", [pos(f"{s[2][0]:.6f}", GEO) for s in ss], "lng")
    t.col("kkwd", [pos(f"{s[2][1]:.6f}", GEO) for s in ss], "lat")
    return t


# 38 汽修维修记录 ------------------------------------------------------------------------------------
@table
def t_qx(g: G, n: int) -> Table:
    t = Table("qx_wxjl", n, g, system="汽修备案")
    t.col("维修单号", [neg(f"WX{g.event_date(2023):%Y%m%d}{g.digits(4)}") for _ in range(n)], "order_no", noise=0)
    t.col("车牌", [pos(g.plate(), PLATE) for _ in range(n)], "plate")
    t.col("VIN码", [pos(g.vin(), VIN) if g.chance(0.7) else neg(g.bad_vin()) for _ in range(n)], "vin_with_typos")
    t.col("送修人", [pos(g.name(), NAME) for _ in range(n)], "name")
    t.col("联系电话", [pos(g.mobile("dash", alt=0.3, alts=("plain",)), MOB) for _ in range(n)], "mobile_dash")
    t.col("维修项目", [neg(g.pick(["更换机油机滤", "更换刹车片", "钣金喷漆", "四轮定位", "更换轮胎"])) for _ in range(n)], "enum")
    t.col("配件编码", [neg(g.pick("ABCDEHJK") + f"{g.r.randint(1, 99):02d}" + g.pick(["", "", ".1", ".5"])) for _ in range(n)], "part_code_icd_like")
    t.col("金额", [neg(g.money(50, 8000)) for _ in range(n)], "amount")
    t.col("进厂日期", [neg(fmt_date(g.event_date(2022), "iso")) for _ in range(n)], "event_date")
    return t


# 39 教职工 (xlsx) --------------------------------------------------------------------------------------
@table
def t_jzg(g: G, n: int) -> Table:
    t = Table("jy_jzgxx", n, g, fmt="xlsx", system="教育人事")
    ps = g.people(n, min_age=23, max_age=60, local=0.8)
    work = [p.birth.replace(day=1) + dt.timedelta(days=g.r.randint(22 * 365, 26 * 365)) for p in ps]
    t.col("工号", [neg(f"T{g.digits(6)}") for _ in ps], "staff_no", noise=0)
    t.col("姓名 ", [pos(p.name, NAME) for p in ps], "name")
    t.col("性别", [pos(sex_of(p, "mf"), SEX) for p in ps], "gender_mf")
    t.col("出生年月", [pos(fmt_date(p.birth, "ymdot"), BIRTH) for p in ps], "birth_ym_dot")
    t.col("参加工作时间", [neg(fmt_date(w, "ymdot")) for w in work], "work_ym_dot")
    t.col("政治面貌", [neg(g.pick(["中共党员", "群众", "共青团员", "民盟盟员"])) for _ in ps], "enum")
    t.col("最高学历", [neg(g.pick(["本科", "硕士研究生", "专科", "博士研究生"])) for _ in ps], "enum")
    t.col("职称", [neg(g.pick(["一级教师", "高级教师", "二级教师", "正高级教师"])) for _ in ps], "enum")
    t.col("身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("手机", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("电子邮箱", [pos(g.email(p), EMAIL) for p in ps], "email")
    t.col("任教学科", [neg(g.pick(["语文", "数学", "英语", "物理", "化学", "体育", "音乐"])) for _ in ps], "enum")
    return t


# 40 市场监管投诉 (free text) -----------------------------------------------------------------------------
@table
def t_ts(g: G, n: int) -> Table:
    t = Table("scjg_tsjbxx", n, g, system="市场监管投诉")
    ps = g.people(n, min_age=18, max_age=70)
    texts: list[Cell] = []
    orders = []
    for p in ps:
        ty: set[str] = set()
        order = g.luhn_bad(g.r.randint(16, 19), g.pick(["", "", "3"]))
        orders.append(order)
        s = ""
        if g.chance(0.3):
            s += f"投诉人{p.name}称："
            ty.add(NAME)
        s += f"本人于{fmt_date(g.event_date(2023), 'cn')}在{g.shop()}购买{g.pick(['手机', '电动车', '预付卡', '保健品', '家具'])}，订单号{order}，"
        s += g.pick(["商品存在质量问题", "商家拒不退款", "实际价格与宣传不符", "收到的货物与描述不一致"])
        s += f"，要求退还{g.r.randint(50, 9000)}元。"
        if g.chance(0.2):
            s += f"退款请打到本人银行卡{g.bank_card(grouped=0.3)}。"
            ty.add(CARD)
        if g.chance(0.4):
            s += f"联系电话{g.mobile_fmt(p.mobile, g.pick(['plain', 'dash']))}。"
            ty.add(MOB)
        if g.chance(0.2):
            s += f"处理结果请发邮箱{g.email(p)}。"
            ty.add(EMAIL)
        texts.append((s, frozenset(ty)))
    t.col("投诉单号", [neg(f"TS{g.digits(12)}") for _ in ps], "ticket", noise=0)
    t.col("投诉人", [pos(p.name, NAME) for p in ps], "name")
    t.col("投诉人电话", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("被投诉企业", [neg(g.shop() if g.chance(0.5) else g.company()) for _ in ps], "org_name")
    t.col("被投诉企业信用代码", [pos(g.uscc(g.pick(["91", "92"])), USCC) for _ in ps], "uscc")
    t.col("投诉内容", texts, "free_text", noise=0.02)
    t.col("订单号", [neg(o) for o in orders], "order_no_digits")
    t.col("涉案金额", [neg(g.money(20, 9000)) for _ in ps], "amount")
    t.col("登记时间", [neg(fmt_dt(g.event_dt(2023))) for _ in ps], "event_dt")
    return t


# 41 惠民惠农补贴 -----------------------------------------------------------------------------------------
@table
def t_hmhn(g: G, n: int) -> Table:
    t = Table("czj_hmhnbt", n, g, system="财政惠民惠农一卡通")
    ps = g.people(n, min_age=25, max_age=90, local=1.0)
    t.col("补贴对象", [pos(p.name, NAME) for p in ps], "name")
    t.col("身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("一卡通账号", [pos(g.bank_card(credit=False), CARD) for _ in ps], "bank_card")
    t.col("补贴项目", [neg(g.pick(["耕地地力保护补贴", "农机购置补贴", "高龄津贴", "残疾人两项补贴", "计划生育特别扶助"])) for _ in ps], "enum")
    t.col("金额(元)", [neg(g.money(50, 3000)) for _ in ps], "amount")
    t.col("发放日期", [neg(fmt_date(g.event_date(2021), "iso")) for _ in ps], "event_date")
    t.col("所在村组", [pos(g.address("rural_group") if g.chance(0.6) else g.address("rural"), ADDR) for _ in ps], "address_rural_group")
    t.col("所属乡镇", [neg(g.pick(sum((v[2] for v in D.JINING_DISTRICTS.values()), []))) for _ in ps], "town_only")
    return t


# 42 出生医学证明 (xlsx) ----------------------------------------------------------------------------------
@table
def t_csyx(g: G, n: int) -> Table:
    t = Table("wj_csyxzm", n, g, fmt="xlsx", system="卫健出生医学证明")
    babies = g.people(n, min_age=0, max_age=2, local=0.95)
    moms = g.people(n, min_age=20, max_age=42, male=False)
    dads = g.people(n, min_age=22, max_age=48, male=True)
    t.col("出生医学证明编号", [neg(g.pick("OPQ") + g.digits(9)) for _ in babies], "cert_no", noise=0)
    t.col("新生儿姓名", [pos(b.name, NAME) for b in babies], "name")
    t.col("性别", [pos(sex_of(b, "cn"), SEX) for b in babies], "gender_cn")
    t.col("出生时间", [pos(f"{b.birth:%Y-%m-%d} {g.r.randint(0, 23):02d}:{g.r.randint(0, 59):02d}", BIRTH) for b in babies], "birth_datetime")
    t.col("出生体重(克)", [neg(g.r.randint(2200, 4500)) for _ in babies], "int")
    t.col("出生地点", [neg(g.pick(D.HOSPITALS)) for _ in babies], "hospital")
    t.col("母亲姓名", [pos(m.name, NAME) for m in moms], "name")
    t.col("母亲身份证件号码", [pos(m.id, ID) for m in moms], "id")
    t.col("母亲民族", [eth_cell(m) for m in moms], "ethnicity")
    t.col("父亲姓名", [pos(d.name, NAME) for d in dads], "name")
    t.col("父亲身份证件号码", [pos(d.id, ID) for d in dads], "id")
    t.col("家庭住址", [pos(g.address(), ADDR) for _ in babies], "address")
    t.col("签发日期", [neg(dt.datetime.combine(g.event_date(2022), dt.time())) for _ in babies], "event_xlsx_date")
    return t


# 43 慢病管理 -------------------------------------------------------------------------------------------
@table
def t_mb(g: G, n: int) -> Table:
    t = Table("wj_mbsfgl", n, g, system="卫健慢病管理")
    ps = g.people(n, min_age=35, max_age=90)
    dx = [g.pick(D.ICD10[:8] + [D.ICD10[33], D.ICD10[27]]) for _ in ps]
    t.col("dabh", [neg("37081100" + g.digits(9)) for _ in ps], "record17", noise=0)
    t.col("xm", [pos(p.name, NAME) for p in ps], "name")
    t.col("xb", [pos(sex_of(p, "code"), SEX) for p in ps], "gender_code")
    t.col("csrq", [pos(fmt_date(p.birth, "slash"), BIRTH) for p in ps], "birth_slash")
    t.col("sfzh", [pos(p.id, ID) for p in ps], "id")
    t.col("jbmc", [pos(d[1], MED) for d in dx], "diagnosis_cn")
    t.col("icd10", [pos(d[0].lower() if g.chance(0.1) else d[0], MED) for d in dx], "icd10")
    t.col("qzrq", [neg(fmt_date(g.event_date(2010), "slash")) for _ in ps], "event_date")
    t.col("zrys", [pos(g.name(28, 60), NAME) for _ in ps], "name")
    t.col("sfrq", [neg(fmt_date(g.event_date(2023), "slash")) for _ in ps], "event_date")
    t.col("ssy", [neg(str(g.r.randint(100, 190))) for _ in ps], "int")
    t.col("szy", [neg(str(g.r.randint(60, 110))) for _ in ps], "int")
    t.col("kfxt", [neg(f"{g.r.uniform(4.0, 14.0):.1f}") for _ in ps], "float")
    return t


# 44 药店实名购药 -----------------------------------------------------------------------------------------
@table
def t_yd(g: G, n: int) -> Table:
    t = Table("yd_gysmdj", n, g, system="药店实名购药")
    ps = g.people(n, min_age=1, max_age=85)
    t.col("xsdh", [neg(f"XS{g.digits(14)}") for _ in ps], "order_no", noise=0)
    t.col("gyr", [pos(p.name, NAME) for p in ps], "name")
    t.col("sfzh", [pos(g.id_fmt(p, 0.5), ID) for p in ps], "id")
    t.col("sjh", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("ypmc", [neg(g.pick(D.DRUGS)) for _ in ps], "drug")
    t.col("gg", [neg(g.pick(["0.3g*24粒", "0.5g*12片", "10袋/盒", "0.25g*36粒"])) for _ in ps], "spec")
    t.col("sl", [neg(str(g.r.randint(1, 3))) for _ in ps], "int")
    t.col("tw", [neg(f"{g.r.uniform(36.0, 39.5):.1f}") for _ in ps], "temperature")
    t.col("xssj", [neg(fmt_dt(g.event_dt(2022))) for _ in ps], "event_dt")
    return t


# 45 系统登录审计 (jsonl) --------------------------------------------------------------------------------
@table
def t_dl_log(g: G, n: int) -> Table:
    t = Table("xt_dlrzsj", n, g, fmt="jsonl", system="政务外网登录审计")
    users = g.people(40, min_age=23, max_age=58)
    us = [g.pick(users) for _ in range(n)]
    t.col("logId", [neg(g.digits(12)) for _ in range(n)], "serial", noise=0)
    t.col("userName", [neg(f"{u.py[0]}{u.py[1]}" if u.py[0] else f"user{g.digits(4)}") for u in us], "login_pinyin")
    t.col("realName", [pos(u.name, NAME) for u in us], "name")
    t.col("loginIp", [pos(g.ipv4(0.7) if g.chance(0.85) else g.ipv6(), IP) for _ in range(n)], "ip_mixed")
    t.col("macAddr", [pos(g.mac("dash"), MAC) for _ in range(n)], "mac")
    t.col("loginTime", [neg(fmt_dt(g.event_dt(2024), "t")) for _ in range(n)], "event_dt")
    t.col("result", [neg(g.pick(["SUCCESS", "SUCCESS", "SUCCESS", "FAIL_PASSWORD", "LOCKED"])) for _ in range(n)], "enum")
    t.col("userAgent", [neg(g.pick(["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0", "Mozilla/5.0 (Windows NT 6.1) Chrome/109.0.5414.120", "JNZW-Client/3.2"])) for _ in range(n)], "ua")
    t.col("clientVersion", [neg(g.version()) for _ in range(n)], "version4")
    return t


# 46 物联网设备台账 -------------------------------------------------------------------------------------
@table
def t_sb(g: G, n: int) -> Table:
    t = Table("wl_sbtz", n, g, system="城市物联感知设备")
    geos = [g.geo(0.1) for _ in range(n)]
    ips = [f"10.{g.r.randint(30, 40)}.{g.r.randint(0, 255)}.{g.r.randint(2, 250)}" for _ in range(n)]
    t.col("设备编号", [neg(f"SB-{g.digits(8)}") for _ in range(n)], "device_no", noise=0)
    t.col("设备名称", [neg(g.pick(["高清球机", "枪式摄像机", "井盖传感器", "水位监测仪", "烟感探测器", "人脸抓拍机"])) for _ in range(n)], "enum")
    t.col("IP地址", [pos(ip, IP) for ip in ips], "ip")
    t.col("子网掩码", [neg(g.pick(["255.255.255.0", "255.255.255.0", "255.255.254.0", "255.255.0.0"])) for _ in range(n)], "netmask")
    t.col("网关", [pos(ip.rsplit(".", 1)[0] + ".1", IP) for ip in ips], "gateway_ip")
    t.col("MAC地址", [pos(g.mac(g.pick(["colon_up", "dash"])), MAC) for _ in range(n)], "mac")
    t.col("安装位置", [pos(g.address(weights={"city_road": 50, "dist_road_room": 20, "road_num": 30}), ADDR) if g.chance(0.6) else neg(f"{g.pick(D.ROADS_JINING)}与{g.pick(D.ROADS_JINING)}交叉口") for _ in range(n)], "address_mixed")
    t.col("经度(°)", [pos(f"{lo:.6f}", GEO) for lo, _la in geos], "lng")
    t.col("纬度(°)", [pos(f"{la:.6f}", GEO) for _lo, la in geos], "lat")
    t.col("责任人", [pos(g.name(25, 55), NAME) for _ in range(n)], "name")
    t.col("责任人电话", [pos(g.mobile(), MOB) for _ in range(n)], "mobile")
    t.col("固件版本", [neg("V" + g.version()) for _ in range(n)], "version")
    t.col("序列号", [neg(f"{g.digits(11)}{g.pick(['HB', 'DS', 'HK'])}{g.digits(7)}") for _ in range(n)], "serial")
    return t


# 47 公积金贷款 --------------------------------------------------------------------------------------
@table
def t_gjjdk(g: G, n: int) -> Table:
    t = Table("gjj_dkxx", n, g, system="公积金贷款")
    ps = g.people(n, min_age=22, max_age=55)
    sp = [g.person(min_age=22, max_age=55) if g.chance(0.65) else None for _ in ps]
    t.col("借款合同号", [neg(f"JNGJJ{g.r.randint(2015, 2024)}{g.digits(6)}") for _ in ps], "contract_no", noise=0)
    t.col("借款人姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("借款人证件号", [pos(p.id, ID) for p in ps], "id")
    t.col("配偶姓名", [pos(s.name, NAME) if s else neg(None) for s in sp], "name_sparse")
    t.col("配偶证件号", [pos(s.id, ID) if s else neg(None) for s in sp], "id_sparse")
    t.col("贷款金额(元)", [neg(str(g.r.randint(10, 120) * 10000)) for _ in ps], "amount")
    t.col("贷款期限(月)", [neg(str(g.pick([60, 120, 180, 240, 300, 360]))) for _ in ps], "int")
    t.col("执行利率", [neg(g.pick(["3.10%", "2.85%", "3.25%", "2.60%"])) for _ in ps], "percent")
    t.col("还款账号", [pos(g.bank_card(credit=False, grouped=0.2), CARD) for _ in ps], "bank_card")
    t.col("抵押房屋坐落", [pos(g.address(weights={"full": 40, "dist_road_room": 30, "compound": 30}), ADDR) for _ in ps], "address")
    t.col("放款日期", [neg(fmt_date(g.event_date(2015), "iso")) for _ in ps], "event_date")
    return t


# 48 个税明细 (GBK) ---------------------------------------------------------------------------------------
@table
def t_gs_mx(g: G, n: int) -> Table:
    t = Table("sw_gsmxsb", n, g, encoding="gbk", system="税务个税")
    ps = g.people(n, min_age=18, max_age=65)
    corps = [(g.company(), g.uscc("91")) for _ in range(30)]
    cs = [g.pick(corps) for _ in ps]
    t.col("纳税人姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("证件类型", [neg("居民身份证") for _ in ps], "enum")
    t.col("证件号码", [pos(p.id, ID) for p in ps], "id")
    t.col("任职受雇单位", [neg(c[0]) for c in cs], "company")
    t.col("扣缴义务人纳税人识别号", [pos(c[1], USCC) for c in cs], "uscc")
    t.col("所得项目", [neg(g.pick(["工资薪金所得", "劳务报酬所得", "稿酬所得"])) for _ in ps], "enum")
    t.col("收入额", [neg(g.money(3000, 40000)) for _ in ps], "amount")
    t.col("税款所属期", [neg(fmt_date(g.event_date(2022), "ymc")) for _ in ps], "period_ym_compact")
    t.col("入库日期", [neg(fmt_date(g.event_date(2022), "compact")) for _ in ps], "event_date_compact")
    return t


# 49 法律援助 (free text) ------------------------------------------------------------------------------
@table
def t_flyz(g: G, n: int) -> Table:
    t = Table("sf_flyzsq", n, g, system="司法法律援助")
    ps = g.people(n, min_age=18, max_age=75)
    texts: list[Cell] = []
    for p in ps:
        ty: set[str] = set()
        s = ""
        if g.chance(0.85):
            s += f"申请人{p.name}"
            ty.add(NAME)
        else:
            s += "申请人"
        if g.chance(0.2):
            s += f"（身份证号{p.id}）"
            ty.add(ID)
        s += f"于{g.r.randint(2012, 2021)}年入职{g.company()}，从事{g.pick(['电焊', '保洁', '司机', '仓库管理', '销售'])}工作，"
        s += f"{g.r.randint(2022, 2024)}年{g.r.randint(1, 12)}月公司以{g.pick(['经营困难', '严重违纪', '岗位调整'])}为由解除劳动合同，未支付经济补偿金{g.r.randint(5000, 90000)}元。"
        if g.chance(0.35):
            s += f"申请人现住{g.address()}。"
            ty.add(ADDR)
        if g.chance(0.15):
            s += f"联系电话{p.mobile}。"
            ty.add(MOB)
        texts.append((s, frozenset(ty)))
    t.col("受援人", [pos(p.name, NAME) for p in ps], "name")
    t.col("性别", [pos(sex_of(p, "cn"), SEX) for p in ps], "gender_cn")
    t.col("年龄", [neg(str((REF - p.birth).days // 365)) for p in ps], "age")
    t.col("民族", [eth_cell(p) for p in ps], "ethnicity")
    t.col("身份证号", [pos(p.id, ID) for p in ps], "id")
    t.col("联系电话", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("住址", [pos(g.address(), ADDR) for _ in ps], "address")
    t.col("案件类型", [neg(g.pick(["劳动争议", "婚姻家庭", "交通事故", "人身损害", "追索劳动报酬"])) for _ in ps], "enum")
    t.col("案情摘要", texts, "free_text", noise=0.02)
    t.col("承办律师", [pos(g.name(26, 60), NAME) for _ in ps], "name")
    t.col("律师事务所", [neg("山东" + "".join(g.r.sample(D.BRAND_CHARS, 2)) + "律师事务所") for _ in ps], "org_name")
    t.col("受理日期", [neg(fmt_date(g.event_date(2022), "iso")) for _ in ps], "event_date")
    return t


# 50 网格走访 (free text) ------------------------------------------------------------------------------
@table
def t_wg(g: G, n: int) -> Table:
    t = Table("wg_zfjl", n, g, system="社区网格")
    ps = g.people(n, min_age=20, max_age=92)
    texts: list[Cell] = []
    for p in ps:
        ty: set[str] = set()
        age = (REF - p.birth).days // 365
        s = f"入户走访{p.name}"
        ty.add(NAME)
        if g.chance(0.4):
            s += f"（{'男' if p.male else '女'}，{age}岁）"
            ty.add(SEX)
        if g.chance(0.3):
            s += f"，住{g.address(weights={'compound': 60, 'dist_road_room': 40})}"
            ty.add(ADDR)
        s += "，" + g.pick(["独居，生活基本能自理", "与老伴同住", "子女在外地务工", "家中有残疾人一名"])
        if g.chance(0.35):
            s += f"，患有{g.diagnosis()}，需定期服药"
            ty.add(MED)
        if g.chance(0.2):
            s += f"，其子{g.name(25, 50)}电话{g.mobile()}"
            ty |= {NAME, MOB}
        s += g.pick(["。已告知防诈骗注意事项。", "。已登记需求，后续跟进。", "。"])
        texts.append((s, frozenset(ty)))
    t.col("网格编号", [neg(f"3708110010{g.r.randint(1, 99):02d}") for _ in ps], "grid_code", noise=0)
    t.col("网格员", [pos(g.pick(["王芳", "李娜", "张敏", "刘静", "陈丽", "杨洋", "赵磊"]), NAME) for _ in ps], "name_few")
    t.col("楼栋", [neg(f"{g.r.randint(1, 30)}号楼") for _ in ps], "building")
    t.col("门牌", [neg(f"{g.r.randint(1, 6)}-{g.room()}") for _ in ps], "door")
    t.col("居民姓名", [pos(p.name, NAME) for p in ps], "name")
    t.col("与户主关系", [neg(g.pick(["户主", "配偶", "子", "女", "父亲", "母亲"])) for _ in ps], "enum")
    t.col("联系方式", [pos(p.mobile, MOB) for p in ps], "mobile")
    t.col("特殊人群标签", [neg(g.pick(["独居老人", "残疾人", "低保户", "无", "退役军人"])) for _ in ps], "enum")
    t.col("走访记录", texts, "free_text", noise=0.02)
    t.col("走访日期", [neg(fmt_date(g.event_date(2023), "iso")) for _ in ps], "event_date")
    t.col("定位", [pos(g.geo_pair(g.pick(["latlng", "latlng", "lnglat", "wkt", "en"])), GEO) for _ in ps], "geo_pair_styles")
    return t


# 51 行政区划代码 (hard negatives) -------------------------------------------------------------------------
@table
def t_qh(g: G, n: int) -> Table:
    rows = [(c, pr + ci + co if pr != ci else ci + co, pr + ci if pr != ci else ci) for c, pr, ci, co in D.ADMIN_CODES]
    rows = [g.pick(rows) for _ in range(n)]
    t = Table("dm_xzqh", n, g, system="基础代码")
    t.col("区划代码", [neg(r[0]) for r in rows], "admin_code6", noise=0)
    t.col("区划名称", [neg(r[1]) for r in rows], "admin_name")
    t.col("上级区划", [neg(r[2]) for r in rows], "admin_name")
    t.col("简称", [neg(r[1][-3:]) for r in rows], "admin_name")
    t.col("层级", [neg("3") for _ in rows], "int")
    return t


@table
def t_dlmc(g: G, n: int) -> Table:
    t = Table("dm_dlmc", n, g, system="地名地址")
    roads = D.ROADS_JINING + D.ROADS_COUNTY
    t.col("道路名称", [neg(g.pick(roads)) for _ in range(n)], "road_only", noise=0)
    t.col("起点", [neg(g.pick(roads)) for _ in range(n)], "road_only")
    t.col("止点", [neg(g.pick(roads)) for _ in range(n)], "road_only")
    t.col("长度(米)", [neg(str(g.r.randint(300, 9000))) for _ in range(n)], "int")
    t.col("所属街道", [neg(g.jining_district()[0] + g.pick(D.JINING_DISTRICTS["任城区"][1])) for _ in range(n)], "admin_street")
    t.col("所在小区", [neg(g.pick(D.COMMUNITIES)) for _ in range(n)], "community_only")
    t.col("命名日期", [neg(fmt_date(g.event_date(1985), "iso")) for _ in range(n)], "event_date")
    return t


# 53 会员卡 -----------------------------------------------------------------------------------------------
@table
def t_hyk(g: G, n: int) -> Table:
    t = Table("sc_hykxx", n, g, system="商超会员")
    t.col("会员卡号", [neg(g.luhn_bad(g.pick([16, 18, 19]), g.pick(["8801", "6200", "9558"]))) for _ in range(n)], "card_like_luhnfail", noise=0)
    t.col("会员姓名", [pos(g.name(), NAME) for _ in range(n)], "name")
    t.col("手机号", [pos(g.mobile(), MOB) for _ in range(n)], "mobile")
    t.col("积分", [neg(str(g.r.randint(0, 90000))) for _ in range(n)], "int")
    t.col("注册门店", [neg(g.pick(["银座商城(太白楼店)", "贵和购物中心", "佳乐家(洸河路店)", "万达广场"])) for _ in range(n)], "store")
    t.col("注册日期", [neg(fmt_date(g.event_date(2012), "iso")) for _ in range(n)], "event_date")
    t.col("会员等级", [neg(g.pick(["普通", "银卡", "金卡", "钻石"])) for _ in range(n)], "enum")
    t.col("折扣率", [neg(g.pick(["95%", "90%", "88%", "100%"])) for _ in range(n)], "percent")
    return t


# 54 发票明细 -------------------------------------------------------------------------------------------
@table
def t_fp(g: G, n: int) -> Table:
    t = Table("sw_fpmx", n, g, encoding="utf-8-sig", system="税务发票")
    sellers = [(g.company(), g.uscc("91"), g.address(weights={"city_road": 70, "dist_road_room": 30}), g.landline("0537", g.pick(["dash", "plain"]))) for _ in range(40)]
    ss = [g.pick(sellers) for _ in range(n)]
    t.col("发票代码", [neg("0370023" + g.digits(5)) for _ in range(n)], "invoice_code12", noise=0)
    t.col("发票号码", [neg(g.digits(8)) for _ in range(n)], "invoice_no8", noise=0)
    t.col("开票日期", [neg(fmt_date(g.event_date(2022), "cn")) for _ in range(n)], "event_date_cn")
    t.col("购买方名称", [neg(g.company()) for _ in range(n)], "company")
    t.col("购买方纳税人识别号", [pos(g.uscc("91"), USCC) for _ in range(n)], "uscc")
    t.col("销售方名称", [neg(s[0]) for s in ss], "company")
    t.col("销售方地址、电话", [pos(f"{s[2]} {s[3]}", ADDR, TEL) for s in ss], "address_plus_landline")
    t.col("金额", [neg(g.money(100, 200000)) for _ in range(n)], "amount")
    t.col("税率", [neg(g.pick(["13%", "6%", "9%", "3%"])) for _ in range(n)], "percent")
    t.col("校验码", [neg(g.digits(20)) for _ in range(n)], "check_code20")
    return t


# -- main -----------------------------------------------------------------------------------------------
def build(out: Path, seed: int) -> dict[str, Any]:
    tables_dir = out / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    for old in tables_dir.iterdir():
        old.unlink()
    truth: dict[str, Any] = {
        "meta": {
            "generator": "bench/corpus_third.py", "seed": seed, "reference_date": REF.isoformat(),
            "rule": "a column lists each type held by >= 10% of its non-null values; null = empty or one of "
                    + ", ".join(sorted(repr(x) for x in NULL_TOKENS if x)),
            "judgement_calls": [
                "残疾证号 (ID + 2 digits) and 全国学籍号 (G + ID) are labelled cn_resident_id: they embed a full ID",
                "passport-style pinyin names (ZHANG WEI) are person_name",
                "出生年月 (year-month only) is birth_date; 入学年月, 参加工作时间, 税款所属期 are not",
                "rural village + group (…村三组) without door number is an address; village alone is not",
                "'王女士'/'李先生' and masked phones (138****5678) are not person_name / cn_mobile",
                "subnet masks are not ip_address; gateways are",
                "残疾类别, 科室, 药品, 疫苗 are not medical_info; 致残原因, 患病情况, 死亡原因, 工伤诊断 are",
                "民族代码 01/03 under AAC005 is ethnicity; gender codes 1/2 under XB/AAC004 are gender",
                "road intersections (A路与B路交叉口) and highway stakes are not addresses",
            ],
        },
        "tables": {},
    }
    for i, fn in enumerate(TABLES):
        rng = random.Random(f"third-{seed}-{i}-{fn.__name__}")
        g = G(rng)
        n = rng.randint(200, 2000)
        t = fn(g, n)
        fname = t.write(tables_dir)
        cols, kinds, shares = t.truth()
        truth["tables"][t.name] = {
            "file": f"tables/{fname}", "rows": n, "system": t.system, "format": t.fmt, "encoding": t.encoding,
            "columns": cols, "kinds": kinds, "shares": shares,
        }  # fmt: skip
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.time()
    truth = build(args.out, args.seed)
    ncols = sum(len(t["columns"]) for t in truth["tables"].values())
    print(f"wrote {len(truth['tables'])} tables, {ncols} columns to {args.out} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
