"""The audit log's pages: administrators search it; everybody reads what it holds about them."""
from datetime import time, timedelta

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from accounts.forms import AuditSearchForm
from accounts.models import User
from core import audit
from core.audit import AuditEntry
from core.db import paginate
from core.permissions import require
from core.timezones import local_to_utc, viewer_timezone


def _page_of(query):
    return paginate(query.options(joinedload(AuditEntry.actor), joinedload(AuditEntry.subject)))


@login_required
def list_audit_entries():
    require(AuditEntry.can_search(current_user))
    form = AuditSearchForm(request.args)
    valid = form.validate()
    person, action = (form.person.data.strip(), form.action.data.strip()) if valid else ("", "")
    zone = viewer_timezone().key
    since = local_to_utc(form.since.data, time(0), zone) if valid and form.since.data else None
    before = local_to_utc(form.until.data + timedelta(days=1), time(0), zone) if valid and form.until.data else None
    people = None
    if person:
        pattern = f"%{person.lower()}%"
        people = select(User.id).where(or_(User.email.like(pattern), func.lower(User.display_name).like(pattern)))
    page = _page_of(audit.search(people, action, since, before))
    arguments = {name: request.args.get(name, "") for name in ("person", "action", "since", "until")} if valid else {}
    return render_template("accounts/list_audit_entries.html", form=form, page=page, arguments=arguments,
                           actions=audit.ACTIONS), 200 if valid else 400


@login_required
def show_security_activity():
    require(AuditEntry.can_see_own(current_user))
    page = _page_of(audit.about(current_user.id))
    return render_template("accounts/show_security_activity.html", page=page)
