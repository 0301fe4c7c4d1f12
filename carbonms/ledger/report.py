"""The carbon asset statement (碳资产报表, T/CPQS 9.2.4 a)) as a report: DOCX and PDF from the report machinery, and
the XLSX of :mod:`carbonms.ledger.xlsx`, all three through the one ``assets`` report kind.

Every figure comes from :func:`carbonms.ledger.statement.asset_statement` (the roll-forward of 财会〔2019〕22号,
book and market value, restricted lots) and the compliance position it carries (the obligation of
``obligation_statement``, the CCER cap and headroom, surplus or deficit, cost to close, penalty exposure). Nothing
is recomputed here: this module only lays the statement out.

The record of the report is a holder (an enterprise, or the park's own ledger) and a year, not a row: downloads
and filing are on the ledger's statement page (``ledger:statement_report_*``, ``ledger:statement_file_*``), with
the page's access (an enterprise's statement: whoever may see the enterprise; the park's: park staff only).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.reports.document import MissingData, Paragraph, Report, Table, fmt_number, fmt_t

from .services import holder_movements


@dataclass
class AssetStatementRecord:
    """What an asset statement report is made from: the holder, the year, and the valuation the user chose."""

    park: Any
    enterprise: Any  # None: the park's own ledger
    year: int
    quotes: Any = None  # the price table the reader may see (None: the holder's whole table, for the command line)
    on: dt.date | None = None
    prices: dict[str, Decimal] = field(default_factory=dict)

    @property
    def park_id(self) -> int:
        return self.park.pk

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise.pk if self.enterprise is not None else None

    def scope_ids(self) -> tuple[int, int | None]:
        return self.park_id, self.enterprise_id

    @property
    def holder(self):
        return self.enterprise or self.park

    def __str__(self):
        return f"{self.holder.name} · {self.year}"

    def statement(self) -> dict[str, Any]:
        from .models import PriceQuote
        from .selectors import holder_quotes
        from .statement import asset_statement

        quotes = self.quotes if self.quotes is not None else holder_quotes(
            PriceQuote.objects.all(), park=self.park, enterprise=self.enterprise)
        return asset_statement(park=self.park, enterprise=self.enterprise, year=self.year, quotes=quotes, on=self.on,
                               prices=self.prices)


def resolve(park, enterprise, year: int) -> AssetStatementRecord:
    """The holder's statement of ``year``; MissingData when its ledger holds no approved movement up to the year."""
    if not holder_movements(park.pk, enterprise.pk if enterprise else None).filter(date__lte=dt.date(year, 12, 31)).exists():
        who = enterprise.name if enterprise is not None else park.name
        raise MissingData("ledger", _("%(who)s has no approved movements in its carbon asset ledger up to %(year)d")
                          % {"who": who, "year": year})
    return AssetStatementRecord(park=park, enterprise=enterprise, year=year)


def check(actor, record: AssetStatementRecord) -> None:
    """The statement page's access: an enterprise's statement for whoever may see the enterprise; the park's own for
    its park staff (404 for everybody else)."""
    from django.http import Http404

    from carbonms.common import tenancy
    from carbonms.organizations.models import Enterprise, Park

    if record.enterprise is not None:
        tenancy.get_for_user(Enterprise, actor, record.enterprise.pk)
    else:
        tenancy.get_for_user(Park, actor, record.park.pk)
        if not tenancy.is_park_member(actor, record.park.pk):
            raise Http404


def filename(record: AssetStatementRecord) -> str:
    who = record.enterprise.credit_code if record.enterprise is not None else f"park-{record.park.pk}"
    return f"asset-statement-{who}-{record.year}"


def xlsx(record: AssetStatementRecord) -> bytes:
    from .xlsx import statement_workbook

    return statement_workbook(record.statement())


def _yuan(value) -> str:
    return fmt_number(value) if value is not None else "—"


#: the rows of note (5) of 财会〔2019〕22号 and their numbers
ROWS = (("opening", "1"), ("free", "2 (1)"), ("purchased", "2 (2)"), ("other_in", "2 (3)"), ("surrendered", "3 (1)"),
        ("sold", "3 (2)"), ("other_out", "3 (3)"), ("closing", "4"))


def _row_labels() -> dict[str, str]:
    labels = {"opening": _("Opening balance"), "free": _("Increase: free allocation"), "purchased": _("Increase: purchased"),
              "other_in": _("Increase: other"), "surrendered": _("Decrease: surrendered for compliance"),
              "sold": _("Decrease: sold"), "other_out": _("Decrease: other"), "closing": _("Closing balance")}
    return {key: f"{no} {labels[key]}" for key, no in ROWS}


def _lot_name(inst) -> str:
    name = inst.get_kind_display() + (f" {inst.vintage}" if inst.vintage else "")
    return f"{name} · {inst.project_id}" if inst.project_id else name


def _summary(report: Report, st: dict) -> None:
    t = st["totals"]
    s = report.section(_("1. Summary"))
    s.add(Table([_("Item"), _("Value")], [
        [_("Held at the year end (tCO₂)"), fmt_t(t["quantity_t"])],
        [_("Book value (CNY)"), _yuan(t["book_value_yuan"])],
        [_("Market value at the valuation date (CNY)"), _yuan(t["market_value_yuan"])],
        [_("Unrealised gain or loss (CNY)"), _yuan(t["unrealised_yuan"])],
        [_("Restricted: unusable for compliance, valued at nil (tCO₂)"), fmt_t(t["restricted_t"])],
        [_("Held without a price (tCO₂)"), fmt_t(t["unpriced_t"])],
        [_("Gain or loss on sales in the year (CNY)"), _yuan(st["sales_gain_yuan"])],
    ], numeric=(1,), widths=(3, 1.4)))
    from carbonms.assets.ledger import POLICY

    s.add(_("Book value: weighted-average cost per instrument and vintage; purchased at cost with fees, free allocation "
            "at nil (财会〔2019〕22号).") if st["policy"] == POLICY else _("Book value: %(policy)s.") % {"policy": st["policy"]})
    if st["reconciles"]:
        s.add(_("The closing balance of the roll-forward equals the lots held at the year end, in tonnes and in book "
                "value."))
    else:
        s.add(Paragraph(_("The closing balance of the roll-forward does not equal the lots held at the year end."), "emphasis"))
    if st["pending"]:
        s.add(Paragraph(_("%(n)d movements entered and not yet approved are not counted.") % {"n": st["pending"]}, "note"))


def _roll_forward(report: Report, st: dict) -> None:
    s = report.section(_("2. Roll-forward (财会〔2019〕22号, note 5)"))
    labels = _row_labels()
    rows = [[labels[k], fmt_t(st["rows"][k]["quantity_t"]), _yuan(st["rows"][k]["amount_yuan"])] for k, _no in ROWS]
    s.add(Table([_("Row"), _("Quantity (tCO₂)"), _("Amount (CNY)")], rows, numeric=(1, 2), widths=(3, 1.3, 1.5),
                total_row=True, caption=_("The holder")))
    if st["pools"]:
        heads = [_("Instrument"), _("Opening"), _("Increases"), _("Decreases"), _("Closing"), _("Closing book value (CNY)")]
        body = []
        for p in st["pools"]:
            r = p["rows"]
            inc = sum((r[k]["quantity_t"] for k in ("free", "purchased", "other_in")), Decimal(0))
            dec = sum((r[k]["quantity_t"] for k in ("surrendered", "sold", "other_out")), Decimal(0))
            name = _lot_name(p["instrument_obj"]) if p["instrument_obj"] else p["instrument"]
            body.append([name, fmt_t(r["opening"]["quantity_t"]), fmt_t(inc), fmt_t(dec), fmt_t(r["closing"]["quantity_t"]),
                         _yuan(r["closing"]["amount_yuan"])])
        s.add(Table(heads, body, numeric=(1, 2, 3, 4, 5), widths=(2.4, 1.1, 1.1, 1.1, 1.1, 1.4),
                    caption=_("By instrument (tCO₂; closing with its book value)")))
        s.add(Paragraph(_("A carry-over is an other decrease of its vintage and an other increase of the vintage "
                               "it goes into."), "note"))


def _lots(report: Report, st: dict) -> None:
    s = report.section(_("3. Lots at the year end"))
    if not st["lots"]:
        s.add(_("Nothing is held at the year end."))
        return
    body, reasons, quotes = [], {}, {}
    for lot in st["lots"]:
        i = lot["instrument"]
        why = lot["restricted"] or lot["ineligible"]
        if why:
            reasons.setdefault(why, len(reasons) + 1)
        status = (_("restricted") if lot["restricted"] else _("not this year") if lot["ineligible"] else _("usable"))
        status += f" ({reasons[why]})" if why else ""
        serials = f" · {i.serial_first}–{i.serial_last}" if i.serial_first else ""
        price = fmt_number(lot["price_yuan_per_t"]) if lot["price_yuan_per_t"] is not None else "—"
        if lot["quote"] is not None:
            q = lot["quote"]
            quotes[(q.product, q.date)] = f"{q.product} {fmt_number(q.reference_price)} ({q.date:%Y-%m-%d}, {q.source})"
        body.append([_lot_name(i) + serials, fmt_t(lot["quantity_t"]), _yuan(lot["book_value_yuan"]),
                     fmt_number(lot["unit_cost_yuan"]), price, _yuan(lot["market_value_yuan"]), _yuan(lot["unrealised_yuan"]),
                     status])
    t = st["totals"]
    body.append([_("Total of the lots"), fmt_t(t["quantity_t"]), _yuan(t["book_value_yuan"]), "", "",
                 _yuan(t["market_value_yuan"]), _yuan(t["unrealised_yuan"]), ""])
    s.add(Table([_("Lot and serials"), "tCO₂", _("Book value"), _("Unit cost"), _("Price"), _("Market value"),
                 _("Unrealised"), _("Status")], body, numeric=(1, 2, 3, 4, 5, 6),
                widths=(3, 1.1, 1.2, 0.8, 0.7, 1.2, 1.1, 1.3), total_row=True,
                caption=_("Amounts in CNY, prices in CNY per tCO₂")))
    if quotes:
        s.add(Paragraph(_("Prices from the price table: %(quotes)s") % {"quotes": "; ".join(quotes.values())}, "note"))
    for why, n in reasons.items():
        s.add(Paragraph(f"({n}) {why}", "note"))
    s.add(Paragraph(_("Market value at the latest price of the lot's product on or before the valuation date, or "
                      "at the price given; restricted lots are valued at nil."), "note"))


def _position(report: Report, st: dict) -> None:
    s = report.section(_("4. Compliance position %(year)d") % {"year": st["year"]})
    p = st["position"]
    if p is None:
        if not st["covered"]:
            s.add(_("The holder is not a covered entity of the national carbon market: it has no surrender obligation."))
        elif st["rule"] is None:
            s.add(_("The rule table has no compliance rules for %(year)d.") % {"year": st["year"]})
        else:
            s.add(_("No statement of record gives the obligation for %(year)d yet (verified, ETS-basis or verified "
                    "management inventory).") % {"year": st["year"]})
        return
    ob = p["obligation"]
    basis = ob["basis_label"] + (f" · {_('estimate')}" if ob["estimate"] else "")
    pen = p.get("penalty") or {}
    penalty = (f"{_yuan(pen.get('min_yuan'))} – {_yuan(pen.get('max_yuan'))}" if pen.get("min_yuan") is not None else "—")
    cost = _yuan(p["cost_to_close_yuan"]) if p.get("cost_to_close_yuan") is not None else _("no CEA price")
    if p.get("cost_to_close_yuan") is not None and p.get("price_yuan_per_t") is not None:
        cost = f"{cost} (@ {fmt_number(p['price_yuan_per_t'])} CNY/t)"
    s.add(Table([_("Item"), _("Value")], [
        [_("Obligation from"), f"{basis} ({ob['status']}, #{ob['statement_id']})"],
        [_("Obligation (tCO₂)"), fmt_t(p["obligation_t"])],
        [_("Already surrendered for the year (tCO₂)"), fmt_t(p["already_surrendered_t"])],
        [_("Eligible allowances (tCO₂)"), fmt_t(p["allowances_eligible_t"])],
        [_("CCER cap: 5 % of the obligation, whole tonnes (tCO₂)"), fmt_t(p["ccer_cap_t"])],
        [_("CCER headroom: eligible CCER up to the cap (tCO₂)"), fmt_t(p["ccer_headroom_t"])],
        [_("Surplus (+) or deficit (−) (tCO₂)"), fmt_t(p["surplus_deficit_t"])],
        [_("Cost to close the deficit (CNY)"), cost],
        [_("Penalty exposure (CNY)"), penalty],
        [_("Surrender deadline"), p.get("deadline") or "—"],
    ], numeric=(1,), widths=(3, 2)))
    s.add(Paragraph(_("Direct emissions, 1 allowance = 1 tCO₂; holdings as of %(on)s.") % {"on": p["position_on"]}, "note"))
    if pen.get("source"):
        s.add(Paragraph(_("Penalty rule: %(source)s (%(status)s).") % {"source": pen["source"], "status": pen["status"]}, "note"))
    if p.get("excluded_reasons"):
        s.add(Paragraph(_("Excluded from this compliance year: %(reasons)s") % {"reasons": "；".join(p["excluded_reasons"])}, "note"))
    b = p.get("budget")
    if b:
        s.add(_("Budget (T/CPQS 9.2.4 e)): expected purchase of %(t)s t at the chosen price, %(cost)s CNY (%(low)s – "
                "%(high)s CNY at ±%(pct)s %%).") % {"t": fmt_t(b["purchase_t"]), "cost": _yuan(b["expected_cost_yuan"]),
                                                    "low": _yuan(b["low_yuan"]), "high": _yuan(b["high_yuan"]),
                                                    "pct": b["sensitivity_pct"]})


def build(record: AssetStatementRecord) -> Report:
    st = record.statement()
    holder = record.enterprise or record.park
    facts = [(_("Holder"), holder.name)]
    if record.enterprise is not None:
        facts += [(_("Unified social credit code"), record.enterprise.credit_code or "—"),
                  (_("National carbon market covered entity"), _("yes") if st["covered"] else _("no"))]
    facts += [(_("Park"), record.park.name), (_("Year"), str(record.year)),
              (_("Valuation date"), st["valuation_date"].isoformat()),
              (_("Prices given"), "; ".join(f"{k} {fmt_number(v)} CNY/t" for k, v in st["produced_by"]["prices_given"].items())
               or _("the price table")),
              (_("Approved movements counted"), str(st["movements_counted"]))]
    report = Report(title=_("Carbon asset statement"),
                    subtitle=_("%(holder)s · %(year)d") % {"holder": holder.name, "year": record.year},
                    issuer=record.park.name, date=timezone.localdate().isoformat(), facts=facts,
                    footer=_("T/CPQS 9.2.4 a) · computed from the approved ledger movements"))
    _summary(report, st)
    _roll_forward(report, st)
    _lots(report, st)
    _position(report, st)
    return report


def register_kind() -> None:
    """The ``assets`` report kind (registered in ``LedgerConfig.ready``)."""
    from django.utils.translation import gettext_lazy

    from carbonms.reports.registry import ReportKind, register

    register(ReportKind(
        key="assets", label=gettext_lazy("Carbon asset statement"), model=None, resolve=resolve, build=build,
        identifier=lambda record: f"RPT-AST-{record.year}", formats=("docx", "pdf", "xlsx"), filename=filename,
        writers={"xlsx": xlsx}, check=check,
    ))
