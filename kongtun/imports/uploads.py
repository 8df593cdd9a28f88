"""An uploaded file waiting between the upload, the mapping/preview and the confirmation.

It is kept on the server in a temporary directory under a random id, with who uploaded it
and for which fund; only that user in that fund can reach it (anyone else gets 404), and it
is deleted after the import is confirmed or cancelled, or after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadNotFound(LookupError):
    pass


def upload_root() -> Path:
    """``settings.KONGTUN_IMPORT_DIR`` if set, else kongtun-imports in the system temp dir."""
    root = getattr(settings, "KONGTUN_IMPORT_DIR", None)
    return Path(root) if root else Path(tempfile.gettempdir()) / "kongtun-imports"


@dataclass(frozen=True)
class PendingUpload:
    token: str
    fund_id: int
    user_id: int
    kind: str
    filename: str
    created: float

    @property
    def directory(self) -> Path:
        return upload_root() / self.token

    @property
    def path(self) -> Path:
        return self.directory / ("data" + Path(self.filename).suffix.lower())


def upload_store(
    *, fund_id: int, user_id: int, kind: str, filename: str, chunks: Iterable[bytes]
) -> PendingUpload:
    uploads_purge_stale()
    token = secrets.token_urlsafe(24)
    upload = PendingUpload(token, fund_id, user_id, kind, Path(filename).name, time.time())
    upload.directory.mkdir(parents=True, mode=0o700)
    with open(upload.path, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
    (upload.directory / "meta.json").write_text(
        json.dumps(
            {
                "fund_id": fund_id,
                "user_id": user_id,
                "kind": kind,
                "filename": upload.filename,
                "created": upload.created,
            }
        )
    )
    return upload


def upload_get(*, token: str, fund_id: int, user_id: int) -> PendingUpload:
    """The upload, only for the user and fund it was made by and for."""
    if not _TOKEN.match(token or ""):
        raise UploadNotFound(token)
    try:
        meta = json.loads((upload_root() / token / "meta.json").read_text())
    except (OSError, ValueError):
        raise UploadNotFound(token) from None
    if meta.get("fund_id") != fund_id or meta.get("user_id") != user_id:
        raise UploadNotFound(token)
    upload = PendingUpload(
        token, fund_id, user_id, meta["kind"], meta["filename"], float(meta["created"])
    )
    if not upload.path.exists():
        raise UploadNotFound(token)
    return upload


def upload_delete(upload: PendingUpload) -> None:
    shutil.rmtree(upload.directory, ignore_errors=True)


def uploads_purge_stale(now: float | None = None) -> int:
    root = upload_root()
    if not root.exists():
        return 0
    now = now or time.time()
    removed = 0
    for directory in root.iterdir():
        try:
            if now - directory.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(directory, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
