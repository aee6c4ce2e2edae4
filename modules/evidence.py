"""Files attached to a sign-off request: checked by size, name and content, stored outside static/.

A file is accepted only when its extension and its content agree (a PNG
renamed to .pdf is refused). Stored files get a random key for a name, so
nothing the trainee typed reaches the file system; they are served only
through a view that checks who may see them.
"""
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app

from core.db import TransactionBound

MAX_BYTES = 10 * 1024 * 1024

#: extension -> the MIME type its content must have
ACCEPTED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class EvidenceError(ValueError):
    """The file cannot be accepted; the message says why, for the field."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def check_file(name: str, data: bytes) -> CheckedFile:
    """Accept a PDF, DOCX or ODT of 1 byte to 10 MB whose content matches its extension."""
    printable = "".join(char for char in name if char.isprintable())  # no NUL or other control character
    safe_name = Path(printable.replace("\\", "/")).name.strip()[:255]
    extension = safe_name.rsplit(".", 1)[-1].lower() if "." in safe_name else ""
    if extension not in ACCEPTED:
        raise EvidenceError("Attach a PDF, Word (.docx) or OpenDocument (.odt) file.")
    if not data:
        raise EvidenceError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise EvidenceError(f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 10 MB.")
    found = filetype.guess(data)
    if found is None or found.mime != ACCEPTED[extension]:
        raise EvidenceError(f"The file is named .{extension} but its content is not a {extension.upper()} document.")
    return CheckedFile(safe_name, ACCEPTED[extension], data)


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(checked: CheckedFile) -> str:
    """Write the file under a fresh random key and return the key.

    The file belongs to the current transaction (or savepoint): if that rolls back, the file is removed again.
    """
    key = secrets.token_urlsafe(24)
    path = _folder() / key
    path.write_bytes(checked.data)
    _stored.add(path)
    return key


def path_of(key: str) -> Path:
    return _folder() / key


def remove_after_commit(key: str) -> None:
    """Delete the stored file once the current transaction commits (it stays if the transaction rolls back)."""
    _removed.add(path_of(key))


_removed = TransactionBound("removed_evidence", on_commit=lambda path: path.unlink(missing_ok=True),
                            on_discard=lambda path: None)
_stored = TransactionBound("stored_evidence", on_commit=lambda path: None,
                           on_discard=lambda path: path.unlink(missing_ok=True))
