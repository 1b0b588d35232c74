"""Suite-wide test setup: database markers, strict CI runs and a clean cache.

Markers (registered in pyproject.toml):

- ``postgres``: the test needs PostgreSQL. It is skipped, with the reason,
  when the suite runs on another database (set ``DATABASE_URL`` to run it).
- ``sqlite_only``: the test is about SQLite's behaviour and is skipped on
  other databases.

With ``KANSKAART_REQUIRE_ALL=1`` (set by ``.ci/run`` for the PostgreSQL run)
every skipped test counts as a failure, so a missing database, service or
tool cannot hide behind a skip. Skips of ``sqlite_only`` tests and expected
failures (xfail) are the exceptions.
"""

import os

import pytest

REQUIRE_ALL = os.environ.get("KANSKAART_REQUIRE_ALL") == "1"

# A skip whose reason contains this text is allowed under KANSKAART_REQUIRE_ALL.
SQLITE_ONLY_REASON = "SQLite only"


def _database_vendor():
    from django.db import connection

    return connection.vendor


def pytest_collection_modifyitems(config, items):
    vendor = _database_vendor()
    needs_postgres = pytest.mark.skip(
        reason=f"needs PostgreSQL (set DATABASE_URL); this run uses {vendor}"
    )
    sqlite_only = pytest.mark.skip(
        reason=f"{SQLITE_ONLY_REASON}; this run uses {vendor}"
    )
    for item in items:
        if vendor != "postgresql" and item.get_closest_marker("postgres"):
            item.add_marker(needs_postgres)
        if vendor != "sqlite" and item.get_closest_marker("sqlite_only"):
            item.add_marker(sqlite_only)


def _skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _is_allowed_skip(report):
    if hasattr(report, "wasxfail"):
        return True
    return SQLITE_ONLY_REASON in _skip_reason(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not _is_allowed_skip(report):
        report.outcome = "failed"
        report.longrepr = (
            "KANSKAART_REQUIRE_ALL=1 turns this skip into a failure: "
            f"{_skip_reason(report)}"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # A module-level skip (pytest.importorskip, allow_module_level=True)
    # shows up here rather than in pytest_runtest_makereport.
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not _is_allowed_skip(report):
        report.outcome = "failed"
        report.longrepr = (
            "KANSKAART_REQUIRE_ALL=1 turns this skipped module into a failure: "
            f"{_skip_reason(report)}"
        )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Give every test an empty cache, so throttling and cached pages start fresh.

    With ``REDIS_URL`` set the cache is Redis, and clearing it flushes that
    Redis database, so point ``REDIS_URL`` at a database kept for tests.
    """
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def demo(db, settings, tmp_path):
    """Load the demo data with ``kanskaart_demo`` and return what it printed.

    The admin and editor password is ``geheim-demo``. The demo's photos are
    stored in a temporary ``MEDIA_ROOT``.
    """
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp_path / "media")
    output = io.StringIO()
    call_command("kanskaart_demo", "--admin-password", "geheim-demo", stdout=output)
    return output.getvalue()


@pytest.fixture
def two_municipalities(db):
    """Roosendaal and Bergen op Zoom; see ``factories.make_two_municipalities``."""
    from tests.factories import make_two_municipalities

    return make_two_municipalities()


@pytest.fixture
def editors(two_municipalities):
    """One editor per municipality: ``editors["roosendaal"]``, ``editors["bergen"]``."""
    from tests.factories import make_editor

    roosendaal, bergen = two_municipalities
    return {
        "roosendaal": make_editor("redacteur-roosendaal", roosendaal),
        "bergen": make_editor("redacteur-bergen", bergen),
    }


@pytest.fixture
def roosendaal(two_municipalities):
    """Roosendaal's municipality page from ``two_municipalities``."""
    return two_municipalities[0]


@pytest.fixture
def bergen(two_municipalities):
    """Bergen op Zoom's municipality page from ``two_municipalities``."""
    return two_municipalities[1]


@pytest.fixture
def editor(client, editors):
    """Roosendaal's editor, logged in to ``client``, with the admin in English."""
    from tests.request_admin_helpers import speak_english

    user = speak_english(editors["roosendaal"])
    client.force_login(user)
    return user
