"""Unicode clean-up shared by every reader: what was printed, in plain characters.

Ligatures become their letters (``ﬁ`` -> ``fi``), no-break and thin spaces become a plain
space, soft hyphens and zero-width marks go, line and paragraph separators become newlines,
and the text is composed (NFC). Dashes, minus signs, superscripts and the micro sign are kept
as printed: they carry meaning (``T6–T8``, ``10⁹/L``) and later stages read them.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",  # long s + t
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
    "\ua732": "AA",
    "\ua733": "aa",
}

# Every Unicode space separator except the ordinary one, plus the ideographic space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Invisible characters that only split words: soft hyphen, zero-width space/joiners, word
# joiner, BOM, and the C0 controls PDF extractors leak (pdfium marks a line-end hyphen
# with \x02).
_DROP = "\u00ad\u200b\u200c\u200d\u2060\ufeff" + "".join(
    chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x0c"
)

TRANSLATION: dict[int, str | None] = {ord(k): v for k, v in _LIGATURES.items()}
TRANSLATION.update({ord(c): " " for c in _SPACES})
TRANSLATION.update({ord(c): None for c in _DROP})
TRANSLATION.update({0x2028: "\n", 0x2029: "\n", 0x0C: "\n", 0x85: "\n"})

_CRLF = re.compile(r"\r\n?")


def normalize_char(char: str) -> str:
    """The replacement for one character ('' when it is dropped); for readers that keep
    a character-by-character map of offsets."""
    return unicodedata.normalize("NFC", char.translate(TRANSLATION))


def normalize_text(text: str) -> str:
    """``text`` with ligatures expanded, odd spaces plain, invisible marks dropped, line
    ends as ``\\n`` and characters composed (NFC)."""
    text = _CRLF.sub("\n", text)
    return unicodedata.normalize("NFC", text.translate(TRANSLATION))


def collapse_spaces(text: str) -> str:
    """Runs of whitespace (newlines included) as one space, stripped: for inline XML text."""
    return " ".join(text.split())


__all__ = ["TRANSLATION", "collapse_spaces", "normalize_char", "normalize_text"]
