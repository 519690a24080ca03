"""What an error message repeats of a value a client sent: at most `ECHO_LENGTH` characters.

A refusal names the value it refuses (`No visit with id 'vladimir-putin-mgn-2024'`), so
that the client sees what it sent; a value of thousands of characters (an address, a
parameter, a field of a report) is cut, so that the answer is not the value again, twice
(in `message` and in `fields`). Every message that repeats a client's value goes through
`echoed`: the API's errors (api.*), the site's lists and downloads (front.listing,
front.search, the filters of core.filters) and the report checks the newsroom shares
(visits.review); Django's own messages that quote a value ("Select a valid choice. …
is not one of the available choices.") through `echoing_less`.
"""

from django.core.exceptions import ValidationError

ECHO_LENGTH = 100
ELLIPSIS = "…"


def echoed(value: object) -> str:
    """`value` as a message may repeat it: whole up to `ECHO_LENGTH` characters, else its
    first `ECHO_LENGTH` and an ellipsis. Quote it with `!r` (or `%r`) as before: the cut
    is inside the quotes."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= ECHO_LENGTH else text[:ECHO_LENGTH] + ELLIPSIS


def echoing_less(error: ValidationError) -> ValidationError:
    """`error` (one message, or a list of them) with each value its messages quote cut by
    `echoed`: the `params` Django's fields fill with what they were given."""
    if hasattr(error, "error_dict"):
        return error
    errors = []
    for one in error.error_list:
        params = one.params
        if isinstance(params, dict):
            params = {k: echoed(v) if isinstance(v, str) else v for k, v in params.items()}
        errors.append(ValidationError(one.message, code=one.code, params=params))
    return errors[0] if len(errors) == 1 else ValidationError(errors)
