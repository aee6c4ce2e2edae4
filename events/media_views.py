"""Routes for a session's recordings and slides (added in the session editor) and speakers' photos."""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core.extensions import db
from core.forms import ActionForm
from core.permissions import require
from events import media
from events.forms import RecordingForm, SessionForm, SlidesForm
from events.models import Event, EventSession, MaterialKind, SessionMaterial, Speaker


def _session_of(event_id: int, session_id: int) -> tuple[Event, EventSession]:
    session = db.session.scalar(select(EventSession).where(EventSession.id == session_id,
                                                           EventSession.event_id == event_id))
    if session is None:
        abort(404)
    return session.event, session


def session_editor(event: Event, session: EventSession, form: SessionForm | None = None,
                   recording_form: RecordingForm | None = None, slides_form: SlidesForm | None = None,
                   status: int = 200):
    """The session editor: the session's own form, then its recordings and slides with the forms that add them."""
    return render_template(
        "events/edit_session.html", event=event, session=session, form=form or SessionForm.for_session(session),
        recording_form=recording_form or RecordingForm(formdata=None, prefix="recording"),
        slides_form=slides_form or SlidesForm(formdata=None, prefix="slides"), action_form=ActionForm()), status


def _back_to_materials(event: Event, session: EventSession):
    return redirect(url_for("events.edit_session", event_id=event.id, session_id=session.id) + "#materials")


@login_required
def add_recording(event_id: int, session_id: int):
    event, session = _session_of(event_id, session_id)
    require(event.can_edit(current_user))
    form = RecordingForm(prefix="recording")
    if not form.validate_on_submit():
        return session_editor(event, session, recording_form=form, status=400)
    media.add_material(session, MaterialKind.RECORDING, form.label.data.strip(), form.request_key.data,
                       current_user, url=form.url.data)
    db.session.commit()
    flash(f"Recording added to {session.title}.", "success")
    return _back_to_materials(event, session)


@login_required
def upload_slides(event_id: int, session_id: int):
    event, session = _session_of(event_id, session_id)
    require(event.can_edit(current_user))
    form = SlidesForm(prefix="slides")
    if not form.validate_on_submit():
        return session_editor(event, session, slides_form=form, status=400)
    media.add_material(session, MaterialKind.SLIDES, form.label.data.strip(), form.request_key.data, current_user,
                       slides=form.checked_file)
    db.session.commit()
    flash(f"Slides added to {session.title}.", "success")
    return _back_to_materials(event, session)


@login_required
def remove_material(event_id: int, session_id: int, material_id: int):
    event, session = _session_of(event_id, session_id)
    require(event.can_edit(current_user))
    material = db.session.scalar(select(SessionMaterial).where(SessionMaterial.id == material_id,
                                                               SessionMaterial.session_id == session.id))
    if material is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    media.remove_material(material, current_user)
    db.session.commit()
    flash(f"Removed from {session.title}: {material.title}.", "info")
    return _back_to_materials(event, session)


def download_slides(event_id: int, material_id: int):
    """Slides are as public as their event: a PDF opens in the browser, anything else is downloaded."""
    material = db.session.scalar(select(SessionMaterial).join(SessionMaterial.session).where(
        SessionMaterial.id == material_id, EventSession.event_id == event_id,
        SessionMaterial.kind == MaterialKind.SLIDES))
    if material is None or not media.slides_folder.path_of(material.file_key).is_file():
        abort(404)
    require(material.session.event.can_view(current_user))
    response = send_file(media.slides_folder.path_of(material.file_key), mimetype=material.file_type,
                         as_attachment=material.file_type != media.SLIDES["pdf"], download_name=material.file_name,
                         max_age=0)
    # Nothing in the file may run or be framed as if it were one of our pages.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def show_speaker_photo(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    if speaker.photo_key is None or not media.photos_folder.path_of(speaker.photo_key).is_file():
        abort(404)
    # The address carries the photo's key (`?v=`), so a new photo is a new address and this one can be kept.
    return send_file(media.photos_folder.path_of(speaker.photo_key), mimetype="image/jpeg", max_age=86400)
