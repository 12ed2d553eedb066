"""The terminology layer: ``case_terms`` writes ``doc.spans["terms"]``.

Patterns live in ``resources/terms/*.jsonl``, one JSON object per line::

    {"label": "TKI", "pattern": "glivec", "value": "imatinib"}
    {"label": "METASTASIS_SITE", "pattern": [{"LOWER": "vertebral"}, {"LOWER": "body"}], "value": "V"}

- ``label``: PRIMARY_SITE, METASTASIS_SITE, SPINAL_LEVEL, SPINAL_TREATMENT, TKI, GIST,
  OTHER_TUMOR, METASTASIS (a mention of metastasis or invasion, any site) (or a new label);
- ``pattern``: a phrase (matched case-insensitively, token by token after scispaCy's
  tokenizer) or a spaCy Matcher token pattern (a list of token dicts); both match across
  line breaks (see :mod:`.linebreaks`) and across words hyphenated at a line end
  ("me-\ntastases");
- ``value``: the normalised value of FIELDS.md (primary_site vocabulary, metastasis site code,
  list of spinal levels, spinal_treatment vocabulary, tki vocabulary), any JSON value.

Blank lines and lines starting with ``#`` or ``//`` are skipped. Spans of one label do not
overlap (the longest match wins; at equal length, the earlier); spans of different labels
may ("liver" can be a PRIMARY_SITE candidate and a METASTASIS_SITE). Spinal levels written
as codes ("T12-L2", "Th12", "C2-3", "third lumbar vertebra") come from
:mod:`extract.nlp.spinal_levels`, with their ranges expanded into ``span._.value``. A short
form defined in the text takes its long form's term ("percutaneous vertebroplasty (PVP)":
every "PVP" is a SPINAL_TREATMENT "vertebroplasty").
"""

import bisect
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.nlp.linebreaks import across_line_breaks, phrase_pattern
from extract.nlp.spinal_levels import find_spinal_levels

DEFAULT_TERMS_DIR = Path(__file__).parent / "resources" / "terms"
# a word broken at a line end with a hyphen: "me-\ntastases" (lower case on both sides)
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-[ \t]*\n\s*(?=[a-z])")
SPAN_KEY = "terms"
LABELS = (
    "PRIMARY_SITE",
    "METASTASIS_SITE",
    "SPINAL_LEVEL",
    "SPINAL_TREATMENT",
    "TKI",
    "GIST",
    "OTHER_TUMOR",
    "METASTASIS",
)

VALUES_KEY = "case_extract.term_values"  # doc.user_data: {"start end label": value}


def _term_value(span: Span) -> Any:
    # Keyed by label too: spaCy keys span extensions by offsets alone, and "peritoneal" is
    # both a PRIMARY_SITE ("peritoneum") and a METASTASIS_SITE ("P").
    return span.doc.user_data.get(VALUES_KEY, {}).get(f"{span.start} {span.end} {span.label_}")


if not Span.has_extension("value"):
    Span.set_extension("value", getter=_term_value)


@dataclass(frozen=True)
class TermPattern:
    label: str
    pattern: str | list[dict[str, Any]]
    value: Any
    source: str  # "file:line", for error messages


def read_term_patterns(folder: str | Path) -> list[TermPattern]:
    """Every pattern of ``folder/*.jsonl`` in file order; a bad line raises ValueError naming it."""
    out: list[TermPattern] = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith(("#", "//")):
                continue
            where = f"{path.name}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or "label" not in obj or "pattern" not in obj:
                raise ValueError(f"{where}: needs 'label' and 'pattern'")
            pattern = obj["pattern"]
            if not (isinstance(pattern, str) and pattern.strip()) and not (
                isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)
            ):
                raise ValueError(f"{where}: 'pattern' must be a phrase or a list of token dicts")
            out.append(TermPattern(obj["label"], pattern, obj.get("value"), where))
    return out


class CaseTerms:
    def __init__(
        self, nlp: Language, patterns: list[TermPattern], spinal_levels: bool, abbreviations: bool
    ) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.patterns = patterns
        self.spinal_levels = spinal_levels
        self.abbreviations = abbreviations
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        for i, p in enumerate(patterns):
            key = str(i)
            if isinstance(p.pattern, str):
                pattern = phrase_pattern(nlp, p.pattern)
            else:
                pattern = across_line_breaks(p.pattern)
            try:
                self.matcher.add(key, [pattern])
            except (ValueError, KeyError) as exc:  # spaCy's MatchPatternError is a ValueError
                raise ValueError(f"{p.source}: bad token pattern ({exc})") from None

    def __call__(self, doc: Doc) -> Doc:
        by_label: dict[str, list[tuple[Span, Any]]] = defaultdict(list)
        strings = self.vocab.strings
        for match_id, start, end in self.matcher(doc):
            p = self.patterns[int(strings[match_id])]
            by_label[p.label].append((Span(doc, start, end, label=p.label), p.value))
        if self.spinal_levels:
            for m in find_spinal_levels(doc.text):
                span = doc.char_span(m.start, m.end, label="SPINAL_LEVEL", alignment_mode="expand")
                if span is not None:
                    by_label["SPINAL_LEVEL"].append((span, list(m.levels)))
        for label, span, value in self._across_hyphen_breaks(doc):
            by_label[label].append((span, value))
        if self.abbreviations:
            self._add_short_forms(doc, by_label)
        spans: list[Span] = []
        values: dict[str, Any] = {}
        for label, items in by_label.items():
            first = {(s.start, s.end): v for s, v in reversed(items)}  # first pattern wins
            for span in filter_spans([s for s, _ in items]):
                value = first[(span.start, span.end)]
                values[f"{span.start} {span.end} {label}"] = (
                    list(value) if isinstance(value, list) else value
                )
                spans.append(span)
        doc.user_data[VALUES_KEY] = values
        spans.sort(key=lambda s: (s.start, s.end, s.label_))
        doc.spans[SPAN_KEY] = spans
        return doc

    def _across_hyphen_breaks(self, doc: Doc) -> list[tuple[str, Span, Any]]:
        """Terms split by a hyphen at a line end ("me-\ntastases", "en bloc corpec-\ntomy"):
        matched in the text with those breaks joined, mapped back to the Doc's tokens."""
        joins = list(_HYPHEN_BREAK.finditer(doc.text))
        if not joins:
            return []
        pieces, shadow_starts, orig_starts = [], [], []
        pos = 0
        length = 0
        for m in joins:
            pieces.append(doc.text[pos : m.start()])
            shadow_starts.append(length)
            orig_starts.append(pos)
            length += m.start() - pos
            pos = m.end()
        pieces.append(doc.text[pos:])
        shadow_starts.append(length)
        orig_starts.append(pos)
        join_points = shadow_starts[1:]  # where a break was taken out

        def to_orig(i: int) -> int:
            k = bisect.bisect_right(shadow_starts, i) - 1
            return orig_starts[k] + i - shadow_starts[k]

        shadow = self.make_doc("".join(pieces))
        out = []
        strings = self.vocab.strings
        for match_id, start, end in self.matcher(shadow):
            a, b = shadow[start].idx, shadow[end - 1].idx + len(shadow[end - 1])
            k = bisect.bisect_right(join_points, a)
            if k == len(join_points) or join_points[k] >= b:
                continue  # no break inside: the ordinary matcher found it already
            p = self.patterns[int(strings[match_id])]
            span = doc.char_span(
                to_orig(a), to_orig(b - 1) + 1, label=p.label, alignment_mode="expand"
            )
            if span is not None:
                out.append((p.label, span, p.value))
        return out

    @staticmethod
    def _add_short_forms(doc: Doc, by_label: dict[str, list[tuple[Span, Any]]]) -> None:
        """A short form takes the term of its long form: "percutaneous vertebroplasty (PVP)"
        makes every "PVP" a SPINAL_TREATMENT. The term must end where the long form ends (the
        head noun), so "spinal cord compression (SCC)" does not make "SCC" a METASTASIS_SITE."""
        if not doc.has_extension("abbreviations"):
            return
        by_long: dict[tuple[int, int], list[tuple[str, Any]]] = {}
        for short in doc._.abbreviations:
            long_form = short._.long_form
            if long_form is None or not isinstance(long_form, Span):
                continue
            key = (long_form.start, long_form.end)
            if key not in by_long:
                by_long[key] = [
                    (label, value)
                    for label, items in by_label.items()
                    for span, value in items
                    if span.end == long_form.end and span.start >= long_form.start
                ]
            for label, value in by_long[key]:
                by_label[label].append((Span(doc, short.start, short.end, label=label), value))


@Language.factory(
    "case_terms", default_config={"terms_dir": None, "spinal_levels": True, "abbreviations": True}
)
def make_case_terms(
    nlp: Language, name: str, terms_dir: str | None, spinal_levels: bool, abbreviations: bool
) -> CaseTerms:
    return CaseTerms(
        nlp, read_term_patterns(terms_dir or DEFAULT_TERMS_DIR), spinal_levels, abbreviations
    )
