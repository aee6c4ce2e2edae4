"""Who may use the privacy pages (each view `require`s one of these; the templates ask the same)."""


def can_export_own(user) -> bool:
    """Everyone signed in downloads what is held about them."""
    return user.is_authenticated


def can_manage_requests(user) -> bool:
    """Administrators decide requests for private notes and export anyone's data (a request made by post)."""
    return user.is_authenticated and user.is_admin
