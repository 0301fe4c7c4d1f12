"""The embedded default (SQLite) holds concurrent writers: they queue, none answers "database is locked".

The test runs the production server (gunicorn, three worker processes, as ``carbonms serve`` does)
on a fresh SQLite *file* (the suite's own database may be in memory), and three client threads post
120 sites through the REST API at the same time. Every write must succeed and be stored.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITERS, WRITES_EACH = 3, 40

SETUP = """
from carbonms.accounts.models import RoleAssignment, User
from carbonms.organizations.models import Enterprise, Park
from rest_framework.authtoken.models import Token
park = Park.objects.create(name="并发园区", province="320000", city="南通市", zone_type="national_etdz", grid_region="华东")
ent = Enterprise.objects.create(park=park, name="并发企业有限公司", credit_code="91320600000000001X",
                                industry_code="3120", industry_name="炼钢")
user = User.objects.create_user("writer", password="pw-Secret-123")
RoleAssignment.objects.create(user=user, role="enterprise_admin", park=park, enterprise=ent)
print(json.dumps({"token": Token.objects.create(user=user).key, "enterprise": ent.pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(env, *args: str) -> str:
    out = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _valid_credit_code() -> str:
    from carbonms.organizations.credit_code import check_character

    first17 = "91320600000000001"
    return first17 + check_character(first17)


@pytest.fixture
def sqlite_server(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carbonms.config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'carbonms.sqlite3'}",
        "CARBONMS_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    _run(env, "manage.py", "migrate", "--no-input", "-v", "0")
    setup = "import json\n" + SETUP.replace("91320600000000001X", _valid_credit_code())
    info = json.loads(_run(env, "manage.py", "shell", "-c", setup).strip().splitlines()[-1])
    port = _free_port()
    # The server's output goes to a file, not a pipe: a full pipe would block the server.
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "carbonms.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/v1/me/", timeout=2)
            except urllib.error.HTTPError:
                break  # 401/403: the server answers
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base, info, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow(40)
def test_parallel_writers_on_sqlite_all_succeed(sqlite_server):
    base, info, env = sqlite_server
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        start.wait()
        for i in range(WRITES_EACH):
            body = json.dumps({"enterprise": info["enterprise"], "code": f"W{n}-{i:03d}", "name": f"并发厂区{n}-{i}"})
            req = urllib.request.Request(
                f"{base}/api/v1/sites/", data=body.encode(), method="POST",
                headers={"Authorization": f"Token {info['token']}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status = exc.code
                with lock:
                    errors.append(exc.read()[:300].decode(errors="replace"))
            except OSError as exc:  # no answer at all counts as a failed write too
                status = type(exc).__name__
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert statuses == Counter({201: WRITERS * WRITES_EACH}), (statuses, errors[:3])
    stored = _run(env, "manage.py", "shell", "-c",
                  "from carbonms.organizations.models import Site; print(Site.objects.filter(code__startswith='W').count())")
    assert int(stored.strip().splitlines()[-1]) == WRITERS * WRITES_EACH
