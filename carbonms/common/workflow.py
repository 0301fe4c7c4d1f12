"""Workflows declared once: which step, from which status, by which role, not by the author where four-eyes applies.

Each app declares its status machines in ``<app>/workflows.py``::

    POLICY = Workflow(Policy, [
        Transition("submit", source=["draft"], target="submitted", action="change", label=_("Submit for approval"),
                   status_error=_("Only a draft can be submitted.")),
        Transition("approve", source=["submitted"], target="approved", action="approve", four_eyes=("author",), ...),
    ], url_name="management:policy_action")

    @POLICY.runs("submit")
    def _submit(actor, obj, data):
        return services.policy_submit(actor=actor, policy=obj)

and the declaration is read by everybody:

* the **service** calls ``POLICY.check(actor, policy, "submit")`` first: a role without the permission
  is refused (``PermissionDenied``), a wrong source status, a failed condition or the author approving
  their own record (four-eyes) is a ``ValidationError`` with the declared reason;
* the **page** (``common.views.WorkflowActionView``) takes any declared step by name, and the
  templates draw a button for each step ``POLICY.available(user, obj)`` returns, and none other;
* the **API** (``common.api.WorkflowViewSetMixin``) answers ``GET …/transition/`` with the steps the
  caller may take now and runs ``POST …/transition/ {"step": …}`` through the same runner.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import tenancy

REGISTRY: dict[type, Workflow] = {}


@dataclass(frozen=True)
class Transition:
    """One step of a workflow.

    ``source``: the statuses the step starts from; ``target``: the status it ends in (None: the step
    records something without changing the status). ``action``: the role permission it needs on the
    record's domain (a tuple: any of them). ``four_eyes``: fields naming users who may not take the step
    (the author, the submitter). ``who``: an extra rule on the actor (e.g. appointed top management),
    ``condition``: an extra rule on the record (e.g. only the current version). ``inputs``: the data the
    step takes (form / JSON fields).
    """

    name: str
    source: tuple[str, ...]
    target: str | None
    action: str | tuple[str, ...]
    label: Any
    four_eyes: tuple[str, ...] = ()
    status_error: Any = ""
    four_eyes_error: Any = ""
    condition: Callable[[Any], bool] | None = None
    condition_error: Any = ""
    who: Callable[[Any, Any], bool] | None = None
    who_error: Any = ""
    inputs: tuple[str, ...] = ()
    done: Any = ""
    style: str = ""
    error_key: str | None = None  # the field a refusal is reported on (default: the workflow's)
    url_name: str | None = None  # the page of this step, ``reverse(url_name, args=[pk])`` (default: the workflow's)
    link: bool = False  # the step is taken on its own form page (GET link), not by a button
    permission_error: Any = ""  # when set, a role without the permission gets this reason (400), not a 403

    def __post_init__(self):
        object.__setattr__(self, "source", tuple(str(s) for s in self.source))

    @property
    def actions(self) -> tuple[str, ...]:
        return (self.action,) if isinstance(self.action, str) else tuple(self.action)


@dataclass
class Workflow:
    model: type
    transitions: list[Transition]
    field: str = "status"
    domain: str | None = None
    url_name: str | None = None  # the page that takes a step: reverse(url_name, args=[obj.pk, step])
    error_key: str | None = "status"  # the field a status refusal is reported on (None: the whole record)
    _runners: dict[str, Callable] = dataclasses.field(default_factory=dict, repr=False)

    def __post_init__(self):
        names = [t.name for t in self.transitions]
        assert len(names) == len(set(names)), f"duplicate step in the workflow of {self.model.__name__}"
        REGISTRY[self.model] = self

    def url(self, obj, name: str) -> str:
        """The page that takes the step on ``obj``."""
        from django.urls import reverse

        t = self.get(name)
        if t.url_name:
            return reverse(t.url_name, args=[obj.pk])
        return reverse(self.url_name, args=[obj.pk, name])

    # -- reading the declaration ---------------------------------------------------------------------
    def names(self) -> list[str]:
        return [t.name for t in self.transitions]

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(name)

    def _domain(self, obj) -> str:
        return self.domain or obj.scope_domain

    def permitted(self, user, obj, name: str) -> bool:
        """Does the user's role grant the step's permission in the record's scope?"""
        t = self.get(name)
        park_id, enterprise_id = obj.scope_ids()
        return any(tenancy.can(user, self._domain(obj), a, park_id=park_id, enterprise_id=enterprise_id) for a in t.actions)

    def refusal(self, user, obj, name: str) -> str | None:
        """Why the user may not take the step now (None: they may). Permission first, then state."""
        t = self.get(name)
        if not self.permitted(user, obj, name):
            return str(_("Your role does not allow this step."))
        if t.who is not None and not t.who(user, obj):
            return _fmt(t.who_error, obj)
        if str(getattr(obj, self.field)) not in t.source:
            return _fmt(t.status_error or _("This step is not possible in the record's current status."), obj)
        if t.condition is not None and not t.condition(obj):
            return _fmt(t.condition_error or t.status_error, obj)
        for f in t.four_eyes:
            if user.pk is not None and getattr(obj, f"{f}_id", None) == user.pk:
                return _fmt(t.four_eyes_error or _("Somebody other than the author must take this step."), obj)
        return None

    def available(self, user, obj) -> list[Transition]:
        """The steps the user may take on the record now: the buttons a page shows."""
        return [t for t in self.transitions if self.refusal(user, obj, t.name) is None]

    # -- enforcing it --------------------------------------------------------------------------------
    def require_permission(self, user, obj, name: str) -> None:
        if not self.permitted(user, obj, name):
            raise PermissionDenied

    def check(self, actor, obj, name: str) -> Transition:
        """Refuse a step the declaration does not allow (called by the service before it writes)."""
        t = self.get(name)
        key = t.error_key or self.error_key
        if t.permission_error and not self.permitted(actor, obj, name):
            raise ValidationError({key: t.permission_error} if key else t.permission_error, code="transition")
        self.require_permission(actor, obj, name)
        reason = self.refusal(actor, obj, name)
        if reason is not None:
            raise ValidationError({key: reason} if key else reason, code="transition")
        return t

    def check_all(self, actor, objs: Iterable, name: str) -> None:
        for obj in objs:
            self.check(actor, obj, name)

    # -- running it ----------------------------------------------------------------------------------
    def runs(self, name: str):
        """Register the function that takes the step: ``fn(actor, obj, data) -> obj``."""
        self.get(name)

        def register(fn):
            self._runners[name] = fn
            return fn
        return register

    def run(self, name: str, *, actor, obj, data) -> Any:
        if name not in self._runners:
            raise ValidationError({"step": _("Unknown step: %(step)s.") % {"step": name}})
        return self._runners[name](actor, obj, data)

    def describe(self, user, obj) -> dict:
        """What the API's ``GET …/transition/`` answers."""
        return {
            "status": getattr(obj, self.field),
            "steps": [t.name for t in self.available(user, obj)],
            "transitions": [
                {"step": t.name, "label": str(t.label), "from": list(t.source), "to": t.target, "inputs": list(t.inputs),
                 "allowed": self.refusal(user, obj, t.name) is None, "reason": self.refusal(user, obj, t.name)}
                for t in self.transitions
            ],
        }


def _fmt(message, obj) -> str:
    text = str(message)
    return text % {"record": obj} if "%(record)s" in text else text


def workflow_of(model_or_obj) -> Workflow:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    for klass in model.__mro__:
        if klass in REGISTRY:
            return REGISTRY[klass]
    raise LookupError(f"{model.__name__} has no declared workflow")


def load_all() -> None:
    """Import every app's ``workflows`` module (called from ``CommonConfig.ready``)."""
    import importlib

    from django.apps import apps

    for cfg in apps.get_app_configs():
        if cfg.name.startswith("carbonms."):
            try:
                importlib.import_module(f"{cfg.name}.workflows")
            except ModuleNotFoundError as exc:
                if exc.name != f"{cfg.name}.workflows":
                    raise
