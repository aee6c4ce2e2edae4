"""Bringing a team in from a spreadsheet: read a CSV of name, e-mail and role, and say what each row will do.

`read_team_csv` only reads and judges; nothing is written until the leader confirms
the preview, and then only the rows without a problem become invitations.
"""
import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from accounts.models import InvitationRole

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
COLUMNS = ("name", "email", "role")
#: what a spreadsheet starts a formula with: such a cell could run when someone opens an export of it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROLE_WORDS = {"trainee": InvitationRole.TRAINEE, "caseworker": InvitationRole.TRAINEE,
              "leader": InvitationRole.LEADER, "co-leader": InvitationRole.LEADER,
              "project leader": InvitationRole.LEADER}


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    role: InvitationRole | None
    problems: list[str] = field(default_factory=list)

    @property
    def is_ready(self) -> bool:
        return not self.problems


@dataclass
class TeamImport:
    rows: list[ImportRow] = field(default_factory=list)
    #: what is wrong with the file as a whole (nothing is imported while there is any)
    errors: list[str] = field(default_factory=list)

    @property
    def ready(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_ready] if not self.errors else []


def read_team_csv(data: bytes, allowed_roles: list[InvitationRole], members: set[str]) -> TeamImport:
    """Judge each row of the file; `members` are the addresses already in the project."""
    result = TeamImport()
    if len(data) > MAX_BYTES:
        result.errors.append(f"The file is larger than {MAX_BYTES // 1024} KB. Split it into smaller files.")
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not UTF-8 text. In your spreadsheet choose “CSV UTF-8” when saving.")
        return result
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower().replace("e-mail", "email") for cell in next(reader, [])]
    if tuple(header[:3]) != COLUMNS or any(header[3:]):
        result.errors.append("line 1: the first line must name the columns name, email, role (in that order); "
                             f"it has {', '.join(header) or 'nothing'}.")
        return result
    allowed = {word: role for word, role in ROLE_WORDS.items() if role in allowed_roles}
    first_line: dict[str, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(result.rows) == MAX_ROWS:
            result.errors.append(f"The file has more than {MAX_ROWS:,} people. Import at most {MAX_ROWS:,} at a time.")
            return result
        cells = [cell.strip() for cell in cells] + ["", "", ""]
        row = ImportRow(line=line, name=cells[0], email=cells[1].lower(), role=allowed.get(cells[2].lower()))
        _judge(row, cells, allowed, first_line, members)
        result.rows.append(row)
    if not result.rows:
        result.errors.append("The file has no people in it, only the line of column names.")
    return result


def _judge(row: ImportRow, cells: list[str], allowed: dict, first_line: dict[str, int], members: set[str]) -> None:
    if any(cell for cell in cells[3:]):
        row.problems.append("has more than three columns")
    for label, value in (("name", row.name), ("email", row.email), ("role", cells[2])):
        if value.startswith(FORMULA_STARTS):
            row.problems.append(f"the {label} starts with “{value[0]}”, which spreadsheets run as a formula")
    if not row.name:
        row.problems.append("the name is missing")
    elif len(row.name) > 120:
        row.problems.append("the name is longer than 120 characters")
    try:
        validate_email(row.email, check_deliverability=False)
    except EmailNotValidError:
        row.problems.append(f"“{row.email or '(empty)'}” is not an e-mail address")
    if row.role is None:
        row.problems.append(f"the role must be one of: {', '.join(sorted(allowed))}")
    if row.email in members:
        row.problems.append("already a member of the project")
    # Only a line that would be invited claims its address, so a corrected repeat further down still counts.
    if row.email in first_line:
        row.problems.append(f"the same address as line {first_line[row.email]}")
    elif not row.problems:
        first_line[row.email] = row.line
