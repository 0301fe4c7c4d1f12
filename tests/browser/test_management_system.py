"""The management system in a real browser, on the demo park: policy approval, an internal audit to a
finding, a corrective action closed with its effectiveness review, a management review from live
data, and the conformity page changing when evidence appears. Screenshots in test-artifacts/."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _steel():
    from carbonms.organizations.models import Enterprise

    return Enterprise.objects.get(name="江海特钢集团有限公司")


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def _today(n=0):
    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_write_and_approve_a_policy(page, demo_park, login, shot):
    login(page, "ent_admin")
    page.goto("/ms/")
    assert re.search(rf"/ms/ent-{_steel().pk}/$", page.url)
    shot(page, "ms-home-zh")
    with page.expect_navigation():
        page.click(f"a[href='/ms/ent-{_steel().pk}/policy/']")
    with page.expect_navigation():
        page.click("[data-testid=new-policy]")
    page.fill("#id_text", "绿色发展、低碳转型；依法合规、数据真实；2028年吨钢碳排放强度较2020年下降18%。")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("h1").inner_text().endswith("v2")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    assert page.locator("[data-testid=policy-status]").inner_text() == "已提交审批"
    policy_url = page.url
    # The page offers only the steps the service allows (issue 9): not approval to the policy's author ...
    assert page.locator("[data-testid=approve]").count() == 0
    _logout(page)
    login(page, "clerk")  # ... nor to a data clerk, who is not top management
    page.goto(policy_url)
    assert page.locator("[data-testid=approve]").count() == 0
    shot(page, "policy-approval-not-offered-zh")
    _logout(page)
    login(page, "reviewer")  # 杨核 is appointed as top management in the demo
    page.goto(policy_url)
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    assert page.locator("[data-testid=policy-status]").inner_text() == "已批准（生效）"
    shot(page, "policy-approved-zh")
    page.goto(f"/ms/ent-{_steel().pk}/policy/")
    assert page.locator("tbody tr").nth(1).locator(".badge").inner_text() == "已被替代"


def test_plan_and_run_an_internal_audit_to_a_finding(page, demo_park, login, shot):
    login(page, "auditor")
    page.goto(f"/audit/ent-{_steel().pk}/audits/")
    with page.expect_navigation():
        page.click("[data-testid=plan-audit]")
    page.fill("#id_title", "专项内审：数据质量")
    page.fill("#id_objective", "验证碳排放数据管理程序的有效性")
    page.get_by_label("质量安全部").check()  # the auditor's own department
    page.select_option("#id_lead", label="吴内审")
    page.get_by_label("吴内审").check()
    page.fill("#id_planned_start", _today(1))
    page.fill("#id_planned_end", _today(2))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    err = page.locator("[data-field=team] .errorlist")
    assert "自己的区域" in err.inner_text()
    shot(page, "audit-own-area-refused-zh")
    page.get_by_label("质量安全部").uncheck()
    page.get_by_label("炼钢厂").check()
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=audit-status]").inner_text() == "已策划"
    with page.expect_navigation():
        page.click("[data-testid=generate-checklist]")
    assert page.locator("tr[data-clause='9.2']").count() == 1
    with page.expect_navigation():
        page.locator("tr[data-clause='8.2.4'] a.btn").click()
    page.select_option("#id_kind", "nonconformity")
    page.fill("#id_description", "监测计划未覆盖新增的3号加热炉")
    page.fill("#id_evidence", "现场查看监测计划第2版，无3号加热炉")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    finding = page.locator("[data-testid=finding]")
    assert finding.count() == 1 and "3号加热炉" in finding.inner_text()
    assert re.search(r"NC-\d{4}-\d{3}", finding.inner_text())
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "audit-finding-zh")


def test_raise_and_close_a_corrective_action_with_an_effectiveness_review(page, demo_park, login, shot):
    login(page, "ent_admin")
    page.goto(f"/audit/ent-{_steel().pk}/nonconformities/")
    with page.expect_navigation():
        page.click("[data-testid=raise-nc]")
    page.fill("#id_title", "客户投诉：碳足迹数据前后不一致")
    page.select_option("#id_source", "complaint")
    page.fill("#id_description", "客户指出两次提供的热轧卷碳足迹相差8%")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    with page.expect_navigation():
        page.click("[data-testid=close-nc]")
    assert page.locator(".messages .error").count() >= 1
    with page.expect_navigation():
        page.click("[data-testid=edit-nc]")
    page.fill("#id_correction", "重新核算并向客户发送更正说明")
    page.fill("#id_five_whys", "1.为何不一致？核算边界不同。2.为何边界不同？无统一方法说明。")
    page.fill("#id_root_cause", "产品碳足迹核算方法未文件化")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    with page.expect_navigation():
        page.click("[data-testid=close-nc]")
    assert "没有有效性评审" in page.locator(".messages").inner_text()
    shot(page, "nc-close-refused-zh")
    with page.expect_navigation():
        page.click("[data-testid=add-action]")
    page.fill("#id_description", "编制产品碳足迹核算作业指导书")
    page.select_option("#id_owner", label="陈刚")
    page.fill("#id_due_on", _today(10))
    page.fill("#id_done_on", _today(0))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.fill("#id_effectiveness_review", "复核最近两次客户报送数据，方法一致")
    page.check("#id_effective")
    with page.expect_navigation():
        page.click("[data-testid=review-effectiveness]")
    assert page.locator("[data-testid=nc-status]").inner_text() == "有效性评审"
    with page.expect_navigation():
        page.click("[data-testid=close-nc]")
    assert page.locator("[data-testid=nc-status]").inner_text() == "已关闭"
    shot(page, "nc-closed-zh")


def test_management_review_inputs_come_from_live_data(page, demo_park, login, shot):
    login(page, "ent_admin")
    page.goto(f"/audit/ent-{_steel().pk}/reviews/")
    with page.expect_navigation():
        page.click("[data-testid=plan-review]")
    page.fill("#id_title", "专题管理评审")
    page.fill("#id_held_on", _today(0))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    ncs = page.locator("[data-input=nonconformities]")
    assert re.search(r"未关闭\s+1\b", ncs.inner_text())
    review_url = page.url
    page.goto(f"/audit/ent-{_steel().pk}/nonconformities/new/")
    page.fill("#id_title", "月度能耗数据迟报")
    page.select_option("#id_source", "monitoring")
    page.fill("#id_description", "10月数据迟报3天")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.goto(review_url)
    with page.expect_navigation():
        page.click("[data-testid=refresh-inputs]")
    assert re.search(r"未关闭\s+2\b", page.locator("[data-input=nonconformities]").inner_text())
    with page.expect_navigation():
        page.click("[data-testid=add-output]")
    page.select_option("#id_category", "improvement")
    page.fill("#id_decision", "上线能耗数据自动采集，消除迟报")
    page.select_option("#id_owner", label="陈刚")
    page.fill("#id_due_on", _today(90))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.fill("#id_minutes", "评审认为数据管理需加强，决定见输出。")
    with page.expect_navigation():
        page.click("[data-testid=hold-review]")
    assert page.locator("[data-testid=review-status]").inner_text() == "已召开"
    expect(page.locator("[data-testid=record-download]")).to_be_visible()
    shot(page, "management-review-zh")


def test_conformity_page_changes_when_evidence_appears(page, demo_park, login, shot):
    login(page, "park_officer")
    url = f"/conformity/park-{demo_park.pk}/t-cses-2023/"
    page.goto(url)
    assert page.locator("tr[data-clause='9.5']").get_attribute("data-status") == "fail"
    score_before = int(page.locator("[data-testid=score]").inner_text().rstrip("%"))
    shot(page, "conformity-before-zh")
    page.goto(f"/audit/park-{demo_park.pk}/reviews/new/")
    page.fill("#id_title", "园区年度管理评审")
    page.fill("#id_held_on", _today(0))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.fill("#id_minutes", "园区碳排放管理体系运行基本有效。")
    with page.expect_navigation():
        page.click("[data-testid=hold-review]")
    page.goto(url)
    # held with its inputs and record but no decision yet: partly, not conforming (issue 11: no flattering)
    assert page.locator("tr[data-clause='9.5']").get_attribute("data-status") == "warn"
    assert int(page.locator("[data-testid=score]").inner_text().rstrip("%")) > score_before
    shot(page, "conformity-after-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    expect(page.get_by_text("Self-assessment score")).to_be_visible()
    shot(page, "conformity-after-en")


def test_task_list_and_evidence_pack(page, demo_park, login, shot):
    login(page, "ent_admin")
    with page.expect_navigation():
        page.click("[data-nav=tasks]")
    assert page.locator("h1").inner_text() == "我的待办"
    assert page.locator("[data-testid=task]").count() >= 1
    shot(page, "tasks-zh")
    with page.expect_navigation():
        page.click("[data-nav=conformity]")
    with page.expect_navigation():
        page.click(f"a[href='/conformity/ent-{_steel().pk}/t-cieccpa-061-2023/']")
    with page.expect_download() as dl:
        page.click("[data-testid=pack]")
    assert dl.value.suggested_filename.endswith(".zip")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    page.goto(f"/ms/ent-{_steel().pk}/")
    expect(page.get_by_text("Compliance obligations").first).to_be_visible()
    shot(page, "ms-home-en")
