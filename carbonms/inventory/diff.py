"""Comparison of two runs, by source, with the reason of each change (data, factor, method)."""
from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from .models import RunResult

_F = ("source_id", "source__code", "source__name", "enterprise__name", "month", "activity_id", "activity_version", "amount",
      "factor_version_id", "method", "co2e_t")


def _by_source(run):
    out: dict[int, dict] = {}
    for sid, code, name, ent, month, act, ver, amount, fv, method, co2e in RunResult.objects.filter(run=run).values_list(*_F):
        s = out.setdefault(sid, {"code": code, "name": name, "enterprise": ent, "co2e": 0.0, "months": {}})
        s["co2e"] += co2e
        s["months"][month] = (act, ver, amount, fv, method)
    return out


def run_diff(old, new) -> list[dict]:
    """One line per source whose result changed, with what changed: data, factor, method, added, removed."""
    a, b = _by_source(old), _by_source(new)
    lines = []
    for sid in sorted(set(a) | set(b), key=lambda s: (a.get(s) or b.get(s))["code"]):
        sa, sb = a.get(sid), b.get(sid)
        reasons: dict[str, set] = defaultdict(set)
        if sa is None:
            reasons["added"].add(_("new in this run"))
        elif sb is None:
            reasons["removed"].add(_("not in this run"))
        else:
            for m in sorted(set(sa["months"]) | set(sb["months"])):
                ma, mb = sa["months"].get(m), sb["months"].get(m)
                if ma is None or mb is None:
                    reasons["data"].add(_("month %(m)d added or removed") % {"m": m})
                    continue
                if (ma[0], ma[1]) != (mb[0], mb[1]) or ma[2] != mb[2]:
                    reasons["data"].add(_("month %(m)d: activity data v%(a)d → v%(b)d (%(x)s → %(y)s)")
                                        % {"m": m, "a": ma[1], "b": mb[1], "x": format(ma[2].normalize(), "f"), "y": format(mb[2].normalize(), "f")})
                if ma[3] != mb[3]:
                    reasons["factor"].add(_("factor %(a)s → %(b)s") % {"a": ma[3], "b": mb[3]})
                if ma[4] != mb[4]:
                    reasons["method"].add(_("method %(a)s → %(b)s") % {"a": ma[4], "b": mb[4]})
        old_v, new_v = (sa or {}).get("co2e", 0.0), (sb or {}).get("co2e", 0.0)
        if not reasons and abs(new_v - old_v) < 1e-9:
            continue
        s = sa or sb
        lines.append({"source_id": sid, "code": s["code"], "name": s["name"], "enterprise": s["enterprise"], "old": old_v,
                      "new": new_v, "delta": new_v - old_v,
                      "reasons": {k: sorted(v) for k, v in reasons.items()}})
    return lines
