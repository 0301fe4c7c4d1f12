"""Reads for audits, nonconformities and reviews; all start from ``restrict(user, action)``."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import Nonconformity


def checklist_progress(audit) -> dict:
    agg = audit.checklist.aggregate(total=Count("id"), open=Count("id", filter=Q(result="open")),
                                    nonconform=Count("id", filter=Q(result="nonconform")))
    agg["done"] = agg["total"] - agg["open"]
    return agg


def nonconformities(user, system):
    today = timezone.localdate()
    return (system.filter(Nonconformity.objects.restrict(user))
            .annotate(n_actions=Count("actions", distinct=True),
                      n_overdue=Count("actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today),
                                      distinct=True)))


INPUT_LABELS = {
    "summary": "汇总", "items": "明细", "since": "自", "context_issues": "内外部因素变化", "risks": "风险和机遇变化",
    "high_risks": "高风险数", "obligations": "合规义务变化", "interested_parties": "相关方数", "available": "数据可用",
    "nonconformities": "不符合项数", "by_result": "按结论", "overdue": "逾期未评价", "open": "未关闭", "closed": "已关闭",
    "actions_open": "未完成措施", "actions_overdue": "逾期措施", "total": "总数", "inadequate": "不充分的资源",
    "by_direction": "按方向", "external": "外部沟通",
}


def _text(v) -> str:
    if isinstance(v, dict):
        return "；".join(f"{INPUT_LABELS.get(k, k)} {_text(x)}" for k, x in v.items()) or "—"
    if isinstance(v, list):
        return "\n".join(" · ".join(str(y) for y in x.values() if y not in (None, "")) if isinstance(x, dict) else _text(x)
                         for x in v) or "—"
    if isinstance(v, bool):
        return "是" if v else "否（尚无该模块的数据）"
    return "—" if v in (None, "") else str(v)


def input_rows(value) -> list[tuple[str, str]]:
    """A review input section as (label, text) lines for display and export."""
    if not isinstance(value, dict):
        return []
    return [(INPUT_LABELS.get(k, k), _text(v)) for k, v in value.items()]
