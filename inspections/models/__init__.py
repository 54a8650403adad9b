from inspections.models.checklist import ChecklistItem, ChecklistResult
from inspections.models.inspections import Finding, Inspection, InspectionChecklistResult, Rating
from inspections.models.notices import Notice
from inspections.models.rectifications import Rectification

__all__ = [
    "ChecklistItem",
    "ChecklistResult",
    "Finding",
    "Inspection",
    "InspectionChecklistResult",
    "Notice",
    "Rating",
    "Rectification",
]
