"""PDF pages -> :class:`~extract.ingest.page.PageModel`, from PDFium (pypdfium2).

PDFium parses the file and the content streams in C; from its text page we take each
character's box (the font's box: ascent to descent, origin to advance, as pdfminer gives it)
and its text object (the font, size and matrix every character of one ``Tj``/``TJ`` share);
from the page objects, the paths (ruling lines, rectangles, curves) and images. Characters
become words with pdfplumber's rule (``extract_words`` with ``x_tolerance_ratio=0.15``,
``y_tolerance=2``, split at font and size changes), computed over whole pages at once with
NumPy, so a page costs a few calls into PDFium per character and a few Python steps per word.

Only characters the PDF holds are read: the spaces and line ends PDFium adds itself
(generated characters, which have no text object) are dropped, as pdfminer never sees them;
word breaks come from the real spaces and the gaps.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import Any

import numpy as np

from extract.ingest.page import Drawing, PageModel, Word

#: A gap wider than this share of the font size between two characters starts a new word.
X_TOLERANCE_RATIO = 0.15
#: Characters whose tops differ by more than this (points) are on different lines.
Y_TOLERANCE = 2.0
#: A space PDFium puts between two characters parts them only where they stand this share of
#: the font size apart (or more).
MIN_GAP = 0.03

# page object types and path segment types (fpdf_edit.h)
_OBJ_TEXT, _OBJ_PATH, _OBJ_IMAGE, _OBJ_FORM = 1, 2, 3, 5
_SEG_LINETO, _SEG_BEZIERTO, _SEG_MOVETO = 0, 1, 2
# a page with more path segments than this is a drawing (a map, a vector chart): its paths
# are kept as one curve each, not read segment by segment
_MAX_SEGMENTS = 20000

# what str.isspace() says of a character, as code points (pdfplumber breaks words at them)
_SPACES = np.array(
    [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
     0x2028, 0x2029, 0x202F, 0x205F, 0x3000],
    dtype=np.uint32,
)
# the same as a table by code point (every code past its end is no space)
_IS_SPACE = np.zeros(int(_SPACES.max()) + 2, dtype=bool)
_IS_SPACE[_SPACES] = True

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_ZEROS: Matrix = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


class _Calls:
    """PDFium functions called once per character (or per text object), as bare function
    pointers: no argument types are declared, so ctypes converts nothing per call (a handle or
    address is passed as a ctypes object made once, an index as a plain int), about half the
    cost of a call with declared types. Each call names its arguments' C types in a comment."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        def bare(fn: Any, restype: Any) -> Any:
            address = ctypes.cast(fn, ctypes.c_void_p).value
            assert address is not None
            return ctypes.CFUNCTYPE(restype)(address)

        i, vp = ctypes.c_int, ctypes.c_void_p
        #: (textpage, int index, FS_RECTF*) -> bool
        self.loose_box = bare(raw.FPDFText_GetLooseCharBox, i)
        #: (textpage, int index) -> FPDF_PAGEOBJECT (None for none)
        self.text_object = bare(raw.FPDFText_GetTextObject, vp)
        #: (textpage, int index) -> unsigned int
        self.unicode = bare(raw.FPDFText_GetUnicode, ctypes.c_uint)
        #: (textpage, int index, double* x, double* y) -> bool
        self.origin = bare(raw.FPDFText_GetCharOrigin, i)
        #: (textpage, int index, double* left, double* right, double* bottom, double* top) -> bool
        self.ink_box = bare(raw.FPDFText_GetCharBox, i)
        #: (textpage, int index, FS_MATRIX*) -> bool
        self.matrix = bare(raw.FPDFText_GetMatrix, i)
        #: (textpage, int index, void* buffer, unsigned long length, int* flags) -> unsigned long
        self.font_info = bare(raw.FPDFText_GetFontInfo, ctypes.c_ulong)
        #: (textpage, int index) -> double
        self.font_size = bare(raw.FPDFText_GetFontSize, ctypes.c_double)
        #: (FPDF_PAGEOBJECT path) -> int
        self.count_segments = bare(raw.FPDFPath_CountSegments, i)
        #: (FPDF_PAGEOBJECT path, int index) -> FPDF_PATHSEGMENT (None for none)
        self.path_segment = bare(raw.FPDFPath_GetPathSegment, vp)
        #: (FPDF_PATHSEGMENT, float* x, float* y) -> bool
        self.segment_point = bare(raw.FPDFPathSegment_GetPoint, i)
        #: (FPDF_PATHSEGMENT) -> int
        self.segment_type = bare(raw.FPDFPathSegment_GetType, i)
        #: (FPDF_PATHSEGMENT) -> bool
        self.segment_close = bare(raw.FPDFPathSegment_GetClose, i)


@cache
def _calls() -> _Calls:
    return _Calls()


def _handle(obj: Any) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


# -- characters to words ---------------------------------------------------------------------


@dataclass
class _Font:
    size: float
    fontname: str
    upright: bool
    matrix: Matrix
    set_size: float = 1.0  # the size the PDF sets (Tf); ``size`` is what the page shows


class _Chars:
    """The characters of one text page, read through :class:`_Calls` (the handle and the
    buffers PDFium writes into are made once a page)."""

    def __init__(self, textpage: Any) -> None:
        self.calls = _calls()
        self.handle = ctypes.c_void_p(_handle(textpage.raw))
        self._matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
        self._name = ctypes.create_string_buffer(256)
        self._name_size = ctypes.c_ulong(256)
        self._flags = ctypes.c_int()
        self._xy = (ctypes.c_double * 2)()
        self._ink = (ctypes.c_double * 4)()  # left, right, bottom, top
        self._matrix_ref = ctypes.byref(self._matrix)
        self._flags_ref = ctypes.byref(self._flags)
        self._xy_refs = ctypes.byref(self._xy), ctypes.byref(self._xy, 8)
        self._ink_refs = tuple(ctypes.byref(self._ink, 8 * k) for k in range(4))

    def boxes(self, chars: list[int], n: int) -> tuple[Any, Any]:
        """(PDFium's loose box of each of ``chars``: left, top, right, bottom in an (n, 4)
        array (zeros for the others), whether PDFium gave it)."""
        boxes = (ctypes.c_float * (4 * n))()
        got = list(map(self.calls.loose_box, repeat(self.handle), chars,
                       map(ctypes.byref, repeat(boxes), [16 * i for i in chars])))
        boxed = np.ones(n, dtype=bool)
        boxed[chars] = np.array(got, dtype=bool)
        return np.frombuffer(memoryview(boxes), dtype=np.float32).reshape(n, 4).astype(np.float64), boxed

    def unicode(self, n: int) -> Any:
        """The code of each character, one call each (PDFium's text, in one piece, may leave
        some out)."""
        return np.array(list(map(self.calls.unicode, repeat(self.handle), range(n))), dtype=np.uint32)

    def text_objects(self, n: int) -> Any:
        """The text object of each character (0 for none). The characters of one object are
        consecutive in PDFium's order (one Tj or TJ at a time), so each run is found by
        galloping and bisecting: a few calls per run instead of one per character. (A space
        PDFium adds inside a run, which may have no object, gets the run's: spaces make no
        words.)"""
        text_object, handle = self.calls.text_object, self.handle
        out = np.zeros(n, dtype=np.uint64)
        start = 0
        while start < n:
            obj = text_object(handle, start) or 0
            if not obj:  # a character without an object (PDFium's own line end): alone
                start += 1
                continue
            same, step = start, 1  # same: the last index known to be in this run
            while True:
                k = same + step
                if k >= n:
                    other = n
                    break
                if (text_object(handle, k) or 0) != obj:
                    other = k
                    break
                same, step = k, step * 2
            while other - same > 1:
                mid = (same + other) // 2
                if (text_object(handle, mid) or 0) == obj:
                    same = mid
                else:
                    other = mid
            out[start : same + 1] = obj
            start = same + 1
        return out

    def font(self, index: int, view: Matrix) -> tuple[float, str, bool, Matrix, float]:
        """(size as shown, name, upright, matrix, size set) of the character's font."""
        calls, handle = self.calls, self.handle
        m = self._matrix
        # (a matrix PDFium does not give is zeros)
        got = calls.matrix(handle, index, self._matrix_ref)
        matrix: Matrix = _mult((m[0], m[1], m[2], m[3], m[4], m[5]) if got else _ZEROS, view)
        name = self._name
        name[0] = b"\0"  # left empty when the name does not fit
        calls.font_info(handle, index, name, self._name_size, self._flags_ref)
        set_size = float(calls.font_size(handle, index))
        a, b, c, d = matrix[:4]
        upright = a * d > 0 and b * c <= 0  # pdfminer's test
        # the size pdfminer gives: the height of the character's box
        size = set_size * (abs(d) if upright and b == 0 else math.hypot(c, d))
        return size, name.value.decode("utf-8", "replace"), upright, matrix, set_size

    def origin(self, index: int) -> tuple[float, float] | None:
        """The character's origin on its baseline (PDF space), or None."""
        if not self.calls.origin(self.handle, index, *self._xy_refs):
            return None
        return self._xy[0], self._xy[1]

    def overhang(self, chars: Any, right: Any, view: Matrix) -> Any:
        """For each character: whether its glyph's ink reaches the right end of its box (then
        the box is the ink, past the advance), from PDFium's tight box."""
        out = np.zeros(len(chars), dtype=bool)
        if view != _IDENTITY:
            out[:] = True  # the boxes of a turned page are turned: trust PDFium's spaces
            return out
        ink_box, handle, refs, ink = self.calls.ink_box, self.handle, self._ink_refs, self._ink
        for j, i in enumerate(np.asarray(chars).tolist()):
            if ink_box(handle, i, *refs):
                out[j] = ink[1] >= right[i] - 0.05
        return out


def _alnum(codes: Any) -> Any:
    """Letters and digits (str.isalnum), per code point."""
    small = codes < 0x80
    out = np.zeros(len(codes), dtype=bool)
    c = codes[small]
    out[small] = ((c >= 48) & (c <= 57)) | ((c >= 65) & (c <= 90)) | ((c >= 97) & (c <= 122))
    for i in np.flatnonzero(~small).tolist():
        out[i] = chr(int(codes[i])).isalnum()
    return out


def page_words(
    textpage: Any, page_top: float, view: Matrix = _IDENTITY
) -> tuple[list[Word], list[Word]]:
    """(upright words, sideways characters) of a PDFium text page; ``view`` turns PDF space
    as the page is shown (its /Rotate), and ``page_top`` is then the y of its top edge."""
    chars = _Chars(textpage)
    n = textpage.count_chars()
    if n <= 0:
        return [], []
    text = textpage.get_text_range()
    if len(text) == n:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    elif len(units := text.encode("utf-16-le", "surrogatepass")) == 2 * n:
        # a character beyond the BMP (a mathematical italic μ) is two characters of PDFium's,
        # its UTF-16 halves, and one of its text
        codes = np.frombuffer(units, dtype=np.uint16).astype(np.uint32)
    else:  # PDFium left a character out of its text (or added one): ask each
        codes = chars.unicode(n)
    # PDFium marks a hyphen at a line end (FPDFText_IsHyphen) by replacing it: U+FFFE in its
    # text, 0x02 from GetUnicode; the PDF printed a hyphen there
    codes[(codes == 0xFFFE) | (codes == 2)] = ord("-")
    space_all = _IS_SPACE[np.minimum(codes, len(_IS_SPACE) - 1)]
    # a box for every character but the spaces (which make no words)
    rect, boxed = chars.boxes(np.flatnonzero(~space_all).tolist(), n)
    object_of = chars.text_objects(n)
    object_of[~boxed] = 0

    # one font (size, name, orientation) and one baseline per text object (the characters of
    # one upright Tj or TJ stand on one line)
    _, first, inverse = np.unique(object_of, return_index=True, return_inverse=True)
    fonts: list[_Font] = []
    key_of: dict[tuple[float, str, bool], int] = {}
    firsts = first.tolist()
    has_object = object_of[first].tolist()
    key_list = [-1] * len(firsts)
    line_list = [0.0] * len(firsts)
    a, b, c, d, e, f = view
    for u in np.argsort(first, kind="stable").tolist():  # in the order PDFium meets them
        i = firsts[u]
        if not has_object[u]:
            continue  # no box for this character
        size, fontname, upright, matrix, set_size = chars.font(i, view)
        fkey = (round(size, 4), fontname, upright)
        k = key_of.get(fkey)
        if k is None:
            k = key_of[fkey] = len(fonts)
            fonts.append(_Font(size=size, fontname=fontname, upright=upright, matrix=matrix,
                               set_size=set_size))
        key_list[u] = k
        xy = chars.origin(i)
        if xy is not None:
            line_list[u] = page_top - (b * xy[0] + d * xy[1] + f)
    key_by_object = np.array(key_list, dtype=np.int64)
    line_by_object = np.array(line_list, dtype=np.float64)
    keys = key_by_object[inverse]
    present = np.flatnonzero(keys >= 0)
    if not len(present):
        return [], []
    if view != _IDENTITY:  # a turned page: its boxes as shown
        a, b, c, d, e, f = view
        xs = (rect[:, 0], rect[:, 2])
        ys = (rect[:, 1], rect[:, 3])
        px = [a * x + c * y + e for x in xs for y in ys]
        py = [b * x + d * y + f for x in xs for y in ys]
        rect = np.stack(
            (np.minimum.reduce(px), np.maximum.reduce(py), np.maximum.reduce(px), np.minimum.reduce(py)),
            axis=1,
        )
    x0_all, x1_all = rect[:, 0], rect[:, 2]
    top_all, bottom_all = page_top - rect[:, 1], page_top - rect[:, 3]
    # pdfminer's box: from the font's descent below the baseline to a font size above that.
    # PDFium's box is the font's box joined with the glyph's ink (a "y" reaches lower than the
    # letters beside it; a font that gives no ascent and descent is the ink alone): the font's
    # descent is where the highest of its characters' boxes ends, and not above the baseline
    size_of_char = np.array([f.size for f in fonts])[np.maximum(keys, 0)]
    upright_char = (keys >= 0) & np.array([f.upright for f in fonts])[np.maximum(keys, 0)]
    upright_char &= ~space_all
    baseline = line_by_object[inverse]
    # and from its origin on (for a font without metrics PDFium's box is the ink, shorter
    # than the font size and starting right of the origin: "30" and "%" would stand apart)
    for i in np.flatnonzero(upright_char & (bottom_all - top_all < 0.8 * size_of_char)).tolist():
        xy = chars.origin(i)
        if xy is not None:
            x0_all[i] = min(x0_all[i], a * xy[0] + c * xy[1] + e)
    below = np.full(len(fonts), np.inf)
    np.minimum.at(below, keys[upright_char], (bottom_all - baseline)[upright_char])
    below = np.clip(np.where(np.isfinite(below), below, 0.0), 0.0, None)
    bottom_all[upright_char] = (baseline + below[keys])[upright_char]
    top_all[upright_char] = bottom_all[upright_char] - size_of_char[upright_char]
    upright_key = np.array([f.upright for f in fonts], dtype=bool)
    size_key = np.array([f.size for f in fonts], dtype=np.float64)

    sideways: list[Word] = []
    turned = present[~upright_key[keys[present]]]
    for i in turned.tolist():
        f = fonts[keys[i]]
        char = chr(codes[i])
        if char.isspace():
            # a space after a character: PDFium's word break, in the box of that character
            # (so that it sorts right after it) and as the space of the word it ends
            if sideways and sideways[-1]["text"] != " " and not sideways[-1]["space_after"]:
                sideways[-1]["space_after"] = sideways[-1]["text"].isalnum()
                sideways.append({**sideways[-1], "text": " ", "space_after": False})
            continue
        sideways.append({
            "text": char, "x0": float(x0_all[i]), "x1": float(x1_all[i]),
            "top": float(top_all[i]), "bottom": float(bottom_all[i]), "size": f.size,
            "fontname": f.fontname, "upright": False, "matrix": f.matrix, "space_after": False,
        })

    # pdfplumber's words: the characters of one font and size, cut into lines (tops within
    # Y_TOLERANCE) and read left to right; a space, a gap or a step back starts a new word.
    # pdfplumber groups characters by font in the order the PDF draws them; PDFium's order is
    # its own (it moves a text object it finds out of line, as an accent drawn apart), so the
    # characters of a font are grouped over the whole page
    idx = present[upright_key[keys[present]] & ~space_all[present]]
    if not len(idx):
        return [], sideways
    # a space (the PDF's, or one PDFium put where the glyphs' advances leave a word gap) between
    # two characters in PDFium's order: they are two words, and the first ends with a space
    # (a glyph's box can reach past its advance, as an "f" overhangs, so that a gap can look
    # narrower than it is)
    prev = np.concatenate(([-1], idx[:-1]))
    spaced = np.zeros(len(idx), dtype=bool)
    if len(idx) > 1:
        between = np.cumsum(space_all)
        spaced[1:] = between[idx[1:] - 1] - between[idx[:-1]] > 0
    k = keys[idx]
    top = top_all[idx]
    by_top = np.lexsort((top, k))
    st, sk = top[by_top], k[by_top]
    new_line = np.ones(len(idx), dtype=bool)
    new_line[1:] = (sk[1:] != sk[:-1]) | (st[1:] - st[:-1] > Y_TOLERANCE)
    line = np.empty(len(idx), dtype=np.int64)
    line[by_top] = np.cumsum(new_line)
    order = np.lexsort((bottom_all[idx], x0_all[idx], line))
    seq = idx[order]
    sx0, sx1, stop, sbottom = x0_all[seq], x1_all[seq], top_all[seq], bottom_all[seq]
    skey = keys[seq]
    sline = line[order]
    # seq[j] follows seq[j - 1] in PDFium's order with a space between them
    # (where the glyphs touch, only after a glyph whose ink reaches past its advance, an
    # italic "f": PDFium also puts a space before a kerned "°" or after a letter joined to a
    # ligature of another font)
    space_before = np.zeros(len(seq), dtype=bool)
    space_before[1:] = spaced[order[1:]] & (prev[order[1:]] == seq[:-1])
    touching = np.flatnonzero(
        space_before[1:]
        & (sline[1:] == sline[:-1])
        & (sx0[1:] - sx1[:-1] <= MIN_GAP * size_key[skey[:-1]])
    )
    space_before[touching + 1] = chars.overhang(seq[touching], x1_all, view)
    # a character of another font drawn between two of this font on their baseline (a quote in
    # a font of its own: "researcher’s") parts them, as it ends pdfminer's run of one font
    base = baseline[idx]
    by_base = np.argsort(base, kind="stable")
    gap_base = np.diff(base[by_base]) > 0.3 * size_key[k[by_base][1:]]
    gline = np.empty(len(idx), dtype=np.int64)
    gline[by_base] = np.concatenate(([0], np.cumsum(gap_base)))
    along = np.lexsort((x0_all[idx], gline))
    rank = np.empty(len(idx), dtype=np.int64)
    rank[along] = np.arange(len(idx))
    interloper = np.zeros(len(seq), dtype=bool)
    interloper[1:] = (gline[order[1:]] == gline[order[:-1]]) & (rank[order[1:]] - rank[order[:-1]] > 1)
    brk = np.ones(len(seq), dtype=bool)
    brk[1:] = (
        (sline[1:] != sline[:-1])
        | space_before[1:]
        | interloper[1:]
        | (sx0[1:] < sx0[:-1])
        | (sx0[1:] > sx1[:-1] + X_TOLERANCE_RATIO * size_key[skey[:-1]])
        | (np.abs(stop[1:] - stop[:-1]) > Y_TOLERANCE)
    )
    starts = np.flatnonzero(brk)
    # a word ends with a space when PDFium saw one right after its last character
    last = np.concatenate((starts[1:], [len(seq)])) - 1
    # (between letters or digits of one size: PDFium also puts a space where the font changes,
    # before a superscript or a comma after an italic word, where pdfminer's boxes leave none)
    nxt = np.minimum(order[last] + 1, len(idx) - 1)  # seq[j] is idx[order[j]]
    # The next character in PDFium's order must also be the next on the line (PDFium may draw
    # a comma apart, after the words that follow it)
    a, b = seq[last], idx[nxt]
    alnum_a, alnum_b = _alnum(codes[a]), _alnum(codes[b])
    size_a = size_key[keys[a]]
    step = x0_all[b] - x1_all[a]
    space_after = (
        (order[last] + 1 < len(idx))
        & spaced[nxt]
        & (np.abs(bottom_all[b] - bottom_all[a]) < 0.3 * size_a)
        & (step < size_a)
        & (
            (keys[b] == keys[a])
            | ((np.abs(size_key[keys[b]] - size_a) < 0.05) & alnum_a & alnum_b)
        )
    )
    # glyphs that touch: a space only after an overhanging letter of the same font (a
    # ligature of another font fills its box with ink, and is no overhang)
    touching = np.flatnonzero(space_after & (step <= MIN_GAP * size_a))
    space_after[touching] = (keys[b[touching]] == keys[a[touching]]) & chars.overhang(
        a[touching], x1_all, view
    )
    spaces_after = space_after.tolist()
    ordered_text = codes[seq].astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # PDFium gives a character beyond the BMP (a mathematical italic μ) as its two UTF-16 halves
    surrogates = bool(((codes >= 0xD800) & (codes <= 0xDFFF)).any())
    wx0 = np.minimum.reduceat(sx0, starts).tolist()
    wx1 = np.maximum.reduceat(sx1, starts).tolist()
    wtop = np.minimum.reduceat(stop, starts).tolist()
    wbottom = np.maximum.reduceat(sbottom, starts).tolist()
    wkey = skey[starts].tolist()
    wbase = baseline[seq[starts]].tolist()
    bounds = starts.tolist()
    texts = [ordered_text[i:j] for i, j in zip(bounds, [*bounds[1:], len(seq)])]
    if surrogates:
        texts = [t.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace") for t in texts]
    font_size = [f.size for f in fonts]
    font_name = [f.fontname for f in fonts]
    words: list[Word] = [
        {
            "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "baseline": base,
            "size": font_size[k], "fontname": font_name[k], "upright": True, "space_after": after,
        }
        for text, x0, x1, top, bottom, base, k, after
        in zip(texts, wx0, wx1, wtop, wbottom, wbase, wkey, spaces_after)
    ]
    return words, sideways


# -- drawings ---------------------------------------------------------------------------------


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2, a * b2 + b * d2,
        c * a2 + d * c2, c * b2 + d * d2,
        e * a2 + f * c2 + e2, e * b2 + f * d2 + f2,
    )


def _matrix(obj: Any) -> Matrix:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _objects(container: Any, in_form: bool, ctm: Matrix) -> Iterator[tuple[Any, int, Matrix]]:
    """(object, type, matrix of its container) for every page object, into form XObjects."""
    import pypdfium2.raw as raw

    count = raw.FPDFFormObj_CountObjects(container) if in_form else raw.FPDFPage_CountObjects(container)
    get = raw.FPDFFormObj_GetObject if in_form else raw.FPDFPage_GetObject
    for i in range(count):
        obj = get(container, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _OBJ_FORM:
            yield from _objects(obj, True, _mult(_matrix(obj), ctm))
        elif kind in (_OBJ_PATH, _OBJ_IMAGE):
            yield obj, kind, ctm


def _box(points: list[tuple[float, float]], page_top: float) -> Drawing:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0, "x1": x1, "top": page_top - y1, "bottom": page_top - y0,
            "width": x1 - x0, "height": y1 - y0, "y0": y0, "y1": y1, "doctop": page_top - y1}


def _path_shapes(obj: Any, ctm: Matrix) -> list[tuple[str, list[tuple[float, float]]]]:
    """A path's subpaths as pdfminer sees them: (shape, points), shape a string of m, l, c, h."""
    m = _mult(_matrix(obj), ctm)
    a, b, c, d, e, f = m
    calls = _calls()
    path = ctypes.c_void_p(_handle(obj))
    xy = (ctypes.c_float * 2)()  # (a point a segment fails to give is the one before)
    xy_refs = ctypes.byref(xy), ctypes.byref(xy, 4)
    shapes: list[tuple[str, list[tuple[float, float]]]] = []
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for i in range(calls.count_segments(path)):
        seg = ctypes.c_void_p(calls.path_segment(path, i))
        calls.segment_point(seg, *xy_refs)
        px, py = xy[0], xy[1]
        point = (a * px + c * py + e, b * px + d * py + f)
        kind = calls.segment_type(seg)
        if kind == _SEG_MOVETO:
            if shape:
                shapes.append(("".join(shape), pts))
            shape, pts = ["m"], [point]
        elif kind == _SEG_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a Bézier curve is three points: its end point places it
            shape.append("c")
            pts.append(point)
        else:
            shape.append("l")
            pts.append(point)
        if calls.segment_close(seg) and pts:
            shape.append("h")
            pts.append(pts[0])
    if shape:
        shapes.append(("".join(shape), pts))
    return shapes


def _classify(shape: str, pts: list[tuple[float, float]], page_top: float, out: PageModel) -> None:
    """pdfminer's classes: a line, a rectangle or a curve."""
    if not shape.startswith("m") or len(pts) < 2:
        return
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + [pts[-1]]
    if shape in ("ml", "mlh"):
        out.lines.append({**_box(pts[:2], page_top), "object_type": "line"})
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if last == pts[0] and square:
            out.rects.append({**_box(pts, page_top), "object_type": "rect"})
            return
    curve = _box(pts, page_top)
    curve["pts"] = [(px, page_top - py) for px, py in pts]
    curve["object_type"] = "curve"
    out.curves.append(curve)


def _drawings(page: Any, page_top: float, view: Matrix, out: PageModel) -> None:
    import pypdfium2.raw as raw

    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    segments = 0
    for obj, kind, ctm in _objects(page.raw, False, view):
        if kind == _OBJ_IMAGE:
            if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            corners = [(left.value, bottom.value), (right.value, top.value),
                       (left.value, top.value), (right.value, bottom.value)]
            if ctm != _IDENTITY:
                a, b, c, d, e, f = ctm
                corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in corners]
            out.images.append({**_box(corners, page_top), "object_type": "image"})
            continue
        n = raw.FPDFPath_CountSegments(obj)
        segments += n
        if segments > _MAX_SEGMENTS:
            if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                a, b, c, d, e, f = ctm
                pts = [(a * x + c * y + e, b * x + d * y + f)
                       for x, y in ((left.value, bottom.value), (right.value, top.value))]
                curve = _box(pts, page_top)
                curve["pts"] = [(px, page_top - py) for px, py in pts]
                curve["object_type"] = "curve"
                out.curves.append(curve)
            continue
        for shape, pts in _path_shapes(obj, ctm):
            _classify(shape, pts, page_top, out)


# -- pages ---------------------------------------------------------------------------------------


def read_page(page: Any, number: int) -> tuple[PageModel, Any]:
    """The page model of a pypdfium2 page, and its text page (the caller closes both)."""
    x0, y0, x1, y1 = (float(v) for v in page.get_mediabox())
    width, height = x1 - x0, y1 - y0
    rotation = page.get_rotation()
    # a page with /Rotate is read as it is shown, as pdfminer does
    view: Matrix = {
        90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
    }.get(rotation, _IDENTITY)
    top = y1
    if rotation in (90, 270):
        width, height = height, width
    if view != _IDENTITY:
        top = height
    model = PageModel(number=number, width=width, height=height)
    textpage = page.get_textpage()
    model.words, model.sideways = page_words(textpage, top, view)
    _drawings(page, top, view, model)
    model.invisible_text = bool(model.words) and _all_text_invisible(page)
    return model, textpage


def _all_text_invisible(page: Any) -> bool:
    """Every text object of the page (outside forms) is drawn invisible (render mode 3), as
    the text layer OCR programs lay over a scan is."""
    import pypdfium2.raw as raw

    seen = False
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        if raw.FPDFPageObj_GetType(obj) != _OBJ_TEXT:
            continue
        if raw.FPDFTextObj_GetTextRenderMode(obj) != raw.FPDF_TEXTRENDERMODE_INVISIBLE:
            return False
        seen = True
    return seen
