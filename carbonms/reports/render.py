"""Render a :class:`~carbonms.reports.document.Report` as DOCX (python-docx) or PDF (WeasyPrint).

Chinese text never falls back to a Latin font: in the DOCX every run of text gets the East Asian font set
explicitly (``w:rFonts/@w:eastAsia``), and the PDF's style sheet names a CJK font stack. Charts are drawn with
matplotlib in a CJK font. Header rows repeat on every page (``w:tblHeader`` in Word, ``<thead>`` in the PDF).

No Django import: used by the web pages, the ``carbonms report`` command and the tests alike.
"""
from __future__ import annotations

import base64
import html
import io
from functools import lru_cache

from docx import Document as Docx
from docx.enum.section import WD_ORIENT  # noqa: F401  (kept for reports that turn pages)
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .document import Chart, Facts, Paragraph, Report, Section, Table

#: the East Asian font of every DOCX run, and the Latin one beside it
CJK_FONT = "Noto Sans CJK SC"
DOCX_EAST_ASIA = "宋体"  # what Chinese Word installations have; LibreOffice maps it to Noto Serif/Sans CJK
DOCX_LATIN = "Times New Roman"
PDF_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
ACCENT = "1F5E4A"  # the product's green, for headings and table headers


def _cell_text(value) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------------------------- charts


@lru_cache(maxsize=1)
def _cjk_font_family() -> str:
    """The CJK font matplotlib can use here ("" when none is installed: Chinese labels then show boxes)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for candidate in (CJK_FONT, "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Micro Hei", "SimHei"):
        if candidate in names:
            return candidate
    return ""


def chart_png(chart: Chart, *, width_in: float = 6.3, height_in: float = 3.0, dpi: int = 160) -> bytes:
    """The chart as a PNG, drawn with matplotlib (Agg) in a CJK font."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    family = _cjk_font_family()
    rc = {"font.size": 8, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]  # DejaVu for the glyphs CJK fonts lack (₂)
    palette = ["#1F5E4A", "#3E8E6E", "#7FBF9F", "#D9A441", "#C0603C", "#5B7DB1", "#8E8E8E", "#B5B5B5"]
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
        try:
            labels = list(chart.labels)
            names = list(chart.series)
            thousands = FuncFormatter(lambda v, _p: f"{v:,.0f}")
            if chart.kind == "pie":
                values = chart.series[names[0]]
                ax.pie(values, labels=labels, autopct="%1.1f%%", colors=palette[: len(values)], startangle=90,
                       counterclock=False, wedgeprops={"linewidth": 0.5, "edgecolor": "white"},
                       textprops={"fontsize": 7}, pctdistance=0.75)
                ax.axis("equal")
            elif chart.kind == "barh":
                values = chart.series[names[0]]
                ax.barh(labels[::-1], values[::-1], color=palette[0])
                ax.xaxis.set_major_formatter(thousands)
                ax.set_xlabel(chart.unit)
            elif chart.kind == "line":
                for i, name in enumerate(names):  # positions, not the labels: years are categories here
                    ax.plot(range(len(labels)), chart.series[name], marker="o", markersize=3,
                            color=palette[i % len(palette)], label=name)
                ax.yaxis.set_major_formatter(thousands)
                ax.set_ylabel(chart.unit)
                step = -(-len(labels) // 10)  # a long series of years: every n-th label, so that they stay readable
                ax.set_xticks(range(0, len(labels), step), labels[::step])
                if len(names) > 1:
                    ax.legend(frameon=False)
            else:  # "bar" and "stacked"
                bottom = [0.0] * len(labels)
                n = len(names)
                width = 0.8 if chart.kind == "stacked" or n == 1 else 0.8 / n
                for i, name in enumerate(names):
                    values = chart.series[name]
                    if chart.kind == "stacked":
                        ax.bar(labels, values, bottom=bottom, color=palette[i % len(palette)], label=name, width=width)
                        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
                    else:
                        xs = [x + (i - (n - 1) / 2) * width for x in range(len(labels))]
                        ax.bar(xs, values, width=width, color=palette[i % len(palette)], label=name)
                        ax.set_xticks(range(len(labels)), labels)
                ax.yaxis.set_major_formatter(thousands)
                ax.set_ylabel(chart.unit)
                if n > 1:
                    ax.legend(frameon=False)
                if max((len(x) for x in labels), default=0) > 6:
                    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
            if chart.kind != "pie":
                for side in ("top", "right"):
                    ax.spines[side].set_visible(False)
                ax.grid(axis="y" if chart.kind != "barh" else "x", linewidth=0.3, alpha=0.6)
            ax.set_title(chart.title, fontsize=9)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            return buf.getvalue()
        finally:
            plt.close(fig)


# ----------------------------------------------------------------------------------------------- DOCX


def _set_run_fonts(run, *, size: float | None = None, bold: bool | None = None, color: str | None = None) -> None:
    run.font.name = DOCX_LATIN
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), DOCX_LATIN)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _para(doc_or_cell, text: str, *, size: float = 10.5, bold: bool = False, align=None, color: str | None = None,
          style: str | None = None):
    p = doc_or_cell.add_paragraph(style=style) if style else doc_or_cell.add_paragraph()
    run = p.add_run(text)
    _set_run_fonts(run, size=size, bold=bold, color=color)
    if align is not None:
        p.alignment = align
    return p


def _heading(doc, text: str, level: int):
    p = doc.add_heading(level=level)
    run = p.add_run(text)
    _set_run_fonts(run, size={0: 18, 1: 14, 2: 12}.get(level, 11), bold=True, color=ACCENT)
    return p


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _write_cell(cell, text: str, *, bold: bool = False, right: bool = False, size: float = 9, color: str | None = None):
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    _set_run_fonts(run, size=size, bold=bold, color=color)
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_table(doc, table: Table) -> None:
    if table.caption:
        _para(doc, table.caption, size=9.5, bold=True)
    t = doc.add_table(rows=1, cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    _repeat_header(header)
    for i, h in enumerate(table.headers):
        _write_cell(header.cells[i], _cell_text(h), bold=True, right=i in table.numeric, color="FFFFFF")
        _shade(header.cells[i], ACCENT)
    last = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        cells = t.add_row().cells
        for i, v in enumerate(row):
            _write_cell(cells[i], _cell_text(v), right=i in table.numeric, bold=table.total_row and r == last)
    if table.widths:
        total = sum(table.widths)
        for i, w in enumerate(table.widths):
            for row in t.rows:
                row.cells[i].width = Cm(16.0 * w / total)
    doc.add_paragraph()


def _docx_facts(doc, facts: Facts) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in facts.items:
        cells = t.add_row().cells
        _write_cell(cells[0], _cell_text(label), bold=True)
        _shade(cells[0], "EEF4F1")
        _write_cell(cells[1], _cell_text(value))
        cells[0].width = Cm(4.5)
        cells[1].width = Cm(11.5)
    doc.add_paragraph()


def _docx_blocks(doc, blocks, level: int) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            _para(doc, block.text, size=9 if block.style == "note" else 10.5, bold=block.style == "emphasis",
                  color="555555" if block.style == "note" else None)
        elif isinstance(block, Table):
            _docx_table(doc, block)
        elif isinstance(block, Facts):
            _docx_facts(doc, block)
        elif isinstance(block, Chart):
            doc.add_picture(io.BytesIO(chart_png(block)), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                _para(doc, block.caption, size=9, align=WD_ALIGN_PARAGRAPH.CENTER, color="555555")
        elif isinstance(block, Section):
            _heading(doc, block.title, level + 1)
            _docx_blocks(doc, block.blocks, level + 1)
        else:
            raise TypeError(f"cannot render {type(block).__name__} in a report")


def to_docx(report: Report) -> bytes:
    doc = Docx()
    normal = doc.styles["Normal"]
    normal.font.name = DOCX_LATIN
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_EAST_ASIA)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.2)
    if report.draft_mark or report.footer:
        fp = sec.footer.paragraphs[0]
        run = fp.add_run(" · ".join(x for x in (report.draft_mark, report.footer) if x))
        _set_run_fonts(run, size=8, color="C0603C" if report.draft_mark else "777777")
    if report.draft_mark:
        _para(doc, report.draft_mark, size=11, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, color="C0603C")
    _heading(doc, report.title, 0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.subtitle:
        _para(doc, report.subtitle, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    if report.issuer or report.date:
        _para(doc, "　".join(x for x in (report.issuer, report.date) if x), size=10.5,
              align=WD_ALIGN_PARAGRAPH.CENTER, color="555555")
    if report.facts:
        _docx_facts(doc, Facts(report.facts))
    for s in report.sections:
        _heading(doc, s.title, 1)
        _docx_blocks(doc, s.blocks, 1)
    if report.attachments:
        _heading(doc, report.attachments_title, 1)
        _docx_table(doc, Table(["", "SHA-256"], [[n, h] for n, h in report.attachments], widths=(1, 2)))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------ PDF

_CSS = """
@page { size: A4; margin: 22mm 20mm 20mm 20mm;
        @bottom-center { content: "%(footer)s" counter(page) " / " counter(pages); font-size: 8pt; color: #777; }
        %(draft)s }
html { font-family: %(fonts)s; font-size: 10pt; color: #1d2521; line-height: 1.55; }
h1 { font-size: 19pt; text-align: center; color: #%(accent)s; margin: 0 0 4mm; }
.subtitle { text-align: center; font-size: 12pt; margin: 0; }
.issuer { text-align: center; color: #555; margin: 1mm 0 6mm; }
.draft { text-align: center; color: #C0603C; font-weight: bold; border: 1px solid #C0603C; padding: 2mm; }
h2 { font-size: 13.5pt; color: #%(accent)s; border-bottom: 1.5px solid #%(accent)s; padding-bottom: 1mm;
     margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 11.5pt; color: #%(accent)s; margin: 5mm 0 2mm; break-after: avoid; }
h4 { font-size: 10.5pt; margin: 4mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; text-align: justify; }
p.note { color: #555; font-size: 8.5pt; }
p.emphasis { font-weight: bold; }
table { width: 100%%; border-collapse: collapse; margin: 1mm 0 4mm; font-size: 8.5pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9pt; margin-bottom: 1mm; }
th { background: #%(accent)s; color: white; font-weight: bold; text-align: left; padding: 1.2mm 1.5mm; }
td { border-bottom: 0.5px solid #c9d3ce; padding: 1mm 1.5mm; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
tr.total td { font-weight: bold; border-top: 1px solid #1d2521; }
table.facts td.label { width: 30%%; background: #EEF4F1; font-weight: bold; }
figure { margin: 2mm 0 4mm; text-align: center; break-inside: avoid; }
figure img { width: 100%%; }
figcaption { font-size: 8.5pt; color: #555; }
"""


def _h(text) -> str:
    return html.escape(_cell_text(text))


def _html_table(table: Table) -> str:
    cols = "".join(
        f'<col style="width:{100 * w / sum(table.widths):.1f}%">' for w in table.widths
    ) if table.widths else ""
    head = "".join(f'<th class="{"num" if i in table.numeric else ""}">{_h(h)}</th>' for i, h in enumerate(table.headers))
    body = []
    last = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        cells = "".join(f'<td class="{"num" if i in table.numeric else ""}">{_h(v)}</td>' for i, v in enumerate(row))
        body.append(f'<tr class="{"total" if table.total_row and r == last else ""}">{cells}</tr>')
    caption = f"<caption>{_h(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_blocks(blocks, level: int) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(f'<p class="{block.style}">{_h(block.text)}</p>')
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, Facts):
            rows = "".join(f'<tr><td class="label">{_h(k)}</td><td>{_h(v)}</td></tr>' for k, v in block.items)
            out.append(f'<table class="facts"><tbody>{rows}</tbody></table>')
        elif isinstance(block, Chart):
            data = base64.b64encode(chart_png(block)).decode()
            cap = f"<figcaption>{_h(block.caption)}</figcaption>" if block.caption else ""
            out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{_h(block.title)}">{cap}</figure>')
        elif isinstance(block, Section):
            tag = f"h{min(level + 2, 4)}"
            out.append(f"<{tag}>{_h(block.title)}</{tag}>{_html_blocks(block.blocks, level + 1)}")
        else:
            raise TypeError(f"cannot render {type(block).__name__} in a report")
    return "".join(out)


def to_html(report: Report) -> str:
    footer = " · ".join(x for x in (report.draft_mark, report.footer) if x)
    footer = (footer + "　") if footer else ""
    mark = report.draft_mark.replace('"', "'")
    draft = f'@top-center {{ content: "{mark}"; color: #C0603C; font-weight: bold; }}' if mark else ""
    css = _CSS % {"fonts": PDF_FONT_STACK, "accent": ACCENT, "footer": footer.replace('"', "'"), "draft": draft}
    parts = [f"<!doctype html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>{_h(report.title)}</title>"
             f"<style>{css}</style></head><body>"]
    if report.draft_mark:
        parts.append(f'<p class="draft">{_h(report.draft_mark)}</p>')
    parts.append(f"<h1>{_h(report.title)}</h1>")
    if report.subtitle:
        parts.append(f'<p class="subtitle">{_h(report.subtitle)}</p>')
    if report.issuer or report.date:
        parts.append(f'<p class="issuer">{_h("　".join(x for x in (report.issuer, report.date) if x))}</p>')
    if report.facts:
        parts.append(_html_blocks([Facts(report.facts)], 0))
    for s in report.sections:
        parts.append(f"<h2>{_h(s.title)}</h2>{_html_blocks(s.blocks, 1)}")
    if report.attachments:
        parts.append(f"<h2>{_h(report.attachments_title)}</h2>"
                     + _html_table(Table(["", "SHA-256"], [[n, h] for n, h in report.attachments], widths=(1, 2))))
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(report: Report, *, uncompressed: bool = False) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf(uncompressed_pdf=uncompressed)


def pdf_pages(data: bytes | Report) -> int:
    """The number of pages of a report's PDF (renders the report when given one)."""
    from weasyprint import HTML

    if isinstance(data, Report):
        return len(HTML(string=to_html(data)).render().pages)
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


RENDERERS = {"docx": to_docx, "pdf": to_pdf}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(report: Report, fmt: str) -> bytes:
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(RENDERERS)}") from None
