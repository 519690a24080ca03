"""What the API answers to OPTIONS (DRF's DEFAULT_METADATA_CLASS).

Kept apart from api.base, as api.negotiation is: DRF imports this class while it defines
its own views (`APIView.metadata_class`), so this module imports nothing of the API.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class ApiMetadata(SimpleMetadata):
    """DRF's OPTIONS answer (`name`, `description`, `renders`, `parses`), its `actions`
    describing the body each write of the address reads: the fields of the serializer the
    view validates it with, named by the view's `request_serializers` ({action: serializer
    class}, e.g. `{"verify": VerificationSerializer}`), never those of the serializer its
    answer is written with, which DRF's SimpleMetadata reads (`get_serializer()`: the
    report's 31 fields, read-only ones as writable, for a verification that takes `seen`
    and `different_from`). A write the view names no body serializer for is left out of
    `actions`, never described by a guess; so is one the caller may not make (the view's
    permissions, checked as for that action: a reviewer who is no reporter is not shown
    POST /reports/). The schema (/api/v1/schema/) describes each body in full;
    tests/api/test_options.py checks that both name the same fields, and that each is the
    body the view reads."""

    def determine_actions(self, request, view):
        """{method: {field: description}} for each write of the address whose body the
        view names (`request_serializers`) and the caller may make (DRF's shape)."""
        actions = {}
        bodies = getattr(view, "request_serializers", {})
        action_map = getattr(view, "action_map", None) or {}
        for method in ("POST", "PUT", "PATCH"):
            if method not in view.allowed_methods:
                continue
            action = action_map.get(method.lower())
            body = bodies.get(action)
            if body is None:
                continue
            asked_as = view.action
            view.request = clone_request(request, method)
            view.action = action  # the permissions read the action (api.access.ReportAccess)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                serializer = body(context=view.get_serializer_context())
                actions[method] = self.get_serializer_info(serializer)
            finally:
                view.request = request
                view.action = asked_as
        return actions
