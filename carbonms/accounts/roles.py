"""Roles and what they may do.

A role is granted to a user *within a scope*: a whole park or one enterprise (see
``RoleAssignment``). What a role may do is a set of permissions ``"<domain>.<action>"``; ``"*"``
stands for any domain or any action. Every model declares its domain (``scope_domain``), and the
tenancy mechanism (``carbonms.common.tenancy``) combines the two. Nothing is granted by default.

Domains: organization (parks, enterprises, sites, units, equipment, boundaries), accounts (users and
role assignments), data (activity data and accounting), management (management-system registers),
audit (internal audit), changelog (change history, read only for everybody who can see the record),
planning (objectives, targets, baselines, indicators, action plans, opportunities, the carbon review),
assets (carbon-asset accounts, movements, prices, compliance, projects, neutrality claims) and governance (the
park's zero-carbon plan, technology list, project admission and the annual assessment of enterprises).

Segregation of duties is a rule of the services, not of the roles: whoever holds ``assets.*`` may enter a trade and
may approve one, but never the one they entered; a target is approved by appointed top management who did not
draft it.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARK_ADMIN = "park_admin", _("Park administrator")
    PARK_CARBON_OFFICER = "park_carbon_officer", _("Park carbon officer")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    DATA_CLERK = "data_clerk", _("Data entry clerk")
    REVIEWER = "reviewer", _("Reviewer / approver")
    INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor")
    EXTERNAL_VERIFIER = "external_verifier", _("External verifier")
    VIEWER = "viewer", _("Viewer")


# Which scope each role may be granted in.
PARK_ONLY = {Role.PARK_ADMIN, Role.PARK_CARBON_OFFICER}
ENTERPRISE_ONLY = {Role.ENTERPRISE_ADMIN, Role.DATA_CLERK, Role.EXTERNAL_VERIFIER}
# External verifiers read, limited to one enterprise and to a period (valid_until required); the one thing they
# write are the verification of that enterprise's inventory statement (``data.verify``, issue 10) and the third-party
# determination of its carbon-neutrality claim (``assets.verify``, issue 13).
TIME_LIMITED = {Role.EXTERNAL_VERIFIER}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PARK_ADMIN: frozenset({"*.*"}),
    Role.PARK_CARBON_OFFICER: frozenset(
        {"*.view", "organization.change", "organization.add", "data.*", "management.*", "audit.view",
         "planning.*", "assets.*", "governance.*"}
    ),
    Role.ENTERPRISE_ADMIN: frozenset(
        {"*.view", "organization.change", "organization.add", "organization.delete", "accounts.*",
         "data.*", "management.*", "planning.*", "assets.*"}
    ),
    Role.DATA_CLERK: frozenset({"*.view", "data.view", "data.add", "data.change", "planning.add", "planning.change",
                                "assets.add", "assets.change"}),
    Role.REVIEWER: frozenset({"*.view", "data.approve", "management.approve", "planning.approve", "assets.approve",
                              "governance.approve"}),
    Role.INTERNAL_AUDITOR: frozenset({"*.view", "audit.*"}),
    Role.EXTERNAL_VERIFIER: frozenset({"*.view", "data.verify", "assets.verify"}),
    Role.VIEWER: frozenset({"*.view"}),
}


def role_allows(role: str, domain: str, action: str) -> bool:
    """True when ``role`` grants ``action`` on records of ``domain``."""
    perms = ROLE_PERMISSIONS.get(role, frozenset())
    return bool(
        {f"{domain}.{action}", f"{domain}.*", f"*.{action}", "*.*"} & perms
    )
