"""The API's content negotiation: `?format=` first, then the Accept header by quality value.

Kept apart from api.formats (the renderers), which DRF imports while it defines its own
views (DEFAULT_RENDERER_CLASSES), and which api.errors imports in turn; DRF imports this
module then too (DEFAULT_CONTENT_NEGOTIATION_CLASS), so it imports api.errors only when
it refuses a format.
"""

from rest_framework import exceptions, permissions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.utils.mediatypes import _MediaType, order_parsed_by_precedence

from core.echo import echoed

# The attribute of a read's request holding the refusal of its `?format=` (an
# InvalidFilter), raised by api.access.RateLimits after counting the request.
FORMAT_REFUSAL = "format_refusal"


class ApiContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with the Accept header's quality values honoured and `?format=`
    checked.

    - An explicit `?format=` wins over the Accept header. On a read, a format this
      endpoint does not answer in (`?format=xml`, `?format=csv` on search) is a 400
      `invalid_filter` naming the formats it has, as any impossible parameter value is,
      and counted by the rate limits as any 400: the refusal is kept on the request
      (`FORMAT_REFUSAL`) and raised by api.access.RateLimits once it has counted the
      request (after the access checks, as every refusal of a parameter), the answer
      meanwhile negotiated as the endpoint's first format; on a POST, which answers in
      JSON only, it is a 406 before anything is filed (uncounted, as every 406).
    - The Accept header's media types are tried by quality value, highest first (`q`,
      1 when not given; a type with `q=0` is refused), in the header's order for equal
      ones, a specific type before a wildcard of the same quality as DRF does:
      `application/json;q=0.1, text/csv` is answered in CSV. A format's quality is that
      of the most specific range naming it (RFC 9110, 12.5.1): a wildcard (`*/*`,
      `text/*`) matches only the formats no more specific range of the header names, so
      `application/json;q=0, */*` is answered in CSV where the endpoint has it (a 406
      where JSON is all it has), and `application/json;q=0.1, */*` in CSV too. A header
      nothing matches is a 406.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        # No address has a format suffix (api.urls.ApiRouter): `?format=` alone names one.
        format = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format:
            matching = [r for r in renderers if r.format == format]
            if not matching:
                refusal = self._unknown_format(request, renderers, format)
                if request.method not in permissions.SAFE_METHODS:
                    raise refusal
                # Raised once the rate limits have counted the request (see the class).
                setattr(request, FORMAT_REFUSAL, refusal)
                return renderers[0], renderers[0].media_type
            return matching[0], matching[0].media_type
        accepts = self._get_parsed_accept_list(request)
        for quality in sorted({_quality(m) for m in accepts} - {0.0}, reverse=True):
            chosen = self._match([m for m in accepts if _quality(m) == quality], renderers, accepts)
            if chosen is not None:
                return chosen
        raise exceptions.NotAcceptable(available_renderers=renderers)

    @staticmethod
    def _match(wanted_types, renderers, accepts):
        """(renderer, media type) for the first of `wanted_types` (all of one quality, the
        most specific first, else in the header's order) that a renderer answers in, as
        DRF matches them, but for a renderer that a more specific range of the whole
        header (`accepts`) names: its quality is that range's (`_named_more_precisely`),
        tried at that quality, or refused with `q=0`; None."""
        for media_type_set in order_parsed_by_precedence(wanted_types):
            for wanted in sorted(media_type_set, key=wanted_types.index):
                for renderer in renderers:
                    renderer_type = _MediaType(renderer.media_type)
                    if not renderer_type.match(wanted):
                        continue
                    if _named_more_precisely(renderer_type, wanted, accepts):
                        continue
                    if renderer_type.precedence > wanted.precedence:
                        # `*/*` asked for: the renderer's own type, with the asked parameters.
                        params = tuple(f"{k}={v}" for k, v in wanted.params.items())
                        return renderer, ";".join((renderer.media_type, *params))
                    return renderer, wanted.orig
        return None

    def _unknown_format(self, request, renderers, format) -> exceptions.APIException:
        """The refusal of a `?format=` none of these renderers has."""
        # Imported here: api.errors imports DRF's views, which import this class
        # (DEFAULT_CONTENT_NEGOTIATION_CLASS) while they are defined.
        from api.errors import InvalidFilter

        available = ", ".join(sorted({r.format for r in renderers}))
        if request.method not in permissions.SAFE_METHODS:
            return exceptions.NotAcceptable(
                f"Unknown format {echoed(format)!r}: this endpoint answers in {available}."
            )
        return InvalidFilter(
            {
                self.settings.URL_FORMAT_OVERRIDE: [
                    f"No format {echoed(format)!r}: this endpoint answers in {available} "
                    f"(`?format={renderers[0].format}`, the default)."
                ]
            }
        )


def _named_more_precisely(renderer_type: _MediaType, wanted: _MediaType, accepts) -> bool:
    """Whether a range of the Accept header (`accepts`) more specific than `wanted` names
    the renderer's type (`application/json` or `application/*` beside `*/*`): that range
    gives it its quality (RFC 9110, 12.5.1), not `wanted`. A range with parameters other
    than `q` names a variant (`application/json; indent=4`), not the type a wildcard
    gets: it decides nothing here."""
    return any(
        wanted.precedence < other.precedence <= 2 and renderer_type.match(other)
        for other in accepts
    )


def _quality(media_type: _MediaType) -> float:
    """A media type's quality value (`q`) from 0 to 1; 1 when it has none or one that is no
    number, as most servers read it."""
    try:
        quality = float(media_type.params.get("q", 1))
    except ValueError:
        return 1.0
    return min(max(quality, 0.0), 1.0) if quality == quality else 1.0
