"""The settings module: production refuses unsafe configurations, and .env.example lists every variable."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.layout import PROJECT_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
SAFE_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "mR4t_Qz8Lx2Wv7Np1Kc9Hj3Bf6Gd0Ys5Ua-Te8Xo2Zi4Vq7Sn1",
    "DJANGO_ALLOWED_HOSTS": "iccwatch.example.org",
    "ICCWATCH_BASE_URL": "https://iccwatch.example.org",
    # Never connected to: loading the settings opens no connection.
    "DATABASE_URL": "postgres://iccwatch:secret@db.invalid:5432/iccwatch",
    "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
    "EMAIL_HOST": "smtp.invalid",
    "DJANGO_DEFAULT_FROM_EMAIL": "iccwatch <noreply@iccwatch.example.org>",
}


def load_settings(_code=None, **overrides):
    """Load the settings in a fresh interpreter with exactly this configuration."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "REDIS_URL", "ICCWATCH_"))
    }
    env.update(SAFE_PRODUCTION)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["DJANGO_SETTINGS_MODULE"] = "iccwatch.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            _code
            or "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_safe_production_configuration_starts():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


def test_production_refuses_to_start_without_a_broker_unless_inline_tasks_are_asked_for():
    """Without CELERY_BROKER_URL every task would run in the request that caused it (the
    newsroom's mails sent from it): production asks for a broker, or for that on purpose."""
    refused = load_settings(CELERY_BROKER_URL=None)
    assert refused.returncode != 0
    assert "CELERY_BROKER_URL must be set in production" in refused.stderr
    assert "ICCWATCH_TASKS_INLINE=on" in refused.stderr
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    inline = load_settings(code, CELERY_BROKER_URL=None, ICCWATCH_TASKS_INLINE="on")
    assert inline.returncode == 0, inline.stderr
    assert inline.stdout.strip() == "True"
    queued = load_settings(code)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.strip() == "False"


def test_production_accepts_a_leading_dot_before_the_sites_own_domain():
    """`.example.org` (the domain and its subdomains) is what the refusal of `.org` points
    to: it starts, and so does a site's own name under a public suffix of two labels."""
    result = load_settings(
        DJANGO_ALLOWED_HOSTS=".example.org, iccwatch.example.co.uk, .example.co.uk, "
        ".iccwatch.github.io"
    )
    assert result.returncode == 0, result.stderr


def test_production_trusts_https_origins_of_the_sites_own_names():
    """What the refusals of `https://*.com` and `http://` point to starts: the site's own
    https:// origins, a port, and `*.` before its own domain or its own name under a
    public suffix."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CSRF_TRUSTED_ORIGINS)"
    )
    result = load_settings(
        code,
        DJANGO_CSRF_TRUSTED_ORIGINS="https://iccwatch.example.org, https://*.example.org, "
        "https://admin.example.org:8443, https://*.example.co.uk, https://*.iccwatch.github.io",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        [
            "https://iccwatch.example.org",
            "https://*.example.org",
            "https://admin.example.org:8443",
            "https://*.example.co.uk",
            "https://*.iccwatch.github.io",
        ]
    )


@pytest.mark.parametrize(
    ("pattern", "spans"),
    [
        (".co.uk", True),
        (".CO.UK.", True),
        (".com.au", True),
        (".kobe.jp", True),  # `*.kobe.jp` makes it a suffix, and every name under it one
        (".anything.kobe.jp", True),
        (".公司.香港", True),
        (".xn--55qx5d.xn--j6w193g", True),  # the same, in its ASCII form
        (".github.io", True),  # the list's private section: anyone's site
        (".herokuapp.com", True),
        (".example.co.uk", False),
        (".city.kobe.jp", False),  # an exception to `*.kobe.jp`
        (".iccwatch.github.io", False),
        (".example.org", False),
        ("co.uk", False),  # no leading dot: that one host only
        (".com", False),  # a single label: the top-level domain's refusal
    ],
)
def test_a_leading_dot_before_a_public_suffix_spans_other_owners_sites(pattern, spans):
    """Django matches `.co.uk` against every host under it: each a site of its own owner,
    as under `.com`. The Public Suffix List the package ships says which names those are."""
    from iccwatch.settings import _spans_a_public_suffix

    assert _spans_a_public_suffix(pattern) is spans


SAFE_KEY = SAFE_PRODUCTION["DJANGO_SECRET_KEY"]
HOW_TO_GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def refusal_of_key(key: str) -> str:
    """Why production refuses DJANGO_SECRET_KEY=`key`, the rest of the configuration safe
    ("" when it starts)."""
    from iccwatch.settings import unsafe_production_setting

    return unsafe_production_setting(key, False, ["iccwatch.example.org"])


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("secret" * 9, "it repeats the same 6 characters"),
        ("1234567890" * 5, "it repeats the same 10 characters"),
        ("your-secret-key-here-" * 3, "it reads 'secretkey'"),
        ("Change_Me_" * 6, "it reads 'changeme'"),
        ("CHANGE ME " * 6, "it reads 'changeme'"),
        (
            "django_insecure_" + "q8Zr2LwX9kTn4VbY7mHc3JpD6sFa1GeU5oRi0NtK-_Qz",
            "it reads 'djangoinsecure'",
        ),
        ("my.Example.key." + "q8Zr2LwX9kTn4VbY7mHc3JpD6sFa1GeU5oRi0NtK", "it reads 'example'"),
        ("DEFAULT-" + "q8Zr2LwX9kTn4VbY7mHc3JpD6sFa1GeU5oRi0NtK-_QzWx", "it reads 'default'"),
        ("test_" + "q8Zr2LwX9kTn4VbY7mHc3JpD6sFa1GeU5oRi0NtK-_QzWx", "it reads 'test'"),
        ("your_key_" + "q8Zr2LwX9kTn4VbY7mHc3JpD6sFa1GeU5oRi0NtK-_QzWx", "it reads 'yourkey'"),
        ("abcdefghijklmnopqrs" + "srqponmlkjihgfedcba" + "acegikmoqsbdfhjlnpr", "19 distinct"),
        ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "26 in a row"),
        ("zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUTSRQPONML", "26 in a row"),
        ("qwertyuiopasdfghjklzxcvbnm1234567890QWERTYUIOPASDFG", "in a row"),
        ("azertyuiop" + "QSDFGHJKLM" + "wxcvbn" + "0123456789" + "AZERTYUIOP" + "qsdf", "in a row"),
        ("abcX9mnoQ2defZ7pqrK4ghiW1stuJ8jklV5vwxH3" + "yzaP6bcdT0", "27 of its 50"),
        ("k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz", "36 of its 56"),
        ("a" * 25 + "bK7qW2zX9mP4vR6tY1uE8iO3nL5", "bits per character"),
    ],
    ids=[
        "secret-nine-times",
        "fifty-digits",
        "your-secret-key-here",
        "change-me",
        "change-me-in-capitals-with-spaces",
        "django-insecure-with-underscores",
        "example-with-dots",
        "default",
        "test",
        "your-key",
        "nineteen-distinct-characters",
        "the-alphabet-in-both-cases",
        "the-alphabet-and-digits-backwards",
        "a-qwerty-keyboard-row-by-row",
        "an-azerty-keyboard-row-by-row",
        "short-runs-of-three-all-along",
        "one-letter-then-the-alphabet",
        "one-letter-over-and-over",
    ],
)
def test_production_refuses_a_weak_secret_key_and_says_why_and_how_to_make_one(key, why):
    """Each was accepted: 50 characters or more, 5 distinct or more (Django's own check,
    security.W009) and none of the few markers matched, as written (`Change_Me_`,
    `your-secret-key-here`) or at all (`secret` nine times, fifty digits)."""
    assert len(key) >= 50
    refusal = refusal_of_key(key)
    assert refusal.startswith("DJANGO_SECRET_KEY "), refusal
    assert why in refusal, refusal
    assert HOW_TO_GENERATE in refusal, refusal


@pytest.mark.parametrize(
    "make",
    [
        lambda: __import__("secrets").token_urlsafe(50),
        lambda: __import__("secrets").token_urlsafe(48),  # .ci/production_smoke.py's
        lambda: __import__(
            "django.core.management.utils"
        ).core.management.utils.get_random_secret_key(),
    ],
    ids=["token_urlsafe-50", "token_urlsafe-48", "django-get_random_secret_key"],
)
def test_production_accepts_the_keys_it_says_to_generate(make):
    for _ in range(1000):
        key = make()
        assert refusal_of_key(key) == "", key
    assert refusal_of_key(SAFE_KEY) == ""


def test_production_cookies_are_secure_and_sign_in_is_guarded():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, "
        "s.AXES_COOLOFF_TIME, s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1])"
    )
    result = load_settings(_code=code, DJANGO_SESSION_COOKIE_AGE="3600")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "Lax",
        "3600",
        "5",
        "0:30:00",
        "core.auth.LockoutBackend",
        "axes.middleware.AxesMiddleware",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set in production"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set in production"),
        (
            {"DJANGO_SECRET_KEY": "insecure-development-key-change-me"},
            "DJANGO_SECRET_KEY is a placeholder or build-time key written in iccwatch's code.",
        ),
        (
            # The key docker/entrypoint.sh's build step used to set.
            {"DJANGO_SECRET_KEY": "build-time-placeholder-never-used-to-sign-anything-0000"},
            "DJANGO_SECRET_KEY is a placeholder or build-time key written in iccwatch's code.",
        ),
        (
            {"DJANGO_SECRET_KEY": "please-change-me-" + "0123456789abcdefghij" * 3},
            "DJANGO_SECRET_KEY is a placeholder or example key: it reads 'changeme'",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + "0123456789abcdefghij" * 3},
            "DJANGO_SECRET_KEY is a placeholder or example key: it reads 'djangoinsecure'",
        ),
        ({"DJANGO_SECRET_KEY": "too-short-0123456789"}, "DJANGO_SECRET_KEY is 20 characters"),
        ({"DJANGO_SECRET_KEY": "a" * 40}, "DJANGO_SECRET_KEY is 40 characters"),
        ({"DJANGO_SECRET_KEY": "0123456789" * 4 + "abcdefghi"}, "DJANGO_SECRET_KEY is 49"),
        (
            {"DJANGO_SECRET_KEY": "abab" * 20},
            "DJANGO_SECRET_KEY is no random value: it repeats the same 2 characters over its 80. "
            "Generate one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
        ),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must not contain '*'"),
        (
            {"DJANGO_ALLOWED_HOSTS": "iccwatch.example.org, *"},
            "DJANGO_ALLOWED_HOSTS must not contain '*'",
        ),
        ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS must list the site's host names"),
        (
            {"DJANGO_ALLOWED_HOSTS": ".com"},
            "DJANGO_ALLOWED_HOSTS must not contain '.com' in production: it allows every host "
            "of a top-level domain",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": "iccwatch.example.org, .ORG."},
            "DJANGO_ALLOWED_HOSTS must not contain '.ORG.' in production",
        ),
        ({"DJANGO_ALLOWED_HOSTS": "."}, "DJANGO_ALLOWED_HOSTS must not contain '.' in production"),
        (
            {"DJANGO_ALLOWED_HOSTS": ".co.uk"},
            "DJANGO_ALLOWED_HOSTS must not contain '.co.uk' in production: a public suffix "
            "allows every site registered under it. Give the site's own name (.yoursite.co.uk).",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": "iccwatch.example.org, .example.com.au, .COM.AU."},
            "DJANGO_ALLOWED_HOSTS must not contain '.COM.AU.' in production: a public suffix "
            "allows every site registered under it. Give the site's own name (.yoursite.com.au).",
        ),
        (
            # It suggested (.example.co.uk), no name under .github.io.
            {"DJANGO_ALLOWED_HOSTS": ".github.io"},
            "DJANGO_ALLOWED_HOSTS must not contain '.github.io' in production: a public suffix "
            "allows every site registered under it. Give the site's own name "
            "(.yoursite.github.io).",
        ),
        ({"DJANGO_SECURE_COOKIES": "off"}, "DJANGO_SECURE_COOKIES must be on in production."),
        (
            {"DJANGO_SECURE_HSTS_SECONDS": "-1"},
            "DJANGO_SECURE_HSTS_SECONDS='-1' must be at least 0.",
        ),
        (
            {"DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
            "DJANGO_SECURE_PROXY_SSL_HEADER='X-Forwarded-Proto' must read HEADER=VALUE",
        ),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off in production."),
        (
            {"DJANGO_ALLOWED_HOSTS": ""},
            "DJANGO_ALLOWED_HOSTS must list the site's host names in production.",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": None},
            "DJANGO_ALLOWED_HOSTS must list the site's host names in production.",
        ),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set in production"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        (
            {"ICCWATCH_BASE_URL": "http://iccwatch.example.org"},
            "ICCWATCH_BASE_URL must be an https://",
        ),
        (
            {"ICCWATCH_BASE_URL": "https://"},
            "ICCWATCH_BASE_URL must be the site's https:// address, a host name",
        ),
        (
            {"ICCWATCH_BASE_URL": "https://admin:secret@iccwatch.example.org"},
            "ICCWATCH_BASE_URL must be the site's https:// address, a host name",
        ),
        (
            {"ICCWATCH_SITE_URL": "https:///alerts"},
            "ICCWATCH_SITE_URL must be the site's https:// address, a host name",
        ),
        ({"ICCWATCH_BASE_URL": None}, "ICCWATCH_BASE_URL must be set in production"),
        ({"ICCWATCH_BASE_URL": ""}, "ICCWATCH_BASE_URL must be set in production"),
        (
            {"ICCWATCH_SITE_URL": "http://localhost:8000"},
            "ICCWATCH_SITE_URL must be an https:// address in production.",
        ),
        ({"DJANGO_SESSION_COOKIE_AGE": "60"}, "DJANGO_SESSION_COOKIE_AGE must be between 300"),
        ({"ICCWATCH_LOGIN_FAILURE_LIMIT": "0"}, "ICCWATCH_LOGIN_FAILURE_LIMIT must be between 1"),
        (
            {"ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT": "1"},
            "ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT must be between 2 and 10000",
        ),
        ({"ICCWATCH_LOGIN_COOLOFF_MINUTES": "x"}, "ICCWATCH_LOGIN_COOLOFF_MINUTES='x' is not"),
        (
            {"ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT": "4"},
            "ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT must be between ICCWATCH_LOGIN_FAILURE_LIMIT (5)",
        ),
        (
            {"ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT": "9"},
            "ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT must be between "
            "ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT (10)",
        ),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV='prod' must be one of: development, production."),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://*.com,http://iccwatch.example.org"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://*.com' in production: it "
            "trusts every site of a top-level domain.",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://*.co.uk"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://*.co.uk' in production: a "
            "public suffix",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://iccwatch.example.org, https://*.github.io"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://*.github.io' in production: "
            "a public suffix",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "http://iccwatch.example.org"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'http://iccwatch.example.org' in "
            "production: cookies are sent over HTTPS only",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "iccwatch.example.org"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'iccwatch.example.org': an entry is an "
            "origin",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://iccwatch.example.org/newsroom/"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://iccwatch.example.org/newsroom/':",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://*"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://*':",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://ic*.example.org"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://ic*.example.org':",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://admin@iccwatch.example.org"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://admin@iccwatch.example.org':",
        ),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://iccwatch.example.org:https"},
            "DJANGO_CSRF_TRUSTED_ORIGINS must not contain 'https://iccwatch.example.org:https':",
        ),
        ({"EMAIL_HOST": None}, "EMAIL_HOST must be set in production"),
        ({"EMAIL_HOST": " "}, "EMAIL_HOST must be set in production"),
        (
            {"DJANGO_DEFAULT_FROM_EMAIL": None},
            "DJANGO_DEFAULT_FROM_EMAIL must be set in production",
        ),
        (
            {"DJANGO_DEFAULT_FROM_EMAIL": "not an address"},
            "DJANGO_DEFAULT_FROM_EMAIL='not an address' is no address mail can come from",
        ),
        (
            {"DJANGO_DEFAULT_FROM_EMAIL": "iccwatch <noreply@localhost>"},
            "DJANGO_DEFAULT_FROM_EMAIL='iccwatch <noreply@localhost>' is no address",
        ),
        (
            {"EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": "0"},
            "EMAIL_HOST_PASSWORD must not be sent without encryption",
        ),
        (
            {"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL must not both be on",
        ),
    ],
    ids=[
        "missing-secret",
        "empty-secret",
        "placeholder-secret",
        "build-time-secret",
        "change-me-secret",
        "django-insecure-secret",
        "short-secret",
        "40-a-secret",
        "49-character-secret",
        "two-character-secret",
        "star-host",
        "star-among-hosts",
        "blank-hosts",
        "top-level-domain-host",
        "top-level-domain-among-hosts",
        "dot-host",
        "public-suffix-host",
        "public-suffix-among-hosts",
        "private-public-suffix-host",
        "insecure-cookies",
        "negative-hsts",
        "unreadable-proxy-header",
        "debug-on",
        "empty-hosts",
        "no-hosts",
        "no-database",
        "unreadable-boolean",
        "http-base-url",
        "base-url-without-host",
        "base-url-with-password",
        "site-url-without-host",
        "no-base-url",
        "empty-base-url",
        "http-site-url",
        "short-session",
        "no-lockout",
        "address-lock-of-one-username",
        "unreadable-cooloff",
        "network-lock-under-the-address-lock",
        "network-spraying-lock-under-the-address-lock",
        "unknown-environment",
        "trusted-origin-over-a-top-level-domain",
        "trusted-origin-over-a-public-suffix",
        "trusted-origin-over-a-private-public-suffix",
        "http-trusted-origin",
        "trusted-origin-without-scheme",
        "trusted-origin-with-path",
        "trusted-origin-of-every-host",
        "trusted-origin-with-a-star-inside-a-label",
        "trusted-origin-with-a-user-name",
        "trusted-origin-with-an-unreadable-port",
        "no-mail-server",
        "blank-mail-server",
        "no-sender",
        "sender-no-address",
        "sender-at-localhost",
        "mail-password-in-clear",
        "starttls-and-tls-at-once",
    ],
)
def test_production_refuses_an_unsafe_configuration(overrides, message):
    result = load_settings(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    # One clear line: the message names the variable and fits on a line.
    line = next(line for line in result.stderr.splitlines() if message in line)
    assert len(line) < 250


@pytest.mark.parametrize(
    ("name", "url"),
    [
        # A fragment: the link became https://iccwatch.example.org#x/newsroom/password-reset/…
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org#x"),
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org#"),
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org?"),
        # No host name: a space, a label that starts with a hyphen, an empty label.
        ("ICCWATCH_BASE_URL", "https://ex ample.org"),
        ("ICCWATCH_BASE_URL", "https://-iccwatch.example.org"),
        ("ICCWATCH_SITE_URL", "https://iccwatch..example.org"),
        # No port: over 65535, 0, not a number.
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org:99999"),
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org:0"),
        ("ICCWATCH_SITE_URL", "https://iccwatch.example.org:https"),
        # A space in the path breaks the link where a mail program cuts it.
        ("ICCWATCH_BASE_URL", "https://iccwatch.example.org/ice watch"),
    ],
)
def test_production_refuses_a_site_address_a_mailed_link_cannot_start_with(name, url):
    """Each was accepted, and every password link mailed was broken: in the fragment, to a
    host no resolver can look up, or to a port that cannot be."""
    result = load_settings(**{name: url})
    assert result.returncode != 0
    message = (
        f"{name} must be the site's https:// address, a host name and nothing else before its "
        "path (e.g. https://iccwatch.example.org), in production."
    )
    assert message in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("url", "sound"),
    [
        ("https://iccwatch.example.org", True),
        ("https://iccwatch.example.org/", True),
        ("https://iccwatch.example.org:8443", True),
        ("https://iccwatch.example.org/iccwatch", True),
        ("https://iccwatch.example.org.", True),
        ("https://ICCWATCH.Example.org", True),
        ("https://cour-pénale.example.org", True),
        ("https://xn--cour-pnale-f7a.example.org", True),
        ("https://203.0.113.7", True),
        ("https://[2001:db8::7]:8443", True),
        ("https://iccwatch.example.org:65535", True),
        ("https://iccwatch.example.org:65536", False),
        ("https://[2001:db8::zz]", False),
        ("https://iccwatch_example.org", False),
        ("https://iccwatch.example.org\t", False),
        ("https://@iccwatch.example.org", False),
        ("https://admin:secret@iccwatch.example.org", False),
        ("https://iccwatch.example.org/#/newsroom", False),
        ("https://iccwatch.example.org/?next=/", False),
        ("https://", False),
    ],
)
def test_a_site_address_is_a_host_an_optional_port_and_path(url, sound):
    from iccwatch.settings import site_address_is_sound

    assert site_address_is_sound(url) is sound


@pytest.mark.parametrize(
    ("overrides", "limits"),
    [
        ({}, "25 30"),
        # One-address limits that were valid before the /48 was counted: the /48's
        # defaults follow them up, and the site starts.
        ({"ICCWATCH_LOGIN_FAILURE_LIMIT": "40"}, "40 30"),
        ({"ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT": "50"}, "25 50"),
        (
            {
                "ICCWATCH_LOGIN_FAILURE_LIMIT": "40",
                "ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT": "60",
                "ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT": "70",
            },
            "60 70",
        ),
    ],
    ids=["defaults", "higher-failure-limit", "higher-username-limit", "given"],
)
def test_the_network_limits_unset_are_never_under_their_one_address_counterparts(overrides, limits):
    """ICCWATCH_LOGIN_FAILURE_LIMIT may be up to 100 and ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT
    up to 10000, but the /48's limits, unset, were 25 and 30, which must be no lower: a
    site that had raised either would not start, blamed on a variable it never set."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ICCWATCH_LOGIN_NETWORK_FAILURE_LIMIT, s.ICCWATCH_LOGIN_NETWORK_USERNAME_LIMIT)"
    )
    result = load_settings(_code=code, **overrides)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == limits


def test_production_sends_hsts_redirects_to_https_and_trusts_the_proxy_header():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, *s.SECURE_PROXY_SSL_HEADER)"
    )
    result = load_settings(_code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    result = load_settings(
        _code=code,
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="no",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SECURE_SSL_REDIRECT="off",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme = https",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3600",
        "False",
        "False",
        "False",
        "HTTP_X_FORWARDED_SCHEME",
        "https",
    ]


def test_links_in_mails_start_with_the_sites_address_never_a_development_default():
    """Staff notices and alerts linked to http://localhost:8000 in production (the tester's
    finding): ICCWATCH_SITE_URL defaults to ICCWATCH_BASE_URL, which production requires."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ICCWATCH_BASE_URL, s.ICCWATCH_SITE_URL)"
    )
    result = load_settings(_code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["https://iccwatch.example.org"] * 2
    result = load_settings(_code=code, ICCWATCH_SITE_URL="https://alerts.example.org/")
    assert result.stdout.split()[-2:] == [
        "https://iccwatch.example.org",
        "https://alerts.example.org",
    ]
    development = {"DJANGO_ENV": "development", "DJANGO_ALLOWED_HOSTS": "localhost"}
    result = load_settings(_code=code, ICCWATCH_BASE_URL=None, **development)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "http://127.0.0.1:8000"


def test_the_client_address_is_the_one_the_trusted_proxy_saw_and_never_the_whole_header():
    """Production trusts one TLS proxy by default, so the rate limits and the sign-in
    lockout count the address that proxy appended to X-Forwarded-For (not the proxy's own,
    which every client would share); without a trusted proxy header, the peer's. Never
    DRF's None (the whole header, as any client writes it)."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    cases = [
        ({}, "1"),
        ({"DJANGO_SECURE_PROXY_SSL_HEADER": ""}, "0"),
        ({"ICCWATCH_API_NUM_PROXIES": "2"}, "2"),
        ({"ICCWATCH_API_NUM_PROXIES": "0"}, "0"),
        ({"DJANGO_ENV": "development", "DJANGO_ALLOWED_HOSTS": "localhost"}, "0"),
    ]
    for overrides, expected in cases:
        result = load_settings(_code=code, **overrides)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == expected, overrides
    result = load_settings(_code=code, ICCWATCH_API_NUM_PROXIES="-1")
    assert result.returncode != 0
    assert "ICCWATCH_API_NUM_PROXIES='-1' must be at least 0." in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [
        ("ICCWATCH_SWEEP_SECONDS", "0", 1),
        ("ICCWATCH_SWEEP_SECONDS", "-30", 1),
        ("ICCWATCH_DOWNLOADS_SECONDS", "0", 1),
        ("ICCWATCH_LOGIN_COOLOFF_MINUTES", "0", 1),
        ("DJANGO_CONN_MAX_AGE", "-1", 0),
        ("ICCWATCH_SWEEP_GRACE_SECONDS", "-1", 0),
        # No download could ever stream.
        ("ICCWATCH_EXPORTS_PER_CLIENT", "0", 1),
        ("ICCWATCH_EXPORTS_AT_ONCE", "0", 1),
        # No subscription could ever be added.
        ("ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS", "0", 1),
    ],
)
def test_a_number_no_setting_can_take_is_refused_naming_its_variable(name, value, minimum):
    """A period of 0 s would have beat send a task in a loop; a negative count or age
    means nothing: each is refused at start, naming the variable and what it must be."""
    result = load_settings(**{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r} must be at least {minimum}." in result.stderr
    assert load_settings(**{name: str(minimum + 1)}).returncode == 0


# The variables README's "Production" section asks for (docker compose sets
# DJANGO_ENV and DATABASE_URL; .env gives the others); nothing else.
DOCUMENTED_PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "Vq3n8_xW0pLr2Kd9TzY6bHs1mFj4cNaE7uGiQoR5eXwZ-tLyPk",
    "DJANGO_ALLOWED_HOSTS": "iccwatch.example.org",
    "ICCWATCH_BASE_URL": "https://iccwatch.example.org",
    "DATABASE_URL": "postgres://iccwatch:secret@db.invalid:5432/iccwatch",
    "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
    "EMAIL_HOST": "smtp.invalid",
    "EMAIL_HOST_USER": "iccwatch",
    "EMAIL_HOST_PASSWORD": "Zk2p9Rw4Lm7Tq1Vx",
    "DJANGO_DEFAULT_FROM_EMAIL": "iccwatch <noreply@iccwatch.example.org>",
    "ICCWATCH_SKIP_BOOTSTRAP": "1",
}


def test_check_deploy_reports_no_warning_with_the_documented_production_variables():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "REDIS_URL", "ICCWATCH_"))
    }
    env.update(DOCUMENTED_PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL", "")


def variables_read_by_the_code():
    """Names passed to the env_* helpers or os.environ/os.getenv reads in the project's code."""
    readers = {"env_str", "env_bool", "env_int", "env_list", "env_choice", "getenv", "get"}
    files = [ROOT / "manage.py", *(ROOT / "tests").rglob("*.py")]
    for folder in (".ci", "bench", "docker"):  # the smoke test, the benchmarks, gunicorn's
        files += (ROOT / folder).glob("*.py")
    for package in PROJECT_PACKAGES:
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    names = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            first = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                is_environ_get = (
                    name == "get"
                    and isinstance(func, ast.Attribute)
                    and getattr(func.value, "attr", "") == "environ"
                )
                if name in readers - {"get"} or is_environ_get:
                    first = node.args[0]
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Load)
                and getattr(node.value, "attr", "") == "environ"
            ):
                first = node.slice
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def test_the_scan_finds_the_variables_the_settings_read():
    names = variables_read_by_the_code()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ICCWATCH_PYTHON"} <= names


def variables_listed_in_env_example() -> set[str]:
    """The names .env.example gives a line to (`NAME=` or `#NAME=`), as .ci/run reads them."""
    example = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))


def test_every_variable_the_code_reads_is_listed_in_env_example():
    """CI (devtools.services.in_ci) was left out on purpose, .ci/run unsetting what the
    file lists: the file said it listed every variable, and did not. It is listed, and
    .ci/run sets it itself (test_ci_runs_the_tests_with_ci_set)."""
    system = {"PATH"}  # the operating system's own (a test hands it to a process it starts)
    assert sorted(variables_read_by_the_code() - variables_listed_in_env_example() - system) == []


def names_of_python_code() -> set[str]:
    """Every name the project's Python code assigns, defines or imports (RULE_VERSION,
    PAGES, ...), and Django's settings: the upper-case names a README passage may give in
    backticks that are no environment variable."""
    from django.conf import global_settings

    names = set(dir(global_settings))
    for path in ROOT.rglob("*.py"):
        if {".venv", "node_modules"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Name | ast.arg):
                names.add(getattr(node, "id", None) or node.arg)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def variables_the_readme_names() -> set[str]:
    """The environment variables README.md names in inline code: upper-case names with an
    underscore (`FORWARDED_ALLOW_IPS`) or set to a value (`CI=true`), less those that are
    names of the code or Django's settings (`RULE_VERSION`, `PASSWORD_RESET_TIMEOUT`)."""
    readme = (ROOT / "README.md").read_text()
    named = set()
    for code in re.findall(r"`([^`\n]+)`", readme):
        named |= set(re.findall(r"(?<![\w.$/])([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])(?![\w(])", code))
        named |= set(re.findall(r"(?<![\w.])([A-Z][A-Z0-9_]*)=", code))
    # Members of the generated API client's ordering enum (`ordering=-start` is
    # `START_DESC`, `ordering=-visits` `VISITS_FEWEST_FIRST`) are not variables.
    enum_member = re.compile(r"_(?:ASC|DESC|MOST_FIRST|FEWEST_FIRST)$")
    not_variables = {name for name in named if enum_member.search(name)}
    return named - names_of_python_code() - not_variables


def test_the_readme_names_the_variables_read_by_the_programs_it_runs():
    names = variables_the_readme_names()
    assert {"FORWARDED_ALLOW_IPS", "CI", "DJANGO_SECRET_KEY", "WEB_CONCURRENCY"} <= names
    assert not {"RULE_VERSION", "PASSWORD_RESET_TIMEOUT", "SESSION_ENGINE"} & names


def test_every_variable_the_readme_names_is_listed_in_env_example():
    """README named FORWARDED_ALLOW_IPS (gunicorn reads it, not iccwatch's code) and CI
    (`CI=true`), and said that .env.example lists every variable: it listed neither."""
    assert sorted(variables_the_readme_names() - variables_listed_in_env_example()) == []


def test_ci_runs_the_tests_with_ci_set(tmp_path):
    """README: where CI is set (CI=true) the tests that need npm fail instead of being
    skipped, since CI installs npm. .ci/run unsets every variable .env.example lists, CI
    now among them: it sets CI=true itself, whatever its caller set, for the commands
    after (its start, to the line before its first service, run with a variable of each
    kind set by its caller)."""
    script = (ROOT / ".ci" / "run").read_text()
    start = script[: script.index('step "PostgreSQL')]
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text(
        start + 'echo "CI=${CI-unset} DJANGO_DEBUG=${DJANGO_DEBUG-unset}"\n'
    )
    (tmp_path / ".env.example").write_text((ROOT / ".env.example").read_text())
    for caller_ci in (None, "", "false", "true"):
        env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "true"}
        if caller_ci is not None:
            env["CI"] = caller_ci
        run = subprocess.run(
            ["bash", str(tmp_path / ".ci" / "run")], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["CI=true", "DJANGO_DEBUG=unset"], (caller_ci, run.stdout)


def test_every_variable_in_env_example_has_a_comment_line_above_it():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^#?[A-Z][A-Z0-9_]*=", line):
            above = lines[number - 1]
            assert above.startswith("# ") and not re.match(r"^#?[A-Z][A-Z0-9_]*=", above), line


def test_the_code_reads_no_setting_that_settings_py_does_not_define():
    """A getattr(settings, NAME, default) hides a setting from settings.py and .env.example."""
    defined = {
        target.id
        for node in ast.parse((ROOT / "iccwatch" / "settings.py").read_text()).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert {"SECURE_CSP", "WORLD_ATLAS_PATH"} <= defined
    hidden = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "getattr"
                    and len(node.args) >= 2
                    and getattr(node.args[0], "id", "") == "settings"
                    and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value not in defined
                ):
                    hidden.append(f"{path.relative_to(ROOT)}: {node.args[1].value}")
    assert hidden == []


@pytest.mark.django_db
def test_the_applications_connections_run_without_jit():
    """A first re-evaluation's read of 2,000 visits spent 936 of its 995 ms compiling
    (PostgreSQL's default is on): the settings turn JIT off on every connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


JIT_OPTIONS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(repr(settings.DATABASES['default']['OPTIONS'].get('options')))"
)


@pytest.mark.parametrize(
    ("value", "url_query", "options"),
    [
        (None, "", "'-c jit=off'"),
        ("on", "", "'-c jit=on'"),
        ("server", "", "None"),
        # Options given in DATABASE_URL are kept.
        (None, "?options=-c%20statement_timeout%3D5000", "'-c statement_timeout=5000 -c jit=off'"),
    ],
)
def test_the_jit_setting_is_sent_as_a_connection_option(value, url_query, options):
    result = load_settings(
        JIT_OPTIONS,
        ICCWATCH_DATABASE_JIT=value,
        DATABASE_URL=SAFE_PRODUCTION["DATABASE_URL"] + url_query,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == options


def test_an_unknown_jit_setting_refuses_to_start():
    result = load_settings(ICCWATCH_DATABASE_JIT="maybe")
    assert result.returncode != 0
    assert "ICCWATCH_DATABASE_JIT must be off, on or server" in result.stderr


LOG_PROBE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('core.cache').info('an info line'); "
    "logging.getLogger('core.cache').warning('a warning line')"
)


def test_a_log_line_says_when_how_severe_which_process_and_which_logger():
    result = load_settings(LOG_PROBE)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(
        re.fullmatch(
            r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[WARNING\] core\.cache: "
            r"a warning line",
            line,
        )
        for line in lines
    ), lines
    assert any(line.endswith("[INFO] core.cache: an info line") for line in lines), lines


@pytest.mark.parametrize("debug", ["on", "off"])
def test_a_record_of_django_itself_is_written_once(debug):
    """`manage.py up` printed the autoreloader's "Watching for file changes with
    StatReloader" twice: Django's own console handler (DEBUG on) wrote it plain, then the
    root's handler as a log line. A request's error was written twice the same way."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes'); "
        "logging.getLogger('django.request').error('Internal Server Error: /probe/')"
    )
    result = load_settings(code, DJANGO_ENV="development", DJANGO_DEBUG=debug)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    watching = [line for line in lines if "Watching for file changes" in line]
    assert len(watching) == 1, lines
    assert watching[0].endswith("[INFO] django.utils.autoreload: Watching for file changes")
    errors = [line for line in lines if "Internal Server Error" in line]
    assert len(errors) == 1, lines
    assert errors[0].endswith("[ERROR] django.request: Internal Server Error: /probe/")


def test_the_log_level_is_read_in_any_case_and_an_unknown_one_is_refused():
    quiet = load_settings(LOG_PROBE, DJANGO_LOG_LEVEL="warning")
    assert quiet.returncode == 0, quiet.stderr
    assert "a warning line" in quiet.stderr and "an info line" not in quiet.stderr
    refused = load_settings(LOG_PROBE, DJANGO_LOG_LEVEL="verbose")
    assert refused.returncode != 0
    assert (
        "ImproperlyConfigured: DJANGO_LOG_LEVEL='verbose' must be one of: DEBUG, INFO, "
        "WARNING, ERROR, CRITICAL." in refused.stderr
    )


@pytest.mark.parametrize("value", ["1_0", "+5", "\uff15", "5.0", "0x10"])
def test_a_number_in_another_spelling_is_refused_naming_its_variable(value):
    """Settings read a number as the API reads one, in ASCII digits: int() would take
    '1_0' for 10 and a fullwidth '５' for 5."""
    result = load_settings(ICCWATCH_SWEEP_SECONDS=value)
    assert result.returncode != 0
    assert f"ICCWATCH_SWEEP_SECONDS={value!r} is not a whole number." in result.stderr
    assert load_settings(ICCWATCH_SWEEP_SECONDS=" 45 ").returncode == 0


def test_the_password_resets_network_limit_is_never_under_one_clients():
    """ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT counts the requests of a whole IPv6 /48; under
    the requests one client (a /64) may make (newsroom.forms.RESET_REQUESTS_PER_CLIENT) it
    would refuse a single client before its own limit, so the settings refuse it, naming
    that number."""
    from newsroom.forms import RESET_REQUESTS_PER_CLIENT

    per_client = RESET_REQUESTS_PER_CLIENT[0]
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT)"
    )
    assert load_settings(_code=code).stdout.split() == ["50"]
    given = load_settings(_code=code, ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT=str(per_client))
    assert given.stdout.split() == [str(per_client)], given.stderr
    refused = load_settings(_code=code, ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT=str(per_client - 1))
    assert refused.returncode != 0
    assert (
        "ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT must be between the requests one client may "
        f"make an hour ({per_client}) and 10000." in refused.stderr
    )


@pytest.mark.parametrize(
    ("overrides", "page_cache"),
    [
        ({"DJANGO_ENV": None, "REDIS_URL": None}, "False"),
        ({"DJANGO_ENV": None, "REDIS_URL": "redis://127.0.0.1:6379/0"}, "True"),
        ({"DJANGO_ENV": None, "REDIS_URL": None, "ICCWATCH_PAGE_CACHE": "true"}, "True"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "True"),
        ({"REDIS_URL": None}, "False"),
    ],
)
def test_the_page_cache_is_on_by_default_only_with_a_cache_every_process_shares(
    overrides, page_cache
):
    """Without Redis the data version lived in each process's memory: `manage.py up`
    served its pages and 304s as they were after `import_dataset` ran in another terminal."""
    result = load_settings(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ICCWATCH_PAGE_CACHE)",
        **overrides,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == page_cache


def test_production_refuses_the_page_cache_without_redis():
    result = load_settings(REDIS_URL=None, ICCWATCH_PAGE_CACHE="true")
    assert result.returncode != 0
    assert "ICCWATCH_PAGE_CACHE needs REDIS_URL in production" in result.stderr


def test_a_newsroom_mails_lease_shorter_than_a_slow_smtp_conversation_is_refused():
    """The lease (120 s) was shorter than one recipient's SMTP conversation may take with
    EMAIL_TIMEOUT 10 s a step: a slow server's mail was taken back and mailed twice."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ICCWATCH_MAIL_LEASE_SECONDS)"
    )
    assert load_settings(code).stdout.strip() == "150"
    assert load_settings(code, EMAIL_TIMEOUT="30").stdout.strip() == "450"
    refused = load_settings(code, ICCWATCH_MAIL_LEASE_SECONDS="120")
    assert refused.returncode != 0
    assert "ICCWATCH_MAIL_LEASE_SECONDS (120) must be at least 15 times EMAIL_TIMEOUT" in (
        refused.stderr
    )


def test_production_sends_mail_over_tls_from_the_start_when_asked():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.MAILERS['default']['OPTIONS']; "
        "print(o['use_tls'], o['use_ssl'], o['port'], settings.DEFAULT_FROM_EMAIL)"
    )
    result = load_settings(
        _code=code, EMAIL_HOST_PASSWORD="s3cret", EMAIL_USE_TLS="0", EMAIL_USE_SSL="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "465",
        "iccwatch",
        "<noreply@iccwatch.example.org>",
    ]
