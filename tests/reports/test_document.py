"""The report document model and its two renderers (issue 15 item 1): figures with separators, missing data named,
Chinese set in a CJK font in both formats, header rows that repeat, charts drawn."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn

from carbonms.reports.document import Chart, MissingData, Report, Table, fmt_pct, fmt_t, need
from carbonms.reports.render import DOCX_EAST_ASIA, chart_png, pdf_pages, render, to_docx, to_html, to_pdf


def sample() -> Report:
    r = Report("碳排放核算报告", subtitle="示例企业 · 2025 年度", issuer="示例园区", date="2026-12-02",
               facts=[("统一社会信用代码", "91320600158813992T")], draft_mark="草稿")
    s = r.section("一、基本情况")
    s.add("本报告依据国家行业核算指南编制。")
    s.add(Table(["类别", "tCO₂e"], [["固定燃烧", fmt_t(1512819.126)]] * 80 + [["合计", fmt_t(1600000)]],
                numeric=(1,), total_row=True, caption="按类别"))
    s.add(Chart("bar", "逐月排放量", [str(m) for m in range(1, 13)], {"tCO₂e": [float(m) for m in range(1, 13)]}))
    return r


def test_figures_have_separators_and_two_decimals():
    assert fmt_t(1512819.126) == "1,512,819.13"
    assert fmt_t("304793") == "304,793.00"
    assert fmt_t(None) == "—"
    assert fmt_pct(0.9561) == "95.6 %"


def test_need_names_the_missing_placeholder():
    assert need("x", "a") == "x"
    with pytest.raises(MissingData) as exc:
        need("  ", "enterprise.credit_code", "no code")
    assert exc.value.name == "enterprise.credit_code" and "no code" in str(exc.value)


def test_docx_sets_the_east_asian_font_on_every_run_and_repeats_headers():
    doc = Docx(io.BytesIO(to_docx(sample())))
    runs = [run for p in doc.paragraphs for run in p.runs if run.text.strip()]
    runs += [run for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs for run in p.runs
             if run.text.strip()]
    assert len(runs) > 150
    missing = [r.text for r in runs if r._element.rPr is None or r._element.rPr.rFonts is None
               or r._element.rPr.rFonts.get(qn("w:eastAsia")) != DOCX_EAST_ASIA]
    assert missing == []
    table = doc.tables[1]  # the facts table comes first
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[1].text == "tCO₂e" and table.rows[-1].cells[1].text == "1,600,000.00"
    with zipfile.ZipFile(io.BytesIO(to_docx(sample()))) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the chart


def test_pdf_embeds_a_cjk_font_repeats_the_header_and_spans_pages():
    report = sample()
    data = to_pdf(report, uncompressed=True)
    assert data.startswith(b"%PDF")
    assert b"Noto-Sans-CJK-SC" in data  # Chinese is set in the CJK font, never a Latin fallback
    assert pdf_pages(report) >= 2
    html = to_html(report)
    assert "1,512,819.13" in html and "草稿" in html
    from weasyprint import HTML

    pages = HTML(string=html).render().pages
    assert len(pages) >= 2
    second = _texts(pages[1]._page_box)
    assert "类别" in second and "固定燃烧" in second  # the table continues on page 2 under its header row


def _texts(box) -> list[str]:
    out = [box.text] if hasattr(box, "text") else []
    for child in getattr(box, "children", []):
        out += _texts(child)
    return out


def test_chart_is_a_png_in_a_cjk_font(recwarn):
    png = chart_png(Chart("pie", "构成", ["电力", "燃煤"], {"x": [2.0, 1.0]}))
    assert png.startswith(b"\x89PNG")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown report format"):
        render(sample(), "odt")
