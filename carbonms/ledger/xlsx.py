"""The asset statement as an XLSX workbook (openpyxl): summary and position, the 财会〔2019〕22号 roll-forward (holder
and per instrument), and the lots. Labels follow the active language."""
from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

ROW_LABELS = {
    "opening": "1 期初余额 / Opening", "free": "2(1) 本期增加：免费分配 / Free allocation",
    "purchased": "2(2) 本期增加：购入 / Purchased", "other_in": "2(3) 本期增加：其他 / Other increases",
    "surrendered": "3(1) 本期减少：履约使用 / Surrendered", "sold": "3(2) 本期减少：出售 / Sold",
    "other_out": "3(3) 本期减少：其他 / Other decreases", "closing": "4 期末余额 / Closing",
}


def _n(x):
    return float(x) if x is not None else None


def statement_workbook(st: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    bold = Font(bold=True)
    ws.append([_("Carbon asset statement"), st["holder"], st["year"]])
    ws["A1"].font = bold
    ws.append([_("valuation date"), st["valuation_date"].isoformat()])
    ws.append([_("book value policy"), st["policy"]])
    t = st["totals"]
    ws.append([])
    for label, value in ((_("Held at year end (tCO₂)"), t["quantity_t"]), (_("Book value (CNY)"), t["book_value_yuan"]),
                         (_("Market value (CNY)"), t["market_value_yuan"]), (_("Unrealised gain or loss (CNY)"), t["unrealised_yuan"]),
                         (_("Restricted (tCO₂)"), t["restricted_t"]), (_("Gain or loss on sales (CNY)"), st["sales_gain_yuan"])):
        ws.append([label, _n(value)])
    p = st.get("position")
    if p:
        ws.append([])
        ws.append([_("Compliance position"), p["obligation"]["basis_label"], _("estimate") if p["obligation"]["estimate"] else ""])
        for label, key in ((_("Obligation (tCO₂)"), "obligation_t"), (_("CCER cap (tCO₂)"), "ccer_cap_t"),
                           (_("CCER headroom (tCO₂)"), "ccer_headroom_t"), (_("Surplus (+) or deficit (−) (tCO₂)"), "surplus_deficit_t"),
                           (_("Shortfall (tCO₂)"), "shortfall_t"), (_("Cost to close (CNY)"), "cost_to_close_yuan")):
            ws.append([label, p.get(key)])
        pen = p.get("penalty") or {}
        ws.append([_("Penalty exposure (CNY)"), pen.get("min_yuan"), pen.get("max_yuan"), pen.get("source", "")])
        if p.get("budget"):
            b = p["budget"]
            ws.append([_("Budget: expected purchase cost (CNY)"), b["expected_cost_yuan"], b["low_yuan"], b["high_yuan"]])
    ws.column_dimensions["A"].width = 42

    rf = wb.create_sheet(_("Roll-forward")[:31])
    rf.append([_("row"), _("quantity (tCO₂)"), _("amount (CNY)")])
    for key, label in ROW_LABELS.items():
        rf.append([label, _n(st["rows"][key]["quantity_t"]), _n(st["rows"][key]["amount_yuan"])])
    rf.append([])
    rf.append([_("instrument"), *[ROW_LABELS[k] for k in ROW_LABELS]])
    for pool in st["pools"]:
        name = str(pool["instrument_obj"]) if pool["instrument_obj"] else pool["instrument"]
        rf.append([name, *[_n(pool["rows"][k]["quantity_t"]) for k in ROW_LABELS]])
        rf.append(["", *[_n(pool["rows"][k]["amount_yuan"]) for k in ROW_LABELS]])
    rf.column_dimensions["A"].width = 42

    lots = wb.create_sheet(_("Lots")[:31])
    lots.append([_("instrument"), _("vintage"), _("project"), _("serials"), _("quantity (tCO₂)"), _("book value (CNY)"),
                 _("unit cost (CNY/tCO₂)"), _("price (CNY/tCO₂)"), _("market value (CNY)"), _("unrealised (CNY)"), _("status")])
    for lot in st["lots"]:
        i = lot["instrument"]
        lots.append([i.get_kind_display(), i.vintage, i.project_id, f"{i.serial_first}–{i.serial_last}" if i.serial_first else "",
                     _n(lot["quantity_t"]), _n(lot["book_value_yuan"]), _n(lot["unit_cost_yuan"]), _n(lot["price_yuan_per_t"]),
                     _n(lot["market_value_yuan"]), _n(lot["unrealised_yuan"]),
                     lot["restricted"] or lot["ineligible"] or _("usable")])
    lots.column_dimensions["A"].width = 30
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
