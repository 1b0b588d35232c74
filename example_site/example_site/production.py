"""Production settings of the example site: PostgreSQL, Redis and a task worker.

Use with ``DJANGO_SETTINGS_MODULE=example_site.production``. The values that
differ between sites come from environment variables, and a missing required
one raises ImproperlyConfigured. docs/how-to/production.md explains each
variable and the processes to run next to the web server.

Required: SECRET_KEY, KANSKAART_STATUS_TOKEN_SECRET, ALLOWED_HOSTS,
WAGTAILADMIN_BASE_URL, DATABASE_URL, REDIS_URL.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS


def env(name, default=None):
    """Return the environment variable ``name``, or ``default`` when it is unset.

    Raises ImproperlyConfigured when it is unset and there is no default.
    """
    value = os.environ.get(name, "")
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return default


def env_bool(name, default):
    value = os.environ.get(name, "")
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name, default=None):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = False

SECRET_KEY = env("SECRET_KEY")
# Status links are signed with a key of their own, so rotating SECRET_KEY
# does not break the links residents already have in their e-mail.
KANSKAART_STATUS_TOKEN_SECRET = env("KANSKAART_STATUS_TOKEN_SECRET")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# A host such as ".example.org" (all subdomains) becomes "https://*.example.org".
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    ",".join(
        f"https://*{host}" if host.startswith(".") else f"https://{host}"
        for host in ALLOWED_HOSTS
    ),
)
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL")

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# One shared cache for all app servers: throttling counts and cached pages
# must be the same whichever server handles the request.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "kanskaart"),
    }
}

# The proxy in front (see SECURE_PROXY_SSL_HEADER below) appends the client
# address to X-Forwarded-For, and the API throttles per client address.
KANSKAART_API_NUM_PROXIES = int(env("KANSKAART_API_NUM_PROXIES", "1"))

# Notifications are sent by `manage.py db_worker`, not inside the request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# HTTPS. The load balancer or proxy ends TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
# Off by default, because a municipality's other subdomains may not all use HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The two HSTS options above are a choice for the site owner, so check
# --deploy does not warn about them being off.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STATIC_ROOT = env("STATIC_ROOT", str(BASE_DIR / "static"))  # noqa: F405
MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "media"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "kanskaart@example.org")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Plain lines on stderr for the process manager to collect. The
# wagtail_kanskaart logger writes ids and references, no personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "wagtail_kanskaart": {
            "handlers": ["console"],
            "level": env("KANSKAART_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django_tasks_db": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
