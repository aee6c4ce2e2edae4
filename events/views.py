"""Event routes: the public lists, event and speaker pages, and editing events, programmes and speakers."""
import csv
import io
from datetime import date

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from certificates.operations import normalise_code
from certificates.views import verification_limit
from core.db import paginate, utcnow
from core.errors import back_on_refusal
from core.extensions import db, limiter
from core.forms import ActionForm
from core.permissions import require
from core.spreadsheets import inert
from core.text import quantity
from core.urls import absolute_url
from core.web import private_attachment, safe_redirect_target
from events import checkin, choices, feedback, media, messages
from events import operations as ops
from events import registration as registrations
from events.attendance import attendance_pdf
from events.forms import (
    CheckInForm,
    CheckInSearchForm,
    EventForm,
    MessageForm,
    PublishForm,
    RegisterMembersForm,
    SessionForm,
    SpeakerForm,
    choose_sessions_form,
)
from events.media_views import session_editor
from events.models import (
    AttendanceCertificate,
    Event,
    EventRegistration,
    EventSession,
    MessageAudience,
    RegistrationState,
    Speaker,
)
from events.programme import by_day

_PROGRAMME = (selectinload(Event.organiser),
              selectinload(Event.sessions).selectinload(EventSession.speakers),
              selectinload(Event.sessions).selectinload(EventSession.modules),
              selectinload(Event.sessions).selectinload(EventSession.materials))


def _event_or_404(event_id: int, *options) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(*options))
    if event is None:
        abort(404)
    return event


def _session_or_404(event: Event, session_id: int) -> EventSession:
    session = db.session.scalar(select(EventSession).where(EventSession.id == session_id,
                                                           EventSession.event_id == event.id))
    if session is None:
        abort(404)
    return session


def list_events():
    now = utcnow()
    events = db.session.scalars(ops.upcoming_events(now)).all()
    unpublished = db.session.scalars(ops.organised_by(current_user)).all() if current_user.is_authenticated else []
    return render_template("events/list_events.html", events=events, unpublished=unpublished,
                           taken=registrations.places_taken(e.id for e in events + unpublished))


def list_past_events():
    page = paginate(ops.past_events(utcnow()))
    return render_template("events/list_past_events.html", page=page,
                           materials=media.materials_by_event(event.id for event in page.items))


def show_event(event_id: int):
    event = _event_or_404(event_id, *_PROGRAMME)
    require(event.can_view(current_user))
    mine = certificate = feedback_invitation = None
    if current_user.is_authenticated:
        mine = db.session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                                 EventRegistration.user_id == current_user.id))
    if mine is not None and event.is_past():
        certificate = db.session.scalar(select(AttendanceCertificate).where(
            AttendanceCertificate.registration_id == mine.id))
        feedback_invitation = feedback.invitation_for(event, current_user)
    chosen_sessions = [s.id for s in event.sessions if s.needs_choice]
    return render_template("events/show_event.html", event=event, days=by_day(event.sessions, event.zone),
                           mine=mine, certificate=certificate, feedback_invitation=feedback_invitation,
                           taken=registrations.places_taken([event.id]).get(event.id, 0),
                           session_taken=choices.places_taken(chosen_sessions) if chosen_sessions else {},
                           publish_form=PublishForm(publish="no" if event.is_published else "yes"),
                           action_form=ActionForm())


def show_speaker(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    talks = db.session.scalars(
        select(EventSession).join(Event).where(EventSession.speakers.contains(speaker), Event.is_published.is_(True))
        .order_by(EventSession.starts_at.desc()).options(selectinload(EventSession.event),
                                                          selectinload(EventSession.materials))).all()
    return render_template("events/show_speaker.html", speaker=speaker, talks=talks)


# -- registration ---------------------------------------------------------------

@login_required
def register_self(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_register(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    registration = registrations.register(event.id, current_user, current_user)
    db.session.commit()
    if registration.state is RegistrationState.REGISTERED:
        flash(f"You are registered for {event.title}. A confirmation with a calendar invitation is on its way.",
              "success")
    else:
        flash("The event is full, so you are on the waitlist. If a place frees up it is yours, and we will e-mail "
              "you.", "info")
    return redirect(url_for("events.show_event", event_id=event.id))


@login_required
def cancel_registration(registration_id: int):
    registration = db.get_or_404(EventRegistration, registration_id)
    require(registration.can_cancel(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    registrations.cancel(registration, current_user)
    db.session.commit()
    flash(f"The registration of {registration.user.display_name} for {registration.event.title} is cancelled.",
          "info")
    return redirect(safe_redirect_target(request.form.get("next_url"),
                                         url_for("events.show_event", event_id=registration.event_id)))


@login_required
def register_members(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_register_members(current_user))
    members = db.session.scalars(select(User).where(User.organisation_id == current_user.organisation_id,
                                                    User.is_active_account.is_(True))
                                 .order_by(User.display_name)).all()
    current = {r.user_id: r for r in db.session.scalars(select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.user_id.in_([m.id for m in members])))}
    form = RegisterMembersForm()
    form.member_ids.choices = [(m.id, m.display_name) for m in members
                               if m.id not in current or not current[m.id].is_active]
    if form.validate_on_submit():
        chosen = [m for m in members if m.id in set(form.member_ids.data)]
        results = [registrations.register(event.id, member, current_user) for member in chosen]
        db.session.commit()
        for state, message, category in ((RegistrationState.REGISTERED, "Registered", "success"),
                                         (RegistrationState.WAITLISTED, "The event is full; on the waitlist",
                                          "info")):
            names = [r.user.display_name for r in results if r.state is state]
            if names:
                flash(f"{message}: {', '.join(names)}.", category)
        return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/register_members.html", event=event, form=form, current=current,
                           taken=registrations.places_taken([event.id]).get(event.id, 0))


@login_required
def list_registrations(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    page = paginate(registrations.registrations_of(event))
    return render_template("events/list_registrations.html", event=event, page=page, action_form=ActionForm(),
                           taken=registrations.places_taken([event.id]).get(event.id, 0))


def _sender_key() -> str:
    return f"event-message:{current_user.get_id()}"


def _was_sent(response) -> bool:
    return response.status_code == 302


@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=_sender_key, deduct_when=_was_sent,
               error_message="You have sent 20 messages in the last hour. Wait a while before sending another.")
def message_registrants(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    form = MessageForm(sizes=messages.audience_sizes(event))
    preview = None
    if form.validate_on_submit():
        if form.send.data:
            message, is_new = messages.send_message(event, MessageAudience(form.audience.data),
                                                    form.subject.data.strip(), form.body.data.strip(), current_user,
                                                    form.request_key.data)
            db.session.commit()
            if is_new:
                flash(f"Message sent to {quantity(message.recipients, 'person', 'people')}.", "success")
            else:
                flash("This message had been sent already; it was not sent again.", "info")
            return redirect(url_for("events.message_registrants", event_id=event.id))
        preview = messages.preview(event, form.body.data.strip(), current_user)
    return render_template("events/message_registrants.html", event=event, form=form, preview=preview,
                           recipients=form.sizes.get(MessageAudience(form.audience.data)) if preview else None,
                           page=paginate(messages.messages_of(event))), 400 if form.errors else 200


def _registration_or_404(registration_id: int) -> EventRegistration:
    registration = db.session.scalar(select(EventRegistration).where(EventRegistration.id == registration_id)
                                     .options(selectinload(EventRegistration.event),
                                              selectinload(EventRegistration.user)))
    if registration is None:
        abort(404)
    return registration


def _qr_code(text: str, label: str) -> Markup:
    """A QR code as inline SVG (drawn on the server: no script, nothing fetched from elsewhere)."""
    svg = segno.make(text, error="m").svg_inline(scale=5, svgclass="qr-code", title=label)
    return Markup(svg)  # segno writes the markup itself; `label` is escaped by it


def _programme_of(event: Event) -> list[EventSession]:
    return db.session.scalars(select(EventSession).where(EventSession.event_id == event.id)
                              .options(selectinload(EventSession.speakers))).all()


@login_required
def show_ticket(registration_id: int):
    registration = _registration_or_404(registration_id)
    require(registration.can_view(current_user))
    event = registration.event
    door_url = absolute_url("events.check_in_code", event_id=registration.event_id, code=registration.code)
    sessions = _programme_of(event)
    chosen = choices.chosen_by([registration.id]).get(registration.id, set())
    return render_template("events/show_ticket.html", registration=registration, event=event,
                           qr_code=_qr_code(door_url, f"Check-in code {registration.code}"),
                           programme=by_day(choices.own_programme(sessions, chosen), event.zone),
                           has_choices=any(s.needs_choice for s in sessions))


@login_required
def choose_sessions(registration_id: int):
    registration = _registration_or_404(registration_id)
    require(registration.can_choose_sessions(current_user))
    event = registration.event
    sessions = _programme_of(event)
    groups = choices.choice_groups(sessions)
    chosen = choices.chosen_by([registration.id]).get(registration.id, set())
    form = choose_sessions_form(event, groups, chosen, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        back_on_refusal(url_for("events.choose_sessions", registration_id=registration.id))
        if choices.choose(registration, form.chosen_ids, current_user):
            db.session.commit()
            flash("Sessions saved. The programme is on its way by e-mail, with a calendar file.", "success")
        else:
            flash("Nothing changed: these are the sessions already chosen.", "info")
        return redirect(url_for("events.show_ticket", registration_id=registration.id))
    return render_template("events/choose_sessions.html", registration=registration, event=event, form=form,
                           taken=choices.places_taken(s.id for group in groups for s in group) if groups else {},
                           programme=by_day(choices.own_programme(sessions, chosen), event.zone)), \
        400 if form.errors else 200


# -- check-in -------------------------------------------------------------------

def _check_in_day(event: Event, wanted: str | None) -> date:
    days = {day.isoformat(): day for day in event.days}
    return days.get(wanted or "") or checkin.event_day(event) or event.days[0]


@login_required
def check_in_page(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    form = CheckInSearchForm(request.args, event=event)
    day = _check_in_day(event, request.args.get("day"))
    form.day.data = day.isoformat()
    found = checkin.find_at_the_door(event, form.q.data) if form.validate() else []
    return render_template("events/check_in.html", event=event, form=form, day=day, found=found,
                           checked_in=checkin.checked_in_on(event, day),
                           taken=registrations.places_taken([event.id]).get(event.id, 0),
                           action_form=CheckInForm(formdata=None, event=event))


@login_required
def check_in_code(event_id: int, code: str):
    """Where a ticket's QR code leads: the organiser sees who it is and checks them in with one tap."""
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    normalised = normalise_code(code)
    registration = db.session.scalar(select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.code == normalised)) if normalised else None
    day = _check_in_day(event, request.args.get("day"))
    status = 404 if registration is None else 200
    return render_template("events/check_in_code.html", event=event, registration=registration, day=day,
                           checked_in=checkin.checked_in_on(event, day),
                           action_form=CheckInForm(formdata=None, event=event)), status


@login_required
def check_in_person(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    form = CheckInForm(event=event)
    if not form.validate_on_submit():
        abort(400)
    registration = db.session.scalar(select(EventRegistration).where(
        EventRegistration.id == form.registration_id.data, EventRegistration.event_id == event.id))
    if registration is None:
        abort(404)
    back = url_for("events.check_in_page", event_id=event.id, day=form.day.data,
                   q=request.form.get("q", "")[:120] or None)
    back_on_refusal(back)
    result = checkin.check_in(registration, date.fromisoformat(form.day.data), current_user)
    db.session.commit()
    name = registration.user.display_name
    if result.is_new:
        flash(f"{name} is checked in.", "success")
    else:
        by = result.check_in.checked_in_by
        flash(f"{name} was already checked in at {event.local(result.check_in.checked_in_at, '%H:%M')}"
              f"{' by ' + by.display_name if by else ''}.", "info")
    return redirect(back)


@login_required
def export_attendance(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "E-mail", "Project", "Days checked in", "Hours", "Sessions chosen"])
    attendance = checkin.attendance_list(event)
    titles = {s.id: s.title for s in event.sessions}
    chosen = choices.chosen_by(registration.id for registration, _, _ in attendance)
    for registration, days, hours in attendance:
        user = registration.user
        writer.writerow([inert(user.display_name), user.email,
                         inert(user.organisation.name if user.organisation else ""),
                         " ".join(day.isoformat() for day in days), f"{hours:g}",
                         inert("; ".join(sorted(titles[i] for i in chosen.get(registration.id, ()))))])
    return private_attachment(out.getvalue(), "text/csv", f"attendance-event-{event.id}.csv")


@login_required
def download_attendance_certificate(registration_id: int):
    registration = _registration_or_404(registration_id)
    certificate = db.session.scalar(select(AttendanceCertificate).where(
        AttendanceCertificate.registration_id == registration.id))
    if certificate is None:
        abort(404)
    require(certificate.can_download(current_user))
    return private_attachment(attendance_pdf(certificate), "application/pdf", f"attendance-{certificate.code}.pdf")


@verification_limit
def verify_attendance(code: str):
    normalised = normalise_code(code)
    if normalised is not None and normalised != code:
        return redirect(url_for("events.verify_attendance", code=normalised))
    certificate = checkin.find_attendance_certificate(normalised) if normalised else None
    if certificate is None:
        return render_template("events/verify_attendance.html", code=code, certificate=None), 404
    days, hours = checkin.hours_attended(certificate.registration)
    return render_template("events/verify_attendance.html", code=code, certificate=certificate,
                           registration=certificate.registration, event=certificate.registration.event,
                           days=days, hours=hours)


# -- editing ------------------------------------------------------------------

@login_required
def list_managed_events():
    require(Event.can_create(current_user))
    page = paginate(select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
                    .options(selectinload(Event.organiser)))
    return render_template("events/list_managed_events.html", page=page)


@login_required
def create_event():
    require(Event.can_create(current_user))
    form = EventForm()
    if form.validate_on_submit():
        event = ops.save_event(None, form.event_values(), current_user)
        db.session.commit()
        flash(f"Event created: {event.title}. Add its programme, then publish it.", "success")
        return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/edit_event.html", form=form, event=None), 400 if form.errors else 200


@login_required
def edit_event(event_id: int):
    event = _event_or_404(event_id, selectinload(Event.sessions))
    require(event.can_edit(current_user))
    form = EventForm.for_event(event) if request.method == "GET" else EventForm(event=event)
    if form.validate_on_submit():
        values = form.event_values()
        if not Event.can_create(current_user):
            values.pop("organiser_id")  # an organiser cannot hand the event to someone else
        ops.save_event(event, values, current_user)
        db.session.commit()
        flash("Event saved.", "success")
        return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/edit_event.html", form=form, event=event), 400 if form.errors else 200


@login_required
def publish_event(event_id: int):
    event = _event_or_404(event_id)
    require(event.can_edit(current_user))
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    ops.set_published(event, form.publish.data == "yes", current_user)
    db.session.commit()
    flash("The event is published." if event.is_published else "The event is no longer published.", "success")
    return redirect(url_for("events.show_event", event_id=event.id))


def _edit_session(event: Event, session: EventSession | None):
    require(event.can_edit(current_user))
    chosen = choices.places_taken([session.id]).get(session.id, 0) if session is not None else 0
    if request.method == "GET" and session is not None:
        form = SessionForm.for_session(session, chosen)
    else:
        form = SessionForm(event=event, chosen=chosen)
    if form.validate_on_submit():
        ops.save_session(event, session, form.session_values(), form.speaker_ids.data or [],
                         form.module_ids.data or [], current_user)
        db.session.commit()
        flash("Programme saved.", "success")
        return redirect(url_for("events.show_event", event_id=event.id) + "#programme")
    if session is not None:
        return session_editor(event, session, form, status=400 if form.errors else 200)
    return render_template("events/edit_session.html", form=form, event=event, session=None), \
        400 if form.errors else 200


@login_required
def add_session(event_id: int):
    return _edit_session(_event_or_404(event_id), None)


@login_required
def edit_session(event_id: int, session_id: int):
    event = _event_or_404(event_id)
    return _edit_session(event, _session_or_404(event, session_id))


@login_required
def delete_session(event_id: int, session_id: int):
    event = _event_or_404(event_id)
    session = _session_or_404(event, session_id)
    require(event.can_edit(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.delete_session(session, current_user)
    db.session.commit()
    flash(f"Removed from the programme: {session.title}.", "info")
    return redirect(url_for("events.show_event", event_id=event.id) + "#programme")


@login_required
def list_speakers():
    require(Speaker.can_manage(current_user))
    page = paginate(select(Speaker).order_by(Speaker.name, Speaker.id))
    return render_template("events/list_speakers.html", page=page)


def _edit_speaker(speaker: Speaker | None):
    require(Speaker.can_manage(current_user))
    form = SpeakerForm(obj=speaker) if request.method == "GET" else SpeakerForm()
    if form.validate_on_submit():
        speaker = ops.save_speaker(speaker, {name: getattr(form, name).data.strip()
                                             for name in ("name", "role", "organisation", "biography")}, current_user)
        if form.prepared_photo is not None or form.remove_photo.data:
            media.set_photo(speaker, form.prepared_photo)
        db.session.commit()
        flash(f"Speaker saved: {speaker.name}.", "success")
        return redirect(url_for("events.show_speaker", speaker_id=speaker.id))
    return render_template("events/edit_speaker.html", form=form, speaker=speaker), 400 if form.errors else 200


@login_required
def create_speaker():
    return _edit_speaker(None)


@login_required
def edit_speaker(speaker_id: int):
    return _edit_speaker(db.get_or_404(Speaker, speaker_id))
