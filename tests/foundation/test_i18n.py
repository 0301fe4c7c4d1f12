"""Chinese is the default language and every catalogue is complete; English is the source language."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("carbonms/*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 5


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    stale = [e.msgid for e in po.translated_entries() if compiled.get((e.msgctxt, e.msgid)) != e.msgstr]
    assert not stale, f"{po_path.with_suffix('.mo')} is out of date (run make messages): {stale[:5]}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_a_saved_message_names_its_object_with_the_catalogue_term(po_path):
    """"Park saved." says 园区 when "park" is 园区 in the same catalogue (it once said 厂区, the site's term)."""
    terms = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr and not e.obsolete}
    checked, wrong = 0, {}
    for mid, zh in terms.items():
        if not mid.endswith(" saved."):
            continue
        noun = mid[:-len(" saved.")]
        term = terms.get(noun) or terms.get(noun[:1].lower() + noun[1:])
        if term is not None:
            checked += 1
            if not zh.startswith(term):
                wrong[mid] = (zh, term)
    assert not wrong, f"{po_path}: {wrong}"
    if po_path.parts[-5] == "organizations":
        assert checked >= 4  # park, site, emission unit, equipment at least


@pytest.mark.django_db
def test_default_language_is_chinese_and_english_is_complete():
    client = Client()
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in body and "工业园区碳排放管理体系" in body
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body and "Carbon emission management for industrial parks" in body


def test_validation_messages_are_translated():
    from carbonms.organizations.validators import _CREDIT_MESSAGES

    with translation.override("zh-hans"):
        assert "校验码" in str(_CREDIT_MESSAGES["check"])
    with translation.override("en"):
        assert "check character" in str(_CREDIT_MESSAGES["check"])


def test_a_term_two_apps_translate_differently_keeps_each_apps_meaning():
    """"Manual" is a management-system manual (手册) and, as the source of an assessment criterion, a score the park
    gives by hand (人工评分): the criterion's label carries a context, or the merged catalogues give it one meaning."""
    from carbonms.governance.models import Criterion
    from carbonms.management.documents import Document

    with translation.override("zh-hans"):
        assert str(Criterion.Source.MANUAL.label) == "人工评分"
        assert str(Document.Kind.MANUAL.label) == "手册"
    with translation.override("en"):
        assert str(Criterion.Source.MANUAL.label) == "Manual"
