"""Shared by the security tests: staff accounts and the admin's form data."""

from django.contrib.auth.models import Group, User

PASSWORD = "a-long-test-password"


def account(username: str, *roles: str, staff: bool = False) -> User:
    """An account in the given groups (reporters, reviewers, admins)."""
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.is_staff = staff
    user.save()
    for name in roles:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def _value(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def admin_form_data(response) -> dict:
    """What the admin's change (or add) page would post back unchanged, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = _value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
