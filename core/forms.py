from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A bare form for POST-only buttons (withdraw, approve, sign out): it carries the CSRF token."""
