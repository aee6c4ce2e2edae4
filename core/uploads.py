"""Uploaded files: checked by size, name and content, stored outside static/ under a random key.

A file is accepted only when its extension and its content agree (a PNG
renamed to .pdf is refused). Stored files get a random key for a name, so
nothing the uploader typed reaches the file system; they are served only
through views that check who may see them.
"""
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app

from core.db import TransactionBound


class UploadError(ValueError):
    """The file cannot be accepted; the message says why, for the field."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def safe_file_name(name: str) -> str:
    """The uploaded name without folders or control characters (NUL included), at most 255 characters."""
    printable = "".join(char for char in name if char.isprintable())
    return Path(printable.replace("\\", "/")).name.strip()[:255]


def check_file(name: str, data: bytes, accepted: dict[str, str], max_bytes: int, wrong_type: str) -> CheckedFile:
    """Accept a file of 1 byte to `max_bytes` whose extension is in `accepted` (extension -> MIME type) and whose
    content has that type; `wrong_type` is the message for any other extension."""
    safe_name = safe_file_name(name)
    extension = safe_name.rsplit(".", 1)[-1].lower() if "." in safe_name else ""
    if extension not in accepted:
        raise UploadError(wrong_type)
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > max_bytes:
        raise UploadError(f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {max_bytes // 1024 // 1024} MB.")
    found = filetype.guess(data)
    if found is None or found.mime != accepted[extension]:
        raise UploadError(f"The file is named .{extension} but its content is not a {extension.upper()} document.")
    return CheckedFile(safe_name, accepted[extension], data)


class UploadFolder:
    """A folder under UPLOAD_FOLDER whose files live and die with the database transaction that wrote them."""

    def __init__(self, name: str):
        self.name = name
        self._stored = TransactionBound(f"stored_{name}", on_commit=lambda path: None,
                                        on_discard=lambda path: path.unlink(missing_ok=True))
        self._removed = TransactionBound(f"removed_{name}", on_commit=lambda path: path.unlink(missing_ok=True),
                                         on_discard=lambda path: None)

    def _folder(self) -> Path:
        folder = Path(current_app.config["UPLOAD_FOLDER"]) / self.name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path_of(self, key: str) -> Path:
        return self._folder() / key

    def store(self, data: bytes) -> str:
        """Write the data under a fresh random key and return the key.

        The file belongs to the current transaction (or savepoint): if that rolls back, the file is removed again.
        """
        key = secrets.token_urlsafe(24)
        path = self.path_of(key)
        path.write_bytes(data)
        self._stored.add(path)
        return key

    def remove_after_commit(self, key: str) -> None:
        """Delete the stored file once the current transaction commits (it stays if the transaction rolls back)."""
        self._removed.add(self.path_of(key))
