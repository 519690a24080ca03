"""The role groups (reporters, reviewers, admins: core.roles) are found by their names, so
the admin neither renames nor deletes them: renaming or deleting one took the role from
every member at once, and the admins' group locked every admin but the superusers out of
the admin. Other groups are renamed and deleted as before."""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse

from core import roles
from tests.security.helpers import account, admin_form_data

pytestmark = pytest.mark.django_db

ROLE_GROUPS = [roles.REPORTERS, roles.REVIEWERS, roles.ADMINS]


@pytest.fixture
def editor(client):
    """An admin by the admins group (not a superuser), signed in to the admin."""
    user = account("edith", roles.ADMINS)
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("name", ROLE_GROUPS)
def test_a_role_groups_name_cannot_be_changed_in_the_admin(client, editor, name):
    """Measured defect: saving the group's page with another name (reviewers → editors)
    renamed it, and every member lost the role without a word."""
    group = Group.objects.get_or_create(name=name)[0]
    member = account("vera", name)
    url = reverse("admin:auth_group_change", args=[group.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "name" not in page.context["adminform"].form.fields
    assert "cannot be renamed or deleted" in page.content.decode()

    data = admin_form_data(page)
    data["name"] = "editors"
    client.post(url, data)
    group.refresh_from_db()
    assert group.name == name
    assert not Group.objects.filter(name="editors").exists()
    member = User.objects.get(pk=member.pk)
    assert roles.roles_of(member) == [next(r for r, g in roles.ROLES.items() if g == name)]


@pytest.mark.parametrize("name", ROLE_GROUPS)
def test_a_role_group_cannot_be_deleted_in_the_admin(client, editor, name):
    """Measured defect: the group's delete page deleted it (the admins' group: every admin
    who is not a superuser locked out of the admin at once)."""
    group = Group.objects.get_or_create(name=name)[0]
    url = reverse("admin:auth_group_delete", args=[group.pk])

    for response in (client.get(url, follow=True), client.post(url, {"post": "yes"}, follow=True)):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("admin:auth_group_change", args=[group.pk])
        assert any("cannot be renamed or deleted" in m for m in messages_of(response))
    assert Group.objects.filter(pk=group.pk, name=name).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_deleting_selected_groups_that_hold_a_role_deletes_none(client, editor):
    """Measured defect: "Delete selected groups" deleted the role groups among them."""
    others = Group.objects.create(name="translators")
    admins = Group.objects.get_or_create(name=roles.ADMINS)[0]
    changelist = reverse("admin:auth_group_changelist")
    selected = {"action": "delete_selected", "_selected_action": [admins.pk, others.pk]}

    for data in (selected, {**selected, "post": "yes"}):
        response = client.post(changelist, data, follow=True)
        assert response.status_code == 200
        assert any(
            "admins" in m and "cannot be renamed or deleted" in m for m in messages_of(response)
        )
    assert set(Group.objects.filter(pk__in=[admins.pk, others.pk])) == {admins, others}
    assert client.get(reverse("admin:index")).status_code == 200


def test_another_group_is_renamed_and_deleted_as_before_but_not_to_a_roles_name(client, editor):
    group = Group.objects.create(name="translators")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = admin_form_data(client.get(url))

    # A group renamed to a role's name would give that role to all its members, unrecorded
    # (the role's own group missing: deleted before, by the shell, say).
    with roles.changing_role_groups():
        Group.objects.filter(name=roles.REVIEWERS).delete()
    refused = client.post(url, {**data, "name": roles.REVIEWERS})
    assert refused.status_code == 200
    assert "name" in refused.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.name == "translators"

    assert client.post(url, {**data, "name": "interpreters"}).status_code == 302
    group.refresh_from_db()
    assert group.name == "interpreters"
    delete = reverse("admin:auth_group_delete", args=[group.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_missing_role_group_is_added_again_by_its_name(client, editor):
    """A role group deleted before (by the shell, say) is added in the admin by its name."""
    with roles.changing_role_groups():
        Group.objects.filter(name=roles.REPORTERS).delete()
    response = client.post(reverse("admin:auth_group_add"), {"name": roles.REPORTERS})
    assert response.status_code == 302
    assert Group.objects.filter(name=roles.REPORTERS).exists()


def test_the_role_groups_page_says_why_in_french(client, editor):
    client.cookies["django_language"] = "fr"
    group = Group.objects.get_or_create(name=roles.REVIEWERS)[0]
    page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "ne peut être ni renommé ni supprimé" in page


# --- Outside the admin: the shell, a script ------------------------------------------------


@pytest.mark.parametrize("name", ROLE_GROUPS)
def test_a_role_group_is_neither_deleted_nor_renamed_by_a_script(name):
    """`Group.objects.filter(name=…).delete()` or a rename in the shell took the role from
    every member at once, silently: refused, with a clear error, one group or a queryset.
    Each refusal in a transaction of its own, as the shell's autocommit gives it."""
    group = Group.objects.get_or_create(name=name)[0]
    member = User.objects.create_user("member")
    member.groups.add(group)
    protected = f"“{name}” is a role"
    with pytest.raises(roles.RoleGroupProtected, match=protected), transaction.atomic():
        Group.objects.filter(name=name).delete()
    with pytest.raises(roles.RoleGroupProtected, match=protected), transaction.atomic():
        Group.objects.filter(name__in=[name, "nobody"]).delete()
    with pytest.raises(roles.RoleGroupProtected), transaction.atomic():
        group.delete()
    group.name = f"{name}-old"
    with pytest.raises(roles.RoleGroupProtected, match=protected), transaction.atomic():
        group.save()
    assert Group.objects.filter(pk=group.pk, name=name).exists()
    assert member.groups.filter(name=name).exists()
    # Saved unchanged (its permissions edited, say), it is saved as before.
    group.name = name
    group.save()


def test_another_group_is_deleted_and_renamed_by_a_script_as_before():
    group = Group.objects.create(name="translators")
    group.name = "interpreters"
    group.save()
    Group.objects.filter(name="interpreters").delete()
    assert not Group.objects.filter(pk=group.pk).exists()


def test_the_roles_migration_still_removes_and_creates_the_role_groups():
    """The roles' migration (core 0004) deletes them when unapplied: it works on the
    migration state's historical model, which the guard leaves alone."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("core.migrations.0004_roles")
    state = MigrationLoader(connection).project_state(("core", "0004_roles"))
    migration.delete_groups(state.apps, None)
    assert not Group.objects.filter(name__in=ROLE_GROUPS).exists()
    migration.create_groups(state.apps, None)
    assert Group.objects.filter(name__in=ROLE_GROUPS).count() == 3
