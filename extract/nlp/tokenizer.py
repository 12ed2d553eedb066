"""scispaCy's rule tokenizer, registered so the pipeline config can name it."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokenizer import Tokenizer


@spacy.registry.tokenizers("case_extract.scispacy_tokenizer.v1")
def create_scispacy_tokenizer() -> Callable[[Language], Tokenizer]:
    """The tokenizer the NER model was trained with (``models/case_ner`` uses the same)."""

    def make(nlp: Language) -> Tokenizer:
        # combined_rule_tokenizer reads the language's default tokenizer, not yet set here
        nlp.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        with warnings.catch_warnings():
            # scispaCy's infix expression has a "[[" that Python's re flags as a future change
            warnings.filterwarnings("ignore", category=FutureWarning, message="Possible set union")
            return combined_rule_tokenizer(nlp)

    return make
