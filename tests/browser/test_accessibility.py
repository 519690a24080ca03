"""Every page type passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, in English and
French, at a desktop's width and at a phone's, in a real Chromium, and does not scroll
sideways on the phone; so does every page a form's button leads to (a refusal, a link's
page once its button is pressed). The keyboard reaches the content and sees where it is.

axe-core comes from npm (package.json's devDependencies, installed by `npm ci`, which
manage.py runs on first use); it is evaluated in the page through the browser's debugging
protocol, so the site's Content-Security-Policy (script-src 'self') stays as it is.
"""

import contextlib
import socket
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.db import connections
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts import services
from alerts.models import Delivery, DeliveryAttempt, Subscription
from core import roles
from dataset.models import DatasetImport
from tests.browser.conftest import snap
from tests.factories import verified_correction
from visits import history, review
from visits.models import Report, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = ["en-GB", "fr-FR"]
# The widths each page is checked at, in CSS pixels: a desktop's, then a small phone's
# (WCAG 1.4.10, reflow at 320 px and up: what scrolls sideways there, a code example, a
# wide table, must still be reachable by the keyboard and named).
WIDTHS = (1280, 360)

MONGOLIA = "vladimir-putin-mng-2024-09-02"
# One address per page type, and who opens it (None: an anonymous reader). A page type
# added to the site gets a line here. A {name} in an address is made before the page opens
# (SUBJECTS), as is what some pages list (PREPARED).
PAGES = [
    ("home", "/", None),
    ("states", "/states/", None),
    ("state", "/states/MNG/", None),
    ("persons", "/persons/", None),
    ("person", "/persons/vladimir-putin/", None),
    ("warrants", "/warrants/", None),
    ("visits-filtered", "/visits/?host=MNG&verdict=non_compliance", None),
    ("visit", f"/visits/{MONGOLIA}/", None),
    ("visit-withdrawn", "/visits/{withdrawn}/", None),
    ("incidents", "/incidents/", None),
    ("search", "/search/?q=Ulan+Bator", None),
    ("changes", "/changes/", None),
    # One change at its permanent address, the changes of one state and of one visit.
    ("change", "/changes/{change}/", None),
    ("changes-of-a-state", "/changes/?state=MNG", None),
    ("changes-of-a-visit", f"/changes/?visit={MONGOLIA}", None),
    ("method", "/method/", None),
    ("data", "/data/", None),
    ("data-changelog", "/data/changelog/", None),
    ("data-dictionary", "/data/dictionary/", None),
    # A file of /data/ no longer kept (named as builds are, of the imported version).
    ("data-file-gone", "/data/iccwatch-data-{version}-75fe54630b17.zip", None),
    ("not-found", "/states/XXX/", None),
    ("invalid-filter", "/visits/?hosts=MNG", None),
    ("refused-filter-value", "/visits/?host=MNG&start_after=foo", None),
    # A name several persons bear: refused in the list's form, each person offered.
    ("refused-person", "/incidents/?person=Gaddafi&year=2011", None),
    # A record's page refuses a parameter it does not read (a state's says where as_of is
    # read), and the Changes list a record no state has.
    ("refused-record-parameter", "/states/MNG/?as_of=2025-01-01", None),
    ("refused-change-parameter", "/changes/{change}/?page=2", None),
    ("refused-changes-record", "/changes/?state=XXX", None),
    # More parameters than any page reads: refused before any view (400.html).
    ("request-refused", "/visits/?" + "&".join(f"p{n}=1" for n in range(1001)), None),
    ("embed-state", "/embed/states/MNG/", None),
    ("embed-person", "/embed/persons/vladimir-putin/", None),
    ("api-docs", "/api/v1/docs/", None),
    ("newsroom-sign-in", "/newsroom/sign-in/", None),
    # The password reset: its form, the page saying a link is on its way, the link's form
    # for a new password, a link used or expired, and the page once the password is saved.
    ("newsroom-password-reset", "/newsroom/password-reset/", None),
    ("newsroom-password-reset-sent", "/newsroom/password-reset/sent/", None),
    ("newsroom-new-password", "/newsroom/password-reset/{reset}/", None),
    ("newsroom-new-password-link-used", "/newsroom/password-reset/MQ/used-token/", None),
    ("newsroom-password-saved", "/newsroom/password-reset/done/", None),
    ("newsroom-dashboard", "/newsroom/", roles.REPORTERS),
    # A page the member's role does not open (newsroom/forbidden.html).
    ("newsroom-forbidden", "/newsroom/queue/", roles.REPORTERS),
    ("newsroom-report-form", "/newsroom/reports/new/", roles.REPORTERS),
    # A correction's form, with the form to withdraw the visit and its sources.
    ("newsroom-correction", f"/newsroom/visits/{MONGOLIA}/correct/", roles.REPORTERS),
    # A withdrawn visit's page in the newsroom: its restoration to the record proposed.
    ("newsroom-restoration", "/newsroom/visits/{withdrawn}/restore/", roles.REPORTERS),
    ("newsroom-queue", "/newsroom/queue/", roles.REVIEWERS),
    ("newsroom-review", "/newsroom/reports/{report}/", roles.REVIEWERS),
    # A report sent back: its author's form, with the reviewer's comment and the answer's box.
    ("newsroom-report-sent-back", "/newsroom/reports/{own_sent_back}/edit/", roles.REPORTERS),
    # A rejected report's page, where its author reads the reason.
    ("newsroom-report-rejected", "/newsroom/reports/{own_rejected}/", roles.REPORTERS),
    # A reviewer's mailed link to a report its author took back: a 404 in the newsroom's words.
    ("newsroom-report-taken-back", "/newsroom/reports/{taken_back}/", roles.REVIEWERS),
    # A correction whose visit was withdrawn since: its page and the queue for a reviewer,
    # its page and the dashboard for its author.
    ("newsroom-withdrawn-under-review", "/newsroom/reports/{withdrawn_under}/", roles.REVIEWERS),
    ("newsroom-withdrawn-under-queue", "/newsroom/queue/", roles.REVIEWERS),
    (
        "newsroom-withdrawn-under-author",
        "/newsroom/reports/{own_withdrawn_under}/",
        roles.REPORTERS,
    ),
    ("newsroom-withdrawn-under-dashboard", "/newsroom/", roles.REPORTERS),
    ("newsroom-record-history", "/newsroom/history/visits.visit/{visit}/", roles.REVIEWERS),
    ("newsroom-alerts", "/newsroom/alerts/", roles.REPORTERS),
    # One subscription (a webhook's signing secret, its delivery log) and its removal.
    ("newsroom-alert-subscription", "/newsroom/alerts/{subscription}/", roles.REPORTERS),
    ("newsroom-alert-removal", "/newsroom/alerts/{subscription}/delete/", roles.REPORTERS),
    ("newsroom-alert-log", "/newsroom/alerts/log/", roles.REPORTERS),
    # The page a subscription's confirmation link opens, for whoever the address belongs to.
    ("newsroom-alert-confirmation", "/newsroom/alerts/confirm/?token={confirmation}", None),
    # The page an alert mail's unsubscribe link opens, and one whose link was cut.
    ("newsroom-alert-unsubscribe", "/newsroom/alerts/unsubscribe/?token={unsubscribe}", None),
    ("newsroom-alert-unsubscribe-refused", "/newsroom/alerts/unsubscribe/?token=cut", None),
    ("account-second-factor", "/account/otp/", roles.REVIEWERS),
    # The code page of a sign-in under way (ENROLLED), in the newsroom's layout.
    ("account-code", "/account/otp/verify/?next=/newsroom/", roles.REVIEWERS),
    # A download while the reader's own still streams: refused (too_many_downloads.html).
    ("too-many-downloads", "/incidents.csv", None),
    # A bug in a view (500.html, through handler500), and the database out of reach (the
    # 503 of core.unavailable): each made while the page opens (FAULTS).
    ("server-error", "/search/?q=Ulan+Bator", None),
    ("database-unreachable", "/states/MNG/", None),
]
STATUS = {
    "not-found": 404,
    "invalid-filter": 400,
    "refused-filter-value": 400,
    "refused-person": 400,
    "refused-record-parameter": 400,
    "refused-change-parameter": 400,
    "refused-changes-record": 400,
    "request-refused": 400,
    "data-file-gone": 410,
    "newsroom-forbidden": 403,
    "newsroom-report-taken-back": 404,
    "newsroom-alert-unsubscribe-refused": 400,
    "too-many-downloads": 429,
    "server-error": 500,
    "database-unreachable": 503,
}
# Pages opened by a member with a second factor who has not given its code yet.
ENROLLED = {"account-code", "code-refused"}
# Addresses that lead on to another, by the end of the one they lead to: Django's form for
# a new password takes the link's token out of the address (into the session) first.
MOVED = {"newsroom-new-password": "/set-password/"}
# Addresses with one language (the reader's cookie or browser); the public pages name
# theirs in the address (/fr/…).
ONE_ADDRESS = ("/api/", "/newsroom/", "/account/")


def localized(path: str, language: str) -> str:
    """The page's address in `language` ('fr-FR': /fr/… for a public page)."""
    code = language.split("-")[0]
    if code == "en" or path.startswith(ONE_ADDRESS):
        return path
    return f"/{code}{path}"


REPORT = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "place": "Dushanbe",
    "status": "occurred",
    "outcome": "not_arrested",
}
CITATIONS = [{"url": "https://example.org/putin-dushanbe", "publisher": "Example News"}]


def staffer(name: str, group: str, **extra) -> User:
    """A new account `name`, member of `group`."""
    user = User.objects.create_user(name, **extra)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def signed_in(page, site: str, group: str, *, enrolled: bool = False) -> User:
    """Give the page's browser context the session of a new member of `group`, with a
    second factor whose code is not given yet when `enrolled`; the member."""
    user = staffer(f"member-of-{group}".lower()[:150], group)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])
    return user


def submitted_report(author=None) -> int:
    """A report filed by a reporter (`author`, or a new one) and waiting for review: the
    review page's subject."""
    author = author or staffer("the-author", roles.REPORTERS)
    return review.file_report(author=author, data=REPORT, citations=CITATIONS).pk


def sent_back_report(author) -> int:
    """A report of `author`'s sent back by a reviewer with a comment, waiting for its
    author's changes and answer (its edit form's subject)."""
    report = Report.objects.get(pk=submitted_report(author))
    reviewer = staffer("the-returning-reviewer", roles.REVIEWERS)
    review.request_changes(report, reviewer, "Which day did he land? Cite the readout.")
    return report.pk


def rejected_report(author) -> int:
    """A report of `author`'s rejected by a reviewer, its reason on its page."""
    report = Report.objects.get(pk=submitted_report(author))
    reviewer = staffer("the-rejecting-reviewer", roles.REVIEWERS)
    review.reject(
        report, reviewer, "The cited story names no day in Dushanbe: the trip is not shown."
    )
    return report.pk


def report_taken_back(member=None) -> int:
    """A report submitted, then taken back to a draft by its author: a reviewer's mailed
    link to it opens the newsroom's 404 (newsroom.views.report_not_found)."""
    report = Report.objects.select_related("author").get(pk=submitted_report())
    review.take_back(report, report.author)
    return report.pk


def correction_withdrawn_under(author=None) -> int:
    """A correction of Mongolia's visit by `author` (or a new reporter), awaiting review,
    whose visit was withdrawn from the record since (visits.review.withdrawn_under)."""
    author = author or staffer("the-correcting-author", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    correction = review.file_report(
        author=author,
        data={**review.report_data_of(visit), "occasion": "Naadam festival, state visit"},
        citations=review.citations_of(visit),
        visit=visit,
        reason="The Kremlin's readout names the Naadam festival as the occasion.",
    )
    withdrawal = review.propose_withdrawal(
        author=staffer("the-withdrawing-colleague", roles.REPORTERS),
        visit=visit,
        note="The trip never took place: two outlets retracted their stories.",
    )
    review.verify(withdrawal, staffer("the-withdrawals-reviewer", roles.REVIEWERS))
    return correction.pk


def withdrawn_visit(member=None) -> str:
    """A visit withdrawn by a verified withdrawal citing a source (its page's notice lists
    it): the withdrawn page's subject."""
    author = staffer("the-withdrawing-author", roles.REPORTERS)
    reviewer = staffer("the-withdrawal-reviewer", roles.REVIEWERS)
    visit = Visit.objects.get(slug="vladimir-putin-tjk-2025-10-08")
    retraction = {"url": "https://example.org/correction", "publisher": "Example News"}
    withdrawal = review.propose_withdrawal(
        author=author,
        visit=visit,
        note="Reported in error: the newspaper retracted its story.",
        citations=[retraction],
    )
    review.verify(withdrawal, reviewer)
    return visit.slug


def a_change(member=None) -> str:
    """Mongolia's visit corrected and the correction verified: the public change's part of
    its permanent address ("visits.visit-22"), its fields before and after, its reason."""
    author = staffer("the-correcting-reporter", roles.REPORTERS)
    reviewer = staffer("the-correction-reviewer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    verified_correction(visit, author, reviewer)
    rows = list(history.public_changes(1, history.visit_scope(visit.pk))[:1])
    return history.public_entries(rows)[0].slug


def confirmation_token(member=None) -> str:
    """The token of the link confirming a reporter's subscription of another address (its
    page's subject), as the link carries it."""
    owner = staffer("the-subscriber", roles.REPORTERS, email="subscriber@ngo.example")
    subscription = Subscription.objects.create(owner=owner, email="desk@ngo.example")
    return quote(services.confirmation_token(subscription))


def unsubscribe_token(member=None) -> str:
    """The token of an alert mail's link removing a confirmed subscription (its page's
    subject), as the link carries it."""
    owner = staffer("the-alerted", roles.REPORTERS, email="alerted@ngo.example")
    subscription = Subscription.objects.create(
        owner=owner, email="desk@ngo.example", confirmed_email="desk@ngo.example"
    )
    return quote(services.unsubscribe_token(subscription))


def subscription_with_deliveries(owner) -> int:
    """A subscription of `owner`'s by mail and webhook (its page shows the signing secret)
    with an alert mailed and one its webhook refused, each try logged; its id."""
    subscription = Subscription.objects.create(
        owner=owner,
        label="Legal desk",
        email="legal-desk@ngo.example",
        confirmed_email="legal-desk@ngo.example",
        webhook_url="https://hooks.ngo.example/iccwatch/alerts/urgent-visits-of-wanted-persons",
    )
    visit = Visit.objects.select_related("person", "host").get(slug=MONGOLIA)
    payload = {
        "alert": "urgent",
        "url": f"https://iccwatch.example{visit.get_absolute_url()}",
        "person": {"name": visit.person.name},
        "host": {"iso3": visit.host.iso3, "name": visit.host.name},
    }
    for channel, status, code, error in (
        ("email", "delivered", None, ""),
        ("webhook", "failed", 502, "Bad Gateway: the webhook's server closed the connection"),
    ):
        delivery = Delivery.objects.create(
            subscription=subscription,
            channel=channel,
            alert_key=f"urgent:visit:{visit.pk}",
            payload=payload,
            status=status,
            attempts=1,
        )
        DeliveryAttempt.objects.create(delivery=delivery, number=1, response_code=code, error=error)
    return subscription.pk


def password_reset_link(member=None) -> str:
    """The part of a password reset link after /newsroom/password-reset/ (its account's
    id and token), as the mail gives it."""
    user = staffer("the-forgetful", roles.REPORTERS, email="forgetful@ngo.example")
    user.set_password("a-long-forgotten-password")
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}/{default_token_generator.make_token(user)}"


# The address the live server sees the browser's requests come from (it listens on
# 127.0.0.1): what the per-client limits count it by (core.auth.client_key).
BROWSER_ADDRESS = "127.0.0.1"
# The account the lockout page's browser fails to sign in as, the failure that locks it.
LOCKED_OUT = "the-locked-out-reporter"


def failed_sign_ins(member=None, form: str = "/newsroom/sign-in/", group=roles.REPORTERS) -> None:
    """All but the last of the failed sign-ins that lock LOCKED_OUT out from the browser's
    address (ICCWATCH_LOGIN_FAILURE_LIMIT, django-axes), each sent to the sign-in `form`
    (the newsroom's, or the admin's for an admin): the browser's next wrong password locks
    it and opens the lockout page."""
    staffer(LOCKED_OUT, group, password="the-right-password-after-all")
    client = Client(REMOTE_ADDR=BROWSER_ADDRESS)
    for attempt in range(settings.ICCWATCH_LOGIN_FAILURE_LIMIT - 1):
        answer = client.post(form, {"username": LOCKED_OUT, "password": f"wrong-{attempt}"})
        assert answer.status_code == 200, f"failed sign-in {attempt + 1}: {answer.status_code}"


@contextlib.contextmanager
def download_under_way():
    """One download at once per client, and one of the browser's address streaming (not
    read yet, so holding its slot): the browser's next download is refused, a 429."""
    with override_settings(ICCWATCH_EXPORTS_PER_CLIENT=1):
        held = Client(REMOTE_ADDR=BROWSER_ADDRESS).get("/visits.csv")
        assert held.status_code == 200 and held.streaming, held.status_code
        try:
            yield
        finally:
            held.close()  # what the server does once the client is gone: the slot goes back


def broken_search(query):
    raise RuntimeError("a bug in the search")


@contextlib.contextmanager
def bug_in_the_search():
    """The search failing on a bug, as tests/site/test_i18n.py makes it: Django's handler500
    answers with the site's 500 page (core.unavailable.server_error, templates/500.html)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("front.search.search", broken_search)
        yield


@contextlib.contextmanager
def database_out_of_reach():
    """Every new connection to the database sent to a local port where nothing listens (a
    socket bound there, not listening, refuses it), as tests/test_database_unavailable.py
    closes it: the live server's next request cannot reach PostgreSQL and is answered 503
    (core.unavailable). The settings are put back after."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        connection.close()
        # The settings every thread's connection is made from, the live server's too.
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed.getsockname()[1]))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


# What goes wrong while a page opens (a context around its request), for the pages of a
# refusal or a failure that no address alone brings about.
FAULTS = {
    "too-many-downloads": download_under_way,
    "server-error": bug_in_the_search,
    "database-unreachable": database_out_of_reach,
}


# What each {name} of an address is, made for the page: a function of the signed-in
# member (None for an anonymous reader).
SUBJECTS = {
    "report": lambda member: submitted_report(),
    "visit": lambda member: Visit.objects.get(slug=MONGOLIA).pk,
    "withdrawn": withdrawn_visit,
    "confirmation": confirmation_token,
    "unsubscribe": unsubscribe_token,
    "version": lambda member: DatasetImport.latest_version(),
    "change": a_change,
    "reset": password_reset_link,
    "taken_back": report_taken_back,
    "withdrawn_under": lambda member: correction_withdrawn_under(),
    "own_withdrawn_under": correction_withdrawn_under,
    "own_sent_back": sent_back_report,
    "own_rejected": rejected_report,
    "subscription": subscription_with_deliveries,
}
# What a page lists that the seed has not, made before it opens (a function of the member).
PREPARED = {
    "changes-of-a-state": a_change,
    "changes-of-a-visit": a_change,
    "newsroom-withdrawn-under-queue": lambda member: correction_withdrawn_under(),
    "newsroom-withdrawn-under-dashboard": correction_withdrawn_under,
    "newsroom-alerts": subscription_with_deliveries,
    "newsroom-alert-log": subscription_with_deliveries,
    "sign-in-locked": failed_sign_ins,
    "admin-sign-in-locked": lambda member: failed_sign_ins(member, "/admin/login/", roles.ADMINS),
}


def prepared(page, site: str, name: str, path: str, group: str | None) -> str:
    """Sign page `name`'s browser in as a new member of `group` (when given), make what the
    page shows (PREPARED, SUBJECTS) and give its address, each {name} filled in."""
    member = signed_in(page, site, group, enrolled=name in ENROLLED) if group else None
    if name in PREPARED:
        PREPARED[name](member)
    made = {key: make(member) for key, make in SUBJECTS.items() if f"{{{key}}}" in path}
    return path.format(**made) if made else path


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands, with the WCAG A and AA rules only (axe-core
    loaded into the page once, on the first run)."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " html: n.html.slice(0, 200), summary: n.failureSummary}))})))",
        WCAG_AA,
    )


# axe-core lets a reference to a missing id pass when another id in it resolves, and does
# not check aria-describedby at all: a help text referenced by a wrong id goes unread.
BROKEN_REFERENCES = """
() => {
  const broken = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      if (attribute === "for" && element.tagName !== "LABEL") continue;
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${element.outerHTML.slice(0, 120)}: ${attribute} -> #${id}`);
      }
    }
  }
  return broken;
}
"""


def describe(violations: list[dict]) -> str:
    """axe's findings as lines a reader can act on: rule, impact, help, the first elements."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {len(nodes)} element(s)): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in nodes[:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {node['html']}\n      {summary}")
    return "\n".join(lines)


@pytest.mark.npm("axe-core")
def test_axe_core_is_installed():
    assert AXE.exists(), "axe-core is missing: run `npm ci` (package.json's devDependencies)"


# How far the page reaches beyond the screen's width, every <details> opened (0: nothing
# scrolls sideways; a wide table may scroll in its own box, .table-wrap, the page may not).
SIDEWAYS = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  return document.documentElement.scrollWidth - document.documentElement.clientWidth;
}"""

# Whether a phone lays the page out at its own width: without `<meta name="viewport"
# content="width=device-width">` it lays it out 980 px wide and shrinks that to its
# screen, the words too small to read until zoomed, then scrolled sideways. A desktop's
# Chromium, which the tests drive, ignores the tag: SIDEWAYS alone cannot see it missing.
DEVICE_WIDTH = r"""() => {
  const tag = document.querySelector('meta[name="viewport"]');
  return tag !== null && /(^|,)\s*width\s*=\s*device-width\s*(,|$)/.test(tag.content);
}"""


def check(page, name: str, path: str, language: str) -> None:
    """The page as loaded: no reference to a missing id; axe-core's WCAG A and AA rules at
    each width of WIDTHS (the viewport narrowed in between); laid out at a phone's width
    by a phone, and nothing scrolling sideways at the narrowest (WCAG 1.4.10, reflow)."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate(BROKEN_REFERENCES) == [], f"{path} ({language}) names missing ids"
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found[width] = axe_violations(page)
        if found[width]:
            snap(page, f"axe-{name}-{language}-{width}")
    failed = [
        f"{path} ({language}, {width} px) has axe-core violations:\n" + describe(violations)
        for width, violations in found.items()
        if violations
    ]
    assert not failed, "\n".join(failed)
    assert page.evaluate(DEVICE_WIDTH), (
        f"{path} ({language}) has no viewport of the device's width: a phone lays it out "
        "980 px wide"
    )
    sideways = page.evaluate(SIDEWAYS)
    if sideways:
        snap(page, f"sideways-{name}-{language}-{WIDTHS[-1]}")
    assert sideways == 0, f"{path} ({language}) scrolls {sideways} px sideways at {WIDTHS[-1]} px"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "group"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.npm("axe-core")
def test_every_page_type_passes_axe_core_wcag_aa(site, browse, name, path, group, language):
    page = browse(locale=language)
    path = localized(prepared(page, site, name, path, group), language)
    with FAULTS.get(name, contextlib.nullcontext)():
        response = page.goto(site + path)
    assert response.status == STATUS.get(name, 200), f"{path}: {response.status}"
    if name in MOVED:
        assert page.url.endswith(MOVED[name]), f"{path} went to {page.url}"
    else:
        assert page.url.startswith(site + path.split("?")[0]), f"{path} went to {page.url}"
    check(page, name, path, language)


# The pages a form's button leads to: the page it is on, who opens it, what is typed in
# which box, the button pressed, and the answer's status.
ACTIONS = [
    # An alert mail's unsubscribe link, its button pressed: the alerts stopped.
    (
        "alerts-stopped",
        "/newsroom/alerts/unsubscribe/?token={unsubscribe}",
        None,
        {},
        "form[action$='/unsubscribe/'] button",
        200,
    ),
    # A subscription's confirmation link, its button pressed: the alerts confirmed.
    (
        "alerts-confirmed",
        "/newsroom/alerts/confirm/?token={confirmation}",
        None,
        {},
        "form[action$='/confirm/'] button",
        200,
    ),
    # A rejection whose reason is too short: the form again, the reason kept, and why.
    (
        "rejection-refused",
        "/newsroom/reports/{report}/",
        roles.REVIEWERS,
        {"#reject-reason": "Not shown."},
        "#reject",
        400,
    ),
    # A code that is not the current one, on the code page of a sign-in under way.
    (
        "code-refused",
        "/account/otp/verify/?next=/newsroom/",
        roles.REVIEWERS,
        {"#id_token": "000000"},
        "form:has(#id_token) button[type=submit]",
        200,
    ),
    # The failed sign-in that reaches the lockout's limit (ICCWATCH_LOGIN_FAILURE_LIMIT for
    # one username from one address, the others made by failed_sign_ins before the page
    # opens): the lockout page (accounts/locked_out.html, django-axes' lockout template).
    (
        "sign-in-locked",
        "/newsroom/sign-in/",
        None,
        {"#id_username": LOCKED_OUT, "#id_password": "still-not-the-password"},
        "form:has(#id_password) button[type=submit]",
        429,
    ),
    # The same on the admin's sign-in: its lockout page, in the admin's frame
    # (accounts/admin/locked_out.html, accounts.lockout).
    (
        "admin-sign-in-locked",
        "/admin/login/",
        None,
        {"#id_username": LOCKED_OUT, "#id_password": "still-not-the-password"},
        "#login-form [type=submit]",
        429,
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "path", "group", "typed", "button", "status"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
@pytest.mark.npm("axe-core")
def test_every_page_a_forms_button_leads_to_passes_axe_core_wcag_aa(
    site, browse, name, path, group, typed, button, status, language
):
    page = browse(locale=language)
    path = localized(prepared(page, site, name, path, group), language)
    assert page.goto(site + path).status == 200, path
    for box, words in typed.items():
        page.locator(box).fill(words)
    with page.expect_navigation() as sent:
        page.locator(button).click()
    assert sent.value.status == status, f"{path}, {button}: {sent.value.status}"
    check(page, name, path, language)


# --- The keyboard -----------------------------------------------------------------------

RELATIVE_LUMINANCE = """
colour => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
"""

# The focused element's outline colour, and the colour behind it: the first ancestor with
# an opaque background (the outline is drawn outside the element, on its surroundings).
FOCUS_RING = (
    """
() => {
  const luminance = """
    + RELATIVE_LUMINANCE
    + """;
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgb(255, 255, 255)";
  while (behind) {
    const colour = getComputedStyle(behind).backgroundColor;
    const alpha = colour.startsWith("rgba") ? Number(colour.match(/[\\d.]+/g)[3]) : 1;
    if (alpha === 1) { background = colour; break; }
    behind = behind.parentElement;
  }
  const [a, b] = [luminance(style.outlineColor), luminance(background)].sort((x, y) => y - x);
  return {
    tag: element.tagName.toLowerCase(), text: (element.textContent || "").trim().slice(0, 40),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor, background, ratio: (a + 0.05) / (b + 0.05),
  };
}
"""
)


def focus_ring(page) -> dict:
    """The focused element's outline: style, width (px), colour, background, contrast."""
    return page.evaluate(FOCUS_RING)


def assert_visible_focus(ring: dict) -> None:
    where = f"{ring['tag']} {ring['text']!r}: {ring['colour']} on {ring['background']}"
    assert ring["outline"] != "none" and ring["width"] >= 2, f"no focus outline on {where}"
    assert ring["ratio"] >= 3, f"focus outline contrast {ring['ratio']:.2f}:1 < 3:1 on {where}"


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(site, browse):
    page = browse()
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible(), "the skip link shows when it has focus"
    assert_visible_focus(focus_ring(page))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the content, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def tab_to(page, href: str, rings: list[dict], limit: int = 400) -> None:
    """Press Tab until the link to `href` has focus, noting each focus ring on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        rings.append(focus_ring(page))
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            return
    pytest.fail(f"Tab never reached a link to {href} ({limit} presses)")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.npm("world-atlas")
def test_the_keyboard_goes_from_the_home_page_to_a_country_with_a_visible_focus_ring(
    site, browse, language
):
    page = browse(locale=language)
    page.goto(site + localized("/", language))
    rings = []
    # The map's countries are out of the Tab order; its table, behind its summary, has them.
    tab_to_map_table(page, rings)
    page.keyboard.press("Enter")
    assert page.locator("#map-table").get_attribute("open") is not None
    tab_to(page, localized("/states/MNG/", language), rings)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{localized('/states/MNG/', language)}")
    assert page.locator("h1").inner_text().startswith("Mongoli")  # -a, -e in French
    assert len(rings) > 10
    for ring in rings:
        assert_visible_focus(ring)


def tab_to_map_table(page, rings: list[dict], limit: int = 400) -> None:
    """Press Tab until the summary of the map's table has focus, noting each focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        rings.append(focus_ring(page))
        if page.evaluate("document.activeElement.matches('#map-table > summary')"):
            return
    pytest.fail(f"Tab never reached the map's table ({limit} presses)")


@pytest.mark.npm("world-atlas")
def test_the_maps_table_opens_from_its_summary_and_its_address(site, browse):
    page = browse()
    page.goto(site + "/")
    table = page.locator("#map-table")
    assert table.get_attribute("open") is None
    page.get_by_text("The map's facts as a table").click()
    assert table.get_attribute("open") is not None
    assert table.locator("table").is_visible()
    # Followed from another page, the address opens it too.
    page.goto(site + "/states/")
    page.goto(site + "/#map-table")
    assert page.locator("#map-table table").is_visible()


# The focused element: its place among the document's elements, whether it is the body
# (the focus left the page's controls) or in <main>, and its box's left and right edges
# against the screen's width.
FOCUSED = """() => {
  const element = document.activeElement, box = element.getBoundingClientRect();
  return {
    index: Array.from(document.querySelectorAll('*')).indexOf(element),
    body: element === document.body, main: element.closest('main') !== null,
    html: element.outerHTML.slice(0, 120), left: box.left, right: box.right,
    width: document.documentElement.clientWidth,
  };
}"""
# The pages whose every control the keyboard is walked through on a phone.
KEYBOARD = [
    "change",
    "refused-record-parameter",
    "newsroom-new-password",
    "newsroom-forbidden",
    "newsroom-report-sent-back",
    "newsroom-report-rejected",
    "newsroom-report-taken-back",
    "newsroom-withdrawn-under-review",
    "newsroom-withdrawn-under-author",
    "newsroom-alerts",
    "newsroom-alert-subscription",
    "newsroom-alert-removal",
    "newsroom-alert-log",
    "newsroom-alert-unsubscribe",
    "account-code",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", KEYBOARD)
def test_the_keyboard_reaches_each_control_on_a_phones_screen_with_a_visible_focus_ring(
    site, browse, name, language
):
    """Tab goes through every link, box and button of the page at 360 px, each on the
    screen (WCAG 2.4.11, focus not obscured: none beyond its edges) with a visible focus
    ring (2.4.7), and reaches the content."""
    page = browse(locale=language, width=WIDTHS[-1], height=800)
    _name, path, group = next(p for p in PAGES if p[0] == name)
    path = localized(prepared(page, site, name, path, group), language)
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    # Round the page once, from wherever the focus starts (a box's autofocus), back to
    # the first control met.
    walked = {}
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["body"]:
            continue  # past the last control: the next Tab comes back to the first
        if focused["index"] in walked:
            break
        assert_visible_focus(focus_ring(page))
        assert focused["left"] >= 0 and focused["right"] <= focused["width"] + 1, (
            f"{path} ({language}): the focus is off the screen on {focused['html']}"
        )
        walked[focused["index"]] = focused
    else:
        pytest.fail(f"{path}: Tab never came back to the first control (200 presses)")
    assert any(f["main"] for f in walked.values()), f"{path}: Tab never reached the content"


# WCAG 2.2, 2.5.8: a target at least 24 by 24 CSS pixels.
TARGETS = ".site-header nav a, .site-footer a"
TARGET_BOXES = f"""() => Array.from(document.querySelectorAll({TARGETS!r})).map(a => {{
  const box = a.getBoundingClientRect();
  return {{text: a.textContent.trim(), width: box.width, height: box.height}};
}})"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_language_and_footer_links_are_large_enough_to_tap_on_a_phone(
    site, browse, language
):
    page = browse(locale=language, width=375, height=800)
    page.goto(site + localized("/", language))
    boxes = page.evaluate(TARGET_BOXES)
    assert len(boxes) >= 9  # five menu links, two languages, the footer's three
    small = [b for b in boxes if b["width"] < 24 or b["height"] < 24]
    assert not small, f"links smaller than 24×24 px at 375 px wide: {small}"


# The sort links (a list's header, or its sort bar on a phone) and page links shown.
SORT_AND_PAGE_LINKS = """() => Array.from(
    document.querySelectorAll('thead th a, .sort-bar a, .pagination a'))
  .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
  .map(a => {
    const box = a.getBoundingClientRect();
    return {text: a.textContent.trim(), width: box.width, height: box.height};
  })"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/visits/", "/fr/states/"])
def test_sort_and_page_links_are_targets_of_44_px(site, browse, path, width):
    """WCAG 2.5.5 (target size, enhanced): a sort link or a page link was 18 px tall, a
    miss for a thumb. Each is 44 × 44 CSS px at least, on a phone and on a desktop, where
    the table still fits and its header stays one row of links."""
    page = browse(width=width, height=900)
    page.goto(site + path)
    boxes = page.evaluate(SORT_AND_PAGE_LINKS)
    assert len(boxes) >= 4 and page.locator(".pagination a").count() >= 1
    small = [b for b in boxes if b["width"] < 44 or b["height"] < 44]
    assert not small, f"links smaller than 44×44 px at {width} px wide: {small}"
    if width == 1280:
        header = page.locator("table.list thead").bounding_box()
        assert header["height"] <= 64, header
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") == 0


# --- What a screen reader is told after an action ---------------------------------------

# Every text the live region next to a textarea shows, in order, trimmed.
RECORD_LIVE_REGION = """selector => {
  window.said = [];
  const region = document.querySelector(selector);
  new MutationObserver(() => window.said.push(region.textContent.trim()))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_the_copy_buttons_result_is_announced_at_every_copy(site, browse):
    """A live region speaks when its words change: the same "Citation copied." set again is
    silent, so the region is emptied before each result."""
    page = browse()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(site + "/visits/vladimir-putin-mng-2024-09-02/")
    page.evaluate(RECORD_LIVE_REGION, "#citation ~ .copy-status")
    button = page.get_by_role("button", name="Copy the citation")
    for copies in (1, 2):
        button.click()
        page.wait_for_function(
            "n => window.said.filter(w => w === 'Citation copied.').length === n", arg=copies
        )
    said = page.evaluate("window.said")
    # Emptied between the two: the second copy is a change the screen reader says again.
    assert said[-3:] == ["Citation copied.", "", "Citation copied."], said
    assert "Vladimir Vladimirovich Putin" in page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_copy_the_browser_refuses_is_announced_and_leaves_the_text_selected(
    site, browse, language
):
    page = browse(locale=language)
    page.add_init_script(
        "navigator.clipboard && (navigator.clipboard.writeText = () =>"
        " Promise.reject(new DOMException('refused', 'NotAllowedError')));"
    )
    page.goto(site + localized("/states/MNG/", language))
    status = page.locator("#embed-code ~ .copy-status")
    page.locator("#embed-code ~ button").click()
    expected = {
        "en-GB": "Not copied: the browser refused. The text is selected: copy it yourself.",
        "fr-FR": "Non copié\u00a0: le navigateur l’a refusé. Le texte est sélectionné\u00a0: "
        "copiez-le vous-même.",
    }[language]
    page.wait_for_function(
        "([s, words]) => document.querySelector(s).textContent.trim() === words",
        arg=["#embed-code ~ .copy-status", expected],
    )
    assert status.get_attribute("role") == "status"
    assert page.evaluate("document.activeElement.id") == "embed-code"
    selected = page.evaluate(
        "(() => { const a = document.activeElement; return a.value.slice(a.selectionStart, a.selectionEnd); })()"
    )
    assert selected.startswith("<iframe")


def test_a_refused_filter_gives_the_focus_to_its_reasons_and_their_link_to_the_box(site, browse):
    page = browse(width=375, height=800)  # a phone: a dozen boxes before the one at fault
    page.goto(site + "/visits/?host=MNG&start_after=foo")
    assert page.evaluate("document.activeElement.id") == "filter-errors"
    assert page.locator("details.filter-panel").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_start_after"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_start_after"


def test_a_refused_sign_in_gives_the_focus_to_its_reason(site, browse):
    page = browse()
    page.goto(site + "/newsroom/sign-in/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # the form's autofocus
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#form-errors")
    page.wait_for_function("() => document.activeElement.id === 'form-errors'")
    assert "correct username and password" in page.locator("#form-errors").inner_text()


def test_a_refused_alert_subscription_gives_the_focus_to_its_reason(site, browse):
    """It left the focus on the page's body, and its title unchanged: a screen reader said
    nothing of why. As the sign-in's, its reasons come first and take the focus."""
    page = browse()
    signed_in(page, site, roles.REPORTERS)
    page.goto(site + "/newsroom/alerts/")
    page.fill("#id_label", "legal team")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("#form-errors")
    page.wait_for_function("() => document.activeElement.id === 'form-errors'")
    assert page.locator("#form-errors").inner_text() == (
        "Give an email address, a webhook URL, or both."
    )
    assert page.title().startswith("Alerts: subscription refused")


# --- Forced colours (Windows high contrast) ---------------------------------------------

FORCED_COLOURS = (
    """
() => {
  const luminance = """
    + RELATIVE_LUMINANCE
    + """;
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  const page = getComputedStyle(document.body).backgroundColor;
  const words = Array.from(document.querySelectorAll('.chart-svg text'))
    .map(t => ({text: t.textContent, fill: getComputedStyle(t).fill}))
    .filter(t => ratio(t.fill, page) < 4.5);
  const blank = Array.from(document.querySelectorAll('.legend .swatch, .legend .dot'))
    .map(s => ({cls: s.className, style: getComputedStyle(s)}))
    .filter(s => s.style.backgroundImage === 'none'
      && (s.style.backgroundColor === page || s.style.backgroundColor === 'rgba(0, 0, 0, 0)')
      && !s.cls.includes('chart-band'))
    .map(s => s.cls);
  return {page, words, blank};
}
"""
)


@pytest.mark.parametrize("path", ["/persons/omar-al-bashir/", "/fr/states/HUN/", "/"])
def test_legends_and_charts_keep_their_meaning_in_forced_colours(site, chromium, path):
    """With Windows' high contrast (black background): the charts' numbers and years are
    drawn in the reader's text colour, and every legend swatch keeps the colour or pattern
    that matches the map or the bars (a swatch drawn as a background became an empty box)."""
    context = chromium.new_context(forced_colors="active", color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site + path)
        found = page.evaluate(FORCED_COLOURS)
    finally:
        context.close()
    assert found["page"] == "rgb(0, 0, 0)"  # the forced colours are on
    assert found["words"] == [], f"chart words unreadable on {found['page']}: {found['words']}"
    assert found["blank"] == [], f"legend swatches left empty: {found['blank']}"
