"""Configuration from the environment, with zero-set-up defaults for development."""
import os
import secrets
from datetime import date
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised at start-up when production settings are missing or unsafe."""


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'casework.db'}"
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs (as hosting providers hand them out) at psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path, is_production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if is_production:
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dates(text: str) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise ConfigError(f"MARKING_CLOSED_DATES: {error}; give dates as 2026-12-25,2026-12-28") from error


ROLES = ("admin", "mentor", "leader", "trainee")


def _required_roles(is_production: bool) -> frozenset[str]:
    value = os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "admin,mentor" if is_production else "")
    roles = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = roles - set(ROLES)
    if unknown:
        raise ConfigError(f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))} "
                          f"(use {', '.join(ROLES)}).")
    return frozenset(roles)


def load_config(instance_path: Path) -> dict:
    """Build the settings dict; documented setting by setting in README.md."""
    instance_path.mkdir(parents=True, exist_ok=True)
    is_production = os.environ.get("APP_ENV", "development") == "production"
    return {
        "APP_ENV": "production" if is_production else "development",
        "SECRET_KEY": _secret_key(instance_path, is_production),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TIMEZONE": os.environ.get("TIMEZONE", "Europe/London"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        #: page fragments kept between requests (core/cache.py): in each process by default, shared through Redis
        #: by every worker and machine once CACHE_REDIS_URL is set; NullCache keeps nothing
        "CACHE_TYPE": os.environ.get("CACHE_TYPE") or ("RedisCache" if os.environ.get("CACHE_REDIS_URL")
                                                       else "SimpleCache"),
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL", ""),
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "casework:"),
        "CACHE_DEFAULT_TIMEOUT": int(os.environ.get("CACHE_DEFAULT_TIMEOUT", str(24 * 3600))),
        "CACHE_NO_NULL_WARNING": True,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Casework Academy <no-reply@casework-academy.local>"
        ),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", str(instance_path / "outbox")),
        #: send each message right after its commit from the committing process (a worker retries failures)
        "MAIL_SEND_AFTER_COMMIT": _flag("MAIL_SEND_AFTER_COMMIT", True),
        #: how long a worker leaves a message alone while the committing process sends it
        "MAIL_AFTER_COMMIT_GRACE": int(os.environ.get("MAIL_AFTER_COMMIT_GRACE", "120")),
        #: how many messages of one transaction are sent that way; the rest are left to the delivery workers
        "MAIL_SEND_AFTER_COMMIT_LIMIT": int(os.environ.get("MAIL_SEND_AFTER_COMMIT_LIMIT", "20")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        #: how long a worker holds the messages it claimed before another may take them
        "MAIL_LEASE_SECONDS": int(os.environ.get("MAIL_LEASE_SECONDS", "300")),
        #: sign-off evidence files; outside static/, served only through permission-checked views
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        "BASE_URL": os.environ.get("BASE_URL", ""),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        #: how often a process asks whether another has loaded new content (courses/structure.py)
        "CURRICULUM_CHECK_SECONDS": float(os.environ.get("CURRICULUM_CHECK_SECONDS", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": is_production,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        #: people holding any of these roles must set up two-factor sign-in before using the app
        "TWO_FACTOR_REQUIRED_ROLES": _required_roles(is_production),
        #: rows per page of every paginated list (`core.db.paginate`)
        "PAGE_SIZE": 25,
        #: a module not reviewed for this many months shows readers a notice and is listed for administrators
        "CONTENT_REVIEW_MONTHS": int(os.environ.get("CONTENT_REVIEW_MONTHS", "12")),
        #: mentors aim to mark written answers within this many working days (Monday to Friday) of submission
        "MARKING_TURNAROUND_WORKING_DAYS": int(os.environ.get("MARKING_TURNAROUND_WORKING_DAYS", "5")),
        #: days that are not working days besides weekends (bank holidays), as ISO dates separated by commas
        "MARKING_CLOSED_DATES": _dates(os.environ.get("MARKING_CLOSED_DATES", "")),
    }
