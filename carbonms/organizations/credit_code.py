"""统一社会信用代码 (unified social credit identifier) per GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division (6),
organisation code (9, GB 11714) and one check character. The check character is computed over
the first 17 characters with weights 3^(i-1) mod 31 and the 31-character set below, which leaves
out I, O, Z, S and V (GB 32100-2015 §4 and Annex B).
"""
from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when ``code`` is a valid credit code, else a reason id: length, charset, division or check."""
    if len(code) != 18:
        return "length"
    if any(c not in CHARSET for c in code):
        return "charset"
    if not code[2:8].isdigit():
        return "division"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None
