"""Kongtun's regulation engine: regulations as validated data, and claims decided from them.

Pure Python (no Django, no database, no clock); ``render`` is the one module that uses Django,
for translated text. Public API::

    from kongtun.regulations.engine import (
        load_regulation, regulation_from_dict, dump_regulation, check_draft, decide,
        Regulation, MemberHistory, Payment, StatusChange, PastClaim, Event, Decision, Step,
        RegulationFormatError, FormatError, DraftWarning,
    )
"""

from .dates import add_months, add_period, age_on, completed_months, elapsed, year_window
from .draft import DraftWarning, check_draft
from .engine import check_admission, decide
from .errors import FormatError, RegulationFormatError
from .facts import Decision, Event, MemberHistory, PastClaim, Payment, StatusChange, Step
from .loader import (
    YAML_LIMITS,
    YamlLimits,
    dump_regulation,
    load_regulation,
    regulation_from_dict,
    regulation_to_dict,
    safe_compose,
)
from .model import (
    FORMAT_VERSION,
    AgeRange,
    Arrears,
    Band,
    Benefit,
    Bound,
    Cap,
    Clause,
    Conditions,
    EntranceFee,
    Evidence,
    Fee,
    GroupCap,
    Interpretation,
    Level,
    Membership,
    Plan,
    Regulation,
    RelativeShare,
    Requirement,
    Source,
    Tiers,
    WaitingPeriod,
    YearBasis,
)
from .prototypes import PROTOTYPES, load_prototype

__all__ = [
    "FORMAT_VERSION",
    "PROTOTYPES",
    "YAML_LIMITS",
    "AgeRange",
    "Arrears",
    "Band",
    "Benefit",
    "Bound",
    "Cap",
    "Clause",
    "Conditions",
    "Decision",
    "DraftWarning",
    "EntranceFee",
    "Event",
    "Evidence",
    "Fee",
    "FormatError",
    "GroupCap",
    "Interpretation",
    "Level",
    "MemberHistory",
    "Membership",
    "PastClaim",
    "Payment",
    "Plan",
    "Regulation",
    "RegulationFormatError",
    "RelativeShare",
    "Requirement",
    "Source",
    "StatusChange",
    "Step",
    "Tiers",
    "WaitingPeriod",
    "YamlLimits",
    "YearBasis",
    "add_months",
    "add_period",
    "age_on",
    "check_admission",
    "check_draft",
    "completed_months",
    "decide",
    "dump_regulation",
    "elapsed",
    "load_prototype",
    "load_regulation",
    "regulation_from_dict",
    "regulation_to_dict",
    "safe_compose",
    "year_window",
]
