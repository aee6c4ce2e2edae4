"""The one place access is enforced.

Rules live as `can_*` predicates on the models (next to the state they
read); views and templates call them, and views enforce them with
`require()`. Nothing else in the code base aborts with 403.
"""
from flask import abort
from flask_login import current_user


def require(allowed: bool) -> None:
    """Abort with 403 unless `allowed`; anonymous users are sent to sign in instead."""
    if allowed:
        return
    if not current_user.is_authenticated:
        from core.extensions import login_manager

        abort(login_manager.unauthorized())
    abort(403)
