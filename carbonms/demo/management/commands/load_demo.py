from django.core.management.base import BaseCommand, CommandError

from carbonms.demo import generator
from carbonms.organizations.models import Park


class Command(BaseCommand):
    help = "Load the demo park (江海经济技术开发区) with enterprises, hierarchy and users for every role."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=30, help="number of enterprises (default 30)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same park)")
        parser.add_argument("--park-name", default=None, help="name of the park (default: the demo park's)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a park already exists")
        parser.add_argument("--no-users", action="store_true", help="do not create the demo users")

    def handle(self, *args, **opts):
        if opts["enterprises"] < 1:
            raise CommandError("--enterprises must be at least 1")
        if opts["if_empty"] and Park.objects.exists():
            self.stdout.write("A park exists already; the demo data was not loaded again.")
            return
        name = opts["park_name"] or generator.catalog.PARK["name"]
        if Park.objects.filter(name=name).exists():
            raise CommandError(f"A park named {name} exists already. Use --park-name or a fresh database.")
        result = generator.build(enterprises=opts["enterprises"], seed=opts["seed"], park_name=opts["park_name"],
                                 with_users=not opts["no_users"])
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {result.park.name}: {result.enterprises} reporting entities, {result.sites} sites, "
            f"{result.units} emission units, {result.equipment} pieces of equipment."
        ))
