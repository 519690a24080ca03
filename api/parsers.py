"""The API's one JSON parser: the body's size and nesting are bounded before and while parsing.

- **Size**: a body longer than `DATA_UPLOAD_MAX_MEMORY_SIZE` (by its Content-Length, or
  as read) is refused with `413 too_large`, in the API's error shape, without reading
  the rest of it.
- **Depth**: arrays and objects nested deeper than `MAX_DEPTH` are refused with
  `400 parse_error` (100,000 nested arrays would otherwise exhaust Python's recursion
  limit: a 500).
- **Repeated keys**: an object that gives a key twice (at any depth) is refused with
  `400 parse_error` naming the key. JSON leaves the meaning of a repeated name open
  (RFC 8259, 4) and Python keeps the last one silently: `{"person": "vladimir-putin",
  ..., "person": "benjamin-netanyahu"}` would file against the second person while a
  reader of the body (or another parser, which may keep the first) sees the first.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import exceptions, parsers, status
from rest_framework.settings import api_settings

from core.echo import echoed

# No report or visit body nests deeper than a handful of levels; this leaves ample room.
MAX_DEPTH = 32


class BodyTooLarge(exceptions.APIException):
    """413 `too_large`: a request body over `limit` bytes (DATA_UPLOAD_MAX_MEMORY_SIZE by
    default), refused before it is parsed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int | None = None):
        limit = limit if limit is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(
            f"The request body is larger than the API accepts ({limit} bytes at most)."
        )


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays/objects in the JSON `text` nest deeper than `limit` (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class RepeatedKey(ValueError):
    """A JSON object that gives the same key twice; `key` is that key."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def object_without_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    """`json.loads`'s `object_pairs_hook`: the object's pairs as a dict; raises
    `RepeatedKey` for the first key given twice (compared exactly, as Python's dict does)."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise RepeatedKey(key)
        result[key] = value
    return result


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the size and depth bounds and the refusal of repeated keys above."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            return None
        request = (parser_context or {}).get("request")
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise BodyTooLarge(limit)
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge(limit)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - the body is not {encoding}.") from exc
        if too_deep(text):
            raise exceptions.ParseError(
                f"JSON parse error - arrays and objects nest deeper than {MAX_DEPTH} levels."
            )
        parse_constant = parsers.json.strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(
                text, parse_constant=parse_constant, object_pairs_hook=object_without_repeated_keys
            )
        except RepeatedKey as exc:
            raise exceptions.ParseError(
                f"JSON parse error - the key {echoed(exc.key)!r} is given twice in one object: "
                "give each key once."
            ) from exc
        except RecursionError as exc:  # the depth check above should make this unreachable
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
