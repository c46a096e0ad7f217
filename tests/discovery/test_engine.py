"""Column classification: positives by content and by header, hard negatives, free text, evidence."""

from __future__ import annotations

import random

import polars as pl
import pytest

from shuan.discovery.engine import classify_frame, mask_example
from shuan.discovery.registry import Registry
from tests.discovery.test_validators import ref_id_check, ref_luhn_complete, ref_uscc_complete


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.default()


RNG = random.Random(42)


def ids(n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = RNG.choice(["370811", "370881", "110105", "360102", "440305"]) + (
            f"{RNG.randint(1950, 2005)}{RNG.randint(1, 12):02d}{RNG.randint(1, 28):02d}{RNG.randint(0, 999):03d}")
        out.append(body + ref_id_check(body))
    return out


def cards(n: int) -> list[str]:
    return [ref_luhn_complete(RNG.choice(["622202", "621700", "622848"]) + "".join(RNG.choices("0123456789", k=12)))
            for _ in range(n)]


def usccs(n: int) -> list[str]:
    return [ref_uscc_complete("91370800" + "".join(RNG.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=8)))
            for _ in range(n)]


def mobiles(n: int) -> list[str]:
    return [RNG.choice(["138", "139", "150", "186", "177", "199"]) + "".join(RNG.choices("0123456789", k=8))
            for _ in range(n)]


NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵丽", "黄磊", "周杰", "吴秀英", "徐明", "孙浩", "马超",
         "朱婷", "胡斌", "郭晓燕", "何勇", "高建国", "林雪", "罗敏", "欧阳娜娜", "司马明", "艾力·买买提"]
ADDRESSES = ["山东省济宁市任城区古槐路12号3单元501室", "济宁市兖州区建设路88号", "任城区红星中路5号院2号楼1单元302室",
             "江西省南昌市东湖区八一大道356号", "曲阜市小雪街道武家村3组45号", "北京市朝阳区建国路93号万达广场8号楼1201室",
             "泗水县泉林镇卞桥村128号", "济宁高新区崇文大道6号", "嘉祥县纸坊镇前进街17号", "邹城市太平东路1599号"]
DISTRICTS = ["任城区", "兖州区", "曲阜市", "泗水县", "微山县", "鱼台县", "金乡县", "嘉祥县", "汶上县", "梁山县", "邹城市"]
COMPANIES = ["济宁市任城区华宇商贸有限公司", "山东鲁信科技股份有限公司", "济宁市市场监督管理局", "泗水县泉林镇人民政府",
             "曲阜三孔旅游服务有限公司", "邹城市兴达建材有限责任公司"]


def column(values: list[str], n: int = 120) -> list[str | None]:
    out: list[str | None] = [values[i % len(values)] for i in range(n)]
    for i in range(0, n, 17):
        out[i] = None
    return out


POSITIVES = [
    ("公民身份号码", lambda: ids(120), "cn_resident_id"),
    ("c01", lambda: ids(120), "cn_resident_id"),
    ("SFZH", lambda: ids(120), "cn_resident_id"),
    ("银行卡号", lambda: cards(120), "bank_card"),
    ("f2", lambda: cards(120), "bank_card"),
    ("tyshxydm", lambda: usccs(120), "cn_uscc"),
    ("col_3", lambda: usccs(120), "cn_uscc"),
    ("LXDH", lambda: mobiles(120), "cn_mobile"),
    ("c4", lambda: [f"+86 {m[:3]} {m[3:7]} {m[7:]}" for m in mobiles(120)], "cn_mobile"),
    ("办公电话", lambda: column(["0537-2345678", "0531-86543210", "(010)62345678", "0791-8654321"]), "cn_landline"),
    ("email", lambda: column(["zhangwei@163.com", "li.na@qq.com", "w_fang@sihe.gov.cn", "a1@example.org"]), "email"),
    ("姓名", lambda: column(NAMES), "person_name"),
    ("c07", lambda: column(NAMES), "person_name"),
    ("XM", lambda: column(NAMES), "person_name"),
    ("法定代表人", lambda: column(NAMES), "person_name"),
    ("户籍地址", lambda: column(ADDRESSES), "address"),
    ("c9", lambda: column(ADDRESSES), "address"),
    ("护照号码", lambda: column(["E12345678", "EA1234567", "G87654321", "E98765432"]), "cn_passport"),
    ("往来港澳通行证", lambda: column(["C12345678", "C87654321", "CA1234567"]), "cn_hkmo_permit"),
    ("号牌号码", lambda: column(["鲁H12345", "京A·D12345", "赣B5K3T2", "鲁HF12345", "粤B12345D"]), "cn_license_plate"),
    ("车架号", lambda: column(["1M8GDM9AXKP042788"]), "vin"),
    ("登录IP", lambda: column(["192.168.1.10", "10.2.3.4", "221.0.12.7", "2001:db8::1"]), "ip_address"),
    ("c11", lambda: column(["00:1A:2B:3C:4D:5E", "a4-5e-60-c1-22-90", "3c:22:fb:01:02:aa"]), "mac_address"),
    ("经纬度", lambda: column(["116.397128,39.916527", "116.587245,35.415393", "115.858198,28.682892"]), "geo_coordinate"),
    ("经度", lambda: column(["116.397128", "116.587245", "115.858198"]), "geo_coordinate"),
    ("出生日期", lambda: column(["1985-03-12", "1990-11-02", "1978-01-30", "2001-07-15"]), "birth_date"),
    ("CSRQ", lambda: column(["19850312", "19901102", "19780130", "20010715"]), "birth_date"),
    ("性别", lambda: column(["男", "女"]), "gender"),
    ("c12", lambda: column(["男", "女", "男性", "女性"]), "gender"),
    ("XB", lambda: column(["1", "2", "1", "2", "9"]), "gender"),
    ("民族", lambda: column(["汉族", "回族", "汉族", "蒙古族", "满族"]), "ethnicity"),
    ("c13", lambda: column(["汉族", "回族", "汉族", "壮族", "满族", "苗族"]), "ethnicity"),
    ("诊断编码", lambda: column(["J18.900", "E11.900", "I10.x00x002", "K29.700"]), "medical_info"),
    ("诊断名称", lambda: column(["2型糖尿病", "高血压", "肺炎", "慢性胃炎", "脑梗死"]), "medical_info"),
    ("执法人员", lambda: column(["吴鹏、梁萍", "南宫涛、苏芳", "李娜、王伟"]), "person_name"),
    ("出生时间", lambda: column(["2022-03-03 05:27", "2021-11-12 23:01"]), "birth_date"),
    ("出生年月", lambda: column(["1982-01", "1993.07", "198509"]), "birth_date"),
    ("AAC004", lambda: column(["1", "2"]), "gender"),
    ("AAC005", lambda: column(["01", "03", "01", "05"]), "ethnicity"),
    ("残疾人证号", lambda: [i + "11" for i in ids(120)], "cn_resident_id"),
    ("全国学籍号", lambda: ["G" + i for i in ids(120)], "cn_resident_id"),
    ("联系电话", lambda: column(["0537-2345678", "13812345678", "0531-86543210", "13912345678"]), "cn_landline"),
    ("证件号码", lambda: ids(90) + usccs(30), "cn_uscc"),
    ("location", lambda: column(["116.55072, 35.37758", "116.594021, 35.37852"]), "geo_coordinate"),
]


@pytest.mark.parametrize(("header", "make", "type_id"), POSITIVES, ids=[f"{p[2]}:{p[0]}" for p in POSITIVES])
def test_positive_columns(registry: Registry, header: str, make, type_id: str) -> None:  # type: ignore[no-untyped-def]
    [col] = classify_frame(pl.DataFrame({header: make()}, schema={header: pl.Utf8}), registry)
    assert type_id in [t.type for t in col.types], col
    hit = next(t for t in col.types if t.type == type_id)
    assert 0 < hit.score <= 1 and 0 < hit.ratio <= 1 and hit.evidence


def bad_ids(n: int) -> list[str]:
    out = []
    for body in [i[:17] for i in ids(n)]:
        good = ref_id_check(body)
        out.append(body + ("0" if good != "0" else "1"))
    return out


NEGATIVES = [
    ("c01", lambda: bad_ids(120), "cn_resident_id"),  # 18 digits failing GB 11643
    ("订单号", lambda: [str(RNG.randint(10**17, 10**18 - 1)) for _ in range(120)], "cn_resident_id"),
    ("流水号", lambda: [c[:-1] + str((int(c[-1]) + 1) % 10) for c in cards(120)], "bank_card"),
    ("c3", lambda: [u[:-1] + ("0" if u[-1] != "0" else "1") for u in usccs(120)], "cn_uscc"),
    ("编号", lambda: [f"1{RNG.choice('012')}{RNG.randint(10**8, 10**9 - 1)}" for _ in range(120)], "cn_mobile"),
    ("区县名称", lambda: column(DISTRICTS), "address"),
    ("c05", lambda: column(DISTRICTS), "person_name"),
    ("企业名称", lambda: column(COMPANIES), "person_name"),
    ("c06", lambda: column(COMPANIES), "address"),
    ("登记日期", lambda: column(["2021-03-12", "2022-11-02", "2023-01-30", "2024-07-15"]), "birth_date"),
    ("c08", lambda: column(["1985-03-12", "1990-11-02", "1978-01-30"]), "birth_date"),
    ("金额", lambda: column(["116.3971", "35.4153", "1200.50", "88.0000"]), "geo_coordinate"),
    ("状态", lambda: column(["1", "2", "1", "2"]), "gender"),
    ("备注", lambda: column(["已办结", "已受理，等待材料", "材料齐全", "无"]), "person_name"),
    ("户口性质", lambda: column(["农业", "非农业", "居民"]), "person_name"),
    ("与户主关系", lambda: column(["本人", "配偶", "长子", "长女"]), "person_name"),
    ("案件编号", lambda: column(["济城执罚字〔2024〕第94008号", "泗市监罚字〔2023〕12号"]), "address"),
    ("userAgent", lambda: column(["Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0 Safari/537.36"]), "ip_address"),
    ("子网掩码", lambda: column(["255.255.255.0", "255.255.254.0"]), "ip_address"),
    ("残疾类别", lambda: column(["肢体残疾", "多重残疾", "精神残疾"]), "medical_info"),
    ("cfbh", lambda: column(["CF7054586629", "CF5348052500", "CF5021811512"]), "mac_address"),
    # half dotted codes that pass as ICD-10 subcategories, half bare ones: a parts column, not diagnoses
    # (the disease dictionary, which matches nothing here, must not lend its lower threshold)
    ("配件编码", lambda: column(["J31", "H57", "B19.5", "E08.1", "K22", "A40.1"]), "medical_info"),
]


@pytest.mark.parametrize(("header", "make", "type_id"), NEGATIVES, ids=[f"not-{n[2]}:{n[0]}" for n in NEGATIVES])
def test_hard_negatives(registry: Registry, header: str, make, type_id: str) -> None:  # type: ignore[no-untyped-def]
    [col] = classify_frame(pl.DataFrame({header: make()}, schema={header: pl.Utf8}), registry)
    assert type_id not in [t.type for t in col.types], col


def test_free_text_column_lists_every_embedded_type(registry: Registry) -> None:
    idn, phones = ids(60), mobiles(60)
    texts = [f"市民{NAMES[i % 20]}来电反映，其身份证号{idn[i]}，联系电话{phones[i]}，家住济宁市任城区古槐路{i + 1}号，"
             f"要求尽快处理。" for i in range(60)]
    [col] = classify_frame(pl.DataFrame({"诉求内容": texts}), registry)
    found = {t.type for t in col.types}
    assert {"cn_resident_id", "cn_mobile", "person_name", "address"} <= found, col
    assert all(t.evidence.startswith("自由文本") for t in col.types)


def test_birth_date_found_by_id_cross_check_under_obfuscated_header(registry: Registry) -> None:
    idn = ids(80)
    births = [f"{i[6:10]}-{i[10:12]}-{i[12:14]}" for i in idn]
    cols = classify_frame(pl.DataFrame({"c01": idn, "c02": births}), registry)
    assert "birth_date" in [t.type for t in cols[1].types]


def test_dirty_values_and_fullwidth_digits(registry: Registry) -> None:
    vals: list[str | None] = [m for m in mobiles(100)]
    vals[:10] = ["NULL", "-", "无", " ", None, "１３８１２３４５６７８", " 13912345678 ", "", "N/A", "暂无"]
    [col] = classify_frame(pl.DataFrame({"c1": vals}, schema={"c1": pl.Utf8}), registry)
    hit = next(t for t in col.types if t.type == "cn_mobile")
    assert hit.ratio > 0.95  # null tokens are not counted as values


def test_evidence_never_contains_the_value(registry: Registry) -> None:
    idn = ids(50)
    [col] = classify_frame(pl.DataFrame({"sfzh": idn}), registry)
    ev = col.types[0].evidence
    assert not any(i in ev for i in idn)
    assert "GB 11643" in ev and "列名" in ev


def test_mask_example() -> None:
    assert mask_example("11010519491231002X") == "110*************2X"
    assert mask_example("张伟") == "张*"


def test_binary_and_empty_columns(registry: Registry) -> None:
    df = pl.DataFrame({"blob": [b"\x00\x01", b"\xff"], "empty": [None, None]}, schema={"blob": pl.Binary, "empty": pl.Utf8})
    blob, empty = classify_frame(df, registry)
    assert blob.types == [] and blob.note
    assert empty.types == []


def test_numeric_columns_are_read_as_text(registry: Registry) -> None:
    df = pl.DataFrame({"phone": [int(m) for m in mobiles(50)]})
    [col] = classify_frame(df, registry)
    assert [t.type for t in col.types][:1] == ["cn_mobile"]


def test_full_scan_finds_a_type_that_starts_after_the_learning_sample(registry: Registry) -> None:
    """A full scan learns its live recognizers on the first batch; IDs that appear only later must
    still be found (pruned recognizers are probed on every batch and their share estimated)."""
    from shuan.discovery.engine import ColumnClassifier

    idn = ids(2000)
    clf = ColumnClassifier(registry, full=True)
    clf.update(pl.DataFrame({"c": [f"待补录{i}" for i in range(50_000)]}))
    for _ in range(4):
        clf.update(pl.DataFrame({"c": [idn[i % 2000] for i in range(50_000)]}))
    [col] = clf.results()
    hit = next(t for t in col.types if t.type == "cn_resident_id")
    assert 0.7 <= hit.ratio <= 0.85  # 200k of 250k values, partly estimated


def test_probes_back_off_while_they_find_nothing_and_resume_when_they_do(registry: Registry) -> None:
    """A column's pruned recognizers are probed at batch 4, then 8 batches later, 16 … while the probes
    change nothing; a probe that re-admits one brings the interval back to 4."""
    from shuan.discovery import engine
    from shuan.discovery.engine import ColumnClassifier

    clf = ColumnClassifier(registry, full=True)
    probed: list[int] = []
    evaluate = clf._evaluate

    def spy(acc, values, recs, texty, *, probe, batch_n=0, facts=None):  # type: ignore[no-untyped-def]
        if probe:
            probed.append(acc.batches)
        evaluate(acc, values, recs, texty, probe=probe, batch_n=batch_n, facts=facts)

    clf._evaluate = spy  # type: ignore[method-assign]
    words = pl.DataFrame({"c": [f"待补录{i}" for i in range(6000)]})
    for _ in range(29):  # the first update counts twice (learning sample, then the rest)
        clf.update(words)
    assert probed == [4, 4 + 8, 4 + 8 + 16]
    acc = clf._cols["c"]
    assert acc.probe_every == engine.PROBE_MAX_EVERY and acc.next_probe == 28 + engine.PROBE_MAX_EVERY
    idn = ids(2000)
    for _ in range(32):
        clf.update(pl.DataFrame({"c": [idn[i % 2000] for i in range(6000)]}))
    assert probed[3] == 60 and acc.probe_every == engine.PROBE_EVERY  # re-admitted: back to every 4th batch
    assert any(clf.recs[i].type == "cn_resident_id" for i in acc.live or ())


def test_overlong_cells_are_noted(registry: Registry) -> None:
    from shuan.discovery.normalize import MAX_CELL

    long = "备注" * MAX_CELL
    [col] = classify_frame(pl.DataFrame({"note": [long, "短"]}), registry)
    assert col.note and "超过" in col.note
