from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from carbonms.common.views import ScopedPageView, ServiceFormView

from . import selectors, services
from .forms import LoginForm, UserInviteForm
from .models import RoleAssignment


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class UserListView(ScopedPageView):
    """Users and their roles in the caller's scope."""

    template_name = "accounts/users.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assignments"] = selectors.assignments_for(self.request.user)
        ctx["can_invite"] = bool(selectors.grantable_scopes(self.request.user))
        ctx["revocable"] = set(RoleAssignment.objects.restrict(self.request.user, "delete").values_list("pk", flat=True))
        return ctx


class UserInviteView(ServiceFormView):
    form_class = UserInviteForm
    title = _("Add a user")
    success_message = _("The user was created with the role.")
    cancel_url = reverse_lazy("accounts:users")

    def check_access(self, request, **kwargs):
        """Only a user who may grant a role somewhere (an administrator) may add users."""
        super().check_access(request, **kwargs)
        self.scopes = selectors.grantable_scopes(request.user)
        if not self.scopes:
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scopes": self.scopes}

    def perform(self, form):
        d = form.cleaned_data
        park, enterprise = form.scopes[d["scope"]]
        return services.user_invite(
            actor=self.request.user, username=d["username"], full_name=d["full_name"], email=d["email"],
            password=d["password"], role=d["role"], park=park, enterprise=enterprise, valid_until=d["valid_until"],
        )

    def get_success_url(self):
        return reverse("accounts:users")


class RoleRevokeView(ScopedPageView):
    """Confirm (GET) and revoke (POST) one role assignment."""

    template_name = "accounts/revoke.html"
    model = RoleAssignment
    action = "delete"
    select_related = ("user", "park", "enterprise")

    @property
    def assignment(self):
        return self.object

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}

    def post(self, request, *args, **kwargs):
        try:
            services.role_revoke(actor=request.user, assignment=self.assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, *args, **kwargs)
        messages.success(request, _("The role was revoked."))
        return HttpResponseRedirect(reverse("accounts:users"))
