"""The activity-data workbook (docs/data-files.md): generated per enterprise and year, with Chinese
headers, drop-downs (data validation), units, instructions and a template version marker.

Text that comes from users is escaped so that no cell of an export is a formula (formula injection):
see :mod:`carbonms.common.spreadsheet`. The header row is the template version's contract: the import
refuses a workbook whose headers are not :data:`TEMPLATE_HEADERS` of its version, name by name and in
order (docs/data-files.md).
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from carbonms.common.spreadsheet import safe_row, safe_text

from . import output_workbook
from .models import ActivityRecord, Source

TEMPLATE_VERSION = "CarbonMS-AD-1"
DATA_SHEET = "活动数据"
SOURCES_SHEET = "排放源清单"
HELP_SHEET = "填写说明"
META_SHEET = "_meta"
COLUMNS = [  # (key, Chinese header, width)
    ("source", "排放源编码", 14), ("name", "排放源名称", 24), ("category", "类别", 14), ("month", "月份", 8),
    ("amount", "活动数据", 14), ("unit", "单位", 10), ("opening_stock", "期初库存", 12), ("purchased", "购入量", 12),
    ("closing_stock", "期末库存", 12), ("transferred_out", "外销/调出量", 12), ("note", "备注", 30),
]
HEADERS = [c[1] for c in COLUMNS]
#: the header row of every template version the import accepts (the headers are Chinese in every language)
TEMPLATE_HEADERS = {TEMPLATE_VERSION: HEADERS}
UNITS = ["t", "kg", "10^4Nm3", "Nm3", "m3", "L", "GJ", "MJ", "TJ", "kWh", "MWh", "tce", "t steam"]
def build(enterprise, year: int) -> bytes:
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    lines = [
        f"{enterprise.name} {year} 年度活动数据填报表（模板版本 {TEMPLATE_VERSION}）",
        "1. 在“活动数据”工作表中，每个排放源每个月一行，已预填排放源编码、名称、月份和单位。",
        "2. “活动数据”列填写当月消耗量或排放量，只填数字，不要填写公式或文字；不适用的行留空即可。",
        "3. 单位默认为排放源清单中登记的单位；如改用其他单位（如 kg 代替 t），请从下拉列表选择，系统会换算。",
        "4. 使用库存法的燃料可填写期初库存、购入量、期末库存和外销/调出量，系统检查库存是否平衡。",
        "5. 同一排放源同一月份只能出现一次；排放源编码必须属于本企业（见“排放源清单”工作表）。",
        "6. 上传后系统先校验全部内容并列出每个错误（工作表、行、列、原因），全部正确后才一次性导入。",
        "7. 上传的文件、其 SHA-256 摘要和上传人作为证据保存。请勿修改隐藏的 _meta 工作表。",
    ]
    lines += output_workbook.help_lines()
    for i, line in enumerate(lines, start=1):
        help_ws.cell(row=i, column=1, value=safe_text(line)).font = Font(bold=(i == 1))
    help_ws.column_dimensions["A"].width = 110

    ws = wb.create_sheet(DATA_SHEET)
    output_workbook.header_row(ws, COLUMNS)
    sources = list(Source.objects.filter(enterprise=enterprise, status=Source.Status.ACTIVE).order_by("code"))
    existing = {(r.source_id, r.month): r for r in ActivityRecord.objects.filter(enterprise=enterprise, year=year, is_current=True)}
    row = 2
    for s in sources:
        for month in range(1, 13):
            rec = existing.get((s.pk, month))
            values = safe_row([s.code, s.name, s.get_category_display(), month,
                               float(rec.amount) if rec else None, s.activity_unit, None, None, None, None,
                               rec.note if rec else None])
            for col, v in enumerate(values, start=1):
                ws.cell(row=row, column=col, value=v)
            row += 1
    last = max(row - 1, 2) + 200  # room for added rows

    src_ws = wb.create_sheet(SOURCES_SHEET)
    for col, h in enumerate(["排放源编码", "排放源名称", "类别", "方法", "物料/燃料", "单位", "数据来源"], start=1):
        src_ws.cell(row=1, column=col, value=h).font = Font(bold=True)
    for i, s in enumerate(sources, start=2):
        for col, v in enumerate([s.code, s.name, s.get_category_display(), s.get_method_display(), s.material,
                                 s.activity_unit, s.get_data_source_display()], start=1):
            src_ws.cell(row=i, column=col, value=safe_text(v))
    src_ws.column_dimensions["B"].width = 24

    n = max(len(sources) + 1, 2)
    dv_source = DataValidation(type="list", formula1=f"='{SOURCES_SHEET}'!$A$2:$A${n}", allow_blank=True,
                               errorTitle="排放源编码", error="请从下拉列表选择本企业的排放源编码。")
    dv_month = DataValidation(type="whole", operator="between", formula1="1", formula2="12", allow_blank=False,
                              errorTitle="月份", error="月份必须是 1 到 12 的整数。")
    dv_unit = DataValidation(type="list", formula1='"' + ",".join(UNITS) + '"', allow_blank=True,
                             errorTitle="单位", error="请从下拉列表选择单位。")
    dv_amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                               errorTitle="活动数据", error="只能填写不小于 0 的数字。")
    for dv, col in ((dv_source, "A"), (dv_month, "D"), (dv_unit, "F"), (dv_amount, "E")):
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")

    output_workbook.build_sheets(wb, enterprise, year)  # "产量" and "经济数据" (issue 10)

    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate([("template_version", TEMPLATE_VERSION), ("enterprise", enterprise.credit_code),
                                ("year", year)], start=1):
        meta.cell(row=i, column=1, value=k)
        meta.cell(row=i, column=2, value=v)
    meta.sheet_state = "hidden"
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
