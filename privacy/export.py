"""Subject access (UK GDPR Art. 15 and 20): everything held about a person, as a ZIP of JSON, HTML and files.

Each area offers its part through `personal_data(user) -> dict` in its `personal_data` module; this module
only gathers the parts, so a new area with personal data adds one line to AREAS.
"""
import io
import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import select

import accounts.personal_data
import certificates.personal_data
import core.personal_data
import courses.personal_data
import events.personal_data
import mentoring.personal_data
import modules.personal_data
import plans.personal_data
from core import audit
from core.db import utcnow
from core.extensions import db
from privacy.models import NotesRequest, NotesRequestState

#: the areas holding personal data, in the order the export lists them
AREAS = (accounts.personal_data, courses.personal_data, modules.personal_data, mentoring.personal_data,
         certificates.personal_data, events.personal_data, plans.personal_data, core.personal_data)


def latest_notes_request(user) -> NotesRequest | None:
    return db.session.scalar(select(NotesRequest).where(NotesRequest.user_id == user.id)
                             .order_by(NotesRequest.requested_at.desc(), NotesRequest.id.desc()).limit(1))


def private_notes_released(user, now: datetime | None = None) -> bool:
    """True while an administrator's approval to include mentors' private notes holds."""
    request = latest_notes_request(user)
    return request is not None and request.is_approved_at(now or utcnow())


def ask_for_private_notes(user) -> NotesRequest:
    """Open a request for the private notes; a request already waiting is returned instead (a double click)."""
    request = latest_notes_request(user)
    if request is not None and request.is_pending:
        return request
    request = NotesRequest(user_id=user.id)
    db.session.add(request)
    db.session.flush()
    audit.record("privacy.notes_request", actor=user, subject=user, detail={"request_id": request.id})
    return request


def decide_notes_request(request: NotesRequest, approve: bool, by, reason: str = "") -> None:
    request.state = NotesRequestState.APPROVED if approve else NotesRequestState.DECLINED
    request.decided_at, request.decided_by_id, request.reason = utcnow(), by.id, reason.strip()
    db.session.flush()
    audit.record("privacy.notes_approve" if approve else "privacy.notes_decline", actor=by, subject=request.user_id,
                 detail={"request_id": request.id})


def collect(user, private_notes: bool) -> dict:
    """The machine-readable export: every area's part, plus the mentors' private notes when released."""
    data = {"generated_at": utcnow().isoformat(), "format": "Casework Academy personal data export, version 1",
            "times": "ISO 8601, UTC"}
    for area in AREAS:
        data |= area.personal_data(user)
    if private_notes:
        data["mentors_private_notes"] = mentoring.personal_data.private_notes_about(user)
    return data


def readable_in(zone_name: str):
    """A function showing the export's ISO times in `zone_name`, for the HTML pages."""
    zone = ZoneInfo(zone_name)

    def readable(value):
        if not value:
            return "—"
        moment = datetime.fromisoformat(value).astimezone(zone)
        return f"{moment:%-d %b %Y, %H:%M} {moment.tzname()}"

    return readable


def build_zip(user, by, private_notes: bool = False) -> bytes:
    """`data.json`, `summary.html` (the same, to read) and `files/` (the evidence files the person uploaded).

    Audited (flushed, not committed: the caller commits), `by` being the person asking or None for a command.
    """
    audit.record("privacy.export", actor=by, subject=user, detail={"private_notes": private_notes})
    data = collect(user, private_notes)
    summary = render_template("privacy/export_summary.html", data=data, when=readable_in(user.timezone),
                              private_notes=private_notes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("summary.html", summary)
        for name, path in modules.personal_data.files(user):
            archive.write(path, name)
    return buffer.getvalue()


def file_name(user, now: datetime | None = None) -> str:
    return f"casework-academy-data-{user.id}-{(now or utcnow()):%Y%m%d}.zip"
