"""Who may do what through the API, and how often.

The permission matrix (every endpoint; anything else is 405 Method Not Allowed):

| who                              | GET/HEAD/OPTIONS | POST /visits/          | PUT/PATCH/DELETE |
|----------------------------------|------------------|------------------------|------------------|
| anonymous                        | yes (anon rate)  | 401 Not authenticated  | 405              |
| authenticated, no group          | yes (user rate)  | 403 Permission denied  | 405              |
| reviewer (group "reviewers")     | yes (user rate)  | 403 Permission denied  | 405              |
| reporter (group "reporters")     | yes (user rate)  | 201, enters `reported` | 405              |
| staff / superuser                | yes (user rate)  | 201, enters `reported` | 405              |

Reviewers verify reports in the staff site (the admin), where they see the report
with its sources; the API gives them nothing extra, so that no report can be
published without that review. Every report posted through the API enters as
`reported` and stays out of the public API until a reviewer verifies it.
"""

from rest_framework import permissions, throttling
from rest_framework.settings import api_settings

REPORTERS_GROUP = "reporters"


def may_report(user) -> bool:
    """Reporters, staff and superusers may record visit reports."""
    if not (user and user.is_authenticated):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name=REPORTERS_GROUP).exists()


class ReadOnlyUnlessReporter(permissions.BasePermission):
    """Everyone may read; only reporters (and staff) may use the view's POST."""

    message = (
        "Only reporters may record visit reports through the API: ask the iccwatch team to add your "
        "account to the reporters group."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method not in view.allowed_methods:
            return True  # let the view answer 405 Method Not Allowed, whoever asks
        return may_report(request.user)


class _SettingsRate:
    """Reads the rate from the settings on each request, so tests and operators can change it."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    """Anonymous readers, by IP address (ICCWATCH_API_ANON_RATE)."""


class UserRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Token (or session) holders, by account (ICCWATCH_API_USER_RATE)."""
