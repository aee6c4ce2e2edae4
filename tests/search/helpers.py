"""Search test helpers: the fixture curriculum with more modules and lessons, loaded through the real loader."""
import copy
import datetime

from core.extensions import db
from courses.loader import apply_curriculum


def lesson(slug: str, title: str, body: str, position: int = 0) -> dict:
    return {"slug": slug, "title": title, "body": body, "minutes": 10, "position": position}


def module(slug: str, title: str, lessons: list[dict], summary: str = "A module.", resources=(), sources=()) -> dict:
    return {"slug": slug, "title": title, "summary": summary, "jurisdictions": ["England and Wales"],
            "outcomes": ["Do the thing."], "lessons": lessons,
            "resources": [{"title": title, "url": url, "note": note} for title, url, note in resources],
            "sources": [{"title": title, "url": url, "note": ""} for title, url in sources] or
                       [{"title": "A source", "url": "https://example.org/", "note": ""}],
            "reviewed_on": datetime.date(2026, 1, 15), "reviewed_by": "Tests", "is_sign_off_required": False,
            "exercise": "", "criteria": [], "quiz": None}


def load(fixture_curriculum, modules=(), edit=None):
    """Load the fixture curriculum plus `modules` (their own course, "extra-course"); `edit(curriculum)` may change it."""
    curriculum = copy.deepcopy(fixture_curriculum)
    curriculum.modules.extend(modules)
    if modules:
        curriculum.courses.append({
            "slug": "extra-course", "title": "Extra course", "format": curriculum.courses[0]["format"],
            "summary": "More modules.", "audience": "", "position": len(curriculum.courses), "weeks": None,
            "check_in_weeks": [], "certificate_valid_years": None,
            "modules": [(each["slug"], None) for each in modules]})
    if edit:
        edit(curriculum)
    summary = apply_curriculum(curriculum)
    db.session.commit()
    return summary


def many_modules(count: int, lessons_each: int = 5) -> list[dict]:
    """`count` modules whose every lesson, title and resource mentions evidence: a larger index to search."""
    return [module(f"bulk-{number}", f"Evidence topic {number}", [
        lesson(f"{place:02d}-part", f"Part {place} on evidence",
               f"Paragraph {place} about evidence, corroboration and disclosure. " * 40, place)
        for place in range(lessons_each)],
        resources=[(f"Evidence reading {number}", "https://example.org/reading", "On evidence.")])
        for number in range(count)]
