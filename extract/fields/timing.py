"""Time to spinal metastasis and whether it was synchronous (FIELDS.md).

The time runs from the first diagnosis (or resection) of the primary to the diagnosis of the
first spinal metastasis; 0 and synchronous when the spinal metastasis was found at the initial
presentation; synchronous false with no time when the text tells the order but no interval.
The patient's events and the clock between them are read by :mod:`extract.fields.timeline`;
this module turns its finding into the two fields, and reads a series' shared statement ("We
present two cases of HCC where spinal cord compression was the initial presentation") for each
patient it covers. :func:`parse_interval_months` reads a table cell.
"""

from __future__ import annotations

import re

from extract.fields import FieldValue, PatientText
from extract.fields.story import story_of
from extract.fields.timeline import Timeline, prior_history, spinal_cue, terms, timeline_of
from extract.fields.units import DURATION_RE, duration_months, to_months

# -- table cells and phrases ---------------------------------------------------------------


def parse_interval_months(text: str, default_unit: str = "months") -> float | None:
    """Months in an interval phrase or table cell: ``"10 years"`` -> 120.0, ``"84"`` -> 84.0
    (``default_unit`` for a bare number), ``"at presentation"``/``"synchronous"`` -> 0.0,
    ``"N/A"``/``"-"``/``""`` -> None."""
    t = " ".join(text.split())
    if not t or re.fullmatch(r"(?:n/?a|nr|ns|unknown|not\s+(?:reported|stated|available)|[-–—?])", t, re.IGNORECASE):
        return None
    if terms()["synchronous"].search(t) or terms()["at_presentation"].search(t) or re.fullmatch(r"0+(?:\.0+)?", t):
        return 0.0
    m = DURATION_RE.search(t)
    if m:
        return duration_months(m)
    m2 = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:\(.*\))?", t)
    if m2:
        return to_months(float(m2.group(1)), default_unit)
    return None


# -- the narrative -------------------------------------------------------------------------


def _shared_statement(patient: PatientText) -> list[FieldValue]:
    """What a series says once of every patient, in its title or lead ("Spinal cord
    compression as initial presentation in hepatocellular carcinoma", "We present two cases of
    HCC where spinal cord compression was the initial presentation")."""
    if not patient.shared:
        return []
    shared = story_of(PatientText(patient.document, patient.doc, patient.shared))
    t = terms()
    for s in shared.sentences:
        if spinal_cue(s.text) and t["synchronous"].search(s.text) and not prior_history(s.text):
            ev = shared.evidence(s)
            return [FieldValue("time_to_spinal_metastasis_months", 0.0, ev), FieldValue("synchronous", True, ev)]
    return []


def extract(patient: PatientText) -> list[FieldValue]:
    """``time_to_spinal_metastasis_months`` and ``synchronous`` of one patient, with evidence."""
    story = story_of(patient)
    if not story.spinal:  # no spinal metastasis told (an undescribed patient: what all share)
        return _shared_statement(patient) if not patient.ranges else []
    timeline: Timeline = timeline_of(story)
    found = timeline.time_to_spinal()
    if found is not None:
        ev = story.evidence(found.sentence)
        return [FieldValue("time_to_spinal_metastasis_months", found.months, ev),
                FieldValue("synchronous", found.synchronous, ev)]
    stated = _shared_statement(patient)
    if stated:
        return stated
    later = timeline.order_known()
    if later is not None:
        return [FieldValue("synchronous", False, story.evidence(later))]
    return []
