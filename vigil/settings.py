"""One settings module, configured from the environment.

VIGIL_ENV is ``demo`` (default), ``production`` or ``test``. Demo mode generates
its secrets into the data folder so that ``make run`` needs nothing; production
refuses to start without them.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from vigil.core.emailurl import parse_email_url
from vigil.core.sqlite_driver import use_a_correct_sqlite

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(Path.cwd() / ".env")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    return default if not value else value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# pytest (8.2+) announces itself in PYTEST_VERSION: tests default to the test settings.
VIGIL_ENV = env_str("VIGIL_ENV") or ("test" if "PYTEST_VERSION" in os.environ else "demo")
if VIGIL_ENV not in {"demo", "production", "test"}:
    raise ImproperlyConfigured("VIGIL_ENV must be demo, production or test")
PRODUCTION = VIGIL_ENV == "production"
DEMO = VIGIL_ENV == "demo"

# In a checkout the data folder is the project's var/, wherever the command runs from.
_CHECKOUT = BASE_DIR.parent if (BASE_DIR.parent / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = Path(env_str("VIGIL_DATA_DIR", str(_CHECKOUT / "var"))).resolve()
if VIGIL_ENV == "test":
    # Fixed test secrets so a test can rebuild a chain with a known key.
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    os.environ.setdefault("VIGIL_AUDIT_KEY", "test-audit-key")


def _secret_from_file(name: str, env_name: str) -> str:
    """A secret from the environment, or (outside production) one kept in the data folder."""
    value = env_str(env_name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{env_name} must be set when VIGIL_ENV=production")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_from_file("secret.key", "SECRET_KEY")
# The audit chain's HMAC key lives outside the database: whoever can write the
# database but not read this key cannot forge a chain that verifies.
VIGIL_AUDIT_KEY = _secret_from_file("audit.key", "VIGIL_AUDIT_KEY")

DEBUG = env_bool("DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when VIGIL_ENV=production")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "csp",
    "template_partials",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "vigil.core",
    "vigil.accounts",
    "vigil.org",
    "vigil.inbox",
    "vigil.sites",
    "vigil.work",
    "vigil.situation",
    "vigil.controlled",
    "vigil.exercises",
    "vigil.reports",
    "vigil.home",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vigil.core.middleware.RequestIdMiddleware",
    # A view that meets a held SQLite write lock answers 503 with Retry-After.
    "vigil.core.errors.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: an ended session says so on the sign-in page.
    "vigil.accounts.middleware.SessionTimeoutMiddleware",
    "vigil.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.core.context_processors.vigil",
                "vigil.home.context_processors.header",
                "vigil.inbox.context_processors.unread",
            ],
        },
    }
]

# Forms render through the project's templates, so vigil/templates/django/forms/ can
# place a field's errors under its input.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'vigil.sqlite3'}"
# Connections live a minute and are checked before a request reuses them: one
# the server ended (a restart, pg_terminate_backend) is replaced, not a 500.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    use_a_correct_sqlite()
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["TEST"] = {"NAME": env_str("VIGIL_TEST_DB_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (DESIGN "Credentials"): 5 failures per username and client address in
# 30 minutes, then a cool-off of 30 minutes or an administrator's unlock.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the failure that locked: trying again while locked
# does not push it back, so the time the message names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The client address: the trusted proxy's X-Forwarded-For, else the peer itself.
AXES_CLIENT_IP_CALLABLE = "vigil.accounts.lockout.client_ip"
# A lockout is answered with the sign-in page and a message saying when to retry.
AXES_LOCKOUT_CALLABLE = "vigil.accounts.lockout.locked_out_response"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host- cookies are sent over HTTPS only, to this host only, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Sessions: 30 idle minutes, 8 hours at most (vigil.accounts.middleware).
VIGIL_IDLE_TIMEOUT = dt.timedelta(minutes=30)
VIGIL_ABSOLUTE_TIMEOUT = dt.timedelta(hours=8)
SESSION_COOKIE_AGE = int(VIGIL_ABSOLUTE_TIMEOUT.total_seconds())
# Second factor: "roles" (committee leaders, standing office, administrators,
# auditors), "all" or "off". Production never runs without it.
VIGIL_MFA_REQUIRED = env_str("VIGIL_MFA_REQUIRED", "roles" if PRODUCTION else "off")
if VIGIL_MFA_REQUIRED not in {"roles", "all", "off"}:
    raise ImproperlyConfigured("VIGIL_MFA_REQUIRED must be roles, all or off")
if PRODUCTION and VIGIL_MFA_REQUIRED == "off":
    raise ImproperlyConfigured("VIGIL_MFA_REQUIRED cannot be off when VIGIL_ENV=production")
# Who needs a second factor under "roles" is the org app's business.
VIGIL_MFA_POLICY = "vigil.org.scope.requires_second_factor"
OTP_TOTP_ISSUER = "Vigil"
# Behind a TLS-terminating proxy (VIGIL_TRUSTED_PROXY = its address): trust its
# X-Forwarded-Proto, and accept forms posted from the public https origins.
VIGIL_TRUSTED_PROXY = env_str("VIGIL_TRUSTED_PROXY")
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if len(_proxy_ssl_header) == 2:
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
elif _proxy_ssl_header:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER takes HEADER,VALUE")
elif VIGIL_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [
    f"https://{host}" for host in ALLOWED_HOSTS if host and not host.startswith(".")
]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Browser preload lists are for public domains: a deployment on an internal or
    # isolated network cannot join one, and joining is the owner's decision anyway.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_SSL_REDIRECT = True
    # The health check is asked over plain HTTP by local monitoring.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_FAILURE_VIEW = "vigil.core.views.csrf_failure"
# No inline script or style anywhere (htmx: allowEval false, indicator styles
# in vigil.css); the API docs add data: images for their own icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Ours first; then Vietnamese for what our dependencies lack (they would say it in English).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_I18N = True
# dd/mm/yyyy in every date field, whatever the language (vigil/formats/__init__.py).
FORMAT_MODULE_PATH = ["vigil.formats"]
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if VIGIL_ENV == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Leaflet and its clusters come from XStatic packages, under static/vendor/ (no CDN).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "vigil.core.staticfinders.XStaticFinder",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vigil.accounts.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "vigil.accounts.api_auth.TokenScopePermission",
    ],
    # JSON only: the browsable renderer draws forms whose choices ignore scope.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with a nesting limit: a thousand nested arrays would exhaust the recursion.
    "DEFAULT_PARSER_CLASSES": [
        "vigil.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "vigil.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vigil.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vigil API",
    "DESCRIPTION": "REST API of Vigil, the BCĐ PCKB operations platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vigil.core.openapi.add_error_responses",
    ],
    # Choice sets that several components share, named once.
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "vigil.org.models.Agency.Kind",
        "PostKindEnum": "vigil.org.models.Post.Kind",
        "CommitteeLevelEnum": "vigil.org.models.Committee.Level",
        "ClassificationEnum": "vigil.core.classification.Classification",
        "RoleEnum": "vigil.org.models.Role",
        "TaskStateEnum": "vigil.work.models.Task.State",
        "TaskRoleEnum": "vigil.work.models.Task.Role",
        "MeetingKindEnum": "vigil.work.models.Meeting.Kind",
        "ItemClassEnum": "vigil.controlled.models.ItemClass",
        "LicenceKindEnum": "vigil.controlled.models.Licence.Kind",
        "LicenceStatusEnum": "vigil.controlled.models.Licence.Status",
        "StoreKindEnum": "vigil.controlled.models.Store.Kind",
        "TransferStatusEnum": "vigil.controlled.models.Transfer.Status",
        "RequestStatusEnum": "vigil.org.models.RequestStatus",
        # Names the schema had before the situation app brought sets with the same field names.
        "TypeEnum": "vigil.work.tasks.models.TaskEvent.Type",
        "UrgencyEnum": "vigil.work.documents.models.Urgency",
        "SigningFormEnum": "vigil.work.documents.models.SigningForm",
        "IncidentTypeEnum": "vigil.situation.incidents.models.IncidentType",
        "IncidentStateEnum": "vigil.situation.incidents.models.IncidentState",
        "AlertStateEnum": "vigil.situation.alerts.models.AlertState",
        "CapUrgencyEnum": "vigil.situation.terms.Urgency",
        "FlashSigningFormEnum": "vigil.situation.flash.services.SIGNING_FORM_CHOICES",
        "UrgencyMarkEnum": "vigil.situation.incidents.models.UrgencyMark",
        "ExerciseTypeEnum": "vigil.exercises.drills.models.ExerciseType",
        "ExerciseStatusEnum": "vigil.exercises.drills.models.ExerciseStatus",
        "CapabilityEnum": "vigil.exercises.drills.models.Capability",
        "RatingEnum": "vigil.exercises.drills.models.Rating",
        "FindingKindEnum": "vigil.exercises.evaluation.models.FindingKind",
        "ReportKindEnum": "vigil.reports.summaries.models.ReportKind",
        "CommendationKindEnum": "vigil.reports.commendations.models.CommendationKind",
        "ReportStateEnum": "vigil.reports.summaries.models.ReportState",
        "CommendationStateEnum": "vigil.reports.commendations.models.CommendationState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Audit: who the actor is (role, agency, committee) is the org app's business.
VIGIL_AUDIT_ACTOR_CONTEXT = "vigil.org.scope.audit_actor_context"
# Electronic identifier code of an agency (Decision 20/2020/QĐ-TTg): the
# structure is a deployment fact, so it is a pattern here, not code.
VIGIL_AGENCY_CODE_PATTERN = env_str(
    "VIGIL_AGENCY_CODE_PATTERN", r"^[0-9A-Z]{3}(\.[0-9A-Z]{2,3}){1,3}$"
)
# The same code as read from and written to edXML packages (core/documents/edxml.py):
# by default the four groups of Decision 20/2020, the level-1 unit last ("000.00.31.H40").
VIGIL_ORGAN_ID_PATTERN = env_str(
    "VIGIL_ORGAN_ID_PATTERN", r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$"
)

# Background work: tasks only wake the worker early; outbox rows are the truth.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail: the console unless EMAIL_URL says otherwise (vigil/core/emailurl.py).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("VIGIL_EMAIL_FROM", "vigil@localhost")
if env_str("EMAIL_URL"):
    globals().update(parse_email_url(env_str("EMAIL_URL")))
# Links in e-mail point here; Message-IDs use its host name.
VIGIL_BASE_URL = env_str("VIGIL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Largest attachment accepted, in megabytes; an upload past it stops being read.
VIGIL_MAX_UPLOAD_MB = int(env_str("VIGIL_MAX_UPLOAD_MB", "20") or "20")
FILE_UPLOAD_HANDLERS = [
    "vigil.core.attachments.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The sites map: a tile server's URL template ("https://tiles.example/{z}/{x}/{y}.png",
# "{s}" for its subdomains). Empty (the default, for closed networks): no tiles, the
# map draws a graticule and Vietnam's outline box under the markers. Its origin is
# added to the CSP's images.
VIGIL_MAP_TILES = env_str("VIGIL_MAP_TILES")
VIGIL_MAP_ATTRIBUTION = env_str("VIGIL_MAP_ATTRIBUTION")
if VIGIL_MAP_TILES:
    _tiles = urlsplit(VIGIL_MAP_TILES.replace("{s}.", "*."))
    if _tiles.scheme not in {"http", "https"} or not _tiles.netloc:
        raise ImproperlyConfigured("VIGIL_MAP_TILES must be an http(s) URL template")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# Alerts: the minutes a recipient has to acknowledge, by CAP urgency. Overridden by
# VIGIL_ALERT_ACK_MINUTES="Immediate=10,Expected=45" (the others keep their default).
VIGIL_ALERT_ACK_MINUTES = {
    "Immediate": 15,
    "Expected": 60,
    "Future": 240,
    "Past": 60,
    "Unknown": 60,
}
for _pair in filter(None, env_str("VIGIL_ALERT_ACK_MINUTES").split(",")):
    _urgency, _sep, _minutes = _pair.partition("=")
    if _urgency.strip() not in VIGIL_ALERT_ACK_MINUTES or not _minutes.strip().isdigit():
        raise ImproperlyConfigured(
            "VIGIL_ALERT_ACK_MINUTES: write Urgency=minutes, comma-separated"
        )
    VIGIL_ALERT_ACK_MINUTES[_urgency.strip()] = max(1, int(_minutes))
# The SMS gateway (a dotted path to a class with ``send(phone, text)``): the console
# one writes to the log. Inbound replies reach /api/v1/alerts/sms/ with this shared
# secret in the X-Vigil-SMS-Secret header; unset, inbound SMS is refused.
VIGIL_SMS_GATEWAY = env_str("VIGIL_SMS_GATEWAY", "vigil.situation.alerts.sms.ConsoleGateway")
VIGIL_SMS_INBOUND_SECRET = env_str("VIGIL_SMS_INBOUND_SECRET")
if VIGIL_SMS_INBOUND_SECRET and len(VIGIL_SMS_INBOUND_SECRET) < 24:
    raise ImproperlyConfigured("VIGIL_SMS_INBOUND_SECRET must be at least 24 characters long")
