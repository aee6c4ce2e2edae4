from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from core.db import lock_for_update, paginate, utcnow
from core.extensions import db
from core.forms import ActionForm, DateField
from core.permissions import require
from core.timezones import is_valid_timezone, viewer_timezone, zone_options
from core.web import private_attachment
from courses.models import Enrolment, EnrolmentState, Run, run_mentors
from mentoring import bookings as ops
from mentoring import calendar, slots
from mentoring.forms import AvailabilityForm, BookingForm, CancelForm, NotesForm, PlaceForm, RescheduleForm, parse_start
from mentoring.models import (
    Attendance,
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingState,
    CalendarFeed,
    MentorProfile,
)

TAKEN = "This time was just taken."


def _profile_or_404(mentor_id: int) -> MentorProfile:
    # The mentor and the few weekly windows join the profile's row; the date overrides, which accumulate, follow.
    profile = db.session.execute(select(MentorProfile).where(MentorProfile.mentor_id == mentor_id).options(
        joinedload(MentorProfile.mentor), joinedload(MentorProfile.windows),
        selectinload(MentorProfile.overrides))).unique().scalar_one_or_none()
    if profile is None:
        abort(404)
    return profile


def _booking_or_404(booking_id: int, lock: bool = False) -> Booking:
    booking = lock_for_update(Booking, booking_id) if lock else db.session.get(Booking, booking_id)
    if booking is None:
        abort(404)
    return booking


def _length(profile: MentorProfile, value: str | None) -> timedelta:
    """The session length asked for, in minutes; tampered values are a 400."""
    if not value:
        return timedelta(minutes=min(profile.session_lengths))
    if not value.isdigit() or int(value) not in profile.session_lengths:
        abort(400)
    return timedelta(minutes=int(value))


def _shown_zone() -> ZoneInfo:
    """The zone the picker shows times in: ?tz= when it names a real zone, else the viewer's own."""
    name = request.args.get("tz", "")
    return ZoneInfo(name) if is_valid_timezone(name) else viewer_timezone()


def _one_week(free: list[datetime], zone: ZoneInfo | None = None) -> dict:
    """The free slots of the week asked for (?week=0 is the next seven days), grouped by the day in `zone`.

    Also the first free time and the week it falls in, so the picker can
    offer it whatever week is shown.
    """
    zone = zone or viewer_timezone()
    week = request.args.get("week", 0, type=int)
    if week < 0 or week > 60:
        abort(400)
    today = utcnow().astimezone(zone).date()
    first = today + timedelta(weeks=week)
    days = {day: starts for day, starts in slots.by_local_day(free, zone).items()
            if first <= day < first + timedelta(weeks=1)}
    later = bool(free) and free[-1].astimezone(zone).date() >= first + timedelta(weeks=1)
    first_free = free[0] if free else None
    first_free_week = (first_free.astimezone(zone).date() - today).days // 7 if first_free else None
    return {"days": days, "week": week, "first_day": first, "has_later": later, "first_free": first_free,
            "first_free_week": first_free_week,
            "all_days": [(day, [(slot, slot.astimezone(zone)) for slot in days.get(day, [])])
                         for day in (first + timedelta(days=n) for n in range(7))]}


def _minutes(length: timedelta) -> int:
    return int(length.total_seconds() // 60)


@login_required
def list_mentors():
    require(MentorProfile.can_browse(current_user))
    query = (select(MentorProfile).join(User, User.id == MentorProfile.mentor_id)
             .where(User.is_active_account.is_(True), User.is_mentor.is_(True), MentorProfile.bookable_by(current_user))
             .order_by(User.display_name).options(selectinload(MentorProfile.mentor)))
    return render_template("mentoring/list_mentors.html", page=paginate(query))


@login_required
def book_slot(mentor_id: int):
    profile = _profile_or_404(mentor_id)
    require(profile.can_book(current_user))
    length = _length(profile, request.values.get("length"))
    start = parse_start(request.values.get("start")) if request.values.get("start") else None
    if request.values.get("start") and start is None:
        abort(400)
    form = BookingForm() if start is not None else None  # the week of free times has no booking form
    problem, status = None, 200
    if form is not None and form.validate_on_submit():
        options = dict(topic=form.topic.data.strip(), agenda=form.agenda.data or "",
                       module_id=form.module_id.data or None, request_key=form.request_key.data or None)
        try:
            if form.count.data == 1:
                booking = ops.book(profile, current_user, current_user, start, length, **options)
                db.session.commit()
                flash("Your session is booked. An invitation is on its way by e-mail.", "success")
                return redirect(url_for("mentoring.show_booking", booking_id=booking.id))
            booked = ops.book_series(profile, current_user, current_user, start, length, form.count.data,
                                     form.every_weeks.data, **options)
            db.session.commit()
            flash(f"{len(booked)} sessions are booked. The invitations are on their way by e-mail.", "success")
            if note := ops.clock_change_note(booked, profile.timezone):
                flash(note, "warning")
            return redirect(url_for("mentoring.list_sessions"))
        except ops.SlotTaken as taken:
            db.session.rollback()
            problem, status = {"alternatives": taken.alternatives}, taken.status
        except ops.SeriesConflict as conflict:
            db.session.rollback()
            problem, status = {"conflicts": conflict.conflicts}, conflict.status
    free = [] if start else ops.free_slots(profile, current_user.id, length)
    zone = _shown_zone()
    return render_template("mentoring/book_slot.html", profile=profile, length=_minutes(length), start=start,
                           form=form, problem=problem, taken_message=TAKEN, zone=zone.key,
                           zone_options=zone_options(zone.key), **_one_week(free, zone)), status


@login_required
def list_sessions():
    show = request.args.get("show", "upcoming")
    if show not in ("upcoming", "past", "needs-notes"):
        abort(404)
    now = utcnow()
    query = (select(Booking).where(or_(Booking.learner_id == current_user.id, Booking.mentor_id == current_user.id))
             .options(selectinload(Booking.mentor), selectinload(Booking.learner), selectinload(Booking.module)))
    if show == "needs-notes":
        query = ops.needing_notes(query, current_user.id, now).order_by(Booking.starts_at.desc())
    elif show == "past":
        query = query.where(Booking.ends_at < now).order_by(Booking.starts_at.desc())
    else:
        query = query.where(Booking.ends_at >= now).order_by(Booking.starts_at)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    return render_template("mentoring/list_sessions.html", page=paginate(query), show=show, feed=feed, action_form=ActionForm())


@login_required
def show_booking(booking_id: int):
    booking = _booking_or_404(booking_id)
    require(booking.can_view(current_user))
    later = ops.later_in_series(booking) if booking.can_cancel(current_user) else []
    return _render_booking(booking, CancelForm(later_count=len(later)))


def _render_booking(booking: Booking, cancel_form: CancelForm, status: int = 200):
    return render_template("mentoring/show_booking.html", booking=booking, cancel_form=cancel_form,
                           calendar=calendar), status


@login_required
def change_place(booking_id: int):
    booking = _booking_or_404(booking_id, lock=request.method == "POST")
    require(booking.can_change_place(current_user))
    form = PlaceForm()
    if request.method == "GET" and booking.place:
        form.place_type.data, form.place_detail.data = booking.place_kind.name, booking.place_value
    if form.validate_on_submit():
        if ops.change_place(booking, current_user, form.place.kind, form.place.value):
            db.session.commit()
            flash("The meeting place is changed. Updated invitations are on their way by e-mail.", "success")
        return redirect(url_for("mentoring.show_booking", booking_id=booking.id))
    return render_template("mentoring/change_place.html", booking=booking, form=form)


@login_required
def download_booking_calendar(booking_id: int):
    booking = _booking_or_404(booking_id)
    require(booking.can_add_to_calendar(current_user))
    return private_attachment(calendar.single_event(booking), "text/calendar", f"mentoring-session-{booking.id}.ics")


@login_required
def cancel_booking(booking_id: int):
    booking = _booking_or_404(booking_id, lock=True)
    if booking.state is BookingState.CANCELLED and booking.can_view(current_user):
        flash("This session is already cancelled.", "info")
        return redirect(url_for("mentoring.show_booking", booking_id=booking.id))
    require(booking.can_cancel(current_user))
    later = ops.later_in_series(booking, lock=True)
    form = CancelForm(later_count=len(later))
    if not form.validate_on_submit():
        return _render_booking(booking, form, 400)
    cancelled = [booking, *later] if later and form.include_later.data else [booking]
    ops.cancel(cancelled, current_user, form.reason.data.strip())
    db.session.commit()
    what = "The session is cancelled" if len(cancelled) == 1 else f"{len(cancelled)} sessions are cancelled"
    flash(f"{what}, and the time is free again. We have told you both by e-mail.", "info")
    return redirect(url_for("mentoring.show_booking", booking_id=booking.id))


@login_required
def reschedule_booking(booking_id: int):
    booking = _booking_or_404(booking_id, lock=request.method == "POST")
    require(booking.can_reschedule(current_user))
    form = RescheduleForm()
    problem, status = None, 200
    if form.validate_on_submit():
        start = parse_start(form.start.data)
        if start is None:
            problem, status = {"unchosen": True}, 400
        else:
            try:
                ops.reschedule(booking, current_user, start)
                db.session.commit()
                flash("The session is moved. Updated invitations are on their way by e-mail.", "success")
                return redirect(url_for("mentoring.show_booking", booking_id=booking.id))
            except ops.SlotTaken as taken:
                db.session.rollback()
                problem, status = {"alternatives": taken.alternatives}, taken.status
    profile = _profile_or_404(booking.mentor_id)
    free = ops.free_slots(profile, booking.learner_id, booking.ends_at - booking.starts_at,
                          ignore_booking_id=booking.id)
    return render_template("mentoring/reschedule_booking.html", booking=booking, form=form, problem=problem,
                           taken_message=TAKEN, **_one_week(free)), status


@login_required
def edit_notes(booking_id: int):
    booking = _booking_or_404(booking_id)
    require(booking.can_write_notes(current_user))
    form = NotesForm(obj=booking, session_started=booking.has_started())
    if request.method == "GET":
        form.attendance.data = booking.attendance.name if booking.attendance else ""
    if form.validate_on_submit():
        ops.save_notes(booking, current_user, Attendance[form.attendance.data] if form.attendance.data else None,
                       form.private_note.data or "", form.shared_note.data or "", form.action_points.data or "")
        db.session.commit()
        flash("Notes saved.", "success")
        return redirect(url_for("mentoring.show_booking", booking_id=booking.id))
    return render_template("mentoring/edit_notes.html", booking=booking, form=form)


@login_required
def edit_availability():
    require(MentorProfile.can_publish_availability(current_user))
    profile = ops.profile_of(current_user.id) or MentorProfile.with_defaults(current_user)
    form = AvailabilityForm(obj=profile)
    if request.method == "GET":
        form.place_type.data = profile.place_kind.name if profile.place_kind else ""
        form.place_detail.data = profile.place_value
        rules = profile.rules()
        # A mentor's first visit starts from office hours, Monday to Friday; nothing is saved until they save.
        windows = rules.windows if profile.id is not None else slots.OFFICE_HOURS
        form.fill(windows, rules.overrides)
        form.weekly_hours.data = slots.format_windows(windows)
        form.date_changes.data = slots.format_overrides(rules.overrides)
    if request.method == "POST" and request.form.get("action"):
        focus = form.apply(request.form["action"])
        return render_template("mentoring/edit_availability.html", form=form, focus=focus)
    if form.validate_on_submit():
        profile = ops.ensure_profile(current_user)
        for name in form.SETTINGS:
            setattr(profile, name, form[name].data)
        profile.session_lengths = sorted(form.session_lengths.data)
        profile.place_kind = form.place.kind if form.place else None
        profile.place_value = form.place.value if form.place else ""
        profile.windows = [AvailabilityWindow(weekday=w.weekday, start_time=w.start, end_time=w.end)
                           for w in form.parsed_windows]
        profile.overrides = [AvailabilityOverride(on_date=o.day, start_time=o.start, end_time=o.end)
                             for o in form.parsed_overrides]
        db.session.commit()
        flash("Your availability is saved. New slots are bookable at once; existing bookings keep their times and "
              "meeting place (change a session's place on its page).", "success")
        return redirect(url_for("mentoring.show_week"))
    return render_template("mentoring/edit_availability.html", form=form, focus=None)


@login_required
def show_week():
    require(MentorProfile.can_publish_availability(current_user))
    zone = viewer_timezone()
    try:
        chosen = date.fromisoformat(request.args["start"]) if request.args.get("start") else utcnow().astimezone(zone).date()
    except ValueError:
        abort(400)
    if not DateField.EARLIEST <= chosen <= DateField.LATEST:  # the week around 9999-12-31 would overflow
        abort(404)
    monday = chosen - timedelta(days=chosen.weekday())
    week_from = datetime.combine(monday, time(0), tzinfo=zone)
    week_until = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    profile = ops.profile_of(current_user.id)
    open_hours = slots.open_intervals(profile.rules(), monday - timedelta(days=1), monday + timedelta(days=7)) \
        if profile else []
    sessions = db.session.scalars(
        select(Booking).where(Booking.mentor_id == current_user.id, Booking.state == BookingState.CONFIRMED,
                              Booking.starts_at >= week_from, Booking.starts_at < week_until)
        .order_by(Booking.starts_at).options(selectinload(Booking.learner))).all()
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        days.append({"day": day,
                     "open": [(a, b) for a, b in open_hours if a.astimezone(zone).date() == day],
                     "sessions": [s for s in sessions if s.starts_at.astimezone(zone).date() == day]})
    return render_template("mentoring/show_week.html", days=days, profile=profile, monday=monday,
                           previous_week=monday - timedelta(weeks=1), next_week=monday + timedelta(weeks=1))


@login_required
def show_overview():
    require(Booking.can_see_overview(current_user))
    zone = viewer_timezone()
    since = utcnow() - timedelta(days=366)
    rows = db.session.execute(select(Booking.mentor_id, Booking.starts_at, Booking.state, Booking.attendance)
                              .where(Booking.starts_at >= since)).all()
    counts = ops.overview(rows, zone)
    mentors = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({mentor_id for mentor_id, _ in counts})))}
    return render_template("mentoring/show_overview.html", counts=counts, mentors=mentors)


@login_required
def regenerate_feed():
    if not ActionForm().validate_on_submit():
        abort(400)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    if feed is None:
        db.session.add(CalendarFeed(user_id=current_user.id))
    else:
        feed.token = CalendarFeed.new_token()
    db.session.commit()
    flash("Your calendar feed has a new private address; the old one no longer works.", "success")
    return redirect(url_for("mentoring.list_sessions"))


def calendar_feed(token: str):
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)
                             .options(selectinload(CalendarFeed.user)))
    if feed is None or not feed.user.is_active:
        abort(404)
    user_id = feed.user_id
    sessions = db.session.scalars(
        select(Booking).where(or_(Booking.learner_id == user_id, Booking.mentor_id == user_id),
                              Booking.starts_at >= utcnow() - timedelta(days=90))
        .order_by(Booking.starts_at).limit(1000)
        .options(selectinload(Booking.mentor), selectinload(Booking.learner))).all()
    enrolled = select(Enrolment.run_id).where(Enrolment.user_id == user_id, Enrolment.state == EnrolmentState.ENROLLED)
    mentored = select(run_mentors.c.run_id).where(run_mentors.c.user_id == user_id)
    runs = [run for run in db.session.scalars(
        select(Run).where(or_(Run.id.in_(enrolled), Run.id.in_(mentored)),
                          Run.ends_at >= utcnow() - timedelta(days=90))
        .order_by(Run.starts_at).limit(500).options(selectinload(Run.course)))
        if run.course.format.is_workshop]
    return Response(calendar.feed(sessions, runs), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=casework-academy.ics",
                             "Cache-Control": "private, max-age=300"})
