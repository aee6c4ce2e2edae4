"""Every form and every query argument, as every role, with hostile input: no answer may be a 5xx.

The targets are found, not listed (tests/fuzz/crawl.py): each role opens every page the access matrix
lets it open, and every form on those pages is posted as that role, with one or more fields replaced by
generated values (control characters, very long or odd unicode text, huge, negative and non-numeric
numbers, impossible dates, times and time zones), fields left out or sent twice; every page is also
opened with the query arguments the views read, set to the same values. Each example starts from valid
values for the other fields, so the bad one reaches the code behind validation (and the database).

The normal suite runs a few examples per target with a fixed seed (derandomized, so failures reproduce);
`make fuzz` runs many more. Failures are collected over all targets and reported together.
"""
import io
import itertools
import traceback
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.db import utcnow
from core.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.fuzz.crawl import Field, Target, forms_on, query_arguments
from tests.modules.signoff_helpers import pdf_bytes
from tests.test_access import RULES

#: one of each kind of person; the "other_" roles of the access matrix share these roles' forms
FUZZED_ROLES = ["anonymous", "trainee", "leader", "mentor", "admin"]
#: routes whose page is not HTML, or which hand the session to someone else
SKIPPED = {"static", "bootstrap.static", "accounts.sign_out"}

LONG = [255, 256, 1_001, 5_001, 10_001, 100_001]
SPECIAL = [
    "", " ", "\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "\t", "a\r\nb", "\u2028", "\ufeff", "\u202e",
    "é", "😀", "İ", "ß" * 300, "-1", "0", "99999999999", "-99999999999", "2147483648", "9" * 40, "1e400",
    "NaN", "inf", "abc", "1.5", " 1 ", "0x10", "2026-02-30", "0001-01-01", "9999-12-31", "2026-13-01",
    "25:61", "24:00", "23:59:60", "Mars/Phobos", "UTC", "../../etc/passwd", "<script>", "' OR 1=1 --",
    "%00", "//evil.example", "/\tevil.example", "/%0A/x", "/\n/x", "javascript:alert(1)",
]

CONTROL = [chr(code) for code in range(0x20)] + ["\x7f"]
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
numbers = st.one_of(st.integers(-2**70, 2**70), st.sampled_from([2**31, -2**31 - 1, 2**63, 10**11])).map(str)
#: the edges: the first and last dates, and numbers just past a 32-bit and a 64-bit column
BOUNDARY = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "-1", "0",
            str(2**31), str(2**63), str(10**20)]
hostile = st.one_of(
    st.sampled_from(CONTROL).map(lambda char: f"a{char}b"),
    st.sampled_from(BOUNDARY),
    st.sampled_from(SPECIAL),
    numbers,
    st.sampled_from(LONG).map(lambda n: "x" * n),
    st.sampled_from(LONG).map(lambda n: "é" * n),
    st.one_of(st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()), st.times().map(str),
              st.timezone_keys(allow_prefix=False)),
    text,
)
hostile_files = st.sampled_from(["evil\x00.pdf", "a\x01.pdf", "x" * 300 + ".pdf", "../../answer.pdf", "", ".pdf",
                                 "answer.PDF", "é😀.pdf", "answer.png"])
_fresh = itertools.count(1)


def _good(draw, field: Field, people: dict) -> str | None:
    """A value that passes the field's checks, so the example's bad value gets as far as it can."""
    today = utcnow().date()
    by_name = {
        "password": TEST_PASSWORD, "confirm": TEST_PASSWORD, "start_date": str(today + timedelta(days=30)),
        "enrol_opens": str(today), "enrol_closes": str(today + timedelta(days=20)), "session_start": "10:00",
        "session_end": "13:00", "capacity": "10", "organisation_name": f"Fuzz Project {next(_fresh)}",
        "institution": "Fuzz University", "display_name": "Fuzz Person", "emails": f"fuzz{next(_fresh)}@example.org",
        "score": "1", "count": "1", "video_link": "https://video.example.org/room",
    }
    if field.name in by_name:
        return by_name[field.name]
    if field.kind == "email" or field.name == "email":
        # Signing in needs someone who exists; registering needs someone who does not.
        return draw(st.sampled_from([people["trainee"].email, f"fuzz{next(_fresh)}@example.org"]))
    if field.kind == "checkbox-unchecked":
        return draw(st.sampled_from([None, field.value]))
    if field.kind in ("radio", "select"):
        return field.value or next((option for option in field.options if option), "")
    if field.value.strip():
        return field.value
    return {"date": str(today + timedelta(days=30)), "time": "10:00", "number": "1",
            "hidden": ""}.get(field.kind, "Fuzzed words")


@st.composite
def submissions(draw, target: Target, people: dict, role: str, arguments: list[str]):
    """(form data, query string) for one request: valid values, with some replaced, dropped or doubled."""
    data = {}
    for field in target.fields:
        value = _good(draw, field, people)
        if field.kind == "file":
            value = (io.BytesIO(pdf_bytes()), "answer.pdf")
        if value is not None:
            data.setdefault(field.name, []).append(value)
    names = sorted({field.name for field in target.fields} | {"extra"})
    # One field, a few, or all of them at once with the same value (a NUL in every field finds the one
    # field that reaches the database unchecked, however many fields the form has).
    how_many = draw(st.sampled_from(["one", "some", "all"]))
    chosen = names if how_many == "all" else draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=1 if how_many == "one" else 3, unique=True))
    shared = draw(hostile)
    for name in chosen:
        how = draw(st.sampled_from(["replace", "replace", "append", "drop", "double"]))
        value = shared if how_many == "all" else draw(hostile)
        if how == "drop":
            data.pop(name, None)
        elif any(field.name == name and field.kind == "file" for field in target.fields):
            data[name] = [(io.BytesIO(pdf_bytes()), draw(hostile_files))]
        elif how == "double":
            data[name] = [*data.get(name, []), value]
        elif how == "append":
            data[name] = [f"{(data.get(name) or [''])[0]}{value}"]
        else:
            data[name] = [value]
    query = {}
    if target.method == "GET" or draw(st.booleans()):
        # The same: one query argument, a few, or every one the views read, set to one value.
        if draw(st.booleans()):
            query = dict.fromkeys(arguments, draw(hostile))
        else:
            query = {name: draw(hostile) for name in draw(st.lists(st.sampled_from(arguments), min_size=1,
                                                                   max_size=3, unique=True))}
    return data, query


def _client(app, user):
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def _send(client, target: Target, data: dict, query: dict):
    url = urlsplit(target.url)
    query = {**{k: v for k, v in (part.split("=", 1) for part in url.query.split("&") if "=" in part)}, **query}
    if target.method == "GET":
        return client.get(url.path, query_string={**query, **{k: v for k, v in data.items()}})
    multipart = any(isinstance(value, tuple) for values in data.values() for value in values)
    return client.post(url.path, query_string=query, data=data,
                       content_type="multipart/form-data" if multipart else None)


def _targets(app, world: dict, role: str) -> list[Target]:
    user = world["people"].get(role)
    found: dict[tuple, Target] = {}
    for (endpoint, method), (template, allowed) in sorted(RULES.items()):
        if role not in allowed or endpoint in SKIPPED:
            continue
        url = template.format(**world["ids"])
        if method == "POST":
            found.setdefault(("POST", url), Target("POST", url, [], f"the access matrix ({endpoint})"))
            continue
        response = _client(app, user).get(url)
        if role == next(r for r in FUZZED_ROLES[::-1] if r in allowed):
            # The page's query arguments, fuzzed once: by the most privileged role that may open it.
            found.setdefault(("GET", url), Target("GET", url, [], f"the access matrix ({endpoint})"))
        if response.status_code == 200 and response.mimetype == "text/html":
            for form in forms_on(url, response.get_data(as_text=True)):
                if urlsplit(form.url).path not in ("/sign-out",):
                    found[form.key] = form
    # A form found on a page replaces the bare POST to the same address from the access matrix.
    posted = {urlsplit(t.url).path for t in found.values() if t.method == "POST" and t.fields}
    return [t for key, t in found.items() if not (key[0] == "POST" and not t.fields and urlsplit(t.url).path in posted)]


@pytest.mark.parametrize("role", FUZZED_ROLES)
def test_no_input_gives_a_server_error(app, client, world, role):
    people, user = world["people"], world["people"].get(role)
    arguments = query_arguments()
    failures = []
    targets = _targets(app, world, role)
    assert targets, f"{role} found nothing to post"
    for target in targets:
        @given(submission=submissions(target, people, role, arguments))
        def post_it(submission):
            data, query = submission
            try:
                response = _send(_client(app, user), target, data, query)
            finally:
                db.session.rollback()
            assert response.status_code < 500, f"{response.status_code} from {target}"

        try:
            post_it()
        except Exception as error:  # noqa: BLE001  every target's failure is reported, not just the first
            failures.append(f"{target}\n{_explain(error)}")
    if failures:
        pytest.fail(f"{len(failures)} of {len(targets)} targets failed as {role}:\n\n" + "\n\n".join(failures),
                    pytrace=False)


def _explain(error: BaseException) -> str:
    """The exception, its falsifying example and the line of our code that raised it, for each distinct failure."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(_explain(sub) for sub in error.exceptions)
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/.venv/" not in f.filename and "/tests/" not in f.filename]
    where = f"{ours[-1].filename}:{ours[-1].lineno} in {ours[-1].name}" if ours else "(in a library)"
    notes = "\n    ".join(getattr(error, "__notes__", []))
    return f"  {type(error).__name__}: {str(error).splitlines()[0][:300]}\n    at {where}\n    {notes[:1200]}"
