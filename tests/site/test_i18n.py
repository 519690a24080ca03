"""English and French: the address names the language of a public page (/fr/...), elsewhere
the reader's choice or Accept-Language; data stays as it is."""

import gettext
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from states.status import Standing
from tests.layout import PROJECT_PACKAGES
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_the_address_names_the_language_whatever_the_cookie_or_header(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/fr/states/MNG/", HTTP_ACCEPT_LANGUAGE="en-GB")
    html = body(response)
    assert '<html lang="fr">' in html and response["Content-Language"] == "fr"
    assert "Chronologie" in html and "Décisions de la CPI" in html
    # Country names and dates in words in the reader's language; counts agree.
    assert "Mongolie\u00a0: État partie depuis le 1er juillet 2002." in html
    assert "<h1>Mongolie" in html and "2 septembre 2024" in html
    assert "<strong>1</strong> visite accueillie" in html
    # The same page in each language, for search engines and readers.
    assert '<link rel="alternate" hreflang="en" href="http://testserver/states/MNG/">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/states/MNG/">' in html
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/states/MNG/">' in html
    )
    # No prefix is English: a shared link opens in the language it names, never redirected.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/states/MNG/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    html = body(response)
    assert '<html lang="en">' in html and "Timeline" in html and "<h1>Mongolia" in html
    assert "Accept-Language" not in response["Vary"]


def test_pages_outside_the_public_site_keep_the_readers_choice(client, seeded):
    """The newsroom, the admin and the API have one address: cookie, then Accept-Language."""
    response = client.get("/newsroom/sign-in/", HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="fr">' in body(response) and "Accept-Language" in response["Vary"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="fr">' in body(client.get("/newsroom/sign-in/", HTTP_ACCEPT_LANGUAGE="en"))
    api = client.get("/api/v1/states/MNG/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert api["translated_name"] == "Mongolie"
    assert client.get("/fr/api/v1/states/MNG/").status_code == 404


def test_the_language_switch_goes_to_the_same_page_in_the_other_language(client, seeded):
    response = client.get("/language/fr/?next=/visits/vladimir-putin-mng-2024-09-02/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/visits/vladimir-putin-mng-2024-09-02/"
    # Remembered for the pages whose address names no language (the newsroom).
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = body(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert (
        "Citer cette page" in html and "non-coopération" in html and "Historique du verdict" in html
    )
    back = client.get("/language/en/?next=/fr/visits/%3Fhost%3DMNG%26ordering%3Dperson")
    assert back["Location"] == "/visits/?host=MNG&ordering=person"
    assert "Cite this page" in body(client.get("/visits/vladimir-putin-mng-2024-09-02/"))


def test_the_switch_changes_the_language_of_a_page_not_found(client, seeded):
    """A mistyped /fr/ address's 404 offers English: the same address without /fr/. Django's
    translate_url leaves an address no route matches as it is, and "English" led back to
    the French 404."""
    html = body(client.get("/fr/stats/MNG/"))
    assert '<html lang="fr">' in html
    link = re.search(r'href="(/language/en/\?next=[^"]*)"', html).group(1)
    response = client.get(link)
    assert response["Location"] == "/stats/MNG/"
    english = client.get(response["Location"])
    assert english.status_code == 404 and '<html lang="en">' in body(english)
    assert client.get("/language/en/?next=/fr/nothing%3Fx%3D1")["Location"] == "/nothing?x=1"
    assert client.get("/language/en/?next=/fr")["Location"] == "/"
    assert client.get("/language/en/?next=/fr-ca/states/")["Location"] == "/states/"
    # An address outside the public site still maps to itself, a page to its translation.
    assert client.get("/language/fr/?next=/nothing/")["Location"] == "/nothing/"
    assert client.get("/language/en/?next=/fr/states/XXX/")["Location"] == "/states/XXX/"


def test_a_server_error_is_a_page_in_the_readers_language(seeded, monkeypatch):
    """A bug on /fr/… answered Django's bare "Server Error (500)", in English and with no
    language; the 500 page is the site's (templates/500.html), rendered without the
    database or the request's context, as Django renders it."""
    from django.test import Client

    def broken(query):
        raise RuntimeError("a bug")

    monkeypatch.setattr("front.search.search", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/fr/search/?q=putin")
    assert response.status_code == 500
    html = body(response)
    assert '<html lang="fr">' in html and "<title>Erreur du serveur · iccwatch</title>" in html
    assert "Server Error" not in html and "a bug" not in html
    assert '<a href="/fr/">Accueil</a>' in html
    english = body(client.get("/search/?q=putin"))
    assert '<html lang="en">' in english and "<h1>Server error</h1>" in english
    assert '<a href="/">Home</a>' in english


def test_a_request_django_refuses_is_a_page_in_the_readers_language(client, seeded):
    """More query parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) answered its
    bare "Bad Request (400)", in English and marked so, on /fr/… too."""
    many = "&".join(f"x{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/fr/visits/?{many}")
    assert response.status_code == 400
    html = body(response)
    assert '<html lang="fr">' in html and "<title>Requête refusée · iccwatch</title>" in html
    assert "Bad Request" not in html and '<a href="/fr/">Accueil</a>' in html
    english = body(client.get(f"/visits/?{many}"))
    assert '<html lang="en">' in english and "<h1>Request refused</h1>" in english


def test_the_switch_is_a_link_on_every_page_and_refuses_other_sites(client, seeded):
    html = body(client.get("/persons/?status=at_large&ordering=name&page=1"))
    assert (
        'href="/fr/persons/?status=at_large&amp;ordering=name&amp;page=1" lang="fr" hreflang="fr"'
        in html
    )
    assert 'aria-current="true">English' in html
    html = body(client.get("/fr/persons/?status=at_large"))
    assert 'href="/persons/?status=at_large" lang="en" hreflang="en"' in html
    assert 'aria-current="true">Français' in html
    # Pages outside the public site switch through the cookie.
    html = body(client.get("/newsroom/sign-in/"))
    assert 'href="/language/fr/?next=/newsroom/sign-in/"' in html
    assert client.get("/language/fr/?next=https://evil.example/").headers["Location"] == "/fr/"
    assert client.get("/language/de/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/states/",
        "/persons/vladimir-putin/",
        "/visits/",
        "/incidents/",
        "/warrants/",
        "/search/?q=Bashir",
        "/incidents/feed/",
        "/method/",
    ],
)
def test_every_page_is_translated(client, seeded, url):
    html = body(client.get("/fr" + url))
    for english in (
        "Skip to content",
        "Search</button>",
        "Download these rows",
        "Latest incidents",
        "Travel timeline",
        "new and changed incidents",
    ):
        assert english not in html, (url, english)


def test_french_lists_translate_filter_labels_and_choices(client, seeded):
    html = body(client.get("/fr/visits/?verdict=non_compliance"))
    assert '<label for="id_host">État hôte</label>' in html
    assert '<option value="non_compliance" selected>non-coopération (19)</option>' in html
    assert "9 résultats" in html


def test_every_code_has_a_label_translated_into_french():
    """Every TextChoices label is lazily translated and the French catalogue has it."""
    vocabularies = [
        choices
        for choices in models.TextChoices.__subclasses__()
        if choices.__module__.split(".")[0] in PROJECT_PACKAGES
    ]
    assert Standing in vocabularies and len(vocabularies) >= 10, vocabularies
    with MO.open("rb") as compiled:
        french = gettext.GNUTranslations(compiled)._catalog
    for choices in vocabularies:
        for member in choices:
            assert isinstance(member.label, Promise), (
                f"{choices.__name__}.{member.name} is not translatable"
            )
            with translation.override(None):
                english = str(member.label)
            # A label given with a context (pgettext_lazy) is catalogued under it.
            in_context = [v for k, v in french.items() if str(k).endswith("\x04" + english)]
            assert french.get(english) or any(in_context), (
                f"{choices.__name__}.{member.name}: no French for {english!r}"
            )


def test_the_site_shows_codes_in_the_readers_language(client, seeded):
    html = body(client.get("/fr/persons/vladimir-putin/"))
    assert "non-coopération" in html
    html = body(client.get("/persons/vladimir-putin/"))
    assert "non-compliance" in html and "non-coopération" not in html


def test_every_message_is_translated_and_the_compiled_catalogue_is_current(tmp_path):
    """The .mo is committed (so a fresh clone needs no gettext); it must match the .po."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail(
            "gettext's msgfmt is needed to check the French catalogue (apt-get install gettext)"
        )
    fresh = tmp_path / "django.mo"
    subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(fresh), str(PO)],
        check=True,
        capture_output=True,
    )
    stats = subprocess.run(
        [msgfmt, "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert (
            gettext.GNUTranslations(committed)._catalog
            == gettext.GNUTranslations(compiled)._catalog
        ), "locale/fr/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"


# French spacing (Lexique des règles typographiques en usage à l'Imprimerie nationale): a
# no-break space before ":" and inside guillemets, a narrow no-break space before ";", "!"
# and "?", so that a line on a phone never starts with the mark or leaves a guillemet alone.
FRENCH_SPACING = [
    (re.compile(r"[ \u202f]:"), "a no-break space (U+00A0) before ':'"),
    (
        re.compile(r"(?<!«)[ \u00a0][;!?]"),
        "a narrow no-break space (U+202F) before ';', '!' or '?'",
    ),
    (re.compile(r"«[ \u202f]"), "a no-break space (U+00A0) after '«'"),
    (re.compile(r"[ \u202f]»"), "a no-break space (U+00A0) before '»'"),
]


def test_french_messages_keep_their_marks_on_the_line_of_the_word_before():
    with MO.open("rb") as committed:
        catalogue = gettext.GNUTranslations(committed)._catalog
    wrong = [
        (message, rule)
        for key, message in catalogue.items()
        if key  # the catalogue's header
        for pattern, rule in FRENCH_SPACING
        if pattern.search(message)
    ]
    assert not wrong, wrong[:10]
    # The check itself: it finds a plain space where the mark needs a no-break one.
    assert [r for p, r in FRENCH_SPACING if p.search("Statut : « Mongolie » ; non ?")] == [
        rule for _, rule in FRENCH_SPACING
    ]


# A straight apostrophe in a French message: French typography writes ’ (U+2019). One
# between an attribute's name and value (markup in a message, class='x') would be quoting,
# not an apostrophe: none of the messages holds any, and it would be left alone.
_STRAIGHT_APOSTROPHE = re.compile(r"(?<!=)'")


def straight_apostrophes(path: Path = PO) -> list[str]:
    """The French messages (msgstr, each plural form, its continued lines joined; not the
    obsolete entries, `#~`) of the catalogue at `path` that write a straight apostrophe (')."""
    import ast

    messages: list[list[str]] = []
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [line.split(" ", 1)[1]]
            messages.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
    texts = ["".join(ast.literal_eval(part) for part in parts) for parts in messages]
    return [t for t in texts if _STRAIGHT_APOSTROPHE.search(re.sub(r"=\'[^']*\'", "", t))]


def test_french_messages_write_the_typographic_apostrophe(tmp_path):
    assert straight_apostrophes() == []
    # The check itself: it finds one in a message and in a plural form, not in quoting.
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid "a"\nmsgstr "l\'État"\n\n'
        'msgid "b"\nmsgid_plural "bs"\nmsgstr[0] "n’a"\nmsgstr[1] "d\'eux"\n\n'
        'msgid "c"\nmsgstr "<a class=\'x\'>l’État</a>"\n',
        encoding="utf-8",
    )
    assert straight_apostrophes(sample) == ["l'État", "d'eux"]


# A value put into a message by its repr (%(value)r, {value!r}) comes out between
# straight quotes ('nobody'); French quotes a value « nobody ».
_REPR_FIELD = re.compile(r"%\([a-z_]+\)r|\{[a-z_]+!r\}")


def test_french_messages_quote_a_value_as_french_does_not_by_its_repr():
    with MO.open("rb") as committed:
        catalogue = gettext.GNUTranslations(committed)._catalog
    by_repr = [message for key, message in catalogue.items() if key and _REPR_FIELD.search(message)]
    assert not by_repr, by_repr[:10]
    # The check itself: it finds both forms.
    assert _REPR_FIELD.search("Aucune personne n’a l’identifiant %(slug)r.")
    assert _REPR_FIELD.search("Aucun État n’a le code {value!r}.")
    with translation.override("fr"):
        from visits import review

        assert review.address_refusal("ftp://example.org/x") == (
            "«\u00a0ftp://example.org/x\u00a0» n’est pas une adresse http(s)."
        )


class _FrenchText(HTMLParser):
    """The text a reader sees on a page, without what is marked as in another language
    (lang="en": the dataset's own words), scripts and styles."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # whether each open element hides its text
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        hidden = tag in ("script", "style") or attrs.get("lang", "fr").split("-")[0] != "fr"
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


FRENCH_PAGES = [
    "/fr/",
    "/fr/states/",
    "/fr/states/MNG/",
    "/fr/persons/vladimir-putin/",
    "/fr/visits/vladimir-putin-mng-2024-09-02/",
    "/fr/visits/?host=MNG&status=occurred",
    "/fr/persons/?situation=darfur-sudan&status=at_large",
    "/fr/incidents/",
    "/fr/warrants/",
    "/fr/search/?q=Bashir",
    "/fr/changes/",
    "/fr/method/",
]
# A plain space before a mark, or none at all after a word ("État: ZMB", "Soudan; situation").
_PLAIN_OR_NONE = re.compile(r"( [:;!?»]|« |[^\s\d\u00a0\u202f][:;](?=\s))")


def test_french_pages_and_feeds_space_their_marks_as_french_does(reader, seeded):
    """The catalogue is checked above; this reads what pages build around it (labels joined
    in code, lists, a feed's summaries)."""
    for url in FRENCH_PAGES:
        parser = _FrenchText()
        parser.feed(body(reader.get(url)))
        text = " ".join(" ".join(parser.text).split(" "))
        slips = [text[max(0, m.start() - 30) : m.end() + 30] for m in _PLAIN_OR_NONE.finditer(text)]
        assert not slips, (url, slips[:5])
    feed = ET.fromstring(reader.get("/fr/changes/feed/").content)
    for summary in feed.iter("{http://www.w3.org/2005/Atom}summary"):
        assert not _PLAIN_OR_NONE.search(summary.text or ""), summary.text


def test_french_pages_name_chambers_in_full_elide_de_and_date_changes_in_words(reader, seeded):
    """What a French reader would correct: "PTC II" (Chambre préliminaire II), "visite de
    Omar" (d'Omar), an untranslated field name and "Dec. 1, 2026, 9:16 p.m." on the Changes
    page (written as the visit pages write a time: "1er décembre 2026, 21 h 17 UTC")."""
    import re as regex

    from core import names

    visit = body(reader.get("/fr/visits/vladimir-putin-mng-2024-09-02/"))
    # (A finding's notes, the researchers' own words, may still say "PTC II".)
    assert "par la Chambre préliminaire II de la CPI" in visit and "par la PTC II" not in visit
    mongolia = body(reader.get("/fr/states/MNG/"))
    assert "— Chambre préliminaire II" in mongolia and "— PTC II" not in mongolia
    assert "Pre-Trial Chamber II" in body(reader.get("/states/MNG/"))
    incidents = body(reader.get("/fr/"))
    assert "de Omar" not in incidents and "de Osama" not in incidents
    with translation.override("fr"):
        assert names.elide("visite de Omar al-Bashir, de Hongrie") == (
            "visite d’Omar al-Bashir, de Hongrie"
        )
        assert names.elide("Visites de Ahmad Harun") == "Visites d’Ahmad Harun"
        assert names.elide("Visites de Yoav Gallant") == "Visites de Yoav Gallant"
    with translation.override("en"):
        assert names.elide("Map of de Omar") == "Map of de Omar"
    import html

    person = html.unescape(body(reader.get("/fr/persons/omar-al-bashir/")))
    assert "d’Omar" in person and "de Omar" not in person
    # A state's timeline: "Voyage d’Omar … annulé", never "Voyage de Omar".
    malaysia = html.unescape(body(reader.get("/fr/states/MYS/")))
    assert "Voyage d’Omar" in malaysia and "de Omar" not in malaysia
    changes = body(reader.get("/fr/changes/"))
    assert not regex.search(r"\b(a|p)\.m\.", changes)
    assert regex.search(r"\d{1,2}(er)? \w+ \d{4}, \d\d\u00a0h\u00a0\d\d UTC", changes)


def test_a_guessed_french_address_of_a_staff_page_switches_to_french_and_opens_it(client, seeded):
    first = client.get("/fr/newsroom/reports/new/?person=putin")
    assert first.status_code == 302
    second = client.get(first["Location"])
    assert second.status_code == 302
    assert second["Location"] == "/newsroom/reports/new/?person=putin"
    assert second.cookies["django_language"].value == "fr"
    assert client.get("/fr/no-such-page/").status_code == 404


def test_a_filter_that_cannot_be_applied_is_named_by_its_label_in_french(client, seeded):
    page = client.get("/fr/visits/?person=Zebulon")
    assert page.status_code == 400
    html = page.content.decode()
    # In the list's form: its summary names the box by its label, linking to it.
    assert '<a href="#id_person">Personne\u00a0: ' in html
    assert "Zebulon" in html


def test_a_filter_menus_any_agrees_with_the_filters_name_in_french(client, seeded):
    """ "Situation", "Année", "Nationalité" and a state's "Situation aujourd’hui" are
    feminine: their menus offer "toutes"; "État hôte", "Statut" and "Verdict" "tous"."""
    import re

    def menus(path: str) -> dict[str, str]:
        response = client.get(path)
        html = (
            b"".join(response.streaming_content).decode()
            if response.streaming
            else response.content.decode()
        )
        return dict(
            re.findall(r'<select name="(\w+)"[^>]*>\s*<option value=""[^>]*>([^<]*)<', html)
        )

    visits = menus("/fr/visits/")
    assert (visits["situation"], visits["year"]) == ("toutes", "toutes")
    assert (visits["host"], visits["verdict"], visits["status"]) == ("tous", "tous", "tous")
    persons = menus("/fr/persons/")
    assert (persons["nationality"], persons["status"]) == ("toutes", "tous")
    assert menus("/fr/states/")["status"] == "toutes"
    assert menus("/fr/warrants/")["in_force"] == "indifférent"  # a yes-or-no filter
    assert menus("/visits/")["situation"] == "any"


# How a warrant that ended on 24 July 2014 says so, by its end_reason: (English, French).
# « fin le 24 juillet 2014 : exécuté (personne remise) » was a note, not French; with no
# reason, the warrant list showed « fin le 24 juillet 2014 » and "ended 24 July 2014".
ENDINGS = {
    "executed": ("executed on 24 July 2014", "exécuté le 24 juillet 2014"),
    "withdrawn": ("withdrawn on 24 July 2014", "retiré le 24 juillet 2014"),
    "deceased": (
        "ended on 24 July 2014, the person's death confirmed",
        "a pris fin le 24 juillet 2014, le décès de la personne ayant été constaté",
    ),
    "other": (
        "ended on 24 July 2014, for another reason",
        "a pris fin le 24 juillet 2014, pour un autre motif",
    ),
    "": (
        "ended on 24 July 2014 (reason not recorded)",
        "a pris fin le 24 juillet 2014 (motif non enregistré)",
    ),
}


@pytest.mark.parametrize("reason", list(ENDINGS))
def test_an_ended_warrant_says_how_and_on_what_day_it_ended(reason):
    """Each end reason is said with the warrant's last day, as a sentence of each language
    says it (front.summaries.warrant_end_words); a warrant in force has no ending."""
    import datetime

    from front.summaries import warrant_end_words
    from warrants.models import Warrant

    warrant = Warrant(ref="w", ended=datetime.date(2014, 7, 24), end_reason=reason)
    for language, words in zip(("en", "fr"), ENDINGS[reason], strict=True):
        with translation.override(language):
            assert warrant_end_words(warrant) == words
    with pytest.raises(ValueError):
        warrant_end_words(Warrant(ref="w"))


def test_the_lists_person_and_visit_pages_say_how_a_warrant_ended(client, seeded):
    """The same words in the three places a warrant's ending is shown, in both languages,
    with no reason recorded as with one."""
    import datetime
    from html import unescape

    from core.pagecache import bump_data_version
    from visits.models import Visit
    from warrants.models import Warrant

    warrant = (
        Warrant.objects.filter(ended__isnull=False, verdicts__isnull=False)
        .select_related("person")
        .first()
    )
    assert warrant is not None
    visit = Visit.objects.filter(pk__in=warrant.verdicts.values("pk")).first()
    paths = (
        f"/warrants/?person={warrant.person.slug}",
        f"/persons/{warrant.person.slug}/",
        f"/visits/{visit.slug}/",
    )
    for reason in ("", "executed"):
        warrant.ended, warrant.end_reason = datetime.date(2014, 7, 24), reason
        warrant.save()
        bump_data_version()  # the test's writes are never committed, so never counted
        for language, words in zip(("en", "fr"), ENDINGS[reason], strict=True):
            for path in paths:
                html = unescape(body(client.get(path if language == "en" else f"/fr{path}")))
                assert words in html, (path, language)
                assert not re.search(r"(?<!a pris )fin le 24|ended 24", html), (path, language)


# "The record" (the data the site publishes, which a visit enters and leaves) is one word in
# French: « les données », as the public pages say, not also « le registre » or « le
# dossier ». "The record" as one row of the history ("the record was confirmed", "the
# record as it stood", "the record's history") is a row, not the data: it keeps its words.
_THE_RECORD = re.compile(r"\bthe record\b(?! was confirmed| as it stood|'s history)", re.I)


def test_french_calls_the_record_les_donnees_in_every_message():
    with MO.open("rb") as committed:
        catalogue = gettext.GNUTranslations(committed)._catalog
    about_the_record = {
        (key[0] if isinstance(key, tuple) else key): message
        for key, message in catalogue.items()
        if _THE_RECORD.search(key[0] if isinstance(key, tuple) else key)
    }
    assert len(about_the_record) > 12, about_the_record  # the check finds them
    elsewhere = {
        msgid: message
        for msgid, message in about_the_record.items()
        if "données" not in message or re.search(r"\b(registre|dossier)\b", message, re.I)
    }
    assert not elsewhere, elsewhere
    assert not [m for m in catalogue.values() if re.search(r"\bregistre\b", m, re.I)]


def test_a_sentence_gives_a_span_of_days_as_french_writes_it(seeded):
    """« du 1er au 2 décembre 2024 » in a French sentence (an incident's line, an early
    warning's), never « 1er–2 décembre »; the first of a month is "1er" in a span across
    months too (front.summaries.span_sentence, span_words); English unchanged."""
    import datetime

    from front import summaries
    from visits.models import Visit

    day = datetime.date
    with translation.override("fr"):
        assert summaries.span_sentence(day(2024, 12, 1), "day", day(2024, 12, 2), "day") == (
            "du 1er au 2 décembre 2024"
        )
        assert summaries.span_sentence(day(2024, 11, 30), "day", day(2024, 12, 1), "day") == (
            "du 30 novembre au 1er décembre 2024"
        )
        assert summaries.span_sentence(day(2024, 12, 31), "day", day(2025, 1, 1), "day") == (
            "du 31 décembre 2024 au 1er janvier 2025"
        )
        assert summaries.span_sentence(day(2024, 12, 1), "day", None, "day") == (
            "le 1er décembre 2024"
        )
        assert summaries.span_sentence(day(2016, 8, 8), "day", day(2016, 8, 8), "day") == (
            "le 8 août 2016"
        )
        assert summaries.span_sentence(day(2016, 8, 1), "month", None, "month") == "en août 2016"
        assert summaries.span_sentence(day(2016, 1, 1), "year", None, "year") == "en 2016"
        assert summaries.span_words(day(2024, 11, 1), "day", day(2024, 12, 2), "day") == (
            "1er novembre – 2 décembre 2024"
        )
        visit = Visit.objects.with_verdicts().get(slug="vladimir-putin-mng-2024-09-02")
        assert ", du 2 au 3 septembre 2024\u00a0: " in summaries.incident_line(visit)
    with translation.override("en"):
        assert summaries.span_sentence(day(2024, 12, 1), "day", day(2024, 12, 2), "day") == (
            "1–2 December 2024"
        )
        assert summaries.span_sentence(day(2016, 8, 8), "day", None, "day") == "8 August 2016"
        assert summaries.span_sentence(day(2024, 11, 30), "day", day(2024, 12, 1), "day") == (
            "30 November – 1 December 2024"
        )
