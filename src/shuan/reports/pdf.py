"""PDF by printing the HTML report with a headless Chromium (Debian's /usr/bin/chromium).

The page is written to a private temporary directory and printed from there with a throw-away profile;
the PDF is checked (it must start with %PDF) and then moved into place atomically."""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - runs Chromium with a fixed argument list, never a shell
import tempfile
from pathlib import Path

from shuan.errors import ShuanError
from shuan.inventory.export import atomic_output

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 120


def find_chromium(candidate: Path | None = None) -> Path:
    """The Chromium to use: `candidate`, else /usr/bin/chromium, else chromium on PATH; a clear error if none."""
    if candidate is not None:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise ShuanError("report.chromium_missing", path=str(candidate))
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ShuanError("report.chromium_missing", path=str(CHROMIUM))


def html_to_pdf(html: str, path: Path, *, chromium: Path | None = None, timeout: float = TIMEOUT_SECONDS) -> Path:
    binary = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="shuan-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        args = [str(binary), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--no-default-browser-check", "--no-pdf-header-footer", "--hide-scrollbars",
                f"--user-data-dir={Path(tmp) / 'profile'}", f"--crash-dumps-dir={tmp}",
                f"--print-to-pdf={out}", page.as_uri()]
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ", "FONTCONFIG_PATH")}
        env["HOME"] = tmp
        try:
            done = subprocess.run(args, capture_output=True, timeout=timeout, env=env, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            raise ShuanError("report.pdf_failed", reason=f"timeout after {timeout:.0f}s") from None
        except OSError as exc:
            raise ShuanError("report.pdf_failed", reason=exc.strerror or str(exc)) from exc
        data = out.read_bytes() if out.is_file() else b""
        if not data.startswith(b"%PDF"):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = tail[-1][:300] if tail else f"exit status {done.returncode}"
            raise ShuanError("report.pdf_failed", reason=reason)
    with atomic_output(path, "wb") as fh:
        fh.write(data)
    return path
