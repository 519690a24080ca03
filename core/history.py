"""The history of every fact: who changed it, when, through which path, and what it was.

Database triggers (django-pgtrigger) write an event row for every insert, update and
delete of a tracked model (django-pghistory): whatever wrote it, the ORM, a bulk
update, raw SQL or COPY, cannot slip past. Each tracked model gets one event model in
its own app (`VisitEvent`, `PersonEvent`, ...) holding the row as it was after the
insert or update, or before the delete; the value before a change is the previous
event of the same row.

Each event points to its context (pghistory's `Context`: one row per request, import
or command), whose metadata says who and how:

- `path`: newsroom | api | admin | account (a staff account's own pages under /account/:
  its second factor) | site (a request, by its address), import (the dataset importer),
  shell, command (a management command), link (a signed link mailed to an address, used
  by whoever holds it, signed in or not: the unsubscribe link of an alert mail, a
  subscription's confirmation link; alerts.views);
- `user` and `username` for a signed-in request (a user id may later be deleted: the
  name is kept; None for a request signed in as nobody, a link's one-click POST);
- `url` for a request, `dataset_version` for an import, `command` for a command, `link`
  for a mailed link ("unsubscribe", "confirmation") and `one_click` (true for RFC
  8058's one-click POST from a mail client, false for the link's page's button).

Requests get it from `HistoryMiddleware`; the importer and commands enter `recording`.
A write outside both (psql, a script without `recording`) is still recorded, with no
context.
"""

from __future__ import annotations

import contextlib
import getpass

import pghistory
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.db import models
from django.utils.translation import gettext_lazy as _
from pghistory import config

# The fields a tracked model keeps out of its history: bookkeeping that changes on every
# save (updated_at), or that the context already says (who created or updated a row).
BOOKKEEPING = ["created_at", "updated_at", "created_by", "updated_by"]


class WritePath(models.TextChoices):
    """Through which way a change reached the database."""

    NEWSROOM = "newsroom", _("newsroom")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    ACCOUNT = "account", _("account pages")
    SITE = "site", _("site")
    IMPORT = "import", _("import")
    SHELL = "shell", _("shell")
    COMMAND = "command", _("command")
    LINK = "link", _("link mailed")


# A request's path, by the start of its address.
REQUEST_PATHS = (
    ("/newsroom/", WritePath.NEWSROOM),
    ("/api/", WritePath.API),
    ("/admin/", WritePath.ADMIN),
    ("/account/", WritePath.ACCOUNT),
)


def track(*trackers, exclude: list[str] | None = None, **options):
    """Record every insert, update and delete of the decorated model, except the fields in
    `exclude` (an update that changes only those records nothing); `trackers`, more of
    pghistory's (a ManualEvent the code writes itself), are added to those three."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        *trackers,
        exclude=exclude or [],
        **options,
    )


def who(user) -> dict:
    """A user as context metadata: id and username (both None for an anonymous reader)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user.pk, "username": user.get_username()}
    return {"user": None, "username": None}


@contextlib.contextmanager
def recording(path: str, *, user=None, **metadata):
    """Record the writes made inside as made through `path` (a WritePath), by `user` if
    given, with `metadata` (e.g. dataset_version="2026.11.30", command="import_dataset").

    Nested inside another context (a request, a command), it adds to that context.
    """
    if user is not None:
        metadata.update(who(user))
    with pghistory.context(path=str(path), **metadata) as context:
        yield context


@contextlib.contextmanager
def recording_command(name: str, **metadata):
    """`recording` for a management command: path command, the command's name and the
    operating-system account that ran it."""
    with recording(WritePath.COMMAND, command=name, os_user=os_user(), **metadata) as context:
        yield context


def current_context() -> dict:
    """The metadata of the context the code runs in (a request's, a command's, the
    shell's: `path`, `user`, `username`, `command`, `os_user`, ... as the module says), as
    the history records it with each change made now; {} outside any."""
    # Entered inside a context, pghistory's context adds nothing and yields that one;
    # outside any, a new and empty one, left at once.
    with pghistory.context() as context:
        return dict(context.metadata)


def os_user() -> str:
    """The operating-system account running this process ("" where none is known), as a
    command's changes record it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no account name in this environment
        return ""


def request_path(address: str) -> str:
    """The write path of a request to `address`: newsroom, api, admin, account or site."""
    for prefix, path in REQUEST_PATHS:
        if address.startswith(prefix):
            return path
    return WritePath.SITE


class _RecordedRequest:
    """A request that updates the history context when its user is set later (Django REST
    framework authenticates tokens in the view, after the middleware ran)."""

    def __setattr__(self, attr, value):
        if attr == "user":
            pghistory.context(**who(value))
        super().__setattr__(attr, value)


class _RecordedWSGIRequest(_RecordedRequest, WSGIRequest):
    pass


class _RecordedASGIRequest(_RecordedRequest, ASGIRequest):
    pass


class HistoryMiddleware:
    """Records the writes of a request with its user, username, address and path
    (pghistory's middleware records the user and address; this adds the name and path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in config.middleware_methods():
            return self.get_response(request)
        metadata = {
            **who(getattr(request, "user", None)),
            "url": request.path,
            "path": str(request_path(request.path)),
        }
        with pghistory.context(**metadata):
            if isinstance(request, WSGIRequest):
                request.__class__ = _RecordedWSGIRequest
            elif isinstance(request, ASGIRequest):  # pragma: no cover
                request.__class__ = _RecordedASGIRequest
            return self.get_response(request)


# pghistory's and pgtrigger's trigger helpers read their settings inside an EXCEPTION
# block, which opens a subtransaction per written row: a COPY of 20,000 visits in one
# transaction then took 38-99 s instead of 3 s (the cost grows faster than the rows).
# These versions read the settings with `missing_ok` and no EXCEPTION block; same
# results. Every trigger migration re-creates pgtrigger's, so they are installed again
# after each `migrate` (and `flush`), by the post_migrate handler below.
FAST_TRIGGER_HELPERS = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _ignore TEXT[] := NULLIF(CURRENT_SETTING('pgtrigger.ignore', TRUE), '')::TEXT[];
    BEGIN
        IF _ignore IS NOT NULL THEN
            RETURN trigger_name = ANY(_ignore);
        END IF;
        RETURN FALSE;
    END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION _pgh_attach_context()
RETURNS UUID AS $$
    DECLARE
        _id UUID := NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), '')::UUID;
        _metadata JSONB := NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), '')::JSONB;
    BEGIN
        IF _id IS NOT NULL AND _metadata IS NOT NULL THEN
            INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
                VALUES (_id, _metadata, NOW(), NOW())
                ON CONFLICT (id) DO UPDATE
                    SET metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at
                    WHERE pghistory_context.metadata != EXCLUDED.metadata;
            RETURN _id;
        END IF;
        RETURN NULL;
    END;
$$ LANGUAGE plpgsql;
"""


def install_fast_trigger_helpers(using: str = "default", **kwargs) -> None:
    """Install FAST_TRIGGER_HELPERS (a post_migrate handler) once pghistory's table exists."""
    from django.db import connections

    connection = connections[using]
    if "pghistory_context" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(FAST_TRIGGER_HELPERS)
