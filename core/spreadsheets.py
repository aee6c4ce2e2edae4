"""CSV exports that a spreadsheet opens safely."""

#: characters a spreadsheet reads as the start of a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet would run as a formula (a name such as "=HYPERLINK(...)") prefixed with a quote,
    so it is shown, never executed."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
