"""Models shared by every app: the public sources that back each fact."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import history


class DatePrecision(models.TextChoices):
    """How much of a date the sources give: a partial date means "some day in that period"."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


@history.track()
class Source(models.Model):
    """A public document that backs a fact: a news report, a court decision, a treaty record.

    One row per URL; visits, warrants, treaty events, declarations, findings and
    statements point at the sources they rest on. Its history is recorded as every fact's
    (core.history): a change to a cited document is an event of its own, with who, when
    and through which path, never credited to the report that cited it. What a reader
    reads of a document a public visit cites is read only in the admin
    (visits.admin.SourceAdmin): it changes through a correction of the visit.
    """

    url = models.URLField(max_length=1000, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True)
    archived_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.publisher or self.url

    def save(self, *args, **kwargs):
        if not self.publisher:
            self.publisher = publisher_from_url(self.url)
        super().save(*args, **kwargs)


def carries_credentials(url: str) -> bool:
    """Whether a source's address holds a user name or password ("https://ana:pw@host/"),
    which a public page would show to every reader: refused by the newsroom
    (core.addresses.address_refusal) and the importer alike. An address urllib cannot
    split is not said to."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.username is not None or parts.password is not None


# Characters RFC 3986 (section 2 and appendix A) allows nowhere in a URI, whose ASCII
# forms browsers and data users' tools read differently (a quote ends an attribute, `<`
# starts a tag): the space, `"`, `<`, `>`, backslash, `^`, backtick, `{`, `|`, `}`; and
# control characters (C0, DEL, C1) and the bidirectional formatting characters RFC 3987
# (section 4.1) forbids in an IRI: core.text's BIDI_CONTROLS and the marks below. Any
# other character outside ASCII is an IRI's (a Cyrillic or Arabic article's slug) and
# stays: it is what the publisher's address is.
_NO_URL_CHARACTERS = frozenset(' "<>\\^`{|}\u200e\u200f\u061c')


def character_no_url_holds(url: str) -> str | None:
    """The first character of `url` that no URI may hold (`_NO_URL_CHARACTERS`, a control
    character or a bidirectional one); None when there is none. The one check of every
    public address the site takes (a source's, its archived copy's, a withdrawal's
    source's, a webhook's): such a character was published as typed, a non-URL carrying
    markup to every data user. Percent-encoded forms (`%22`, `%3C`) are URI characters
    and pass."""
    import unicodedata

    from core.text import BIDI_CONTROLS

    for char in url:
        if (
            char in _NO_URL_CHARACTERS
            or unicodedata.category(char) == "Cc"
            or BIDI_CONTROLS.match(char)
        ):
            return char
    return None


def shown_character(char: str) -> str:
    """A character as a message names it: `'"' (U+0022)` for a visible ASCII one,
    `U+000A` alone for one nothing shows (a control, a space, a bidirectional mark)."""
    code = f"U+{ord(char):04X}"
    return f"'{char}' ({code})" if "!" <= char <= "~" else code


def url_character_refusal(url: str) -> str | None:
    """Why `url` cannot be taken as a public address, in the reader's language, when it
    holds a character no URL holds (`character_no_url_holds`); None when it holds none."""
    from urllib.parse import quote

    from core.echo import echoed

    char = character_no_url_holds(url)
    if char is None:
        return None
    if char == " ":
        # A space is how an address pasted from a PDF or a mail comes broken, invisible at
        # its end of a line: said by where it is, and what to write instead.
        return _(
            "%(value)r contains a space after %(before)r, which no web address may hold: "
            "write each space percent-encoded (%(encoded)s)."
        ) % {
            "value": echoed(url),
            "before": shown_before(url, url.index(char)),
            "encoded": quote(char, safe=""),
        }
    return _(
        "%(value)r contains %(character)s, which no web address may hold: write it "
        "percent-encoded (%(encoded)s)."
    ) % {"value": echoed(url), "character": shown_character(char), "encoded": quote(char, safe="")}


# How much of an address a message quotes before the place it names (`shown_before`).
BEFORE_LENGTH = 40


def shown_before(url: str, index: int) -> str:
    """What comes before position `index` of `url`, as a message says where in it something
    is: the text itself when it is at most BEFORE_LENGTH characters, else an ellipsis and
    its last BEFORE_LENGTH ("…/2024/05/putin-visit")."""
    before = url[:index]
    return before if len(before) <= BEFORE_LENGTH else "…" + before[-BEFORE_LENGTH:]


def publisher_from_url(url: str) -> str:
    """A readable publisher name from a URL's host (www. dropped)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
