"""Shared helpers of the benchmark scripts: locating the CLI, timing subprocesses, patterns, output."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"

# Targets of the issue
COLUMN_TARGET = 0.98  # precision and recall, every type
SPAN_TARGET_STRICT = 0.97  # checksum-validated identifiers and phones
SPAN_TARGET_FUZZY = 0.90  # names and addresses
SPAN_STRICT_TYPES = ("cn_resident_id", "cn_uscc", "bank_card", "vin", "cn_mobile", "cn_landline")
SPAN_FUZZY_TYPES = ("person_name", "address")
THROUGHPUT_TARGET = 1.0  # shuan MB/s divided by ripgrep MB/s
MEMORY_TARGET_MB = 1024  # peak RSS of a full scan of a 2 GB CSV
PG_TARGET_S = 30.0

# "Equivalent patterns": one regex per type, written in the common subset of Python `re` and Rust
# `regex` (ripgrep). ASCII classes only ([0-9], not \d) so neither engine pays for Unicode digits.
_CH = "[0-9A-HJ-NPQRTUWXY]"
PATTERNS: dict[str, str] = {
    "cn_resident_id": r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]",
    "cn_uscc": _CH + r"{2}[0-9]{6}" + _CH + r"{10}",
    "cn_mobile": r"(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}",
    "cn_landline": r"(?:\(0[0-9]{2,3}\)|0[0-9]{2,3}[ -]?)[2-8][0-9]{6,7}(?:-[0-9]{1,5})?",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "bank_card": r"[1-9][0-9]{15,18}",
    "cn_passport": r"[EG][A-HJ-NP-Z0-9][0-9]{7}",
    "cn_hkmo_permit": r"C[A-HJ-NP-Z0-9][0-9]{7}",
    "cn_license_plate": r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]·?[A-HJ-NP-Z0-9]{5,6}",
    "vin": r"[A-HJ-NPR-Z0-9]{8}[0-9X][A-HJ-NPR-Z0-9]{8}",
    "ip_address": r"(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])"
    r"|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}",
    "mac_address": r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{12}",
    "geo_coordinate": r"(?:7[3-9]|[89][0-9]|1[0-3][0-9])\.[0-9]{3,8}, ?[1-5][0-9]\.[0-9]{3,8}",
    "date": r"(?:19|20)[0-9]{2}(?:[-/.年])?(?:0?[1-9]|1[0-2])(?:[-/.月])?(?:0?[1-9]|[12][0-9]|3[01])日?",
}


#: the data type of `shuan scan --types` that each pattern of PATTERNS stands for (ripgrep's "date" is
#: the only one without a type of the same name: the scan's date type is the birth date)
EQUIVALENT_TYPES: dict[str, str] = {name: ("birth_date" if name == "date" else name) for name in PATTERNS}


def rg_pattern(name: str) -> str:
    """The pattern as given to ripgrep: bounded by ASCII word boundaries (cells are comma-separated),
    except before a pattern that starts with a Chinese character (plates), where none is needed."""
    lead = "" if name == "cn_license_plate" else r"(?-u:\b)"
    return lead + "(?:" + PATTERNS[name] + r")(?-u:\b)"


def shuan_command() -> list[str]:
    """The CLI: $SHUAN_BIN, else the project's virtualenv, else `shuan` on PATH."""
    env = os.environ.get("SHUAN_BIN")
    if env:
        return env.split()
    venv = REPO / ".venv" / "bin" / "shuan"
    if venv.exists():
        return [str(venv)]
    found = shutil.which("shuan")
    return [found] if found else [sys.executable, "-m", "shuan"]


_SCAN_EXTRA: list[str] | None = None


def scan_extra_args() -> list[str]:
    """Options added to every benchmark scan: ``--no-save`` when the CLI has it (keep benchmark tables
    out of the user's inventory)."""
    global _SCAN_EXTRA
    if _SCAN_EXTRA is None:
        try:
            proc = subprocess.run(
                [*shuan_command(), "scan", "--help"], capture_output=True, timeout=120, check=False
            )
            _SCAN_EXTRA = ["--no-save"] if b"--no-save" in proc.stdout else []
        except (OSError, subprocess.TimeoutExpired):
            _SCAN_EXTRA = []
    return _SCAN_EXTRA


@dataclass
class Timed:
    cmd: list[str]
    returncode: int
    stdout: bytes
    stderr: str
    wall_s: float
    max_rss_mb: float | None


_TIME = Path("/usr/bin/time")


def run_timed(
    cmd: list[str], *, stdout_path: Path | None = None, measure_rss: bool = True, timeout: float | None = None
) -> Timed:
    """Run `cmd`, returning its wall time and (with GNU time, when present) its peak RSS.

    On timeout the whole process group is killed and returncode is -9 with a note in stderr."""
    use_time = measure_rss and _TIME.exists()
    with tempfile.NamedTemporaryFile(prefix="bench-time-", suffix=".txt", delete=False) as tf:
        time_file = Path(tf.name)
    full = [str(_TIME), "-v", "-o", str(time_file), *cmd] if use_time else cmd
    out_fh = stdout_path.open("wb") if stdout_path else None
    timed_out = False
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            full, stdout=out_fh or subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        wall = time.perf_counter() - t0
    except FileNotFoundError as exc:
        time_file.unlink(missing_ok=True)
        return Timed(cmd, 127, b"", str(exc), 0.0, None)
    finally:
        if out_fh:
            out_fh.close()
    rss: float | None = None
    if use_time and not timed_out:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_file.read_text(errors="replace"))
        rss = int(m.group(1)) / 1024 if m else None
    time_file.unlink(missing_ok=True)
    stdout = stdout_path.read_bytes() if stdout_path else (out or b"")
    stderr = (err or b"").decode("utf-8", "replace")
    if timed_out:
        stderr += f"\n[bench] killed after the {timeout:.0f} s timeout"
    return Timed(cmd, -9 if timed_out else proc.returncode, stdout, stderr, wall, rss)


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write bench/results/NAME (or $SHUAN_BENCH_RESULTS/NAME)."""
    results = Path(os.environ.get("SHUAN_BENCH_RESULTS", RESULTS))
    results.mkdir(parents=True, exist_ok=True)
    path = results / name
    data = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """A plain aligned table (CJK-width aware)."""

    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in s)

    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
