"""Every role × every view of the newsroom (its pages, its actions, alerts, a record's history).

The table lists every URL of the newsroom's and the alerts' URLconfs and the staff
history page; `test_the_table_covers_every_newsroom_url` fails when a view is added
without its row. Outcomes: "in" (answered: 200, or a redirect that is not to the
sign-in page), "sign-in" (sent to sign in), 403 and 404.
"""

import pytest
from django.urls import get_resolver, reverse

from alerts.models import Subscription
from core import roles
from tests.newsroom.conftest import account
from visits import review
from visits.models import Report, ReviewState, Visit
from visits.reports import withdraw_visit

MONGOLIA = "vladimir-putin-mng-2024-09-02"
DATA = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "status": "occurred",
    "outcome": "not_arrested",
}
CITATIONS = [{"url": "https://example.org/matrix-source", "publisher": "Example"}]

ROLES = ["anonymous", "nobody", "author", "other reporter", "reviewer", "author-reviewer", "admin"]
# (view, method): outcome per role, in ROLES' order. "author" acts on their own report and
# subscription; "author-reviewer" (reporter and reviewer) on their own report too. A report
# the user may not read answers 404, as a missing one does (its number tells nothing).
TABLE = {
    ("newsroom:dashboard", "get"): ["sign-in", 403, "in", "in", "in", "in", "in"],
    ("newsroom:queue", "get"): ["sign-in", 403, 403, 403, "in", "in", "in"],
    ("newsroom:new", "get"): ["sign-in", 403, "in", "in", 403, "in", "in"],
    ("newsroom:report", "get"): ["sign-in", 403, "in", 404, "in", "in", "in"],
    ("newsroom:edit", "get"): ["sign-in", 403, "in", 404, 403, "in", 403],
    ("newsroom:correct", "get"): ["sign-in", 403, "in", "in", 403, "in", "in"],
    ("newsroom:withdraw", "post"): ["sign-in", 403, "in", "in", 403, "in", "in"],
    ("newsroom:restore", "get"): ["sign-in", 403, "in", "in", 403, "in", "in"],
    ("newsroom:restore", "post"): ["sign-in", 403, "in", "in", 403, "in", "in"],
    ("newsroom:submit", "post"): ["sign-in", 403, "in", 404, 403, "in", 403],
    ("newsroom:take-back", "post"): ["sign-in", 403, "in", 404, 403, "in", 403],
    ("newsroom:delete", "post"): ["sign-in", 403, "in", 404, 403, "in", 403],
    ("newsroom:verify", "post"): ["sign-in", 403, 403, 404, "in", 403, "in"],
    ("newsroom:request-changes", "post"): ["sign-in", 403, 403, 404, "in", 403, "in"],
    ("newsroom:reject", "post"): ["sign-in", 403, 403, 404, "in", 403, "in"],
    ("alerts:subscriptions", "get"): ["sign-in", 403, "in", "in", "in", "in", "in"],
    ("alerts:deliveries", "get"): ["sign-in", 403, "in", "in", "in", "in", "in"],
    ("alerts:subscription", "get"): ["sign-in", 403, "in", 404, 404, "in", 404],
    ("alerts:toggle", "post"): ["sign-in", 403, "in", 404, 404, "in", 404],
    ("alerts:resend", "post"): ["sign-in", 403, "in", 404, 404, "in", 404],
    ("alerts:delete", "post"): ["sign-in", 403, "in", 404, 404, "in", 404],
    ("record-history", "get"): ["sign-in", 403, "in", "in", "in", "in", "in"],
}
# Pages of the newsroom every visitor may open: signing in, resetting a password, and
# confirming an address subscribed to alerts, or unsubscribing it, and the pages their
# buttons lead to (its link is mailed to that address, whose owner may have no account:
# the signed token is what it needs).
OPEN_TO_ALL = {
    "alerts:confirm",
    "alerts:confirmed",
    "alerts:unsubscribe",
    "alerts:unsubscribed",
    "newsroom:sign-in",
    "newsroom:sign-out",
    "newsroom:password-reset",
    "newsroom:password-reset-done",
    "newsroom:password-reset-confirm",
    "newsroom:password-reset-complete",
}


def test_the_table_covers_every_newsroom_url():
    names = set()
    for namespace in ("newsroom", "alerts"):
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        names |= {
            f"{namespace}:{p.name}" for p in resolver.url_patterns if getattr(p, "name", None)
        }
    assert names - OPEN_TO_ALL - {view for view, _ in TABLE} == set()


def withdrawn_visit() -> Visit:
    """A visit withdrawn from the record (`cast` withdraws one): what a restoration names."""
    return Visit.objects.get(review_state=ReviewState.WITHDRAWN)


@pytest.fixture
def cast(seeded):
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    withdraw_visit(
        Visit.objects.published().exclude(slug=MONGOLIA).order_by("slug").first(),
        "Withdrawn for the matrix: a restoration names it.",
    )
    author = account("matrix-author", roles.REPORTERS)
    author_reviewer = account("matrix-both", roles.REPORTERS, roles.REVIEWERS)
    users = {
        "anonymous": None,
        "nobody": account("matrix-nobody"),
        "author": author,
        "other reporter": account("matrix-other", roles.REPORTERS),
        "reviewer": account("matrix-reviewer", roles.REVIEWERS),
        "author-reviewer": author_reviewer,
        "admin": account("matrix-admin", roles.ADMINS),
    }
    return users


def subject_for(role: str, users: dict, view: str):
    """The report or subscription the view acts on: the author's (or the author-reviewer's own)."""
    owner = users["author-reviewer"] if role == "author-reviewer" else users["author"]
    if view.startswith("alerts:"):
        return Subscription.objects.create(owner=owner, email=f"{owner.username}@example.org")
    draft = view in ("newsroom:edit", "newsroom:submit", "newsroom:delete")
    return review.file_report(
        author=owner,
        data={**DATA, "place": f"matrix {role} {view}"},
        citations=CITATIONS,
        submit=not draft,
    )


def url_for(view: str, subject) -> str:
    if view in ("newsroom:correct", "newsroom:withdraw"):
        return reverse(view, args=[MONGOLIA])
    if view == "newsroom:restore":
        return reverse(view, args=[withdrawn_visit().slug])
    if view == "record-history":
        return reverse(view, args=["visits.visit", Visit.objects.get(slug=MONGOLIA).pk])
    if view in ("newsroom:dashboard", "newsroom:queue", "newsroom:new") or view in (
        "alerts:subscriptions",
        "alerts:deliveries",
    ):
        return reverse(view)
    return reverse(view, args=[subject.pk])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("view", "method"), list(TABLE))
def test_each_role_may_do_exactly_what_the_table_says(cast, client, role, view, method):
    subject = subject_for(role, cast, view)
    if cast[role] is not None:
        client.force_login(cast[role])
    data = (
        {
            "comment": "Because no outlet reports the trip.",
            "reason": "Because.",
            "withdrawal_note": "Because it never took place.",
            "restoration_note": "Because it took place after all.",
            # The version of the report its page shows, which the page's forms carry.
            **({"seen": review.version_of(subject)} if isinstance(subject, Report) else {}),
        }
        if method == "post"
        else None
    )
    response = getattr(client, method)(url_for(view, subject), data)
    expected = TABLE[view, method][ROLES.index(role)]
    location = response.get("Location", "")
    if expected == "sign-in":
        assert response.status_code == 302 and location.startswith(reverse("newsroom:sign-in")), (
            role,
            view,
            response.status_code,
            location,
        )
    elif expected == "in":
        assert response.status_code in (200, 302), (role, view, response.status_code)
        assert not location.startswith(reverse("newsroom:sign-in")), (role, view, location)
    else:
        assert response.status_code == expected, (role, view, response.status_code)
