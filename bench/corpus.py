"""Generate the benchmark corpus: government-like tables with column truth, and free text with spans.

    python bench/corpus.py --out DIR --seed 7 --rows 2000 [--big-mb 300] [--text-lines 2000]

Layout of DIR:

    tables/*.csv         the tables (mostly UTF-8; a few UTF-8 with BOM and GBK, as exported in practice)
    truth.json           {"meta": {...}, "tables": {name: {"file", "rows", "encoding", "columns":
                         {column: [type ids]}, "kinds": {column: generator kind}}}}
    text.jsonl           {"id": i, "text": "..."} one free-text record per line
    text_truth.jsonl     {"id": i, "spans": [{"type", "start", "end", "text"}]} (code points, end exclusive)
    big/big_mixed.csv    with --big-mb: one large CSV of mixed columns for throughput

Column truth: the set of vocabulary types the column really holds (empty for hard negatives). A
free-text column's truth lists every type embedded in at least 10% of its non-null rows (types are
embedded either in about half of the rows or never, so no type sits near the threshold).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shuan.demo.fake import NEGATIVE_KINDS, TYPE_IDS, Fake, Person, format_birth
from shuan.demo.text import TextFaker

VERSION = 1
SHARE_THRESHOLD = 0.10
STYLES = ("zh", "py", "en", "obf")
OBF_FORMATS = ("c{:02d}", "f{}", "col_{}", "F{:03d}", "field{}")


class Row:
    """Per-row context: one consistent person, created lazily."""

    def __init__(self, fake: Fake) -> None:
        self.f = fake
        self._person: Person | None = None

    @property
    def p(self) -> Person:
        if self._person is None:
            self._person = self.f.person()
        return self._person


@dataclass(frozen=True)
class Kind:
    """A column kind: its truth, header candidates per style and value generator."""

    key: str
    truth: frozenset[str]
    zh: tuple[str, ...]
    py: tuple[str, ...]
    en: tuple[str, ...]
    gen: Callable[[Row, dict[str, int]], str]
    obfuscatable: bool = True
    negative: bool = False
    text: tuple[str, ...] = ()  # free text: the embedded types

    def header(self, style: str, nth: int) -> str:
        """The nth use of this kind in this style takes the nth header option (so all of them occur)."""
        options = {"zh": self.zh, "py": self.py, "en": self.en}[style]
        return options[nth % len(options)]


def _k(
    key: str,
    truth: str | None,
    zh: str,
    py: str,
    en: str,
    gen: Callable[[Row, dict[str, int]], str],
    **kw: object,
) -> Kind:
    return Kind(
        key,
        frozenset({truth}) if truth else frozenset(),
        tuple(zh.split()),
        tuple(py.split()),
        tuple(en.split()),
        gen,
        **kw,  # type: ignore[arg-type]
    )


def _gender(r: Row, st: dict[str, int]) -> str:
    if r.f.chance(0.01):
        return "未知"
    return r.p.gender + ("性" if st["gender"] == 1 else "")


def _lon(r: Row, st: dict[str, int]) -> str:
    return f"{r.f.lon_lat()[0]:.6f}"


def _lat(r: Row, st: dict[str, int]) -> str:
    return f"{r.f.lon_lat()[1]:.6f}"


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        # -- positives ------------------------------------------------------------------------------
        _k("name", "person_name", "姓名 申请人姓名 户主姓名 当事人", "XM SQRXM HZXM DSR", "name full_name applicant_name",
           lambda r, st: r.p.name),
        _k("name2", "person_name", "联系人 监护人姓名 经办人 法定代表人 承办人", "LXR JHRXM JBR FDDBR CBR",
           "contact_name guardian legal_rep handler", lambda r, st: r.f.person_name()),
        _k("id", "cn_resident_id", "公民身份号码 身份证号 证件号码 身份证号码", "SFZH ZJHM GMSFHM",
           "id_no id_card idcard_no id_number", lambda r, st: r.p.resident_id),
        _k("mobile", "cn_mobile", "联系电话 手机号码 手机 移动电话", "LXDH SJHM SJ", "mobile phone contact_phone",
           lambda r, st: r.f.mobile() if st["fmt"] else r.p.mobile),
        _k("mobile2", "cn_mobile", "监护人电话 联系人手机 紧急联系电话", "JHRDH LXRSJ JJLXDH",
           "guardian_phone contact_mobile emergency_phone", lambda r, st: r.f.mobile(formatted=False)),
        _k("landline", "cn_landline", "固定电话 办公电话 座机 单位电话", "GDDH BGDH DWDH", "tel landline office_tel",
           lambda r, st: r.f.landline()),
        _k("email", "email", "电子邮箱 邮箱 电子邮件", "DZYX YX", "email mail e_mail", lambda r, st: r.f.email()),
        _k("bank_card", "bank_card", "银行卡号 银行账号 社保卡银行账号 收款账号", "YHKH YHZH SKZH",
           "bank_card card_no account_no", lambda r, st: r.f.bank_card()),
        _k("passport", "cn_passport", "护照号码 护照号", "HZHM HZH", "passport_no passport",
           lambda r, st: r.f.passport()),
        _k("hkmo", "cn_hkmo_permit", "往来港澳通行证号码 港澳通行证号", "GATXZHM GATXZ", "hkmo_permit_no hk_macau_permit",
           lambda r, st: r.f.hkmo_permit()),
        _k("plate", "cn_license_plate", "号牌号码 车牌号 车牌号码", "CPHM HPHM CPH", "plate_no license_plate car_plate",
           lambda r, st: r.f.license_plate()),
        _k("vin", "vin", "车辆识别代号 车架号 VIN码", "CJH CLSBDH", "vin vin_code frame_no", lambda r, st: r.f.vin()),
        _k("address", "address", "户籍地址 住址 现住址 联系地址 住所 经营场所", "ZZ DZ HJDZ XZZ JZDZ",
           "addr address home_address reg_address", lambda r, st: r.p.address),
        _k("village", "address", "家庭住址 居住地址", "JTZZ JZDZ", "home_addr residence",
           lambda r, st: r.f.address(style=3)),
        _k("ip", "ip_address", "IP地址 登录IP 访问IP", "IPDZ DLIP", "ip client_ip ip_addr src_ip",
           lambda r, st: r.f.ip_address()),
        _k("mac", "mac_address", "MAC地址 设备MAC 物理地址", "MACDZ SBMAC", "mac mac_addr device_mac",
           lambda r, st: r.f.mac_address(style=st["mac"])),
        _k("geo", "geo_coordinate", "经纬度 位置坐标 定位", "JWD ZB DWZB", "location lnglat coordinates",
           lambda r, st: r.f.geo_coordinate()),
        _k("lon", "geo_coordinate", "经度", "JD", "lng longitude lon", _lon, obfuscatable=False),
        _k("lat", "geo_coordinate", "纬度", "WD", "lat latitude", _lat, obfuscatable=False),
        _k("birth", "birth_date", "出生日期 出生年月日 生日", "CSRQ CSNY", "birth_date birthday dob date_of_birth",
           lambda r, st: format_birth(r.p.birth, st["birth"])),
        _k("gender", "gender", "性别", "XB", "gender sex", _gender),
        _k("ethnicity", "ethnicity", "民族", "MZ", "ethnicity nation ethnic_group", lambda r, st: r.p.ethnicity),
        _k("icd", "medical_info", "诊断编码 疾病编码 ICD编码 主要诊断编码", "ZDBM JBBM", "diag_code icd10 icd_code",
           lambda r, st: r.f.medical_code()),
        _k("diagnosis", "medical_info", "诊断名称 疾病名称 主要诊断 出院诊断", "ZDMC JBMC", "diagnosis disease diag_name",
           lambda r, st: r.f.medical_name()),
        _k("uscc", "cn_uscc", "统一社会信用代码 信用代码 社会信用代码", "TYSHXYDM XYDM", "uscc credit_code social_credit_code",
           lambda r, st: r.f.uscc()),
        # -- hard negatives -------------------------------------------------------------------------
        _k("bad_id", None, "业务流水号 凭证号 档案编号", "LSH PZH DABH", "serial_no voucher_no txn_id",
           lambda r, st: r.f.bad_resident_id(), negative=True),
        _k("non_luhn", None, "订单号 交易流水号 设备序列号 票据号码", "DDH JYLSH XLH", "order_no trade_no serial_number",
           lambda r, st: r.f.non_luhn_number(), negative=True),
        _k("uscc_like", None, "备案编号 登记证号 许可证编号", "BABH DJZH XKZBH", "record_no license_no permit_code",
           lambda r, st: r.f.uscc_lookalike(), negative=True),
        _k("non_mobile", None, "受理号 工单号 快递单号", "SLH GDH KDDH", "ticket_no case_no tracking_no",
           lambda r, st: r.f.non_mobile_11(), negative=True),
        _k("district", None, "所属区县 行政区划 所在地区 辖区", "SSQX XZQH SZDQ", "district region county",
           lambda r, st: r.f.district_name(), negative=True),
        _k("company", None, "企业名称 单位名称 经营者名称", "QYMC DWMC JYZMC", "company org_name enterprise_name",
           lambda r, st: r.f.company_name(), negative=True),
        _k("event_dt", None, "登记时间 办结时间 创建时间 受理时间", "DJSJ BJSJ CJSJ SLSJ", "create_time updated_at finish_time",
           lambda r, st: r.f.event_datetime(), negative=True),
        _k("event_date", None, "登记日期 成立日期 参保日期 发证日期", "DJRQ CLRQ CBRQ FZRQ", "reg_date issue_date est_date",
           lambda r, st: r.f.event_date(), negative=True, obfuscatable=False),
        _k("product", None, "产品编码 合同编号 项目编号 案件编号", "CPBM HTBH XMBH AJBH", "product_code contract_no case_id",
           lambda r, st: r.f.product_code(), negative=True),
        _k("money", None, "金额 缴费基数 医疗总费用 注册资本", "JE JFJS YLZFY ZCZB", "amount fee total_cost",
           lambda r, st: r.f.money(), negative=True),
        _k("remark", None, "备注 办理意见 处理结果", "BZ BLYJ CLJG", "remark note comment",
           lambda r, st: r.f.remark(), negative=True),
        _k("status", None, "状态 参保状态 办理状态", "ZT CBZT BLZT", "status state",
           lambda r, st: r.f.rng.choice(("正常", "暂停", "注销", "已办结", "待审核")), negative=True),
        _k("year", None, "年份 统计年度", "NF TJND", "year stat_year",
           lambda r, st: str(r.f.rng.randrange(2015, 2025)), negative=True, obfuscatable=False),
        _k("count", None, "人口数 户数 从业人员数", "RKS HS CYRYS", "population households employees",
           lambda r, st: str(int(r.f.rng.lognormvariate(9, 1.5))), negative=True, obfuscatable=False),
    ]
}  # fmt: skip

TEXT_SETS: dict[str, tuple[str, ...]] = {
    "S1": ("person_name", "cn_mobile", "address"),
    "S2": ("person_name", "cn_resident_id", "cn_mobile"),
    "S3": ("person_name", "gender", "ethnicity", "birth_date", "cn_resident_id", "address"),
    "S4": ("cn_license_plate", "vin", "cn_mobile"),
    "S5": ("bank_card", "person_name", "medical_info"),
    "S6": ("email", "ip_address", "mac_address"),
    "S7": ("cn_uscc", "cn_landline", "person_name"),
    "S8": ("cn_passport", "cn_hkmo_permit", "person_name"),
    "S9": ("geo_coordinate", "address"),
}
for _set, _types in TEXT_SETS.items():
    KINDS[f"text_{_set}"] = Kind(
        f"text_{_set}",
        frozenset(),  # computed from the rows actually generated
        ("诉求内容", "案情简介", "走访记录", "情况说明"),
        ("SQNR", "AQJJ", "ZFJL", "QKSM"),
        ("content", "description", "case_note", "details"),
        lambda r, st: "",
        text=_types,
    )

# (table stem, column kinds)
TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hj_rkxx", ("name", "id", "gender", "ethnicity", "birth", "address", "mobile", "event_dt")),
    ("sb_cbry", ("name", "id", "bank_card", "mobile", "address", "event_date", "money", "status")),
    ("yb_jsxx", ("name", "id", "icd", "diagnosis", "money", "bank_card", "non_luhn")),
    ("scjg_qydj", ("uscc", "company", "name2", "address", "money", "event_date", "landline", "district")),
    ("scjg_ba", ("uscc_like", "company", "district", "landline", "event_dt", "remark")),
    ("jt_cl", ("plate", "vin", "name", "mobile", "id", "product")),
    ("rx_gd", ("non_mobile", "event_dt", "name", "mobile", "text_S1", "district")),
    ("crj_zj", ("name", "id", "passport", "hkmo", "gender", "birth", "event_date")),
    ("wl_rz", ("ip", "mac", "email", "event_dt", "geo", "product")),
    ("gj_sb", ("name", "mobile", "lon", "lat", "event_dt", "address")),
    ("jy_dd", ("non_luhn", "bad_id", "money", "non_mobile", "company", "remark")),
    ("tj_hz", ("district", "year", "money", "count")),
    ("jy_xj", ("name", "id", "birth", "gender", "ethnicity", "name2", "mobile2", "village")),
    ("ws_mz", ("name", "gender", "icd", "diagnosis", "name2", "event_dt", "landline", "text_S5")),
    ("gf_aj", ("product", "text_S3", "name2", "event_date", "district")),
    ("bdc_dj", ("name", "id", "address", "email", "bank_card", "text_S2", "money")),
    ("jt_wf", ("plate", "vin", "text_S4", "event_dt", "money", "district")),
    ("qy_ll", ("company", "uscc", "name2", "landline", "email", "text_S7")),
    ("crj_bz", ("name", "passport", "hkmo", "mobile", "text_S8")),
    ("wz_sb", ("geo", "address", "text_S9", "event_dt")),
    ("sb_rz", ("ip", "mac", "text_S6", "product", "bad_id", "uscc_like")),
)


@dataclass
class TableOut:
    name: str
    header: list[str]
    rows: list[list[str]]
    truth: dict[str, list[str]]
    kinds: dict[str, str]
    encoding: str
    style: str
    shares: dict[str, dict[str, float]] = field(default_factory=dict)


def _unique(header: list[str], h: str) -> str:
    out, n = h, 2
    while out in header:
        out = f"{h}{n}" if not h[-1].isdigit() else f"{h}_{n}"
        n += 1
    return out


def make_table(
    seed: int,
    index: int,
    stem: str,
    kinds: tuple[str, ...],
    style: str,
    n_rows: int,
    header_uses: Counter[tuple[str, str]] | None = None,
) -> TableOut:
    f = Fake(f"{seed}-table-{index}")
    texts = TextFaker(f)
    cols = [KINDS[k] for k in kinds]
    f.rng.shuffle(cols)
    obf = f.rng.choice(OBF_FORMATS)
    uses = header_uses if header_uses is not None else Counter()
    header: list[str] = []
    for i, k in enumerate(cols, start=1):
        if style == "obf" and k.obfuscatable:
            h = obf.format(i)
        else:
            hs = "py" if style == "obf" else style
            h = k.header(hs, uses[(k.key, hs)])
            uses[(k.key, hs)] += 1
        header.append(_unique(header, h))
    # per-column constant style (one format per column, as in real tables)
    col_state = [
        {
            "gender": f.rng.randrange(2),
            "birth": f.rng.randrange(5),
            "fmt": int(f.chance(0.3)),
            "mac": f.rng.randrange(4),
        }
        for _ in cols
    ]
    dirty_rate = [f.rng.uniform(0.05, 0.10) if f.chance(0.7) else 0.0 for _ in cols]
    text_hits: list[Counter[str]] = [Counter() for _ in cols]
    non_null = [0] * len(cols)
    rows: list[list[str]] = []
    for _ in range(n_rows):
        ctx = Row(f)
        row: list[str] = []
        for j, k in enumerate(cols):
            if k.text:
                if f.chance(dirty_rate[j]):
                    row.append(f.rng.choice(("", "无", "-", "NULL")))
                    continue
                include = [t for t in k.text if f.chance(0.5)]
                text, spans = texts.compose(include)
                non_null[j] += 1
                text_hits[j].update({s.type for s in spans})
                row.append(text)
                continue
            value = k.gen(ctx, col_state[j])
            if f.chance(dirty_rate[j]):
                value = f.dirty(value)
            row.append(value)
        rows.append(row)
    truth: dict[str, list[str]] = {}
    shares: dict[str, dict[str, float]] = {}
    for j, (h, k) in enumerate(zip(header, cols, strict=True)):
        if k.text:
            share = {t: text_hits[j][t] / max(non_null[j], 1) for t in sorted(text_hits[j])}
            shares[h] = {t: round(v, 4) for t, v in share.items()}
            truth[h] = sorted(t for t, v in share.items() if v >= SHARE_THRESHOLD)
        else:
            truth[h] = sorted(k.truth)
    r = f.rng.random()
    encoding = "utf-8" if r < 0.88 else "utf-8-sig" if r < 0.94 else "gbk"
    return TableOut(
        name=f"t{index:03d}_{stem}",
        header=header,
        rows=rows,
        truth=truth,
        kinds={h: k.key for h, k in zip(header, cols, strict=True)},
        encoding=encoding,
        style=style,
        shares=shares,
    )


def _encode(table: TableOut) -> tuple[bytes, str]:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    w.writerows(table.rows)
    text = buf.getvalue()
    try:
        return text.encode(table.encoding), table.encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


def generate_tables(out: Path, seed: int, rows: int) -> dict[str, object]:
    tables_dir = out / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    for old in tables_dir.glob("*.csv"):
        old.unlink()
    plan = Fake(f"{seed}-plan")
    truth_tables: dict[str, object] = {}
    header_uses: Counter[tuple[str, str]] = Counter()
    index = 0
    for stem, kinds in TEMPLATES:
        for style in STYLES:
            index += 1
            n = max(min(50, rows), int(rows * plan.rng.choice((0.1, 0.5, 1.0, 1.0, 1.0))))
            t = make_table(seed, index, stem, kinds, style, n, header_uses)
            data, encoding = _encode(t)
            path = tables_dir / f"{t.name}.csv"
            path.write_bytes(data)
            entry: dict[str, object] = {
                "file": f"tables/{path.name}",
                "rows": len(t.rows),
                "encoding": encoding,
                "header_style": t.style,
                "columns": t.truth,
                "kinds": t.kinds,
            }
            if t.shares:
                entry["text_shares"] = t.shares
            truth_tables[t.name] = entry
    return truth_tables


def generate_text(out: Path, seed: int, lines: int) -> dict[str, int]:
    texts = TextFaker(Fake(f"{seed}-text"))
    counts: Counter[str] = Counter()
    with (
        (out / "text.jsonl").open("w", encoding="utf-8") as ft,
        (out / "text_truth.jsonl").open("w", encoding="utf-8") as fs,
    ):
        for i in range(lines):
            text, spans = texts.random_record()
            if any(c in text for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
                raise AssertionError("a text record contains a line break")
            counts.update(s.type for s in spans)
            ft.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
            fs.write(
                json.dumps({"id": i, "spans": [s.as_dict(text) for s in spans]}, ensure_ascii=False) + "\n"
            )
    return dict(sorted(counts.items()))


# -- the big CSV (throughput) ---------------------------------------------------------------------

BIG_HEADER = [
    "姓名", "身份证号", "性别", "出生日期", "手机号码", "固定电话", "住址", "银行卡号", "电子邮箱", "IP地址",
    "MAC地址", "经纬度", "车牌号", "车辆识别代号", "护照号码", "登记时间", "金额", "订单号", "备注",
]  # fmt: skip
BIG_TRUTH = [
    ["person_name"], ["cn_resident_id"], ["gender"], ["birth_date"], ["cn_mobile"], ["cn_landline"], ["address"],
    ["bank_card"], ["email"], ["ip_address"], ["mac_address"], ["geo_coordinate"], ["cn_license_plate"], ["vin"],
    ["cn_passport"], [], [], [], [],
]  # fmt: skip
BIG_CHUNK_ROWS = 20_000


def _big_chunk(args: tuple[int, int]) -> bytes:
    seed, chunk = args
    f = Fake(f"{seed}-big-{chunk}")
    texts = TextFaker(f)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    for _ in range(BIG_CHUNK_ROWS):
        p = f.person()
        note = texts.compose(("person_name", "cn_mobile"))[0] if f.chance(0.05) else f.remark()
        w.writerow([p.name, p.resident_id, p.gender, p.birth.isoformat(), p.mobile, f.landline(style=0), p.address,
                    f.bank_card(), f.email(), f.ip_address(), f.mac_address(style=0), f.geo_coordinate(),
                    f.license_plate(), f.vin(), f.passport() if f.chance(0.2) else "", f.event_datetime(), f.money(),
                    f.non_luhn_number(), note])  # fmt: skip
    return buf.getvalue().encode("utf-8")


def generate_big(out: Path, seed: int, mb: int) -> dict[str, object]:
    big_dir = out / "big"
    big_dir.mkdir(parents=True, exist_ok=True)
    path = big_dir / "big_mixed.csv"
    meta_path = big_dir / "meta.json"
    want = {"version": VERSION, "seed": seed, "mb": mb}
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if {k: meta.get(k) for k in want} == want:
            print(f"big CSV already there: {path} ({path.stat().st_size / 1e6:.0f} MB)")
            return dict(meta)
    target = mb * 1024 * 1024
    written = 0
    rows = 0
    tmp = path.with_suffix(".csv.part")
    with tmp.open("wb") as fh:
        fh.write((",".join(BIG_HEADER) + "\n").encode("utf-8"))
        chunk = 0
        with multiprocessing.Pool(processes=max(1, min(4, multiprocessing.cpu_count()))) as pool:
            while written < target:
                batch = [(seed, chunk + i) for i in range(8)]
                for data in pool.imap(_big_chunk, batch):
                    if written >= target:
                        break
                    fh.write(data)
                    written += len(data)
                    rows += BIG_CHUNK_ROWS
                chunk += len(batch)
                print(f"  big CSV: {written / 1e6:.0f} MB", end="\r", file=sys.stderr)
    tmp.replace(path)
    print(file=sys.stderr)
    meta = {**want, "file": "big/big_mixed.csv", "bytes": path.stat().st_size, "rows": rows,
            "columns": dict(zip(BIG_HEADER, BIG_TRUTH, strict=True))}  # fmt: skip
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def coverage(truth_tables: dict[str, object]) -> tuple[Counter[str], Counter[str]]:
    """Columns per type and per negative kind across the corpus."""
    per_type: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    for entry in truth_tables.values():
        assert isinstance(entry, dict)
        for col, types in entry["columns"].items():
            per_type.update(types)
            kind = KINDS[entry["kinds"][col]]
            if kind.negative:
                per_kind[kind.key] += 1
    return per_type, per_kind


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rows", type=int, default=2000, help="rows of the largest tables")
    ap.add_argument("--text-lines", type=int, default=2000)
    ap.add_argument("--big-mb", type=int, default=0, help="also write a big CSV of about N MB")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    tables = generate_tables(out, args.seed, args.rows)
    text_counts = generate_text(out, args.seed, args.text_lines)
    per_type, per_kind = coverage(tables)
    missing = [t for t in TYPE_IDS if per_type[t] < 6]
    if missing:
        raise SystemExit(f"corpus covers these types with fewer than 6 columns: {missing}")
    truth = {
        "meta": {
            "version": VERSION,
            "seed": args.seed,
            "rows": args.rows,
            "text_lines": args.text_lines,
            "share_threshold": SHARE_THRESHOLD,
            "generator": "shuan.demo.fake + bench/corpus.py",
            "negative_kinds": list(NEGATIVE_KINDS),
            "columns_per_type": dict(sorted(per_type.items())),
            "columns_per_negative_kind": dict(sorted(per_kind.items())),
            "text_spans_per_type": text_counts,
        },
        "tables": tables,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_cols = sum(len(e["columns"]) for e in tables.values() if isinstance(e, dict))
    print(f"corpus: {len(tables)} tables, {n_cols} columns, {args.text_lines} text lines -> {out}")
    print("columns per type: " + ", ".join(f"{t}={per_type[t]}" for t in TYPE_IDS))
    if args.big_mb:
        meta = generate_big(out, args.seed, args.big_mb)
        print(f"big CSV: {out / 'big' / 'big_mixed.csv'} ({int(str(meta['bytes'])) / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
