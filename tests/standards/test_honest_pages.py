"""Honest pages (issue 11, item 6): users never see developer content.

Key pages are rendered in Chinese and in English and searched for what belongs to developers only:
repository paths, raw factor dumps (``per_unit``), compilers' notes (``STATUS:``), debug timings
(``耗时``/``Timings``) and placeholder designations (``XXXX``). The result trace shows a factor card
instead, and system-generated titles follow the reader's language."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from carbonms.conformity.models import Task
from carbonms.inventory.models import RunResult
from carbonms.inventory.services import run_calculation
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory
from tests.management.helpers import ent_system, park_system

pytestmark = pytest.mark.django_db

DEVELOPER_CONTENT = re.compile(
    r"carbonms/|tests/|\.py\b|\.yaml\b|per_unit|STATUS:|耗时|Timings|XXXX|version_id|\[G\d\]|"
    r"factor_set|recalled|not read this session|CHECK PDF"
)


def _client(user, lang: str) -> Client:
    c = Client()
    c.force_login(user)
    c.post("/language/", {"language": lang, "next": "/"})
    return c


def _text(resp) -> str:
    """The page as the user reads it: the HTML without scripts, styles and attribute values (URLs in
    links are addresses, not content)."""
    html = resp.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


@pytest.fixture
def run(world):
    e1 = world.e1.enterprise
    coal = SourceFactory(enterprise=e1, code="B01")  # 烟煤: an unverified default of the 2015 guideline
    power = ElectricitySourceFactory(enterprise=e1, code="E02")
    for m in (1, 2):
        ActivityRecordFactory(source=coal, month=m, amount=Decimal("100"))
        ActivityRecordFactory(source=power, month=m, amount=Decimal("500"))
    return run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025,
                           enterprise=e1)


def _pages(world, run) -> list[str]:
    coal = RunResult.objects.filter(run=run, method="fuel_combustion").first()
    power = RunResult.objects.filter(run=run, category="purchased_electricity").first()
    ent, park = ent_system(world), park_system(world)
    return [
        "/standards/", "/standards/t-cses-2023/", "/standards/t-cpqs-zc001-2025/", "/standards/t-cieccpa-061-2023/",
        run.get_absolute_url(), f"/inventory/results/{coal.pk}/", f"/inventory/results/{power.pk}/",
        f"/conformity/{ent.slug}/", f"/conformity/{ent.slug}/t-cieccpa-061-2023/",
        f"/conformity/{park.slug}/", f"/conformity/{park.slug}/t-cses-2023/", "/conformity/tasks/",
    ]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_key_pages_show_no_developer_content(world, run, lang):
    c = _client(world.users["park_admin"], lang)
    for url in _pages(world, run):
        resp = c.get(url)
        assert resp.status_code == 200, url
        found = DEVELOPER_CONTENT.findall(_text(resp))
        assert not found, (url, found)


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", ["未经核实的缺省值", "来源文件", "低位发热量", "2015"]),
    ("en", ["unverified default", "Source document", "Net calorific value", "2015"]),
])
def test_result_trace_shows_a_factor_card(world, run, lang, words):
    coal = RunResult.objects.filter(run=run, method="fuel_combustion").first()
    assert "STATUS:" in coal.factor["source"] and "per_unit" in coal.factor  # the data keeps it all
    text = _text(_client(world.users["park_admin"], lang).get(f"/inventory/results/{coal.pk}/"))
    for w in words:
        assert w in text, w


@pytest.mark.parametrize("lang, designation, draft", [
    ("zh-hans", "T/CSES（2023 年征求意见稿，编号未定）", "征求意见稿"),
    ("en", "T/CSES (2023 draft for comments, number not yet assigned)", "draft for comments"),
])
def test_the_draft_standard_is_named_as_a_draft(world, lang, designation, draft):
    c = _client(world.users["park_admin"], lang)
    for url in ("/standards/", "/standards/t-cses-2023/", f"/conformity/{park_system(world).slug}/"):
        text = _text(c.get(url))
        assert designation in text and draft in text, url


def test_system_titles_follow_the_readers_language(world):
    from carbonms.conformity.notifications import notify

    user = world.users["enterprise_admin"]
    e = world.e1.enterprise
    notify(user, ref="import:1:committed", code="import_committed", params={"name": "a.xlsx", "n": 1, "errors": 0},
           url="/", park_id=e.park_id, enterprise_id=e.pk)
    notify(user, ref="import:2:refused", code="import_refused", params={"name": "b.xlsx", "n": 0, "errors": 3},
           url="/", park_id=e.park_id, enterprise_id=e.pk)
    assert Task.objects.get(ref="import:1:committed").title == "导入文件 a.xlsx 已完成：1 条数据已作为草稿导入。"
    en = _text(_client(user, "en").get("/conformity/tasks/"))
    assert "Import a.xlsx done: 1 value imported as a draft." in en  # singular
    assert "Import b.xlsx refused: 3 errors." in en  # plural
    zh = _text(_client(user, "zh-hans").get("/conformity/tasks/"))
    assert "导入文件 b.xlsx 被拒绝：3 处错误。" in zh
    api = _client(user, "en").get("/api/v1/ms/tasks/", HTTP_ACCEPT_LANGUAGE="en").json()
    rows = api["results"] if isinstance(api, dict) else api
    assert any(r["title_code"] == "import_refused" for r in rows)


def test_rejected_reading_details_follow_the_readers_language():
    from django.utils import translation

    from carbonms.monitoring.reasons import reason_rows

    with translation.override("zh-hans"):
        from carbonms.monitoring.ingestion import _error

        stored = _error(3, {"meter": "M-9"}, "unknown_meter", "meter", "Unknown meter “%(meter)s” for this gateway.",
                        {"meter": "M-9"})
    assert "M-9" in stored["message"] and "Unknown" not in stored["message"]  # the gateway was answered in Chinese
    with translation.override("en"):
        assert reason_rows([stored], limit=5)[0]["message"] == "Unknown meter “M-9” for this gateway."
    with translation.override("en"):
        old = {"code": "unknown_meter", "message": "旧的消息"}  # a row stored before: shown as stored
        assert reason_rows([old], limit=5)[0]["message"] == "旧的消息"
