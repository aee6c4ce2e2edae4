"""The extension objects every area imports; `create_app` binds them."""
from flask import abort, has_request_context, request
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: the range of an INTEGER column: PostgreSQL refuses a value outside it (SQLite's is wider, so only PostgreSQL fails)
MIN_INT, MAX_INT = -2**31, 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database(SQLAlchemy):
    def paginate(self, select, *, page=None, per_page=None, max_per_page=100, **kwargs):
        """Flask-SQLAlchemy's, with `?per_page=` capped at 100, and a `?page=` so far on that its OFFSET would
        not fit an INTEGER not found (404), as a page past the last is, instead of a query PostgreSQL refuses."""
        asked = request.args.get("page", type=int) if page is None and has_request_context() else page
        if asked is not None and (asked - 1) * (per_page or max_per_page) > MAX_INT:
            abort(404)
        return super().paginate(select, page=page, per_page=per_page, max_per_page=max_per_page, **kwargs)


db = Database(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)
cache = Cache()

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
