"""One search box over courses, modules, lessons, resources and (for leaders and administrators) people."""
from flask import Blueprint, Flask

from courses.loader import content_loaded
from search import index, views

bp = Blueprint("search", __name__)
bp.add_url_rule("/search", view_func=views.show_results)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    # The index changes in the transaction that loads the content, so the two never disagree.
    content_loaded.connect(index.on_content_loaded, weak=False)
