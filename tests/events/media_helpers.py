"""Real presentations and photos for the recordings, slides and photos tests (and the access matrix's world)."""
import io
import tempfile
from functools import cache
from pathlib import Path

from PIL import Image

from events import media
from events.models import EventSession, MaterialKind, SessionMaterial, Speaker
from tests.modules.signoff_helpers import office_open_xml_bytes, opendocument_bytes, pdf_bytes


def pptx_bytes() -> bytes:
    return office_open_xml_bytes("ppt/presentation.xml", "p:presentation")


def odp_bytes() -> bytes:
    return opendocument_bytes("application/vnd.oasis.opendocument.presentation")


def photo_bytes(size=(1200, 800), image_format="JPEG", mode="RGB", exif=None) -> bytes:
    image = Image.new(mode, size, (180, 40, 40, 128) if mode == "RGBA" else (180, 40, 40))
    out = io.BytesIO()
    image.save(out, image_format, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def add_slides(session: EventSession, data: bytes | None = None, name="slides.pdf") -> SessionMaterial:
    """Slides stored as an upload would be (flushed; the caller commits)."""
    return media.add_material(session, MaterialKind.SLIDES, "", f"slides-{session.id}-{name}", None,
                              slides=media.check_slides(name, data or pdf_bytes("Slides")))


def add_recording(session: EventSession, url="https://www.youtube.com/watch?v=abc123") -> SessionMaterial:
    from core.extensions import db

    material = SessionMaterial(session_id=session.id, kind=MaterialKind.RECORDING, url=url,
                               request_key=f"recording-{session.id}-{url}")
    db.session.add(material)
    db.session.flush()
    return material


def give_photo(speaker: Speaker) -> None:
    media.set_photo(speaker, media.prepare_photo(photo_bytes()))


@cache
def slides_file() -> str:
    """A real PDF on disk, for form data: the test client opens a file given by its path afresh for each request."""
    path = Path(tempfile.mkdtemp()) / "slides.pdf"
    path.write_bytes(pdf_bytes("Slides"))
    return str(path)


def add_media_world(ids: dict) -> dict:
    """For the access matrix: a recording on the world's upcoming talk, slides on another talk (the matrix deletes
    the first, which would delete its files for good), and a photo of the speaker."""
    from core.extensions import db
    from tests.events.helpers import new_session

    session = db.session.get(EventSession, ids["event_session"])
    recording, slides = add_recording(session), add_slides(new_session(session.event, "Slides talk"))
    give_photo(db.session.get(Speaker, ids["speaker"]))
    db.session.commit()
    return {"recording": recording.id, "slides": slides.id}
