"""An independent benchmark corpus for shuan's column classifier.

    python bench/corpus_alt.py --out DIR --seed N

Writes DIR/tables/* (about 60 tables modelled on Chinese government systems; CSV in UTF-8, UTF-8 with
BOM or GBK, plus a few .xlsx and .jsonl) and DIR/truth.json:

    {"meta": {...}, "tables": {"<stem>": {"file": "tables/<file>", "rows": N, "encoding": "...",
        "columns": {"<header>": ["type_id", ...]}, "kinds": {"<header>": "<generator kind>"},
        "shares": {"<header>": {"type_id": share}}}}}

A column's truth lists every vocabulary type found in at least 10 % of its non-null values, computed
from what was actually generated (free-text columns included). Written without looking at shuan's
own generator or detector; checksums follow docs (GB 11643, GB 32100, Luhn, ISO 3779).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_alt_data as D  # noqa: E402

THRESHOLD = 0.10
NULL_TOKENS = ["", " ", "NULL", "null", "无", "-", "/", "不详"]

# -- checksums ---------------------------------------------------------------------------------------

_ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_W, strict=False)) % 11]


USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check(first17: str) -> str:
    s = sum(USCC_ALPHA.index(c) * w for c, w in zip(first17, _USCC_W, strict=False))
    return USCC_ALPHA[(31 - s % 31) % 31]


def org_check(code8: str) -> str:
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(code8, _ORG_W, strict=False))
    r = 11 - s % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


_VIN_TR = {**{str(i): i for i in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9), strict=False)), **dict(zip("JKLMN", range(1, 6), strict=False)), "P": 7, "R": 9,
           **dict(zip("STUVWXYZ", range(2, 10), strict=False))}  # fmt: skip
_VIN_W = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_ALPHA = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_check(vin17: str) -> str:
    r = sum(_VIN_TR[c] * w for c, w in zip(vin17, _VIN_W, strict=False)) % 11
    return "X" if r == 10 else str(r)


# GB 32100 position 1 -> allowed position 2, with rough frequency of the pair in real registers
USCC_PAIRS = [("9", "1", 55), ("9", "2", 20), ("9", "3", 3), ("1", "1", 4), ("1", "2", 5), ("1", "3", 1),
              ("1", "9", 1), ("5", "1", 2), ("5", "2", 3), ("5", "3", 1), ("3", "1", 1), ("3", "2", 1),
              ("7", "1", 1), ("8", "1", 1), ("N", "2", 1), ("N", "1", 1), ("Y", "1", 1), ("2", "1", 1)]
USCC_VALID2 = {"1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129", "7": "129",
               "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1"}  # fmt: skip

FW = str.maketrans("0123456789", "０１２３４５６７８９")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
START, END = dt.date(2015, 1, 1), dt.date(2025, 6, 30)


# -- small helpers -----------------------------------------------------------------------------------


def wchoice(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def rand_date(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def fmt_date(rng: random.Random, d: dt.date, fmt: str) -> str:
    if fmt == "compact":
        return d.strftime("%Y%m%d")
    if fmt == "iso":
        return d.isoformat()
    if fmt == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if fmt == "cn_short":
        return f"{d.year}年{d.month}月{d.day}日"
    if fmt == "sql":
        return d.isoformat() + " 00:00:00"
    if fmt == "dot":
        return d.strftime("%Y.%m.%d")
    if fmt == "ym":
        return d.strftime("%Y-%m")
    if fmt == "ym_dot":
        return d.strftime("%Y.%m")
    if fmt == "ym_compact":
        return d.strftime("%Y%m")
    if fmt == "datetime":
        return f"{d.isoformat()} {rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if fmt == "datetime_ms":
        return (f"{d.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                f".{rng.randint(0, 999):03d}")
    if fmt == "compact_dt":
        return d.strftime("%Y%m%d") + f"{rng.randint(7, 21):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"
    if fmt == "iso_t":
        return f"{d.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+08:00"
    raise ValueError(fmt)


def pick_fmt(rng: random.Random, fmt: Any) -> str:
    if isinstance(fmt, str):
        return fmt
    return wchoice(rng, list(fmt.items()))


# -- entities ----------------------------------------------------------------------------------------

LOCAL = D.CITIES[0]
OTHER_CITIES = D.CITIES[1:]


def city_pick(rng: random.Random, local: float) -> dict:
    if rng.random() < local:
        return LOCAL
    return wchoice(rng, [(c, c["weight"]) for c in OTHER_CITIES])


def han_name(rng: random.Random, male: bool, year: int) -> str:
    r = rng.random()
    surname = rng.choice(D.COMPOUND_SURNAMES) if r < 0.02 else D.SURNAMES[min(int(rng.expovariate(1 / 18)), len(D.SURNAMES) - 1)]
    if year < 1972 and rng.random() < 0.3:
        return surname + rng.choice(D.OLD_STYLE_MALE if male else D.OLD_STYLE_FEMALE)
    pool = D.GIVEN_MALE if male else D.GIVEN_FEMALE
    first = rng.choice(pool + D.GIVEN_NEUTRAL)
    if rng.random() < 0.28 and len(surname) == 1:
        return surname + first
    second = rng.choice(pool)
    if rng.random() < 0.04:
        second = first  # 婷婷, 晨晨
    return surname + first + second


class Person:
    __slots__ = ("male", "birth", "name", "eth", "code6", "id18", "id15", "city", "mobile", "email", "_addr",
                 "rng", "home_city")

    def __init__(self, rng: random.Random, cfg: dict):
        self.rng = rng
        sex = cfg.get("sex")
        self.male = (rng.random() < 0.51) if sex is None else sex == "M"
        y0, y1 = cfg.get("born", (1938, 2005))
        self.birth = rand_date(rng, dt.date(y0, 1, 1), dt.date(y1, 12, 28))
        r = rng.random()
        if r < 0.015:
            self.name = (rng.choice(D.UYGHUR_MALE if self.male else D.UYGHUR_FEMALE)
                         + ("·" if rng.random() < 0.93 else "•") + rng.choice(D.UYGHUR_MALE))
            self.eth, idcity = "维吾尔族", D.CITIES[-4]
        elif r < 0.022:
            parts = rng.sample(D.TIBETAN_PARTS, 2)
            self.name, self.eth, idcity = "".join(parts), "藏族", D.CITIES[-3]
        elif r < 0.028:
            self.name, self.eth, idcity = rng.choice(D.MONGOL_NAMES), "蒙古族", D.CITIES[-1]
        else:
            self.name = han_name(rng, self.male, self.birth.year)
            self.eth = "汉族" if rng.random() < 0.93 else rng.choice(D.ETHNIC_MINOR)
            idcity = city_pick(rng, 0.62)
        self.code6 = rng.choice(idcity["id_codes"])
        seq = rng.randint(0, 99) * 10 + rng.choice([1, 3, 5, 7, 9] if self.male else [0, 2, 4, 6, 8])
        body = f"{self.code6}{self.birth:%Y%m%d}{seq:03d}"
        self.id18 = body + id_check(body)
        self.id15 = f"{self.code6}{self.birth:%y%m%d}{seq:03d}" if self.birth.year < 1982 else None
        self.home_city = city_pick(rng, cfg.get("local", 0.8))
        pre = rng.choice(D.MOBILE_HEAVY) if rng.random() < 0.6 else rng.choice(D.MOBILE_PREFIXES)
        self.mobile = pre + digits(rng, 8)
        self._addr = None

    def address(self, style: Any = None) -> str:
        if self._addr is None:
            self._addr = make_address(self.rng, self.home_city, style or {"full": 2, "city": 3, "district": 3,
                                                                          "village": 2})
        return self._addr


def room(rng: random.Random) -> str:
    return f"{rng.randint(1, 26)}{rng.randint(1, 4):02d}"


def make_address(rng: random.Random, city: dict, style: Any) -> str:
    st = pick_fmt(rng, style)
    if st == "village" and not city["towns"]:
        st = "district"
    district = rng.choice(city["districts"])
    muni = not city["city"]
    if st == "full":
        prefix = city["prov"] + ("" if muni else city["city"]) + district
    elif st == "city":
        prefix = (city["prov"] if muni else city["city"]) + district
    elif st == "nodistrict":
        prefix = city["city"] or city["prov"]
    else:
        prefix = district
    if st == "village":
        if rng.random() < 0.3:
            prefix = rng.choice(["", city["prov"], city["prov"] + city["city"]]) + district
        v = rng.choice(D.VILLAGES) + "村"
        town = rng.choice(city["towns"])
        r = rng.random()
        if r < 0.45:
            return f"{prefix}{town}{v}{rng.randint(1, 12)}组{rng.randint(1, 180)}号"
        if r < 0.85:
            return f"{prefix}{town}{v}{rng.randint(1, 260)}号"
        return f"{prefix}{town}{v}{rng.choice(['东', '西', '南', '北', '中'])}街{rng.randint(1, 90)}号"
    road = rng.choice(city["roads"])
    n = rng.randint(1, 399)
    r = rng.random()
    if r < 0.22:
        return f"{prefix}{road}{n}号"
    if r < 0.55:
        return (f"{prefix}{road}{n}号{rng.choice(D.COMPLEXES)}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元"
                f"{room(rng)}{'室' if rng.random() < 0.7 else ''}")
    if r < 0.72:
        return f"{prefix}{road}{n}号{rng.randint(1, 30)}-{rng.randint(1, 4)}-{room(rng)}"
    if r < 0.86 and city["streets"] and city["communities"]:
        return (f"{prefix}{rng.choice(city['streets'])}{rng.choice(city['communities'])}{rng.randint(1, 40)}号楼"
                f"{rng.randint(1, 4)}单元{room(rng)}")
    if muni and rng.random() < 0.5:
        return f"{prefix}{road}{n}号院{rng.randint(1, 20)}号楼{rng.randint(1, 6)}门{room(rng)}"
    return f"{prefix}{rng.choice(D.COMPLEXES)}{rng.randint(1, 30)}栋{rng.randint(1, 3)}单元{room(rng)}"


def district_only(rng: random.Random) -> str:
    c = city_pick(rng, 0.85)
    d = rng.choice(c["districts"])
    r = rng.random()
    cname = c["city"] or c["prov"]
    if r < 0.35:
        return d
    if r < 0.6:
        return cname + d
    if r < 0.7:
        return c["prov"] + (c["city"] or "")
    if r < 0.8:
        return cname
    if c["towns"]:
        t = rng.choice(c["towns"])
        return t if r < 0.9 else d + t
    return c["prov"] + (c["city"] or "") + d


def make_uscc(rng: random.Random, p1p2: tuple[str, str] | None = None, county: str | None = None) -> str:
    a, b = p1p2 or wchoice(rng, [((x, y), w) for x, y, w in USCC_PAIRS])
    county = county or rng.choice(LOCAL["id_codes"][:11] if rng.random() < 0.85 else rng.choice(OTHER_CITIES)["id_codes"][:2])
    if a == "9" and rng.random() < 0.7:
        org8 = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        org8 = digits(rng, 8)
    body = f"{a}{b}{county}{org8}{org_check(org8)}"
    return body + uscc_check(body)


def company_name(rng: random.Random, kind: str = "co") -> str:
    city = rng.choice(["济宁", "济宁市", "山东", "任城区", "嘉祥县", "曲阜", ""])
    if kind == "shop":
        return (f"{rng.choice(LOCAL['districts'])}{rng.choice(['老', '小', ''])}{rng.choice(D.SURNAMES[:40])}"
                f"{rng.choice(['记', '家', ''])}{rng.choice(D.SHOP_KINDS)}")
    if kind == "coop":
        return f"{rng.choice(LOCAL['districts'])}{rng.choice(D.BRAND_WORDS)}{rng.choice(['种植', '养殖', '果蔬', '农机'])}专业合作社"
    return (f"{city}{rng.choice(D.BRAND_WORDS)}{rng.choice(D.INDUSTRIES)}"
            f"{wchoice(rng, D.COMPANY_SUFFIX)}")


def bank_card(rng: random.Random) -> str:
    b, n, _ = rng.choice(D.BINS)
    body = b + digits(rng, n - len(b) - 1)
    return body + luhn_digit(body)


def plate(rng: random.Random, city: dict | None = None) -> str:
    city = city or city_pick(rng, 0.85)
    pre = city["plate"]
    if len(pre) == 1:
        pre += rng.choice("ABCEFGHJKLMNPQ")
    r = rng.random()
    if r < 0.1:
        body = rng.choice("DF") + rng.choice(PLATE_LETTERS + "0123456789") + digits(rng, 4)
    elif r < 0.13:
        body = digits(rng, 5) + rng.choice("DF")
    elif r < 0.15:
        return pre + digits(rng, 4) + rng.choice(["学", "挂"])
    else:
        k = wchoice(rng, [(0, 25), (1, 55), (2, 20)])
        pos = set(rng.sample(range(5), k))
        body = "".join(rng.choice(PLATE_LETTERS) if i in pos else rng.choice("0123456789") for i in range(5))
    return pre + body


def vin(rng: random.Random) -> str:
    vds = "".join(rng.choice(VIN_ALPHA) for _ in range(5))
    v = rng.choice(D.VIN_WMI) + vds + "0" + rng.choice(D.VIN_YEARS) + rng.choice(VIN_ALPHA) + digits(rng, 6)
    return v[:8] + vin_check(v) + v[9:]


def passport(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return "E" + digits(rng, 8)
    if r < 0.85:
        return "E" + rng.choice("ABCDEFGHJKLMN") + digits(rng, 7)
    return "G" + digits(rng, 8)


def hkmo(rng: random.Random) -> str:
    return "C" + (digits(rng, 8) if rng.random() < 0.55 else rng.choice("ABCDEFGHJKLMN") + digits(rng, 7))


def fmt_mobile(rng: random.Random, m: str, fmt: Any) -> str:
    f = pick_fmt(rng, fmt)
    return {"plain": m, "dash": f"{m[:3]}-{m[3:7]}-{m[7:]}", "space": f"{m[:3]} {m[3:7]} {m[7:]}",
            "p86": "+86 " + m, "p86n": "+86" + m, "p86d": f"+86-{m[:3]}-{m[3:7]}-{m[7:]}",
            "86": "86" + m}[f]  # fmt: skip


def landline(rng: random.Random, city: dict | None = None, fmt: Any = None) -> str:
    city = city or city_pick(rng, 0.85)
    local = str(rng.randint(2, 8)) + digits(rng, city["tel_len"] - 1)
    a = city["area"]
    f = pick_fmt(rng, fmt or {"dash": 6, "paren": 1, "fwparen": 1, "plain": 1, "local": 1, "ext": 1, "space": 1})
    return {"dash": f"{a}-{local}", "paren": f"({a}){local}", "fwparen": f"（{a}）{local}", "plain": a + local,
            "local": local, "ext": f"{a}-{local}-{rng.randint(1, 9999)}", "extzh": f"{a}-{local}转{rng.randint(100, 8999)}",
            "space": f"{a} {local}"}[f]  # fmt: skip


def email(rng: random.Random, gov: bool = False) -> str:
    r = rng.random()
    if gov:
        return f"{rng.choice(D.PINYIN)}{rng.choice(D.PINYIN)}@{rng.choice(D.GOV_MAIL_DOMAINS)}"
    if r < 0.3:
        return f"{rng.randint(10000, 3999999999)}@qq.com"
    if r < 0.6:
        local = rng.choice(D.PINYIN) + rng.choice(D.PINYIN) + (str(rng.randint(1970, 2005)) if rng.random() < 0.5 else str(rng.randint(1, 999)))
    elif r < 0.8:
        local = rng.choice(D.PINYIN) + rng.choice([".", "_"]) + rng.choice(D.PINYIN)
    else:
        local = rng.choice("abcdefghjklmnpqrstwxyz") + rng.choice("abcdefghjklmnpqrstwxyz") + digits(rng, rng.randint(3, 6))
    return f"{local}@{wchoice(rng, D.EMAIL_DOMAINS)}"


def ipv4(rng: random.Random, private: float = 0.5) -> str:
    if rng.random() < private:
        r = rng.random()
        if r < 0.5:
            return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if r < 0.8:
            return f"192.168.{rng.randint(0, 20)}.{rng.randint(1, 254)}"
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    first = rng.choice([223, 112, 60, 27, 39, 119, 120, 183, 218, 221, 111, 58, 114, 36])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    h = lambda: f"{rng.randint(0, 0xFFFF):x}"  # noqa: E731
    r = rng.random()
    if r < 0.4:
        return f"{rng.choice(['2409', '240e', '2408'])}:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}"
    if r < 0.7:
        return f"{rng.choice(['2409', '240e', '2408'])}:{h()}:{h()}:{h()}::{h()}"
    if r < 0.85:
        return f"fe80::{h()}:{h()}:{h()}:{h()}"
    return f"::ffff:{ipv4(rng, 1.0)}"


MAC_OUI = ["00E0FC", "286ED4", "C056E3", "4419B6", "50BD5F", "B0A7B9", "F48E38", "3C970E", "D46E0E", "001A2B",
           "ACE215", "7C1E52"]


def mac(rng: random.Random, fmt: Any) -> str:
    raw = rng.choice(MAC_OUI) + "".join(rng.choice("0123456789ABCDEF") for _ in range(6))
    f = pick_fmt(rng, fmt)
    pairs = [raw[i:i + 2] for i in range(0, 12, 2)]
    if f == "colon":
        return ":".join(pairs)
    if f == "colon_lower":
        return ":".join(pairs).lower()
    if f == "dash":
        return "-".join(pairs)
    if f == "cisco":
        return ".".join(raw[i:i + 4] for i in range(0, 12, 4)).lower()
    return raw


def coord(rng: random.Random, city: dict | None = None, spread: float = 0.15) -> tuple[float, float]:
    city = city or city_pick(rng, 0.85)
    return (round(city["lng"] + rng.uniform(-spread, spread), rng.choice([5, 6, 6, 6, 7])),
            round(city["lat"] + rng.uniform(-spread, spread), rng.choice([5, 6, 6, 6, 7])))


def fail_id18(rng: random.Random) -> str:
    """18 digits shaped like an ID (real region code, real date) whose check character is wrong."""
    body = rng.choice(LOCAL["id_codes"]) + rand_date(rng, START, END).strftime("%Y%m%d") + digits(rng, 3)
    good = id_check(body)
    return body + rng.choice([c for c in "0123456789" if c != good])


def fail_luhn(rng: random.Random, n: int, prefix: str = "") -> str:
    body = prefix + str(rng.randint(1, 9)) * (not prefix) + digits(rng, n - len(prefix) - (not prefix) - 1)
    good = luhn_digit(body)
    return body + rng.choice([c for c in "0123456789" if c != good])


def uscc_lookalike(rng: random.Random) -> str:
    good = make_uscc(rng)
    r = rng.random()
    if r < 0.5:  # wrong final check
        return good[:17] + rng.choice([c for c in USCC_ALPHA if c != good[17]])
    if r < 0.8:  # wrong organisation-code check, final check recomputed
        org = good[8:16]
        bad17 = rng.choice([c for c in "0123456789X" if c != org_check(org)])
        body = good[:16] + bad17
        return body + uscc_check(body)
    a = rng.choice("12345789")  # invalid position-2 category, both checks valid
    b = rng.choice([c for c in "45678" if c not in USCC_VALID2[a]])
    body = a + b + good[2:17]
    body = body[:16] + org_check(body[8:16])
    return body + uscc_check(body)


# -- row context -------------------------------------------------------------------------------------


class Row:
    def __init__(self, table: Table, rng: random.Random):
        self.t, self.rng = table, rng
        self.cache: dict[Any, Any] = {}

    def person(self, slot: str) -> Person:
        key = ("p", slot)
        if key not in self.cache:
            self.cache[key] = Person(self.rng, self.t.persons.get(slot, self.t.persons.get("*", {})))
        return self.cache[key]

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


# -- column kinds: (row, params) -> (value, set of types) ---------------------------------------------

K: dict[str, Callable[[Row, dict], tuple[Any, set[str]]]] = {}


def kind(name: str):
    def deco(fn):
        K[name] = fn
        return fn

    return deco


def S(*types: str) -> set[str]:
    return set(types)


@kind("name")
def k_name(row: Row, p: dict):
    n = row.person(p.get("slot", "p")).name
    if row.rng.random() < p.get("typo", 0.006) and len(n) == 3:
        n = n[0] + " " + n[1:]  # stray space typed into the name
    return n, S("person_name")


@kind("sex")
def k_sex(row: Row, p: dict):
    m = row.person(p.get("slot", "p")).male
    f = p.get("fmt", "zh")
    if f == "code":
        v: Any = "1" if m else "2"
        if row.rng.random() < 0.01:
            v = row.rng.choice(["0", "9"])  # GB/T 2261.1 未知/未说明
        return (int(v) if p.get("num") else v), S("gender")
    if f == "zh2":
        return ("男性" if m else "女性"), S("gender")
    return ("男" if m else "女"), S("gender")


@kind("birth")
def k_birth(row: Row, p: dict):
    d = row.person(p.get("slot", "p")).birth
    return fmt_date(row.rng, d, pick_fmt(row.rng, p.get("fmt", "iso"))), S("birth_date")


@kind("eth")
def k_eth(row: Row, p: dict):
    e = row.person(p.get("slot", "p")).eth
    if p.get("short"):
        e = e[:-1]
    return e, S("ethnicity")


@kind("id")
def k_id(row: Row, p: dict):
    per = row.person(p.get("slot", "p"))
    rng = row.rng
    v = per.id15 if per.id15 and rng.random() < p.get("legacy", 0.0) else per.id18
    if v.endswith("X") and rng.random() < p.get("x_lower", 0.3):
        v = v[:-1] + "x"
    if len(v) == 18 and rng.random() < p.get("typo", 0.006):
        v = v[:17] + rng.choice([c for c in "0123456789X" if c != v[17]])
    return v, S("cn_resident_id")


@kind("mobile")
def k_mobile(row: Row, p: dict):
    m = row.person(p.get("slot", "p")).mobile
    if row.rng.random() < p.get("typo", 0.004):
        m = m[:-1]
    v = fmt_mobile(row.rng, m, p.get("fmt", {"plain": 1}))
    if p.get("num") and v.isdigit():
        return int(v), S("cn_mobile")
    return v, S("cn_mobile")


@kind("phone")  # mobile or landline, personal
def k_phone(row: Row, p: dict):
    per = row.person(p.get("slot", "p"))
    if row.rng.random() < p.get("landline", 0.3):
        return landline(row.rng, per.home_city, p.get("lfmt")), S("cn_landline")
    return fmt_mobile(row.rng, per.mobile, p.get("fmt", {"plain": 6, "dash": 1})), S("cn_mobile")


@kind("landline")
def k_landline(row: Row, p: dict):
    city = LOCAL if row.rng.random() < p.get("local", 0.85) else None
    return landline(row.rng, city, p.get("fmt")), S("cn_landline")


@kind("email")
def k_email(row: Row, p: dict):
    return email(row.rng, p.get("gov", False)), S("email")


@kind("addr")
def k_addr(row: Row, p: dict):
    per = row.person(p.get("slot", "p"))
    if p.get("fresh"):
        city = LOCAL if row.rng.random() < p.get("local", 0.85) else city_pick(row.rng, 0)
        return make_address(row.rng, city, p.get("style", {"district": 1})), S("address")
    return per.address(p.get("style")), S("address")


@kind("bank")
def k_bank(row: Row, p: dict):
    c = row.get(("bank", p.get("slot", "p")), lambda: bank_card(row.rng))
    if row.rng.random() < p.get("grouped", 0.0):
        return " ".join(c[i:i + 4] for i in range(0, len(c), 4)), S("bank_card")
    return c, S("bank_card")


@kind("bank_name")
def k_bank_name(row: Row, p: dict):
    return row.rng.choice(D.BINS)[2] + (row.rng.choice(D.BANK_BRANCH_SUFFIX) if row.rng.random() < 0.6 else ""), S()


@kind("passport")
def k_passport(row: Row, p: dict):
    return row.get(("pp", p.get("slot", "p")), lambda: passport(row.rng)), S("cn_passport")


@kind("hkmo")
def k_hkmo(row: Row, p: dict):
    return row.get(("hk", p.get("slot", "p")), lambda: hkmo(row.rng)), S("cn_hkmo_permit")


@kind("doc")  # 证件号码 of a travel document column: mixed passport / HK-Macau permit / ID
def k_doc(row: Row, p: dict):
    t = row.get(("doctype", p.get("slot", "p")), lambda: wchoice(row.rng, list(p["mix"].items())))
    if t == "passport":
        return k_passport(row, p)
    if t == "hkmo":
        return k_hkmo(row, p)
    return k_id(row, p)


@kind("doctype")
def k_doctype(row: Row, p: dict):
    t = row.get(("doctype", p.get("slot", "p")), lambda: wchoice(row.rng, list(p["mix"].items())))
    return {"passport": "普通护照", "hkmo": "往来港澳通行证", "id": "居民身份证"}[t], S()


@kind("age")
def k_age(row: Row, p: dict):
    b = row.person(p.get("slot", "p")).birth
    return max(0, 2024 - b.year), S()


# parties: a person or an organisation
def _is_org(row: Row, p: dict) -> bool:
    return row.get(("party", p.get("slot", "p")), lambda: row.rng.random() < p.get("org", 0.5))


@kind("party_name")
def k_party_name(row: Row, p: dict):
    if _is_org(row, p):
        return row.get(("orgname", p.get("slot", "p")), lambda: company_name(row.rng, p.get("okind", "co"))), S()
    return k_name(row, p)


@kind("party_id")
def k_party_id(row: Row, p: dict):
    if _is_org(row, p):
        return k_uscc(row, p)
    if p.get("org_only"):
        return None, S()
    return k_id(row, p)


@kind("party_legal")
def k_party_legal(row: Row, p: dict):
    if _is_org(row, p):
        return k_name(row, {**p, "slot": p.get("lslot", "l")})
    return None, S()


@kind("party_type")
def k_party_type(row: Row, p: dict):
    return ("法人及其他组织" if _is_org(row, p) else "自然人"), S()


# organisations
@kind("org_name")
def k_org_name(row: Row, p: dict):
    return row.get(("orgname", p.get("slot", "o")), lambda: company_name(row.rng, p.get("okind", "co"))), S()


@kind("uscc")
def k_uscc(row: Row, p: dict):
    pair = p.get("pair")
    v = row.get(("uscc", p.get("slot", "o")), lambda: make_uscc(row.rng, pair))
    if row.rng.random() < p.get("lower", 0.0):
        v = v.lower()
    return v, S("cn_uscc")


@kind("taxno")  # 纳税人识别号: USCC for organisations, ID number for individuals
def k_taxno(row: Row, p: dict):
    if row.get(("indiv",), lambda: row.rng.random() < p.get("indiv", 0.2)):
        return k_id(row, p)
    return k_uscc(row, p)


@kind("taxpayer")
def k_taxpayer(row: Row, p: dict):
    if row.get(("indiv",), lambda: row.rng.random() < p.get("indiv", 0.2)):
        return k_name(row, p)
    return k_org_name(row, p)


@kind("gov")
def k_gov(row: Row, p: dict):
    return row.rng.choice(p.get("choices", D.GOV_BODIES)), S()


@kind("hospital")
def k_hospital(row: Row, p: dict):
    return row.rng.choice(D.HOSPITALS), S()


@kind("school")
def k_school(row: Row, p: dict):
    return row.rng.choice(p.get("choices", D.SCHOOLS)), S()


@kind("district")
def k_district(row: Row, p: dict):
    return district_only(row.rng), S()


@kind("jiguan")
def k_jiguan(row: Row, p: dict):
    c = city_pick(row.rng, 0.7)
    prov = c["prov"].replace("省", "").replace("维吾尔自治区", "").replace("自治区", "").replace("市", "")
    r = row.rng.random()
    if r < 0.5:
        return prov + (c["city"][:-1] if c["city"] else ""), S()
    if r < 0.8:
        return c["prov"] + row.rng.choice(c["districts"]), S()
    return c["prov"] + (c["city"] or ""), S()


@kind("village_name")
def k_village_name(row: Row, p: dict):
    return row.rng.choice(D.VILLAGES) + "村", S()


@kind("grid_name")
def k_grid_name(row: Row, p: dict):
    return (f"{row.rng.choice(LOCAL['districts'][:2])}{row.rng.choice(LOCAL['streets'])}"
            f"第{row.rng.choice('一二三四五六七八九十')}网格"), S()


# vehicles
def _veh(row: Row, p: dict) -> dict:
    def make():
        city = row.person(p.get("slot", "p")).home_city if row.rng.random() < 0.8 else None
        return {"plate": plate(row.rng, city), "vin": vin(row.rng), "brand": row.rng.choice(D.CAR_BRANDS)}

    return row.get(("veh", p.get("vslot", "v")), make)


@kind("plate")
def k_plate(row: Row, p: dict):
    v = _veh(row, p)["plate"]
    if row.rng.random() < p.get("dot", 0.0):
        v = v[:2] + "·" + v[2:]
    return v, S("cn_license_plate")


@kind("vin")
def k_vin(row: Row, p: dict):
    v = _veh(row, p)["vin"]
    if row.rng.random() < p.get("lower", 0.0):
        v = v.lower()
    return v, S("vin")


@kind("brand")
def k_brand(row: Row, p: dict):
    return _veh(row, p)["brand"], S()


# network, location
@kind("ip")
def k_ip(row: Row, p: dict):
    if row.rng.random() < p.get("v6", 0.0):
        return ipv6(row.rng), S("ip_address")
    return ipv4(row.rng, p.get("private", 0.5)), S("ip_address")


@kind("mac")
def k_mac(row: Row, p: dict):
    return mac(row.rng, p.get("fmt", {"colon": 1})), S("mac_address")


def _coord(row: Row, p: dict) -> tuple[float, float]:
    return row.get(("coord", p.get("cslot", "c")), lambda: coord(row.rng, LOCAL if row.rng.random() < 0.9 else None,
                                                                  p.get("spread", 0.15)))


@kind("lnglat")
def k_lnglat(row: Row, p: dict):
    lng, lat = _coord(row, p)
    sep = p.get("sep", ",")
    return f"{lng}{sep}{lat}", S("geo_coordinate")


@kind("lng")
def k_lng(row: Row, p: dict):
    v = _coord(row, p)[0]
    return (v if p.get("num") else str(v)), S("geo_coordinate")


@kind("lat")
def k_lat(row: Row, p: dict):
    v = _coord(row, p)[1]
    return (v if p.get("num") else str(v)), S("geo_coordinate")


# medical
def _icd(row: Row, p: dict):
    return row.get(("icd", p.get("mslot", "m")), lambda: row.rng.choice(D.ICD10))


@kind("icd")
def k_icd(row: Row, p: dict):
    code, _, short = _icd(row, p)
    f = pick_fmt(row.rng, p.get("fmt", "full"))
    return (short if f == "short" else code), S("medical_info")


@kind("diag")
def k_diag(row: Row, p: dict):
    return _icd(row, p)[1], S("medical_info")


@kind("dept")
def k_dept(row: Row, p: dict):
    return row.rng.choice(D.DEPARTMENTS), S()


# generic negatives
@kind("event_date")
def k_event_date(row: Row, p: dict):
    a = dt.date(*p.get("from", (2015, 1, 1)))
    b = dt.date(*p.get("to", (2025, 6, 30)))
    d = rand_date(row.rng, a, b)
    if p.get("after"):  # e.g. 出院日期 after 入院日期
        d = row.get(("evt", p["after"]), lambda: d) + dt.timedelta(days=row.rng.randint(1, 20))
    if p.get("key"):
        d = row.get(("evt", p["key"]), lambda: d)
    return fmt_date(row.rng, d, pick_fmt(row.rng, p.get("fmt", "iso"))), S()


@kind("amount")
def k_amount(row: Row, p: dict):
    lo, hi = p.get("range", (10, 5000))
    v = round(row.rng.uniform(lo, hi), p.get("dp", 2))
    if p.get("num"):
        return v, S()
    return (f"{v:.{p.get('dp', 2)}f}" + p.get("unit", "")), S()


@kind("int")
def k_int(row: Row, p: dict):
    lo, hi = p.get("range", (1, 10))
    v = row.rng.randint(lo, hi)
    return (v if p.get("num") else str(v)), S()


@kind("percent")
def k_percent(row: Row, p: dict):
    v = row.rng.choice(p.get("choices", [5, 8, 10, 12, 50, 70, 75, 80, 85, 90]))
    f = p.get("fmt", "pct")
    return (f"{v}%" if f == "pct" else f"{v / 100:.2f}"), S()


@kind("choice")
def k_choice(row: Row, p: dict):
    c = p["choices"]
    v = wchoice(row.rng, list(c.items())) if isinstance(c, dict) else row.rng.choice(c)
    return v, S()


@kind("seq")
def k_seq(row: Row, p: dict):
    row.t.counter += 1
    return (row.t.counter if p.get("num") else str(p.get("prefix", "")) + str(row.t.counter).zfill(p.get("width", 0))), S()


@kind("pattern")  # '#' digit, '@' letter, '?' digit-or-letter, {y} year, {d} date
def k_pattern(row: Row, p: dict):
    rng = row.rng
    s = p["pat"]
    s = s.replace("{y}", str(rng.randint(2015, 2025))).replace("{d}", rand_date(rng, START, END).strftime("%Y%m%d"))
    s = s.replace("{c}", rng.choice(LOCAL["id_codes"][:11]))
    out = []
    for ch in s:
        out.append(rng.choice("0123456789") if ch == "#" else rng.choice(PLATE_LETTERS) if ch == "@"
                   else rng.choice("0123456789ABCDEFGHJKLMN") if ch == "?" else ch)
    return "".join(out), S()


@kind("fail_id18")
def k_fail_id18(row: Row, p: dict):
    return fail_id18(row.rng), S()


@kind("order18")
def k_order18(row: Row, p: dict):
    d = rand_date(row.rng, START, END)
    return d.strftime("%Y%m%d") + digits(row.rng, 10), S()


@kind("fail_luhn")
def k_fail_luhn(row: Row, p: dict):
    lo, hi = p.get("len", (16, 19))
    return fail_luhn(row.rng, row.rng.randint(lo, hi), p.get("prefix", "")), S()


@kind("digits")  # plain random digit strings (not forced to fail anything)
def k_digits(row: Row, p: dict):
    lo, hi = p.get("len", (10, 10))
    return str(row.rng.randint(1, 9)) + digits(row.rng, row.rng.randint(lo, hi) - 1), S()


@kind("serial11")
def k_serial11(row: Row, p: dict):
    return "1" + row.rng.choice("012") + digits(row.rng, 9), S()


@kind("uscc_like")
def k_uscc_like(row: Row, p: dict):
    return uscc_lookalike(row.rng), S()


@kind("product")
def k_product(row: Row, p: dict):
    v = row.rng.choice("ABCDEFGHJKLMNPRSTUVWXZ") + f"{row.rng.randint(0, 99):02d}"
    if row.rng.random() < p.get("suffix", 0.3):
        v += f"-{row.rng.randint(1, 20):02d}"
    return v, S()


@kind("version")
def k_version(row: Row, p: dict):
    r = row.rng.random()
    a, b, c, d = row.rng.randint(1, 12), row.rng.randint(0, 9), row.rng.randint(0, 30), row.rng.randint(0, 250)
    if r < 0.35:
        return f"V{a}.{b}.{c}", S()
    if r < 0.5:
        return f"{a}.{b}.{c}", S()
    return f"{a}.{b}.{c}.{d}", S()


@kind("uuid")
def k_uuid(row: Row, p: dict):
    h = f"{row.rng.getrandbits(128):032x}"
    return (h if p.get("bare") else f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"), S()


@kind("username")
def k_username(row: Row, p: dict):
    r = row.rng.random()
    if r < 0.1:
        return row.rng.choice(["admin", "sysadmin", "jn_admin", "test01", "operator"]), S()
    return row.rng.choice(D.PINYIN) + row.rng.choice(D.PINYIN) + row.rng.choice(["", "01", "02", "_jn", str(row.rng.randint(1, 99))]), S()


@kind("ssc_card")  # 社会保障卡卡号: letter + 8 digits (first letter can be C/E/G; not a passport/permit)
def k_ssc_card(row: Row, p: dict):
    return row.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + digits(row.rng, 8), S()


@kind("remark")
def k_remark(row: Row, p: dict):
    return row.rng.choice(p.get("choices", REMARKS)), S()


REMARKS = ["已核实", "材料齐全", "同意办理", "待补充材料", "系统迁移数据", "按规定办理", "已电话告知", "正常", "复核通过",
           "信息有误已更正", "历史数据", "暂缓", "退回重报", "已归档", "重复登记已合并", "经办人现场核验", "按政策执行",
           "2023年度复核", "已公示无异议", "线上办理"]


# -- free text --------------------------------------------------------------------------------------


def _mob(row: Row, slot: str = "p") -> str:
    return fmt_mobile(row.rng, row.person(slot).mobile, {"plain": 8, "dash": 1, "p86": 1})


def _brief_addr(row: Row, slot: str = "p") -> str:
    city = LOCAL if row.rng.random() < 0.9 else city_pick(row.rng, 0)
    return make_address(row.rng, city, {"district": 5, "city": 2, "village": 2, "nodistrict": 1})


def _birth_cn(d: dt.date, rng: random.Random) -> str:
    return rng.choice([f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month}月"])


@kind("t_12345")
def t_12345(row: Row, p: dict):
    rng, per, T = row.rng, row.person("p"), set()
    r = rng.random()
    if r < 0.35:
        out = [rng.choice(["市民{n}来电反映：", "来电人{n}反映：", "{n}来电称："]).format(n=per.name)]
        T.add("person_name")
    elif r < 0.55:
        out = [f"市民{per.name[0]}{'先生' if per.male else '女士'}来电反映："]
    else:
        out = [rng.choice(["市民来电反映：", "来电人反映：", "来电人称：", "市民来电咨询："])]
    topic = rng.randrange(8)
    if topic < 6 and rng.random() < 0.8:
        loc = _brief_addr(row)
        T.add("address")
    else:
        loc = rng.choice([f"{rng.choice(LOCAL['districts'][:3])}某小区", f"{rng.choice(LOCAL['towns'])}一带",
                          "其居住的小区", "辖区内"])
    out.append([f"{loc}楼下烧烤摊夜间经营，油烟、噪音扰民严重，", f"{loc}附近工地夜间施工，噪音扰民，",
                f"{loc}供暖温度不达标，室温仅{rng.randint(12, 16)}度左右，", f"{loc}自来水水压低、水质发黄，",
                f"{loc}楼道内堆放杂物，存在消防安全隐患，", f"{loc}门前道路破损严重，雨天积水，",
                f"其在{company_name(rng)}工作期间被拖欠工资{rng.randint(3, 40) * 1000}元，",
                f"其在{company_name(rng, 'shop')}购买的商品存在质量问题，商家拒绝退换，"][topic])
    if rng.random() < 0.18:
        out.append(f"车牌号为{plate(rng, LOCAL)}的车辆长期占用消防通道，")
        T.add("cn_license_plate")
    out.append(rng.choice(["希望相关部门尽快处理。", "请求相关部门协调解决。", "要求尽快处理并回复。", "望尽快解决。"]))
    if rng.random() < 0.03:
        out.append(f"（来电人身份证号：{per.id18}）")
        T.add("cn_resident_id")
    r = rng.random()
    if r < 0.55:
        out.append(rng.choice(["联系电话：{m}", "来电号码{m}", "联系方式：{m}。"]).format(m=_mob(row)))
        T.add("cn_mobile")
    elif r < 0.75:
        out.append(f"联系电话：{landline(rng, LOCAL, {'dash': 3, 'plain': 1, 'local': 1})}")
        T.add("cn_landline")
    return "".join(out), T


@kind("t_12345_result")
def t_12345_result(row: Row, p: dict):
    rng, T = row.rng, set()
    out = [rng.choice([f"经{rng.choice(D.GOV_BODIES)}工作人员现场核实，反映情况属实，已责令{company_name(rng)}限期整改。",
                       f"经核实，该问题属于{rng.choice(D.GOV_BODIES)}职责范围，已转办。",
                       "已联系来电人解释相关政策，来电人表示理解。",
                       f"已于{fmt_date(rng, rand_date(rng, START, END), 'cn_short')}电话回复来电人，来电人表示满意。",
                       "经现场查看，未发现反映问题，已向来电人说明。"])]
    if rng.random() < 0.35:
        out.append(f"承办人：{row.person('staff').name}")
        T.add("person_name")
    if rng.random() < 0.3:
        out.append(f"办公电话{landline(rng, LOCAL, {'dash': 1})}。")
        T.add("cn_landline")
    return "".join(out), T


@kind("t_punish")
def t_punish(row: Row, p: dict):
    rng, T = row.rng, set()
    per = row.person("p")
    date = fmt_date(rng, rand_date(rng, START, END), "cn_short")
    if rng.random() < 0.6:
        out = [f"当事人{company_name(rng)}"]
        inner = []
        if rng.random() < 0.7:
            inner.append(f"统一社会信用代码：{make_uscc(rng, ('9', '1'))}")
            T.add("cn_uscc")
        if rng.random() < 0.5:
            inner.append(f"法定代表人：{per.name}")
            T.add("person_name")
        if rng.random() < 0.5:
            inner.append(f"住所：{_brief_addr(row)}")
            T.add("address")
        if inner:
            out.append("（" + "，".join(inner) + "）")
        out.append(rng.choice([f"于{date}在其经营场所销售超过保质期的食品，货值金额{rng.randint(50, 3000)}元。",
                               f"于{date}未按规定公示年度报告。", f"于{date}使用未经检验的特种设备。",
                               f"自{date}起未取得排污许可证排放污染物。"]))
    else:
        out = [f"当事人{per.name}"]
        T.add("person_name")
        if rng.random() < 0.8:
            out.append(f"，身份证号{per.id18}")
            T.add("cn_resident_id")
        if rng.random() < 0.7:
            out.append(f"，住{_brief_addr(row)}")
            T.add("address")
        out.append(rng.choice([f"，于{date}未取得营业执照擅自从事餐饮经营活动。",
                               f"，于{date}在城市道路两侧占道经营。", f"，于{date}驾驶无牌电动三轮车非法营运。"]))
    return "".join(out), T


@kind("t_visit")
def t_visit(row: Row, p: dict):
    rng, T = row.rng, set()
    per = row.person("p")
    out = [fmt_date(rng, rand_date(rng, dt.date(2020, 1, 1), END), "cn_short") + "，"]
    if rng.random() < 0.7:
        out.append(f"网格员{row.person('staff').name}")
        T.add("person_name")
    else:
        out.append("网格员")
    out.append("入户走访")
    if rng.random() < 0.85:
        out.append(per.name)
        T.add("person_name")
        attrs = []
        if rng.random() < 0.6:
            attrs.append(("男" if per.male else "女") if rng.random() < 0.7 else f"性别{'男' if per.male else '女'}")
            T.add("gender")
        if rng.random() < 0.45:
            attrs.append(per.eth)
            T.add("ethnicity")
        if rng.random() < 0.45:
            attrs.append(_birth_cn(per.birth, rng) + "出生")
            T.add("birth_date")
        if attrs:
            out.append("（" + "，".join(attrs) + "）")
    else:
        out.append(rng.choice(["独居老人", "困难户", "辖区居民"]))
    if rng.random() < 0.6:
        out.append(f"，家住{make_address(rng, LOCAL, {'village': 3, 'district': 2})}")
        T.add("address")
    out.append("。")
    if rng.random() < 0.35:
        out.append(f"该户{rng.choice(['本人', '老伴', '儿子', '户主'])}患有{rng.choice(D.ICD10)[1]}，长期服药。")
        T.add("medical_info")
    if rng.random() < 0.3:
        out.append(f"留存联系电话{_mob(row)}。")
        T.add("cn_mobile")
    out.append(rng.choice(["家中安全隐患已排查。", "宣传了防诈骗知识。", "子女在外务工，生活基本能自理。", "已登记需求，反馈社区。"]))
    return "".join(out), T


@kind("t_dibao")
def t_dibao(row: Row, p: dict):
    rng, T = row.rng, set()
    per = row.person("p")
    out = []
    if rng.random() < 0.85:
        out.append(f"申请人{per.name}，")
        T.add("person_name")
    else:
        out.append("申请人")
    if rng.random() < 0.6:
        out.append(f"身份证号{per.id18 if rng.random() < 0.9 else per.id18[:-1] + per.id18[-1].lower()}，")
        T.add("cn_resident_id")
    out.append(f"家庭人口{rng.randint(1, 6)}人，")
    if rng.random() < 0.55:
        who = row.person("q")
        out.append(f"{rng.choice(['配偶', '儿子', '女儿', '母亲'])}{who.name}患{rng.choice(D.ICD10)[1]}，丧失劳动能力，")
        T.update({"person_name", "medical_info"})
    if rng.random() < 0.3:
        out.append(f"家住{make_address(rng, LOCAL, {'village': 3, 'district': 1})}，")
        T.add("address")
    if rng.random() < 0.04:
        out.append(f"收款账号{bank_card(rng)}，")
        T.add("bank_card")
    out.append(f"家庭月人均收入{rng.randint(200, 900)}元，低于当地保障标准。")
    return "".join(out), T


@kind("t_admission")
def t_admission(row: Row, p: dict):
    rng, T = row.rng, set()
    per = row.person("p")
    code, name, short = _icd(row, {})
    out = []
    if rng.random() < 0.5:
        out.append(f"患者{per.name}，")
        T.add("person_name")
    else:
        out.append("患者")
    if rng.random() < 0.8:
        out.append(("男" if per.male else "女") + "，")
        T.add("gender")
    out.append(f"{max(1, 2024 - per.birth.year)}岁，因“{rng.choice(D.SYMPTOMS)}{rng.randint(1, 30)}天”入院。")
    if rng.random() < 0.95:
        out.append(f"入院诊断：{name}" + (f"（{code}）" if rng.random() < 0.5 else "") + "。")
        T.add("medical_info")
    out.append(rng.choice(["查体：神志清，精神可。", "既往体健。", "否认药物过敏史。", ""]))
    return "".join(out), T


@kind("t_xinfang")
def t_xinfang(row: Row, p: dict):
    rng, T = row.rng, set()
    per = row.person("p")
    out = []
    if rng.random() < 0.7:
        out.append(f"信访人{per.name}反映：")
        T.add("person_name")
    else:
        out.append("信访人反映：")
    if rng.random() < 0.6:
        out.append(f"其位于{_brief_addr(row)}的房屋")
        T.add("address")
    else:
        out.append("其房屋")
    out.append(rng.choice([f"被{company_name(rng)}强制拆除，补偿款至今未到位。", "因相邻工地施工出现墙体裂缝。",
                           "办理不动产登记时被告知材料不全，多次往返未果。"]))
    if rng.random() < 0.2:
        out.append(f"信访人身份证号：{per.id18}。")
        T.add("cn_resident_id")
    if rng.random() < 0.4:
        out.append(f"联系电话{_mob(row)}。")
        T.add("cn_mobile")
    out.append(rng.choice(["要求依法处理。", "请求给予答复。", ""]))
    return "".join(out), T


@kind("t_accident")
def t_accident(row: Row, p: dict):
    rng, T = row.rng, set()
    per, other = row.person("p"), row.person("q")
    date = fmt_date(rng, rand_date(rng, START, END), "cn_short")
    out = [f"{date}{rng.randint(6, 22)}时许，"]
    if rng.random() < 0.8:
        out.append(per.name)
        T.add("person_name")
    else:
        out.append("当事人")
    out.append(f"驾驶{plate(rng, LOCAL)}号{rng.choice(['小型轿车', '小型普通客车', '重型半挂牵引车', '电动自行车'])}")
    T.add("cn_license_plate")
    if rng.random() < 0.25:
        out.append(f"（车辆识别代号{vin(rng)}）")
        T.add("vin")
    if rng.random() < 0.5:
        out.append(f"行驶至{rng.choice(LOCAL['districts'][:3])}"
                   f"{rng.choice(LOCAL['roads'])}{rng.randint(1, 300)}号门前时，")
        T.add("address")
    else:
        out.append(f"行驶至{rng.choice(['G327', 'G105', 'S342', 'G3'])}{rng.choice(['国道', '线'])}"
                   f"K{rng.randint(1, 600)}+{rng.randint(0, 9) * 100}处时，")
    if rng.random() < 0.6:
        out.append(f"与{other.name}驾驶的{plate(rng)}号车辆发生碰撞，")
        T.add("person_name")
    else:
        out.append("与路侧护栏发生碰撞，")
    out.append(rng.choice(["造成两车受损的交通事故。", "造成一人受伤、车辆受损的交通事故。", "无人员伤亡。"]))
    return "".join(out), T


@kind("t_relief")
def t_relief(row: Row, p: dict):
    rng, T = row.rng, set()
    r = rng.random()
    if r < 0.6:
        T.add("medical_info")
        return rng.choice(["因患{d}住院治疗，自付费用较高，家庭生活困难", "{d}术后需长期治疗", "本人{d}，无劳动能力"]).format(
            d=rng.choice(D.ICD10)[1]), T
    return rng.choice(["因火灾导致房屋损毁", "因交通事故致家庭生活困难", "子女上学支出较大", "突发意外事件", "失业后无收入来源"]), T


@kind("t_crj")
def t_crj(row: Row, p: dict):
    rng, T = row.rng, set()
    date = fmt_date(rng, rand_date(rng, START, END), "cn_short")
    r = rng.random()
    if r < 0.4:
        T.add("cn_passport")
        return f"持护照{passport(rng)}于{date}经{rng.choice(['青岛流亭机场', '济南遥墙机场', '上海浦东机场'])}出境，前往{rng.choice(['日本', '韩国', '泰国', '澳大利亚'])}", T
    if r < 0.65:
        T.add("cn_hkmo_permit")
        return f"持往来港澳通行证{hkmo(rng)}于{date}经{rng.choice(['罗湖口岸', '拱北口岸', '港珠澳大桥口岸'])}赴{rng.choice(['香港', '澳门'])}", T
    return rng.choice(["证件遗失补办", "签注到期续签", "旅游签注", "探亲签注", "首次申领", "换发"]), T


# -- tables ------------------------------------------------------------------------------------------


class Table:
    def __init__(self, name: str, cols: list[tuple], fmt: str = "csv", enc: str = "utf-8",
                 persons: dict | None = None, rows: tuple[int, int] = (300, 1500)):
        self.name, self.cols, self.fmt, self.enc = name, cols, fmt, enc
        self.persons = persons or {"*": {}}
        self.rows = rows
        self.counter = 0


def C(header: str, kind_name: str, **params) -> tuple:
    return (header, kind_name, params)


BIRTH_MIX = {"iso": 5, "compact": 2, "slash": 1, "cn": 1}
MOB_MIX = {"plain": 7, "dash": 1, "space": 1, "p86": 1}
KID = {"born": (2015, 2024)}
STUDENT = {"born": (2006, 2018)}
ADULT = {"born": (1940, 2004)}
WORKER = {"born": (1965, 2003)}
ELDER = {"born": (1930, 1965)}
FREE = {"null": (0.0, 0.04)}

TABLES: list[Table] = [
    # 户籍
    Table("hj_czrk_jbxx", [
        C("XM", "name"), C("GMSFHM", "id", legacy=0.03), C("XB", "sex", fmt="code"), C("MZ", "eth", short=True),
        C("CSRQ", "birth", fmt="compact"), C("JG", "jiguan"), C("HJDZ", "addr", style={"full": 1}),
        C("XZZ", "addr", fresh=True, style={"district": 3, "village": 2}), C("LXDH", "mobile"),
        C("WHCD", "choice", choices=["小学", "初中", "高中", "大学本科", "大学专科", "研究生", "文盲或半文盲"]),
        C("HYZK", "choice", choices=["10", "20", "21", "22", "23", "30", "40"]), C("FWCS", "org_name"),
        C("YHZGX", "choice", choices=["户主", "配偶", "子", "女", "孙子", "母亲"]), C("DJRQ", "event_date", fmt="compact"),
        C("HH", "digits", len=(9, 9)), C("SSPCS", "gov", choices=["古槐派出所", "济阳派出所", "南苑派出所", "唐口派出所", "仙营派出所"]),
    ]),
    Table("hj_ldrk", [
        C("姓名", "name"), C("公民身份号码", "id", x_lower=0.5), C("性别", "sex"), C("民族", "eth"),
        C("出生日期", "birth", fmt="iso"), C("户籍地址", "addr", style={"full": 1}),
        C("现住址", "addr", fresh=True, style={"city": 1, "district": 2}), C("联系方式", "mobile", fmt={"dash": 2, "plain": 1}),
        C("暂住事由", "choice", choices=["务工", "经商", "就学", "投靠亲友", "其他"]), C("居住证编号", "pattern", pat="{c}{y}########"),
        C("登记日期", "event_date", fmt="iso"), C("备注", "remark"),
    ], enc="gbk", persons={"*": {"local": 0.0, "born": (1960, 2004)}}),
    Table("hj_csdj", [
        C("新生儿姓名", "name", slot="c"), C("性别", "sex", slot="c"), C("出生日期", "birth", slot="c", fmt="iso"),
        C("出生时间", "pattern", pat="##:##"), C("身份证号", "id", slot="c"), C("母亲姓名", "name", slot="m"),
        C("母亲身份证号", "id", slot="m"), C("父亲姓名", "name", slot="f"), C("父亲身份证号", "id", slot="f"),
        C("出生医学证明编号", "pattern", pat="@37########"), C("出生地点", "hospital"), C("申报日期", "event_date", fmt="datetime"),
    ], persons={"c": KID, "m": {"sex": "F", "born": (1980, 2000)}, "f": {"sex": "M", "born": (1975, 1998)}}),
    # 社保
    Table("sb_cbry", [
        C("person_no", "digits", len=(10, 10)), C("social_security_no", "id"), C("name", "name"),
        C("gender", "sex", fmt="code"), C("birth_date", "birth", fmt="sql"), C("employer", "org_name"),
        C("insurance_type", "choice", choices=["企业职工基本养老保险", "失业保险", "工伤保险", "城乡居民基本养老保险"]),
        C("pay_base", "amount", range=(3000, 20000)), C("status", "choice", choices=["0", "1", "2"]),
        C("bank_account", "bank"), C("mobile_phone", "mobile", fmt=MOB_MIX), C("reg_date", "event_date", fmt="datetime"),
        C("ssc_card_no", "ssc_card"),
    ], enc="utf-8-sig", persons={"*": WORKER}),
    Table("sb_dyff", [
        C("personId", "digits", len=(12, 12)), C("realName", "name"), C("idCardNo", "id", x_lower=0.6),
        C("bankCardNo", "bank", grouped=0.2), C("bankName", "bank_name"), C("payAmount", "amount", range=(800, 6000)),
        C("payMonth", "event_date", fmt="ym_compact"), C("issueStatus", "choice", choices=["1", "2", "9"]),
        C("batchNo", "serial11"),
    ], persons={"*": ELDER}),
    Table("ylbx_txry", [
        C("姓名", "name"), C("身份证", "id", legacy=0.06), C("性别", "sex"), C("出生", "birth", fmt="dot"),
        C("退休日期", "event_date", fmt="iso"), C("养老金", "amount", range=(1500, 8000)), C("发放银行", "bank_name"),
        C("卡号", "bank"), C("电话", "phone", landline=0.35), C("住址", "addr", style={"district": 2, "village": 1}),
    ], enc="gbk", persons={"*": ELDER}),
    Table("jy_sydj", [
        C("姓名", "name"), C("身份证号", "id"), C("性别", "sex"), C("年龄", "age"),
        C("文化程度", "choice", choices=["初中", "高中", "中专", "大专", "本科"]), C("失业登记日期", "event_date", fmt="iso"),
        C("就业困难类型", "choice", choices=["无", "大龄", "残疾", "零就业家庭", "长期失业"]), C("联系电话", "mobile"),
        C("现居住地", "addr"), C("原工作单位", "org_name"),
    ], persons={"*": WORKER}),
    # 医保
    Table("yb_jsxx", [
        C("结算流水号", "serial11"), C("姓名", "name"), C("身份证号码", "id"), C("性别", "sex", fmt="code"), C("年龄", "age"),
        C("医疗机构名称", "hospital"), C("科室", "dept"), C("入院日期", "event_date", key="in", fmt="iso"),
        C("出院日期", "event_date", after="in", fmt="iso"), C("主诊断编码", "icd"), C("主诊断名称", "diag"),
        C("总费用", "amount", range=(500, 80000)), C("统筹支付金额", "amount", range=(200, 60000)),
        C("报销比例", "percent"), C("结算日期", "event_date", fmt="datetime"),
    ]),
    Table("yb_mzjl", [
        C("jzlsh", "pattern", pat="MZ{d}######"), C("xm", "name"), C("sfzh", "id"), C("zdbm", "icd", fmt={"full": 1, "short": 1}),
        C("zdmc", "diag"), C("ksmc", "dept"), C("jzrq", "event_date", fmt="compact"), C("fyze", "amount", range=(20, 800)),
        C("ysxm", "name", slot="doc"), C("cfbh", "pattern", pat="CF##########"),
    ]),
    Table("yb_mbba", [
        C("姓名", "name"), C("身份证", "id"), C("病种", "diag"), C("备案日期", "event_date", fmt="iso"),
        C("联系电话", "phone", landline=0.25), C("定点医院", "hospital"), C("备注", "remark"),
    ], fmt="xlsx", persons={"*": ELDER}),
    Table("ws_crbbg", [
        C("患者姓名", "name"), C("性别", "sex"), C("出生日期", "birth", fmt="iso"), C("有效证件号", "id"),
        C("工作单位", "org_name"), C("联系电话", "mobile"), C("现住址", "addr"), C("疾病名称", "diag"),
        C("ICD10", "icd"), C("发病日期", "event_date", fmt="iso"), C("诊断日期", "event_date", fmt="datetime"),
        C("报告单位", "hospital"), C("报告医生", "name", slot="doc"),
    ]),
    Table("ws_basy", [  # 病案首页 exported with Excel-style column letters
        C("A1", "pattern", pat="BA######"), C("A2", "name"), C("A3", "sex"), C("A4", "birth", fmt="iso"),
        C("A5", "age"), C("A6", "eth"), C("A7", "id"), C("A8", "addr"), C("A9", "event_date", key="in", fmt="datetime"),
        C("A10", "event_date", after="in", fmt="datetime"), C("A11", "diag"), C("A12", "icd"), C("A13", "name", slot="doc"),
        C("A14", "amount", range=(1000, 90000)), C("A15", "t_admission", **FREE),
    ]),
    # 不动产
    Table("bdc_djxx", [
        C("不动产单元号", "pattern", pat="{c}###########F########"), C("权利人", "party_name", org=0.2),
        C("证件号码", "party_id", org=0.2), C("坐落", "addr", fresh=True, style={"district": 3, "city": 1}),
        C("建筑面积", "amount", range=(40, 220)), C("房屋用途", "choice", choices=["住宅", "商业", "办公", "车库"]),
        C("登记时间", "event_date", fmt="datetime"), C("不动产权证号", "pattern", pat="鲁({y})济宁市不动产权第00#####号"),
        C("共有情况", "choice", choices=["单独所有", "共同共有", "按份共有"]), C("登记机构", "gov", choices=["济宁市不动产登记中心"]),
    ], enc="utf-8-sig"),
    Table("bdc_jyxx", [
        C("买受人", "name", slot="b"), C("买受人证件号", "id", slot="b"), C("出卖人", "party_name", slot="s", org=0.3),
        C("出卖人证件号", "party_id", slot="s", org=0.3), C("房屋坐落", "addr", fresh=True), C("合同编号", "pattern", pat="JNWQ{y}######"),
        C("成交价格", "amount", range=(300000, 3000000), dp=0), C("网签日期", "event_date", fmt="iso"),
        C("联系电话", "mobile", slot="b"),
    ]),
    # 公积金
    Table("gjj_grzh", [
        C("个人账号", "digits", len=(12, 12)), C("姓名", "name"), C("证件号码", "id"), C("单位名称", "org_name"),
        C("单位统一社会信用代码", "uscc"), C("月缴存额", "amount", range=(200, 4000)),
        C("缴存比例", "percent", choices=[5, 6, 8, 10, 12]), C("开户日期", "event_date", fmt="iso"),
        C("账户状态", "choice", choices=["正常", "封存", "销户"]), C("手机号码", "mobile"), C("单位电话", "landline"),
    ], persons={"*": WORKER}),
    Table("gjj_dkxx", [
        C("loanContractNo", "pattern", pat="GJJDK{y}#####"), C("borrowerName", "name"), C("borrowerIdNo", "id"),
        C("coBorrowerName", "name", slot="q"), C("repayCardNo", "bank"), C("houseAddress", "addr", fresh=True),
        C("loanAmount", "amount", range=(100000, 1200000), dp=0), C("rate", "percent", choices=[3.1, 3.25, 2.85]),
        C("issueDate", "event_date", fmt="iso"),
    ], persons={"*": WORKER}),
    # 婚姻
    Table("hy_jhdj", [
        C("男方姓名", "name", slot="h"), C("男方身份证件号", "id", slot="h"), C("男方出生日期", "birth", slot="h", fmt="iso"),
        C("男方民族", "eth", slot="h"), C("女方姓名", "name", slot="w"), C("女方身份证件号", "id", slot="w"),
        C("女方出生日期", "birth", slot="w", fmt="iso"), C("女方民族", "eth", slot="w"), C("登记日期", "event_date", fmt="iso"),
        C("结婚证字号", "pattern", pat="J370811-{y}-00####"), C("登记机关", "gov", choices=["任城区婚姻登记处", "嘉祥县婚姻登记处"]),
        C("业务类型", "choice", choices={"结婚登记": 8, "离婚登记": 2, "补领结婚证": 1}),
    ], persons={"h": {"sex": "M", "born": (1960, 2001)}, "w": {"sex": "F", "born": (1962, 2003)}}),
    # 学籍
    Table("xj_xsxx", [
        C("学生姓名", "name"), C("性别", "sex"), C("出生日期", "birth", fmt={"slash": 3, "iso": 1}), C("民族", "eth", short=True),
        C("身份证件号", "id"), C("学籍号", "pattern", pat="{c}{y}######"), C("学校名称", "school"),
        C("年级", "choice", choices=["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三"]),
        C("班级", "pattern", pat="#班"), C("家庭住址", "addr"), C("监护人姓名", "name", slot="g"),
        C("监护人手机", "mobile", slot="g"), C("入学年月", "event_date", fmt="ym_compact"),
    ], persons={"*": STUDENT, "g": {"born": (1970, 1992)}}),
    Table("xj_jzg", [
        C("教工号", "pattern", pat="JG######"), C("姓名", "name"), C("性别", "sex"), C("出生年月", "birth", fmt="ym"),
        C("身份证号", "id"), C("学历", "choice", choices=["本科", "硕士研究生", "大专", "博士研究生"]),
        C("职称", "choice", choices=["一级教师", "二级教师", "高级教师", "正高级教师"]),
        C("任教学科", "choice", choices=["语文", "数学", "英语", "物理", "化学", "体育"]),
        C("参加工作时间", "event_date", fmt="ym"), C("联系电话", "mobile"), C("电子邮箱", "email"),
    ], persons={"*": WORKER}),
    # 民政
    Table("db_jzxx", [
        C("户主姓名", "name"), C("身份证号", "id", legacy=0.04), C("家庭人口", "int", range=(1, 6)),
        C("保障类别", "choice", choices=["A类", "B类", "C类"]), C("月保障金额", "amount", range=(200, 900)),
        C("开户银行", "bank_name"), C("银行卡号", "bank"), C("家庭住址", "addr", style={"village": 3, "district": 1}),
        C("致贫原因", "choice", choices=["因病", "因残", "缺乏劳动力", "因学", "其他"]), C("患病情况", "diag"),
        C("家庭情况说明", "t_dibao", **FREE), C("审批日期", "event_date", fmt="cn"),
    ], enc="gbk", persons={"*": ELDER, "q": ELDER}),
    Table("tk_gyxx", [
        C("XM", "name"), C("SFZH", "id"), C("XB", "sex"), C("NL", "age"), C("GYXS", "choice", choices=["集中供养", "分散供养"]),
        C("JZDZ", "addr", style={"village": 1}), C("JHRXM", "name", slot="g"), C("JHRDH", "phone", slot="g", landline=0.2),
        C("GYJG", "gov", choices=["任城区社会福利中心", "嘉祥县敬老院", "唐口街道敬老院"]),
    ], enc="gbk", persons={"*": ELDER, "g": WORKER}),
    Table("jz_lsjz", [
        C("字段1", "name"), C("字段2", "id"), C("字段3", "amount", range=(500, 5000)), C("字段4", "t_relief", **FREE),
        C("字段5", "event_date", fmt="iso"), C("字段6", "bank"), C("字段7", "addr"), C("字段8", "choice", choices=["0", "1"]),
    ], enc="gbk"),
    Table("cl_cjrxx", [
        C("姓名", "name"), C("性别", "sex"), C("民族", "eth"), C("出生日期", "birth", fmt="compact"), C("身份证号", "id"),
        C("残疾类别", "choice", choices=["视力", "听力", "言语", "肢体", "智力", "精神", "多重"]),
        C("残疾等级", "choice", choices=["一级", "二级", "三级", "四级"]), C("致残疾病", "diag"),
        C("监护人", "name", slot="g"), C("监护人电话", "mobile", slot="g"), C("住址", "addr"),
    ]),
    Table("tyjr_xx", [
        C("name", "name"), C("id_card", "id"), C("gender", "sex"), C("ethnic", "eth"), C("birthday", "birth", fmt="cn"),
        C("enlist_date", "event_date", fmt="iso", **{"from": (2000, 1, 1)}), C("discharge_date", "event_date", fmt="iso"),
        C("unit", "pattern", pat="#####部队"), C("mobile", "mobile", fmt={"plain": 3, "p86n": 1}), C("address", "addr"),
    ], persons={"*": {"born": (1955, 2002), "sex": "M"}}),
    # 出入境
    Table("crj_zjbl", [
        C("申请人姓名", "name"), C("性别", "sex"), C("出生日期", "birth", fmt="iso"), C("公民身份号码", "id"),
        C("证件类型", "doctype", mix={"passport": 6, "hkmo": 4}), C("证件号码", "doc", mix={"passport": 6, "hkmo": 4}),
        C("签发日期", "event_date", fmt="iso"), C("有效期至", "event_date", fmt="iso", **{"from": (2025, 1, 1), "to": (2035, 12, 31)}),
        C("受理单位", "gov", choices=["济宁市公安局出入境管理支队", "嘉祥县公安局出入境管理大队"]),
        C("联系电话", "mobile"), C("户籍所在地", "district"), C("备注", "t_crj", **FREE),
    ]),
    Table("crj_crjjl", [
        C("travelerName", "name"), C("idNo", "id"), C("passportNo", "passport", null=(0.3, 0.4)),
        C("hkmoPermitNo", "hkmo", null=(0.5, 0.6)), C("portName", "choice", choices=["青岛流亭机场", "济南遥墙机场", "罗湖口岸", "拱北口岸"]),
        C("direction", "choice", choices=["出境", "入境"]), C("crossTime", "event_date", fmt="iso_t"),
        C("flightNo", "pattern", pat="@@####"), C("destination", "choice", choices=["香港", "澳门", "日本", "韩国", "泰国"]),
    ], fmt="jsonl"),
    # 车驾管
    Table("cjg_jdcxx", [
        C("HPHM", "plate"), C("HPZL", "choice", choices=["01", "02", "52", "51"]), C("CLSBDH", "vin"),
        C("FDJH", "pattern", pat="@#@######"), C("CLPP", "brand"), C("SYR", "party_name", org=0.2),
        C("SFZMHM", "party_id", org=0.2), C("ZSXXDZ", "addr"), C("LXDH", "mobile"), C("CCDJRQ", "event_date", fmt="datetime"),
        C("CSYS", "choice", choices=D.CAR_COLORS),
    ]),
    Table("cjg_jszxx", [
        C("驾驶证号", "id"), C("姓名", "name"), C("性别", "sex"), C("出生日期", "birth", fmt="iso"),
        C("准驾车型", "choice", choices=["C1", "C2", "B2", "A2", "A1", "D"]), C("初次领证日期", "event_date", fmt="iso"),
        C("有效期止", "event_date", fmt="iso", **{"from": (2025, 1, 1), "to": (2035, 1, 1)}),
        C("档案编号", "digits", len=(12, 12)), C("联系地址", "addr"), C("手机号码", "mobile"),
    ], persons={"*": {"born": (1955, 2005)}}),
    Table("cjg_wfxx", [
        C("违法编号", "pattern", pat="3708##{y}########"), C("号牌号码", "plate", dot=0.05), C("号牌种类", "choice", choices=["01", "02"]),
        C("违法时间", "event_date", fmt="datetime"), C("违法地点", "pattern", pat="G327国道K###+#00"),
        C("违法行为", "choice", choices=["机动车违反禁令标志指示的", "驾驶机动车不按规定使用安全带的", "违反规定停放"]),
        C("罚款金额", "choice", choices=["50", "100", "200"]), C("记分", "choice", choices=["0", "1", "3", "6"]),
        C("当事人", "name"), C("驾驶证号", "id"), C("处理状态", "choice", choices=["0", "1"]), C("采集机关", "gov"),
    ], enc="gbk"),
    Table("cjg_sgxx", [
        C("事故编号", "fail_id18"), C("事故时间", "event_date", fmt="datetime"), C("事故经过", "t_accident", **FREE),
        C("事故类型", "choice", choices=["财产损失", "伤人", "死亡"]), C("处理民警", "name", slot="police"),
        C("警号", "digits", len=(6, 6)),
    ]),
    # 市场主体 / 税务
    Table("sczt_qyxx", [
        C("统一社会信用代码", "uscc", pair=("9", "1")), C("企业名称", "org_name"), C("法定代表人", "name"),
        C("企业类型", "choice", choices=["有限责任公司(自然人独资)", "有限责任公司(自然人投资或控股)", "股份有限公司", "个人独资企业"]),
        C("注册资本", "amount", range=(10, 5000), dp=0, unit="万元人民币"), C("成立日期", "event_date", fmt="iso", **{"from": (1995, 1, 1)}),
        C("住所", "addr", fresh=True), C("经营范围", "choice", choices=["一般项目：技术服务、技术开发；销售五金产品。", "餐饮服务；食品销售。",
                                                                       "建设工程施工；房屋建筑和市政基础设施项目工程总承包。"]),
        C("登记机关", "gov", choices=["济宁市市场监督管理局", "任城区市场监督管理局"]),
        C("登记状态", "choice", choices=["存续", "在业", "注销", "吊销"]), C("联系电话", "phone", landline=0.4),
        C("原登记证号", "uscc_like"),
    ]),
    Table("sczt_gtgsh", [
        C("统一社会信用代码", "uscc", pair=("9", "2")), C("名称", "org_name", okind="shop"), C("经营者", "name"),
        C("经营者身份证号", "id"), C("经营场所", "addr", fresh=True), C("组成形式", "choice", choices=["个人经营", "家庭经营"]),
        C("成立日期", "event_date", fmt="compact"), C("联系电话", "mobile"),
    ], enc="gbk"),
    Table("sczt_nmhzs", [
        C("统一社会信用代码", "uscc", pair=("9", "3")), C("名称", "org_name", okind="coop"), C("法定代表人", "name"),
        C("成员数", "int", range=(5, 200), num=True), C("住所", "addr", fresh=True, style={"village": 1}),
        C("成立日期", "event_date", fmt="iso"), C("业务范围", "remark", choices=["蔬菜种植、销售", "生猪养殖", "农机作业服务"]),
    ], fmt="xlsx"),
    Table("sw_nsrxx", [
        C("纳税人识别号", "taxno", indiv=0.2), C("纳税人名称", "taxpayer", indiv=0.2), C("法定代表人", "name", slot="l"),
        C("生产经营地址", "addr", fresh=True), C("登记注册类型", "choice", choices=["私营有限责任公司", "个体工商户", "其他有限责任公司"]),
        C("主管税务机关", "gov", choices=["国家税务总局济宁市任城区税务局", "国家税务总局嘉祥县税务局"]),
        C("办税人手机", "mobile", slot="b"), C("登记日期", "event_date", fmt="iso"), C("信用等级", "choice", choices=["A", "B", "M", "C"]),
    ]),
    Table("sw_sbxx", [
        C("taxpayer_id", "uscc"), C("declare_period", "event_date", fmt="ym"),
        C("tax_type", "choice", choices=["增值税", "企业所得税", "个人所得税", "印花税"]), C("tax_amount", "amount", range=(0, 200000)),
        C("declare_date", "event_date", fmt="datetime"), C("channel", "choice", choices=["电子税务局", "办税服务厅", "自助终端"]),
        C("doc_no", "order18"),
    ]),
    Table("sw_fpxx", [
        C("invoiceCode", "digits", len=(12, 12)), C("invoiceNo", "digits", len=(8, 8)), C("sellerTaxNo", "uscc", slot="s"),
        C("sellerName", "org_name", slot="s"), C("buyerTaxNo", "uscc", slot="b"), C("buyerName", "org_name", slot="b"),
        C("amount", "amount", range=(100, 100000)), C("taxRate", "percent", choices=[1, 3, 6, 9, 13]),
        C("issueDate", "event_date", fmt="iso"), C("serialNo", "fail_luhn", len=(19, 19)),
    ]),
    # 行政处罚
    Table("xzcf_ajxx", [
        C("案件编号", "pattern", pat="济任市监罚〔{y}〕###号"), C("当事人名称", "party_name", org=0.6),
        C("当事人类型", "party_type", org=0.6), C("统一社会信用代码", "party_id", org=0.6, org_only=True),
        C("法定代表人", "party_legal", org=0.6), C("违法事实", "t_punish", **FREE),
        C("处罚依据", "choice", choices=["《中华人民共和国食品安全法》第一百二十四条", "《中华人民共和国行政处罚法》第二十八条"]),
        C("处罚种类", "choice", choices=["警告", "罚款", "没收违法所得"]), C("罚款金额", "amount", range=(0, 50000), dp=0),
        C("处罚决定日期", "event_date", fmt="cn"), C("处罚机关", "gov"),
    ]),
    Table("xzcf_gs", [
        C("case_no", "fail_id18"), C("party_name", "org_name"), C("credit_code", "uscc", pair=("9", "1")),
        C("legal_person", "name"), C("punish_content", "choice", choices=["罚款人民币5000元", "警告", "没收违法所得并处罚款"]),
        C("amount", "amount", range=(0, 50000), num=True), C("decision_date", "event_date", fmt="iso"), C("authority", "gov"),
    ], fmt="jsonl"),
    # 12345
    Table("rx_gdxx", [
        C("工单编号", "pattern", pat="JN{d}####"), C("来电时间", "event_date", fmt="datetime"),
        C("来电号码", "phone", landline=0.25), C("来电人", "name"), C("诉求类型", "choice", choices=["投诉", "求助", "咨询", "建议", "举报"]),
        C("诉求内容", "t_12345", **FREE), C("所属区县", "district"), C("承办单位", "gov"),
        C("办理结果", "t_12345_result", **FREE), C("满意度", "choice", choices=["满意", "基本满意", "不满意"]),
        C("办结时间", "event_date", fmt="datetime"),
    ]),
    Table("rx_hfjl", [
        C("orderNo", "pattern", pat="JN{d}####"), C("visitTime", "event_date", fmt="datetime"), C("visitor", "name", slot="staff"),
        C("calleeName", "name"), C("calleePhone", "mobile", fmt={"plain": 5, "p86": 1}),
        C("result", "choice", choices=["满意", "基本满意", "不满意", "未接通"]), C("note", "remark"),
    ], fmt="jsonl"),
    Table("xf_xfjl", [
        C("信访件编号", "pattern", pat="XF{y}######"), C("信访人", "name"), C("身份证号", "id"), C("联系电话", "mobile"),
        C("住址", "addr"), C("信访事项", "t_xinfang", **FREE), C("信访形式", "choice", choices=["来信", "来访", "网上信访"]),
        C("登记日期", "event_date", fmt="iso"), C("责任单位", "gov"),
    ], enc="gbk"),
    # 网格化管理
    Table("wg_sjxx", [
        C("事件编号", "pattern", pat="SJ{d}#####"), C("事件类型", "choice", choices=["环境卫生", "私搭乱建", "矛盾纠纷", "安全隐患"]),
        C("上报网格员", "name", slot="staff"), C("网格名称", "grid_name"), C("事件地址", "addr", fresh=True),
        C("经度", "lng"), C("纬度", "lat"), C("上报时间", "event_date", fmt="datetime"),
        C("处置状态", "choice", choices=["0", "1", "2", "3"]),
    ]),
    Table("wg_rhzf", [
        C("走访日期", "event_date", fmt="iso"), C("网格员", "name", slot="staff"), C("走访对象", "name"),
        C("联系电话", "mobile"), C("走访记录", "t_visit", **FREE), C("所属社区", "choice", choices=LOCAL["communities"]),
    ], persons={"*": ELDER, "staff": WORKER}),
    Table("wg_tsrq", [
        C("F001", "name"), C("F002", "id"), C("F003", "sex"), C("F004", "birth", fmt="iso"), C("F005", "addr"),
        C("F006", "mobile"), C("F007", "choice", choices=["社区矫正人员", "刑满释放人员", "吸毒人员", "严重精神障碍患者"]),
        C("F008", "event_date", fmt="datetime"), C("F009", "choice", choices=["1", "2", "3"]), C("F010", "remark"),
    ], enc="gbk"),
    # 疫苗、核酸
    Table("ym_jzjl", [
        C("受种者姓名", "name"), C("受种者编码", "fail_id18"), C("性别", "sex"), C("出生日期", "birth", fmt="iso"),
        C("监护人姓名", "name", slot="g"), C("监护人电话", "mobile", slot="g"),
        C("疫苗名称", "choice", choices=D.VACCINES), C("疫苗批号", "pattern", pat="{y}##@###"),
        C("剂次", "choice", choices=["1", "2", "3", "4"]), C("接种日期", "event_date", fmt="iso"),
        C("接种单位", "hospital"), C("接种部位", "choice", choices=["左上臂", "右上臂", "口服", "左大腿"]),
    ], persons={"*": KID, "g": {"born": (1975, 1998)}}),
    Table("ym_xgjz", [
        C("name", "name"), C("id_no", "id"), C("phone", "mobile", fmt=MOB_MIX), C("vaccine_name", "choice", choices=D.COVID_VACCINES),
        C("manufacturer", "choice", choices=D.VACCINE_MAKERS), C("dose", "choice", choices=["第一剂", "第二剂", "加强针"]),
        C("vaccinate_time", "event_date", fmt="datetime", **{"from": (2021, 1, 1), "to": (2022, 12, 31)}),
        C("site", "hospital"), C("remark", "remark", choices=["无不良反应", "留观30分钟", "", "正常"]),
    ]),
    Table("hs_cyjl", [
        C("姓名", "name"), C("证件类型", "doctype", mix={"id": 95, "passport": 4, "hkmo": 1}),
        C("证件号码", "doc", mix={"id": 95, "passport": 4, "hkmo": 1}), C("手机号", "mobile"),
        C("采样时间", "event_date", fmt="datetime", **{"from": (2022, 1, 1), "to": (2022, 12, 31)}),
        C("采样点", "pattern", pat="任城区第##采样点"), C("试管编码", "fail_luhn", len=(16, 16), prefix="37"),
        C("检测结果", "choice", choices={"阴性": 99, "待复核": 1}), C("检测机构", "hospital"),
    ], enc="gbk"),
    Table("hs_ryxx", [
        C("realName", "name"), C("idCard", "id"), C("phone", "mobile", fmt={"p86": 3, "plain": 1}), C("gender", "sex"),
        C("age", "age"), C("community", "choice", choices=LOCAL["communities"]), C("address", "addr"),
        C("createTime", "event_date", fmt="datetime_ms"),
    ]),
    # 水电气
    Table("sdq_sfjl", [
        C("户号", "digits", len=(10, 10)), C("户名", "party_name", org=0.12), C("用水地址", "addr", fresh=True),
        C("表号", "pattern", pat="WM########"), C("上期读数", "int", range=(0, 3000)), C("本期读数", "int", range=(0, 3000)),
        C("用水量", "int", range=(0, 60)), C("应缴金额", "amount", range=(5, 300)), C("缴费日期", "event_date", fmt="compact"),
        C("缴费方式", "choice", choices=["微信", "支付宝", "银行代扣", "营业厅"]), C("联系电话", "phone", landline=0.3),
    ]),
    Table("sdq_dfjl", [
        C("用户编号", "digits", len=(10, 10)), C("用户名称", "party_name", org=0.12), C("用电地址", "addr", fresh=True),
        C("电能表号", "digits", len=(22, 22)), C("缴费金额", "amount", range=(20, 500), num=True),
        C("缴费日期", "event_date", fmt="datetime"), C("缴费渠道", "choice", choices=["网上国网", "微信", "支付宝", "柜台"]),
        C("交易流水号", "fail_luhn", len=(19, 19), prefix="2"),
    ], fmt="xlsx"),
    Table("sdq_rqkh", [
        C("hh", "digits", len=(8, 8)), C("hm", "name"), C("sfzh", "id", x_lower=0.8), C("lxdh", "phone", landline=0.2),
        C("dz", "addr", fresh=True), C("khrq", "event_date", fmt="compact"), C("bjh", "pattern", pat="GM#########"),
        C("qlx", "choice", choices=["天然气", "液化石油气"]),
    ], enc="gbk"),
    # 网络、设备、位置
    Table("wz_fwrz", [
        C("id", "uuid"), C("client_ip", "ip", v6=0.25, private=0.2),
        C("user_agent", "choice", choices=["Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X)",
                                           "okhttp/4.9.3"]),
        C("url", "choice", choices=["/zwgk/index.html", "/bsfw/list.jsp", "/api/v1/query", "/hdjl/xxgk.html"]),
        C("status_code", "choice", choices={"200": 9, "404": 1, "302": 1}), C("visit_time", "event_date", fmt="datetime"),
        C("session_id", "uuid", bare=True), C("app_version", "version"),
    ]),
    Table("xt_dlrz", [
        C("userAccount", "username"), C("operatorName", "name", slot="staff"), C("loginIp", "ip", private=0.9),
        C("macAddr", "mac", fmt={"dash": 1}), C("loginTime", "event_date", fmt="datetime"), C("clientVersion", "version"),
        C("result", "choice", choices=["成功", "密码错误", "账号锁定"]),
    ]),
    Table("zd_sbtz", [
        C("col_1", "pattern", pat="JNZC-{y}-####"), C("col_2", "ip", private=1.0), C("col_3", "mac", fmt={"colon": 2, "colon_lower": 1, "cisco": 1, "bare": 1}),
        C("col_4", "name", slot="staff"), C("col_5", "gov"), C("col_6", "event_date", fmt="iso"), C("col_7", "amount", range=(2000, 30000)),
        C("col_8", "choice", choices=["台式机", "笔记本", "打印机", "交换机"]),
    ]),
    Table("sp_jkdw", [
        C("设备编码", "pattern", pat="3708##00001320######"), C("点位名称", "pattern", pat="任城区-路口-###"),
        C("安装地址", "addr", fresh=True, style={"district": 1}), C("经度", "lng"), C("纬度", "lat"), C("IP地址", "ip", private=1.0),
        C("MAC地址", "mac", fmt={"dash": 1, "colon": 1}), C("建设单位", "gov"), C("启用日期", "event_date", fmt="iso"),
        C("在线状态", "choice", choices=["0", "1"]),
    ]),
    Table("wy_ddjl", [
        C("orderId", "order18"), C("driverName", "name"), C("driverPhone", "mobile"), C("plateNo", "plate"),
        C("startLngLat", "lnglat", cslot="a"), C("endLngLat", "lnglat", cslot="b"), C("startTime", "event_date", fmt="datetime"),
        C("fare", "amount", range=(8, 120), num=True),
    ], fmt="jsonl"),
    Table("gj_dwjl", [
        C("device_id", "pattern", pat="8622########"), C("person_name", "name"), C("location", "lnglat", sep=", ", spread=0.05),
        C("report_time", "event_date", fmt="datetime"), C("speed", "amount", range=(0, 60), dp=1), C("accuracy", "int", range=(5, 50)),
    ]),
    # 花名册、工会、人才
    Table("ldbz_hmc", [
        C("序号", "seq", num=True), C("姓名", "name"), C("性别", "sex"), C("民族", "eth"), C("出生年月", "birth", fmt="ym_dot"),
        C("身份证号码", "id"), C("学历", "choice", choices=["本科", "大专", "硕士", "高中"]), C("工作单位", "org_name"),
        C("职务", "choice", choices=["科员", "科长", "副科长", "主任", "职员"]), C("手机", "mobile", num=True), C("备注", "remark"),
    ], fmt="xlsx", persons={"*": WORKER}),
    Table("gh_hyxx", [
        C("会员姓名", "name"), C("性别", "sex", fmt="zh2"), C("出生日期", "birth", fmt="sql"), C("身份证号", "id"),
        C("民族", "eth"), C("工作单位", "org_name"), C("入会时间", "event_date", fmt="iso"), C("手机号码", "mobile"),
        C("电子邮箱", "email"),
    ], fmt="xlsx", persons={"*": WORKER}),
    Table("rc_yjxx", [
        C("name", "name"), C("gender", "sex", fmt="code", num=True), C("birth_date", "birth", fmt="iso"), C("id_number", "id"),
        C("passport_no", "passport", null=(0.4, 0.5)), C("email", "email"), C("phone", "mobile", fmt={"p86": 1, "plain": 2}),
        C("degree", "choice", choices=["博士", "硕士"]), C("graduate_school", "school", choices=D.UNIVERSITIES),
        C("employer", "org_name"),
    ], fmt="jsonl", persons={"*": {"born": (1975, 1998)}}),
    # 住房、农村
    Table("zf_zlbt", [
        C("applicantName", "name"), C("idCardNo", "id"), C("familySize", "int", range=(1, 5)),
        C("houseAddress", "addr", fresh=True), C("landlordName", "name", slot="l"), C("landlordPhone", "mobile", slot="l"),
        C("rent", "amount", range=(500, 3000), dp=0), C("bankCardNo", "bank"), C("applyDate", "event_date", fmt="iso"),
    ]),
    Table("nc_tdcb", [
        C("承包方代表", "name"), C("身份证号", "id", legacy=0.05), C("承包地块编码", "fail_luhn", len=(19, 19), prefix="3708"),
        C("地块名称", "choice", choices=["东北洼", "南大地", "西岭", "后河滩", "老坟地"]), C("面积亩", "amount", range=(0.3, 8), dp=2),
        C("承包合同编号", "pattern", pat="{c}####J#####"), C("所在村", "village_name"), C("联系电话", "mobile"),
        C("邮政编码", "choice", choices=["272000", "272100", "272400", "273100"]),
    ], enc="gbk", persons={"*": ELDER}),
    # legacy export with fully obfuscated headers
    Table("t_export_0312", [
        C("c01", "seq", width=6), C("c02", "name"), C("c03", "birth", fmt="compact"), C("c04", "id"), C("c05", "eth"),
        C("c06", "sex"), C("c07", "phone", landline=0.3), C("c08", "addr"), C("c09", "event_date", fmt="compact"),
        C("c10", "amount", range=(0, 2000)), C("c11", "choice", choices=["0", "1", "2"]), C("c12", "product"),
    ]),
    Table("wz_yhzc", [
        C("yhm", "username"), C("zsxm", "name"), C("sjh", "mobile", fmt={"plain": 1}), C("yx", "email"), C("zcip", "ip", v6=0.15, private=0.1),
        C("zcsj", "event_date", fmt="datetime"), C("rzzt", "choice", choices=["0", "1"]), C("zjhm", "id"),
    ]),
    Table("wz_wzcp", [
        C("物资编码", "product"), C("物资名称", "choice", choices=["医用口罩", "防护服", "消毒液", "帐篷", "应急灯"]),
        C("规格型号", "pattern", pat="@@-##"), C("数量", "int", range=(1, 5000)), C("单价", "amount", range=(1, 500)),
        C("入库日期", "event_date", fmt="iso"), C("供应商", "org_name"), C("完成率", "percent", choices=[20, 50, 75, 100]),
    ]),
]


# -- generation ---------------------------------------------------------------------------------------


def is_null(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() in ("", "NULL", "null", "无", "-", "/", "不详"))


def gbk_safe(s: str) -> str:
    try:
        s.encode("gbk")
        return s
    except UnicodeEncodeError:
        out = []
        for ch in s:
            try:
                ch.encode("gbk")
                out.append(ch)
            except UnicodeEncodeError:
                out.append("·" if ch in "•‧∙" else "")
        return "".join(out)


DIGIT_KINDS = {"id", "mobile", "phone", "bank", "landline", "party_id", "taxno", "doc"}


def generate_table(t: Table, seed: int) -> tuple[list[str], list[list[Any]], dict]:
    rng = random.Random(f"{seed}:{t.name}")
    n = rng.randint(*t.rows)
    # per-column dirt settings
    setups = []
    for header, kname, params in t.cols:
        lo, hi = params.get("null", (0.03, 0.15))
        setups.append({
            "null": rng.uniform(lo, hi),
            "tokens": rng.sample(NULL_TOKENS, rng.randint(1, 3)) if t.fmt == "csv" else [None, ""],
            "pad": params.get("pad", 0.02 if not kname.startswith("t_") else 0.0),
            "fw": params.get("fw", 0.008 if kname in DIGIT_KINDS else 0.0),
        })
    headers = [c[0] for c in t.cols]
    assert len(set(headers)) == len(headers), t.name
    data: list[list[Any]] = []
    counts = [dict() for _ in t.cols]
    nonnull = [0] * len(t.cols)
    for _ in range(n):
        row = Row(t, rng)
        out = []
        for j, (header, kname, params) in enumerate(t.cols):
            value, types = K[kname](row, params)
            st = setups[j]
            if value is None or rng.random() < st["null"]:
                tok = rng.choice(st["tokens"])
                out.append(tok)
                continue
            if isinstance(value, str):
                if st["fw"] and rng.random() < st["fw"]:
                    value = value.translate(FW)
                if rng.random() < st["pad"]:
                    value = rng.choice([" ", "  ", "\t"]) + value if rng.random() < 0.4 else value + rng.choice([" ", "  "])
                if t.enc == "gbk":
                    value = gbk_safe(value)
            out.append(value)
            if is_null(value):
                continue
            nonnull[j] += 1
            for ty in types:
                counts[j][ty] = counts[j].get(ty, 0) + 1
        data.append(out)
    columns, kinds, shares = {}, {}, {}
    for j, (header, kname, params) in enumerate(t.cols):
        sh = {ty: round(c / nonnull[j], 4) for ty, c in sorted(counts[j].items())} if nonnull[j] else {}
        columns[header] = sorted(ty for ty, s in sh.items() if s >= THRESHOLD)
        kinds[header] = ("text:" if kname.startswith("t_") else "") + kname
        if sh:
            shares[header] = sh
    return headers, data, {"rows": n, "columns": columns, "kinds": kinds, "shares": shares}


def _zip_fix_times(path: Path) -> None:
    """Rewrite an .xlsx with fixed entry times and core properties so the same seed gives the same bytes."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in items:
            if name == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", blob)
            zout.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)


def write_table(path: Path, t: Table, headers: list[str], data: list[list[Any]]) -> None:
    if t.fmt == "csv":
        with open(path, "w", encoding=t.enc, newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            for r in data:
                w.writerow(["" if v is None else v for v in r])
    elif t.fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as fh:
            for r in data:
                fh.write(json.dumps({h: (None if v == "" else v) for h, v in zip(headers, r, strict=False)}, ensure_ascii=False) + "\n")
    elif t.fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(headers)
        for r in data:
            ws.append([None if v == "" else v for v in r])
        fixed = dt.datetime(2024, 1, 1)
        wb.properties.created = wb.properties.modified = fixed
        wb.save(path)
        _zip_fix_times(path)
    else:
        raise ValueError(t.fmt)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    t0 = time.time()
    tdir = args.out / "tables"
    tdir.mkdir(parents=True, exist_ok=True)
    for old in tdir.iterdir():
        if old.is_file():
            old.unlink()
    truth: dict[str, Any] = {"meta": {"generator": "bench/corpus_alt.py", "seed": args.seed, "threshold": THRESHOLD,
                                      "note": "independent corpus; truth = types in >= 10% of non-null values"},
                             "tables": {}}  # fmt: skip
    for t in TABLES:
        headers, data, info = generate_table(t, args.seed)
        ext = {"csv": ".csv", "jsonl": ".jsonl", "xlsx": ".xlsx"}[t.fmt]
        write_table(tdir / (t.name + ext), t, headers, data)
        truth["tables"][t.name] = {"file": f"tables/{t.name}{ext}", "rows": info["rows"],
                                   "encoding": t.enc if t.fmt == "csv" else t.fmt, **{k: info[k] for k in ("columns", "kinds", "shares")}}  # fmt: skip
    (args.out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    ncols = sum(len(v["columns"]) for v in truth["tables"].values())
    npos = sum(1 for v in truth["tables"].values() for c in v["columns"].values() if c)
    print(f"wrote {len(TABLES)} tables, {ncols} columns ({npos} sensitive) to {args.out} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
