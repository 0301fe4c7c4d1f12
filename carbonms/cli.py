"""The ``carbonms`` command: what users run (demo, serve, calc, …) without knowing Django.

    carbonms demo [--enterprises N] [--seed S] [--port P] [--no-serve]
    carbonms serve [--host H] [--port P] [--workers N]
    carbonms calc INPUT [...]          (the accounting core; see docs/accounting.md)
    carbonms manage <django command>   (any manage.py command)
    carbonms ingest-mqtt [...]         (the MQTT consumer of meter readings; see docs/monitoring.md)
    carbonms inventory show|export-input [...]  (official inventory statements; see docs/inventory.md)
    carbonms report KIND (--park NAME | --enterprise CODE) --year Y -o FILE.docx|.pdf  (docs/reports.md)
"""
from __future__ import annotations

import argparse
import os
import sys


def _django(debug: bool | None = None):
    if debug is not None:
        os.environ.setdefault("DEBUG", "1" if debug else "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_demo(args) -> int:
    _django(debug=True)
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--no-input", "-v", "0")
    from carbonms.organizations.models import Park

    if not Park.objects.exists():
        _manage("load_demo", "--enterprises", str(args.enterprises), "--seed", str(args.seed))
    else:
        print("The database already holds a park; the demo data was kept as it is.")
    _print_demo_logins()
    if args.no_serve:
        return 0
    print(f"\nCarbonMS is starting on http://127.0.0.1:{args.port}/  (Ctrl+C stops it)\n", flush=True)
    _manage("runserver", f"127.0.0.1:{args.port}", "--noreload")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 1)


def _print_demo_logins() -> None:
    """Every demo user with the role and scope they really hold in the database."""
    from django.utils import translation

    from carbonms.accounts.models import RoleAssignment
    from carbonms.demo.generator import DEMO_PASSWORD, DEMO_USERS

    names = [u for u, *_ in DEMO_USERS]
    rows = RoleAssignment.objects.filter(user__username__in=names).select_related("user", "park", "enterprise")
    order = {u: i for i, u in enumerate(names)}
    print(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for ra in sorted(rows, key=lambda r: order[r.user.username]):
        with translation.override("zh-hans"):
            zh = str(ra.get_role_display())
        with translation.override("en"):
            en = str(ra.get_role_display())
        where = ra.enterprise.name if ra.enterprise else f"{ra.park.name} (whole park)"
        print(f"  {_pad(ra.user.username, 15)}{_pad(zh, 16)}{_pad(en, 27)}{where}")


def cmd_serve(args) -> int:
    """Production server: gunicorn on the WSGI app, static files by WhiteNoise."""
    _django()
    _manage("migrate", "--no-input", "-v", "0")
    _manage("collectstatic", "--no-input", "-v", "0")
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "carbonms.config.wsgi", "--bind", f"{args.host}:{args.port}",
                               "--workers", str(args.workers)])
    return 0  # pragma: no cover


def cmd_manage(args) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carbonms manage", *args.rest])
    return 0


def cmd_ingest_mqtt(args) -> int:
    _django()
    from carbonms.monitoring.cli import run_consumer

    return run_consumer(args)


def cmd_inventory(args) -> int:
    _django()
    from carbonms.inventory.cli import run

    return run(args)


def cmd_report(args) -> int:
    _django()
    from carbonms.reports.cli import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carbonms", description="CarbonMS: carbon emission management for industrial parks")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the platform on the embedded default with the demo park")
    demo.add_argument("--enterprises", type=int, default=30)
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the demo park and stop")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run the production server (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=3)
    serve.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    from carbonms.monitoring.cli import add_ingest_parser

    add_ingest_parser(sub, cmd_ingest_mqtt)

    from carbonms.inventory.cli import add_inventory_parser

    add_inventory_parser(sub, cmd_inventory)

    from carbonms.reports.cli import add_report_parser

    add_report_parser(sub, cmd_report)

    try:
        from carbonms.accounting.cli import add_calc_parser
    except ImportError:  # the accounting core ships its CLI separately
        add_calc_parser = None
    if add_calc_parser is not None:
        add_calc_parser(sub)
    from carbonms.assets.cli import add_assets_parser
    from carbonms.planning.cli import add_planning_parser

    add_planning_parser(sub)
    add_assets_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ImproperlyConfigured as exc:  # a misconfigured production stops here, loudly, before serving
        print(f"carbonms: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
