"""What the API answers to OPTIONS (DRF's DEFAULT_METADATA_CLASS).

Kept apart from api.base, as api.negotiation is: DRF imports this class while it defines
its own views (`APIView.metadata_class`), so this module imports nothing of the API.
"""

from django.core.exceptions import PermissionDenied, ValidationError
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
    `actions`, never described by a guess; so is one the caller may not make now:

    - the view's permissions, checked as for that action (a reviewer who is no reporter
      is not shown POST /reports/);
    - on an address that names a record (`/reports/{id}/verify/`), the record as the
      view reads it (`get_object()`): one it does not have, or the caller may not read,
      is the view's 404, the answer GET gives it, never a description of a write to
      nothing; then DRF's object permissions, and the rule the view names for the action
      (`action_rules`, {action: check(record, user)}, the very function its service
      applies: e.g. visits.review.check_verification, which refuses a report's author
      (four eyes) and a report not awaiting review), refusing with Django's
      PermissionDenied or ValidationError.

    The schema (/api/v1/schema/) describes each body in full; tests/api/test_options.py
    checks that both name the same fields, that each is the body the view reads, and
    that OPTIONS lists it to those the action lets make it."""

    REFUSALS = (exceptions.APIException, PermissionDenied, ValidationError, Http404)

    def determine_actions(self, request, view):
        """{method: {field: description}} for each write of the address whose body the
        view names (`request_serializers`) and the caller may make now, on the record
        the address names if it names one (DRF's shape). Raises the view's NotFound (a
        404) for an address naming a record the view does not give the caller."""
        bodies = getattr(view, "request_serializers", {})
        action_map = getattr(view, "action_map", None) or {}
        writes = [
            (method, action_map.get(method.lower()))
            for method in ("POST", "PUT", "PATCH")
            if method in view.allowed_methods
        ]
        writes = [(method, action) for method, action in writes if action in bodies]
        record = None
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if writes and lookup in (getattr(view, "kwargs", None) or {}):
            record = view.get_object()  # as GET reads it: its 404 is OPTIONS' own
        rules = getattr(view, "action_rules", {})
        actions = {}
        for method, action in writes:
            asked_as = view.action
            view.request = clone_request(request, method)
            view.action = action  # the permissions read the action (api.access.ReportAccess)
            try:
                view.check_permissions(view.request)
                if record is not None:
                    view.check_object_permissions(view.request, record)
                    rule = rules.get(action)
                    if rule is not None:
                        rule(record, view.request.user)
            except self.REFUSALS:
                pass
            else:
                serializer = bodies[action](context=view.get_serializer_context())
                actions[method] = self.get_serializer_info(serializer)
            finally:
                view.request = request
                view.action = asked_as
        return actions
