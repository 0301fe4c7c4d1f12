"""Demo evidence that looks like what a verifier opens (issue 15 item 4): real PDF files for a sample of records in
every enterprise — an electricity bill, a fuel invoice, a production or energy ledger with daily entries summing to
the month, a meter-reading record, calibration certificates and a lab report — instead of one placeholder file.

Each document is printed with the report renderer and marked on every page as a demo sample, so that nobody takes
it for a real invoice; prices are demo figures, not market data. Registered as a demo extension (order 60: after the
core park, before the apps that build on it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile

from carbonms.carbondata.models import ActivityRecord, Calibration, Evidence, LabAnalysis

from .document import Facts, Report, Table, fmt_number
from .render import to_pdf

MARK = "演示样例 · 非真实票据 / DEMO SAMPLE, NOT A REAL DOCUMENT"
#: demo unit prices (yuan per activity unit) and VAT rates by material: illustrative figures for the demo only
PRICES = {
    "电力": (Decimal("650"), Decimal("0.13"), "国网江苏省电力有限公司南通供电分公司", "千瓦时", Decimal("1000")),
    "天然气": (Decimal("35000"), Decimal("0.09"), "南通华润燃气有限公司", "立方米", Decimal("10000")),
    "热力": (Decimal("62"), Decimal("0.09"), "江海经济技术开发区公用设施管理中心", "吉焦", Decimal("1")),
    "柴油": (Decimal("7850"), Decimal("0.13"), "中国石化销售股份有限公司江苏南通石油分公司", "吨", Decimal("1")),
    "汽油": (Decimal("8900"), Decimal("0.13"), "中国石化销售股份有限公司江苏南通石油分公司", "吨", Decimal("1")),
    "烟煤": (Decimal("920"), Decimal("0.13"), "国能销售集团华东能源有限公司", "吨", Decimal("1")),
}
CENT = Decimal("0.01")
#: how many calibration certificates and lab reports the demo prints (each PDF costs about a third of a second)
CALIBRATIONS = 4
LAB_REPORTS = 1


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _store_evidence(record: ActivityRecord, kind: str, name: str, description: str, data: bytes, uploader) -> Evidence:
    ev = Evidence(enterprise=record.enterprise, activity=record, kind=kind, original_name=name,
                  sha256=hashlib.sha256(data).hexdigest(), description=description, uploaded_by=uploader)
    ev.file.save(name, ContentFile(data), save=False)
    ev.save()
    return ev


def invoice(record: ActivityRecord, rng: random.Random) -> tuple[str, bytes]:
    """A VAT invoice or an electricity bill for one month's purchase."""
    src, ent = record.source, record.enterprise
    price, vat, seller, unit_zh, per = PRICES[src.material]
    quantity = record.amount * per  # in the invoice's own unit (kWh, m³, GJ, t)
    unit_price = _money(price / per * 100) / 100 if per > 1 else price
    net = _money(quantity * unit_price)
    tax = _money(net * vat)
    last_day = (dt.date(record.year, record.month % 12 + 1, 1) if record.month < 12 else dt.date(record.year + 1, 1, 1)) \
        - dt.timedelta(days=1)
    number = f"{rng.randint(10000000, 99999999)}"
    title = "电费结算单及增值税专用发票" if src.material == "电力" else "增值税专用发票"
    r = Report(title, subtitle=f"发票号码 {number} · 开票日期 {last_day:%Y-%m-%d}", draft_mark=MARK,
               footer=f"{ent.short_name or ent.name} · {src.code}")
    r.facts = [("购买方", ent.name), ("纳税人识别号", ent.credit_code), ("地址", ent.address or "—"), ("销售方", seller),
               ("计费期间", f"{record.year}-{record.month:02d}-01 至 {last_day:%Y-%m-%d}")]
    s = r.section("货物或应税劳务、服务")
    s.add(Table(["名称", "单位", "数量", "单价（元）", "金额（元）", "税率", "税额（元）"],
                [[f"*{src.material}*{src.name}", unit_zh, fmt_number(quantity, 3), fmt_number(unit_price, 4),
                  fmt_number(net), f"{int(vat * 100)}%", fmt_number(tax)],
                 ["合计", "", "", "", fmt_number(net), "", fmt_number(tax)]],
                numeric=(2, 3, 4, 6), total_row=True, widths=(2.4, 0.7, 1.2, 1, 1.3, 0.6, 1.1)))
    s.add(f"价税合计（小写）：¥{fmt_number(net + tax)}")
    s.add(f"本期数量与台账/计量数据一致：{fmt_number(record.amount, 3)} {record.unit}（{src.code} {record.year} 年 "
          f"{record.month} 月）。")
    return f"发票-{src.code}-{record.year}{record.month:02d}.pdf", to_pdf(r)


def daily_entries(total: Decimal, year: int, month: int, rng: random.Random) -> list[Decimal]:
    """One entry per day of the month, to the thousandth, summing exactly to ``total``."""
    first = dt.date(year, month, 1)
    days = ((dt.date(year, month + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)) - first).days
    weights = [Decimal(str(rng.uniform(0.85, 1.15))) for _ in range(days)]
    whole = sum(weights)
    entries = [(total * w / whole).quantize(Decimal("0.001")) for w in weights]
    entries[-1] += total - sum(entries)  # the ledger closes on the recorded monthly figure
    return entries


def ledger(record: ActivityRecord, rng: random.Random) -> tuple[str, bytes]:
    """A daily production or energy ledger whose entries sum exactly to the month's activity value."""
    src, ent = record.source, record.enterprise
    first = dt.date(record.year, record.month, 1)
    entries = daily_entries(record.amount, record.year, record.month, rng)
    kind = "计量数据导出及抄表记录" if src.data_source == "meter" else "生产台账"
    r = Report(f"{src.name}{kind}", subtitle=f"{ent.name} · {record.year} 年 {record.month} 月", draft_mark=MARK,
               footer=f"{src.code}")
    rows = [[(first + dt.timedelta(days=i)).isoformat(), fmt_number(v, 3), record.unit, "值班员" if i % 2 else "班长"]
            for i, v in enumerate(entries)]
    rows.append(["本月合计", fmt_number(sum(entries), 3), record.unit, ""])
    r.section("逐日记录").add(Table(["日期", "数量", "单位", "记录人"], rows, numeric=(1,), total_row=True,
                                   widths=(1.2, 1.2, 0.8, 0.8)))
    label = "抄表" if src.data_source == "meter" else "台账"
    return f"{label}-{src.code}-{record.year}{record.month:02d}.pdf", to_pdf(r)


def calibration_certificate(cal: Calibration) -> tuple[str, bytes]:
    inst = cal.instrument
    r = Report("检定证书", subtitle=f"证书编号 {cal.certificate_no}", issuer=cal.body or "计量检定机构", draft_mark=MARK)
    r.facts = [("送检单位", inst.enterprise.name), ("计量器具名称", inst.name), ("型号规格", inst.model_number or "—"),
               ("准确度等级", inst.accuracy_class or "—"), ("安装位置", inst.location or "—"),
               ("检定日期", cal.performed_on.isoformat()), ("有效期至", cal.due_on.isoformat()),
               ("检定结论", "合格" if cal.passed else "不合格")]
    r.section("检定依据与结果").add(Facts([
        ("检定依据", "JJG 596-2012《电子式交流电能表》" if inst.instrument_type == "electricity" else "相应国家计量检定规程"),
        ("检定环境", "温度 (20±2) ℃，相对湿度 45%–75%"), ("基本误差", "在允许误差范围内")]))
    return f"检定证书-{cal.certificate_no}.pdf", to_pdf(r)


def lab_report(analysis: LabAnalysis) -> tuple[str, bytes]:
    src = analysis.source
    r = Report("化验分析报告", subtitle=f"{src.enterprise.name} · {analysis.year} 年 {analysis.month} 月", draft_mark=MARK,
               footer=src.code)
    r.facts = [("样品", f"{src.material}（{analysis.batch or '月度混合样'}）"), ("代表数量", f"{fmt_number(analysis.weight, 3)}"),
               ("检测项目", analysis.get_parameter_display()), ("检测方法", "GB/T 476 / GB/T 213 或相应行业标准")]
    r.section("检测结果").add(Table(["项目", "结果", "单位"], [[analysis.get_parameter_display(),
                                                            fmt_number(analysis.value, 4), analysis.unit]], numeric=(1,)))
    return f"化验报告-{src.code}-{analysis.year}{analysis.month:02d}.pdf", to_pdf(r)


def build(park, enterprises, *, year: int | None = None, seed: int = 2026) -> dict:
    """Evidence PDFs for the demo park: one document per enterprise for a January record of the demo year (a bill or
    invoice where the material is bought, otherwise the ledger or meter record), calibration certificates and lab
    reports. Returns counts."""
    from django.utils import timezone

    year = year or timezone.localdate().year - 1
    rng = random.Random(seed)
    counts = {"evidence": 0, "certificates": 0, "lab_reports": 0}
    for i, ent in enumerate(enterprises):
        records = (ActivityRecord.objects.filter(enterprise=ent, year=year, month=1, is_current=True)
                   .select_related("source", "enterprise", "entered_by").order_by("source__code"))
        priced = [r for r in records if r.source.material in PRICES]
        others = [r for r in records if r.source.material not in PRICES]
        pick = priced[0] if priced and (i % 2 == 0 or not others) else (others[0] if others else None)
        if pick is None:
            continue
        if pick.source.material in PRICES:
            name, data = invoice(pick, rng)
            kind, what = Evidence.Kind.INVOICE, f"{pick.source.name}{pick.year}年{pick.month}月发票"
        else:
            name, data = ledger(pick, rng)
            kind = Evidence.Kind.METER if pick.source.data_source == "meter" else Evidence.Kind.LEDGER
            what = f"{pick.source.name}{pick.year}年{pick.month}月台账"
        _store_evidence(pick, kind, name, what, data, pick.entered_by)
        counts["evidence"] += 1
    cals = (Calibration.objects.filter(instrument__enterprise__park=park, certificate="")
            .select_related("instrument__enterprise").order_by("instrument__enterprise_id", "pk")[:CALIBRATIONS])
    for cal in cals:
        name, data = calibration_certificate(cal)
        cal.certificate.save(name, ContentFile(data), save=True)
        counts["certificates"] += 1
    for analysis in (LabAnalysis.objects.filter(source__enterprise__park=park, year=year)
                     .select_related("source__enterprise").order_by("pk")[:LAB_REPORTS]):
        name, data = lab_report(analysis)
        record = ActivityRecord.objects.filter(source=analysis.source, year=analysis.year, month=analysis.month,
                                               is_current=True).select_related("entered_by").first()
        ev = Evidence(enterprise=analysis.source.enterprise, lab_analysis=analysis, activity=record,
                      kind=Evidence.Kind.LAB_REPORT, original_name=name, sha256=hashlib.sha256(data).hexdigest(),
                      description=f"{analysis.source.material}{analysis.get_parameter_display()}化验报告",
                      uploaded_by=record.entered_by if record else None)
        ev.file.save(name, ContentFile(data), save=False)
        ev.save()
        counts["lab_reports"] += 1
    return counts


def build_demo(park, enterprises) -> None:
    """The demo extension's entry point."""
    build(park, enterprises)
