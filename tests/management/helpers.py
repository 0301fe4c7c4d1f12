"""Small builders for management-system tests (through the services, as a user would)."""
from __future__ import annotations

import datetime as dt

from carbonms.management import services
from carbonms.management.models import Appointment, ComplianceObligation, OrgUnit
from carbonms.management.system import System

ALL_COMMITMENTS = [k for k, _c, _t in services.ENTERPRISE_POLICY_COMMITMENTS]  # enterprise systems


def ent_system(world, org=None) -> System:
    org = org or world.e1
    return System(org.enterprise.park, org.enterprise)


def park_system(world) -> System:
    return System(world.park_a, None)


def appoint_top(world, user, system=None):
    system = system or ent_system(world)
    return services.register_save(actor=world.users["enterprise_admin"] if system.enterprise else world.users["park_admin"],
                                  model=Appointment, park=system.park, enterprise=system.enterprise,
                                  data={"role": "top_management", "person": user})


def submitted_policy(world, system=None, author=None):
    system = system or ent_system(world)
    author = author or world.users["enterprise_admin"]
    p = services.policy_save(actor=author, park=system.park, enterprise=system.enterprise,
                             data={"title": "碳中和管理方针", "text": "绿色低碳，持续改进。", "commitments": ALL_COMMITMENTS})
    return services.policy_submit(actor=author, policy=p)


def org_unit(world, name="能源管理部", members=(), system=None, kind="department"):
    system = system or ent_system(world)
    actor = world.users["enterprise_admin"] if system.enterprise else world.users["park_admin"]
    return services.register_save(actor=actor, model=OrgUnit, park=system.park, enterprise=system.enterprise,
                                  data={"name": name, "kind": kind, "duties": "负责碳排放数据管理", "members": list(members)})


def obligation(world, system=None, **extra):
    system = system or ent_system(world)
    actor = world.users["enterprise_admin"] if system.enterprise else world.users["park_admin"]
    data = {"title": "碳排放权交易管理暂行条例", "kind": "regulation", "reference": "国务院令第775号", "evaluation_months": 12}
    data.update(extra)
    return services.register_save(actor=actor, model=ComplianceObligation, park=system.park, enterprise=system.enterprise,
                                  data=data)


def days(n: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=n)
