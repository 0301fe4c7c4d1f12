"""A populated management system for the demo park and its first enterprise (江海特钢集团有限公司).

Built through the services, as the demo users would, so every record passes the same rules. Dates
are relative to today so that the conformity pages and task lists show a live, realistic status.
"""
from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from carbonms.accounts.models import User

from . import models as m
from . import services
from .system import System


def _u(username):
    return User.objects.filter(username=username).first()


def populate(park, enterprises, *, with_users: bool = True) -> None:
    """Populate the park's own system and the first enterprise's (needs the demo users of this park)."""
    if not with_users or not enterprises or _u("park_admin") is None or _u("ent_admin") is None:
        return
    today = timezone.localdate()
    _populate(System(park, enterprises[0]), today, admin=_u("ent_admin"), top=_u("reviewer"), auditor=_u("auditor"),
              staff=_u("clerk"), full=True)
    _populate(System(park, None), today, admin=_u("park_officer"), top=_u("park_admin"), auditor=_u("park_auditor"),
              staff=_u("park_viewer"), full=False)
    from carbonms.conformity.reminders import run_reminders

    run_reminders(today, email=False)


def _populate(s: System, today: dt.date, *, admin, top, auditor, staff, full: bool) -> None:
    d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    ent = s.enterprise is not None

    def reg(model, **data):
        return services.register_save(actor=admin, model=model, park=s.park, enterprise=s.enterprise,
                                      data={"owner": admin, **data})

    leading = reg(m.OrgUnit, name="碳中和工作领导小组" if ent else "园区碳达峰碳中和工作领导小组", kind="leading_group",
                  head=top, members=[top, admin], duties="审定碳排放管理方针、目标和重大事项，配置资源，主持管理评审。",
                  next_review_on=d(200))
    office = reg(m.OrgUnit, name="能源与碳管理办公室" if ent else "园区碳排放管理办公室", kind="body", head=admin,
                 members=[admin, staff], duties="组织体系运行，碳排放数据收集、核算与报告，合规性评价，内外部沟通。",
                 next_review_on=d(200))
    plant = reg(m.OrgUnit, name="炼钢厂" if ent else "经济发展局", kind="department", members=[staff],
                duties="落实本单位节能降碳措施，提供活动数据，保存原始记录。")
    reg(m.OrgUnit, name="质量安全部" if ent else "纪工委审计室", kind="department", members=[auditor],
        duties="内部审核的组织与实施（独立于受审核部门）。")
    reg(m.Appointment, role="top_management", person=top, unit=leading, appointed_on=d(-400),
        duties="最高管理者：批准方针，确保资源，主持管理评审。")
    reg(m.Appointment, role="representative", person=admin, unit=office, appointed_on=d(-400),
        duties="管理者代表：确保体系建立、实施和保持，向最高管理者报告绩效。")

    for title, kind, cat, mon, nxt in [
        ("全国碳市场扩围覆盖钢铁行业" if ent else "国家碳达峰碳中和政策持续加码", "external", "political", "每季度跟踪生态环境部政策", d(60)),
        ("绿色低碳产品市场需求上升" if ent else "区域绿电资源可获得性提高", "external", "economic", "每半年分析", d(120)),
        ("短流程电炉炼钢技术成熟" if ent else "园区综合能源服务技术成熟", "external", "technological", "年度技术评估", d(-10)),
        ("能源计量和数据管理基础较好" if ent else "园区管委会统筹能力强", "internal", "strength", "管理评审时评审", d(180)),
        ("高炉—转炉长流程碳排放强度高" if ent else "高耗能产业占比较高", "internal", "weakness", "管理评审时评审", d(180)),
    ]:
        reg(m.ContextIssue, title=title, kind=kind, category=cat, monitoring=mon, last_reviewed_on=d(-180), next_review_on=nxt)

    ets = reg(m.ComplianceObligation, title="碳排放权交易管理暂行条例", kind="regulation", reference="国务院令第775号",
              issuer="国务院", requirement="按时报告排放数据、接受核查、足额清缴配额。", applicability="全厂" if ent else "园区内重点排放单位",
              evaluation_months=12)
    guide = reg(m.ComplianceObligation, title="企业温室气体排放核算与报告指南 钢铁生产" if ent else "江苏省“十四五”能耗双控和碳排放目标",
                kind="standard" if ent else "policy", reference="环办气候函〔2022〕111号" if ent else "苏政办发〔2021〕",
                issuer="生态环境部" if ent else "江苏省人民政府", requirement="按指南核算并编制年度排放报告。" if ent else "完成能耗强度下降目标。",
                evaluation_months=12)
    contract = reg(m.ComplianceObligation, title="主机厂客户产品碳足迹披露要求" if ent else "入园项目“两高”准入管理办法",
                   kind="contract" if ent else "policy", reference="采购合同附件5" if ent else "园管发〔2024〕12号",
                   requirement="每年提供主要产品碳足迹。" if ent else "新建“两高”项目须开展碳排放影响评价。", evaluation_months=6)
    for ob, when, result in [(ets, -60, "compliant"), (guide, -90, "partly")] + ([(contract, -250, "compliant")] if full else []):
        services.evaluation_record(actor=admin, obligation=ob, data={
            "evaluated_on": d(when), "result": result, "findings": "已核对年度排放报告、核查报告和清缴记录。",
            "follow_up": "无" if result == "compliant" else "补充计量器具检定证书。"})

    for name, kind, channel, needs, adopted, ob in [
        ("南通市生态环境局", "government", "政府网站、通知文件", "按时报告和清缴，数据真实准确", True, ets),
        ("江海经济技术开发区管委会" if ent else "入园企业", "park" if ent else "enterprise", "园区碳管理平台、季度会议",
         "落实园区降碳目标，报送数据" if ent else "获得政策、绿电和技术服务支持", bool(ent) and True, guide if ent else None),
        ("汽车主机厂客户" if ent else "周边社区居民", "customers" if ent else "community", "客户审核、邮件" if ent else "公众开放日",
         "提供产品碳足迹和减排计划" if ent else "了解园区降碳进展", bool(ent), contract if ent else None),
        ("员工", "employees", "职工代表大会、内网", "安全健康的工作环境，培训机会", False, None),
        ("合作银行", "investors", "年度沟通会", "环境信息披露，转型金融项目", False, None),
    ]:
        reg(m.InterestedParty, name=name, kind=kind, channel=channel, needs=needs, adopted=adopted and ob is not None,
            obligation=ob if adopted else None, next_review_on=d(150))

    for title, cat, lk, cq, resp, eff in [
        ("碳配额收紧导致清缴缺口" if ent else "上级下达的碳排放强度目标未完成", "strategic", 4, 4, "reduce", "已制定年度配额平衡计划，缺口预计下降40%。"),
        ("新增“两高”产能项目不符合准入要求", "admission", 2, 5, "avoid", "立项前开展碳评，未发生不合规项目。"),
        ("活动数据和计量数据失真" if ent else "企业报送数据质量不高", "data_integrity", 3, 4, "reduce", ""),
        ("碳价上涨增加履约成本" if ent else "降碳基础设施投资资金不足", "financial", 3, 3, "transfer", ""),
        ("极端天气导致能源供应中断", "sudden", 2, 3, "accept", ""),
        ("绿电交易和CCER项目收益" if ent else "申报国家级零碳园区试点", "opportunity", 3, 4, "pursue", ""),
    ]:
        reg(m.Risk, title=title, category=cat, likelihood=lk, consequence=cq, response=resp, actions="见年度实施方案",
            effectiveness=eff, effectiveness_evaluated_on=d(-30) if eff else None, next_review_on=d(90))

    reg(m.Resource, title="碳管理专职人员4名" if ent else "园区碳管理办公室编制6人", kind="human", adequate=True)
    reg(m.Resource, title="年度节能降碳专项资金800万元" if ent else "园区绿色发展专项资金", kind="financial", adequate=True)
    reg(m.Resource, title="能源管控中心与在线计量系统", kind="technical", adequate=full)
    comp = reg(m.CompetenceRequirement, role_title="碳排放数据管理员", requirement="熟悉核算指南，掌握计量和台账要求，持证上岗。",
               how_acquired="内部培训＋外部碳排放管理员证书")
    reg(m.CompetenceRequirement, role_title="内部审核员", requirement="熟悉T/CIECCPA 061和审核方法，独立于受审核部门。",
        how_acquired="内审员培训合格证")
    reg(m.Training, title="碳排放核算指南培训", kind="training", competence=comp, planned_on=d(-100), held_on=d(-100),
        participants="能源与碳管理办公室、各分厂统计员", effectiveness="考试合格率95%")
    reg(m.Training, title="全员低碳意识宣贯（全国节能宣传周）", kind="awareness", planned_on=d(-150), held_on=d(-150),
        participants="全体员工")
    reg(m.Training, title="内审员复训", kind="training", competence=comp, planned_on=d(5))

    for subj, direction, party, when in [
        ("年度碳排放报告报送", "outbound", "南通市生态环境局", -200), ("配额分配方案征求意见", "inbound", "生态环境部", -120),
        ("客户碳足迹问询回复" if ent else "园区降碳工作季度例会", "outbound" if ent else "internal", "汽车主机厂客户" if ent else "入园企业", -40),
        ("管理方针宣贯", "internal", "全体员工", -300),
    ]:
        reg(m.Communication, subject=subj, direction=direction, party=party, channel="公文/邮件/会议", occurred_on=d(when),
            summary="已按程序处理并存档。")
    reg(m.PlannedChange, title="转炉改电炉短流程改造" if ent else "园区集中供热改造", purpose="降低吨钢碳排放强度" if ent else "替代分散燃煤锅炉",
        consequences="排放边界和监测计划需更新", resources="投资2.3亿元", responsibilities="炼钢厂、能源与碳管理办公室",
        planned_on=d(120))

    # Policy: v1 approved by top management (not its author) and published.
    p = services.policy_save(actor=admin, park=s.park, enterprise=s.enterprise, data={
        "title": "碳中和管理方针" if ent else "园区碳排放管理方针",
        "text": "绿色发展、低碳转型；依法合规、数据真实；全员参与、持续改进；力争2030年前碳达峰、2060年前碳中和。",
        "commitments": [k for k, _c, _t in services.commitments_for(s.ids[1])]})
    services.policy_submit(actor=admin, policy=p)
    services.policy_approve(actor=top, policy=p)
    services.policy_publish(actor=admin, policy=p, published_to="公司网站、宣传栏、员工手册" if ent else "园区门户网站")

    # Documents: the manual and a procedure in force (approved by another person), a ledger in draft.
    from .drafts import generate_draft

    for ident, title, kind in [("CM-M-01", "碳中和管理手册" if ent else "园区碳排放管理手册", "manual"),
                               ("CM-P-01", "碳排放数据管理程序", "procedure")]:
        doc = services.document_save(actor=admin, park=s.park, enterprise=s.enterprise, data={
            "identifier": ident, "title": title, "kind": kind, "owner": admin, "distribution": "领导小组、各部门",
            "access": "内部受控，经管理者代表批准可借阅", "retention_years": 10, "next_review_on": d(300)})
        v = services.version_add(actor=admin, document=doc, version="1.0", reviewer=top,
                                 file=ContentFile(f"{title}\n第1版".encode(), name=f"{ident}.pdf"))
        services.version_approve(actor=top, version=v)
        services.version_put_in_force(actor=admin, version=v, effective_on=d(-300))
    services.document_save(actor=admin, park=s.park, enterprise=s.enterprise, data={
        "identifier": "CM-L-01", "title": "能源和碳排放台账", "kind": "ledger", "owner": staff, "retention_years": 5})
    generate_draft(actor=admin, system=s, key="parties")

    _audits(s, today, admin=admin, top=top, auditor=auditor, staff=staff, areas=[office, plant], full=full)


def _audits(s, today, *, admin, top, auditor, staff, areas, full):
    from carbonms.audits import services as a

    d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    std = "t-cieccpa-061-2023" if s.enterprise else "t-cses-2023"
    prog = a.programme_save(actor=auditor, system=s, data={
        "year": today.year, "manager": auditor, "objectives": "验证体系符合标准要求并有效运行。",
        "frequency_basis": "高风险领域（数据质量、配额履约）每年两次，其他每年一次；上年度发现不符合的部门加审一次。"})
    audit = a.audit_plan(actor=auditor, system=s, data={
        "programme": prog, "title": f"{today.year}年度第一次内部审核", "kind": "internal", "standard": std,
        "objective": "评价碳管理体系与标准的符合性和运行有效性。", "criteria": "管理手册、程序文件、适用法规",
        "scope": "碳排放数据管理、合规义务、方针目标", "lead": auditor, "areas": areas, "team": [auditor],
        "planned_start": d(-45 if full else 20), "planned_end": d(-44 if full else 21)})
    if not full:
        return
    a.checklist_generate(actor=auditor, audit=audit)
    items = list(audit.checklist.all())
    target = next((i for i in items if i.number.startswith("7.5")), items[0])
    f = a.finding_record(actor=auditor, audit=audit, data={
        "item": target, "kind": "nonconformity", "description": "2号高炉煤气流量计检定证书过期，未按程序送检。",
        "evidence": "现场查看计量器具台账第12行，检定有效期至去年10月。"})
    a.finding_record(actor=auditor, audit=audit, data={
        "kind": "observation", "description": "部分员工对管理方针内容不熟悉。", "evidence": "随机询问炼钢厂3名员工。"})
    for item in items:
        if item.pk != target.pk:
            a.checklist_mark(actor=auditor, item=item, result="conform")
    a.audit_report(actor=auditor, audit=audit, overview=f"审核覆盖能源与碳管理办公室和炼钢厂，共检查条款{len(items)}项。",
                   conclusion="体系基本符合标准要求并有效运行；发现1项一般不符合，1项观察项。")
    nc = f.nonconformities.get()
    nc = a.nc_save(actor=admin, nc=nc, data={
        "owner": admin, "correction": "立即送检并更换备用流量计。", "correction_on": d(-40),
        "five_whys": "1.证书为何过期？未送检。2.为何未送检？检定计划未包含该表。3.为何未包含？新增设备未录入台账。",
        "fishbone": "方法：台账更新流程缺失；人：计量员变动。", "root_cause": "新增计量器具未纳入检定计划。"})
    a.action_save(actor=admin, nc=nc, data={"kind": "corrective", "description": "修订计量器具管理程序，新增设备入账审批。",
                                           "owner": admin, "due_on": d(-20), "done_on": d(-25)})
    a.nc_review_effectiveness(actor=top, nc=nc, review="抽查近两月新增设备均已入账并列入检定计划。", effective=True)
    a.nc_close(actor=admin, nc=nc)
    open_nc = a.nc_save(actor=admin, system=s, data={
        "title": "3月份外购电量数据与电网结算单不一致", "source": "data_quality", "description": "月报电量比结算单少1.2%。",
        "detected_on": d(-10), "owner": staff, "correction": "按结算单更正月报。"})
    a.action_save(actor=admin, nc=open_nc, data={"kind": "corrective", "description": "建立月度电量与结算单自动比对。",
                                                "owner": staff, "due_on": d(5)})
    review = a.review_create(actor=admin, system=s, data={
        "title": f"{today.year}年度管理评审", "held_on": d(-20), "chair": top, "attendees": "领导小组成员、各部门负责人"})
    a.output_save(actor=admin, review=review, data={"category": "targets", "decision": "2026年吨钢碳排放强度下降3%。",
                                                   "owner": admin, "due_on": d(60)})
    a.output_save(actor=admin, review=review, data={"category": "resources", "decision": "增配1名碳资产管理专员。",
                                                   "owner": top, "due_on": d(-5), "done_on": d(-8)})
    a.review_hold(actor=admin, review=review, minutes="评审认为体系运行有效，方针持续适宜；决定见输出。")
