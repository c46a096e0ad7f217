"""Demo data: a seeded fake-value generator (the ground truth of the benchmark) and the bundled
data set of the fictional city 泗河市 that `make demo` scans."""

from shuan.demo.dataset import DEMO_EXPECTED, DEMO_LOWEST_LEVEL, demo_expected, ensure_demo, write_demo
from shuan.demo.fake import NEGATIVE_KINDS, TYPE_IDS, Fake

__all__ = [
    "DEMO_EXPECTED",
    "DEMO_LOWEST_LEVEL",
    "NEGATIVE_KINDS",
    "TYPE_IDS",
    "Fake",
    "demo_expected",
    "ensure_demo",
    "write_demo",
]
