"""Bringing a team in from a CSV: every line judged with a reason, nothing written until the leader confirms."""
import io

import pytest
from sqlalchemy import func, select

from accounts.models import Invitation, InvitationRole
from accounts.team_import import MAX_ROWS, read_team_csv

ROLES = [InvitationRole.TRAINEE, InvitationRole.LEADER]
GOOD = "name,email,role\nAmira Khan,amira@example.org,trainee\nBen Cole,BEN@example.org,leader\n"


def _read(text: str, members=()):
    return read_team_csv(text.encode(), ROLES, set(members))


def test_a_good_file_is_ready_line_by_line():
    result = _read(GOOD)
    assert not result.errors
    assert [(row.line, row.email, row.role) for row in result.ready] == [
        (2, "amira@example.org", InvitationRole.TRAINEE), (3, "ben@example.org", InvitationRole.LEADER)]


@pytest.mark.parametrize("text, message", [
    ("email,name,role\nx@example.org,X,trainee\n", "line 1: the first line must name the columns"),
    ("name,email\nX,x@example.org\n", "line 1: the first line must name the columns"),
    ("name,email,role\n", "no people in it"),
    ("", "line 1: the first line must name the columns"),
])
def test_a_file_with_the_wrong_columns_is_refused_as_a_whole(text, message):
    result = _read(text)
    assert any(message in error for error in result.errors) and result.ready == []


def test_a_file_that_is_not_utf8_or_too_long_is_refused():
    assert "not UTF-8" in read_team_csv("name,email,role\nJosé,j@example.org,trainee\n".encode("latin-1"),
                                        ROLES, set()).errors[0]
    many = "name,email,role\n" + "".join(f"P {n},p{n}@example.org,trainee\n" for n in range(10_000))
    result = _read(many)
    assert result.errors == [f"The file has more than {MAX_ROWS:,} people. Import at most {MAX_ROWS:,} at a time."]
    assert result.ready == []


def test_each_bad_line_says_what_is_wrong():
    result = _read("name,email,role\n"
                   "=HYPERLINK(\"http://evil\"),f@example.org,trainee\n"
                   "No Address,not-an-address,trainee\n"
                   "Amira,amira@example.org,owner\n"
                   "Amira Again,amira@example.org,trainee\n"
                   "Member,member@example.org,trainee\n"
                   ",,\n"
                   "Good One,good@example.org,trainee\n", members={"member@example.org"})
    problems = {row.line: "; ".join(row.problems) for row in result.rows}
    assert "starts with “=”, which spreadsheets run as a formula" in problems[2]
    assert "“not-an-address” is not an e-mail address" in problems[3]
    assert "the role must be one of: caseworker, co-leader, leader, project leader, trainee" in problems[4]
    assert problems[5] == ""  # the first line with an address is kept; a later one is the duplicate
    assert "the same address as line 2" in _read(
        "name,email,role\nA,a@example.org,trainee\nB,a@example.org,trainee\n").rows[1].problems[0]
    assert "already a member of the project" in problems[6]
    assert 7 not in problems  # a blank line is skipped
    assert [row.email for row in result.ready] == ["amira@example.org", "good@example.org"]


def test_the_preview_writes_nothing_and_the_confirmation_invites_the_ready_lines_once(
        client, db, login_as, make_organisation, make_user, outbox):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    make_user("trainee", organisation, email="member@example.org")
    url = f"/organisations/{organisation.id}/import"
    text = GOOD + "Member,member@example.org,trainee\nBad,nope,trainee\n"
    preview = client.post(url, data={"preview": "Check the file", "csv_file": (io.BytesIO(text.encode()), "team.csv")},
                          content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 invitations ready to send" in page and "already a member" in page
    assert db.session.scalar(select(func.count(Invitation.id))) == 0 and outbox() == []

    for _ in range(2):  # a double submit refreshes the same invitations
        done = client.post(url, data={"confirm": "Send", "content": text})
        assert done.status_code == 200 and "amira@example.org" in done.get_data(as_text=True)
    invitations = db.session.scalars(select(Invitation).where(Invitation.organisation_id == organisation.id)).all()
    assert sorted((inv.email, inv.role) for inv in invitations) == [
        ("amira@example.org", InvitationRole.TRAINEE), ("ben@example.org", InvitationRole.LEADER)]
    assert {message["To"] for message in outbox()} == {"amira@example.org", "ben@example.org"}


def test_a_bad_file_gets_its_message_beside_the_upload(client, db, login_as, make_organisation, make_user):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    response = client.post(f"/organisations/{organisation.id}/import", content_type="multipart/form-data",
                           data={"preview": "Check", "csv_file": (io.BytesIO(b"a,b\n1,2\n"), "team.csv")})
    assert response.status_code == 400 and "the first line must name the columns" in response.get_data(as_text=True)
    assert client.post(f"/organisations/{organisation.id}/import",
                       data={"preview": "Check"}).status_code == 400  # no file
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
