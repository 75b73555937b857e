"""Security set-up from the first day: deploy checks, CSP, rate-limited login, Russian errors."""

import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "nastavnik.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7#Kq!2vLm9@pR4sT8wYz0bN3cF6hJ1uE5gA-long-production-secret-key",
        ALLOWED_HOSTS="nastavnik.example.ru",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_refuses_to_start():
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_csp_header_is_sent(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_login_is_rate_limited(client, cast):
    for _ in range(5):
        client.post(reverse("login"), {"username": "curator", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "curator", "password": "secret-pass-123"})
    assert "Вход временно заблокирован" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_is_russian(client, cast):
    response = client.post(reverse("login"), {"username": "curator", "password": "wrong"})
    assert "Неверный логин или пароль" in response.content.decode()


def test_login_with_right_password_opens_home(client, cast):
    response = client.post(reverse("login"), {"username": "curator", "password": "secret-pass-123"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Ершовская СОШ" in response.content.decode()


def test_csrf_failure_page_is_russian(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.user("curator"))
    response = client.post(reverse("people:create"), {"last_name": "Тест"})
    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()


def test_password_reset_sends_russian_mail(client, cast):
    user = cast.user("curator")
    user.email = "kazakova@example.ru"
    user.save()
    response = client.post(reverse("password_reset"), {"email": "kazakova@example.ru"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Восстановление пароля в «Наставнике»"
    assert "/password/reset/" in mail.outbox[0].body


def test_audit_records_the_actor_of_a_web_change(client_for, cast):
    from auditlog.models import LogEntry

    client_for("curator").post(
        reverse("people:edit", args=[cast.teacher_a.pk]),
        {
            "last_name": "Сидоров",
            "first_name": "Пётр",
            "patronymic": "Ильич",
            "category": "staff",
            "position": "учитель",
        },
    )
    entry = LogEntry.objects.get_for_object(cast.teacher_a).latest("timestamp")
    assert entry.actor == cast.user("curator")
    assert entry.changes_dict["position"] == ["", "учитель"]
