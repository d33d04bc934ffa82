"""A clinician's review of an assessment: a changed disposition with a recorded reason.

clinical reference §1.2 step 6 *[default]*: a clinician may downgrade (or raise) the disposition
with a recorded reason, which is audited; the runner-answered red flags stay visible in the record.
Here that means: every fired rule (its code, text and source) is kept in ``reasons``; the
disposition, its time frame and the plan flags follow the clinician's decision. A rule whose
level is above the reviewed disposition was the clinician's to weigh, so its plan flags no
longer bind the plan (for example ``no_running`` of a suspected bone stress injury that imaging
ruled out); rules at or below that level keep theirs. The flags derived from the answers
(hill hold, loaded flexion) are the clinician's to set again too: a changed disposition clears
them, as it did when they were stored among the rules' flags. The review is never a diagnosis.
"""

from __future__ import annotations

from dataclasses import replace

from backstride.intake.assessment import Assessment, Disposition
from backstride.intake.triage import TIME_FRAMES


def apply_review(assessment: Assessment, disposition: Disposition) -> Assessment:
    """``assessment`` as the reviewing clinician decided (unchanged when the level is the same)."""
    if disposition is assessment.disposition:
        return assessment
    kept = frozenset(
        flag
        for reason in assessment.reasons
        if reason.disposition.rank <= disposition.rank
        for flag in reason.flags
    )
    direction = "lowered" if disposition.rank < assessment.disposition.rank else "raised"
    note = (
        f"A clinician {direction} the disposition from {assessment.disposition.value} to "
        f"{disposition.value} after reviewing this assessment; the answers and the rules that "
        "fired are unchanged."
    )
    return replace(
        assessment,
        disposition=disposition,
        time_frame=TIME_FRAMES[disposition],
        flags=kept,
        derived_flags=frozenset(),
        notes=(*assessment.notes, note),
    )


__all__ = ["apply_review"]
