import pytest

from core.config import ConfigError, load_config, normalise_database_url


def test_development_generates_a_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) == 64 and load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config(tmp_path)


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_defaults_need_nothing_installed(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER", "TIMEZONE", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'casework.db'}"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["TIMEZONE"] == "Europe/London"
    assert config["MAIL_OUTBOX"] == str(tmp_path / "outbox")


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected
