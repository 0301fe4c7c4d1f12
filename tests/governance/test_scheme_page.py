"""The page that edits the assessment scheme (issue 14 item 4: criteria, weights, scoring rules, grades). Controlled: a
draft version changes in place; a version used by a round, above all a published one, is refused with the reason
and stays as it was; changes to a version in force are made as a new draft version that the leading group puts in
force. Permissions: park writers only, nothing for enterprise users, 404 for another park's staff (writes too)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carbonms.governance import assessment
from carbonms.governance.models import AssessmentScheme, Criterion
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.governance.test_assessment import _score_all, leading_group, officer, scheme  # noqa: F401  (fixtures)


def _post_data(s: AssessmentScheme, **over) -> dict:
    """The form as the page fills it for ``s``, with ``over`` applied (``c<i>_<field>`` or a scheme field)."""
    data = {"title": s.title, "excellent_min": s.excellent_min, "good_min": s.good_min, "pass_min": s.pass_min,
            "missed_target_cap": s.missed_target_cap, "in_force_from": s.in_force_from or "",
            "rewards": s.rewards, "penalties": s.penalties}
    crits = list(s.criteria.all())
    for i in range(len(crits) + 2):
        c = crits[i] if i < len(crits) else None
        data.update({f"c{i}_code": c.code if c else "", f"c{i}_name": c.name if c else "",
                     f"c{i}_group": c.group if c else "measures", f"c{i}_max_points": c.max_points if c else "",
                     f"c{i}_source": c.source if c else "manual", f"c{i}_rule": c.rule if c else ""})
    data.update(over)
    return data


@pytest.fixture
def draft(world, officer, scheme):  # noqa: F811
    """Version 2 of the default scheme, a draft used by no round."""
    return assessment.scheme_new_version(actor=officer, scheme=scheme, data={})


def _published_round(world, officer, scheme):  # noqa: F811
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    _score_all(officer, rnd)
    assessment.round_submit(actor=officer, round=rnd)
    return assessment.round_approve(actor=officer, round=rnd, approved_on=dt.date(2026, 1, 20))


def test_a_draft_version_is_edited_in_place(world, officer, draft, client):  # noqa: F811
    client.force_login(officer)
    page = client.get(reverse("governance:scheme", args=[draft.pk])).content.decode()
    assert 'data-testid="scheme-edit"' in page
    # B6 loses 5 points to a new criterion B7 in the first empty row; the thresholds rise
    n = draft.criteria.count()
    data = _post_data(draft, c6_max_points="5", good_min="85", **{
        f"c{n}_code": "B7", f"c{n}_name": "绿色采购", f"c{n}_group": "measures", f"c{n}_max_points": "5",
        f"c{n}_source": "manual", f"c{n}_rule": "园区依据采购记录评分。"})
    r = client.post(reverse("governance:scheme_edit", args=[draft.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.good_min == Decimal("85") and draft.status == "draft" and draft.version == 2
    points = dict(draft.criteria.values_list("code", "max_points"))
    assert points["B6"] == Decimal("5") and points["B7"] == Decimal("5") and sum(points.values()) == 100


def test_a_version_used_by_a_published_round_is_refused_with_the_reason(world, officer, scheme, leading_group,  # noqa: F811
                                                                        client):
    rnd = _published_round(world, officer, scheme)
    before = list(scheme.criteria.values_list("code", "max_points", "rule"))
    client.force_login(officer)
    page = client.get(reverse("governance:scheme", args=[scheme.pk])).content.decode()
    assert 'data-testid="scheme-edit"' not in page and 'data-testid="scheme-new-version"' in page
    assert "已发布的 2025 年度考核" in page
    r = client.post(reverse("governance:scheme_edit", args=[scheme.pk]), _post_data(scheme, c0_max_points="30",
                                                                                      c1_max_points="20"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "已用于已发布的 2025 年度考核，不能修改" in body and "另建新版本" in body
    scheme.refresh_from_db()
    assert list(scheme.criteria.values_list("code", "max_points", "rule")) == before
    assert scheme.status == "in_force" and rnd.scheme_id == scheme.pk
    with pytest.raises(Exception) as exc:  # the service refuses too, whoever calls it
        assessment.scheme_update(actor=officer, scheme=scheme, data={}, criteria=[])
    assert "scheme" in exc.value.message_dict


def test_a_version_used_by_a_round_in_progress_is_refused(world, officer, scheme):  # noqa: F811
    assessment.round_open(actor=officer, park=world.park_a, year=2025)
    assert "进行中的 2025 年度考核" in assessment.scheme_change_refusal(scheme)


def test_changes_go_into_a_new_version_that_the_leading_group_puts_in_force(world, officer, scheme, leading_group,  # noqa: F811
                                                                             client):
    _published_round(world, officer, scheme)
    client.force_login(officer)
    r = client.post(reverse("governance:scheme_new_version", args=[scheme.pk]), _post_data(
        scheme, c0_max_points="50", c6_max_points="0", penalties="不合格：约谈并限期整改。"))
    assert r.status_code == 302
    new = AssessmentScheme.objects.get(park=world.park_a, version=2)
    assert new.status == "draft" and new.penalties == "不合格：约谈并限期整改。"
    assert new.criteria.get(code="A1").max_points == 50 and scheme.criteria.get(code="A1").max_points == 40
    # put in force: someone outside the leading group is refused with the reason, the member succeeds
    other = world.users["park_admin"]
    client.force_login(other)
    client.post(reverse("governance:scheme_in_force", args=[new.pk]))
    new.refresh_from_db()
    assert new.status == "draft"
    client.force_login(officer)
    client.post(reverse("governance:scheme_in_force", args=[new.pk]))
    new.refresh_from_db()
    scheme.refresh_from_db()
    assert new.status == "in_force" and scheme.status == "superseded"


def test_bad_input_names_the_field_and_writes_nothing(world, officer, draft, client):  # noqa: F811
    client.force_login(officer)
    url = reverse("governance:scheme_edit", args=[draft.pk])
    r = client.post(url, _post_data(draft, c0_max_points="30"))  # 90 points
    assert r.status_code == 200 and "各考核指标合计 90.0 分，应合计 100 分" in r.content.decode()
    r = client.post(url, _post_data(draft, c7_code="B9", c7_max_points="0"))  # a row without its name
    assert r.status_code == 200 and "考核指标第 8 行" in r.content.decode()
    r = client.post(url, _post_data(draft, good_min="99"))  # good above excellent
    assert r.status_code == 200 and "等级分数线应依次降低" in r.content.decode()
    draft.refresh_from_db()
    assert draft.good_min == Decimal("80") and draft.criteria.get(code="A1").max_points == 40


def test_enterprise_users_and_other_parks_cannot_reach_or_write_it(world, officer, draft, client):  # noqa: F811
    url = reverse("governance:scheme_edit", args=[draft.pk])
    data = _post_data(draft, c0_max_points="35", c6_max_points="15")
    for key in ("enterprise_admin", "viewer"):  # enterprise users read the scheme but never learn of its edit page
        client.force_login(world.users[key])
        assert client.get(reverse("governance:scheme", args=[draft.pk])).status_code == 200
        assert client.get(url).status_code == 404 and client.post(url, data).status_code == 404
        assert client.post(reverse("governance:scheme_new_version", args=[draft.pk]), data).status_code == 404
    client.force_login(world.users["park_viewer"])  # park staff without the permission
    assert client.post(url, data).status_code == 403
    other_park = UserFactory(username="b_officer")
    RoleAssignmentFactory(user=other_park, role="park_carbon_officer", park=world.park_b)
    client.force_login(other_park)  # a foreign id: park A's scheme from park B
    for name in ("scheme_edit", "scheme_new_version", "scheme_in_force"):
        assert client.post(reverse(f"governance:{name}", args=[draft.pk]), data).status_code == 404, name
    draft.refresh_from_db()
    assert draft.criteria.get(code="A1").max_points == 40
    assert AssessmentScheme.objects.filter(park=world.park_a).count() == 2
    assert not Criterion.objects.filter(scheme__park=world.park_b).exists()
