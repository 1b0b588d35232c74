"""The example site's production settings: safe values, a clean deploy check,
and real connections to PostgreSQL and Redis."""

import importlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
MANAGE = REPO / "example_site" / "manage.py"

PRODUCTION_ENV = {
    "SECRET_KEY": "production-test-" + "k" * 50,
    "KANSKAART_STATUS_TOKEN_SECRET": "status-token-test-" + "s" * 40,
    "ALLOWED_HOSTS": "kanskaart.example.org,.roosendaal.example.org",
    "WAGTAILADMIN_BASE_URL": "https://kanskaart.example.org",
    "DATABASE_URL": "postgres://kanskaart:secret@db.example.org:5432/kanskaart",
    "REDIS_URL": "redis://cache.example.org:6379/2",
}


def load_production(monkeypatch, **overrides):
    """Import example_site.production afresh with the given environment."""
    for name, value in {**PRODUCTION_ENV, **overrides}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    sys.modules.pop("example_site.production", None)
    return importlib.import_module("example_site.production")


def run_manage(*args, env):
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, str(MANAGE), *args],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "example_site.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_use_postgres_redis_and_task_worker(monkeypatch):
    production = load_production(monkeypatch)

    assert production.DEBUG is False
    assert production.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert production.DATABASES["default"]["HOST"] == "db.example.org"
    assert production.CACHES["default"]["BACKEND"] == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert production.CACHES["default"]["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in production.INSTALLED_APPS


def test_production_settings_are_secure_over_https(monkeypatch):
    production = load_production(monkeypatch)

    assert production.SECURE_SSL_REDIRECT is True
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_HSTS_SECONDS >= 3600
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production.KANSKAART_API_NUM_PROXIES == 1
    assert production.CSRF_TRUSTED_ORIGINS == [
        "https://kanskaart.example.org",
        "https://*.roosendaal.example.org",
    ]
    assert production.KANSKAART_STATUS_TOKEN_SECRET != production.SECRET_KEY


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "KANSKAART_STATUS_TOKEN_SECRET",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
    ],
)
def test_production_settings_require_variable(monkeypatch, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_production(monkeypatch, **{missing: None})


def test_deploy_check_passes_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.postgres
@pytest.mark.django_db
def test_production_settings_connect_to_postgres_and_redis():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs Redis (set REDIS_URL)")
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    database_url = (
        f"postgres://{database['USER']}{password}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )
    marker = uuid.uuid4().hex
    script = (
        "from django.core.cache import cache\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT count(*) FROM django_migrations')\n"
        "    print('migrations', cursor.fetchone()[0] > 0)\n"
        "import os\n"
        "cache.set('production-test', os.environ['TEST_MARKER'], 30)\n"
        "print('cache', cache.get('production-test'))\n"
    )

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TEST_MARKER": marker,
        },
    )

    assert result.returncode == 0, result.stderr
    assert "migrations True" in result.stdout
    assert f"cache {marker}" in result.stdout
