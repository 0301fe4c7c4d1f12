"""Writes for users and role assignments."""
from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.common.tenancy import forget_assignments, require

from .models import RoleAssignment, User


@transaction.atomic
def user_create(*, username: str, password: str, full_name: str = "", email: str = "", is_superuser: bool = False) -> User:
    user = User(username=username, full_name=full_name, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def role_assign(*, user: User, role: str, park, enterprise=None, valid_from=None, valid_until=None, note: str = "") -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=role, park=park, enterprise=enterprise, valid_from=valid_from, valid_until=valid_until, note=note
    )
    assignment.full_clean()
    assignment.save()
    forget_assignments(user)
    return assignment


@transaction.atomic
def role_grant(*, actor, user: User, role: str, park, enterprise=None, valid_from=None, valid_until=None,
               note: str = "") -> RoleAssignment:
    """Grant ``role`` to ``user`` in a park or an enterprise, if the actor may manage users there."""
    require(actor, "accounts", "add", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if RoleAssignment.objects.filter(user=user, role=role, park=park, enterprise=enterprise).exists():
        raise ValidationError({"role": _("This user already has this role here.")})
    return role_assign(user=user, role=role, park=park, enterprise=enterprise, valid_from=valid_from,
                       valid_until=valid_until, note=note)


@transaction.atomic
def user_invite(*, actor, username: str, full_name: str, email: str, password: str, role: str, park, enterprise=None,
                valid_until=None) -> User:
    """Create a user with one role; nothing is saved if the role cannot be granted."""
    require(actor, "accounts", "add", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    try:
        validate_password(password, User(username=username, full_name=full_name, email=email))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    user = user_create(username=username, password=password, full_name=full_name, email=email)
    role_grant(actor=actor, user=user, role=role, park=park, enterprise=enterprise, valid_until=valid_until)
    return user


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require(actor, "accounts", "delete", park_id=assignment.park_id, enterprise_id=assignment.enterprise_id)
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot revoke your own role; ask another administrator."))
    user = assignment.user
    assignment.delete()
    forget_assignments(user)
