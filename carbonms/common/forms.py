"""The base of every form: every relation field holds only what the user may see, within the record's scope.

``ScopedForm`` / ``ScopedModelForm`` take ``user=`` (the request's user; ``ServiceFormView`` passes it) and
optionally ``scope=`` (a ``tenancy.Scope``, a scoped record, an enterprise or a management system). When the
form is built (after the ``__init__`` of the most derived class, so whatever a subclass sets up is narrowed
too), :func:`restrict_form_fields` narrows every ``ModelChoiceField`` / ``ModelMultipleChoiceField``:

* scoped records: ``Model.objects.restrict(user, "view")`` and the scope rule of
  :func:`carbonms.common.tenancy.scope_filter` (a record of enterprise E1 relates only to E1's records and
  its park's shared records; fields listed in ``scope_reach`` as ``"park"`` reach the whole park);
* users: only those with an active role in the record's scope whom the user may see;
* any other model: no choices, unless the field is declared in ``unscoped_fields`` (reference data).

A foreign id submitted anyway is not among the choices, so it is answered exactly like a missing one
("Select a valid choice"). Narrowing only ever filters the queryset a field already has, so a subclass or
a view may narrow further (``narrow_to``) but never widen.
"""
from __future__ import annotations

import functools

from django import forms

from . import tenancy

_DEPTH = "_scoped_init_depth"


def relation_fields(form) -> dict:
    """The fields of ``form`` that choose model instances."""
    return {name: f for name, f in form.fields.items() if isinstance(f, forms.ModelChoiceField)}


def restrict_form_fields(form, user, scope=None, *, reach: dict[str, str] | None = None, unscoped=()) -> None:
    """Narrow every relation field of ``form`` to what ``user`` may see and ``scope`` may point to."""
    reach = reach or {}
    for name, field in relation_fields(form).items():
        if name in unscoped:
            continue
        field.queryset = tenancy.related_queryset(field.queryset, user, scope,
                                                  reach=reach.get(name, tenancy.ENTERPRISE_REACH))


def _restricting_init(init):
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        depth = self.__dict__.get(_DEPTH, 0)
        self.__dict__[_DEPTH] = depth + 1
        try:
            init(self, *args, **kwargs)
        finally:
            self.__dict__[_DEPTH] = depth
        if depth == 0:
            self.restrict_fields()

    __init__._scoped = True
    return __init__


class ScopedFormMixin:
    """Takes ``user`` and ``scope``; restricts every relation field once the form is built (see module doc)."""

    #: relation fields that may reach records of the whole park (e.g. a supplier that is another enterprise)
    scope_reach: dict[str, str] = {}
    #: relation fields to reference data that is not scoped (declared on purpose; none today)
    unscoped_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_scoped", False):
            cls.__init__ = _restricting_init(init)

    def __init__(self, *args, user=None, scope=None, **kwargs):
        self.user = user
        self.scope = tenancy.Scope.of(scope)
        super().__init__(*args, **kwargs)
        if self.scope is None:
            instance = getattr(self, "instance", None)
            if instance is not None and instance.pk is not None and hasattr(instance, "scope_ids"):
                self.scope = tenancy.Scope.of(instance)

    def restrict_fields(self) -> None:
        restrict_form_fields(self, self.user, self.scope, reach=self.scope_reach, unscoped=self.unscoped_fields)

    def narrow_to(self, scope) -> None:
        """Set (or narrow) the record's scope after the form was built, e.g. once a view knows the system."""
        self.scope = tenancy.Scope.of(scope)
        self.restrict_fields()


ScopedFormMixin.__init__ = _restricting_init(ScopedFormMixin.__init__)


class ScopedForm(ScopedFormMixin, forms.Form):
    """A plain form (see ``ScopedFormMixin``)."""


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    """A model form (see ``ScopedFormMixin``). ``model_validation = False``: the service validates the record,
    so its errors appear once (Django's ``_post_clean`` is skipped)."""

    model_validation = True

    def _post_clean(self):
        if self.model_validation:
            super()._post_clean()
