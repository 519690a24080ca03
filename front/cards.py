"""Cards for sharing: the image a link preview shows (Open Graph and Twitter) and the
card another site may embed, for a country and for a person.

Both show the same facts, read in one language: the name, the standing under the Rome
Statute today (a country) or the person's status, and how many published visits have
each verdict. The image is a 1200×630 PNG drawn on the server with Pillow, in the
font Lato as the font-lato package ships it (no font file of our own, no
third-party service); it is kept
in the cache under a digest of its facts, so it is drawn again only when they change.

The image's address names its language (/states/MNG/card.fr.png): a crawler sends no
cookie, and the French page must still show the French card.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass

import font_lato
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from compliance import state_facts
from core.names import country_name, elide, in_sentence, situation_name
from front import summaries
from front.summaries import VisitTally
from states import status as treaty_status
from states.models import State
from visits.models import VerdictCode
from warrants.models import Person

WIDTH, HEIGHT = 1200, 630  # the size Open Graph and Twitter's large card ask for
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Drawn again when this changes, whatever the facts: bump it with the layout.
# 3: a verdict's label too long for its row wraps onto a second line instead of being cut.
# 4: the standing, dated ("withdrawn since 2 June 2026"), wraps onto a second line too.
DRAWING_VERSION = "4"
CACHE_SECONDS = 60 * 60 * 24 * 30  # the key holds the facts' digest: a stale card is never served

# The site's colours (static/css/site.css).
INK = "#1a1a1a"
MUTED = "#4a4a4a"
WASH = "#f4f5f7"
RULE = "#c9ccd1"
BRAND = "#0b4f9c"
STANDING_COLOURS = {
    treaty_status.PARTY: "#2b6cb0",
    treaty_status.WITHDRAWING: "#a05a00",
    treaty_status.WITHDRAWN: "#9b2c2c",
    treaty_status.NON_PARTY: "#4a5568",
    treaty_status.TERRITORY: "#4a5568",
    treaty_status.NOT_A_STATE: "#4a5568",
}
VERDICT_COLOURS = {
    VerdictCode.NON_COMPLIANCE: "#b42318",
    VerdictCode.COMPLIED: "#23703a",
    VerdictCode.DETERRED: "#5b3fa0",
}
OTHER_COLOUR = "#4a5568"
# A card shows this many verdicts, incidents first, then "other verdicts" for the rest.
SHOWN_VERDICTS = 3
# The embed code's frame: as wide as the column it is pasted in, up to the card's width,
# and tall enough for the card's every line (three verdicts and "other verdicts"
# included) at 288 pixels wide (a 320-pixel phone's column, less the page's margins) with
# room to spare for other fonts, so that no scrollbar shows (tests/browser/test_embed.py).
EMBED_MAX_WIDTH = 480
EMBED_HEIGHT = 520


@dataclass(frozen=True)
class CardFacts:
    """What a card shows, already in its language.

    `kind` is "state" or "person", `key` the ISO3 code or the slug; `status` is the
    standing or the person's status (`status_code` its code, for the colour); `counts`
    is (verdict code, label, number of published visits) for each verdict that has any,
    incidents first, then the most frequent; `visits` the number of published visits,
    `took_place` those that took place (occurred or transit) and `called_off` those called
    off or attended by video, counted as the state's page counts them (their verdict
    `deterred`: VisitTally.called_off) and the person's (their status:
    VisitTally.called_off_status).
    """

    kind: str
    key: str
    language: str
    name: str
    status: str
    status_code: str
    detail: str
    visits: int
    counts: tuple[tuple[str, str, int], ...]
    took_place: int = 0
    called_off: int = 0

    @property
    def digest(self) -> str:
        """Changes whenever anything drawn changes (the facts or the drawing)."""
        return hashlib.sha256(repr((DRAWING_VERSION, self)).encode()).hexdigest()[:20]

    @property
    def visits_line(self) -> str:
        """The visits in the words of the state's page ("1 visit hosted · 1 trip called off
        or attended by video") or the person's ("28 recorded trips · 5 called off or
        attended by video"): a card that said "2 published visits" of a state that hosted
        one contradicted its page. In the card's language, whatever the reader's."""
        with translation.override(self.language):
            return self._visits_line()

    def _visits_line(self) -> str:
        if self.kind == "state":
            first = ngettext("%(n)s visit hosted", "%(n)s visits hosted", self.took_place) % {
                "n": self.took_place
            }
        else:
            first = ngettext("%(n)s recorded trip", "%(n)s recorded trips", self.visits) % {
                "n": self.visits
            }
        if not self.called_off:
            return first
        called_off = ngettext(
            "%(n)s trip called off or attended by video",
            "%(n)s trips called off or attended by video",
            self.called_off,
        ) % {"n": self.called_off}
        return f"{first} · {called_off}"

    @property
    def shown_counts(self) -> tuple[tuple[str, str, int], ...]:
        """The verdicts a card lists: the first SHOWN_VERDICTS of `counts` (incidents first,
        then the most frequent)."""
        return self.counts[:SHOWN_VERDICTS]

    @property
    def other_verdicts(self) -> int:
        """The visits of the verdicts a card does not list (0 when it lists them all)."""
        return sum(n for _c, _l, n in self.counts[SHOWN_VERDICTS:])

    @property
    def other_verdicts_line(self) -> str:
        """'other verdicts: 4' in the card's language, '' when there are none."""
        if not self.other_verdicts:
            return ""
        with translation.override(self.language):
            return _("other verdicts: %(n)s") % {"n": self.other_verdicts}


def _tally(tally: VisitTally) -> tuple[VisitTally, tuple[tuple[str, str, int], ...]]:
    """The tally (the page's summary, counted once per data version) and its counts by
    verdict for the card."""
    rows = tally.by_verdict
    counts = [
        (code.value, str(code.label), rows[code.value]) for code in VerdictCode if rows.get(code)
    ]
    unevaluated = tally.total - sum(rows.values())
    if unevaluated:
        counts.append(("", _("not yet evaluated"), unevaluated))
    # Incidents first, then the most frequent verdicts.
    counts.sort(key=lambda c: (c[0] != VerdictCode.NON_COMPLIANCE, -c[2]))
    return tally, tuple(counts)


def state_card(iso3: str, language: str) -> CardFacts:
    """A country's card in `language`: two queries, the counts being the country page's
    summary (summaries.state_counts; counted once per data version). Raises Http404 for
    an unknown ISO3."""
    state = State.objects.select_related("territory_of").filter(iso3=iso3).first()
    if state is None:
        raise Http404(_("No state with this code."))
    with translation.override(language):
        events = {e.kind: e.date for e in state.treaty_events.all()}
        owner = state.territory_of
        facts = state_facts(state.iso3, state.name, events, ())
        standing = treaty_status.status_on(
            facts,
            timezone.localdate(),
            territory=owner is not None,
        )
        # Dated ("former State Party since 2 June 2026"): undated, it reads as never bound.
        label = summaries.dated_standing_label(
            standing, facts, country_name(owner.iso3, owner.name) if owner else ""
        )
        tally, counts = _tally(summaries.state_counts(state)[0])
        return CardFacts(
            kind="state",
            key=state.iso3,
            language=language,
            name=country_name(state.iso3, state.name),
            status=str(label),
            status_code=standing,
            detail=_("Standing under the Rome Statute today"),
            visits=tally.total,
            counts=counts,
            took_place=tally.hosted,
            called_off=tally.called_off,
        )


def person_card(slug: str, language: str) -> CardFacts:
    """A person's card in `language`: two queries, the counts being the person page's
    summary (summaries.person_counts; counted once per data version). Raises Http404 for
    an unknown slug."""
    person = Person.objects.select_related("situation").filter(slug=slug).first()
    if person is None:
        raise Http404(_("No person with this name."))
    with translation.override(language):
        tally, counts = _tally(summaries.person_counts(person)[0])
        warrants = person.warrants.count()
        return CardFacts(
            kind="person",
            key=person.slug,
            language=language,
            name=person.name,
            status=str(person.get_status_display()),
            status_code=person.status,
            detail=ngettext(
                "%(n)s ICC arrest warrant · situation in %(situation)s",
                "%(n)s ICC arrest warrants · situation in %(situation)s",
                warrants,
            )
            % {"n": warrants, "situation": situation_name(person.situation.name)},
            visits=tally.total,
            counts=counts,
            took_place=tally.hosted,
            called_off=tally.called_off_status,
        )


def card_png(facts: CardFacts) -> bytes:
    """The card's PNG, from the cache when these facts were drawn before."""
    key = f"card:{facts.kind}:{facts.key}:{facts.language}:{facts.digest}"
    png = cache.get(key)
    if png is None:
        png = draw(facts)
        cache.set(key, png, CACHE_SECONDS)
    return png


@functools.cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Lato at `size` pixels, from the font-lato package: it has every letter of French
    (Pillow's own scalable font has no accented capitals)."""
    return ImageFont.truetype(font_lato.font_files["LatoBold" if bold else "Lato"], size)


def _fit(
    pen: ImageDraw.ImageDraw, text: str, width: int, sizes, *, bold: bool = False
) -> tuple[str, ImageFont.FreeTypeFont]:
    """The largest of `sizes` at which `text` fits in `width` pixels; at the smallest,
    the text is cut with an ellipsis."""
    for size in sizes:
        face = font(size, bold=bold)
        if pen.textlength(text, font=face) <= width:
            return text, face
    while text and pen.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…", face


def _wrap(
    pen: ImageDraw.ImageDraw,
    text: str,
    width: int,
    sizes,
    *,
    lines: int = 2,
    height: int | None = None,
    bold: bool = False,
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """`text` as at most `lines` lines of at most `width` pixels: on one line at the
    largest of `sizes` that fits it; else broken between words at the largest size at
    which the lines fit `width` and, spaced one pixel apart, `height` pixels (when given); at the smallest, a last line still too long is cut with an
    ellipsis (one word longer than `width`). For a verdict's label, which a long French
    label ("n'a pas voyagé (hôte non tenu d'arrêter)") must not lose its end to."""
    for size in sizes:
        face = font(size, bold=bold)
        if pen.textlength(text, font=face) <= width:
            return [text], face
    for size in sizes:
        face = font(size, bold=bold)
        broken = _break(pen, text, width, face)
        fits_height = height is None or len(broken) * (size + 1) <= height
        if (
            len(broken) <= lines
            and fits_height
            and all(pen.textlength(x, font=face) <= width for x in broken)
        ):
            return broken, face
    broken = broken[: lines - 1] + [" ".join(broken[lines - 1 :])]
    last, _face = _fit(pen, broken[-1], width, (sizes[-1],), bold=bold)
    return broken[:-1] + [last], face


def _break(pen: ImageDraw.ImageDraw, text: str, width: int, face) -> list[str]:
    """`text` broken between words into lines of at most `width` pixels in `face` (a word
    longer than that stays on its own line)."""
    result: list[str] = []
    for word in text.split():
        if result and pen.textlength(f"{result[-1]} {word}", font=face) <= width:
            result[-1] = f"{result[-1]} {word}"
        else:
            result.append(word)
    return result or [""]


# The standing's or status's label: its text's width (the card's, less its margins and
# the label's padding), its sizes, and the height two lines may take between the name and
# the detail line (two lines of 28 pixels).
STATUS_WIDTH = WIDTH - 2 * 64 - 40
STATUS_SIZES = (40, 34, 28, 24)
STATUS_HEIGHT = 64


def status_lines(pen: ImageDraw.ImageDraw, status: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The standing or status as the card draws it: one line at the largest size that
    fits, or two when long (« État partie en cours de retrait (effectif le 2 juin 2026) »),
    never cut before its end, the date the standing took effect."""
    return _wrap(pen, status, STATUS_WIDTH, STATUS_SIZES, lines=2, height=STATUS_HEIGHT)


def draw(facts: CardFacts) -> bytes:
    """Draw the card in its facts' language, whatever the request's: a 1200×630 RGB PNG."""
    with translation.override(facts.language):
        return _draw(facts)


def _draw(facts: CardFacts) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    pen = ImageDraw.Draw(image)
    margin = 64
    inner = WIDTH - 2 * margin
    # Band: the site's name and what it does.
    pen.rectangle((0, 0, WIDTH, 96), fill=BRAND)
    pen.text((margin, 48), "iccwatch", font=font(44, bold=True), fill="white", anchor="lm")
    tagline, face = _fit(
        pen, _("ICC arrest warrants and the states that host"), inner - 320, (26, 22, 18)
    )
    pen.text((WIDTH - margin, 48), tagline, font=face, fill="white", anchor="rm")
    # The name, as large as fits.
    name, face = _fit(pen, facts.name, inner, (84, 72, 60, 50, 42), bold=True)
    pen.text((margin, 190), name, font=face, fill=INK, anchor="ls")
    # Standing or status, as a coloured label, then the detail line.
    lines, face = status_lines(pen, facts.status)
    if len(lines) == 1:
        baselines, pad = [268], 14
    else:
        baselines, pad = [280 - face.size - 4, 280], 8
    boxes = [
        pen.textbbox((margin + 20, y), line, font=face, anchor="ls")
        for line, y in zip(lines, baselines, strict=True)
    ]
    right = max(b[2] for b in boxes)
    colour = STANDING_COLOURS.get(facts.status_code, OTHER_COLOUR)
    pen.rounded_rectangle(
        (margin, boxes[0][1] - pad, right + 20, boxes[-1][3] + pad), 10, fill=colour
    )
    for line, y in zip(lines, baselines, strict=True):
        pen.text((margin + 20, y), line, font=face, fill="white", anchor="ls")
    detail, face = _fit(pen, facts.detail, inner, (30, 26, 22))
    pen.text((margin, 330), detail, font=face, fill=MUTED, anchor="ls")
    # The visits, then one bar per verdict (the three largest, incidents first).
    pen.line((margin, 362, WIDTH - margin, 362), fill=RULE, width=2)
    visits_line, face = _fit(pen, facts.visits_line, inner, (34, 30, 26, 22), bold=True)
    pen.text((margin, 410), visits_line, font=face, fill=INK, anchor="ls")
    top, row, bar_left = 440, 44, margin + 440
    largest = max((n for _c, _l, n in facts.counts), default=1)
    shown = facts.shown_counts
    for i, (code, label, n) in enumerate(shown):
        y = top + i * row + 18
        # Two lines of 20 pixels fit the row (no larger: they would run into the next
        # row's); a label never loses its end.
        lines, face = _wrap(pen, label, 420, (28, 24, 20), lines=2, height=row)
        step = face.size + 1
        for j, line in enumerate(lines):
            offset = round((j - (len(lines) - 1) / 2) * step)
            pen.text((margin, y + offset), line, font=face, fill=INK, anchor="lm")
        bar = max(8, int((inner - 560) * n / largest))
        colour = VERDICT_COLOURS.get(code, OTHER_COLOUR)
        pen.rectangle((bar_left, y - 14, bar_left + bar, y + 14), fill=colour)
        pen.text((bar_left + bar + 12, y), str(n), font=font(28), fill=INK, anchor="lm")
    if facts.other_verdicts:
        pen.text(
            (margin, top + len(shown) * row + 18),
            facts.other_verdicts_line,
            font=font(24),
            fill=MUTED,
            anchor="lm",
        )
    pen.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=WASH)
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True: 4% smaller, six times slower
    return out.getvalue()


def page_language() -> str:
    """The language of the page being answered, one of LANGUAGES."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def embed_title(name: str) -> str:
    """The embedded card's title in the active language ("Mongolia · iccwatch card"): what a
    screen reader names its frame by, other than the full page's ("Mongolia · iccwatch")."""
    return _("%(name)s · iccwatch card") % {"name": name}


PREVIEW_LENGTH = 200


def preview_text(text: str, limit: int = PREVIEW_LENGTH) -> str:
    """`text` short enough for a link preview (previews show about two hundred characters):
    unchanged if it fits; else its whole sentences up to `limit` followed by " …", or,
    when the first sentence is longer than that, its words up to the last space outside
    parentheses followed by "…", so that a preview never stops inside a reference
    ("(its reading of Art…"). A sentence ends at ".", "!" or "?" outside parentheses,
    followed by a space and a capital ("2002. This state"), not at an abbreviation
    ("Art. 127"). A text with no such space is cut at a word."""
    if len(text) <= limit:
        return text
    room = limit - 2  # the ellipsis and the space before it
    depth = 0
    sentence_end = word_end = 0
    for i, char in enumerate(text[: room + 1]):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif char == " ":
            word_end = i
        elif (
            char in ".!?"
            and i < room
            and text[i + 1 : i + 2] == " "
            and text[i + 2 : i + 3].isupper()
        ):
            sentence_end = i + 1
    if sentence_end:
        return text[:sentence_end] + " …"
    if word_end:
        return text[:word_end].rstrip(" ,;:\u00a0\u202f") + "…"
    return Truncator(text).chars(limit)


def sharing(request: HttpRequest, kind: str, key: str, *, title: str, description: str) -> dict:
    """What a country or person page needs for its link preview (`social`: Open Graph
    and Twitter tags, the card image in the page's language, all addresses absolute)
    and for its "Embed this" snippet (`embed_url`). No query."""
    language = page_language()
    image = reverse(f"{kind}-card", kwargs={_ARG[kind]: key, "lang": language})
    embed = reverse(f"embed-{kind}", kwargs={_ARG[kind]: key})
    if kind == "state":
        alt = _(
            "Card for %(name)s: standing under the Rome Statute today and visits by verdict"
        ) % {"name": in_sentence(title)}
    else:
        alt = elide(_("Card for %(name)s: status and visits by verdict") % {"name": title})
    return {
        "social": {
            "title": title,
            "description": preview_text(description),
            "url": request.build_absolute_uri(request.path),
            "image": request.build_absolute_uri(image),
            "image_alt": alt,
            "locale": _OG_LOCALES.get(language, language),
            "alternate_locales": [_OG_LOCALES.get(c, c) for c in LANGUAGES if c != language],
        },
        "embed_url": request.build_absolute_uri(embed),
        # As wide as the column it is pasted in, up to the card's width; as tall as the
        # card at its narrowest (EMBED_HEIGHT): no scrollbar. The width and height
        # attributes size the frame where the host page strips or refuses inline styles.
        # The frame's title is in the card's language, which `lang` says to the reader of
        # an article in another one (WCAG 3.1.2).
        "embed_code": format_html(
            '<iframe src="{}" title="{}" lang="{}" width="{}" height="{}"'
            ' style="width:100%;max-width:{}px;height:{}px;border:0" loading="lazy"></iframe>',
            request.build_absolute_uri(embed),
            embed_title(title),
            language,
            EMBED_MAX_WIDTH,
            EMBED_HEIGHT,
            EMBED_MAX_WIDTH,
            EMBED_HEIGHT,
        ),
    }


_ARG = {"state": "iso3", "person": "slug"}
# Open Graph names a locale as language_TERRITORY.
_OG_LOCALES = {"en": "en_GB", "fr": "fr_FR"}
