from casework.models.breakglass import BreakGlassAccess, BreakGlassRole
from casework.models.cases import Case, CaseCategory, Category, ClosureOutcome, RiskLevel, State
from casework.models.notes import CounsellingNote
from casework.models.permissions import CaseGroupObjectPermission, CaseUserObjectPermission
from casework.models.plans import SupportPlan
from casework.models.visits import (
    HomeVisit,
    VisitGiftReport,
    VisitKind,
    VisitParticipant,
    VisitPlan,
    stage_q,
)

__all__ = [
    "BreakGlassAccess",
    "BreakGlassRole",
    "Case",
    "CaseCategory",
    "CaseGroupObjectPermission",
    "CaseUserObjectPermission",
    "Category",
    "ClosureOutcome",
    "CounsellingNote",
    "HomeVisit",
    "RiskLevel",
    "State",
    "SupportPlan",
    "VisitGiftReport",
    "VisitKind",
    "VisitParticipant",
    "VisitPlan",
    "stage_q",
]
