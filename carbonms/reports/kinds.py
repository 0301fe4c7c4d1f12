"""The report kinds this app builds itself (registered in ``ReportsConfig.ready``)."""
from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbonms.inventory.models import InventoryStatement

from . import accounting
from .document import MissingData
from .registry import ReportKind, register


def _statement(park, enterprise, year: int) -> InventoryStatement:
    from carbonms.inventory.statements import official_statement

    st = official_statement(park=park, year=year, enterprise=enterprise)
    if st is None:
        who = enterprise.name if enterprise is not None else park.name
        raise MissingData("statement", gettext("%(who)s has no approved inventory statement for %(year)d")
                          % {"who": who, "year": year})
    return st


def _attachments(statement) -> list[tuple[str, bytes]]:
    file = accounting.reperformance_file(statement)
    return [file] if file else []


def _name(statement) -> str:
    who = statement.enterprise.credit_code if statement.enterprise_id else f"park-{statement.park_id}"
    return f"accounting-report-{who}-{statement.year}"


def register_all() -> None:
    register(ReportKind(
        key="accounting", label=_("Carbon accounting report"), model=InventoryStatement, resolve=_statement,
        build=accounting.build, identifier=lambda st: f"RPT-ACC-{st.year}", attachments=_attachments,
        filename=_name,
    ))
    from . import assessment, review

    review.register()  # the Annex B review report of a carbon review
    assessment.register()  # the T/CSES 6.3.1 c) assessment report of a statement
