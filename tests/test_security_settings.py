"""Deployment settings: `check --deploy` is clean with the production settings README documents;
nothing a logged-in user sees is cached; server errors are written to var/log/ (rotated)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from kongtun.api.models import api_token_create

ROOT = Path(__file__).resolve().parent.parent

#: What README's "On a server" paragraph tells an administrator to set.
PRODUCTION = {
    "KONGTUN_SECRET_KEY": "",  # filled per run
    "KONGTUN_ALLOWED_HOSTS": "fund.example.org",
    "KONGTUN_HTTPS": "1",
}


def check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONGTUN_")}
    env.update(extra)
    env["DJANGO_SETTINGS_MODULE"] = "kongtun.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = dict(PRODUCTION, KONGTUN_SECRET_KEY=secrets.token_urlsafe(60))
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    readme = (ROOT / "README.md").read_text()
    for name in PRODUCTION:
        assert f"`{name}`" in readme
    assert "KONGTUN_HTTPS=1" in readme


def _systemd_unit_environment() -> dict[str, str]:
    """The ``Environment=`` lines of README's systemd unit (section "A production server")."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### A production server", 1)[1].split("```ini", 1)[1].split("```")[0]
    env = {}
    for line in section.splitlines():
        if line.startswith("Environment="):
            name, _eq, value = line.removeprefix("Environment=").partition("=")
            env[name] = value
    return env


def test_check_deploy_is_clean_with_the_readme_systemd_unit_and_make_serve_runs_gunicorn():
    env = _systemd_unit_environment()
    assert env["DATABASE_URL"].startswith("postgres://") and env["KONGTUN_BEHIND_PROXY"] == "1"
    env["KONGTUN_SECRET_KEY"] = secrets.token_urlsafe(60)
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn kongtun.wsgi:application" in serve and "KONGTUN_DEBUG=0" in serve
    assert "collectstatic" in serve
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("gunicorn==") for line in requirements)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    checked = subprocess.run(
        [str(gunicorn), "--check-config", "kongtun.wsgi:application"],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "kongtun.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_static_files_are_served_by_the_app_with_debug_off(client):
    assert not settings.DEBUG
    response = client.get("/static/ledger/books.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_check_deploy_complains_without_https():
    env = dict(PRODUCTION, KONGTUN_SECRET_KEY=secrets.token_urlsafe(60))
    del env["KONGTUN_HTTPS"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_and_api_answers_for_a_logged_in_user_are_never_cached(world, client):
    client.force_login(world.chair_a)
    member = world.members_a[0]
    page = client.get(f"/f/{world.fund_a.pk}/members/{member.pk}/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    token = api_token_create(user=world.chair_a, name="t")
    api = Client().get(
        f"/api/v1/funds/{world.fund_a.pk}/members", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
    public = Client().get(f"/p/{world.fund_a.short_code}/")
    assert "no-store" not in public.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_server_error_is_written_to_the_rotated_log(world, monkeypatch):
    import logging.handlers

    import kongtun.funds.views as views

    handlers = [
        h
        for h in logging.getLogger("django.request").handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert handlers and Path(handlers[0].baseFilename).parent == settings.VAR_DIR / "log"
    assert handlers[0].maxBytes > 0 and handlers[0].backupCount > 0
    marker = f"boom-{uuid.uuid4()}"

    def broken(user):
        raise RuntimeError(marker)

    monkeypatch.setattr(views, "funds_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.chair_a)
    assert client.get("/").status_code == 500
    handlers[0].flush()
    assert marker in Path(handlers[0].baseFilename).read_text(encoding="utf-8")
