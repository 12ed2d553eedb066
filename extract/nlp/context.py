"""Clinical context of mentions: ``case_context`` (medspaCy ConText).

Runs ConText over the NER entities (``doc.ents``) and the term spans (``doc.spans["terms"]``)
with medspaCy's default rules plus ours in ``resources/context_rules.json`` (medspaCy's rule
format). Sets on each of those spans ``span._.is_negated``, ``is_historical``,
``is_hypothetical``, ``is_family``, ``is_uncertain`` and ``is_other_patient``: the mention
speaks of patients other than the report's own (the literature, "previously reported cases",
"none of the patients", "4 (33%) of 12 reported cases", citation sentences), a category case
reports need and clinical notes do not. Scope is the sentence (``case_sentences``).
"""


from pathlib import Path
from typing import Any

from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc, Span

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


class CaseContext:
    def __init__(
        self,
        nlp: Language,
        name: str,
        rules_path: str | None,
        medspacy_defaults: bool,
        terminating_types: dict[str, list[str]],
    ) -> None:
        register_extensions()
        self.context = ConText(
            nlp,
            name=name,
            rules="default" if medspacy_defaults else None,
            span_attrs=SPAN_ATTRS,
            terminating_types=terminating_types,
        )
        self.context.add(ConTextRule.from_json(rules_path or str(DEFAULT_RULES)))

    def __call__(self, doc: Doc) -> Doc:
        return self.context(doc, targets=TARGETS_ATTR)


@Language.factory(
    "case_context",
    default_config={
        "rules_path": None,
        "medspacy_defaults": True,
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
) -> CaseContext:
    return CaseContext(nlp, name, rules_path, medspacy_defaults, terminating_types)
