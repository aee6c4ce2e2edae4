"""What there is to post: every form on every page a role can open, and every query argument a view reads.

Forms are found in the rendered HTML rather than listed by hand, so a new form (or a new field on an old
one) is fuzzed as soon as a page shows it. Query arguments are found in the views' source
(`request.args.get("page")`), so a new one is fuzzed on every page as soon as a view reads it.
"""
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "certificates", "core", "courses", "dashboards", "mentoring", "modules", "team", "search")


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Target:
    method: str
    url: str
    fields: list[Field]
    found_on: str

    @property
    def key(self) -> tuple:
        return self.method, urlsplit(self.url).path, tuple(sorted({f.name for f in self.fields}))

    def __str__(self) -> str:
        return f"{self.method} {self.url} (fields {', '.join(sorted({f.name for f in self.fields})) or 'none'};" \
               f" found on {self.found_on})"


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.targets: list[Target] = []
        self._form: Target | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attrs.get("method", "get").upper()
            self._form = Target(method, urljoin(self.page_url, attrs.get("action") or self.page_url), [],
                                self.page_url)
        elif self._form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            value = attrs.get("value", "on" if kind == "checkbox" else "")
            if kind == "radio":
                # One field per radio group, its buttons' values as the options.
                group = next((f for f in self._form.fields if f.name == attrs["name"] and f.kind == "radio"), None)
                if group is None:
                    group = Field(attrs["name"], "radio")
                    self._form.fields.append(group)
                group.options.append(value)
                return
            if kind == "checkbox" and "checked" not in attrs:
                kind = "checkbox-unchecked"
            self._form.fields.append(Field(attrs["name"], kind, value))
        elif tag == "textarea":
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(attrs["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.targets.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_url: str, html: str) -> list[Target]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.targets


_READS = re.compile(r"""request\.(?:args|values)(?:\.get\(\s*|\[)["'](\w+)["']""")


def query_arguments() -> list[str]:
    """Every query argument a view reads by name, plus `page` and `per_page` (db.paginate reads them)."""
    names = {"page", "per_page"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            names.update(_READS.findall(path.read_text()))
    return sorted(names)
