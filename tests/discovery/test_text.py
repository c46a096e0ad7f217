"""Free-text spans: table-driven sentences (with and without cue words), exact offsets, overlaps."""

from __future__ import annotations

import pytest

from shuan.discovery.registry import Registry
from shuan.discovery.text import TextDetector


@pytest.fixture(scope="module")
def detector() -> TextDetector:
    return TextDetector(Registry.default())


CASES = [
    ("经查，刘德华于2023年办理", [("person_name", "刘德华")]),
    ("王芳说她住在济宁", [("person_name", "王芳")]),
    ("张伟的手机是13812345678", [("person_name", "张伟"), ("cn_mobile", "13812345678")]),
    ("市民张伟来电反映噪音问题", [("person_name", "张伟")]),
    ("联系人：艾力·热依拉，男，汉族", [("person_name", "艾力·热依拉"), ("gender", "男"), ("ethnicity", "汉族")]),
    ("2022年4月2日17时许，沈燕驾驶鲁H4F0P0号小型普通客车", [("person_name", "沈燕"), ("cn_license_plate", "鲁H4F0P0")]),
    ("住址北京市海淀区中关村南大街5号", [("address", "北京市海淀区中关村南大街5号")]),
    ("在济宁市任城区古槐路12号3单元501室楼下", [("address", "济宁市任城区古槐路12号3单元501室")]),
    ("山东省济宁市任城区谢屯村12组103号楼下", [("address", "山东省济宁市任城区谢屯村12组103号")]),
    ("回拨号码+86 19266570005。", [("cn_mobile", "+86 19266570005")]),
    ("身份证11010519491231002X，卡号6222021234567890128", [("cn_resident_id", "11010519491231002X")]),
    ("设备MAC地址A06B33BAE8A8，IP 192.168.1.10", [("mac_address", "A06B33BAE8A8"), ("ip_address", "192.168.1.10")]),
    ("1985年3月12日出生，诊断：2型糖尿病（E11.900）", [("birth_date", "1985年3月12日"), ("medical_info", "2型糖尿病"),
                                                 ("medical_info", "E11.900")]),
    ("任城区人民政府召开会议", []),  # a district and an organisation are not an address or a name
    ("订单号20231105123456789012，金额1200元", []),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0][:12] for c in CASES])
def test_spans(detector: TextDetector, line: str, expected: list[tuple[str, str]]) -> None:
    [spans] = detector.detect([line])
    got = [(s.type, s.text) for s in spans]
    for item in expected:
        assert item in got, got
    if not expected:
        assert got == []
    for s in spans:
        assert line[s.start : s.end] == s.text


def test_spans_do_not_overlap(detector: TextDetector) -> None:
    [spans] = detector.detect(["身份证号370811199001011234，手机13812345678，卡号6228480012345678907"])
    ordered = sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False))


def test_custom_catastrophic_pattern_cannot_hang_detect(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "bad.yaml"
    f.write_text("recognizers:\n  - type: x1\n    name: 灾难回溯\n    label: x\n    patterns: ['(a+)+$']\n",
                 encoding="utf-8")
    det = TextDetector(Registry.default([f]))
    [spans] = det.detect(["a" * 40 + "!"])
    assert spans == [] or all(s.type != "x1" or s.text for s in spans)
