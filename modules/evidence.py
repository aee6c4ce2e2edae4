"""Files attached to a sign-off request: a PDF, DOCX or ODT of up to 10 MB, checked and stored by `core.uploads`."""
from core.uploads import CheckedFile, UploadFolder
from core.uploads import check_file as check_upload

MAX_BYTES = 10 * 1024 * 1024

#: extension -> the MIME type its content must have
ACCEPTED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

_FOLDER = UploadFolder("evidence")
path_of = _FOLDER.path_of
remove_after_commit = _FOLDER.remove_after_commit


def check_file(name: str, data: bytes) -> CheckedFile:
    """Accept a PDF, DOCX or ODT of 1 byte to 10 MB whose content matches its extension."""
    return check_upload(name, data, ACCEPTED, MAX_BYTES, "Attach a PDF, Word (.docx) or OpenDocument (.odt) file.")


def store(checked: CheckedFile) -> str:
    """Write the file under a fresh random key and return the key (removed again if the transaction rolls back)."""
    return _FOLDER.store(checked.data)
