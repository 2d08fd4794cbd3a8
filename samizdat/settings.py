"""Samizdat settings: one module, every value read from the environment.

Each variable below has a documented default (see README, "Configuration").
With nothing set, DEBUG is off and SECRET_KEY is required; `make run` sets DEBUG=1. The embedded
default needs no server: SQLite, a file cache, and tasks queued in the database for a
`db_worker` process that `make run` starts beside the web server.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from samizdat.core import csp as csp_policies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAMIZDAT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are yes)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: float, kind: type = int) -> float:
    """Read a numeric environment variable; a value that is not a number stops startup clearly."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string in production, "
            "or DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "samizdat.core",
    "samizdat.home",
    "samizdat.articles",
    "samizdat.people",
    "samizdat.search",
    "samizdat.syndication",
    "samizdat.publications",
    "samizdat.volunteers",
    "samizdat.events",
    "samizdat.letters",
    "samizdat.newsletter",
    "samizdat.campaigns",
    "samizdat.importers",
    "samizdat.federation",
    "samizdat.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "samizdat.core.limits.RequestBodyLimitMiddleware",  # before anything reads request.POST
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "samizdat.core.csp.SiteCSPMiddleware",
    "samizdat.core.storage.MediaNotWritableMiddleware",
]

ROOT_URLCONF = "samizdat.urls"
WSGI_APPLICATION = "samizdat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "samizdat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL, default a SQLite file under var/.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_number("DATABASE_CONN_MAX_AGE", 60)
        )
    }
except (ValueError, dj_database_url.UnknownSchemeError) as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address this site can use ({error}); "
        "e.g. postgres://user:password@host:5432/name or sqlite:////path/to/db.sqlite3"
    ) from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, files under var/cache otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "samizdat"),
        }
    }
else:
    # Files on local disk: no server, yet shared by every process of the machine (gunicorn
    # workers, task workers), so a publish seen by one invalidates caches for all.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Background tasks never run in a reader's request: "database" (the default) queues them in the
# database for `manage.py db_worker` (which `make run` and `make serve` start), "redis" queues them
# in Redis (RQ) for `manage.py rqworker`. "immediate" runs them in-process, in the request: for
# the test suite and one-off commands only (a slow mail server would hold up every form post).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of: {', '.join(_TASK_BACKENDS)}"
    )
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

# Passwords
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or from
# one address, further attempts on it are refused for LOGIN_LOCKOUT_MINUTES, even with the right
# password; a superuser can unlock at once (Settings → Locked logins). Successful logins are not
# recorded; failed ones keep the username and the address until they are unlocked or cleared.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_number("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_number("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "samizdat.core.logins.client_address"
AXES_LOCKOUT_TEMPLATE = "login_locked.html"
AXES_VERBOSE = False

# Languages: English and Spanish from the start.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
LOCALE_PATHS = [BASE_DIR / "samizdat" / "locale"]

# Static files and media
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "samizdat" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# One small server serves its own media; behind nginx or S3 turn this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    # A full or read-only media folder: nothing half-stored, a clear error (samizdat.core.storage).
    "default": {"BACKEND": "samizdat.core.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# Mail
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_number("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail server is given up on (a newsletter batch then retries later);
# short, so that no worker waits on it for long.
EMAIL_TIMEOUT = env_number("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Public forms (volunteers, contact): accepted submissions per hashed address per 10 minutes,
# and the fewest seconds a person needs to fill one in.
SPAM_RATE_LIMIT = env_number("SPAM_RATE_LIMIT", 5)
SPAM_MIN_SECONDS = env_number("SPAM_MIN_SECONDS", 2.0, float)
if DEBUG and not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Any Django mail backend by dotted path, e.g. django-anymail's for Amazon SES or Mailgun
# ("anymail.backends.amazon_ses.EmailBackend", with `pip install django-anymail[amazon-ses]`
# and its ANYMAIL_* variables); the newsletter sends through it too.
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]

# Newsletter: recipients per delivery task, how long a worker's claim on a batch lasts before
# another may take it over (a worker that died mid-batch), and the secret a bounce webhook sends.
NEWSLETTER_BATCH_SIZE = env_number("NEWSLETTER_BATCH_SIZE", 200)
NEWSLETTER_CLAIM_SECONDS = env_number("NEWSLETTER_CLAIM_SECONDS", 600)
NEWSLETTER_BOUNCE_SECRET = os.environ.get("NEWSLETTER_BOUNCE_SECRET", "")

# Reader support (campaigns). Without STRIPE_SECRET_KEY, gifts are offline pledges an editor marks received.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # only to point at a stand-in for Stripe's API
STRIPE_WEBHOOK_TOLERANCE = env_number("STRIPE_WEBHOOK_TOLERANCE", 300)  # seconds
CAMPAIGN_MAX_AMOUNT = env_number("CAMPAIGN_MAX_AMOUNT", 10000)  # the largest online gift, in major units

# The fediverse (ActivityPub): the outlet is @<FEDERATION_OUTLET_USERNAME>@<site host>, one actor per
# language (outlet_es, …); articles go out as "Article" (FEP-b2b8) or, for outlets that want the
# whole text inside Mastodon, as "Note".
FEDERATION_OUTLET_USERNAME = os.environ.get("FEDERATION_OUTLET_USERNAME", "outlet")
FEDERATION_OBJECT_TYPE = os.environ.get("FEDERATION_OBJECT_TYPE", "Article")
if FEDERATION_OBJECT_TYPE not in ("Article", "Note"):
    raise ImproperlyConfigured("FEDERATION_OBJECT_TYPE must be Article or Note.")
FEDERATION_MAX_INBOX_BYTES = env_number("FEDERATION_MAX_INBOX_BYTES", 512 * 1024)
FEDERATION_FETCH_TIMEOUT = env_number("FEDERATION_FETCH_TIMEOUT", 10)  # seconds per remote request
FEDERATION_RETRY_HOURS = env_number("FEDERATION_RETRY_HOURS", 48)  # give a delivery up after this
# Let fediverse requests reach private and local addresses (127.0.0.1, 10.x, ::1…): for tests only.
FEDERATION_ALLOW_PRIVATE_ADDRESSES = env_bool("FEDERATION_ALLOW_PRIVATE_ADDRESSES", False)

# Request bodies. Django's caps hold everywhere (the admin's uploads included: file contents do
# not count towards DATA_UPLOAD_MAX_MEMORY_SIZE, and files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a
# temporary file); Wagtail's page editor posts a field per block, hence the many fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_number("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_number("FILE_UPLOAD_MAX_MEMORY_SIZE", int(2.5 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_number("DATA_UPLOAD_MAX_NUMBER_FIELDS", 10000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_number("DATA_UPLOAD_MAX_NUMBER_FILES", 100)
# Readers' forms take much less (samizdat.core.limits): every public address takes at most
# PUBLIC_MAX_BODY_BYTES (larger: 413), except these path prefixes (None: Django's caps only).
PUBLIC_MAX_BODY_BYTES = env_number("PUBLIC_MAX_BODY_BYTES", 64 * 1024)
REQUEST_BODY_LIMITS = {
    "/admin/": None,
    "/ap/": FEDERATION_MAX_INBOX_BYTES,  # the inboxes also check it themselves
    "/campaigns/stripe/webhook/": 1024 * 1024,  # the views' own limits are smaller
    "/newsletter/bounces/": 1024 * 1024,
}

# Security (production): HTTPS by default, off with the variables for a plain-HTTP box.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_number("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
CSRF_FAILURE_VIEW = "samizdat.core.views.csrf_failure"
# Content-Security-Policy (django-csp): strict on readers' pages, Wagtail's needs in the admin.
_MEDIA_ORIGIN = f"https://{os.environ['S3_CUSTOM_DOMAIN']}" if os.environ.get("S3_CUSTOM_DOMAIN") else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": csp_policies.public_policy(media_origin=_MEDIA_ORIGIN),
}
SAMIZDAT_ADMIN_CSP = csp_policies.admin_policy(media_origin=_MEDIA_ORIGIN)
# W019: Wagtail's live preview frames the site's own pages, so SAMEORIGIN, not DENY.
# W021: joining the HSTS preload list is the owner's decision (SECURE_HSTS_PRELOAD=1).
SILENCED_SYSTEM_CHECKS = ["security.W019", "security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Samizdat")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://localhost:8000")
# The admin requests nothing from elsewhere either: no Gravatar (it would learn editors' email
# hashes), no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_IMAGE_MODEL = "core.OutletImage"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "webp": "webp", "avif": "avif"}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

# A purgeable HTTP cache in front (Varnish, nginx cache with purge): set its URL.
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
