"""Words around numbers: one place decides "1 member" and "2 members", so no page says "1 members"."""


def quantity(count: int, singular: str, plural: str | None = None) -> str:
    """`count` with its noun agreeing: quantity(1, "seat") == "1 seat"; quantity(3, "person", "people") == "3 people"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def seats_left(capacity: int, taken: int) -> str:
    """What a run's seat count says to someone about to enrol."""
    left = capacity - taken
    if left <= 0:
        return "Full — waitlist open"
    return f"{left} of {quantity(capacity, 'seat')} left"
