"""What each person is e-mailed: the one place that asks their notification settings.

Areas that e-mail a notice a person may turn off call `mail_notice` instead of `queue_mail`; the in-app
notice (core/notices.py), where there is one, is added whatever the setting. Session reminders read
`NotificationSettings.reminders` (mentoring/reminders.py).
"""
from accounts.models import EmailNotice, NotificationSettings, User
from core.extensions import db
from core.mail import queue_mail


def wants_email(user: User, notice: EmailNotice) -> bool:
    return getattr(NotificationSettings.of(user.id), notice.setting)


def mail_notice(user: User, notice: EmailNotice, subject: str, body: str, attachments=()) -> bool:
    """Queue the e-mail unless the person turned this kind of notice off; True when it was queued."""
    if not wants_email(user, notice):
        return False
    queue_mail(user.email, subject, body, attachments)
    return True


def save_settings(user: User, choices: dict[str, bool]) -> NotificationSettings:
    """Store the person's choices (columns named in `NotificationSettings.DEFAULTS`; one missing from `choices`,
    such as the digest for someone who leads no project, keeps its value); flushes, never commits."""
    settings = NotificationSettings.of(user.id)
    for name in NotificationSettings.DEFAULTS:
        if name in choices:
            setattr(settings, name, bool(choices[name]))
    db.session.add(settings)
    db.session.flush()
    return settings
