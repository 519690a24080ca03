"""iccwatch settings: the only settings module, driven by the environment.

Every variable is listed with a one-line comment in `.env.example`. A first run
needs none of them: without DATABASE_URL the database is an embedded PostgreSQL
server in `.local/pgdata` (started by manage.py commands, never by loading these
settings), and without CELERY_BROKER_URL tasks run inline. With
DJANGO_ENV=production the settings refuse to start on an unsafe configuration.
"""

import collections
import datetime
import functools
import math
import urllib.parse
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from iccwatch.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", ["development", "production"], default="development")
PRODUCTION = DJANGO_ENV == "production"

_PLACEHOLDER_SECRET = "insecure-development-key-change-me"
# Keys that were ever written down (the development default, the build-time key the
# image's `assets` step used to set) and words that mark a key as a placeholder or an
# example copied from a guide: production refuses them whatever their length. A marker is
# looked for in the key in lower case with its separators left out (`Change_Me_`,
# `your-secret-key-here`, `CHANGE ME`: `changeme`, `secretkey`), anywhere in it; a short
# one (`test`) only as the key's first or last letters or a word of its own, where a
# random key has it by chance one time in a million (anywhere: one in some 15,000).
_KNOWN_PLACEHOLDER_SECRETS = {
    _PLACEHOLDER_SECRET,
    "build-time-placeholder-never-used-to-sign-anything-0000",
}
_PLACEHOLDER_MARKERS = (
    "djangoinsecure",
    "placeholder",
    "changeme",
    "insecure",
    "buildtime",
    "secretkey",
    "yourkey",
    "example",
    "default",
    "test",
)
_SHORT_MARKER = 6  # letters: a marker shorter than this is looked for at the ends only
_KEY_SEPARATORS = "-_ ."
# How a production key is made; every refusal of DJANGO_SECRET_KEY ends with it.
_GENERATE_SECRET = (
    "Generate one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
)
# Stricter than Django's own check (security.W009: 50+ characters, 5+ distinct, no
# `django-insecure-` prefix), which `secret` nine times or fifty digits pass: a random key
# of 50 characters (token_urlsafe's 64 symbols, get_random_secret_key's 50) has some 30
# distinct ones and fewer than 20 about never, while a key typed by hand (a word or a
# pattern, repeated to the length asked) has fewer.
_MIN_DISTINCT_SECRET_CHARACTERS = 20
SECRET_KEY = env_str("DJANGO_SECRET_KEY", default="" if PRODUCTION else _PLACEHOLDER_SECRET)
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def unsafe_production_setting(
    secret_key: str,
    debug: bool,
    allowed_hosts: list[str],
    csrf_trusted_origins: list[str] = (),
) -> str:
    """The one line that says why this configuration must not run in production ("" when safe).

    The secret must be random (`_weak_secret`); the Host header must be checked against
    real names: no `*`, and no leading dot before a top-level domain (`.com`, `.`) or
    another public suffix (`.co.uk`, `.github.io`), which would allow sites of other
    owners. Each trusted origin is held to the same (see `_unsafe_trusted_origin`).
    """
    if weak := _weak_secret(secret_key):
        return f"{weak} {_GENERATE_SECRET}"
    if debug:
        return "DJANGO_DEBUG must be off in production."
    if not allowed_hosts:
        return "DJANGO_ALLOWED_HOSTS must list the site's host names in production."
    if any("*" in host for host in allowed_hosts):
        return (
            "DJANGO_ALLOWED_HOSTS must not contain '*' in production: list the site's host "
            "names (a leading dot, .example.org, allows its subdomains)."
        )
    # `.com` allows every host under a whole top-level domain (`.` every host with a
    # trailing dot): a leading dot must stand before a name of two labels or more.
    wide = next((host for host in allowed_hosts if _spans_a_top_level_domain(host)), None)
    if wide is not None:
        return (
            f"DJANGO_ALLOWED_HOSTS must not contain {wide[:40]!r} in production: it allows "
            "every host of a top-level domain. Give the site's own name (.example.org)."
        )
    # `.co.uk` or `.github.io` allows every site registered under that public suffix.
    shared = next((host for host in allowed_hosts if _spans_a_public_suffix(host)), None)
    if shared is not None:
        return (
            f"DJANGO_ALLOWED_HOSTS must not contain {shared[:40]!r} in production: a public "
            "suffix allows every site registered under it. Give the site's own name "
            f"({_own_name_under(shared)[:60]})."
        )
    for origin in csrf_trusted_origins:
        if unsafe := _unsafe_trusted_origin(origin):
            return unsafe
    return ""


def _weak_secret(secret_key: str) -> str:
    """Why DJANGO_SECRET_KEY is no random key fit for production, in one sentence that
    names it ("" when it is fit): unset; written in iccwatch's code; holding a placeholder's
    or an example's word (`_PLACEHOLDER_MARKERS`, in any case, separators left out);
    shorter than 50 characters; one short block repeated (a period of at most half its
    length: `secret` nine times, `1234567890` five); fewer than
    `_MIN_DISTINCT_SECRET_CHARACTERS` distinct characters; a run of `_MAX_SECRET_RUN`
    characters that follow each other in the alphabet, the digits or a keyboard's row
    (`abcdefghij`, `qwertyuiop`, either way), or half of it in such runs of 3 or more; or
    under `_MIN_SECRET_BITS_PER_CHARACTER` bits per character (a few characters over and
    over). Never repeats the key."""
    if not secret_key:
        return "DJANGO_SECRET_KEY must be set in production (a random value of 50+ characters)."
    if secret_key in _KNOWN_PLACEHOLDER_SECRETS:
        return "DJANGO_SECRET_KEY is a placeholder or build-time key written in iccwatch's code."
    if marker := _placeholder_marker(secret_key):
        return (
            f"DJANGO_SECRET_KEY is a placeholder or example key: it reads {marker!r} (in any "
            "case, separators left out)."
        )
    if len(secret_key) < 50:
        return (
            f"DJANGO_SECRET_KEY is {len(secret_key)} characters long: production needs a random "
            "value of at least 50."
        )
    period = _smallest_period(secret_key)
    if period <= len(secret_key) // 2:
        return (
            f"DJANGO_SECRET_KEY is no random value: it repeats the same {period} characters "
            f"over its {len(secret_key)}."
        )
    distinct = len(set(secret_key))
    if distinct < _MIN_DISTINCT_SECRET_CHARACTERS:
        return (
            f"DJANGO_SECRET_KEY uses {distinct} distinct characters: production needs at least "
            f"{_MIN_DISTINCT_SECRET_CHARACTERS} (a random value of 50 has some 30)."
        )
    longest, in_runs = _sequential_runs(secret_key)
    if longest >= _MAX_SECRET_RUN or in_runs * 2 >= len(secret_key):
        return (
            f"DJANGO_SECRET_KEY is no random value: {in_runs} of its {len(secret_key)} "
            f"characters follow each other as in the alphabet, the digits or a keyboard's "
            f"rows (abcd, 4321, qwerty), {longest} in a row."
        )
    bits = _bits_per_character(secret_key)
    if bits < _MIN_SECRET_BITS_PER_CHARACTER:
        return (
            f"DJANGO_SECRET_KEY is no random value: some characters come back so often that "
            f"it holds {bits:.2f} bits per character (a random value, about 5)."
        )
    return ""


# Sequences a key typed by hand follows (`abcdefgh...`, `0123...`, `qwertyuiop`), read in
# lower case, in either direction: two characters follow each other when they are
# neighbours in one of these (QWERTY's, AZERTY's and QWERTZ's letter rows), or in code
# points (`ABC`, `789`). Measured on 100,000 keys of each of token_urlsafe(50),
# token_urlsafe(48) and get_random_secret_key(): no run of one direction longer than 7
# characters, and at most 16 characters of a key (a third) in runs of 3 or more; a key is
# refused with a run of _MAX_SECRET_RUN, or half of it in runs.
_KEY_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertzuiop",
    "yxcvbnm",
)
_MAX_SECRET_RUN = 10
# The same keys' character distributions hold at least 4.2 bits per character (Shannon's
# entropy of the key's own character frequencies); a key with a few characters over and
# over, the rest distinct enough to pass the other checks, holds far fewer (one
# character 25 times and 25 others once: 3.3).
_MIN_SECRET_BITS_PER_CHARACTER = 3.5


def _follows(first: str, second: str) -> int:
    """1 when `second` comes right after `first` in one of `_KEY_SEQUENCES` or in code
    points, -1 when right before, 0 otherwise."""
    step = ord(second) - ord(first)
    if step in (1, -1):
        return step
    first, second = first.lower(), second.lower()
    for sequence in _KEY_SEQUENCES:
        i, j = sequence.find(first), sequence.find(second)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return j - i
    return 0


def _sequential_runs(text: str) -> tuple[int, int]:
    """(the longest run of characters each following the last in one direction
    (`_follows`), how many characters stand in such runs of 3 or more): `abcdef` (6, 6),
    `qwe1x9` (3, 3), a random key about (2, 0)."""
    longest, in_runs, length, direction = 1, set(), 1, 0
    for i in range(1, len(text)):
        step = _follows(text[i - 1], text[i])
        length = length + 1 if step and step == direction else (2 if step else 1)
        direction = step
        longest = max(longest, length)
        if length >= 3:
            in_runs.update(range(i - length + 1, i + 1))
    return (longest if text else 0), len(in_runs)


def _bits_per_character(text: str) -> float:
    """Shannon's entropy of `text`'s own character frequencies, in bits per character."""
    counts = collections.Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _placeholder_marker(secret_key: str) -> str:
    """The first of `_PLACEHOLDER_MARKERS` that `secret_key` holds, compared in lower case
    with its separators (-, _, space, .) left out, "" when none: a long marker anywhere, a
    short one as the key's first or last letters or one of its words."""
    words = secret_key.lower()
    for separator in _KEY_SEPARATORS:
        words = words.replace(separator, " ")
    words = words.split()
    letters = "".join(words)
    for marker in _PLACEHOLDER_MARKERS:
        if len(marker) >= _SHORT_MARKER:
            if marker in letters:
                return marker
        elif marker in words or letters.startswith(marker) or letters.endswith(marker):
            return marker
    return ""


def _smallest_period(text: str) -> int:
    """The smallest p > 0 such that text[i] == text[i + p] wherever both exist: `text` is
    its first p characters repeated, the last time perhaps in part (`abcab`: 3; a text
    with no repetition: its length). Knuth-Morris-Pratt's failure function, O(len)."""
    border = [0] * len(text)
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + (text[i] == text[k])
    return len(text) - (border[-1] if text else 0)


def _unsafe_trusted_origin(origin: str) -> str:
    """Why one DJANGO_CSRF_TRUSTED_ORIGINS entry must not run in production ("" when safe).

    Django trusts a form post whose Origin (or, over HTTPS, Referer) matches an entry:
    `scheme://host[:port]`, where `*.` before the host trusts every subdomain. An entry
    must be an https:// origin (the CSRF cookie is sent over HTTPS only, so an http://
    one is a mistake or a downgrade), with a host and nothing after it (Django compares
    scheme and host only: a path would read as a restriction it never applies), and a
    `*.` only before a name of the site's own (`https://*.example.org`): `*.com` or
    `*.co.uk` would trust sites of every other owner, as `.com` does in ALLOWED_HOSTS.
    """
    shown = repr(origin[:60])
    parts = urllib.parse.urlsplit(origin)
    if parts.scheme == "http":
        return (
            f"DJANGO_CSRF_TRUSTED_ORIGINS must not contain {shown} in production: cookies are "
            "sent over HTTPS only, so a trusted origin is an https:// one."
        )
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    host = parts.hostname or ""
    wildcard = host.startswith("*.")
    if (
        parts.scheme != "https"
        or not host
        or not port_ok
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
        or origin.endswith(("?", "#"))
        or "*" in host.removeprefix("*.")
    ):
        return (
            f"DJANGO_CSRF_TRUSTED_ORIGINS must not contain {shown}: an entry is an origin, "
            "https:// and a host name with nothing after it (https://iccwatch.example.org)."
        )
    if wildcard and _spans_a_top_level_domain(host[1:]):
        return (
            f"DJANGO_CSRF_TRUSTED_ORIGINS must not contain {shown} in production: it trusts "
            "every site of a top-level domain. Give the site's own name (https://*.example.org)."
        )
    if wildcard and _spans_a_public_suffix(host[1:]):
        return (
            f"DJANGO_CSRF_TRUSTED_ORIGINS must not contain {shown} in production: a public "
            "suffix trusts every site registered under it. Give the site's own name."
        )
    return ""


def _own_name_under(suffix: str) -> str:
    """An example of a site's own name under a refused public suffix, for the refusal to
    suggest: `.github.io` -> `.yoursite.github.io`, `.CO.UK.` -> `.yoursite.co.uk`."""
    return ".yoursite." + ".".join(_leading_dot_labels(suffix.lower()) or ["example", "org"])


def _leading_dot_labels(host: str) -> list[str] | None:
    """The labels after an ALLOWED_HOSTS pattern's leading dot, empty ones left out
    (`.ORG.` -> ['ORG'], `.` -> []); None for a pattern without a leading dot (one host)."""
    if not host.startswith("."):
        return None
    return [label for label in host[1:].rstrip(".").split(".") if label]


def _spans_a_top_level_domain(host: str) -> bool:
    """Whether an ALLOWED_HOSTS pattern is a leading dot before a single label (`.com`,
    `.org.`) or none (`.`): Django matches it against every host under that label."""
    labels = _leading_dot_labels(host)
    return labels is not None and len(labels) < 2


def _spans_a_public_suffix(host: str) -> bool:
    """Whether an ALLOWED_HOSTS pattern is a leading dot before a public suffix of two
    labels or more (`.co.uk`, `.com.au`, `.kobe.jp`, `.github.io`): Django matches it
    against every site registered under it, each its own owner's.

    The suffixes are the Public Suffix List shipped inside the `publicsuffixlist` package
    (read from disk, never fetched; about 0.1 s, paid only when a pattern has a leading
    dot), both its sections: the ICANN one (`co.uk`) and the private one, where a company
    gives names under its domain to anyone (`github.io`, `herokuapp.com`): a name there is
    as much another owner's as one under `co.uk`. A site's own name under either
    (`.example.co.uk`, `.iccwatch.github.io`) is no public suffix."""
    labels = _leading_dot_labels(host)
    if labels is None or len(labels) < 2:
        return False
    return _public_suffix_list().is_public(".".join(labels))


@functools.cache
def _public_suffix_list():
    """The Public Suffix List the installed `publicsuffixlist` ships, parsed once."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def site_address_is_sound(url: str) -> bool:
    """Whether `url` (an https:// ICCWATCH_BASE_URL or ICCWATCH_SITE_URL) can start every
    link mailed: a valid host name (DNS labels, as Django's DomainNameValidator reads them,
    internationalized ones included) or IP address, a port from 1 to 65535 if any, and a
    path at most: no user name or password (handed to every recipient), no query and no
    fragment, even empty (a link `https://host#x/newsroom/password-reset/...` puts its whole
    path in the fragment, and the browser opens the home page), and no space or control
    character anywhere."""
    import ipaddress

    from django.core.exceptions import ValidationError
    from django.core.validators import DomainNameValidator

    try:
        parts = urllib.parse.urlsplit(url)  # ValueError: a bracketed host that is no IPv6
        port_ok = parts.port is None or parts.port > 0  # ValueError: no number, over 65535
    except ValueError:
        return False
    if (
        not port_ok
        or not parts.hostname
        or parts.username is not None
        or "?" in url
        or "#" in url
        or any(char.isspace() or not char.isprintable() for char in url)
    ):
        return False
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        DomainNameValidator()(host)
    except ValidationError:
        return False
    return True


if PRODUCTION:
    # A production server must never start with a guessable key, debug pages, an open
    # Host header or form posts trusted from other sites: each would leak data or allow
    # cache poisoning or cross-site requests.
    _unsafe = unsafe_production_setting(SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS)
    if _unsafe:
        raise ImproperlyConfigured(_unsafe)
    if not env_str("DATABASE_URL", default=""):
        raise ImproperlyConfigured("DATABASE_URL must be set in production (no embedded database).")
    _base_url = env_str("ICCWATCH_BASE_URL", default="")
    if not _base_url:
        # Every link mailed (password resets, alerts, reviewers' notices) starts with it:
        # without it they would point to a development address (http://127.0.0.1:8000).
        raise ImproperlyConfigured(
            "ICCWATCH_BASE_URL must be set in production: the site's https:// address, "
            "which links in mails start with."
        )
    for _name, _url in (
        ("ICCWATCH_BASE_URL", _base_url),
        ("ICCWATCH_SITE_URL", env_str("ICCWATCH_SITE_URL", default=_base_url)),
    ):
        if not _url.startswith("https://"):
            # Password links sent over plain HTTP could be read on the way.
            raise ImproperlyConfigured(f"{_name} must be an https:// address in production.")
        if not site_address_is_sound(_url):
            # Every mailed link starts with it: a link to no host, or one that hands a
            # user name and password (or a query) to every recipient, is refused here.
            raise ImproperlyConfigured(
                f"{_name} must be the site's https:// address, a host name and nothing "
                "else before its path (e.g. https://iccwatch.example.org), in production."
            )

INSTALLED_APPS = [
    # django.contrib.admin, with the admin site only admins may use (core/adminsite.py).
    "core.admin_app.AdminConfig",
    # Staff accounts (accounts/), before django.contrib.auth and rest_framework.authtoken
    # so that its createsuperuser and drf_create_token, theirs recording who ran them in
    # the accounts' history, are the commands found by those names.
    "accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The history of every fact: database triggers (pgtrigger) writing events (pghistory).
    "pgtrigger",
    "pghistory",
    # The project's own apps, from the bottom of the layout up (ARCHITECTURE.md); accounts
    # is listed first, above.
    "core",
    "states",
    "warrants",
    "visits",
    "api",
    "front",
    "dataset",
    "alerts",
    "newsroom",
    "devtools",
]

MIDDLEWARE = [
    # A HEAD answer keeps the headers of the GET (Content-Length, ETag) and loses its body,
    # which gunicorn would otherwise log as a warning (core/head.py): outermost, so that
    # it sees every answer as the client gets it.
    "core.head.HeadWithoutBodyMiddleware",
    # An API answer says where its client stands against the rate limits (api/access.py);
    # outside the page cache, which must not keep one client's count with a page.
    "api.access.RateLimitHeadersMiddleware",
    # A read the page cache replayed before is answered here, as the rest of the stack
    # answered it then, without running it again (core/pagecache.py).
    "core.pagecache.EarlyPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After (core/unavailable.py).
    "core.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for a client that accepts it, with a strong ETag of its own (core/compression.py):
    # below the early page cache, which keeps each encoding's answer apart; below WhiteNoise,
    # which serves the static files' compressed copies; above ConditionalGetMiddleware,
    # whose ETag is the identity answer's.
    "core.compression.GZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a public page is in its address (/fr/...), elsewhere cookie or header.
    "core.locale.SiteLocaleMiddleware",
    # A NUL in the path or query string: 400 (in the reader's language) before any view
    # or the database sees it.
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 304 and 412 for GETs and HEADs as RFC 9110 says, the API's 412 in its error shape
    # (core/conditional.py).
    "core.conditional.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a second-factor code.
    "django_otp.middleware.OTPMiddleware",
    # Enrolled in a second factor but no code given yet: staff pages ask for it.
    "accounts.middleware.SecondFactorMiddleware",
    # The language a signed-in account loads a newsroom page in: its mails' (written only
    # when it changes; accounts/languages.py).
    "accounts.middleware.NewsroomLanguageMiddleware",
    # Every write in a request is recorded with who, which path and which address.
    "core.history.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iccwatch.urls"
WSGI_APPLICATION = "iccwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# Without DATABASE_URL: the embedded PostgreSQL server (devtools/embedded.py), whose
# data is in .local/pgdata. Nothing is started here: the settings point at its socket,
# `manage.py up` and `manage.py test` start it, other commands start it on demand.
DATABASE_URL = env_str("DATABASE_URL", default="")
ICCWATCH_EMBEDDED_PGDATA = Path(
    env_str("ICCWATCH_PGDATA", default=str(BASE_DIR / ".local" / "pgdata"))
)
EMBEDDED_DATABASE = not DATABASE_URL
if EMBEDDED_DATABASE:
    from devtools.embedded import EmbeddedPostgres

    DATABASE_URL = EmbeddedPostgres(ICCWATCH_EMBEDDED_PGDATA).url()

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# Some hot reads run as prepared statements (core/prepared.py): psycopg prepares a
# statement only when the connection has a threshold, set here so high that it prepares
# none but those. Off for a transaction-mode pooler that does not keep prepared
# statements per client (PgBouncer before 1.21, or without max_prepared_statements).
ICCWATCH_PREPARED_STATEMENTS = env_bool("ICCWATCH_PREPARED_STATEMENTS", default=True)
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    2**31 - 1 if ICCWATCH_PREPARED_STATEMENTS else None
)
# PostgreSQL's JIT compiler is off for this application's connections. It compiles a
# statement whose estimated cost passes jit_above_cost, and the estimate of a read over a
# table just emptied or filled (a first re-evaluation, a list joined to a million
# verdicts) passes it easily: measured at 1M visits, compiling the read of a chunk of
# 2,000 visits took 936 ms of its 995 ms. The queries here are index reads and bounded
# pages, which JIT does not make faster. `server` leaves the server's setting alone
# (for a pooler that refuses startup options: set `jit = off` on the role instead).
ICCWATCH_DATABASE_JIT = env_str("ICCWATCH_DATABASE_JIT", default="off")
if ICCWATCH_DATABASE_JIT not in ("off", "on", "server"):
    raise ImproperlyConfigured("ICCWATCH_DATABASE_JIT must be off, on or server.")
_options = DATABASES["default"]["OPTIONS"]
if ICCWATCH_DATABASE_JIT != "server" and "jit=" not in str(_options.get("options", "")):
    # Added to options given in DATABASE_URL (`?options=...`), which win; like any libpq
    # `options`, it replaces PGOPTIONS from the environment.
    _options["options"] = f"{_options.get('options', '')} -c jit={ICCWATCH_DATABASE_JIT}".strip()
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
if EMBEDDED_DATABASE:
    DATABASES["default"]["ENGINE"] = "devtools.embedded_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: a Redis outage degrades to rendering, never to an error page.
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages and API reads cached per request under a data version every write bumps
# (core/pagecache.py); off renders every request (benchmarks compare both). On by default
# with Redis only: the version lives in the default cache, and a cache in each process's
# own memory never hears of another process's write (an import, a shell, the worker, a
# second web worker), whose pages and 304s would stay as they were. Production refuses it
# without Redis; elsewhere it may be asked for, for one process that makes every write.
ICCWATCH_PAGE_CACHE = env_bool("ICCWATCH_PAGE_CACHE", default=bool(REDIS_URL))
if PRODUCTION and ICCWATCH_PAGE_CACHE and not REDIS_URL:
    raise ImproperlyConfigured(
        "ICCWATCH_PAGE_CACHE needs REDIS_URL in production: with each process's own cache, "
        "a write in one process would never reach the pages another serves."
    )
# How long (seconds; set in milliseconds) a process keeps the data version it read from
# Redis: a write in that process forgets it at once; another process's write shows there
# at most this late.
ICCWATCH_DATA_VERSION_LOCAL_SECONDS = (
    env_int("ICCWATCH_DATA_VERSION_LOCAL_MS", default=1000 if PRODUCTION else 0) / 1000
)
if ICCWATCH_DATA_VERSION_LOCAL_SECONDS < 0:
    raise ImproperlyConfigured(
        "ICCWATCH_DATA_VERSION_LOCAL_MS must be 0 (always ask Redis) or more."
    )
# After a write, counts over many visits (home, country and person pages) are recounted
# by a background thread while the previous ones are shown; off: recounted in the request.
ICCWATCH_SUMMARIES_IN_BACKGROUND = env_bool("ICCWATCH_SUMMARIES_IN_BACKGROUND", default=PRODUCTION)

# --- Celery ---------------------------------------------------------------------
# Without a broker, tasks run inline in the process that schedules them. With one,
# the outbox (visits.EvaluationRequest) makes sure no accepted change is lost: the
# request row is committed with the change, and the relay/sweeper enqueues from it; the
# newsroom's mails alike (alerts.NewsroomMail, alerts.sweep_mails).
_BROKER_URL = env_str("CELERY_BROKER_URL", default="").strip()
# Production runs its tasks on a worker: without a broker, every evaluation would run in the
# request that caused it and every newsroom mail be sent from it, the reader waiting for
# the mail server. Inline tasks in production must be asked for (ICCWATCH_TASKS_INLINE:
# one process that does all, a benchmark); the worker and beat refuse to start without a
# broker whatever this says (iccwatch/celery.py).
ICCWATCH_TASKS_INLINE = env_bool("ICCWATCH_TASKS_INLINE", default=not PRODUCTION)
if PRODUCTION and not _BROKER_URL and not ICCWATCH_TASKS_INLINE:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be set in production (e.g. redis://127.0.0.1:6379/0), or "
        "ICCWATCH_TASKS_INLINE=on to run every task inline, in the request."
    )
# Whether tasks run inline, in the process that schedules them: without CELERY_BROKER_URL.
# Ask this, never CELERY_BROKER_URL, which is never empty.
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
# Inline, Celery still takes a producer's connection before it runs a task (Celery 5.7's
# apply_async), and a broker left unset is its default, amqp://localhost: kombu warned "No
# hostname was supplied. Reverting to default 'localhost'" at every task. Kombu's
# in-memory transport connects to nothing (the host named is its own default: without
# one, kombu warns the same). The worker and beat refuse to start on it
# (iccwatch/celery.py): no other process could enqueue there.
INLINE_BROKER_URL = "memory://localhost/"
CELERY_BROKER_URL = _BROKER_URL or INLINE_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep the worker's database connection across tasks. Celery 5.7's Django fixup
# (celery/fixups/django.py) closes every connection before and after each task
# unless this is set, whatever CONN_MAX_AGE says (celery#9824 went back to that,
# as close_if_unusable_or_obsolete missed broken connections); with it, the fixup
# closes them every CELERY_DB_REUSE_MAX tasks instead. The fixup reads the raw Django
# setting name, so it keeps its CELERY_ prefix. See iccwatch/celery.py for the
# per-task health check that replaces a broken connection in between.
CELERY_DB_REUSE_MAX = 100
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's consumer, except that losing the broker while the worker holds a task waiting
# for its time (a retry's countdown) no longer stops the worker (core/consumer.py).
CELERY_WORKER_CONSUMER = "core.consumer:Consumer"
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", default=2, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A hung Redis must not block a web request for minutes.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # A task whose worker died is redelivered once this many seconds have passed since it
    # was taken (not an hour), when a worker next looks for such tasks: kombu does every
    # 100 s or so, some five to seven minutes in all by default.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=300, minimum=1),
    "max_retries": 1,
}
# Enqueueing from the web tier: one quick attempt; the sweeper catches what fails.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "sweep-evaluation-requests": {
        "task": "visits.sweep_evaluation_requests",
        "schedule": env_int("ICCWATCH_SWEEP_SECONDS", default=30, minimum=1),
    },
    # The newsroom mails' outbox (alerts.NewsroomMail), on the evaluations' period.
    "sweep-newsroom-mails": {
        "task": "alerts.sweep_mails",
        "schedule": env_int("ICCWATCH_SWEEP_SECONDS", default=30, minimum=1),
    },
    "scan-urgent-alerts": {
        "task": "alerts.scan",
        "schedule": env_int("ICCWATCH_ALERTS_SCAN_SECONDS", default=180, minimum=1),
    },
    "build-downloads": {
        "task": "dataset.build_downloads",
        "schedule": env_int("ICCWATCH_DOWNLOADS_SECONDS", default=3600, minimum=1),
    },
}
# The bulk downloads of /data/ (dataset/bulk.py): where they are built and kept.
ICCWATCH_DOWNLOADS_DIR = Path(
    env_str("ICCWATCH_DOWNLOADS_DIR", default=str(BASE_DIR / "var" / "downloads"))
)
# How many superseded builds of the bulk downloads are kept, and still served, beside the
# current one (0: none), so that a file name and SHA-256 once cited stay true; a file no
# longer kept answers 410 Gone with a page that says so (dataset/bulk.py).
ICCWATCH_DOWNLOADS_KEEP = env_int("ICCWATCH_DOWNLOADS_KEEP", default=30)
# How old an outbox row must be before the sweeper re-enqueues it (the relay
# normally enqueues it at once; this catches what the relay could not).
ICCWATCH_SWEEP_GRACE_SECONDS = env_int("ICCWATCH_SWEEP_GRACE_SECONDS", default=20)
# A request the relay did enqueue is left to its task (it may wait long in the queue
# behind a re-evaluation); only when it is still here this long after (the broker's
# visibility timeout and a minute: Redis has redelivered a dying worker's message by
# then) is its message taken as lost, and the sweeper enqueues it again. The same delay
# after a newsroom mail was due, its task is taken as lost (alerts.services.sweep_mails).
ICCWATCH_SWEEP_REDELIVER_SECONDS = env_int(
    "ICCWATCH_SWEEP_REDELIVER_SECONDS",
    default=CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60,
)
# A newsroom mail being sent is leased to its worker this long, the lease moved on after
# each recipient (alerts.services.send_recorded_mail): longer than one recipient's SMTP
# conversation can take while the server still answers (some ten steps, connect, EHLO,
# STARTTLS, AUTH, MAIL, RCPT, DATA..., each allowed EMAIL_TIMEOUT), so at least 15 times
# EMAIL_TIMEOUT (the default); a slow server would otherwise see its mail taken back and
# a recipient mailed twice. Once it ran out (a worker died part-way), the sweep takes the
# mail back for the recipients still unsent.
_EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10, minimum=1)
ICCWATCH_MAIL_LEASE_SECONDS = env_int(
    "ICCWATCH_MAIL_LEASE_SECONDS", default=15 * _EMAIL_TIMEOUT, minimum=1
)
if ICCWATCH_MAIL_LEASE_SECONDS < 15 * _EMAIL_TIMEOUT:
    raise ImproperlyConfigured(
        f"ICCWATCH_MAIL_LEASE_SECONDS ({ICCWATCH_MAIL_LEASE_SECONDS}) must be at least 15 "
        f"times EMAIL_TIMEOUT ({_EMAIL_TIMEOUT} s): a slow mail server's recipient would "
        "otherwise be taken back while still being sent, and mailed twice."
    )

# --- Alerts (alerts/) -------------------------------------------------------------
# The site's public address, for links in alert emails, reviewers' notices and webhook
# payloads: the same address as ICCWATCH_BASE_URL, which it defaults to (set it only to
# send alerts' readers elsewhere); without either, http://127.0.0.1:8000 (development:
# `manage.py up` sets both to the address it serves; production requires
# ICCWATCH_BASE_URL).
ICCWATCH_SITE_URL = env_str(
    "ICCWATCH_SITE_URL",
    default=env_str("ICCWATCH_BASE_URL", default="") or "http://127.0.0.1:8000",
).rstrip("/")
# Subscriptions to urgent alerts an account may have at once (alerts.subscriptions), and
# confirmation links it may have mailed in 24 hours (to addresses other than its own).
ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS = env_int(
    "ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS", default=20, minimum=1
)
# Webhooks: seconds to wait for the receiver, retries after a failure (network error,
# 408, 429, 5xx) and their back-off (first delay in seconds, doubling, capped).
ICCWATCH_WEBHOOK_TIMEOUT = env_int("ICCWATCH_WEBHOOK_TIMEOUT", default=5, minimum=1)
ICCWATCH_WEBHOOK_MAX_RETRIES = env_int("ICCWATCH_WEBHOOK_MAX_RETRIES", default=8)
ICCWATCH_WEBHOOK_RETRY_BACKOFF = env_int("ICCWATCH_WEBHOOK_RETRY_BACKOFF", default=30)
ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX = env_int("ICCWATCH_WEBHOOK_RETRY_BACKOFF_MAX", default=3600)
# Webhooks may target loopback addresses (127.0.0.1, ::1): for tests only, never in production.
ICCWATCH_WEBHOOK_ALLOW_LOOPBACK = env_bool("ICCWATCH_WEBHOOK_ALLOW_LOOPBACK", default=False)
if PRODUCTION and ICCWATCH_WEBHOOK_ALLOW_LOOPBACK:
    raise ImproperlyConfigured("ICCWATCH_WEBHOOK_ALLOW_LOOPBACK must be off in production.")

# --- Auth, i18n, static ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked-out username+address is refused before its password is checked.
    "core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Members of the admins group hold every permission, as superusers do.
    "core.auth.AdminsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A one-time password link (manage.py create_account, password reset) expires after 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# The site's public address, for links printed or mailed (manage.py create_account, the
# password reset mail: never the request's Host header; alerts through ICCWATCH_SITE_URL);
# unset: http://127.0.0.1:8000 (development, where `manage.py up` sets it to the address
# it serves; production requires it, https://).
ICCWATCH_BASE_URL = env_str("ICCWATCH_BASE_URL", default="").rstrip("/")

# Lockout of repeated failed sign-ins (django-axes), on every sign-in form: after
# ICCWATCH_LOGIN_FAILURE_LIMIT failures for one username from one address, that
# username is refused from that address, even with the right password, until
# ICCWATCH_LOGIN_COOLOFF_MINUTES have passed since the last failure (a failure during
# the lockout starts the cool-off again). Admins see and clear lockouts in the admin
# (Axes: access attempts) or with `manage.py axes_reset_username USERNAME`. After failed
# sign-ins as ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT different usernames from one address
# (a few guesses at each of many accounts), every username is refused from that address
# the same way (`manage.py axes_reset_ip ADDRESS` unlocks it); one person retrying their own
# account never locks out the colleagues who share their address.
ICCWATCH_LOGIN_FAILURE_LIMIT = env_int("ICCWATCH_LOGIN_FAILURE_LIMIT", default=5)
ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT = env_int(
    "ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT", default=10, minimum=1
)
ICCWATCH_LOGIN_COOLOFF_MINUTES = env_int("ICCWATCH_LOGIN_COOLOFF_MINUTES", default=30, minimum=1)
if not 1 <= ICCWATCH_LOGIN_FAILURE_LIMIT <= 100:
    raise ImproperlyConfigured("ICCWATCH_LOGIN_FAILURE_LIMIT must be between 1 and 100.")
if not 2 <= ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT <= 10000:
    raise ImproperlyConfigured("ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT must be between 2 and 10000.")
if not 1 <= ICCWATCH_LOGIN_COOLOFF_MINUTES <= 7 * 24 * 60:
    raise ImproperlyConfigured(
        "ICCWATCH_LOGIN_COOLOFF_MINUTES must be between 1 and 10080 (a week)."
    )
# An IPv6 client counted by its /64 may hold a whole /48 (65,536 /64s: a tunnel broker
# gives one away): within the cool-off, ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT failures for
# one username from one /48 refuse that username from the whole /48, and failed sign-ins
# as ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT different usernames refuse every username from
# it (core.auth.network_lock; `manage.py unlock_network 2001:db8:1::/48` lifts both); each
# at least its one-address counterpart. Unset, each is 25 and 30, or its counterpart when
# that is set higher: a configuration whose one-address limits were valid before the /48
# was counted still starts, the /48 never under them.
ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT = env_int(
    "ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT",
    default=max(25, ICCWATCH_LOGIN_FAILURE_LIMIT),
    minimum=1,
)
ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT = env_int(
    "ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT",
    default=max(30, ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT),
    minimum=1,
)
if not ICCWATCH_LOGIN_FAILURE_LIMIT <= ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT <= 10000:
    raise ImproperlyConfigured(
        "ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT must be between ICCWATCH_LOGIN_FAILURE_LIMIT "
        f"({ICCWATCH_LOGIN_FAILURE_LIMIT}) and 10000."
    )
if not ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT <= ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT <= 10000:
    raise ImproperlyConfigured(
        "ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT must be between "
        f"ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT ({ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT}) and 10000."
    )
# The password reset (newsroom.forms.ThrottledPasswordResetForm) takes at most 10 requests
# an hour from one client (newsroom.forms.RESET_REQUESTS_PER_CLIENT: an IPv6 client's /64),
# and ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT an hour from the clients of one IPv6 /48
# together: one holder of a /48 has 65,536 /64s, each with 10 requests of its own.
ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT = env_int(
    "ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT", default=50, minimum=1
)
if not 10 <= ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT <= 10000:
    raise ImproperlyConfigured(
        "ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT must be between the requests one client may "
        "make an hour (10) and 10000."
    )
AXES_ENABLED = True
AXES_FAILURE_LIMIT = ICCWATCH_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=ICCWATCH_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page, in the frame of the sign-in it answers for: the admin's in the admin's
# look, every other in the newsroom's (AXES_LOCKOUT_TEMPLATE); axes' status and context
# (accounts/lockout.py).
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The same client as every per-client limit counts (ICCWATCH_API_NUM_PROXIES): its
# address, or an IPv6 client's /64 written as its first address, so that the lock of a
# username from one address cannot be dodged by the next address of the same /64.
AXES_CLIENT_IP_CALLABLE = "core.auth.client_key"
# The attempt log keeps no passwords; usernames are kept so that admins can unlock them.
AXES_SENSITIVE_PARAMETERS = ["password"]
# No start-up banner on every manage.py command; lockouts are still logged.
AXES_VERBOSE = False

# Second factor (django-otp, TOTP): optional, for reviewers and admins (/account/otp/).
OTP_TOTP_ISSUER = "iccwatch"
# After a wrong code the next is refused for OTP_TOTP_THROTTLE_FACTOR seconds, doubling
# with each wrong code in a row (1 s, 2 s, 4 s ... 128 s after the 8th, 34 minutes after
# the 12th), with no cap, until a right code: django-otp's own throttling. The code step
# comes after the password (locked out by django-axes), so a wait this long is met only by
# someone guessing codes; an admin lifts it in the admin (TOTP devices: "Throttling
# failure count" 0). The page says how long to wait (accounts.views.throttled).
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin never shows a device's seed, its configuration page or its QR code: with them,
# an admin could sign in as the account's owner with its second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions are kept in the database (Django's default engine): turning an account off
# ends its sessions by finding them there (accounts.offboarding.end_sessions).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The cookie is never readable by scripts, is not sent on cross-site subrequests or posts
# (SameSite=Lax), only over HTTPS in production, and lasts DJANGO_SESSION_COOKIE_AGE
# seconds (default 8 hours: a working day).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600, minimum=1)
if not 300 <= SESSION_COOKIE_AGE <= 30 * 24 * 3600:
    raise ImproperlyConfigured(
        "DJANGO_SESSION_COOKIE_AGE must be between 300 (5 minutes) and 2592000 (30 days) seconds."
    )
CSRF_COOKIE_SAMESITE = "Lax"

# The newsroom's sign-in (Django's auth views with the newsroom's templates).
LOGIN_URL = "newsroom:sign-in"
LOGIN_REDIRECT_URL = "newsroom:dashboard"
LOGOUT_REDIRECT_URL = "newsroom:sign-in"

# --- Mail (password reset links; alerts) ----------------------------------------
# Development prints mail on the console (unless EMAIL_HOST is set); production sends
# it through SMTP, configured from the environment, and refuses to start without a mail
# server, without a sender address or with one that is no address (mail from
# noreply@localhost is refused or filed as spam), and with a password sent over a
# connection neither STARTTLS (EMAIL_USE_TLS) nor TLS from the start (EMAIL_USE_SSL)
# encrypts: `mail_configuration_problem`.
DEFAULT_FROM_EMAIL = env_str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="" if PRODUCTION else "iccwatch <noreply@localhost>"
).strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = env_str("EMAIL_HOST", default="").strip()
_email_password = env_str("EMAIL_HOST_PASSWORD", default="")
_email_use_tls = env_bool("EMAIL_USE_TLS", default=True)
_email_use_ssl = env_bool("EMAIL_USE_SSL", default=False)


def mail_configuration_problem(
    host: str, from_email: str, password: str, use_tls: bool, use_ssl: bool
) -> str:
    """The one line that says why production cannot send mail with this configuration
    ("" when it can): no EMAIL_HOST; no DJANGO_DEFAULT_FROM_EMAIL, or one that is no
    address (`Name <user@domain>` or `user@domain`, the domain a name with a dot, so not
    `localhost`); both EMAIL_USE_TLS and EMAIL_USE_SSL (Django refuses the pair); or an
    EMAIL_HOST_PASSWORD with neither, which would cross the network in clear."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not host:
        return (
            "EMAIL_HOST must be set in production: the mail server that sends password links "
            "and the newsroom's mails (e.g. smtp.example.org)."
        )
    if not from_email:
        return (
            "DJANGO_DEFAULT_FROM_EMAIL must be set in production: the sender of every mail "
            "(e.g. iccwatch <noreply@iccwatch.example.org>)."
        )
    _, address = parseaddr(from_email)
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    if not address or "." not in address.rpartition("@")[2]:
        return (
            f"DJANGO_DEFAULT_FROM_EMAIL={from_email[:60]!r} is no address mail can come from: "
            "give one as user@domain or Name <user@domain>, at the site's own domain."
        )
    if use_tls and use_ssl:
        return (
            "EMAIL_USE_TLS and EMAIL_USE_SSL must not both be on: STARTTLS (port 587) or TLS "
            "from the start (port 465), not both."
        )
    if password and not (use_tls or use_ssl):
        return (
            "EMAIL_HOST_PASSWORD must not be sent without encryption: turn EMAIL_USE_TLS "
            "(STARTTLS, port 587) or EMAIL_USE_SSL (port 465) on."
        )
    return ""


if PRODUCTION:
    _mail_problem = mail_configuration_problem(
        _email_host, DEFAULT_FROM_EMAIL, _email_password, _email_use_tls, _email_use_ssl
    )
    if _mail_problem:
        raise ImproperlyConfigured(_mail_problem)
if PRODUCTION or _email_host:
    _MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", default=465 if _email_use_ssl else 587, minimum=1),
            "username": env_str("EMAIL_HOST_USER", default=""),
            "password": _email_password,
            "use_tls": _email_use_tls and not _email_use_ssl,
            "use_ssl": _email_use_ssl,
            "timeout": _EMAIL_TIMEOUT,
        },
    }
else:
    _MAILER = {
        "BACKEND": env_str(
            "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        )
    }
# Django 6.1's mail configuration (one mailer, "default").
MAILERS = {"default": _MAILER}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The formats that differ from Django's for a language: a time "15 h 07" in French.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
if PRODUCTION:
    # Static files are collected (`docker/entrypoint.sh assets`) under names that hold a
    # hash of their content (css/site.295607ce4cf8.css, with a manifest, staticfiles.json,
    # that `{% static %}` reads), each with a gzip copy beside it; whitenoise serves a
    # hashed name with a cache of ten years (`immutable`), since another content gets
    # another name, and the gzip copy to a browser that accepts it. Elsewhere the files
    # keep their names and are read where they are: the tests and `up` collect nothing.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# The world map's country shapes (TopoJSON, 1:110m), installed by npm with world-atlas;
# without the file the pages show the map's table alone.
WORLD_ATLAS_PATH = Path(
    env_str(
        "ICCWATCH_WORLD_ATLAS_PATH",
        default=str(BASE_DIR / "node_modules" / "world-atlas" / "countries-110m.json"),
    )
)
# Which ISO 3166-1 entries are territories of a State (states.territories), from the npm
# package @rapideditor/country-coder; without the file no entry is marked.
COUNTRY_CODER_BORDERS = Path(
    env_str(
        "ICCWATCH_COUNTRY_CODER_BORDERS",
        default=str(
            BASE_DIR
            / "node_modules"
            / "@rapideditor"
            / "country-coder"
            / "src"
            / "data"
            / "borders.json"
        ),
    )
)


# --- REST framework -------------------------------------------------------------
def _api_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as 60/min (per s, min, hour or day)."""
    import re

    value = env_str(name, default=default).strip()
    if not re.fullmatch(r"[1-9]\d*/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: use e.g. 60/min, 5/s, 1000/hour or 20000/day."
        )
    return value


REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.base.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.ApiFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.paging.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["api.formats.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ApiContentNegotiation",
    # OPTIONS describes the body each POST reads, not the serializer of its answer.
    "DEFAULT_METADATA_CLASS": "api.metadata.ApiMetadata",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # The key first, so that an anonymous write is answered 401 with its challenge
    # (WWW-Authenticate: Bearer, Token), not 403 as SessionAuthentication would.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.access.TokenAuthentication",  # Bearer <key> or Token <key>
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.ReadOnlyUnlessReporter"],
    # Both rate limits in one throttle (one round trip): their request logs live in the
    # default cache, Redis when REDIS_URL is set (shared by every web process), otherwise
    # the process's own memory.
    "DEFAULT_THROTTLE_CLASSES": ["api.access.RateLimits"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _api_rate("ICCWATCH_API_ANON_RATE", "60/min"),
        "user": _api_rate("ICCWATCH_API_USER_RATE", "600/min"),
        # Anonymous IPv6 clients of one /48 together (api.access.RateLimits).
        "network": _api_rate("ICCWATCH_API_ANON_NETWORK_RATE", "600/min"),
    },
    # "NUM_PROXIES" is set below, with the proxy header the site trusts.
}
# Streamed downloads (core/exports.py): at most this many at once from one client address
# (an IPv6 client's /64: core.auth.client_key), and in all (shared in Redis by every web
# process); one more is a 429 with Retry-After.
ICCWATCH_EXPORTS_PER_CLIENT = env_int("ICCWATCH_EXPORTS_PER_CLIENT", default=2, minimum=1)
ICCWATCH_EXPORTS_AT_ONCE = env_int("ICCWATCH_EXPORTS_AT_ONCE", default=6, minimum=1)
# And at most this many from the clients of one IPv6 /48 together (core.auth.client_network):
# one holder of a /48 has 65,536 /64s, each with slots of its own, enough to take every
# slot of all. Never under ICCWATCH_EXPORTS_PER_CLIENT: unset, it is 4, or that when it is
# set higher.
ICCWATCH_EXPORTS_PER_NETWORK = env_int(
    "ICCWATCH_EXPORTS_PER_NETWORK", default=max(4, ICCWATCH_EXPORTS_PER_CLIENT), minimum=1
)
if ICCWATCH_EXPORTS_PER_NETWORK < ICCWATCH_EXPORTS_PER_CLIENT:
    raise ImproperlyConfigured(
        "ICCWATCH_EXPORTS_PER_NETWORK must be at least ICCWATCH_EXPORTS_PER_CLIENT "
        f"({ICCWATCH_EXPORTS_PER_CLIENT})."
    )
# The licence of the data the site and the API serve (data/LICENSE): the dataset and the
# verdicts derived from it.
DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}

SPECTACULAR_SETTINGS = {
    "TITLE": "iccwatch API",
    "DESCRIPTION": "Visits of people wanted under ICC arrest warrants, and the verdicts on their hosts.",
    "LICENSE": DATA_LICENCE,
    # Replaced by api.schema.describe_api with the date of the API change log's latest
    # entry (api.base.api_version); "" here so no stale number can be read.
    "VERSION": "",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI puts each operation's link inside its toggle button
    # (nested interactive controls, WCAG 4.1.2).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "core.models.DatePrecision",
        "VerdictCodeEnum": "visits.models.VerdictCode",
        "BasisEnum": "visits.models.Basis",
        "VisitStatusEnum": "visits.models.VisitStatus",
        "VisitOutcomeEnum": "visits.models.VisitOutcome",
        "HostControlEnum": "visits.models.HostControl",
        "FindingKindEnum": "visits.models.FindingKind",
        "ReviewStateEnum": "visits.models.ReviewState",
        "PersonStatusEnum": "warrants.models.PersonStatus",
        "TreatyEventKindEnum": "states.models.TreatyEventKind",
        "TreatyStatusEnum": "states.status.Standing",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_api",
    ],
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Headers a browser-based client may send: django-cors-headers' defaults, and a
# revalidation's If-None-Match (the ETag it kept: a 304 instead of the whole answer).
CORS_ALLOW_HEADERS = (*cors_default_headers, "if-none-match")
# Headers a browser-based client may read: validators, rate limits, download names, the
# answer's language, and the moment to read changes from next time (`?changed_since=`).
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Retry-After",
    "Content-Disposition",
    "Location",
    "Content-Language",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Changed-Until",
]

# --- Security -------------------------------------------------------------------
# HTTPS. In production the site sits behind a TLS-terminating proxy that sets
# X-Forwarded-Proto (README, "Production"): requests it marks https are secure, plain
# HTTP is redirected, browsers are told to use HTTPS only (HSTS), and the session and
# CSRF cookies are never sent over plain HTTP. Each is a variable; the production
# defaults pass `manage.py check --deploy` without a warning.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
if PRODUCTION and not SESSION_COOKIE_SECURE:
    raise ImproperlyConfigured("DJANGO_SECURE_COOKIES must be on in production.")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION
)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=PRODUCTION)


def _proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto=https` -> ("HTTP_X_FORWARDED_PROTO", "https"); empty: None."""
    import re

    raw = raw.strip()
    if not raw:
        return None
    match = re.fullmatch(r"([A-Za-z0-9-]+)\s*=\s*(\S+)", raw)
    if not match:
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER={raw!r} must read HEADER=VALUE, e.g. "
            "X-Forwarded-Proto=https (empty: trust no proxy header)."
        )
    return "HTTP_" + match[1].upper().replace("-", "_"), match[2]


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(
    env_str(
        "DJANGO_SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto=https" if PRODUCTION else ""
    )
)
# Behind N reverse proxies, the client's address (core.auth.client_ip, from which every
# per-client limit takes its key) is the Nth from the right in X-Forwarded-For, the one the
# nearest proxy appended. Unset: 1 where the site trusts a TLS proxy's header (production's
# default: the proxy the README puts in front), else 0, the peer's own address. Never
# DRF's None, which keys the limits on the whole header as any client writes it.
REST_FRAMEWORK["NUM_PROXIES"] = env_int(
    "ICCWATCH_API_NUM_PROXIES", default=1 if SECURE_PROXY_SSL_HEADER else 0
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Only the site itself: no CDN, no third-party script, style, font or map tile, and
# no inline script or style (the API docs page loads Swagger UI from static files).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Logs go to stderr, one line per record, dated and naming the level, the process and the
# logger as gunicorn's own lines do (a line without its time or level cannot be matched
# with the access log, nor filtered). The Celery worker and beat format them their way.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", default="INFO").strip().upper()
if LOG_LEVEL not in LOG_LEVELS:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL={env_str('DJANGO_LOG_LEVEL', default='')!r} must be one of: "
        f"{', '.join(LOG_LEVELS)}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "filters": {"one_line_warning": {"()": "core.logfilters.OneLineWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own records go to the root's handler only. Django's default handlers
        # (a plain console one while DEBUG is on; mail to ADMINS, which this project does
        # not set) wrote each record once more: `up` printed "Watching for file changes
        # with StatReloader" twice, plain and as a log line. Its level stays INFO.
        "django": {"handlers": []},
        "django.db.backends": {"level": "INFO"},
        # A request with a Host header outside ALLOWED_HOSTS (a probe sent to the bare
        # address, a scanner) is answered 400 and logged as one WARNING line, not as an
        # ERROR with a traceback (core.logfilters.OneLineWarning).
        "django.security.DisallowedHost": {"filters": ["one_line_warning"]},
    },
}

# The history of every fact (core.history): requests that may write are recorded with
# their user and path; reads are not.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
