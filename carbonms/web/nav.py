"""Navigation, grouped the way the standards are (organisation and scope → accounting and data →
planning → carbon assets → management system → performance evaluation and improvement).

Apps add their pages with :func:`register` in ``AppConfig.ready``; an item is shown only when its
``visible(user, ctx)`` says so, and its URL is built per user (e.g. the user's own park).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

GROUPS = [
    ("organization", _("Organisation & scope")),
    ("accounting", _("Accounting & data")),
    ("planning", _("Planning & targets")),
    ("assets", _("Carbon assets")),
    ("management", _("Management system")),
    ("performance", _("Performance & improvement")),
]


@dataclass
class NavItem:
    key: str
    label: str
    url: Callable[[dict], str | None]
    icon: str = "dot"
    visible: Callable[[dict], bool] = field(default=lambda ctx: True)


_ITEMS: dict[str, list[NavItem]] = {g: [] for g, _label in GROUPS}


def register(group: str, item: NavItem, *, first: bool = False) -> None:
    """Add ``item`` to ``group`` (at its head with ``first``, e.g. a landing page)."""
    if any(i.key == item.key for i in _ITEMS[group]):
        return
    if first:
        _ITEMS[group].insert(0, item)
    else:
        _ITEMS[group].append(item)


def build(ctx: dict) -> list[dict]:
    out = []
    for key, label in GROUPS:
        items = []
        for item in _ITEMS[key]:
            if not item.visible(ctx):
                continue
            url = item.url(ctx)
            if url:
                items.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon})
        out.append({"key": key, "label": label, "items": items})
    return out


def register_core_items() -> None:
    register("organization", NavItem(
        "park", _("Park overview"), icon="park",
        url=lambda c: reverse("organizations:park", args=[c["home_park"].pk]) if c.get("home_park") else None,
        visible=lambda c: c.get("is_park_staff", False),
    ))
    register("organization", NavItem(
        "enterprise", _("My enterprise"), icon="factory",
        url=lambda c: reverse("organizations:enterprise", args=[c["home_enterprise"].pk]) if c.get("home_enterprise") else None,
        visible=lambda c: not c.get("is_park_staff", False),
    ))
    register("organization", NavItem("users", _("Users and roles"), icon="users", url=lambda c: reverse("accounts:users")))
    register("management", NavItem("standards", _("Standards & clauses"), icon="book", url=lambda c: reverse("standards:list")))
    register("performance", NavItem("changes", _("Change history"), icon="history", url=lambda c: reverse("changelog:list")))
