"""Form fields with their labels, help and errors tied together (aria-describedby)."""

from django import template
from django.utils.crypto import salted_hmac

from core import roles
from core.locale import staff_path

register = template.Library()

# The session's note of the report form whose typed work the server just saved (its path):
# the next page tells the form's script to forget the copy it kept (newsroom-form.js).
SAVED_FORM = "newsroom_saved_form"


@register.simple_tag
def widget(field, error_id=""):
    """{% widget form.start %}: the input, described by its help text and its errors.
    `error_id`: the id of an error said elsewhere that this input answers (the sources'
    "At least one source" for the first source's URL), which marks it invalid too.
    A form given back with errors puts no field's `autofocus` (the sign-in's username)
    on its page: the focus goes to the error summary (newsroom-form.js)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if error_id:
        described.append(error_id)
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors or error_id:
        attrs["aria-invalid"] = "true"
    if field.form.errors and field.field.widget.attrs.get("autofocus"):
        attrs["autofocus"] = False  # a False attribute is left out of the tag
    if field.field.required and field.widget_type != "checkbox":
        attrs["required"] = True
    return field.as_widget(attrs=attrs)


@register.filter
def field_errors(form):
    """Every error of a bound form as (field id, label, message), for the summary at the top,
    in the order of the form's fields (its `field_order`, the page's), whether a field's
    own check or the form's `clean` found it."""
    out = []
    if not form.is_bound:
        return out
    for name in form.fields:
        bound = form[name]
        out.extend((bound.auto_id, bound.label, e) for e in form.errors.get(name, ()))
    return out


@register.filter
def source_errors(formset):
    """Every error of a bound sources formset's forms as (field id, source number from 1,
    the field's label, message), for the summary at the top: "Source 2 — Archived copy
    (URL): …", each source's in the order of its fields. An error of a whole source (none
    of its fields) points to its address and has no label."""
    out = []
    for number, form in enumerate(formset.forms, start=1):
        if not form.is_bound:
            continue
        errors = form.errors
        for name in [*form.fields, *(n for n in errors if n not in form.fields)]:
            if name in form.fields:
                where, label = form[name].auto_id, form[name].label
            else:
                where, label = form["url"].auto_id, ""
            out.extend((where, number, label, e) for e in errors.get(name, ()))
    return out


@register.filter
def may_report(user) -> bool:
    """{% if user|may_report %}: whether `user` may file reports (core.roles)."""
    return roles.may_report(user)


@register.filter
def may_review(user) -> bool:
    """{% if user|may_review %}: whether `user` may open the review queue (core.roles)."""
    return roles.may_review(user)


@register.filter
def recorded_visits(visits) -> list:
    """{% with live=duplicates|recorded_visits %}: those of visits.review.possible_duplicates
    that are not withdrawn (a visit of the record, reported or published)."""
    return [v for v in visits if getattr(v, "withdrawn_on", None) is None]


@register.filter
def withdrawn_visits(visits) -> list:
    """{% with gone=duplicates|withdrawn_visits %}: those of
    visits.review.possible_duplicates withdrawn from the record (each with its
    `withdrawn_on`), which the newsroom names as such, with their reason."""
    return [v for v in visits if getattr(v, "withdrawn_on", None) is not None]


@register.simple_tag(takes_context=True)
def saved_form(context) -> str:
    """{% saved_form as path %}: the path of the report form whose typed work the server
    saved just before this page (newsroom.views.forget_typed_form), once: the page tells
    the form's script to forget the copy it kept in the browser. "" otherwise."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return request.session.pop(SAVED_FORM, "")


@register.filter
def in_language(path: str) -> str:
    """{{ path|in_language }}: the staff page at `path` ("/newsroom/password-reset/…/")
    for a link written in the active language, a mail's: "/fr/newsroom/…" in French, which
    opens the page in French (core.locale.staff_path), `path` itself in English."""
    return staff_path(path)


@register.filter
def typed_work_owner(user) -> str:
    """An opaque mark of the signed-in account (a keyed hash of its id with SECRET_KEY,
    never the id itself), on every newsroom page it signs in to: what a report form's
    script keeps in the tab is tagged with it and given back only to the same account
    (newsroom-form.js), and forgotten when another account signs in on that tab
    (newsroom-account.js)."""
    return salted_hmac(
        "iccwatch.newsroom.typed-work", str(user.pk), algorithm="sha256"
    ).hexdigest()[:32]
