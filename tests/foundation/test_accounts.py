"""Login, its throttling, role assignment rules, and the settings' loud failures."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from carbonms.accounts import services
from carbonms.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_wrong_credentials_get_a_message_in_chinese(world):
    c = Client()
    resp = c.post("/accounts/login/", {"username": "u_viewer", "password": "nope"})
    assert resp.status_code == 200
    assert "请输入一个正确的" in resp.content.decode()  # Django's own zh-hans text for invalid login
    resp = c.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD})
    assert resp.status_code == 302


def test_repeated_failed_logins_are_throttled(world, settings):
    c = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        c.post("/accounts/login/", {"username": "u_viewer", "password": "bad"})
    resp = c.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD})
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.content.decode()
    # Another user from the same address is not locked out.
    assert c.post("/accounts/login/", {"username": "u_reviewer", "password": PASSWORD}).status_code == 302


def test_failed_logins_across_user_names_from_one_address_are_throttled(world, settings):
    """Password spraying: one address trying 12 different user names is locked out, for every user name."""
    attacker, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.9")
    answers = [attacker.post("/accounts/login/", {"username": f"guess{i}", "password": "bad"}).status_code
               for i in range(12)]
    assert answers[: settings.LOGIN_IP_FAILURE_LIMIT - 1] == [200] * (settings.LOGIN_IP_FAILURE_LIMIT - 1)
    assert settings.LOGIN_IP_FAILURE_LIMIT <= 12 and answers[-1] == 429
    # Locked for a real account too, even with its right password …
    resp = attacker.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD})
    assert resp.status_code == 429 and "登录失败次数过多" in resp.content.decode()
    # … and a success from elsewhere does not lift it; the other address is not affected.
    assert neighbour.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD}).status_code == 302
    assert attacker.post("/accounts/login/", {"username": "u_reviewer", "password": PASSWORD}).status_code == 429


def test_a_success_does_not_reset_the_address_count(world, settings):
    """An attacker holding one valid account cannot wipe the per-address count by logging in between guesses."""
    c = Client(REMOTE_ADDR="203.0.113.8")
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        c.post("/accounts/login/", {"username": f"guess{i}", "password": "bad"})
    assert c.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD}).status_code == 302
    c.logout()
    c.post("/accounts/login/", {"username": "guess-last", "password": "bad"})
    assert c.post("/accounts/login/", {"username": "u_viewer", "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    "role, scope, field",
    [
        (Role.PARK_ADMIN, "enterprise", "enterprise"),
        (Role.DATA_CLERK, "park", "enterprise"),
        (Role.EXTERNAL_VERIFIER, "enterprise", "valid_until"),
    ],
)
def test_role_assignment_rules(world, role, scope, field):
    from tests.factories import UserFactory

    user = UserFactory()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.role_assign(user=user, role=role, park=world.park_a,
                             enterprise=world.e1.enterprise if scope == "enterprise" else None)
    assert field in exc.value.message_dict


def test_role_assignment_enterprise_must_be_in_the_park(world):
    from tests.factories import UserFactory

    with pytest.raises(ValidationError) as exc:
        services.role_assign(user=UserFactory(), role=Role.VIEWER, park=world.park_a, enterprise=world.e3.enterprise)
    assert "enterprise" in exc.value.message_dict


def test_verifier_window(world):
    from carbonms.common import tenancy
    from carbonms.organizations.models import Enterprise
    from tests.factories import UserFactory

    user = UserFactory()
    start = timezone.now() + dt.timedelta(days=1)
    services.role_assign(user=user, role=Role.EXTERNAL_VERIFIER, park=world.park_a, enterprise=world.e1.enterprise,
                         valid_from=start, valid_until=start + dt.timedelta(days=10))
    tenancy.forget_assignments(user)
    assert Enterprise.objects.restrict(user).count() == 0  # not yet
    assert not tenancy.can(user, "organization", "view", park_id=world.park_a.pk, enterprise_id=world.e1.enterprise.pk)


def _run_settings(env):
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='carbonms.config.settings'; django.setup(); print('ok')"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_missing_secret_key_fails_loudly_when_debug_is_off():
    r = _run_settings({"DEBUG": "0"})
    assert r.returncode != 0 and "SECRET_KEY must be set" in r.stderr


@pytest.mark.parametrize("key", ["short", "x" * 49, "ab" * 40])
def test_weak_secret_key_fails_loudly_when_debug_is_off(key):
    r = _run_settings({"DEBUG": "0", "SECRET_KEY": key})
    assert r.returncode != 0 and "SECRET_KEY is too weak" in r.stderr


def test_long_secret_key_is_accepted_and_debug_keeps_its_development_key():
    assert _run_settings({"DEBUG": "0", "SECRET_KEY": "k3y-A" * 11}).returncode == 0
    assert _run_settings({"DEBUG": "1"}).returncode == 0


def test_carbonms_serve_refuses_a_short_secret_key(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    r = subprocess.run([sys.executable, "-m", "carbonms.cli", "serve", "--port", "1"],
                       env={**clean, "DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x.example",
                            "CARBONMS_VAR_DIR": str(tmp_path)},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "configuration error: SECRET_KEY is too weak: it has 5 characters" in r.stderr
    assert not (tmp_path / "carbonms.sqlite3").exists()  # stopped before migrating or serving


def test_bad_boolean_fails_loudly():
    r = _run_settings({"DEBUG": "maybe"})
    assert r.returncode != 0 and "DEBUG must be a boolean" in r.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 20 + "-production-secret-key-that-is-long-enough-0123456789",
               ALLOWED_HOSTS="carbon.example.org", CARBONMS_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_enterprise_admin_invites_a_verifier_for_own_enterprise_only(world):
    from carbonms.accounts.models import RoleAssignment, User

    admin = world.users["enterprise_admin"]
    c = Client()
    c.force_login(admin)
    form = {"username": "verifier_new", "full_name": "核查员", "password": "Long-enough-pass-2026", "role": "external_verifier",
            "scope": f"e{world.e1.enterprise.pk}"}
    resp = c.post("/accounts/users/new/", form)
    assert resp.status_code == 200 and "valid_until" in resp.context["form"].errors  # verifier needs an end date
    assert not User.objects.filter(username="verifier_new").exists()  # nothing half-saved
    resp = c.post("/accounts/users/new/", {**form, "valid_until": "2030-01-01T00:00"})
    assert resp.status_code == 302
    ra = RoleAssignment.objects.get(user__username="verifier_new")
    assert ra.enterprise == world.e1.enterprise and ra.valid_until is not None
    # Another enterprise is not offered and cannot be forced.
    resp = c.post("/accounts/users/new/", {**form, "username": "x2", "scope": f"e{world.e2.enterprise.pk}",
                                          "valid_until": "2030-01-01T00:00"})
    assert resp.status_code == 200 and "scope" in resp.context["form"].errors
    # Park-wide roles cannot be granted by an enterprise administrator.
    resp = c.post("/accounts/users/new/", {**form, "username": "x3", "role": "park_admin", "scope": f"e{world.e1.enterprise.pk}"})
    assert resp.status_code == 200 and not User.objects.filter(username="x3").exists()


def test_revoke_role_and_not_own(world):
    from carbonms.accounts.models import RoleAssignment

    admin = world.users["enterprise_admin"]
    c = Client()
    c.force_login(admin)
    clerk_ra = RoleAssignment.objects.get(user=world.users["data_clerk"])
    assert c.post(f"/accounts/roles/{clerk_ra.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=clerk_ra.pk).exists()
    own = RoleAssignment.objects.get(user=admin)
    resp = c.post(f"/accounts/roles/{own.pk}/revoke/")
    assert resp.status_code == 200 and RoleAssignment.objects.filter(pk=own.pk).exists()
