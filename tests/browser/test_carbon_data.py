"""Issue 4 end to end in a real browser: a clerk downloads the workbook, fills it, imports it (sees and
fixes the errors), attaches an invoice and submits; a reviewer approves; the park officer runs the park
inventory and drills down from the park total to the invoice."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2030  # a year without demo data


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def _new():
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url,
                                  accept_downloads=True)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _new
    for c in contexts:
        c.close()


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_clerk_imports_reviewer_approves_officer_drills_to_the_invoice(new_page, demo_park, login, shot, tmp_path):
    from carbonms.accounts.models import User
    from carbonms.carbondata.models import ActivityRecord, Source

    clerk_user = User.objects.get(username="clerk")
    ent = clerk_user.role_assignments.first().enterprise
    sources = list(Source.objects.filter(enterprise=ent, status="active").order_by("code"))

    # 1. The clerk downloads the workbook of the year from the import page.
    clerk = login(new_page(), "clerk")
    with clerk.expect_navigation():
        clerk.click("[data-nav=import]")
    assert clerk.locator("h1").inner_text() == "导入活动数据"
    clerk.goto(clerk.url.split("?")[0] + f"?year={YEAR}")
    with clerk.expect_download() as dl:
        clerk.click("[data-testid=download-workbook]")
    path = tmp_path / "workbook.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    ws = wb["活动数据"]
    assert [c.value for c in ws[1]][:6] == ["排放源编码", "排放源名称", "类别", "月份", "活动数据", "单位"]
    # fill January of every source, with two mistakes
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=4).value == 1}
    for i, s in enumerate(sources):  # a carbon balance's outputs stay small, so that the balance is not negative
        ws.cell(row=rows[s.code], column=5, value=1 if s.method == "mass_balance" and s.direction == "output" else 100 + i)
    first = rows[sources[0].code]
    ws.cell(row=first, column=5, value="一百")
    ws.cell(row=rows[sources[1].code], column=6, value="kWh" if sources[1].activity_unit == "t" else "kg")
    bad = tmp_path / "filled-with-errors.xlsx"
    bad.write_bytes(_save(wb))

    # 2. Import: the dry run lists every error with sheet, row, column and reason, and saves nothing.
    clerk.set_input_files("input[type=file]", str(bad))
    clerk.fill("#id_year", str(YEAR))
    with clerk.expect_navigation():
        clerk.click("button:has-text('校验文件')")
    clerk.wait_for_selector("[data-testid=import-errors]")
    errors = clerk.locator("[data-testid=import-errors] tbody tr").all_inner_texts()
    assert len(errors) == 2, errors
    assert "活动数据" in errors[0] and str(first) in errors[0] and "“一百”是文字，不是数字。" in errors[0]
    assert "错误" in errors[1] and "单位" in errors[1]
    assert clerk.locator("[data-testid=import-status]").inner_text() == "已拒绝（有错误）"
    shot(clerk, "carbondata-import-errors-zh")
    assert not ActivityRecord.objects.filter(year=YEAR).exists()

    # 3. The fixed file validates and is imported in one go.
    ws.cell(row=first, column=5, value=100)
    ws.cell(row=rows[sources[1].code], column=6, value=sources[1].activity_unit)
    good = tmp_path / "filled.xlsx"
    good.write_bytes(_save(wb))
    with clerk.expect_navigation():
        clerk.click("text=上传更正后的文件")
    clerk.set_input_files("input[type=file]", str(good))
    with clerk.expect_navigation():
        clerk.click("button:has-text('校验文件')")
    clerk.wait_for_selector("[data-testid=commit-import]")
    shot(clerk, "carbondata-import-validated-zh")
    with clerk.expect_navigation(wait_until="networkidle"):
        clerk.click("[data-testid=commit-import]")
    assert re.search(r"/data/enterprises/\d+/activity/\?year=" + str(YEAR), clerk.url)
    assert ActivityRecord.objects.filter(year=YEAR, origin="import", status="draft").count() == len(sources)

    # 4. An invoice hangs on the diesel (or first) value; then everything is submitted for review.
    target = next((s for s in sources if s.data_source == "invoice"), sources[0])
    rec = ActivityRecord.objects.get(source=target, year=YEAR, month=1)
    clerk.goto(f"/data/activity/{rec.pk}/evidence/new/")
    clerk.select_option("#id_kind", "invoice")
    invoice = tmp_path / "增值税专用发票-2030-01.pdf"
    invoice.write_bytes(b"%PDF-1.4\n% invoice 2030-01\n")
    clerk.set_input_files("#id_file", str(invoice))
    clerk.fill("#id_description", "1月采购发票")
    with clerk.expect_navigation():
        clerk.click("button:has-text('保存')")
    assert clerk.locator("[data-testid=evidence]").count() == 1
    clerk.goto(f"/data/enterprises/{ent.pk}/activity/?year={YEAR}")
    shot(clerk, "carbondata-grid-drafts-zh")
    with clerk.expect_navigation():
        clerk.click("button:has-text('保存并提交审核')")
    clerk.wait_for_selector("[data-testid=findings]")  # completeness against the plan: Feb–Dec are missing only when submitted
    shot(clerk, "carbondata-grid-submitted-zh")
    assert ActivityRecord.objects.filter(year=YEAR, status="submitted").count() == len(sources)

    # 5. The reviewer approves in the review queue.
    reviewer = login(new_page(), "reviewer")
    with reviewer.expect_navigation():
        reviewer.click("[data-nav=review]")
    reviewer.wait_for_url("**/data/review/")
    reviewer.wait_for_selector("tbody tr[data-record]")  # count() does not wait for the page to arrive
    assert reviewer.locator("tbody tr[data-record]").count() >= len(sources)
    shot(reviewer, "carbondata-review-queue-zh")
    for pk in ActivityRecord.objects.filter(year=YEAR, status="submitted").values_list("pk", flat=True):
        reviewer.check(f"input[name=record][value='{pk}']")
    with reviewer.expect_navigation(wait_until="networkidle"):
        reviewer.click("button:has-text('审核通过所选')")
    assert ActivityRecord.objects.filter(year=YEAR, status="approved").count() == len(sources)

    # 6. The park officer runs the park inventory and drills down to the invoice.
    officer = login(new_page(), "park_officer")
    with officer.expect_navigation():
        officer.click("[data-nav=park_inventory]")
    officer.goto(officer.url.split("?")[0] + f"?year={YEAR}")
    with officer.expect_navigation():
        officer.click("[data-testid=run-calculation]")
    officer.wait_for_selector("[data-testid=provenance]")
    officer.wait_for_selector("[data-chart] svg")
    shot(officer, "inventory-park-run-zh")
    with officer.expect_navigation():
        officer.click("[data-testid=total-gross] a")
    with officer.expect_navigation():
        officer.click(f"[data-testid=src-{target.code}] >> nth=0")
    shot(officer, "inventory-drill-source-zh")
    with officer.expect_navigation():
        officer.click(f"[data-testid=result-{target.code}-1]")
    prov = officer.locator("[data-testid=provenance]").inner_text()
    assert "版本 1" in prov and rec.source.material in prov and "SAR" in prov
    link = officer.locator("[data-testid=evidence-link]")
    assert "增值税专用发票-2030-01.pdf" in link.inner_text()
    shot(officer, "inventory-result-provenance-zh")
    resp = officer.request.get(link.get_attribute("href"))
    assert resp.ok and resp.body().startswith(b"%PDF-1.4\n% invoice 2030-01")
