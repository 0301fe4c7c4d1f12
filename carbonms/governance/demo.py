"""Demo governance (issue 14): the admission committee and the leading group; two project applications — a 两高
cement clinker project refused because its planned emissions exceed the park target's headroom, and a green battery
project admitted (it becomes an enterprise with its entry date and a provisional allocation); the default assessment
scheme and the published 2025 assessment; procurement criteria, two training sessions with attendance and two
service requests. Runs after the targets builder (it reads the park target)."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from carbonms.accounts.models import User

from . import assessment, headroom, screening, services
from .models import Committee, Criterion

OPERATION_YEAR = 2027


def _u(name):
    return User.objects.filter(username=name).first()


def _per_unit(row) -> Decimal:
    """tCO2e of one unit of ``row``'s amount, from the accounting core."""
    t = screening.planned_totals([dict(row, amount="1000")], year=OPERATION_YEAR, entity="x")
    return t["emissions_t"] / 1000


def build(park, enterprises) -> None:
    officer, admin, reviewer = _u("park_officer"), _u("park_admin"), _u("park_reviewer")
    if not (officer and admin and reviewer):
        return
    services.committee_save(actor=officer, park=park, kind=Committee.Kind.ADMISSION, name="园区项目准入委员会",
                            members=[admin, officer, reviewer])
    services.committee_save(actor=officer, park=park, kind=Committee.Kind.LEADING_GROUP, name="园区碳达峰碳中和工作领导小组",
                            members=[admin, officer])
    _applications(park, officer)
    _coordination(park, officer, enterprises)
    _assessment(park, officer, enterprises)


def _applications(park, officer) -> None:
    budget = headroom.park_budget(park, OPERATION_YEAR)
    room = Decimal(budget["headroom"]) if budget else Decimal("0")
    coal = {"source": "熟料回转窑", "category": "stationary_combustion", "method": "fuel_combustion", "material": "烟煤",
            "unit": "t"}
    # big enough to exceed the headroom whatever the park target is: at least 180,000 t of coal a year
    need = ((room * Decimal("1.3")) / _per_unit(coal)).to_integral_value(ROUND_CEILING) if room > 0 else 0
    coal["amount"] = str(max(Decimal("180000"), need))
    cement = services.application_save(actor=officer, park=park, data={
        "number": "XM-2026-001", "project": "年产120万吨水泥熟料生产线项目", "applicant": "江海新型建材有限公司",
        "credit_code": "91320600MA1XK0J35Y", "industry_code": "3011", "products": "水泥熟料", "capacity": Decimal("120"),
        "capacity_unit": "万吨/年", "planned_output": Decimal("1200000"), "benchmark": "cement_clinker",
        "operation_year": OPERATION_YEAR, "renewable_share_pct": Decimal("0"),
        "planned_activity": [coal, {"source": "厂区用电", "category": "purchased_electricity", "method": "emission_factor",
                                    "material": "电力", "amount": "96000", "unit": "MWh"}]})
    cement = services.application_screen(actor=officer, application=cement)
    services.application_decide(actor=officer, application=cement, data={
        "decision": "refuse", "decided_on": dt.date(2026, 3, 18), "votes_for": 0, "votes_against": 5,
        "votes_abstain": 0, "conditions": ""})
    power = {"source": "电芯及PACK产线", "category": "purchased_electricity", "method": "emission_factor",
             "material": "电力", "unit": "MWh"}
    gas = {"source": "涂布烘干燃气炉", "category": "stationary_combustion", "method": "fuel_combustion",
           "material": "天然气", "amount": "60", "unit": "万立方米"}
    mwh = Decimal("24000")
    if room > 0:  # keep the green project well inside the headroom
        mwh = min(mwh, (room * Decimal("0.3") / _per_unit(power)).to_integral_value())
    power["amount"] = str(max(mwh, Decimal("100")))
    green = services.application_save(actor=officer, park=park, data={
        "number": "XM-2026-002", "project": "年产2GWh储能电池PACK项目", "applicant": "江海储能科技有限公司",
        "credit_code": "91320600MA1XK0J43R", "industry_code": "3841", "products": "储能电池系统",
        "capacity": Decimal("2"), "capacity_unit": "GWh/年", "planned_output": None, "benchmark": "",
        "operation_year": OPERATION_YEAR, "renewable_share_pct": Decimal("40"), "planned_activity": [power, gas]})
    green = services.application_screen(actor=officer, application=green)
    if green.screening.get("recommendation") == "refuse":
        return  # no headroom at all in this park: leave it screened for the committee
    services.application_decide(actor=officer, application=green, data={
        "decision": "conditional", "decided_on": dt.date(2026, 3, 18), "votes_for": 5, "votes_against": 0,
        "votes_abstain": 0, "entry_date": dt.date(2026, 6, 1),
        "conditions": "投产后三年内屋顶光伏不少于5MWp，绿电占比不低于40%，首个完整年度开展碳排放核算并报园区复核。"})


def _coordination(park, officer, enterprises) -> None:
    # 500 MWh × 0.5366 tCO2/MWh (2022 national grid average, MEE/NBS announcement of 2024-12-20) = 268.3 tCO2e
    motors = services.procurement_save(actor=officer, park=park, data={
        "category": "equipment", "title": "新购电机、水泵、风机能效不低于GB 18613等标准的1级能效",
        "significance": "单台功率≥75 kW或年耗电≥50万kWh", "in_force_from": dt.date(2025, 1, 1),
        "threshold_tco2e": Decimal("268.3"),
        "evaluation": "采购前测算全生命周期电耗和碳排放，与2级能效方案比较，差额计入采购评审。"})
    power = services.procurement_save(actor=officer, park=park, data={
        "category": "energy", "title": "外购电力优先采购绿电（绿证或绿电交易）",
        "significance": "年购电量≥1000万kWh", "in_force_from": dt.date(2025, 1, 1),
        "evaluation": "按市场法核算电力间接排放，评价绿电比例对园区可再生能源占比的贡献。"})
    services.procurement_evaluate(actor=officer, park=park, data={
        "criterion": motors, "item": "污水处理厂鼓风机更换：2 台 160 kW 磁悬浮鼓风机（1级能效）", "supplier": "设备招标中标单位",
        "evaluated_on": dt.date(2025, 5, 20), "impact_tco2e": Decimal("-41.2"), "significant": False, "decision": "approved",
        "basis": "2 台 × 160 kW × 6,000 h × 4% 能效差 = 76.8 MWh/年，× 0.5366 tCO2/MWh（2022年全国电力平均排放因子）", "conditions": ""})
    services.procurement_evaluate(actor=officer, park=park, data={
        "criterion": power, "item": "2026 年度园区公共设施购电 1,800 万 kWh，其中绿电交易 600 万 kWh", "supplier": "省电力交易中心",
        "evaluated_on": dt.date(2025, 11, 28), "impact_tco2e": Decimal("-3219.6"), "significant": True,
        "decision": "conditions", "conditions": "售电方提供绿证编号，录入可再生能源供应工具台账，不得与企业重复申领。",
        "basis": "绿电 6,000 MWh × 0.5366 tCO2/MWh（2022年全国电力平均排放因子），按市场法计减。"})
    s1 = services.training_save(actor=officer, park=park, data={
        "title": "企业温室气体排放核算与报告培训", "topic": "核算指南、活动数据与排放因子、月度数据锁定",
        "held_on": dt.date(2025, 4, 16), "trainer": "园区碳排放管理办公室"})
    s2 = services.training_save(actor=officer, park=park, data={
        "title": "全国碳市场履约与CCER培训", "topic": "配额清缴、CCER抵销规则", "held_on": dt.date(2025, 9, 10),
        "trainer": "第三方技术服务机构"})
    for i, ent in enumerate(enterprises):
        services.attendance_record(actor=officer, session=s1, enterprise=ent, attendees=2 + i % 3)
        if i % 2 == 0:
            services.attendance_record(actor=officer, session=s2, enterprise=ent, attendees=1 + i % 2)
    ent_admin = _u("ent_admin")
    if enterprises and ent_admin:
        req = services.request_save(actor=ent_admin, enterprise=enterprises[0], data={
            "kind": "renewable", "description": "2026年计划通过绿电交易采购绿电，请园区协调售电公司。",
            "quantity": Decimal("20000"), "unit": "MWh", "needed_by": dt.date(2026, 3, 31)})
        services.request_respond(actor=officer, request=req, status="in_progress",
                                 response="已对接两家售电公司，3月上旬组织绿电交易对接会。")
        services.request_save(actor=ent_admin, enterprise=enterprises[0], data={
            "kind": "credits", "description": "2025年度履约缺口拟使用CCER抵销，请园区推荐项目来源。",
            "quantity": Decimal("5000"), "unit": "tCO2e"})


def _assessment(park, officer, enterprises) -> None:
    assessment.scheme_default(actor=officer, park=park, in_force_from=dt.date(2025, 1, 1))
    rnd = assessment.round_open(actor=officer, park=park, year=2025, self_assessment_due=dt.date(2026, 1, 15))
    ent_admin = _u("ent_admin")
    rows = list(rnd.assessments.select_related("enterprise").order_by("enterprise__name"))
    first = next((a for a in rows if enterprises and a.enterprise_id == enterprises[0].pk), None)
    if ent_admin and first is not None:  # self-assessment comes before the park scores
        assessment.self_assess(actor=ent_admin, assessment=first, scores={
            str(s.criterion_id): s.computed if s.computed is not None else s.criterion.max_points
            for s in first.scores.select_related("criterion")})
    for i, a in enumerate(rows):
        scores = list(a.scores.select_related("criterion"))
        manual = {}
        for s in scores:
            if s.computed is None:  # manual criteria and the ETS compliance of covered enterprises
                share = Decimal("0.9") if s.criterion.source == Criterion.Source.MANUAL else Decimal("1")
                manual[str(s.criterion_id)] = (s.criterion.max_points * (share - Decimal(i % 4) / 10)).quantize(
                    Decimal("0.1"))
        assessment.park_score(actor=officer, assessment=a, scores=manual,
                              notes={k: "依据年度减排措施台账和现场核查评分" for k in manual})
    assessment.round_submit(actor=officer, round=rnd)
    assessment.round_approve(actor=officer, round=rnd, approved_on=dt.date(2026, 1, 28))
