"""Named signals that let higher layers react to changes of an account without this package importing them.

Receivers run inside the sending transaction, so what they write commits or rolls back with it.
"""
from blinker import Namespace

_signals = Namespace()

#: an account was deactivated (someone left their project): sent with the User as sender and by (who did it).
#: `mentoring` cancels the person's future sessions.
account_deactivated = _signals.signal("account-deactivated")
