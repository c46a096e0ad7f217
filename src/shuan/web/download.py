"""Report downloads of the console and the REST API: the media type per format and an attachment that is
never cached (an inventory names sensitive columns)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def download(name: str, fmt: str, content: bytes) -> Response:
    """`content` as an attachment called `name` (RFC 5987 for the Chinese name, an ASCII fallback)."""
    disposition = f"attachment; filename=\"inventory.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})
