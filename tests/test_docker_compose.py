"""docker-compose.yml describes a complete production deployment (checked without a Docker engine)."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile(compose):
    return compose["services"]["web"]["build"]["dockerfile_inline"]


def test_every_production_service_is_defined(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker"])
def test_each_long_running_service_has_a_healthcheck(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


def test_the_web_healthcheck_asks_the_healthz_endpoint(compose):
    assert "http://127.0.0.1:8000/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_web_worker_and_beat_run_one_image_built_from_the_inline_dockerfile(compose):
    services = compose["services"]
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1
    assert all(services[name]["build"] == services["web"]["build"] for name in APP_SERVICES)
    assert "FROM python:3.12" in services["web"]["build"]["dockerfile_inline"]
    assert (ROOT / "docker-compose.yml").read_text().count("dockerfile_inline") == 1


def test_the_app_services_run_gunicorn_and_celery(compose):
    services = compose["services"]
    assert "gunicorn iccwatch.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "iccwatch", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "iccwatch", "beat"]


def test_the_app_services_are_configured_from_the_environment_for_production(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_ENV"] == "production"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_the_image_contains_every_project_app_and_the_templates_and_static_files(dockerfile):
    copied = set(re.findall(r"^COPY (\S+) \1$", dockerfile, flags=re.MULTILINE))
    local_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert local_apps | {"templates", "static"} <= copied
    missing = sorted(source for source in copied if not (ROOT / source).exists())
    # git keeps no empty folder: on a fresh clone an empty templates/ or static/ is
    # absent, and `docker compose build` would stop at its COPY.
    assert missing == [], f"the Dockerfile copies {missing}, which this checkout does not have"


def test_the_image_does_not_copy_the_local_environment(dockerfile):
    # There is no .dockerignore: copying the project root would take .venv and .local.
    assert not re.search(r"^COPY \. ", dockerfile, flags=re.MULTILINE)
