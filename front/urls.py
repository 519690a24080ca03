"""The public, read-only site. Addresses are stable and readable: paste them anywhere.

/states/MNG/, /persons/vladimir-putin/, /visits/vladimir-putin-mng-2024-09-02/,
/incidents/, /search/?q=..., /method/ (how a verdict is decided); every list also as /<list>.csv and /<list>.json with
the same query string, and incidents as Atom feeds; /data/: the whole dataset to
download, and its changelog. Identifiers in addresses are
matched by the dataset's patterns (`core.identifiers`): anything else is a 404.
"""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from core.identifiers import ISO3_ANY_CASE, SLUG, SLUG_ANY_CASE
from front import feeds, sitemaps
from front.views import cards, changes, data, history, method, states, visits, warrants
from front.views import home as site_views

EXPORT = r"(?P<fmt>csv|json)"
# A card image names its language: a crawler sends no cookie.
CARD = rf"card\.(?P<lang>{'|'.join(code for code, _name in settings.LANGUAGES)})\.png"

urlpatterns = [
    path("", site_views.home, name="home"),
    path("search/", site_views.search, name="search"),
    path("states/", states.state_list, name="states"),
    re_path(rf"^states\.{EXPORT}$", states.state_export, name="states-export"),
    path("states/<iso3:iso3>/", states.state_detail, name="state"),
    path("states/<iso3:iso3>/feed/", feeds.StateIncidentFeed(), name="state-feed"),
    re_path(rf"^states/(?P<iso3>{ISO3_ANY_CASE})/{CARD}$", cards.state_card, name="state-card"),
    path("persons/", warrants.person_list, name="persons"),
    re_path(rf"^persons\.{EXPORT}$", warrants.person_export, name="persons-export"),
    path("persons/<slug_id:slug>/", warrants.person_detail, name="person"),
    path("persons/<slug_id:slug>/feed/", feeds.PersonIncidentFeed(), name="person-feed"),
    # A slug in other letters than lower case (/persons/Vladimir-Putin/): a 301 to it.
    re_path(
        rf"^persons/(?P<slug>{SLUG_ANY_CASE})/$", warrants.person_any_case, name="person-any-case"
    ),
    re_path(rf"^persons/(?P<slug>{SLUG})/{CARD}$", cards.person_card, name="person-card"),
    path("warrants/", warrants.warrant_list, name="warrants"),
    re_path(rf"^warrants\.{EXPORT}$", warrants.warrant_export, name="warrants-export"),
    path("visits/", visits.visit_list, name="visits"),
    re_path(rf"^visits\.{EXPORT}$", visits.visit_export, name="visits-export"),
    path("visits/<slug_id:slug>/", visits.visit_detail, name="visit"),
    re_path(rf"^visits/(?P<slug>{SLUG_ANY_CASE})/$", visits.visit_any_case, name="visit-any-case"),
    path("incidents/", visits.incident_list, name="incidents"),
    re_path(rf"^incidents\.{EXPORT}$", visits.incident_export, name="incidents-export"),
    path("incidents/feed/", feeds.IncidentFeed(), name="incidents-feed"),
    # The only addresses another site may frame.
    path("embed/states/<iso3:iso3>/", cards.embed_state, name="embed-state"),
    path("embed/persons/<slug_id:slug>/", cards.embed_person, name="embed-person"),
    path("method/", method.method_page, name="method"),
    path("changes/", changes.change_list, name="changes"),
    path("changes/feed/", feeds.ChangesFeed(), name="changes-feed"),
    # One change on a page of its own: its entry's anchor (`visits.finding-22`) as address.
    re_path(
        r"^changes/(?P<label>[a-z_]+\.[a-z_]+)-(?P<pk>[1-9][0-9]{0,17})/$",
        changes.change_detail,
        name="change",
    ),
    path("data/", data.data_page, name="data"),
    path("data/changelog/", data.changelog_page, name="data-changelog"),
    path("data/dictionary/", data.dictionary_page, name="data-dictionary"),
    path("data/changelog/feed/", data.DataChangelogFeed(), name="data-changelog-feed"),
    re_path(
        r"^data/(?P<name>iccwatch-data-[A-Za-z0-9._-]+\.(?:zip|sqlite))$",
        data.data_file,
        name="data-file",
    ),
]

unlocalized_patterns = [
    path("language/<str:code>/", site_views.set_language, name="set-language"),
    path("robots.txt", site_views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", site_views.sitemap_section, name="sitemap-section"),
    # Staff only: a record's history (who, when, through which path, before and after).
    path("newsroom/history/<str:label>/<int:pk>/", history.record_history, name="record-history"),
    re_path(
        rf"^newsroom/history/(?P<label>[A-Za-z0-9_.]+)/(?P<pk>[0-9]+)\.{EXPORT}$",
        history.record_history_download,
        name="record-history-download",
    ),
]
