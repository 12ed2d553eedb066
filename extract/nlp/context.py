"""Clinical context of mentions: ``case_context`` (medspaCy ConText).

Runs ConText over the NER entities (``doc.ents``) and the term spans (``doc.spans["terms"]``)
with medspaCy's default rules plus ours in ``resources/context_rules.json`` (medspaCy's rule
format). Sets on each of those spans ``span._.is_negated``, ``is_historical``,
``is_hypothetical``, ``is_family``, ``is_uncertain`` and ``is_other_patient``: the mention
speaks of patients other than the report's own (the literature, "previously reported cases",
"none of the patients", "4 (33%) of 12 reported cases", citation sentences), a category case
reports need and clinical notes do not. Scope is the sentence (``case_sentences``).

Categories of our rules besides medspaCy's: OTHER_PATIENT (sets ``is_other_patient``);
OUR_PATIENT ("our patient", "this case", "we present two cases", "the first reported case":
ends an other-patient scope, and an other-patient cue after a target does not reach back past
it); CONJUNCTION ("but", "; ", ", which", and medspaCy's own terminations): ends the clinical
categories' scopes; PAPER ("case report and review of the literature") and PSEUDO_* ("with or
without", "no change in", "could be seen"): longer phrases that keep a shorter cue inside them
from firing (medspaCy keeps the longest of overlapping matches).
"""

import functools
from pathlib import Path
from typing import Any

from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.nlp.linebreaks import across_line_breaks, phrase_pattern
from extract.nlp.scope import scope_end

DEFAULT_RULES = Path(__file__).parent / "resources" / "context_rules.json"
TARGETS_ATTR = "context_targets"

SPAN_ATTRS: dict[str, dict[str, Any]] = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "OTHER_PATIENT": {"is_other_patient": True},
}


def _targets(doc: Doc) -> list[Span]:
    spans = list(doc.ents)
    if "terms" in doc.spans:
        spans.extend(doc.spans["terms"])
    return spans


def register_extensions() -> None:
    for attrs in SPAN_ATTRS.values():
        for name in attrs:
            if not Span.has_extension(name):
                Span.set_extension(name, default=False)
    if not Doc.has_extension(TARGETS_ATTR):
        Doc.set_extension(TARGETS_ATTR, getter=_targets)


def _medspacy_default_rules(path: str) -> list[ConTextRule]:
    """medspaCy's default rules, with its terminations ("but", "presentation", "secondary")
    ending only the clinical categories: in "4 of 12 reported cases had spinal metastases at
    initial presentation, while the others ..." the other-patient scope goes on."""
    rules = ConTextRule.from_json(path)
    for rule in rules:
        if rule.direction.upper() == "TERMINATE":
            rule.direction = "PSEUDO"
            rule.category = "CONJUNCTION"
    return rules


def _near(limit: int, target: Span, modifier: Span, between: Span) -> bool:
    """A cue reaches only nearby words: in "As there were no metastases to vital organs,
    an en bloc corpectomy ... was performed" the corpectomy is not negated."""
    return len(between) <= limit


def _keep_our_patient(doc: Doc) -> None:
    """Undo an other-patient mark where "our patient" / "this case" is the nearer anchor.

    In "our patient ... developed solitary metastasis of L3 ..., the latest among past
    reports" the metastasis is ours: the mention of our patient comes before it and the
    other-patient cue only after. ConText's terminations cut scopes at a terminator between
    cue and target, not this order.
    """
    graph = doc._.context_graph
    if graph is None:
        return
    ours = [m for m in graph.modifiers if m.category == "OUR_PATIENT"]
    if not ours:
        return
    kept: dict[tuple[int, int], bool] = {}
    for target, modifier in graph.edges:
        if modifier.category != "OTHER_PATIENT":
            continue
        key = (target.start, target.end)
        m_start, m_end = modifier.modifier_span
        sent_start = target.sent.start
        nearer = any(
            sent_start <= o.modifier_span[0]
            and o.modifier_span[1] <= target.start
            and (m_start >= target.end or m_end <= o.modifier_span[0])
            for o in ours
        )
        kept[key] = kept.get(key, False) or not nearer
    for target in graph.targets:
        key = (target.start, target.end)
        if key in kept and not kept[key]:
            target._.is_other_patient = False


class SentenceContext(ConText):
    """medspaCy's ConText, with its graph built sentence by sentence.

    ConText compares every modifier with every other and with every target of the document,
    which grows with the square of its length; scopes never leave a sentence here, so each
    sentence is a graph of its own (a 40-page report costs 40 times a page, not 1600). A
    rule's ``max_scope`` window is kept inside the sentence too (a citation "[3]" does not
    reach into the sentence before).
    """

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:  # type: ignore[override]
        spans: list[Span] = list(getattr(doc._, targets)) if targets else list(doc.ents)
        sent_of = [0] * len(doc)
        bounds: list[tuple[int, int]] = []
        for k, sent in enumerate(doc.sents):
            sent_of[sent.start : sent.end] = [k] * (sent.end - sent.start)
            bounds.append((sent.start, sent.end))
        by_sent: dict[int, tuple[list[Span], list[ConTextModifier]]] = {}
        for span in spans:
            if len(span):
                by_sent.setdefault(sent_of[span.start], ([], []))[0].append(span)
        matcher = self._ConText__matcher  # type: ignore[attr-defined]
        all_modifiers: list[ConTextModifier] = []
        # cues in the Doc's scope only (a prefix: the matches keep the Doc's token indices)
        end_of_scope = scope_end(doc)
        scoped = doc if end_of_scope >= len(doc) else doc[:end_of_scope]
        for match_id, start, end in matcher(scoped):
            k = sent_of[start]
            if k not in by_sent:
                continue  # no target in this sentence
            rule = matcher.rule_map[self.nlp.vocab[match_id].text]
            modifier = ConTextModifier(rule, start, end, doc, max_scope=self.max_scope)
            lo, hi = bounds[k]
            modifier._scope_start = max(modifier._scope_start, lo)
            modifier._scope_end = min(modifier._scope_end, hi)
            by_sent[k][1].append(modifier)
            all_modifiers.append(modifier)
        edges = []
        for sent_targets, sent_modifiers in by_sent.values():
            if not sent_modifiers:
                continue
            graph = ConTextGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
            graph.targets = sent_targets
            graph.modifiers = sent_modifiers
            graph.update_scopes()
            graph.apply_modifiers()
            edges.extend(graph.edges)
        graph = ConTextGraph(targets=spans, modifiers=all_modifiers, edges=edges)
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(edges)
        doc._.context_graph = graph
        return doc


class CaseContext:
    def __init__(
        self,
        nlp: Language,
        name: str,
        rules_path: str | None,
        medspacy_defaults: bool,
        terminating_types: dict[str, list[str]],
        max_distance: dict[str, int],
    ) -> None:
        register_extensions()
        self.context = SentenceContext(
            nlp, name=name, rules=None, span_attrs=SPAN_ATTRS, terminating_types=terminating_types
        )
        rules: list[ConTextRule] = []
        if medspacy_defaults:
            rules.extend(_medspacy_default_rules(self.context.DEFAULT_RULES_FILEPATH))
        rules.extend(ConTextRule.from_json(rules_path or str(DEFAULT_RULES)))
        for rule in rules:
            # match across line breaks; regular-expression rules (str) already can
            if rule.pattern is None:
                rule.pattern = phrase_pattern(nlp, rule.literal)
            elif isinstance(rule.pattern, list):
                rule.pattern = across_line_breaks(rule.pattern)
        limits = {category.upper(): n for category, n in max_distance.items() if n > 0}
        for rule in rules:
            limit = limits.get(rule.category.upper())
            if limit is not None and rule.on_modifies is None:
                rule.on_modifies = functools.partial(_near, limit)
        self.context.add(rules)

    def __call__(self, doc: Doc) -> Doc:
        doc = self.context(doc, targets=TARGETS_ATTR)
        _keep_our_patient(doc)
        return doc


@Language.factory(
    "case_context",
    default_config={
        "rules_path": None,
        "medspacy_defaults": True,
        # a cue of these categories modifies targets at most this many tokens away
        "max_distance": {"NEGATED_EXISTENCE": 6, "HISTORICAL": 6, "FAMILY": 8},
        # "our patient", "this case" (category OUR_PATIENT) end an other-patient scope;
        # "but", "however" (CONJUNCTION) end the others (a clause about other patients often
        # goes on past "while": "4 of 12 reported cases ..., while the others ...").
        "terminating_types": {
            "OTHER_PATIENT": ["OUR_PATIENT"],
            "NEGATED_EXISTENCE": ["CONJUNCTION"],
            "POSSIBLE_EXISTENCE": ["CONJUNCTION"],
            "HISTORICAL": ["CONJUNCTION"],
            "HYPOTHETICAL": ["CONJUNCTION"],
            "FAMILY": ["CONJUNCTION"],
        },
    },
)
def make_case_context(
    nlp: Language,
    name: str,
    rules_path: str | None,
    medspacy_defaults: bool,
    terminating_types: dict[str, list[str]],
    max_distance: dict[str, int],
) -> CaseContext:
    return CaseContext(nlp, name, rules_path, medspacy_defaults, terminating_types, max_distance)
