"""Intake: questionnaires as data, scoring and red-flag triage (pure).

Library entry point::

    from backstride.intake import assess
    assessment = assess(document_mapping, today=datetime.date(2026, 11, 25))
    assessment.disposition, assessment.reasons, assessment.scores

Decision support, not diagnosis: reasons say "suspected" or "pattern consistent with".
"""

from backstride.intake.assessment import Assessment, Disposition, Reason
from backstride.intake.catalog import InstrumentDef, shipped_instruments
from backstride.intake.change import Change, compare, compare_instrument
from backstride.intake.document import IntakeDocument
from backstride.intake.scoring import SCORERS
from backstride.intake.serialize import assessment_from_dict, assessment_to_dict
from backstride.intake.triage import RULES_VERSION, SAFETY_NETTING, assess
from backstride.intake.triage_rules import RULES
from backstride.intake.validation import intake_json_schema, validate_intake
from backstride.intake.wording import load_instruments

__all__ = [
    "RULES",
    "RULES_VERSION",
    "SAFETY_NETTING",
    "SCORERS",
    "Assessment",
    "Change",
    "Disposition",
    "InstrumentDef",
    "IntakeDocument",
    "Reason",
    "assess",
    "assessment_from_dict",
    "assessment_to_dict",
    "compare",
    "compare_instrument",
    "intake_json_schema",
    "load_instruments",
    "shipped_instruments",
    "validate_intake",
]
