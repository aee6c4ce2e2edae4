"""Words around numbers: one place decides "1 member" and "2 members", so no page says "1 members"."""


def quantity(count: int, singular: str, plural: str | None = None) -> str:
    """`count` with its noun agreeing: quantity(1, "seat") == "1 seat"; quantity(3, "person", "people") == "3 people"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def seats_left(capacity: int, taken: int, noun: str = "seat", full: str = "Full — waitlist open") -> str:
    """What a count of places says to someone about to take one: "3 of 20 seats left", or `full`."""
    left = capacity - taken
    if left <= 0:
        return full
    return f"{left} of {quantity(capacity, noun)} left"
