"""Link previews, card images and embeddable cards for countries and persons."""

import html as html_module
import io
import re

import pytest
from django.utils import translation
from PIL import Image, ImageDraw

from core import pagecache
from core.pagecache import bump_data_version
from front import cards
from states.status import Standing
from tests.site.conftest import body
from visits import flagging
from visits.models import VerdictCode, Visit
from warrants.models import PersonStatus

pytestmark = pytest.mark.django_db

PAGES = [
    ("/states/MNG/", "/states/MNG/card"),
    ("/persons/vladimir-putin/", "/persons/vladimir-putin/card"),
]


def meta(html: str) -> dict[str, list[str]]:
    """Every <meta property|name="og:…|twitter:…" content="…">, by name."""
    found: dict[str, list[str]] = {}
    for name, content in re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">', html
    ):
        found.setdefault(name, []).append(html_module.unescape(content))
    return found


def in_language(reader, url: str, language: str):
    """`url` read in `language`: at its /fr/ address where the site has language
    prefixes, else by Accept-Language. Returns the response and the path it was read at."""
    if language != "en":
        prefixed = f"/{language}{url}"
        response = reader.get(prefixed, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 404:
            return response, prefixed.split("?")[0]
    return reader.get(url, HTTP_ACCEPT_LANGUAGE=language), url.split("?")[0]


def png(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


@pytest.mark.parametrize(("url", "card"), PAGES)
@pytest.mark.parametrize(("language", "locale"), [("en", "en_GB"), ("fr", "fr_FR")])
def test_country_and_person_pages_carry_open_graph_and_twitter_cards(
    reader, seeded, url, card, language, locale
):
    response, path = in_language(reader, url, language)
    tags = meta(body(response))
    [image] = tags["og:image"]
    assert re.fullmatch(rf"http://testserver(/{language})?{card}\.{language}\.png", image)
    assert tags["twitter:image"] == [image]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    assert tags["og:image:type"] == ["image/png"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:url"] == [f"http://testserver{path}"]
    assert tags["og:locale"] == [locale]
    assert tags["og:title"][0] and tags["og:image:alt"][0]
    assert 0 < len(tags["og:description"][0]) <= 200
    # The image those tags name exists, in the page's language.
    assert png(reader.get(image.removeprefix("http://testserver"))).size == (1200, 630)


def test_the_french_country_page_previews_in_french(reader, seeded):
    tags = meta(body(in_language(reader, "/states/MNG/", "fr")[0]))
    assert tags["og:title"] == ["Mongolie"]
    assert tags["og:description"][0].startswith(
        "Mongolie\u00a0: État partie depuis le 1er juillet 2002."
    )
    # No "de" before a country name (it would need its article: "des États-Unis").
    assert tags["og:image:alt"][0].startswith("Fiche — Mongolie\u00a0:")


def test_other_pages_carry_no_card(reader, seeded):
    assert meta(body(reader.get("/visits/"))) == {}


@pytest.mark.parametrize(
    "url",
    [
        "/states/MNG/card.en.png",
        "/states/MNG/card.fr.png",
        "/states/mng/card.en.png",
        "/persons/vladimir-putin/card.en.png",
        "/persons/vladimir-putin/card.fr.png",
    ],
)
def test_a_card_is_a_1200_by_630_png_kept_by_browsers_for_an_hour(reader, seeded, url):
    response = reader.get(url)
    image = png(response)
    assert image.format == "PNG" and image.size == (1200, 630) and image.mode == "RGB"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    again = reader.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_card_reads_the_facts_in_the_language_of_its_address(reader, seeded):
    english = cards.state_card("MNG", "en")
    french = cards.state_card("MNG", "fr")
    assert (english.name, english.status) == ("Mongolia", "State Party since 1 July 2002")
    assert (french.name, french.status) == ("Mongolie", "État partie depuis le 1er juillet 2002")
    published = Visit.objects.published().filter(host__iso3="MNG")
    assert english.visits == published.count()
    assert {code: n for code, _label, n in english.counts} == {
        VerdictCode.NON_COMPLIANCE: published.filter(verdict__code="non_compliance").count()
    }
    assert french.counts[0][1] == "non-coopération"
    en, fr = reader.get("/states/MNG/card.en.png"), reader.get("/states/MNG/card.fr.png")
    assert en.content != fr.content and en["ETag"] != fr["ETag"]
    person = cards.person_card("vladimir-putin", "fr")
    assert (
        person.status == "pas sous la garde de la Cour"
        and "situation «\u00a0Ukraine\u00a0»" in person.detail
    )
    assert person.visits == Visit.objects.published().filter(person__slug="vladimir-putin").count()
    assert person.counts[0][0] == VerdictCode.NON_COMPLIANCE  # incidents first


def test_a_card_is_drawn_in_the_language_of_its_facts_whatever_the_readers(reader, seeded):
    from django.core.cache import cache

    cache.clear()
    french = cards.state_card("HUN", "fr")
    with translation.override("en"):
        from_english = cards.draw(french)
    with translation.override("fr"):
        from_french = cards.draw(french)
    assert from_english == from_french
    # A crawler sends no language: the French address still answers the French card.
    assert reader.get("/states/HUN/card.fr.png").content == from_french


def test_a_card_is_drawn_once_and_again_only_when_its_facts_change(reader, seeded, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    first = reader.get("/persons/vladimir-putin/card.en.png")
    assert first.status_code == 200

    def refuse(facts):
        raise AssertionError("drawn again")

    monkeypatch.setattr(cards, "draw", refuse)
    same = reader.get("/persons/vladimir-putin/card.en.png")
    assert same.content == first.content and same["ETag"] == first["ETag"]
    monkeypatch.undo()
    # A verdict changes (a visit is withdrawn from the record): a new card, a new ETag.
    visit = Visit.objects.published().filter(person__slug="vladimir-putin").first()
    Visit.objects.filter(pk=visit.pk).update(review_state="withdrawn")
    flagging.evaluate_visits([visit.pk], cause="test")
    changed = reader.get("/persons/vladimir-putin/card.en.png", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    "url",
    [
        "/states/XXX/card.en.png",
        "/states/MNG/card.de.png",
        "/states/MNG/card.png",
        "/persons/nobody-at-all/card.en.png",
        "/persons/Vladimir-Putin/card.en.png",
    ],
)
def test_an_unknown_card_is_not_found(reader, seeded, url):
    assert reader.get(url).status_code == 404


def test_a_long_name_is_cut_to_fit_the_card():
    facts = cards.CardFacts(
        kind="person",
        key="x",
        language="en",
        name="A Name " * 30,
        status="at large",
        status_code="at_large",
        detail="1 ICC arrest warrant",
        visits=0,
        counts=(),
    )
    image = Image.open(io.BytesIO(cards.draw(facts)))
    assert image.size == (1200, 630)


def test_a_long_verdict_label_wraps_instead_of_being_cut():
    pen = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    label = "n’a pas voyagé (hôte qui n’aurait pas été tenu d’arrêter ce jour-là)"
    lines, face = cards._wrap(pen, label, 420, (28, 24, 20), lines=2)
    assert len(lines) == 2 and " ".join(lines) == label
    assert all(pen.textlength(line, font=face) <= 420 for line in lines)
    # Two lines must fit the card's row of 44 pixels (one pixel between them): 20 pixels.
    lines, face = cards._wrap(pen, label, 420, (28, 24, 20), lines=2, height=44)
    assert len(lines) == 2 and face.size == 20
    # A short one stays on one line at the largest size.
    lines, face = cards._wrap(pen, "complied", 420, (28, 24, 20))
    assert lines == ["complied"] and face.size == 28
    # Drawn: the card's verdict rows use it (a new drawing version, so cached cards redraw;
    # 4: the dated standing wraps too).
    assert cards.DRAWING_VERSION == "4"
    facts = cards.CardFacts(
        kind="state",
        key="X",
        language="fr",
        name="X",
        status="État partie",
        status_code="party",
        detail="",
        visits=1,
        counts=(("deterred", label, 1),),
    )
    assert Image.open(io.BytesIO(cards.draw(facts))).size == (1200, 630)


@pytest.mark.parametrize(
    ("today", "standing", "english", "french"),
    [
        (
            "2026-12-04",
            Standing.WITHDRAWN,
            "former State Party since 2 June 2026",
            "ancien État partie depuis le 2 juin 2026",
        ),
        (
            "2026-01-15",
            Standing.WITHDRAWING,
            "withdrawing (effective on 2 June 2026)",
            "État partie en cours de retrait (effectif le 2 juin 2026)",
        ),
    ],
)
def test_a_countrys_card_says_when_its_standing_took_effect(
    reader, seeded, monkeypatch, today, standing, english, french
):
    """Hungary's card read « retiré » alone: a reader could think it was not bound when
    Netanyahu visited in April 2025. The standing is dated, from the state's timeline,
    on the card (its image and its embeddable page) in both languages."""
    import datetime

    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date.fromisoformat(today))
    for language, status in (("en", english), ("fr", french)):
        card = cards.state_card("HUN", language)
        assert (card.status_code, card.status) == (standing, status)
        page = body(in_language(reader, "/embed/states/HUN/", language)[0])
        assert f'<p class="status st-{standing}">{status}</p>' in html_module.unescape(page)
        pen = ImageDraw.Draw(Image.new("RGB", (10, 10)))
        lines, _face = cards.status_lines(pen, status)
        assert " ".join(lines) == status  # drawn whole, its date included
    # A State Party's since its entry into force.
    assert cards.state_card("MNG", "fr").status == "État partie depuis le 1er juillet 2002"


def test_a_long_standing_wraps_onto_two_lines_instead_of_being_cut():
    """A dated French standing may not fit one line of the card: it wraps onto two that fit
    the label's width and the room between the name and the detail line, its date kept."""
    pen = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    status = (
        "territoire (Royaume-Uni de Grande-Bretagne et d’Irlande du Nord), État partie en cours "
        "de retrait (effectif le 2 juin 2026)"
    )
    lines, face = cards.status_lines(pen, status)
    assert len(lines) == 2 and " ".join(lines) == status
    assert all(pen.textlength(line, font=face) <= cards.STATUS_WIDTH for line in lines)
    assert len(lines) * (face.size + 1) <= cards.STATUS_HEIGHT
    # A short one stays on one line at the largest size.
    lines, face = cards.status_lines(pen, "withdrawn since 2 June 2026")
    assert lines == ["withdrawn since 2 June 2026"] and face.size == 40
    facts = cards.CardFacts(
        kind="state",
        key="X",
        language="fr",
        name="Hongrie",
        status=status,
        status_code="withdrawing",
        detail="Situation au regard du Statut de Rome aujourd’hui",
        visits=0,
        counts=(),
    )
    assert Image.open(io.BytesIO(cards.draw(facts))).size == (1200, 630)


def test_an_embedded_card_shows_three_verdicts_and_the_others_total():
    from django.template.loader import render_to_string

    counts = (
        ("non_compliance", "non-compliance", 5),
        ("complied", "complied (taken into custody)", 4),
        ("deterred", "did not travel", 3),
        ("pending", "pending", 2),
        ("", "not yet evaluated", 1),
    )
    facts = cards.CardFacts(
        kind="person",
        key="x",
        language="en",
        name="X",
        status="at large",
        status_code="at_large",
        detail="",
        visits=15,
        counts=counts,
    )
    assert facts.shown_counts == counts[:3] and facts.other_verdicts == 3
    html = render_to_string("embed/card.html", {"card": facts, "page_url": "/"})
    assert html.count("<li ") == 4
    assert "pending" not in html and "not yet evaluated" not in html
    assert '<li class="v-other" id="other-verdicts">other verdicts: 3</li>' in html
    few = cards.CardFacts(**{**facts.__dict__, "counts": counts[:3]})
    assert few.other_verdicts == 0 and "other-verdicts" not in render_to_string(
        "embed/card.html", {"card": few, "page_url": "/"}
    )


def test_the_cards_font_has_every_letter_a_french_card_shows():
    """A missing letter would be drawn as an empty box (the font's .notdef glyph)."""
    face = cards.font(40)

    def glyph(letter: str) -> bytes:
        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 10), letter, font=face, fill=255)
        return image.tobytes()

    missing = glyph("\u4e00")  # a CJK character: not in Lato
    with translation.override("fr"):
        labels = [str(s.label) for s in Standing] + [str(c.label) for c in VerdictCode]
        labels += [str(c.label) for c in PersonStatus]
    letters = set("".join(labels)) | set("ÉÈÊÀÂÇÔÎÏÛÙÜËœŒæÆ’«»…–·ôéèêàâçîïûùüë")
    letters -= {" "}
    assert [c for c in sorted(letters) if glyph(c) == missing] == []


# --- Embeds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "page", "name"),
    [
        ("/embed/states/MNG/", "/states/MNG/", "Mongolia"),
        (
            "/embed/persons/vladimir-putin/",
            "/persons/vladimir-putin/",
            "Vladimir Vladimirovich Putin",
        ),
    ],
)
def test_an_embedded_card_may_be_framed_by_any_site_and_links_to_its_page(
    reader, seeded, url, page, name
):
    response = reader.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["*"]
    # The rest of the policy stays: no inline script, nothing from elsewhere.
    assert directives["default-src"] == ["'self'"] and directives["script-src"] == ["'self'"]
    html = body(response)
    assert (
        f'<h1><a href="http://testserver{page}" target="_blank" rel="noopener">{name}</a></h1>'
        in html
    )
    assert "<nav" not in html and "<script" not in html


def test_an_embedded_card_follows_the_readers_language(reader, seeded):
    html = body(in_language(reader, "/embed/states/MNG/", "fr")[0])
    assert '<html lang="fr">' in html and "Mongolie" in html and "État partie" in html


@pytest.mark.parametrize(
    "url",
    [
        "/states/MNG/",
        "/persons/vladimir-putin/",
        "/visits/vladimir-putin-mng-2024-09-02/",
        "/states/",
        "/states/MNG/card.en.png",
        "/embed/states/",
        "/embed/states/XXX/",
    ],
)
def test_every_other_address_still_forbids_framing(reader, seeded, url):
    response = reader.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("/states/MNG/", "/embed/states/MNG/"),
        ("/persons/vladimir-putin/", "/embed/persons/vladimir-putin/"),
    ],
)
def test_country_and_person_pages_offer_the_code_to_embed_their_card(reader, seeded, url, embed):
    html = body(reader.get(url))
    code = html[html.index('id="embed-code"') :]
    code = code[: code.index("</textarea>")]
    assert f"&lt;iframe src=&quot;http://testserver{embed}&quot;" in code
    # As wide as the column it is pasted in, up to the card's; as tall as the card
    # (tests/browser/test_embed.py measures it).
    assert "style=&quot;width:100%;max-width:480px;height:520px;border:0&quot;" in code
    # Sized by its attributes too, where the host page strips or refuses inline styles.
    assert "width=&quot;480&quot; height=&quot;520&quot;" in code
    assert reader.get(embed).status_code == 200


def test_a_card_counts_the_visits_as_their_pages_count_them(reader, seeded):
    # Hungary hosted one visit and one trip was called off: its card said "2 published
    # visits" beside its page's "1 visit hosted"; Putin's counted trips that never took
    # place as visits.
    hungary = body(reader.get("/embed/states/HUN/"))
    page = re.sub(r"<[^>]+>", "", body(reader.get("/states/HUN/")))
    assert "1 visit hosted · 1 trip called off or attended by video" in hungary
    assert "1 visit hosted" in page and "1 trip called off or attended by video" in page
    assert "published visit" not in hungary
    putin = Visit.objects.published().filter(person__slug="vladimir-putin")
    called_off = putin.filter(status__in=["cancelled", "virtual"]).count()
    assert called_off
    card = cards.person_card("vladimir-putin", "en")
    assert card.visits_line == (
        f"{putin.count()} recorded trips · {called_off} trips called off or attended by video"
    )
    assert cards.state_card("MNG", "fr").visits_line == "1 visite accueillie"


def test_a_card_s_description_gives_a_country_its_article(reader, seeded):
    """The card image's alternative text reads as a sentence: "Card for the Philippines"."""
    html = body(reader.get("/states/PHL/"))
    assert 'content="Card for the Philippines: standing under the Rome Statute' in html


@pytest.mark.parametrize(
    ("page", "card", "embed"),
    [
        ("/states/MNG/", "/states/MNG/card.en.png", "/embed/states/MNG/"),
        (
            "/persons/vladimir-putin/",
            "/persons/vladimir-putin/card.fr.png",
            "/embed/persons/vladimir-putin/",
        ),
    ],
)
def test_cards_and_embeds_read_the_counts_their_page_keeps_for_the_data_version(
    reader, seeded, django_assert_num_queries, page, card, embed
):
    """A card counts no visits itself once its page's summary is current: at a million
    visits, counting a busy host's visits per request took a card 150-300 ms."""
    bump_data_version()
    assert reader.get(page).status_code == 200  # counts the page's summary for this version
    for address in (card, embed):
        # The state and its treaty events, or the person and their warrants' count.
        with django_assert_num_queries(2):
            assert reader.get(address).status_code == 200


@pytest.mark.parametrize(
    ("language", "prefix", "name"),
    [("en", "", "Mongolia"), ("fr", "/fr", "Mongolie")],
)
def test_the_embedded_frame_says_it_is_a_card_in_its_own_language(
    reader, seeded, language, prefix, name
):
    """A screen reader names a frame by its title: the card's says it is iccwatch's card,
    not the same title as the full page, and the frame carries the card's language, so a
    French card's title is read in French on an English article (WCAG 2.4.2, 3.1.2)."""
    card_title = {"en": "Mongolia · iccwatch card", "fr": "Mongolie · fiche iccwatch"}[language]
    page = reader.get(f"{prefix}/states/MNG/").content.decode()
    assert f"<title>{name} · iccwatch</title>" in page
    code = re.search(r"<textarea id=\"embed-code\"[^>]*>([^<]*)<", page).group(1)
    code = html_module.unescape(code)
    frame = re.search(r"<iframe [^>]*>", code).group(0)
    assert f'title="{card_title}"' in frame and f'lang="{language}"' in frame, frame
    card = reader.get(f"{prefix}/embed/states/MNG/").content.decode()
    assert f'<html lang="{language}">' in card
    assert f"<title>{card_title}</title>" in card


def test_a_card_drawn_from_counts_being_recounted_is_not_kept(
    reader, seeded, settings, test_redis_url, monkeypatch
):
    """In production a page's counts are those of the data version before a write until
    they are recounted in the background: a card drawn from them is sent, but browsers and
    link-preview crawlers must ask again rather than keep it an hour."""
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": test_redis_url}
    }
    settings.ICCWATCH_SUMMARIES_IN_BACKGROUND = True
    pagecache.cache.clear()
    bump_data_version()
    current = reader.get("/states/MNG/card.en.png")  # nothing counted yet: counted now
    assert current.status_code == 200
    assert "max-age=3600" in current["Cache-Control"]

    def start_refresh(key, version, compute):
        # No recount: the card stays drawn from the earlier counts. The lock on the
        # recount is let go, as the recount does when it ends (other tests count again).
        pagecache.cache.delete(f"{key}:refresh")

    monkeypatch.setattr(pagecache, "_start_refresh", start_refresh)
    bump_data_version()  # as a write does
    stale = reader.get("/states/MNG/card.en.png")
    assert stale.status_code == 200
    assert "no-cache" in stale["Cache-Control"] and "max-age=0" in stale["Cache-Control"]
    assert "max-age=3600" not in stale["Cache-Control"]
