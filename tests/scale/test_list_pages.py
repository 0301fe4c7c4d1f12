"""Every list page shows at most 100 rows a page, with a link to the next page (issue 16 item 3; issue 15).

Each case names the list page and a page of the permission matrix whose target makes one record of the list
(tests/matrix/): that record is copied to 101 rows of the same scope (unique fields made unique), and the
list, read by the park administrator, shows 100 rows and a next page that holds the rest.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.foundation.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

ROWS = 101
#: list page -> the matrix page whose target makes a record of the list (and the list's query parameters)
LISTS = {
    "management:register_list": "management:register_detail",
    "management:policy_list": "management:policy",
    "management:document_list": "management:document",
    "audits:audit_list": "audits:audit",
    "audits:nc_list": "audits:nc",
    "audits:review_list": "audits:review",
    "carbonreview:indicators": "carbonreview:indicator",
    "carbonreview:investigations": "carbonreview:investigation",
    "carbonreview:reviews": "carbonreview:review",
    "performance:targets": ("performance:target", {"all": "1"}),  # park staff: the enterprises' targets too
    "performance:baselines": "performance:baseline",
    "abatement:opportunities": "abatement:opportunity",
    "abatement:actions": "abatement:action",
    "ledger:movements_ent": "ledger:movement",
    "ledger:prices_ent": lambda w: _price(w),
    "zerocarbon:infrastructure": "zerocarbon:infrastructure_edit",
    "zerocarbon:technologies": "zerocarbon:technology",
    "governance:applications": "governance:application",
    "governance:rounds": "governance:round",
    "zerocarbon:supply": ("api:zc-supply-detail", lambda obj: {"year": obj.year}),
    "conformity:tasks": lambda w: _task(w),
}


def _unique_sets(model) -> list[set[str]]:
    meta = model._meta
    sets = [{f.name} for f in meta.concrete_fields if f.unique and not f.primary_key]
    sets += [set(u) for u in meta.unique_together]
    sets += [set(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    return sets


def _vary(field, value, i: int):
    if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
        text = f"{value}-{i}"
        return text[-field.max_length:] if field.max_length else text
    if isinstance(field, models.DateField):
        return value + dt.timedelta(days=i)
    if isinstance(field, (models.IntegerField, models.DecimalField)) and not field.choices:
        return value + i
    return None


def copies(obj, n: int) -> None:
    """``n`` copies of ``obj`` beside it: in each unique set, the first field that can vary is varied."""
    model = type(obj)
    varied: set[str] = set()
    for names in _unique_sets(model):
        fields = [model._meta.get_field(name) for name in names]
        for f in sorted(fields, key=lambda f: not isinstance(f, (models.CharField, models.TextField))):
            if f.concrete and not f.is_relation and _vary(f, getattr(obj, f.attname), 1) is not None:
                varied.add(f.attname)
                break
    rows = []
    for i in range(1, n + 1):
        values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
        for name in varied:
            values[name] = _vary(model._meta.get_field(name), values[name], i)
        rows.append(model(**values))
    model.objects.bulk_create(rows)


def _price(world):
    from carbonms.ledger.models import PriceQuote

    return PriceQuote.objects.create(park=world.park_a, enterprise=world.e1.enterprise, date=dt.date(2025, 1, 2),
                                     product="CEA", close=90, source="上海环境能源交易所", entered_by=world.users["park_admin"])


def _task(world):
    from carbonms.conformity.models import Task

    return Task.objects.create(park=world.park_a, user=world.users["park_admin"], kind=Task.Kind.NOTICE, ref="scale-1", title="任务",
                               url="/", due_on=dt.date(2030, 1, 1))


def _made(world, name):
    """Run the target of matrix page ``name`` for E1 (or the maker ``name(world)``) and give the record it made."""
    if callable(name):
        return name(world)
    before = set(world.e1.extra)
    MATRIX[name].target(world, world.e1)
    made = [world.e1.extra[k] for k in world.e1.extra if k not in before]
    assert made, f"{name}: its target made no record"
    return made[-1]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_page_shows_100_rows_and_a_next_page(world, name):
    made_by, params = LISTS[name] if isinstance(LISTS[name], tuple) else (LISTS[name], {})
    obj = _made(world, made_by)
    model = type(obj)
    params = params(obj) if callable(params) else params
    copies(obj, ROWS - 1)
    client = Client()
    client.force_login(world.users["park_admin"])
    case = MATRIX[name]
    url = reverse(name, kwargs=case.target(world, world.e1) if case.target else {})
    first = client.get(url, params)
    assert first.status_code == 200
    listing = first.context["listing"]
    total = listing.page.paginator.count
    assert model.objects.filter(pk=obj.pk).exists() and total >= ROWS, (name, total)
    assert len(listing.rows) == 100 and listing.page.has_next()
    assert b"page=2" in first.content
    second = client.get(url, {**params, "page": 2})
    assert second.status_code == 200
    assert len(second.context["listing"].rows) == total - 100
    assert not {r.pk for r in listing.rows if hasattr(r, "pk")} & {r.pk for r in second.context["listing"].rows
                                                                   if hasattr(r, "pk")}
