"""Markdown for lessons and exercises: rendered by markdown-it-py, then sanitised by nh3."""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable(
    "table"
).enable("strikethrough")

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str, heading_offset: int = 0) -> Markup:
    """Safe HTML from Markdown; `heading_offset` demotes headings to fit the page outline."""
    html = _renderer.render(text or "")
    if heading_offset:
        for level in range(6, 0, -1):
            new = min(level + heading_offset, 6)
            html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return Markup(
        nh3.clean(
            html,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def render_lesson(title: str, body: str) -> str:
    """A lesson page's HTML, rendered once when the content is loaded: its Markdown, under an <h1> of the
    title unless the lesson opens with its own first-level heading."""
    heading = Markup("") if body.lstrip().startswith("# ") else Markup("<h1>{}</h1>\n").format(title)
    return str(heading + render_markdown(body))
