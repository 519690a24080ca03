"""Text a person types for the public record: what it may not hold, whatever its field.

Unicode's bidirectional embedding, override and isolate controls (U+202A to U+202E,
U+2066 to U+2069) are invisible, and change the order in which a reader's screen shows
the text after them: a place typed as U+202E then "abuoD" shows as "Douba", and an
excerpt can show a quotation its source never wrote. A report, its sources, a
reviewer's comment and a withdrawal's reason refuse them (`refuse_bidi_controls`), where
a NUL character is refused too: each text field of the newsroom's forms
(`PlainTextForm`) and of the API's report bodies (api.reports.serializers).
Right-to-left text itself (Arabic, Hebrew, Persian) needs none of them.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

BIDI_CONTROL_MESSAGE = gettext_lazy(
    "This text holds an invisible control character (%(character)s) that would show the "
    "text after it in another order than it was written: remove it."
)


def bidi_control_in(text: object) -> str | None:
    """The first bidirectional control character in `text` as `U+202E`, or None."""
    found = BIDI_CONTROLS.search(text) if isinstance(text, str) else None
    return f"U+{ord(found.group()):04X}" if found else None


def refuse_bidi_controls(value: object) -> None:
    """A validator (Django's and DRF's fields run it): ValidationError, code
    `bidi_control`, naming the first bidirectional control character in `value`."""
    character = bidi_control_in(value)
    if character is not None:
        raise ValidationError(
            BIDI_CONTROL_MESSAGE, code="bidi_control", params={"character": character}
        )


class PlainTextForm:
    """A form mixin: each of its text fields (CharField, URLField, ...) refuses a
    bidirectional control character, as Django's refuses a NUL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [*field.validators, refuse_bidi_controls]
