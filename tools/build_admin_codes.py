"""Regenerate src/shuan/discovery/data/admin_codes.tsv (GB/T 2260 code history).

The history of administrative division codes (with the years each code was in use) is public
record. python-stdnum ships a compilation of it; this script turns that compilation into the
small TSV the discovery engine reads. Run it by hand when the compilation changes:

    pip install python-stdnum && python tools/build_admin_codes.py
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/shuan/discovery/data/admin_codes.tsv"
ENTRY = re.compile(r'^\s+(\d{4}) county="(?:\[(\d*)-(\d*)\])?(.*)"$')
PROVINCE = re.compile(r'^(\d{2}) province="(.*)"$')


def main() -> int:
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    rows: list[tuple[str, str, str, str]] = []
    province = ""
    for line in text.splitlines():
        if m := PROVINCE.match(line):
            province = m.group(1)
            rows.append((province + "0000", m.group(2), "", ""))
            continue
        if (m := ENTRY.match(line)) and province:
            code = province + m.group(1)
            if code.endswith("0000"):
                continue
            names = re.sub(r"\[[^\]]*\]", "", m.group(4))
            rows.append((code, names, m.group(2) or "", m.group(3) or ""))
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# GB/T 2260 administrative division codes, with the years each was in use.\n")
        fh.write("# code\tname\tfrom\tuntil  (empty = unknown start / still in use)\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    sys.stderr.write(f"{len(rows)} codes -> {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
