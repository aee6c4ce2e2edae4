"""Recordings, slides and speakers' photos: the rules for what organisers link and upload, and where files live.

Recordings stay on a video platform (the page links to them: the content
security policy embeds nothing from elsewhere); slides and photos are stored
under UPLOAD_FOLDER by a random key and served by views that set their headers.
"""
import io
from urllib.parse import urlsplit

import filetype
from flask import url_for
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import User
from core import audit
from core.db import add_or_find
from core.extensions import db
from core.uploads import CheckedFile, UploadError, UploadFolder, check_file
from curriculum.models import Module
from events.models import Event, EventSession, MaterialKind, SessionMaterial, Speaker, session_modules
from modules.related import Link, RelatedItem, RelatedSection

SLIDES_MAX_BYTES = 10 * 1024 * 1024

#: extension -> the MIME type the slides' content must have
SLIDES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
}

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
#: larger pictures are refused before they are decoded (a small file can unpack into a huge bitmap)
PHOTO_MAX_PIXELS = 40_000_000
#: photos are cropped to a square this many pixels wide, the crop a little above the middle (where faces are)
PHOTO_SIZE = 400

slides_folder = UploadFolder("slides")
photos_folder = UploadFolder("speaker-photos")


def check_slides(name: str, data: bytes) -> CheckedFile:
    """Accept a PDF, PowerPoint (.pptx) or OpenDocument (.odp) file of up to 10 MB whose content matches its name."""
    return check_file(name, data, SLIDES, SLIDES_MAX_BYTES,
                      "Upload a PDF, PowerPoint (.pptx) or OpenDocument presentation (.odp).")


def check_recording_url(url: str) -> str:
    """The link, trimmed, if it is a plain https:// address on a named host; raises UploadError saying what is wrong."""
    url = url.strip()
    if any(not char.isprintable() or char.isspace() for char in url):
        raise UploadError("A link cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as error:
        raise UploadError("Enter a full https:// link to the recording.") from error
    if parts.scheme.lower() != "https" or "." not in host.strip("."):
        raise UploadError("Enter a full https:// link to the recording.")
    if parts.username is not None or parts.password is not None:
        raise UploadError("Leave the user name and password out of the link.")
    return url


def recording_host(url: str) -> str:
    """Where a recording is watched, for its link text ("youtube.com")."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def prepare_photo(data: bytes) -> bytes:
    """A JPEG, PNG or WebP photo of up to 5 MB as a 400 px square JPEG, upright, without its metadata (EXIF, GPS).

    Raises UploadError (with a message for the field) for anything else, or a file that does not decode.
    """
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > PHOTO_MAX_BYTES:
        raise UploadError(f"The photo is {len(data) / 1024 / 1024:.1f} MB; the limit is 5 MB.")
    found = filetype.guess(data)
    if found is None or found.mime not in PHOTO_TYPES:
        raise UploadError("Choose a JPEG, PNG or WebP photo.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            pixels = image.width * image.height
            image.verify()  # checks the file's structure without decoding it; the image is opened again to be used
        if pixels > PHOTO_MAX_PIXELS:
            raise UploadError("The photo has too many pixels; choose one under 40 megapixels.")
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            square = ImageOps.fit(_on_white(ImageOps.exif_transpose(image)), (PHOTO_SIZE, PHOTO_SIZE),
                                  Image.Resampling.LANCZOS, centering=(0.5, 0.35))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UploadError("The photo could not be read; save it again as JPEG or PNG and upload that.") from error
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)  # a new file: no EXIF, no ICC or XMP block carried over
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# -- adding and removing (flush only; views commit) ---------------------------------------------------------------

def _by_request_key(request_key: str) -> SessionMaterial | None:
    return db.session.scalar(select(SessionMaterial).where(SessionMaterial.request_key == request_key))


def add_material(session: EventSession, kind: MaterialKind, label: str, request_key: str, by: User | None, *,
                 url: str = "", slides: CheckedFile | None = None) -> SessionMaterial:
    """Attach a recording link or stored slides to the session, or return what this form (same request key)
    already attached: a double click or a retry adds one material, and stores one file."""
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing

    def attach(material: SessionMaterial) -> None:
        if slides is not None:  # in the savepoint: if it rolls back, the file goes with it
            material.file_name, material.file_type = slides.name, slides.content_type
            material.file_size, material.file_key = len(slides.data), slides_folder.store(slides.data)
        session.materials.append(material)

    material, is_new = add_or_find(SessionMaterial(kind=kind, label=label, url=url, request_key=request_key),
                                   lambda: _by_request_key(request_key), attach)
    if not is_new:
        return material
    audit.record("event.material_add", actor=by, detail={"event_id": session.event_id, "session_id": session.id,
                                                          "material_id": material.id, "kind": kind.value})
    return material


def remove_material(material: SessionMaterial, by: User) -> None:
    """Take the material off the session; a slides file is deleted once the removal commits."""
    audit.record("event.material_remove", actor=by, detail={"session_id": material.session_id,
                                                             "material_id": material.id})
    if material.file_key:
        slides_folder.remove_after_commit(material.file_key)
    db.session.delete(material)
    db.session.flush()


def forget_files_of(session: EventSession) -> None:
    """Before a session is deleted: its slides files go once the deletion commits."""
    for material in session.materials:
        if material.file_key:
            slides_folder.remove_after_commit(material.file_key)


def set_photo(speaker: Speaker, photo: bytes | None) -> None:
    """Replace the speaker's photo with `photo` (prepared by `prepare_photo`), or remove it (None).

    The old file is deleted once the change commits."""
    if speaker.photo_key:
        photos_folder.remove_after_commit(speaker.photo_key)
    speaker.photo_key = photos_folder.store(photo) if photo is not None else None
    db.session.flush()


# -- reading -------------------------------------------------------------------------------------------------------

def materials_by_event(event_ids) -> dict[int, list[tuple[EventSession, list[SessionMaterial]]]]:
    """For each event, its sessions that have recordings or slides, in programme order, with them (one query)."""
    rows = db.session.scalars(
        select(SessionMaterial).join(SessionMaterial.session).where(EventSession.event_id.in_(list(event_ids)))
        .order_by(EventSession.starts_at, EventSession.room, EventSession.id, SessionMaterial.kind,
                  SessionMaterial.id)
        .options(contains_eager(SessionMaterial.session))).all()
    grouped: dict[int, dict[int, tuple[EventSession, list[SessionMaterial]]]] = {}
    for material in rows:
        session = material.session
        grouped.setdefault(session.event_id, {}).setdefault(session.id, (session, []))[1].append(material)
    return {event_id: list(sessions.values()) for event_id, sessions in grouped.items()}


def material_link(material: SessionMaterial, event_id: int) -> Link:
    """How a recording or slides is offered: where it opens, what it is."""
    if material.kind is MaterialKind.RECORDING:
        return Link(f"{material.title} (on {recording_host(material.url)})", material.url, is_external=True)
    return Link(f"{material.title} ({slides_description(material)})",
                url_for("events.download_slides", event_id=event_id, material_id=material.id))


def slides_description(material: SessionMaterial) -> str:
    """e.g. "PDF, 1.2 MB"."""
    extension = next((ext for ext, mime in SLIDES.items() if mime == material.file_type), "file").upper()
    size = material.file_size
    return f"{extension}, {size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{extension}, {max(1, size // 1024)} KB"


#: the most talks a module's page lists (the latest first)
TALKS_ON_A_MODULE = 10


def talks_about(module: Module) -> RelatedSection:
    """The published sessions related to the module, latest first, with their speakers, recordings and slides
    (one query, however many there are: the module page is read far more than any event's)."""
    sessions = db.session.scalars(
        select(EventSession).join(session_modules, session_modules.c.session_id == EventSession.id)
        .join(EventSession.event)
        .where(session_modules.c.module_id == module.id, Event.is_published.is_(True))
        .order_by(EventSession.starts_at.desc(), EventSession.id.desc()).limit(TALKS_ON_A_MODULE)
        .options(joinedload(EventSession.event), joinedload(EventSession.speakers),
                 joinedload(EventSession.materials))).unique().all()
    return RelatedSection("Talks about this module", [
        RelatedItem(session.title, url_for("events.show_event", event_id=session.event_id) + f"#session-{session.id}",
                    ", ".join(filter(None, [", ".join(s.name for s in session.speakers), session.event.title,
                                            session.event.local(session.starts_at, "%-d %B %Y")])),
                    tuple(material_link(material, session.event_id) for material in session.materials))
        for session in sessions])
