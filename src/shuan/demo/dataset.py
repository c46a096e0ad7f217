"""The bundled demo data set: a few departments' tables of the fictional city 泗河市.

The city and its districts are fictional, but they carry real administrative codes (those of 济宁市,
3708xx, including the abolished 370802 and 370882) so that generated ID numbers pass GB 11643
validation. Everything is generated from a fixed seed: two runs write the same values.

Files written by `write_demo` (the whole set is well under 3 MB):

========================  ===========  ==========================================================
file                      department   content
========================  ===========  ==========================================================
hj_rkxx.csv               公安局       户籍人口 (UTF-8)
scjg_qydj.xlsx            市场监管局   企业登记
yb_jsxx.parquet           医保局       医保结算 (pinyin headers hzxm, sfzh; 120k rows → 三级)
rx_gd.jsonl               12345热线    工单 with free-text 诉求内容
jt_cl.csv                 交通运输局   车辆 (**GBK** encoded)
tj_hz.csv                 统计局       aggregate statistics only (expected 一级)
sihe_zwsj.db              社保局/政务  SQLite: sb_cbry (obfuscated c01..c08), bs_sxbl, sxml
========================  ===========  ==========================================================

`DEMO_EXPECTED` gives, for every table and column, the vocabulary types it really holds (SQLite tables
by bare table name; `demo_expected` also accepts the ``sihe_zwsj.sb_cbry`` form of scan output).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from shuan.demo.fake import County, Fake, Person
from shuan.demo.text import TextFaker

SEED = 20240601
CITY = "泗河市"
YB_PATIENTS = 3_000
YB_ROWS = 120_000  # above the 100,000-row threshold of jining-2020's sensitive_identity_combination rule
PROVINCE = "山东省"

#: fictional districts of 泗河市 with real (济宁市) county codes; two of them abolished
SIHE_COUNTIES: tuple[County, ...] = (
    County("370811", PROVINCE, CITY, "古槐区"),
    County("370812", PROVINCE, CITY, "洸河区"),
    County("370826", PROVINCE, CITY, "微湖县"),
    County("370827", PROVINCE, CITY, "鹤滩县"),
    County("370828", PROVINCE, CITY, "金禾县"),
    County("370829", PROVINCE, CITY, "嘉平县"),
    County("370830", PROVINCE, CITY, "汶阳县"),
    County("370831", PROVINCE, CITY, "泉林县"),
    County("370832", PROVINCE, CITY, "水泊县"),
    County("370881", PROVINCE, CITY, "尼山市"),
    County("370883", PROVINCE, CITY, "峄阳市"),
    County("370802", PROVINCE, CITY, "老城区", abolished=True),
    County("370882", PROVINCE, CITY, "兖城市", abolished=True),
)

FILES: tuple[str, ...] = (
    "hj_rkxx.csv",
    "scjg_qydj.xlsx",
    "yb_jsxx.parquet",
    "rx_gd.jsonl",
    "jt_cl.csv",
    "tj_hz.csv",
    "sihe_zwsj.db",
)

_NONE: frozenset[str] = frozenset()

#: table -> column -> the vocabulary types the column really holds (empty: none)
DEMO_EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    "hj_rkxx": {
        "姓名": frozenset({"person_name"}),
        "公民身份号码": frozenset({"cn_resident_id"}),
        "性别": frozenset({"gender"}),
        "民族": frozenset({"ethnicity"}),
        "出生日期": frozenset({"birth_date"}),
        "户籍地址": frozenset({"address"}),
        "联系电话": frozenset({"cn_mobile"}),
        "登记日期": _NONE,
    },
    "scjg_qydj": {
        "统一社会信用代码": frozenset({"cn_uscc"}),
        "企业名称": _NONE,
        "法定代表人": frozenset({"person_name"}),
        "住所": frozenset({"address"}),
        "注册资本": _NONE,
        "成立日期": _NONE,
    },
    "yb_jsxx": {
        "hzxm": frozenset({"person_name"}),
        "sfzh": frozenset({"cn_resident_id"}),
        "诊断编码": frozenset({"medical_info"}),
        "诊断名称": frozenset({"medical_info"}),
        "医疗总费用": _NONE,
        "银行卡号": frozenset({"bank_card"}),
        "结算时间": _NONE,
    },
    "rx_gd": {
        "工单编号": _NONE,
        "来电时间": _NONE,
        "来电人": frozenset({"person_name"}),
        "来电号码": frozenset({"cn_mobile"}),
        "诉求内容": frozenset({"person_name", "cn_mobile", "address", "cn_resident_id"}),
    },
    "jt_cl": {
        "号牌号码": frozenset({"cn_license_plate"}),
        "车辆识别代号": frozenset({"vin"}),
        "车主": frozenset({"person_name"}),
        "联系电话": frozenset({"cn_mobile"}),
    },
    "tj_hz": {
        "区县名称": _NONE,
        "年份": _NONE,
        "GDP（亿元）": _NONE,
        "人口数（万人）": _NONE,
    },
    "sb_cbry": {
        "c01": frozenset({"person_name"}),
        "c02": frozenset({"cn_resident_id"}),
        "c03": frozenset({"cn_mobile"}),
        "c04": frozenset({"bank_card"}),
        "c05": frozenset({"address"}),
        "c06": _NONE,
        "c07": _NONE,
        "c08": _NONE,
    },
    "bs_sxbl": {
        "申请人": frozenset({"person_name"}),
        "证件号码": frozenset({"cn_resident_id"}),
        "事项名称": _NONE,
        "办件时间": _NONE,
        "IP地址": frozenset({"ip_address"}),
        "MAC地址": frozenset({"mac_address"}),
    },
    "sxml": {
        "事项编码": _NONE,
        "事项名称": _NONE,
        "实施主体": _NONE,
        "办理时限": _NONE,
    },
}


def demo_expected(table: str) -> dict[str, frozenset[str]]:
    """Expected types of a demo table, by its name in scan output: a file stem (``hj_rkxx``) or a
    SQLite table with or without the database prefix (``sihe_zwsj.sb_cbry`` or ``sb_cbry``)."""
    return DEMO_EXPECTED[table.rsplit(".", 1)[-1]]


#: tables that hold no personal data at all and must be graded at the lowest level (一级)
DEMO_LOWEST_LEVEL: frozenset[str] = frozenset({"tj_hz", "sxml"})

_MATTERS: tuple[str, ...] = (
    "居民身份证换领", "户口迁移登记", "城乡居民养老保险参保登记", "医疗费用报销", "营业执照设立登记",
    "机动车登记", "不动产登记", "公租房申请", "低保申请", "残疾人证办理", "出生医学证明补发", "个体工商户变更登记",
    "建设工程规划许可", "道路运输经营许可", "社会保障卡申领", "住房公积金提取", "医师执业注册", "食品经营许可",
    "排水许可", "高龄津贴发放",
)  # fmt: skip

_GOV_BODIES: tuple[str, ...] = (
    "泗河市公安局", "泗河市市场监督管理局", "泗河市医疗保障局", "泗河市人力资源和社会保障局", "泗河市交通运输局",
    "泗河市住房和城乡建设局", "泗河市民政局", "泗河市卫生健康委员会", "泗河市行政审批服务局",
)  # fmt: skip


def _writer(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file in the same directory, then rename (no half-written files)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


class _Demo:
    def __init__(self, seed: int) -> None:
        self.f = Fake(seed, counties=SIHE_COUNTIES)
        self.outside = Fake(seed + 1)  # people registered elsewhere

    def person(self) -> Person:
        if self.f.chance(0.1):
            p = self.outside.person()
            # lives in 泗河市 now
            return Person(
                p.name, p.resident_id, p.gender, p.birth, p.ethnicity, p.mobile, self.f.address(), p.county
            )
        return self.f.person()

    def maybe_blank(self, value: str, p: float = 0.02) -> str:
        return self.f.dirty(value) if self.f.chance(p) else value

    # -- tables ------------------------------------------------------------------------------------
    def hj_rkxx(self) -> tuple[list[str], list[list[object]]]:
        header = list(DEMO_EXPECTED["hj_rkxx"])
        rows: list[list[object]] = []
        for _ in range(400):
            p = self.person()
            rows.append(
                [
                    p.name,
                    p.resident_id,
                    p.gender,
                    p.ethnicity,
                    p.birth.isoformat(),
                    self.f.address(style=0),
                    self.maybe_blank(p.mobile, 0.03),
                    self.f.event_datetime(),
                ]
            )
        return header, rows

    def scjg_qydj(self) -> tuple[list[str], list[list[object]]]:
        header = list(DEMO_EXPECTED["scjg_qydj"])
        rows: list[list[object]] = []
        for _ in range(300):
            c = self.f.county()
            name = f"{CITY}{c.name}{self.f.rng.choice(('顺达', '鑫源', '恒泰', '华盛', '宏达', '金鼎', '瑞丰', '嘉禾'))}"
            name += self.f.rng.choice(
                ("商贸", "建筑工程", "餐饮管理", "物流", "电子科技", "农业发展", "食品")
            )
            name += self.f.rng.choice(("有限公司", "有限责任公司", "股份有限公司"))
            capital = self.f.rng.choice((10, 50, 100, 200, 300, 500, 1000, 2000, 5000))
            rows.append(
                [
                    self.f.uscc(county=c, kind="93" if "农业" in name else "91"),
                    name,
                    self.f.person_name(),
                    self.f.address(county=c, style=self.f.rng.choice((0, 1, 2))),
                    f"{capital}万元人民币",
                    self.f.event_date(start=date(1995, 1, 1), end=date(2024, 12, 31)),
                ]
            )
        return header, rows

    def yb_jsxx(self) -> pa.Table:
        """医保结算: YB_ROWS settlements of YB_PATIENTS insured people (each patient settles many times),
        large enough that the scale rule for name + ID + diagnosis + bank card lifts it to 三级."""
        names, ids, codes, dx_names, cards = [], [], [], [], []
        for _ in range(YB_PATIENTS):
            p = self.person()
            code, dx = self.f.diagnosis()
            names.append(p.name)
            ids.append(p.resident_id)
            codes.append(code)
            dx_names.append(dx)
            cards.append(self.f.bank_card())
        rng = np.random.default_rng(self.f.rng.randrange(2**32))
        who = rng.integers(0, YB_PATIENTS, YB_ROWS)
        start = int(datetime(2023, 1, 1).timestamp())
        return pa.table(
            {
                "hzxm": pa.array(names, pa.string()).take(who),
                "sfzh": pa.array(ids, pa.string()).take(who),
                "诊断编码": pa.array(codes, pa.string()).take(who),
                "诊断名称": pa.array(dx_names, pa.string()).take(who),
                "医疗总费用": pa.array(np.round(rng.lognormal(7.5, 1.0, YB_ROWS), 2), pa.float64()),
                "银行卡号": pa.array(cards, pa.string()).take(who),
                "结算时间": pa.array(start + rng.integers(0, 900 * 86400, YB_ROWS), pa.timestamp("s")),
            }
        )

    def _moment(self) -> datetime:
        d = date(2023, 1, 1).toordinal() + self.f.rng.randrange(900)
        day = date.fromordinal(d)
        return datetime(day.year, day.month, day.day, self.f.rng.randrange(8, 18), self.f.rng.randrange(60))

    def rx_gd(self) -> list[dict[str, str]]:
        texts = TextFaker(self.f)
        records: list[dict[str, str]] = []
        for i in range(300):
            p = self.person()
            include = [t for t, w in (("person_name", 0.6), ("cn_mobile", 0.45), ("address", 0.7),
                                      ("cn_resident_id", 0.3)) if self.f.chance(w)]  # fmt: skip
            text, _ = texts.compose(include, genre="hotline")
            moment = self._moment()
            records.append(
                {
                    "工单编号": f"SH{moment:%Y%m%d}{i + 1:05d}",
                    "来电时间": moment.strftime("%Y-%m-%d %H:%M:%S"),
                    "来电人": p.name,
                    "来电号码": p.mobile,
                    "诉求内容": text,
                }
            )
        return records

    def jt_cl(self) -> tuple[list[str], list[list[object]]]:
        header = list(DEMO_EXPECTED["jt_cl"])
        rows: list[list[object]] = []
        for _ in range(200):
            p = self.person()
            plate = self.f.license_plate(province="鲁")
            plate = plate[0] + "H" + plate[2:] if self.f.chance(0.8) else plate
            rows.append([plate, self.f.vin(), p.name, self.maybe_blank(p.mobile)])
        return header, rows

    def tj_hz(self) -> tuple[list[str], list[list[object]]]:
        header = list(DEMO_EXPECTED["tj_hz"])
        rows: list[list[object]] = []
        for c in SIHE_COUNTIES:
            if c.abolished:
                continue
            gdp = self.f.rng.uniform(180, 900)
            pop = self.f.rng.uniform(35, 130)
            for year in range(2019, 2025):
                gdp *= self.f.rng.uniform(1.02, 1.08)
                pop *= self.f.rng.uniform(0.995, 1.005)
                rows.append([c.name, year, f"{gdp:.2f}", f"{pop:.2f}"])
        return header, rows

    def sqlite(self, path: Path) -> None:
        con = sqlite3.connect(path)
        try:
            con.execute(
                "CREATE TABLE sb_cbry (c01 TEXT, c02 TEXT, c03 TEXT, c04 TEXT, c05 TEXT, c06 TEXT, c07 REAL, c08 TEXT)"
            )
            status = ("正常参保", "正常参保", "正常参保", "暂停缴费", "终止参保")
            sb = []
            for _ in range(300):
                p = self.person()
                sb.append(
                    (
                        p.name,
                        p.resident_id,
                        self.maybe_blank(p.mobile),
                        self.f.bank_card(),
                        p.address,
                        self.f.event_date(start=date(2005, 1, 1), end=date(2024, 12, 31)),
                        float(self.f.rng.randrange(3500, 25000)),
                        self.f.rng.choice(status),
                    )
                )
            con.executemany("INSERT INTO sb_cbry VALUES (?, ?, ?, ?, ?, ?, ?, ?)", sb)
            con.execute(
                'CREATE TABLE bs_sxbl ("申请人" TEXT, "证件号码" TEXT, "事项名称" TEXT, "办件时间" TEXT, '
                '"IP地址" TEXT, "MAC地址" TEXT)'
            )
            bs = []
            for _ in range(300):
                p = self.person()
                bs.append(
                    (
                        p.name,
                        p.resident_id,
                        self.f.rng.choice(_MATTERS),
                        self.f.event_datetime(),
                        self.f.ip_address(),
                        self.f.mac_address(),
                    )
                )
            con.executemany("INSERT INTO bs_sxbl VALUES (?, ?, ?, ?, ?, ?)", bs)
            con.execute(
                'CREATE TABLE sxml ("事项编码" TEXT, "事项名称" TEXT, "实施主体" TEXT, "办理时限" INTEGER)'
            )
            sx = [
                (
                    f"37080000{i + 1:04d}",
                    m,
                    self.f.rng.choice(_GOV_BODIES),
                    self.f.rng.choice((1, 3, 5, 7, 15, 20)),
                )
                for i, m in enumerate(_MATTERS)
            ]
            con.executemany("INSERT INTO sxml VALUES (?, ?, ?, ?)", sx)
            con.commit()
        finally:
            con.close()


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties(
        {"title": "企业登记", "author": "泗河市市场监督管理局", "created": datetime(2024, 6, 1)}
    )
    ws = wb.add_worksheet("企业登记")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, row)
    ws.set_column(0, len(header) - 1, 22)
    wb.close()


def write_demo(dest: Path, *, seed: int = SEED) -> list[Path]:
    """Write the demo data set into `dest` (created if needed) and return the paths written."""
    dest.mkdir(parents=True, exist_ok=True)
    demo = _Demo(seed)
    out: list[Path] = []

    header, rows = demo.hj_rkxx()
    out.append(_writer(dest / "hj_rkxx.csv", lambda p: p.write_bytes(_csv_bytes(header, rows, "utf-8"))))

    qy_header, qy_rows = demo.scjg_qydj()
    out.append(_writer(dest / "scjg_qydj.xlsx", lambda p: _write_xlsx(p, qy_header, qy_rows)))

    yb = demo.yb_jsxx()
    out.append(_writer(dest / "yb_jsxx.parquet", lambda p: pq.write_table(yb, p, compression="zstd")))

    gd = demo.rx_gd()
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gd).encode("utf-8")
    out.append(_writer(dest / "rx_gd.jsonl", lambda p: p.write_bytes(jsonl)))

    cl_header, cl_rows = demo.jt_cl()
    out.append(_writer(dest / "jt_cl.csv", lambda p: p.write_bytes(_csv_bytes(cl_header, cl_rows, "gbk"))))

    tj_header, tj_rows = demo.tj_hz()
    out.append(_writer(dest / "tj_hz.csv", lambda p: p.write_bytes(_csv_bytes(tj_header, tj_rows, "utf-8"))))

    out.append(_writer(dest / "sihe_zwsj.db", demo.sqlite))
    return out


def ensure_demo(dest: Path) -> Path:
    """Write the demo data set into `dest` unless every file is already there; return `dest`."""
    if not all((dest / name).is_file() for name in FILES):
        write_demo(dest)
    return dest


__all__ = [
    "DEMO_EXPECTED",
    "DEMO_LOWEST_LEVEL",
    "demo_expected",
    "FILES",
    "SIHE_COUNTIES",
    "ensure_demo",
    "write_demo",
]
