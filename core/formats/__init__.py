"""The project's own localized formats (settings.FORMAT_MODULE_PATH): only what differs
from Django's own for a language; everything else falls back to Django's."""
