"""Errors of the planning core, each naming the item, the field and the reason, in Chinese or English.

Like the accounting core (``carbonms.accounting.messages``), the core raises one exception holding every
problem found, so a user fixes a file in one pass; the command line prints them and exits 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_LANG = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (zh, en)
    "required": ("缺少必填项", "is required"),
    "not_number": ("不是数字：{value}", "is not a number: {value}"),
    "not_positive": ("必须大于 0", "must be greater than 0"),
    "negative": ("不能为负数", "must not be negative"),
    "pct_range": ("必须大于 0 且不超过 100", "must be greater than 0 and at most 100"),
    "target_before_base": ("目标年（{target}）必须晚于基准年（{base}）", "the target year ({target}) must be after the base year ({base})"),
    "start_outside": ("起始年（{start}）必须在基准年（{base}）与目标年（{target}）之间",
                      "the start year ({start}) must lie between the base year ({base}) and the target year ({target})"),
    "one_way": ("reduction_pct、target_value、method 须且只须给出一项",
                "give exactly one of reduction_pct, target_value and method"),
    "unknown_method": ("未知的方法“{value}”（可选：{choices}）", "unknown method “{value}” (choices: {choices})"),
    "unknown_kind": ("未知的类型“{value}”（可选：{choices}）", "unknown kind “{value}” (choices: {choices})"),
    "sbti_absolute_only": ("SBTi 绝对减排法只适用于绝对量目标", "the SBTi absolute contraction applies to absolute targets only"),
    "target_not_below": ("目标值（{target}）不低于基准值（{base}），不构成减排目标",
                         "the target value ({target}) is not below the base value ({base}): not a reduction target"),
    "actual_before_base": ("实际值的年份（{year}）早于基准年（{base}）", "the year of an actual value ({year}) is before the base year ({base})"),
    "bad_year": ("不是有效年份：{value}", "is not a valid year: {value}"),
    "bad_period": ("不是 YYYY-MM 格式的期间：{value}", "is not a period in the form YYYY-MM: {value}"),
    "duplicate_period": ("期间重复：{value}", "period appears twice: {value}"),
    "missing_variable": ("缺少变量“{name}”的值", "has no value for the variable “{name}”"),
    "no_variables": ("至少需要一个相关变量", "at least one relevant variable is needed"),
    "short_model_period": ("模型期只有 {months} 个月，基准期至少需要 12 个月",
                           "the model period has {months} months; a base period needs at least 12"),
    "too_few_points": ("模型期有 {n} 个数据点，{k} 个变量至少需要 {need} 个",
                       "the model period has {n} data points; {k} variables need at least {need}"),
    "constant_variable": ("变量“{name}”在模型期内为常数，无法回归", "the variable “{name}” is constant over the model period: it cannot be regressed"),
    "collinear": ("变量之间完全共线（{names}），无法回归", "the variables are perfectly collinear ({names}): they cannot be regressed"),
    "empty_report": ("报告期内没有数据", "there is no data in the reporting period"),
    "organic_change": ("“{value}”（自然增长或下降）不是基准年调整事项", "“{value}” (organic growth or decline) is not a base-year change"),
    "no_sectors": ("至少需要一个行业（部门）", "at least one sector is needed"),
    "sector_mismatch": ("两年的行业（部门）不一致：{names}", "the two years have different sectors: {names}"),
    "bad_list": ("必须是列表", "must be a list"),
    "bad_object": ("必须是对象", "must be an object"),
}

RULES = {
    # reasons a regression model is not valid (ORNL VERIFI rules; docs/planning.md)
    "p_model": ("模型 p 值 {value:.4f} 大于 0.1", "the model p-value {value:.4f} is above 0.1"),
    "p_variable": ("变量“{name}”的 p 值 {value:.4f} 大于 0.2", "the p-value of “{name}” ({value:.4f}) is above 0.2"),
    "no_significant": ("没有 p 值小于 0.1 的变量", "no variable has a p-value below 0.1"),
    "r2": ("R² {value:.4f} 小于 0.5", "R² {value:.4f} is below 0.5"),
    "perfect_fit": ("残差为零，无法检验显著性", "the residuals are zero: significance cannot be tested"),
    "out_of_range": ("报告期变量“{name}”的取值 {value} 超出模型期范围 [{lo}, {hi}]",
                     "the reporting-period value {value} of “{name}” lies outside the model period's range [{lo}, {hi}]"),
}


@dataclass
class PlanningError:
    code: str
    where: str = ""  # e.g. "targets[2].base_year"
    params: dict = field(default_factory=dict)
    catalogue: dict = field(default_factory=lambda: MESSAGES, repr=False, compare=False)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        zh, en = self.catalogue[self.code]
        msg = (en if lang == "en" else zh).format(**self.params)
        return f"{self.where}: {msg}" if self.where else msg


class PlanningErrors(ValueError):
    def __init__(self, errors: list[PlanningError]):
        super().__init__("; ".join(e.text("en") for e in errors))
        self.errors = errors

    def report(self, lang: str = DEFAULT_LANG) -> str:
        return "\n".join(e.text(lang) for e in self.errors)


def rule_text(code: str, lang: str = DEFAULT_LANG, **params) -> str:
    zh, en = RULES[code]
    return (en if lang == "en" else zh).format(**params)


class Collector:
    """Gathers errors while a whole input is checked; ``raise_if_any`` at the end."""

    def __init__(self, catalogue: dict | None = None):
        self.errors: list[PlanningError] = []
        self.catalogue = {**MESSAGES, **(catalogue or {})}

    def add(self, code: str, where: str = "", **params) -> None:
        self.errors.append(PlanningError(code, where, params, self.catalogue))

    def number(self, value, where: str, *, positive: bool = False, non_negative: bool = False, required: bool = True):
        if value is None or value == "":
            if required:
                self.add("required", where)
            return None
        if isinstance(value, bool):
            self.add("not_number", where, value=value)
            return None
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.add("not_number", where, value=value)
            return None
        if x != x or x in (float("inf"), float("-inf")):
            self.add("not_number", where, value=value)
            return None
        if positive and x <= 0:
            self.add("not_positive", where)
            return None
        if non_negative and x < 0:
            self.add("negative", where)
            return None
        return x

    def year(self, value, where: str, *, required: bool = True):
        if value is None or value == "":
            if required:
                self.add("required", where)
            return None
        try:
            y = int(str(value))
        except ValueError:
            self.add("bad_year", where, value=value)
            return None
        if not 1900 <= y <= 2200:
            self.add("bad_year", where, value=value)
            return None
        return y

    def raise_if_any(self) -> None:
        if self.errors:
            raise PlanningErrors(self.errors)
