"""Linear-time rule patterns: find the shapes of a regular expression that backtrack.

Python's ``re`` is a backtracking engine: a pattern in which one piece of text can be split
between two quantifiers in many ways tries every split before it gives up, and a search that
should fail in microseconds runs for minutes. Issue 11 was one such rule ("later diagnosed" +
``(?:[\\s\\w,-]+?){0,60}?`` + a tumour word) on a sentence listing findings with commas.

:func:`backtracking_risks` reads a pattern's parse tree and names the two shapes that make a
search grow faster than the text:

- **nested quantifiers over overlapping characters**: a repeated group (``*``, ``+``, ``{m,n}``
  with n > 1) whose round can end with a quantifier whose characters can also start the next
  round, or what follows the group (``(?:[\\s\\w,-]+?){0,60}``, ``(?:\\w+\\s?)+$``,
  ``(?:[\\w-]+\\W+){0,4}$``: "-" is both). A run of n such characters can then be cut into
  rounds in up to 2^n ways, and a search that fails tries them all.
- **an unbounded run across words** (``.*``, ``[^.]*``, ``[\\w\\s]+``) with more pattern after
  it, in a pattern searched from every place: each start scans to the end of the run, so a
  run-on sentence costs the square of its length.

Neither counts when nothing after the quantifier can fail (the first way through is taken), and
neither when the quantifier cannot give back what it took: possessive (``*+``, ``++``,
``{m,n}+``) or inside an atomic group ``(?>...)`` (Python 3.11). The fixes, in the order we
prefer them: characters that cannot overlap (a word, then its separator:
``(?:[\\w-]+\\s+){0,4}?``), a bound (``[^.;]{0,80}?``), a possessive quantifier or an atomic
group; or a spaCy ``Matcher`` when the rule is about tokens. The check is a net for these
two shapes, not a proof of linear time: ``tests/test_patterns.py`` also times every pattern the
package compiles on adversarial text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: Characters standing for every character a pattern may meet: ASCII, and a few of each kind
#: outside it (letters, a digit, spaces, dashes, quotes, symbols) that case reports hold.
_ALPHABET: tuple[str, ...] = tuple(chr(i) for i in range(128)) + tuple(
    "éÉßøµαΩ中½²٣\u00a0\u2009\u2028–—‐’“±×°·…")
_ALL = frozenset(_ALPHABET)
_LETTERS = frozenset(c for c in _ALPHABET if c.isalpha())
_SPACES = frozenset(c for c in _ALPHABET if c.isspace())

_CATEGORY_TESTS = {
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    sre.CATEGORY_LINEBREAK: lambda c: c == "\n",
    sre.CATEGORY_NOT_LINEBREAK: lambda c: c != "\n",
}

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)

#: A node of ``re``'s parse tree: (opcode, argument).
Node = tuple[Any, Any]


def _cased(chars: frozenset[str], flags: int) -> frozenset[str]:
    if not flags & sre.SRE_FLAG_IGNORECASE:
        return chars
    more = {v for c in chars for v in (c.lower(), c.upper(), c.swapcase())}
    return frozenset(c for c in _ALPHABET if c in chars or c in more)


def _class_chars(items: list[Node], flags: int) -> frozenset[str]:
    """The characters of ``[...]``."""
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE:
            lo, hi = av
            chars.update(c for c in _ALPHABET if lo <= ord(c) <= hi)
        elif op is sre.CATEGORY:
            test = _CATEGORY_TESTS.get(av, lambda c: True)
            chars.update(c for c in _ALPHABET if test(c))
        else:  # anything we do not know: every character (errs on the side of a risk)
            chars.update(_ALL)
    out = _cased(frozenset(chars), flags)
    return _ALL - out if negate else out


def _flags_in(op: Any, av: Any, flags: int) -> int:
    if op is sre.SUBPATTERN:
        _group, add, remove, _p = av
        return (flags | add) & ~remove
    return flags


def _first(seq: list[Node], flags: int) -> tuple[frozenset[str], bool]:
    """(characters that can start a match of ``seq``, whether it can match the empty string)."""
    chars: frozenset[str] = frozenset()
    for op, av in seq:
        c, nullable = _first_item(op, av, flags)
        chars |= c
        if not nullable:
            return chars, False
    return chars, True


def _first_item(op: Any, av: Any, flags: int) -> tuple[frozenset[str], bool]:
    if op is sre.LITERAL:
        return _cased(frozenset({chr(av)}), flags), False
    if op is sre.NOT_LITERAL:
        return _ALL - _cased(frozenset({chr(av)}), flags), False
    if op is sre.ANY:
        return (_ALL if flags & sre.SRE_FLAG_DOTALL else _ALL - {"\n"}), False
    if op is sre.IN:
        return _class_chars(av, flags), False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset(), True
    if op is sre.SUBPATTERN:
        return _first(list(av[3]), _flags_in(op, av, flags))
    if op is sre.ATOMIC_GROUP:
        return _first(list(av), flags)
    if op is sre.BRANCH:
        alts = [_first(list(alt), flags) for alt in av[1]]
        return frozenset().union(*(c for c, _ in alts)), any(n for _, n in alts)
    if op in (*_REPEATS, sre.POSSESSIVE_REPEAT):
        lo, _hi, body = av
        c, nullable = _first(list(body), flags)
        return c, nullable or lo == 0
    if op is sre.GROUPREF_EXISTS:
        _g, yes, no = av
        cy, ny = _first(list(yes), flags)
        cn, nn = _first(list(no), flags) if no is not None else (frozenset(), True)
        return cy | cn, ny or nn
    return _ALL, True  # a back-reference: anything


_CATEGORY_TEXT = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}


def _show(seq: list[Node], limit: int = 60) -> str:
    """A parse tree back as pattern text, shortened: for messages."""
    text = "".join(_show_item(op, av) for op, av in seq)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_item(op: Any, av: Any) -> str:
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is sre.ANY:
        return "."
    if op is sre.IN and len(av) == 1 and av[0][0] is sre.CATEGORY:
        return _CATEGORY_TEXT.get(av[0][1], "[?]")
    if op is sre.IN:
        parts = []
        for o, a in av:
            if o is sre.NEGATE:
                parts.append("^")
            elif o is sre.LITERAL:
                parts.append(re.escape(chr(a)))
            elif o is sre.RANGE:
                parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
            elif o is sre.CATEGORY:
                parts.append(_CATEGORY_TEXT.get(a, "?"))
        return f"[{''.join(parts)}]"
    if op is sre.SUBPATTERN:
        return f"(?:{_show(list(av[3]), 1000)})"
    if op is sre.ATOMIC_GROUP:
        return f"(?>{_show(list(av), 1000)})"
    if op is sre.BRANCH:
        return "|".join(_show(list(alt), 1000) for alt in av[1])
    if op in (*_REPEATS, sre.POSSESSIVE_REPEAT):
        lo, hi, body = av
        inner = _show(list(body), 1000)
        if len(body) != 1 or body[0][0] in (sre.BRANCH,):
            inner = f"(?:{inner})"
        count = {(0, sre.MAXREPEAT): "*", (1, sre.MAXREPEAT): "+", (0, 1): "?"}.get(
            (lo, hi), f"{{{lo},{'' if hi == sre.MAXREPEAT else hi}}}")
        mode = "?" if op is sre.MIN_REPEAT else "+" if op is sre.POSSESSIVE_REPEAT else ""
        return inner + count + mode
    if op is sre.AT:
        return {sre.AT_BEGINNING: "^", sre.AT_END: "$", sre.AT_BOUNDARY: r"\b",
                sre.AT_BEGINNING_STRING: r"\A", sre.AT_END_STRING: r"\Z"}.get(av, "")
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        direction, body = av
        kind = ("(?<" if direction < 0 else "(?") + ("=" if op is sre.ASSERT else "!")
        return f"{kind}{_show(list(body), 1000)})"
    return "..."


def _describe(op: Any, av: Any) -> str:
    return f"`{_show([(op, av)])}`"


def _can_fail(seq: list[Node], flags: int) -> bool:
    """Whether matching ``seq`` can fail at all (so a quantifier before it may have to give
    back characters): it must consume something, or it tests the text (an anchor, a
    lookaround, a back-reference)."""
    _, nullable = _first(seq, flags)
    return not nullable or any(_tests_text(op, av) for op, av in seq)


def _tests_text(op: Any, av: Any) -> bool:
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT, sre.GROUPREF, sre.GROUPREF_EXISTS):
        return True
    if op is sre.SUBPATTERN:
        return any(_tests_text(o, a) for o, a in av[3])
    if op is sre.ATOMIC_GROUP:
        return any(_tests_text(o, a) for o, a in av)
    if op is sre.BRANCH:
        return any(_tests_text(o, a) for alt in av[1] for o, a in alt)
    if op in (*_REPEATS, sre.POSSESSIVE_REPEAT):
        return any(_tests_text(o, a) for o, a in av[2])
    return False


class _Checker:
    def __init__(self, anchored: bool) -> None:
        self.anchored = anchored  # searched from one place only (``^`` or ``\\A``)
        self.risks: list[str] = []

    def seq(self, seq: list[Node], follow: frozenset[str], fails: bool,
            flags: int, repeated: bool, at_end: bool) -> None:
        """Walk ``seq``. ``follow``: the characters that can come after it; ``fails``: whether
        what comes after it can fail; ``repeated``: inside a group that repeats; ``at_end``:
        nothing but optional parts between the end of ``seq`` and the end of that group's
        round (so the next round, or what follows the group, may take over from here)."""
        for i, (op, av) in enumerate(seq):
            rest = seq[i + 1 :]
            rest_chars, rest_nullable = _first(rest, flags)
            after = rest_chars | follow if rest_nullable else rest_chars
            after_fails = _can_fail(rest, flags) or (rest_nullable and fails)
            self.item(op, av, after, after_fails, flags, repeated, at_end and rest_nullable)

    def item(self, op: Any, av: Any, after: frozenset[str], fails: bool, flags: int,
             repeated: bool, at_end: bool) -> None:
        if op in _REPEATS:
            lo, hi, body = av
            body = list(body)
            first, _ = _first(body, flags)
            if repeated and at_end and fails and lo != hi and first & after:
                self.risks.append(f"nested quantifier {_describe(op, av)} ends a round of a "
                                  "repeated group, and its characters can also start the next "
                                  "round or what follows the group")
            elif (not repeated and not self.anchored and fails and hi == sre.MAXREPEAT
                  and self._runs_across_words(body, flags)):
                self.risks.append(f"unbounded run across words {_describe(op, av)} with more "
                                  "pattern after it, searched from every place")
            if hi > 1:  # each round is followed by the next round, or by what follows
                self.seq(body, first | after, fails or lo > 1, flags, True, True)
            else:
                self.seq(body, after, fails, flags, repeated, at_end)
        elif op is sre.POSSESSIVE_REPEAT:
            # gives nothing back between rounds; each round's own parts may still backtrack
            _lo, _hi, body = av
            self.seq(list(body), frozenset(), False, flags, False, False)
        elif op is sre.ATOMIC_GROUP:
            self.seq(list(av), frozenset(), False, flags, False, False)
        elif op is sre.SUBPATTERN:
            self.seq(list(av[3]), after, fails, _flags_in(op, av, flags), repeated, at_end)
        elif op is sre.BRANCH:
            for alt in av[1]:
                self.seq(list(alt), after, fails, flags, repeated, at_end)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _direction, body = av
            self.seq(list(body), frozenset(), False, flags, False, False)
        elif op is sre.GROUPREF_EXISTS:
            _g, yes, no = av
            for branch in (yes, no):
                if branch is not None:
                    self.seq(list(branch), after, fails, flags, repeated, at_end)

    @staticmethod
    def _runs_across_words(body: list[Node], flags: int) -> bool:
        """One character class (``.``, ``[^.]``, ``[\\w\\s]``) that takes letters and spaces."""
        if len(body) != 1 or body[0][0] not in (sre.ANY, sre.IN, sre.NOT_LITERAL):
            return False
        chars, _ = _first(body, flags)
        return bool(chars & _LETTERS) and bool(chars & (_SPACES - {"\n"}))


@lru_cache(maxsize=4096)
def backtracking_risks(pattern: str | bytes, flags: int = 0, *, anchored: bool = False) -> tuple[str, ...]:
    """The constructs of ``pattern`` that can make a search super-linear in the text, one line
    each (empty: none found). ``flags`` as given to :func:`re.compile`; ``anchored``: the
    pattern is only tried at one place (``re.match``, ``re.fullmatch``), as if it began with
    ``\\A``."""
    if isinstance(pattern, bytes):
        pattern = pattern.decode("latin-1")
    parsed = sre_parse.parse(pattern, int(flags))
    flags = parsed.state.flags
    data = list(parsed.data)
    anchored = anchored or (bool(data) and data[0] == (sre.AT, sre.AT_BEGINNING_STRING)) or (
        bool(data) and data[0] == (sre.AT, sre.AT_BEGINNING) and not flags & sre.SRE_FLAG_MULTILINE)
    checker = _Checker(anchored)
    checker.seq(data, frozenset(), False, flags, repeated=False, at_end=False)
    return tuple(dict.fromkeys(checker.risks))


def is_linear(pattern: str | bytes | re.Pattern[str] | re.Pattern[bytes], flags: int = 0) -> bool:
    """True when :func:`backtracking_risks` finds nothing in ``pattern``."""
    if isinstance(pattern, re.Pattern):
        return not backtracking_risks(pattern.pattern, pattern.flags)
    return not backtracking_risks(pattern, flags)


__all__ = ["backtracking_risks", "is_linear"]
