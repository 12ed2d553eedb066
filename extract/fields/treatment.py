"""Spinal levels, spinal treatment and tyrosine kinase inhibitors (FIELDS.md).

Reads the patient's story (:func:`extract.fields.story.story_of`): sentences about other
patients, the literature or medicine in general are left out, and a term counts only where it is
not negated or hypothetical. Vocabularies and context words live in
``resources/treatment_terms.json``, ``resources/tki_terms.json`` and
``resources/context_terms.json``.

Public normalisers for table cells: :func:`normalise_spinal_treatment`, :func:`normalise_tki`
(levels: :func:`extract.fields.levels.normalise_levels`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from extract.fields import FieldValue, PatientText
from extract.fields.levels import LEVEL_RE, levels_of_match, sort_levels
from extract.fields.story import Sentence, Story, context, negated, story_of

# -- data files ---------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("extract.fields").joinpath("resources", name).read_text(encoding="utf-8")
    )
    return data


@dataclass(frozen=True)
class _Label:
    name: str
    spinal_only: bool
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def _treatment_terms() -> tuple[list[_Label], dict[str, list[str]], re.Pattern[str]]:
    data = _load("treatment_terms.json")
    labels = [
        _Label(name, bool(spec["spinal_only"]), re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.IGNORECASE))
        for name, spec in data["labels"].items()
    ]
    subsumed = {k: v for k, v in data["subsumed"].items() if not k.startswith("_")}
    return labels, subsumed, re.compile(data["not_spinal_targets"], re.IGNORECASE)


@lru_cache(maxsize=1)
def _primary_named_after_organ() -> re.Pattern[str]:
    """After an organ word: the primary's name leading to its spinal metastasis ("breast cancer
    metastasis to the spine"), so the organ is not the treatment's target."""
    return re.compile(_load("treatment_terms.json")["primary_named_after_organ"], re.IGNORECASE)


@lru_cache(maxsize=1)
def _finding_before() -> re.Pattern[str]:
    return re.compile(_load("treatment_terms.json")["finding_before"], re.IGNORECASE)


@lru_cache(maxsize=1)
def _tki_terms() -> list[tuple[str, re.Pattern[str]]]:
    data = _load("tki_terms.json")
    return [
        (name, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE))
        for name, names in data.items() if not name.startswith("_")
    ]


TREATMENT_ORDER: tuple[str, ...] = (
    "en bloc corpectomy", "total en bloc spondylectomy", "corpectomy", "tumor resection", "decompression",
    "instrumentation", "vertebroplasty", "kyphoplasty", "radiotherapy", "zoledronic acid", "denosumab",
    "bisphosphonate", "chemotherapy",
)
TKI_ORDER: tuple[str, ...] = (
    "imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib", "nilotinib", "sorafenib",
    "dasatinib", "pazopanib", "masitinib",
)

# -- treatment and TKI vocabularies for table cells ---------------------------------------


def _apply_subsumed(labels: set[str]) -> list[str]:
    _, subsumed, _ = _treatment_terms()
    out = set(labels)
    for key, dropped in subsumed.items():
        if key in labels:
            out -= set(dropped)
    return [t for t in TREATMENT_ORDER if t in out]


def normalise_spinal_treatment(text: str) -> list[str]:
    """Spinal-treatment vocabulary terms named in ``text`` (a table cell), with the
    reconstruction rule: ``"Posterior decompression and instrumentation"`` ->
    ``["decompression", "instrumentation"]``; ``"En bloc corpectomy + screws"`` ->
    ``["en bloc corpectomy"]``. ``"-"``, ``"N/A"`` or words outside the vocabulary -> ``[]``."""
    labels, _, _ = _treatment_terms()
    found = {lab.name for lab in labels if lab.pattern.search(text)}
    resection_like = {"tumor resection", "en bloc corpectomy", "total en bloc spondylectomy", "corpectomy"}
    if not found & resection_like and re.search(r"\b(?:resection|excision|removal|resected|excised)\b", text, re.IGNORECASE):
        found.add("tumor resection")  # a "Resection" cell of a spinal-treatment column
    return _apply_subsumed(found)


def normalise_tki(text: str) -> list[str]:
    """TKI vocabulary terms named in ``text``, brand names mapped: ``"Gleevec"`` -> ``["imatinib"]``."""
    return [name for name, pat in _tki_terms() if pat.search(text)]


# -- treatments in the narrative ---------------------------------------------------------

_SPINAL_PROC = re.compile(r"\b(?:laminectom\w*|corpectom\w*|spondylectom\w*|vertebrectom\w*|vertebroplast\w*|kyphoplast\w*|pedicle|screws?|rods?|cage)\b", re.IGNORECASE)
_GENE = re.compile(r"\b(?:gene|genes|mutation\w*|transcript\w*|rearrangement\w*|translocation\w*|fusion\s+protein)\b", re.IGNORECASE)


def _spinal_context(text: str) -> bool:
    return bool(context()["spinal_site"].search(text) or _SPINAL_PROC.search(text)
                or any(levels_of_match(m) for m in LEVEL_RE.finditer(text)))


def _local_target(text: str, start: int, end: int) -> str | None:
    """"spinal" or "other" for the first site named just after a treatment term (its object),
    else None."""
    _, _, not_spinal = _treatment_terms()
    window = text[end : end + 70]
    spinal = [m.start() for m in (context()["spinal_site"].search(window), LEVEL_RE.search(window)) if m]
    first_spinal = min(spinal) if spinal else None
    for other in not_spinal.finditer(window):
        if first_spinal is not None and other.start() > first_spinal:
            break
        if _primary_named_after_organ().match(window[other.end() :]):
            continue  # "radiotherapy for breast cancer metastasis to the spine"
        return "other"
    if first_spinal is not None:
        return "spinal"
    # "prostate radiotherapy", "whole-brain radiotherapy": the organ just before the term
    if re.search(r"(?:" + not_spinal.pattern + r")[\s-]*$", text[max(0, start - 30) : start], re.IGNORECASE):
        return "other"
    return None


def spinal_treatments(story: Story) -> list[tuple[str, Sentence, int, int]]:
    """(label, sentence, start, end) for each spinal treatment the patient received, found
    once per story."""
    return story.memo("spinal_treatments", lambda: treatment_mentions(story, story.spinal))


_CLAUSE_EDGE = re.compile(
    r";|\b(?:but|whereas|therefore|thus|hence|instead)\b|,\s+(?:and\s+)?(?:then|so)\b", re.IGNORECASE)
_SUBORDINATE_BEFORE = re.compile(r"\b(?:because|since|although|though|if)\b[^,;]{0,200}+,", re.IGNORECASE)
_SUBORDINATE_AFTER = re.compile(r"\b(?:because|since|although|though|if)\b", re.IGNORECASE)


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``text`` holding ``text[start:end]``: "Because surgery was considered too
    risky, | radiotherapy was chosen"; "Conventional radiotherapy was excluded ...; | carbon ion
    therapy was given"; "radiotherapy was given | because surgery was too risky"."""
    lo, hi = 0, len(text)
    for m in _CLAUSE_EDGE.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    for m in _SUBORDINATE_BEFORE.finditer(text, lo, start):
        lo = max(lo, m.end())
    after = _SUBORDINATE_AFTER.search(text, end, hi)
    return lo, after.start() if after else hi


#: Treatments of the whole body: given at or after the spinal finding, they treat the spinal
#: metastasis too, whatever organ the sentence names ("started chemotherapy for HCC").
_SYSTEMIC = frozenset({"chemotherapy", "zoledronic acid", "denosumab", "bisphosphonate"})


#: the metastasis came after the treatment named next ("a sacral metastasis ... after chemoradiation")
_METASTASIS_AFTER = re.compile(r"\bmetasta\w*\b[^.;]{0,80}?\b(?:after|following)\s+(?:[\w-]+\s+){0,3}[\w-]*$", re.IGNORECASE)
#: the primary tumour and the treatment it had ("carcinoma of the cervix, treated with chemoradiation")
_PRIMARY_TREATED_WITH = re.compile(r"\b(?:\w*carcinoma|cancer|\w*sarcoma|tumou?r|GIST|melanoma)\b(?:\s+(?:of|in)\s+the\s+\w+)?,?\s+"
                                   r"(?:treated|managed)\s+(?:\w+\s+)?(?:with|by)\s+[\w-]*$", re.IGNORECASE)


def treatment_mentions(ps: Story, spinal: list[Sentence]) -> list[tuple[str, Sentence, int, int]]:
    """(label, sentence, start, end) for each spinal treatment named in ``spinal``'s story. What
    makes a term not the patient's spinal treatment (a hedge, another organ, an earlier
    treatment of the primary) counts in the term's own clause."""
    if not spinal:
        return []
    ctx = context()
    labels, _, not_spinal = _treatment_terms()
    first_spinal = spinal[0].index
    out = []
    for s in ps.sentences:
        if not s.kept:
            continue
        sentence_spinal = _spinal_context(s.text)
        for lab in labels:
            for m in lab.pattern.finditer(s.text):
                if negated(s.text, m.start()) or ctx["generic_term_before"].search(s.text[max(0, m.start() - 50) : m.start()]):
                    continue
                if not_spinal.search(m.group(0)):
                    continue
                if lab.spinal_only and _finding_before().search(s.text[max(0, m.start() - 60) : m.start()]):
                    continue  # "MRI revealed spinal cord decompression": an image, not a procedure
                a, b = _clause_around(s.text, m.start(), m.end())
                clause = s.text[a:b]
                if ctx["hypothetical"].search(s.text[max(a, m.start() - 60) : min(b, m.end() + 40)]):
                    continue
                if ctx["not_given_after"].match(s.text[m.end() : m.end() + 300]):
                    continue  # "radiotherapy was planned, but she declined", "... was deferred and never given"
                if lab.name == "instrumentation" and _GENE.search(s.text):
                    continue
                if lab.name == "chemotherapy" and _names_tki(s.text[max(0, m.start() - 25) : m.end() + 40]):
                    continue  # "chemotherapy with imatinib" is the TKI (FIELDS.md: aside from TKIs)
                target = _local_target(s.text, m.start(), m.end())
                if target == "other" and not (lab.name in _SYSTEMIC and s.index >= first_spinal):
                    continue  # systemic treatment after the spinal finding treats it too ("chemotherapy for HCC")
                if not lab.spinal_only and ctx["treated_before"].search(s.text[max(a, m.start() - 60) : min(b, m.end() + 40)]):
                    continue  # "he had received chemotherapy 2 years earlier": for the primary
                if not lab.spinal_only and (_METASTASIS_AFTER.search(s.text, max(a, m.start() - 120), m.start())
                                            or _PRIMARY_TREATED_WITH.search(s.text, max(a, m.start() - 80), m.start())):
                    continue  # "bone metastasis of cervical cancer after chemoradiation": what came before it
                if target is None and not sentence_spinal:
                    # after the spinal finding, a treatment with no target of its own is the spine's
                    # unless its clause names another organ than the primary ("a woman with thyroid
                    # cancer had a T6 metastasis treated with EBRT" names the primary's)
                    clause_other = any(not _primary_named_after_organ().match(clause[o.end():])
                                       for o in not_spinal.finditer(clause))
                    if s.index < first_spinal or clause_other:
                        continue
                out.append((lab.name, s, m.start(), m.end()))
                break
    return out


_TKI_NOT_GIVEN = re.compile(
    r"\b(?:refused|declined|unable\s+to\s+afford|could\s+not\s+afford|not\s+(?:available|affordable|reimbursed))\b",
    re.IGNORECASE)
_TKI_NOT_GIVEN_BEFORE = re.compile(
    r"\b(?:predict\w*|confer\w*|sensitiv\w*|susceptib\w*|candidates?|eligib\w*|such\s+as|e\.g\.)[^.;]{0,35}$",
    re.IGNORECASE)


def _names_tki(text: str) -> bool:
    return any(pat.search(text) for _, pat in _tki_terms()) or bool(
        re.search(r"\b(?:tyrosine\s+kinase\s+inhibitors?|TKIs?|targeted\s+therap\w*)\b", text, re.IGNORECASE))


def tki_mentions(ps: Story) -> list[tuple[str, Sentence, int, int]]:
    ctx = context()
    out = []
    for s in ps.sentences:
        if not s.kept:
            continue
        for name, pat in _tki_terms():
            for m in pat.finditer(s.text):
                if negated(s.text, m.start(), 4):
                    continue
                if re.search(r"\b(?:refused|declined|considered|recommend\w*|should|would|could)\b",
                             s.text[max(0, m.start() - 50) : m.start()], re.IGNORECASE):
                    continue
                if ctx["not_given_after"].match(s.text[m.end() : m.end() + 300]):
                    continue  # "Sunitinib was proposed, but ...", "a switch to ripretinib was being planned"
                if _TKI_NOT_GIVEN.search(s.text[max(0, m.start() - 30) : m.end() + 50]) \
                        or _TKI_NOT_GIVEN_BEFORE.search(s.text[max(0, m.start() - 60) : m.start()]) \
                        or re.match(r"[\s-]*na[iï]ve\b|[\s-]+era\b", s.text[m.end() :], re.IGNORECASE):
                    continue  # "declined", "predicts sensitivity to imatinib", "TKIs such as sunitinib"
                if ctx["generic_present"].search(s.text) and not ctx["our_patient"].search(s.text) \
                        and not ctx["narrative"].search(s.text):
                    continue
                out.append((name, s, m.start(), m.end()))
                break
    return out


# -- the field extractor -----------------------------------------------------------------


def extract(patient: PatientText) -> list[FieldValue]:
    """``spinal_levels``, ``spinal_treatment`` and ``tki`` of one patient, each with evidence."""
    ps = story_of(patient)
    out: list[FieldValue] = []
    mentions = ps.levels
    if mentions and not patient.group:
        levels = sort_levels({lv for lm in mentions for lv in lm.levels})
        if "S" in levels and any(lv.startswith("S") and lv != "S" for lv in levels):
            levels.remove("S")
        first = mentions[0]
        out.append(FieldValue("spinal_levels", levels, ps.evidence(first.sentence)))
    treatments = spinal_treatments(ps)
    if treatments:
        names = _apply_subsumed({t[0] for t in treatments})
        first_t = next(t for t in treatments if t[0] in names)
        out.append(FieldValue("spinal_treatment", names, ps.evidence(first_t[1])))
    tkis = tki_mentions(ps)
    if tkis:
        names = [n for n in TKI_ORDER if n in {t[0] for t in tkis}]
        out.append(FieldValue("tki", names, ps.evidence(tkis[0][1])))
    return out
