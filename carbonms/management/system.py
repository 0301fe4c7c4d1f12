"""Which management system a page is about: the park's own (``park-<id>``, park staff only) or an
enterprise's (``ent-<id>``). Resolved through the tenancy mechanism: 404 outside the user's scope."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from carbonms.common import tenancy


@dataclass
class System:
    park: object
    enterprise: object | None

    @property
    def slug(self) -> str:
        return f"ent-{self.enterprise.pk}" if self.enterprise else f"park-{self.park.pk}"

    @property
    def name(self) -> str:
        return self.enterprise.name if self.enterprise else self.park.name

    @property
    def ids(self) -> tuple[int, int | None]:
        return self.park.pk, self.enterprise.pk if self.enterprise else None

    def filter(self, qs):
        return qs.filter(park_id=self.park.pk, enterprise_id=self.enterprise.pk if self.enterprise else None)

    def can(self, user, action: str, domain: str = "management") -> bool:
        park_id, ent_id = self.ids
        return tenancy.can(user, domain, action, park_id=park_id, enterprise_id=ent_id)

    def measured_enterprise_id(self) -> int | None:
        """Whose carbon data belong to this system: the enterprise's, or for the park its park-facilities entity."""
        from carbonms.organizations.models import Enterprise

        if self.enterprise is not None:
            return self.enterprise.pk
        return Enterprise.objects.filter(park_id=self.park.pk, kind=Enterprise.Kind.PARK_FACILITIES).values_list(
            "pk", flat=True).first()

    def url(self, name: str, *args) -> str:
        return reverse(name, args=[self.slug, *args])


def resolve(user, slug: str) -> System:
    from carbonms.organizations.models import Enterprise, Park

    kind, _sep, pk = slug.partition("-")
    if not pk.isdigit():
        raise Http404
    if kind == "park":
        park = tenancy.get_for_user(Park, user, int(pk), "view")
        if not tenancy.is_park_member(user, park.pk):
            raise Http404
        return System(park, None)
    if kind == "ent":
        ent = tenancy.get_for_user(Enterprise.objects.select_related("park"), user, int(pk), "view")
        return System(ent.park, ent)
    raise Http404


def of(obj) -> System:
    return System(obj.park, obj.enterprise)


def home_system(user) -> System | None:
    """The system a user lands on: their park's own for park staff, else their enterprise's."""
    from carbonms.organizations.models import Enterprise, Park

    for a in tenancy.active_assignments(user):
        if a.enterprise_id is None:
            return System(Park.objects.get(pk=a.park_id), None)
    for a in tenancy.active_assignments(user):
        if a.enterprise_id:
            return System(Park.objects.get(pk=a.park_id), Enterprise.objects.get(pk=a.enterprise_id))
    if user.is_superuser:
        park = Park.objects.order_by("pk").first()
        return System(park, None) if park else None
    return None


def people(system: System):
    """Users with a role in this system (park staff, or the enterprise's users): the choices for owners."""
    from django.db.models import Q

    from carbonms.accounts.models import User

    q = Q(role_assignments__park_id=system.park.pk, role_assignments__enterprise__isnull=True)
    if system.enterprise:
        q = Q(role_assignments__enterprise_id=system.enterprise.pk)
    return User.objects.filter(q).distinct().order_by("username")
