"""Named signals that let higher layers react to a learner's progress without this package importing them.

Receivers run inside the sending transaction, so what they write commits or
rolls back with the action that caused it. `certificates` connects to both.
"""
from blinker import Namespace

_signals = Namespace()

#: a learner may have completed modules: the last lesson read, a passing attempt, a mark, a sign-off.
#: Sent with learner_id, module_ids and now (the action's time).
module_progressed = _signals.signal("module-progressed")

#: a mentor's sign-off on a module was revoked, so what depended on the module being complete no longer holds.
#: Sent with the SignOff as sender and by (who revoked) and reason.
sign_off_revoked = _signals.signal("sign-off-revoked")
