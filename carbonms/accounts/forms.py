from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from carbonms.common.forms import ScopedForm

from .roles import Role


class LoginForm(AuthenticationForm):
    """The login form; django-axes counts its failures."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class UserInviteForm(ScopedForm):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$",
                                help_text=_("Letters, digits and @ . + - _ only."))
    full_name = forms.CharField(label=_("full name"), max_length=100)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput(render_value=False))
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    scope = forms.ChoiceField(label=_("scope"))
    valid_until = forms.DateTimeField(label=_("valid until"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                      help_text=_("Required for external verifiers."))

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {key: (park, enterprise) for key, park, enterprise in scopes}
        self.fields["scope"].choices = [
            (key, str(enterprise) if enterprise else _("Whole park: %(park)s") % {"park": park})
            for key, park, enterprise in scopes
        ]
