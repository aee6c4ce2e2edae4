"""Sign-in, registration, invitations, organisations, roles and profiles."""
from flask import Blueprint, Flask

from accounts import security_views, sessions, views
from accounts.commands import accounts_cli
from accounts.models import Organisation, User
from core import audit
from core.audit import AuditEntry

bp = Blueprint("accounts", __name__)
bp.add_url_rule("/sign-in", view_func=views.sign_in, methods=["GET", "POST"])
bp.add_url_rule("/sign-in/two-factor", view_func=security_views.verify_two_factor, methods=["GET", "POST"])
bp.add_url_rule("/sign-out", view_func=views.sign_out, methods=["POST"])
bp.add_url_rule("/register", view_func=views.register, methods=["GET", "POST"])
bp.add_url_rule("/register/<token>", view_func=views.finish_registration, methods=["GET", "POST"])
bp.add_url_rule("/password/forgot", view_func=views.request_password_reset, methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<token>", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/profile", view_func=views.edit_profile, methods=["GET", "POST"])
bp.add_url_rule("/profile/notifications", view_func=views.edit_notifications, methods=["GET", "POST"])
bp.add_url_rule("/profile/sessions/end-others", view_func=views.end_other_sessions, methods=["POST"])
bp.add_url_rule("/profile/security", view_func=security_views.show_security_activity)
bp.add_url_rule("/profile/two-factor", view_func=security_views.set_up_two_factor, methods=["GET", "POST"])
bp.add_url_rule("/profile/two-factor/recovery-codes", view_func=security_views.replace_recovery_codes,
                methods=["POST"])
bp.add_url_rule("/profile/two-factor/disable", view_func=security_views.disable_two_factor, methods=["POST"])
bp.add_url_rule("/organisations/<int:organisation_id>", view_func=views.show_organisation)
bp.add_url_rule("/organisations/<int:organisation_id>/invitations", view_func=views.invite_members, methods=["POST"])
bp.add_url_rule("/organisations/<int:organisation_id>/members/<int:user_id>/deactivate",
                view_func=views.deactivate_member, methods=["GET", "POST"])
bp.add_url_rule("/organisations/<int:organisation_id>/import", view_func=views.import_team, methods=["GET", "POST"])
bp.add_url_rule("/invitations/<int:invitation_id>/revoke", view_func=views.revoke_invitation, methods=["POST"])
bp.add_url_rule("/invitations/accept/<token>", view_func=views.accept_invitation, methods=["GET", "POST"])
bp.add_url_rule("/admin/organisations", view_func=views.list_organisations)
bp.add_url_rule("/admin/organisations/<int:organisation_id>/decide", view_func=views.decide_organisation, methods=["POST"])
bp.add_url_rule("/admin/users", view_func=views.list_users)
bp.add_url_rule("/admin/users/<int:user_id>", view_func=views.edit_user, methods=["GET", "POST"])
bp.add_url_rule("/admin/audit", view_func=security_views.list_audit_entries)
bp.add_url_rule("/admin/users/<int:user_id>/two-factor/reset", view_func=security_views.reset_two_factor,
                methods=["POST"])
bp.add_url_rule("/admin/mentors/invite", view_func=views.invite_mentors, methods=["GET", "POST"])
bp.add_url_rule("/admin/projects/new", view_func=views.create_project, methods=["GET", "POST"])
bp.add_url_rule("/admin/mail", view_func=views.list_outgoing_mail)
bp.add_url_rule("/admin/mail/<int:mail_id>/retry", view_func=views.retry_outgoing_mail, methods=["POST"])
bp.add_url_rule("/notices", view_func=views.list_notices)
bp.add_url_rule("/notices/read", view_func=views.mark_notices_read, methods=["POST"])


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(security_views.close_app_until_set_up)
    app.after_request(sessions.record_last_seen)
    app.cli.add_command(accounts_cli)
    app.jinja_env.globals.update(can_list_organisations=Organisation.can_list, can_list_people=User.can_list,
                                 can_search_audit=AuditEntry.can_search, can_manage_mail=User.can_manage_mail,
                                 can_invite_mentors=User.can_invite_mentors, can_create_projects=Organisation.can_create)
    app.jinja_env.filters["audit_action"] = audit.describe
