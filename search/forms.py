"""The search form: a GET form, so every search has an address to share, bookmark or page through."""
from wtforms import SelectField, StringField
from wtforms.validators import Length

from core.forms import Form
from search.engine import Section

#: longer than any sensible search; the words past search.text.MAX_TERMS are ignored anyway
MAX_QUERY_LENGTH = 200


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search for", validators=[Length(max=MAX_QUERY_LENGTH, message=(
        f"Search for at most {MAX_QUERY_LENGTH} characters: a few distinctive words find more than a paragraph."))])
    section = SelectField("Show", default="", choices=[("", "Everything")] + [(s.slug, s.value) for s in Section])

    @property
    def chosen_section(self) -> Section | None:
        return Section[self.section.data.upper()] if self.section.data else None
