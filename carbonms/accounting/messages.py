"""Bilingual (zh/en) message catalogue and the errors of the accounting core.

The core cannot use Django's gettext (it must not import Django), so user-facing messages live
here as a small catalogue keyed by message id, with a Chinese and an English template each.
Chinese is the default language, English is complete.

Every input error names the row (1-based data row of the input), the field and the reason, as the
bad-input clause of issue 3 requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_LANG = "zh"
LANGS = ("zh", "en")

#: message id -> {"zh": template, "en": template}; templates use str.format with named fields.
CATALOGUE: dict[str, dict[str, str]] = {
    # -- framing -------------------------------------------------------------------------------
    "at_row_field": {"zh": "第 {row} 行，字段“{field}”：{reason}", "en": "row {row}, field '{field}': {reason}"},
    "at_row": {"zh": "第 {row} 行：{reason}", "en": "row {row}: {reason}"},
    "errors_found": {"zh": "输入有 {count} 处错误，未输出任何结果：", "en": "{count} error(s) in the input; nothing was written:"},
    # -- row reasons -----------------------------------------------------------------------------
    "missing_required": {"zh": "必填项缺失", "en": "required value is missing"},
    "missing_parameter": {
        "zh": "缺少必需参数（{detail}）",
        "en": "required parameter is missing ({detail})",
    },
    "not_a_number": {"zh": "“{value}”不是数字", "en": "'{value}' is not a number"},
    "negative_value": {"zh": "不允许为负数（{value}）", "en": "a negative value is not allowed here ({value})"},
    "zero_not_allowed": {"zh": "必须大于 0（{value}）", "en": "must be greater than 0 ({value})"},
    "bad_fraction": {
        "zh": "“{value}”不是 0 到 1 之间的比例",
        "en": "'{value}' is not a fraction between 0 and 1",
    },
    "unknown_unit": {"zh": "无法识别的单位“{unit}”", "en": "unknown unit '{unit}'"},
    "unit_mismatch": {
        "zh": "单位“{unit}”不能换算为“{expected}”",
        "en": "unit '{unit}' cannot be converted to '{expected}'",
    },
    "needs_density": {
        "zh": "单位“{unit}”是体积，换算为“{expected}”需要填写密度 density（t/m3）",
        "en": "unit '{unit}' is a volume; converting it to '{expected}' needs a density (t/m3)",
    },
    "unknown_category": {"zh": "无法识别的排放类别“{value}”", "en": "unknown category '{value}'"},
    "unknown_method": {"zh": "无法识别的核算方法“{value}”", "en": "unknown method '{value}'"},
    "method_not_allowed": {
        "zh": "类别“{category}”不能使用方法“{method}”",
        "en": "method '{method}' cannot be used for category '{category}'",
    },
    "unknown_gas": {"zh": "无法识别的温室气体“{value}”", "en": "unknown greenhouse gas '{value}'"},
    "gwp_undefined": {
        "zh": "GWP 值集 {gwp_set} 中没有气体“{gas}”的值",
        "en": "the GWP set {gwp_set} has no value for gas '{gas}'",
    },
    "gas_not_allowed": {
        "zh": "“{method}”只核算 CO2，不能用于气体“{gas}”（请给出该气体的排放因子 ef）",
        "en": "'{method}' computes CO2 only, not '{gas}' (give an ef for that gas)",
    },
    "unknown_sector": {
        "zh": "无法识别的行业缺省值集“{value}”（可选：{known}）",
        "en": "unknown sector default set '{value}' (one of: {known})",
    },
    "unknown_material": {
        "zh": "因子库（{factor_set}）中没有物料“{value}”",
        "en": "unknown material '{value}' in the factor library ({factor_set})",
    },
    "unknown_factor": {
        "zh": "找不到适用的排放因子：{detail}",
        "en": "no applicable emission factor: {detail}",
    },
    "recovery_not_allowed": {
        "zh": "行业“{guideline}”的核算指南不扣减CO2回收利用量（化工指南允许扣减）",
        "en": "the guideline of the sector '{guideline}' does not deduct CO2 recovered (the chemical guideline does)",
    },
    "bad_direction": {
        "zh": "“{value}”不是 input/输入 或 output/输出",
        "en": "'{value}' is not input or output",
    },
    "bad_year": {"zh": "“{value}”不是有效年份", "en": "'{value}' is not a valid year"},
    "bad_ef_unit": {
        "zh": "排放因子单位“{unit}”应形如 tCO2/t、kgCH4/GJ、tCO2e/万元",
        "en": "emission factor unit '{unit}' should look like tCO2/t, kgCH4/GJ or tCO2e/unit",
    },
    "recovered_exceeds": {
        "zh": "回收量 {recovered} 大于充装量 {amount}",
        "en": "recovered amount {recovered} exceeds the charged amount {amount}",
    },
    "market_exceeds": {
        "zh": "市场化工具覆盖电量 {market} 大于用电量 {amount}",
        "en": "electricity covered by instruments {market} exceeds consumption {amount}",
    },
    "mass_balance_negative": {
        "zh": "排放源“{source}”的碳平衡为负（输出碳多于输入碳：{value} tCO2）",
        "en": "the carbon balance of source '{source}' is negative (more carbon out than in: {value} tCO2)",
    },
    "residual_missing": {
        "zh": "{year} 年没有剩余电力组合（不含市场化交易非化石电量）排放因子，无法计算基于市场的排放",
        "en": "no residual-mix grid factor for {year}; market-based emissions cannot be computed",
    },
    "reproduce_changed": {
        "zh": "无法按原因子重现：原用 {old}，现解析为 {new}",
        "en": "cannot reproduce with the original factor: it used {old}, it now resolves to {new}",
    },
    "cems_file": {"zh": "CEMS 数据文件问题：{detail}", "en": "CEMS data file problem: {detail}"},
    # -- file level ----------------------------------------------------------------------------
    "file_unreadable": {"zh": "无法读取输入文件 {path}：{detail}", "en": "cannot read input file {path}: {detail}"},
    "file_format": {
        "zh": "不支持的文件格式“{suffix}”（支持 .csv、.xlsx、.json）",
        "en": "unsupported file format '{suffix}' (use .csv, .xlsx or .json)",
    },
    "missing_columns": {"zh": "缺少必需列：{columns}", "en": "missing required columns: {columns}"},
    "json_not_list": {"zh": "JSON 输入必须是对象列表", "en": "JSON input must be a list of row objects"},
    "empty_input": {"zh": "输入没有数据行", "en": "the input has no data rows"},
    "bad_option": {"zh": "参数 {option} 的值无效：{value}", "en": "invalid value for {option}: {value}"},
    "output_unwritable": {"zh": "无法写出结果文件 {path}：{detail}", "en": "cannot write output file {path}: {detail}"},
    "factor_file": {"zh": "因子文件第 {row_no} 行：{detail}", "en": "factor file row {row_no}: {detail}"},
}


def translate(msg_id: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """Render message ``msg_id`` in ``lang`` (zh or en) with ``params``."""
    templates = CATALOGUE[msg_id]
    template = templates.get(lang) or templates[DEFAULT_LANG]
    return template.format(**params)


class AccountingError(Exception):
    """One problem in the input or the factor library, with a message in zh and en.

    ``row`` is the 1-based data row of the input (``None`` for file-level problems), ``field`` the
    column name, ``code`` a message id of :data:`CATALOGUE` and ``params`` its parameters.
    """

    def __init__(
        self, code: str, *, row: int | None = None, field: str | None = None, **params: Any
    ) -> None:
        self.code = code
        self.row = row
        self.field = field
        self.params = params
        super().__init__(self.message("en"))

    def reason(self, lang: str = DEFAULT_LANG) -> str:
        return translate(self.code, lang, **self.params)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The full sentence: row, field and reason."""
        reason = self.reason(lang)
        if self.row is not None and self.field:
            return translate("at_row_field", lang, row=self.row, field=self.field, reason=reason)
        if self.row is not None:
            return translate("at_row", lang, row=self.row, reason=reason)
        return reason

    def as_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message(lang)}


class AccountingErrors(Exception):
    """All the problems found in one input: the whole batch is rejected (all-or-nothing)."""

    def __init__(self, errors: Iterable[AccountingError]) -> None:
        self.errors: list[AccountingError] = list(errors)
        super().__init__("; ".join(e.message("en") for e in self.errors))

    def messages(self, lang: str = DEFAULT_LANG) -> list[str]:
        return [e.message(lang) for e in self.errors]

    def report(self, lang: str = DEFAULT_LANG) -> str:
        head = translate("errors_found", lang, count=len(self.errors))
        return "\n".join([head, *("  " + m for m in self.messages(lang))])


def check_catalogue(catalogue: Mapping[str, Mapping[str, str]] = CATALOGUE) -> list[str]:
    """Return the ids whose zh and en templates do not both exist (used by the tests)."""
    return [k for k, v in catalogue.items() if not all(v.get(lang) for lang in LANGS)]
