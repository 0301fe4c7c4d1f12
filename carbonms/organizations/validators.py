from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import credit_code, reference

_CREDIT_MESSAGES = {
    "length": _("A unified social credit code has 18 characters."),
    "charset": _("A unified social credit code uses only digits and capital letters other than I, O, S, V and Z."),
    "division": _("Characters 3–8 of a unified social credit code are the administrative division code (digits)."),
    "check": _("The check character (the 18th) does not match GB 32100: check the code for a typing error."),
}


def validate_credit_code(value: str) -> None:
    reason = credit_code.problem(value)
    if reason:
        raise ValidationError(_CREDIT_MESSAGES[reason], code=f"credit_code_{reason}")


def validate_industry_code(value: str) -> None:
    if not (value.isdigit() and 2 <= len(value) <= 4):
        raise ValidationError(_("An industry code (GB/T 4754-2017) has 2 to 4 digits."), code="industry_format")
    if reference.industry_division(value) is None:
        raise ValidationError(
            _("%(code)s is not in a division of GB/T 4754-2017."), params={"code": value[:2]}, code="industry_division"
        )


def membership_errors(entered_on, exited_on) -> dict:
    """Field errors of an enterprise's membership dates: it cannot leave the park before it entered."""
    if entered_on and exited_on and exited_on < entered_on:
        return {"exited_on": _("The exit date (%(exit)s) is before the entry date (%(entry)s).")
                % {"exit": exited_on.isoformat(), "entry": entered_on.isoformat()}}
    return {}
