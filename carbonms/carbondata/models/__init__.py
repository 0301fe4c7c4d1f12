"""Carbon data records: the source register, monitoring plans and measuring equipment, activity
data with its review workflow, lab analyses, imports and evidence (issue 4).

Split by subdomain: :mod:`.register`, :mod:`.monitoring`, :mod:`.activity`, :mod:`.output`.
"""
from .activity import ActivityRecord, DataEvent, DataImport, Evidence, LabAnalysis, PeriodLock
from .factors import UserFactor
from .monitoring import Calibration, MeasuringInstrument, MonitoringPlan, PlanItem
from .output import EconomicRecord, Product, ProductionRecord
from .register import Source

__all__ = [
    "ActivityRecord", "Calibration", "DataEvent", "DataImport", "EconomicRecord", "Evidence", "LabAnalysis",
    "MeasuringInstrument", "MonitoringPlan", "PeriodLock", "PlanItem", "Product", "ProductionRecord", "Source",
    "UserFactor",
]
