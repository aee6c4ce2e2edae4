"""Recordings, slides and speakers' photos: the checks without HTTP, then adding, showing, serving and removing them."""
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.uploads import UploadError
from curriculum.models import Module
from events import media
from events.models import SessionMaterial, Speaker
from tests.events.helpers import new_event, new_session, new_speaker
from tests.events.media_helpers import add_recording, add_slides, give_photo, odp_bytes, photo_bytes, pptx_bytes
from tests.modules.signoff_helpers import PNG_BYTES, docx_bytes, pdf_bytes

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


# -- the checks, without HTTP ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, content_type", [
    ("talk.pdf", pdf_bytes(), "application/pdf"),
    ("Talk.PPTX", pptx_bytes(), PPTX),
    ("talk.odp", odp_bytes(), "application/vnd.oasis.opendocument.presentation"),
])
def test_pdf_pptx_and_odp_slides_are_accepted_by_their_content(app, name, data, content_type):
    assert media.check_slides(name, data).content_type == content_type


@pytest.mark.parametrize("name, data, message", [
    ("talk.pdf", PNG_BYTES, "named .pdf but its content is not a PDF"),
    ("talk.pdf", b"<html><script>alert(1)</script></html>", "its content is not a PDF"),
    ("talk.pptx", docx_bytes(), "its content is not a PPTX"),
    ("talk.odp", pptx_bytes(), "its content is not a ODP"),
    ("talk.pdf", b"", "The file is empty."),
    ("talk.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ("talk.docx", docx_bytes(), "Upload a PDF, PowerPoint (.pptx) or OpenDocument presentation (.odp)."),
    ("talk.pdf\x00.exe", pdf_bytes(), "Upload a PDF"),
])
def test_disguised_empty_oversized_and_other_files_are_refused(app, name, data, message):
    with pytest.raises(UploadError, match=re.escape(message)):
        media.check_slides(name, data)


def test_a_slides_name_keeps_no_folder_and_no_control_character(app):
    assert media.check_slides("../../etc/ta\x00lk\n.pdf", pdf_bytes()).name == "talk.pdf"


@pytest.mark.parametrize("url, message", [
    ("http://www.youtube.com/watch?v=1", "Enter a full https:// link"),
    ("javascript:alert(1)", "Enter a full https:// link"),
    ("https://localhost/video", "Enter a full https:// link"),
    ("youtube.com/watch?v=1", "Enter a full https:// link"),
    ("https://user:secret@vimeo.com/1", "Leave the user name and password out"),
    ("https://vimeo.com/1\x00", "spaces or control characters"),
    ("https://vimeo.com/a b", "spaces or control characters"),
    ("https://[::1/", "Enter a full https:// link"),
])
def test_only_plain_https_links_are_recordings(url, message):
    with pytest.raises(UploadError, match=re.escape(message)):
        media.check_recording_url(url)


def test_a_recording_link_is_trimmed_and_named_by_its_host():
    url = media.check_recording_url("  https://www.youtube.com/watch?v=abc  ")
    assert url == "https://www.youtube.com/watch?v=abc" and media.recording_host(url) == "youtube.com"


def test_a_photo_becomes_an_upright_400_px_square_jpeg_without_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = 6  # taken on its side: turned upright
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # where it was taken
    photo = Image.open(io.BytesIO(media.prepare_photo(photo_bytes((1200, 600), exif=exif))))
    assert (photo.format, photo.size) == ("JPEG", (400, 400))
    assert dict(photo.getexif()) == {} and "exif" not in photo.info
    for image_format, mode in (("PNG", "RGBA"), ("WEBP", "RGB")):
        assert Image.open(io.BytesIO(media.prepare_photo(photo_bytes(image_format=image_format, mode=mode)))).size \
            == (400, 400)


def _huge_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")  # 64 megapixels in a few kilobytes
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (PNG_BYTES, "could not be read"),
    (photo_bytes()[:200], "could not be read"),
    (photo_bytes(image_format="GIF"), "Choose a JPEG, PNG or WebP photo."),
    (pdf_bytes(), "Choose a JPEG, PNG or WebP photo."),
    (b"", "The file is empty."),
    (b"\xff\xd8\xff\xe0" + b"0" * (5 * 1024 * 1024), "the limit is 5 MB"),
    (_huge_png(), "too many pixels"),
])
def test_photos_that_are_not_jpeg_png_or_webp_or_do_not_decode_are_refused(data, message):
    with pytest.raises(UploadError, match=re.escape(message)):
        media.prepare_photo(data)


# -- through HTTP ----------------------------------------------------------------------------------------------------

def _stored_slides() -> set[str]:
    return {path.name for path in media.slides_folder.path_of("").iterdir()}


def _editor(event, session) -> str:
    return f"/events/{event.id}/sessions/{session.id}"


def test_the_organiser_adds_a_recording_and_slides_which_show_everywhere_the_talk_does(
        client, db, login_as, make_user, curriculum):
    organiser = login_as(make_user("mentor"))
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    event = new_event("Appeals day", starts_in=timedelta(days=-40), organiser=organiser)
    talk = new_session(event, "Fresh evidence on appeal", modules=[module])
    editor = _editor(event, talk)

    assert "Recordings and slides" in client.get(f"{editor}/edit").text
    response = client.post(f"{editor}/recordings", data={"recording-url": "https://vimeo.com/123456",
                                                         "recording-label": "", "recording-request_key": "r1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit#materials")
    assert client.post(f"{editor}/recordings", data={"recording-url": "https://vimeo.com/123456",
                                                     "recording-request_key": "r1"}).status_code == 302  # a double click
    slides = {"slides-file": (io.BytesIO(pdf_bytes("Fresh evidence")), "fresh evidence.pdf"),
              "slides-label": "", "slides-request_key": "s1"}
    assert client.post(f"{editor}/slides", data=slides, content_type="multipart/form-data").status_code == 302
    slides["slides-file"] = (io.BytesIO(pdf_bytes("Fresh evidence")), "fresh evidence.pdf")
    assert client.post(f"{editor}/slides", data=slides, content_type="multipart/form-data").status_code == 302
    assert db.session.scalar(select(func.count(SessionMaterial.id))) == 2, "each form adds one material"
    stored = db.session.scalar(select(SessionMaterial).where(SessionMaterial.file_key.is_not(None)))
    assert media.slides_folder.path_of(stored.file_key).read_bytes().startswith(b"%PDF")

    client.post("/sign-out")
    programme = client.get(f"/events/{event.id}").text
    assert 'href="https://vimeo.com/123456" rel="noopener noreferrer"' in programme
    assert "Recording (on vimeo.com)" in programme and f"/events/{event.id}/slides/{stored.id}" in programme
    archive = client.get("/events/past").text
    assert "Fresh evidence on appeal" in archive and "https://vimeo.com/123456" in archive
    module_page = client.get("/modules/appeals-basics").text
    assert "Talks about this module" in module_page
    assert f'/events/{event.id}#session-{talk.id}' in module_page and "https://vimeo.com/123456" in module_page
    assert "Slides (PDF, " in module_page

    pdf = client.get(f"/events/{event.id}/slides/{stored.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("inline") and "fresh evidence.pdf" in \
        pdf.headers["Content-Disposition"]
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_one_slides_form_sent_eight_times_at_once_adds_one_material_and_keeps_one_file(db, live_server,
                                                                                     http_session_for, make_user):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    session = new_session(event)
    browser = http_session_for(organiser)
    before = _stored_slides()

    def send(_):
        return browser.post(f"{live_server}{_editor(event, session)}/slides",
                            data={"slides-request_key": "one-form", "slides-label": "Handout"},
                            files={"slides-file": ("talk.pdf", pdf_bytes("Handout"), "application/pdf")},
                            allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(send, range(8))) == [302] * 8
    [material] = db.session.scalars(select(SessionMaterial)).all()
    assert material.title == "Handout" and _stored_slides() - before == {material.file_key}


def test_presentations_other_than_pdf_are_downloaded_not_shown(client, db):
    event = new_event(starts_in=timedelta(days=-10))
    material = add_slides(new_session(event), pptx_bytes(), "deck.pptx")
    db.session.commit()
    response = client.get(f"/events/{event.id}/slides/{material.id}")
    assert response.status_code == 200 and response.mimetype == PPTX
    assert response.headers["Content-Disposition"].startswith("attachment") and "deck.pptx" in \
        response.headers["Content-Disposition"]


def test_bad_uploads_and_links_are_refused_beside_the_field(client, db, login_as, make_user):
    organiser = login_as(make_user("mentor"))
    event = new_event(organiser=organiser)
    editor = _editor(event, new_session(event))
    before = _stored_slides()
    cases = [
        ((io.BytesIO(PNG_BYTES), "talk.pdf"), "its content is not a PDF"),
        ((io.BytesIO(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)), "talk.pdf"), "the limit is 10 MB"),
        ((io.BytesIO(pdf_bytes()), "talk.exe"), "Upload a PDF, PowerPoint"),
        ((io.BytesIO(b""), ""), "Choose the slides file."),
    ]
    for upload, message in cases:
        response = client.post(f"{editor}/slides", data={"slides-file": upload, "slides-request_key": "k"},
                               content_type="multipart/form-data")
        assert response.status_code == 400 and message in response.text, message
        assert 'id="slides-file-error"' in response.text
    # a NUL in the name is refused before any view runs (core.web), saying what was wrong
    response = client.post(f"{editor}/slides", data={"slides-file": (io.BytesIO(pdf_bytes()), "talk\x00.pdf"),
                                                     "slides-request_key": "k"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "control character" in response.text
    response = client.post(f"{editor}/recordings", data={"recording-url": "javascript:alert(1)",
                                                         "recording-request_key": "k"})
    assert response.status_code == 400 and "Enter a full https:// link" in response.text
    response = client.post(f"{editor}/recordings", data={"recording-url": "https://vimeo.com/" + "9" * 600,
                                                         "recording-request_key": "k"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(SessionMaterial.id))) == 0
    assert _stored_slides() == before, "nothing refused is stored"


def test_removing_slides_deletes_the_file_and_deleting_the_session_deletes_its_files(client, db, login_as,
                                                                                      make_user):
    organiser = login_as(make_user("mentor"))
    event = new_event(organiser=organiser)
    session, other = new_session(event), new_session(event, "Second talk")
    first, second = add_slides(session), add_slides(other)
    db.session.commit()
    first_path, second_path = (media.slides_folder.path_of(m.file_key) for m in (first, second))
    first_id, second_id = first.id, second.id
    assert client.post(f"{_editor(event, session)}/materials/{first_id}/delete").status_code == 302
    assert not first_path.exists() and db.session.scalar(select(SessionMaterial).where(
        SessionMaterial.id == first_id)) is None
    assert client.post(f"{_editor(event, session)}/materials/{second_id}/delete").status_code == 404, \
        "a material is reached only through its own session"
    assert client.post(f"{_editor(event, other)}/delete").status_code == 302
    assert not second_path.exists()


def test_slides_of_an_unpublished_event_are_for_its_editors_only(client, db, login_as, make_user):
    organiser = make_user("mentor")
    event = new_event(published=False, organiser=organiser)
    material = add_slides(new_session(event))
    db.session.commit()
    url = f"/events/{event.id}/slides/{material.id}"
    login_as(make_user("trainee"))
    assert client.get(url).status_code == 403
    login_as(organiser)
    assert client.get(url).status_code == 200
    assert client.get(f"/events/{event.id + 1}/slides/{material.id}").status_code == 404


def test_the_module_page_lists_published_talks_only(client, db, curriculum):
    module = db.session.scalar(select(Module).where(Module.slug == "evidence-basics"))
    published = new_event("Evidence day")
    new_session(published, "Memory and identification", modules=[module])
    hidden = new_event("Draft day", published=False)
    new_session(hidden, "A draft talk", modules=[module])
    page = client.get("/modules/evidence-basics").text
    assert "Talks about this module" in page and "Memory and identification" in page and "A draft talk" not in page
    assert "Talks about this module" not in client.get("/modules/appeals-basics").text


def test_an_administrator_uploads_replaces_and_removes_a_speakers_photo(client, db, login_as, make_user):
    login_as(make_user("admin"))
    speaker = new_speaker("Dr Ada Byrne")
    edit = f"/admin/speakers/{speaker.id}/edit"
    form = {"name": "Dr Ada Byrne"}
    refused = client.post(edit, data=form | {"photo": (io.BytesIO(pdf_bytes()), "me.jpg")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "Choose a JPEG, PNG or WebP photo." in refused.text
    assert client.post(edit, data=form | {"photo": (io.BytesIO(photo_bytes()), "me.jpg")},
                       content_type="multipart/form-data").status_code == 302
    db.session.refresh(speaker)
    first = media.photos_folder.path_of(speaker.photo_key)
    assert Image.open(first).size == (400, 400)

    page = client.get(f"/speakers/{speaker.id}").text
    assert 'alt="Dr Ada Byrne"' in page and f"/speakers/{speaker.id}/photo?v=" in page
    served = client.get(f"/speakers/{speaker.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data == first.read_bytes()

    assert client.post(edit, data=form | {"photo": (io.BytesIO(photo_bytes(image_format="PNG")), "me.png")},
                       content_type="multipart/form-data").status_code == 302
    db.session.refresh(speaker)
    assert not first.exists() and media.photos_folder.path_of(speaker.photo_key).is_file()
    second = media.photos_folder.path_of(speaker.photo_key)
    assert client.post(edit, data=form | {"remove_photo": "y"}).status_code == 302
    db.session.refresh(speaker)
    assert speaker.photo_key is None and not second.exists()
    assert client.get(f"/speakers/{speaker.id}/photo").status_code == 404


def test_the_programme_shows_speakers_photos_beside_their_names_without_saying_the_name_twice(client, db):
    speaker = new_speaker("Prof. Lee Okafor")
    give_photo(speaker)
    event = new_event()
    new_session(event, speakers=[speaker])
    page = client.get(f"/events/{event.id}").text
    assert re.search(r'<img class="speaker-avatar" src="/speakers/\d+/photo\?v=[^"]+" alt="" [^>]*>\s*'
                     r'<a href="/speakers/\d+">Prof. Lee Okafor</a>', page)


def test_programme_archive_speaker_and_module_pages_run_a_fixed_number_of_queries(client, db, count_queries,
                                                                                   curriculum):
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    speaker = new_speaker("Dr Ada Byrne")
    give_photo(speaker)
    event = new_event("Past conference", days=2, starts_in=timedelta(days=-30))

    def grow(scale):
        for number in range(scale):
            past = new_event(f"Past {number}", starts_in=timedelta(days=-60 - number))
            for target in (event, past):
                talk = new_session(target, f"Talk {number}", day=0, speakers=[speaker], modules=[module])
                add_recording(talk, f"https://vimeo.com/{number}")
                add_slides(talk)
            db.session.commit()

    def counts():
        result = []
        for url in (f"/events/{event.id}", "/events/past", f"/speakers/{speaker.id}", "/modules/appeals-basics"):
            client.get(url)
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    grow(1)
    small = counts()
    grow(10)
    assert counts() == small
    assert db.session.scalar(select(func.count(SessionMaterial.id))) == 44
    assert db.session.scalar(select(func.count(Speaker.id))) == 1
