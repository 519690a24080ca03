"""The admin is the staff's data-entry tool: every model's list and edit pages work."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, seeded):
    user = User.objects.create_superuser("admin", "admin@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_every_model_of_the_project_is_in_the_admin():
    project_models = [
        m
        for label in ("core", "states", "warrants", "visits")
        for m in apps.get_app_config(label).get_models()
    ]
    missing = [m.__name__ for m in project_models if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label in ("core", "states", "warrants", "visits")
    ],
    ids=lambda m: m.__name__,
)
def test_each_admin_list_and_change_page_opens(staff_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    response = staff_client.get(reverse(f"{prefix}_changelist"), {"q": "a"})
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        response = staff_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
        assert response.status_code == 200


def test_the_visit_page_shows_the_verdict_and_its_history_read_only(staff_client):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = staff_client.get(reverse("admin:visits_visit_change", args=[visit.pk]))
    content = response.content.decode()
    assert "non_compliance" in content
    assert "first evaluation" in content


def test_staff_cannot_edit_verdicts_by_hand(staff_client):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = staff_client.post(
        reverse("admin:visits_verdict_change", args=[visit.pk]), {"code": "complied"}
    )
    assert response.status_code == 403
    visit.verdict.refresh_from_db()
    assert visit.verdict.code == "non_compliance"
