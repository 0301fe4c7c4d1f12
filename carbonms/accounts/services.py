"""Writes for users and role assignments."""
from __future__ import annotations

from django.db import transaction

from carbonms.common.tenancy import forget_assignments

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
