"""The factor card of a result: what a user needs to judge the factor a result used, in plain words.

A result stores the factor's provenance as data (``RunResult.factor``: the library's ``describe()``
plus the run's per-unit values). The card shows the name, the values with their units, the source
document and its year, and the verification status in the user's language; identifiers, per-unit
arrays and compiler's notes stay in the data (and the API), not on the page.
"""
from __future__ import annotations

import re
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def status_label(status: str | None, user_factor: bool = False) -> tuple[str, str]:
    """(plain words, badge colour) for a factor's verification status (see the reference README)."""
    if user_factor:
        if status == "verified":
            return _("verified own factor"), "green"
        return _("own factor, not verified"), "amber"
    labels = {
        "verified": (_("verified against the publisher's text"), "green"),
        "corroborated": (_("widely used default, publisher's text not read"), "amber"),
        "third-party": (_("taken from a third party, not checked against the source"), "amber"),
        "unverified": (_("unverified default"), "red"),
        "user": (_("supplied by the user"), "amber"),
    }
    return labels.get(status or "", (_("status unknown"), "red"))


def source_document(source: str | None) -> str:
    """The document a factor comes from, without the compiler's reference tag and working notes
    (``[G1] 工业其他指南(2015) 附录二 表2.1 | STATUS: recalled, not verified`` → ``工业其他指南(2015) 附录二 表2.1``)."""
    text = (source or "").split(" | ", 1)[0].split("|", 1)[0]
    text = re.sub(r"^\s*\[[^\]]{1,12}\]\s*", "", text)
    return text.strip()


def _num(value: Any, digits: int = 6) -> str:
    if value is None:
        return "—"
    value = float(value)
    text = f"{value:.{digits}g}"
    return number_format(float(text), decimal_pos=None) if "e" not in text else text


def _values(f: dict) -> list[tuple[str, str]]:
    supplied = f.get("supplied") or {}
    rows: list[tuple[str, str]] = []
    if f.get("kind") == "fuel" or "ncv" in f or "ncv" in supplied:
        ncv, ncv_unit = supplied.get("ncv", f.get("ncv")), supplied.get("ncv_unit", f.get("ncv_unit") or "")
        cc = supplied.get("carbon_content", f.get("carbon_content"))
        of = supplied.get("oxidation_rate", f.get("oxidation_rate"))
        if ncv is not None:
            rows.append((_("Net calorific value"), f"{_num(ncv)} {ncv_unit}".strip()))
        if cc is not None:
            rows.append((_("Carbon content"), f"{_num(cc)} tC/GJ"))
        if of is not None:
            rows.append((_("Oxidation rate"), f"{_num(float(of) * 100, 4)} %"))
    value = supplied.get("ef", f.get("value", f.get("ef")))
    if value is not None:
        unit = supplied.get("ef_unit", f.get("unit") or f.get("ef_unit") or "")
        rows.append((_("Emission factor"), f"{_num(value)} {unit}".strip()))
    if "carbon_fraction" in supplied:
        rows.append((_("Carbon fraction"), f"{_num(float(supplied['carbon_fraction']) * 100, 4)} %"))
    if "leakage_rate" in supplied:
        rows.append((_("Leakage rate"), f"{_num(float(supplied['leakage_rate']) * 100, 4)} %"))
    return rows


def factor_card(factor: dict | None, gas: str = "", gwp: Any = None) -> dict:
    """The card of one stored factor entry (a ``RunResult.factor``)."""
    f = dict(factor or {})
    supplied = f.get("supplied") or {}
    measured = bool(supplied.get("measured")) or any(k in supplied for k in ("ncv", "carbon_content", "oxidation_rate"))
    if not f.get("id"):
        status, colour = (_("measured or supplied with the data"), "green") if measured else \
            (_("supplied with the data, not from the factor library"), "amber")
        return {"name": f.get("name") or _("No library factor"), "values": _values(f), "source": "",
                "year": "", "status": status, "status_colour": colour, "measured": measured,
                "version": "", "residual": None}
    status, colour = status_label(f.get("status"), bool(f.get("user_factor")))
    source = source_document(f.get("source"))
    year = f.get("year") or f.get("period") or ""
    if not year:
        m = _YEAR.search(source)
        year = m.group(1) if m else ""
    card = {
        "name": f.get("name") or "",
        "values": _values(f),
        "source": source or _("not stated"),
        "year": str(year),
        "status": status,
        "status_colour": colour,
        "measured": measured,
        "version": pgettext("factor version", "version %(v)s") % {"v": f.get("version")} if f.get("version") else "",
        "region": f.get("region") or "",
        "residual": factor_card(f["residual_mix"]) if f.get("residual_mix") else None,
    }
    if gas and gwp not in (None, ""):
        card["values"].append((_("Global warming potential"), f"{gas} = {_num(gwp)}"))
    return card
