"""Scanned pages -> :class:`~extract.ingest.page.PageModel`, from Tesseract (issue 14).

A page with no text layer is rendered with PDFium (pypdfium2, 300 dpi, grey) and recognised by
Tesseract (the ``tesseract`` program, through pytesseract). We read Tesseract's hOCR rather than
its TSV: the same words, boxes and confidences, and for each line also its baseline and its
``x_size`` (the height of the line's font), which the layout needs for rows and font sizes.

From the page image we also take what the layout reads of a born-digital page's drawings:

* long thin dark runs become ruling lines (so a ruled table is found as on the born-digital
  PDF, by :mod:`~extract.ingest.tables`);
* words printed heavier than the page's body text are bold (headings are found by it);
* a word's size is its line's font height, snapped to the page's few sizes (so the small
  wobble of an estimate does not split a paragraph or make a heading).

Everything after the page model (layout, tables, captions, sections) is the born-digital
path's, unchanged. :func:`scan_pdf` makes a scan of a born-digital PDF, the way a library
does (grey page images in an image-only PDF), for the tests and benchmarks.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, Literal

import numpy as np

from extract.document import OcrPage
from extract.ingest.page import Drawing, PageModel, Word

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[str, ...] = ("auto", "always", "never")

#: Resolution pages are rendered at for Tesseract (its models are trained near 300 dpi).
OCR_DPI = 300
#: Tesseract's language pack (Debian: tesseract-ocr-eng).
OCR_LANGUAGE = "eng"
#: A word Tesseract is less sure of than this (0-100) is noise in a picture, not text ...
MIN_WORD_CONFIDENCE = 20
#: ... unless it stands in a line of text Tesseract is sure of (the line's median word confidence
#: at least this): there a word it doubts is a hard word ("Kaposi's", "Graves's"), not noise.
SURE_LINE_CONFIDENCE = 80
#: A page's font size as printed, over Tesseract's x_size in points (PDF font boxes are a
#: little taller than the glyphs Tesseract measures: 10 pt body text has an x_size of 9.1 pt).
SIZE_PER_X_SIZE = 1.096
#: A font's box above and below its baseline, as shares of its size (PDFium's boxes of common
#: text fonts), so OCR words have the boxes born-digital words have.
ASCENT, DESCENT = 0.80, 0.20
#: A dark run at least this long (points) and at most this thick is a ruling line.
MIN_RULE_LENGTH = 40.0
MAX_RULE_THICKNESS = 2.5
#: A word whose strokes are this much thicker than the page's usual is bold.
BOLD_INK_RATIO = 1.3
#: A dash's bar at least this share of the font size long is an en dash, this an em dash; the
#: bar stands this share of the size above the baseline.
EN_DASH, EM_DASH, DASH_HEIGHT = 0.36, 0.75, 0.25
#: A word with fewer dark pixels than this in its box is none (nothing is printed there).
MIN_INK = 4
#: A gap in a word's ink at least this share of its size wide, and this share of the line's
#: usual word space, is a word space Tesseract missed.
WORD_GAP = 0.2
SPACE_SHARE = 0.75
#: A character's stem: its columns with at least this share of its darkest column's ink. A
#: one's top leans left of its stem (its ink there this much more left than right, -1 to 1), and
#: its foot no more than this either way (a capital I's top is even; a bracket's foot leans).
ONE_STEM, ONE_FLAG, ONE_FOOT = 0.7, 0.6, 0.5
#: A one is no taller than this share of the capitals before it (an l rises above them).
ONE_HEIGHT = 1.04
#: A mark at a word's end, at least this many pixels clear of the letters before it, this tall
#: (shares of the font's size), its foot this high above the baseline and its top at least this
#: high, is an apostrophe.
APOSTROPHE_GAP = 2
APOSTROPHE_HEIGHT, APOSTROPHE_FOOT, APOSTROPHE_TOP = (0.15, 0.3), (0.5, 0.8), 0.7
#: A quote mark at a word's start at least this share of the next letter's height is no quote
#: mark (quotes are short marks high on the line) but a part of that letter.
FALSE_QUOTE_HEIGHT = 0.8
#: A gap in a word's ink at least this share of its size wide between a number and a letter is
#: the thin space a number and its unit are set apart by ("6.3 cm", "2 mg": read "6.3cm"); the
#: letters of "5th", "3rd", "20x" stand at most half that from their number.
NUMBER_GAP = 0.15
#: Line sizes within these shares below and above the body text's are the body size (capitals
#: and brackets make Tesseract's estimate of a line high more often than low).
BODY_SIZE_SLACK = (0.11, 0.16)
#: A line whose size is within these shares below and above its paragraph's median takes the
#: median (a superscript, "× 10⁹/L", makes a line's estimate high by a quarter).
PAR_SIZE_SLACK = (0.2, 0.3)

INSTALL_HINT = (
    "install Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng; "
    "macOS: brew install tesseract; see the README, OCR"
)

_BBOX = re.compile(r"bbox (\d{1,6}) (\d{1,6}) (\d{1,6}) (\d{1,6})")
_BASELINE = re.compile(r"baseline (-?[0-9.]{1,12}) (-?[0-9.]{1,12})")
_X_SIZE = re.compile(r"x_size ([0-9.]{1,12})")
_CONF = re.compile(r"x_wconf (\d{1,3})")


class TesseractMissing(RuntimeError):
    """The ``tesseract`` program (or its English data) cannot be run."""


def tesseract_available() -> bool:
    """Whether pytesseract and the ``tesseract`` program are here."""
    try:
        import pytesseract
    except ImportError:
        return False
    cmd = pytesseract.pytesseract.tesseract_cmd
    return bool(shutil.which(cmd) or (os.path.isabs(cmd) and os.access(cmd, os.X_OK)))


def ocr_page(page: Any, number: int, *, dpi: int = OCR_DPI) -> tuple[PageModel, OcrPage]:
    """The page model of a pypdfium2 page read by OCR, and its OCR facts. Raises
    :class:`TesseractMissing` when Tesseract cannot be run."""
    x0, y0, x1, y1 = (float(v) for v in page.get_mediabox())
    width, height = x1 - x0, y1 - y0
    if page.get_rotation() in (90, 270):
        width, height = height, width
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    image = bitmap.to_pil().convert("L")
    grey = np.asarray(image)
    hocr = _tesseract_hocr(image, dpi)
    scale = width / grey.shape[1]  # points per pixel
    model = PageModel(number=number, width=width, height=height)
    model.words, confidences = _hocr_words(hocr, scale, grey)
    _snap_sizes(model.words)
    _mark_bold(model.words, grey, scale)
    model.lines = ruling_lines(grey, scale)
    model.images = _photos(hocr, scale)
    confidence = float(np.mean(confidences)) if confidences else 0.0
    return model, OcrPage(number=number, confidence=round(confidence, 1))


def _tesseract_hocr(image: Any, dpi: int = OCR_DPI) -> str:
    try:
        import pytesseract
    except ImportError:
        raise TesseractMissing("pytesseract is not installed") from None
    # Tesseract's own threads only slow it on a small machine whose cores the worker pool uses
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        # the image's resolution, and each character's box (to cut words run together)
        config = f"--dpi {dpi} -c hocr_char_boxes=1"
        data = pytesseract.image_to_pdf_or_hocr(image, lang=OCR_LANGUAGE, extension="hocr",
                                                config=config)
    except pytesseract.TesseractNotFoundError:
        raise TesseractMissing("tesseract is not installed or not on PATH") from None
    except pytesseract.TesseractError as exc:
        raise TesseractMissing(" ".join(str(exc.message).split())[:160]) from None
    return bytes(data).decode("utf-8", "replace")


def _hocr_words(hocr: str, scale: float, grey: Any = None) -> tuple[list[Word], list[float]]:
    """Words of a hOCR page, in points, each with its line's baseline and font size; a word
    Tesseract ran over a visible space (``grey``: the page image) is cut there."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(hocr)
    words: list[Word] = []
    confidences: list[float] = []
    for span, par_size in _lines(root):
        title = span.get("title", "")
        box = _BBOX.search(title)
        if not box:
            continue
        lx0, _ly0, lx1, ly1 = (int(v) for v in box.groups())
        base = _BASELINE.search(title)
        slope, offset = (float(base.group(1)), float(base.group(2))) if base else (0.0, 0.0)
        x_size = _X_SIZE.search(title)
        line_size = float(x_size.group(1)) if x_size else None
        # a line's own estimate wobbles (capitals, brackets); its paragraph's is steadier
        if line_size and par_size and (
            -PAR_SIZE_SLACK[0] <= line_size / par_size - 1 <= PAR_SIZE_SLACK[1]
        ):
            line_size = par_size
        first = True
        line_words = [w for w in span.iter() if w.get("class") == "ocrx_word"]
        space_px = _word_space(line_words)
        line_confs = [float(m.group(1)) for w in line_words if (m := _CONF.search(w.get("title", "")))]
        sure_line = bool(line_confs) and float(np.median(line_confs)) >= SURE_LINE_CONFIDENCE
        for w in line_words:
            chars = [(c.text or "", c.get("title", "")) for c in w.iter() if c.get("class") == "ocrx_cinfo"]
            chars = _no_false_quote(chars)
            text = "".join(t for t, _ in chars) if chars else "".join(w.itertext()).strip()
            wtitle = w.get("title", "")
            wbox = _BBOX.search(wtitle)
            conf_m = _CONF.search(wtitle)
            conf = float(conf_m.group(1)) if conf_m else 0.0
            if not text or not wbox:
                continue
            wx0, wy0, wx1, wy1 = (int(v) for v in wbox.groups())
            if conf < MIN_WORD_CONFIDENCE and not sure_line:
                continue
            if grey is not None and np.count_nonzero(grey[wy0 : wy1 + 1, wx0 : wx1 + 1] < 128) < MIN_INK:
                continue  # a word over blank paper (Tesseract fills a wide gap with a dash)
            if first:
                first = False
                label = _label(text)
                if label:  # a caption's label in small capitals, as printed: not cut
                    text, chars = label, []
            confidences.append(conf)
            size_px = line_size or float(wy1 - wy0)
            if grey is not None and ("I" in text or "]" in text or "l" in text):
                text = _ones(text, (wx0, wy0, wx1, wy1), grey)
            if grey is not None and text[-1:].isalpha():
                text = _apostrophe(text, (wx0, wy0, wx1, wy1), ly1 + offset, size_px, grey)
            if grey is not None and "-" in text and len(chars) == len(text):
                text = _dashes(text, chars, ly1 + offset, size_px, grey)
            size = size_px * scale * SIZE_PER_X_SIZE
            # one baseline for the whole line (at its middle): the words of a slightly skewed
            # scan's line stay one row
            baseline_px = ly1 + offset + slope * (lx1 - lx0) / 2
            baseline = baseline_px * scale
            pieces = [(text, wx0, wx1)]
            if grey is not None and len(chars) == len(text) > 1:
                # words run together over a space only where the line's spaces are known
                min_gap = max(WORD_GAP * size_px, SPACE_SHARE * space_px) if space_px else float("inf")
                pieces = _cut_at_spaces(
                    text, chars, (wx0, wy0, wx1, wy1), (min_gap, NUMBER_GAP * size_px), grey
                )
            for piece, px0, px1 in pieces:
                words.append(
                    {
                        "text": piece,
                        "x0": px0 * scale,
                        "x1": px1 * scale,
                        "top": baseline - ASCENT * size,
                        "bottom": baseline + DESCENT * size,
                        "baseline": baseline,
                        "size": size,
                        "fontname": "",
                        "upright": True,
                        "space_after": True,
                        "ink_box": (px0, wy0, px1, wy1),
                        "confidence": conf,
                    }
                )
    _as_printed(words)  # in Tesseract's reading order: "13.8" ends a line, "x 1000/uL" starts the next
    return words, confidences


_X_BOX = re.compile(r"x_bboxes (\d{1,6}) (\d{1,6}) (\d{1,6}) (\d{1,6})")


def _char_height(title: str) -> int:
    m = _X_BOX.search(title)
    return int(m.group(4)) - int(m.group(2)) if m else 0


def _no_false_quote(chars: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A word's characters without a single quote mark Tesseract read at its start where none
    is (the serif of a "T" at a line's start: "‘The"): a quote mark is a short mark high on the
    line, so one as tall as the letter after it is a part of that letter. (Double quotes are
    read right: their marks are two.)"""
    if len(chars) > 1 and chars[0][0] in ("‘", "'") and chars[1][0].isalpha():
        mark, letter = _char_height(chars[0][1]), _char_height(chars[1][1])
        if letter and mark >= FALSE_QUOTE_HEIGHT * letter:
            return chars[1:]
    return chars


# a number ("4.3", "101", "(1.0-5.0"), a number with its unit ("4.3 cm"), a number starting a word
_ENDS_NUMBER = re.compile(r"[0-9](?:[.,][0-9]{1,6})?[)\]]?$")
_STARTS_NUMBER = re.compile(r"[(\[]?[0-9]")
# a micro unit read with a Latin letter for its mu ("ug/mL", "wg/mL", "ymol/L", "uL"): u, w and
# y are no unit prefixes (p, pico, is one, so "pg" is left alone)
_MICRO_UNIT = re.compile(r"([(]?)[uwy]((?:g|mol|L|m|U|IU)(?:/[A-Za-z]{1,4})?[),.;:]{0,3})")
_PER_MICROLITRE = re.compile(r"(?<=[0-9A-Za-z]/)[uwy](?=L(?![A-Za-z]))")
# a citation's bracket read as a brace or parenthesis: "{11]", "(21]"
_CITATION_OPEN = re.compile(r"[{(](?=[0-9][0-9,–-]{0,20}\])")
# "l" between digits or brackets, which no word has: "[ll]", "ll-14", "l(a)" are "[11]", "11-14", "1(a)"
_L_FOR_ONE = re.compile(r"(?:^|(?<=[\[(<>≤≥0-9–-]))l{1,3}(?=[\]),0-9–-]|\([a-z]\)|$)")


def _as_printed(line: list[Word]) -> None:
    """Characters Tesseract's English model misreads in medical text, told by their context in
    the page's words (in reading order) where that context leaves one reading: the multiplication sign, which it reads
    "x" ("3.5 x 4 cm", "4.3 cm x 4.0 cm", "6.2 x 10"), mu read as u, w or y before a unit after
    a number ("12.6 wg/mL", "1000/uL"), a one read as "l" among digits ("[ll]", "l(a)") and a
    citation's opening bracket read as a brace ("{11]")."""
    texts = [w["text"] for w in line]
    for i, text in enumerate(texts):
        new = text
        before = texts[i - 1] if i else ""
        after = texts[i + 1] if i + 1 < len(texts) else ""
        if text in ("x", "X") and _STARTS_NUMBER.match(after):
            two_back = texts[i - 2] if i > 1 else ""
            if _ENDS_NUMBER.search(before) or (before.isalpha() and len(before) <= 3 and _ENDS_NUMBER.search(two_back)):
                new = "×"
        elif _ENDS_NUMBER.search(before) and (m := _MICRO_UNIT.fullmatch(text)):
            new = m.group(1) + "μ" + m.group(2)
        if "/" in new:
            new = _PER_MICROLITRE.sub("μ", new)
        if "l" in new and not new.isalpha():
            new = _L_FOR_ONE.sub(lambda m: "1" * len(m.group(0)), new)
        elif new in ("l", "ll") and (_ENDS_NUMBER.search(before) or _STARTS_NUMBER.match(after)):
            new = "1" * len(new)
        if "]" in new:
            new = _CITATION_OPEN.sub("[", new)
        line[i]["text"] = new


def _photos(hocr: str, scale: float) -> list[Drawing]:
    """The areas Tesseract found to be pictures (its ``ocr_photo`` blocks), in points, as the
    images of a born-digital page: the layout drops the words printed inside a figure (panel
    letters, scale bars) as it does there."""
    import xml.etree.ElementTree as ET

    out: list[Drawing] = []
    for e in ET.fromstring(hocr).iter():
        if e.get("class") != "ocr_photo":
            continue
        box = _BBOX.search(e.get("title", ""))
        if not box:
            continue
        x0, y0, x1, y1 = (int(v) * scale for v in box.groups())
        out.append({"x0": x0, "x1": x1, "top": y0, "bottom": y1, "object_type": "image"})
    return out


# "FIGURE"/"TABLE" set in small capitals, as Tesseract reads them ("FicurE", "TaBLe", "Ficure")
_SMALL_CAPS_LABEL = re.compile(r"(?i)(fi[gc]ur?e{1,2}|ta[bs]le)(s?)")


def _label(text: str) -> str | None:
    """A line's first word that is a figure or table label in small capitals, as the caption
    rules know it ("Figure", "Table"), or None."""
    m = _SMALL_CAPS_LABEL.fullmatch(text)
    if not m or text in ("Figure", "Figures", "Table", "Tables", "FIGURE", "TABLE"):
        return None
    return ("Figure" if m.group(1).lower().startswith("fi") else "Table") + m.group(2).lower()


# where a one is read as a capital I, an l or a bracket: an acronym's number ("PHAI", "PHA]"
# for PHA1, "Tl" for T1), an ordinal ("Ist"), a figure's panel ("I(a)")
_ACRONYM_ONE = re.compile(r"[(]?[A-Z]{1,6}([I\]l])[).,;:]{0,3}")
_ROMAN = re.compile(r"[IVX]{1,6}")
_FIRST_ONE = re.compile(r"[(]?(I)(?:st|\([a-z]\))[).,;:]{0,3}")


def _ones(text: str, box: tuple[int, int, int, int], grey: Any) -> str:
    """A one Tesseract read as "I", "l" or "]" where a number stands ("PHAI", "PHA]", "Tl", "Ist",
    "I(a)"), told by its ink: a one's top bends to the left (its flag), a capital I's serifs
    reach both ways, and a one stands on a foot even on both sides, a bracket's foot only to
    the left; an l has a one's flag and foot but stands taller than the capitals before it
    (a one is as tall as they are: "Tl", "HCl" keep their l). The character is found as a blot of ink counted from the word's end (or start), not by
    Tesseract's character boxes, which are often a letter off."""
    from scipy import ndimage

    m = _ACRONYM_ONE.fullmatch(text) or _FIRST_ONE.fullmatch(text)
    if not m or (m.group(1) == "]" and "[" in text):
        return text
    i = m.start(1)
    if m.group(1) == "l" and _ROMAN.fullmatch(text[:i].lstrip("(")):
        return text  # "Il": a roman two
    x0, y0, x1, y1 = box
    word = grey[y0 : y1 + 1, x0 : x1 + 1] < 128
    labels, n = ndimage.label(word)
    blots = sorted(
        (sl[1].start, k) for k, sl in enumerate(ndimage.find_objects(labels), 1)
        if sl is not None and np.count_nonzero(labels[sl] == k) >= MIN_INK
    )
    # the blots of the characters on the far side of it: one each, two for a colon's dots
    if m.re is _ACRONYM_ONE:
        skip = sum(2 if ch in ":;" else 1 for ch in text[i + 1 :])
        pick = len(blots) - 1 - skip
    else:
        pick = i
    if not 0 <= pick < len(blots):
        return text
    boxes = ndimage.find_objects(labels)
    k = blots[pick][1]
    sl = boxes[k - 1]
    patch = labels[sl] == k
    h = patch.shape[0]
    if h < 8:
        return text
    if m.group(1) == "l":
        first = 1 if text.startswith("(") else 0
        capitals = [boxes[j - 1][0].stop - boxes[j - 1][0].start for _x, j in blots[first:pick]]
        if not capitals or h > ONE_HEIGHT * max(capitals):
            return text
    cols = patch.sum(axis=0)
    stem = np.nonzero(cols >= ONE_STEM * cols.max())[0]
    left, right = int(stem.min()), int(stem.max()) + 1

    def lean(band: Any) -> float:
        lo, hi = int(band[:, :left].sum()), int(band[:, right:].sum())
        return (lo - hi) / (lo + hi + 1)

    if lean(patch[: max(h // 4, 1)]) >= ONE_FLAG and abs(lean(patch[h - max(h // 5, 1) :])) <= ONE_FOOT:
        return text[:i] + "1" + text[i + 1 :]
    return text


def _apostrophe(text: str, box: tuple[int, int, int, int], baseline_px: float, size_px: float, grey: Any) -> str:
    """A word with the apostrophe Tesseract left out at its end ("Graves" for "Graves’"): the
    word's last blot of ink stands clear of the letters before it, a short mark hanging from
    the capitals' height with its foot above the small letters' (the ear of an r, the hook of
    an f, the arm of a T broken off by a thin stroke are shorter or lower)."""
    from scipy import ndimage

    x0, y0, x1, y1 = box
    word = grey[y0 : y1 + 1, x0 : x1 + 1] < 128
    labels, _n = ndimage.label(word)
    blots = [
        (sl, k) for k, sl in enumerate(ndimage.find_objects(labels), 1)
        if sl is not None and np.count_nonzero(labels[sl] == k) >= MIN_INK
    ]
    if len(blots) < 2:
        return text
    last, _k = max(blots, key=lambda b: b[0][1].stop)
    before = max(sl[1].stop for sl, _ in blots if sl is not last)
    height = (last[0].stop - last[0].start) / size_px
    foot = (baseline_px - y0 - last[0].stop) / size_px  # above the baseline, in sizes
    top = (baseline_px - y0 - last[0].start) / size_px
    if (
        last[1].start - before >= APOSTROPHE_GAP
        and APOSTROPHE_HEIGHT[0] <= height <= APOSTROPHE_HEIGHT[1]
        and APOSTROPHE_FOOT[0] <= foot <= APOSTROPHE_FOOT[1]
        and top >= APOSTROPHE_TOP
    ):
        return text + "’"
    return text


def _dashes(text: str, chars: list[tuple[str, str]], baseline_px: float, size_px: float, grey: Any) -> str:
    """Tesseract reads every dash as a hyphen; the ink tells them apart: a bar of 0.36 em or
    more is an en dash ("135–170"; a hyphen's is 0.2 to 0.34, a bold one's the longest), of
    three quarters of an em an em dash. Not a word's first character (a minus sign)."""
    out = list(text)
    row = int(round(baseline_px - DASH_HEIGHT * size_px))  # the bar's height: mid x-height
    band = grey[max(row - 3, 0) : row + 4] < 128
    if band.size == 0:
        return text
    for i, ch in enumerate(text):
        m = _X_BBOXES.search(chars[i][1]) if ch == "-" and i else None
        if not m:
            continue
        centre = (int(m.group(1)) + int(m.group(2))) // 2
        if not 0 <= centre < band.shape[1]:
            continue
        best = 0
        for line in band:
            if not line[centre]:
                continue
            left = right = centre
            while left > 0 and line[left - 1]:
                left -= 1
            while right < len(line) - 1 and line[right + 1]:
                right += 1
            best = max(best, right - left + 1)
        if best >= EM_DASH * size_px:
            out[i] = "—"
        elif best >= EN_DASH * size_px:
            out[i] = "–"
    return "".join(out)


def _word_space(words: list[Any]) -> float:
    """The line's usual space between Tesseract's words (pixels; 0 for a line of few words,
    whose words are then not cut)."""
    boxes = [tuple(int(v) for v in m.groups()) for w in words if (m := _BBOX.search(w.get("title", "")))]
    gaps = [b[0] - a[2] for a, b in zip(boxes, boxes[1:]) if b[0] > a[2]]
    return float(np.median(gaps)) if len(gaps) >= 3 else 0.0


_X_BBOXES = re.compile(r"x_bboxes (\d{1,6}) \d{1,6} (\d{1,6}) \d{1,6}")


def _cut_at_spaces(
    text: str,
    chars: list[tuple[str, str]],
    box: tuple[int, int, int, int],
    min_gaps: tuple[float, float],
    grey: Any,
) -> list[tuple[str, int, int]]:
    """A word cut where its ink has a gap as wide as a space (``min_gaps``: pixels between two
    letters, and between a number and a letter): Tesseract's language model sometimes runs two
    words together over a tight space ("anda" -> "and", "a"), and a number with its unit over a
    thin one ("6.3cm" -> "6.3", "cm"). Not between digits nor at punctuation (their gaps are
    too like spaces: "5 1", "[12]"); the cut falls between the characters on either side of the
    gap (by their boxes)."""
    x0, y0, x1, y1 = box
    # any trace of ink (the faint end of a thin stroke too) is no gap
    patch = grey[y0 : y1 + 1, x0 : x1 + 1] < 208
    if patch.size == 0:
        return [(text, x0, x1)]
    blank = ~patch.any(axis=0)
    letters_gap, number_gap = (max(g, 2.0) for g in min_gaps)
    least = min(letters_gap, number_gap)
    centres: list[float] = []
    for _t, title in chars:
        m = _X_BBOXES.search(title)
        if not m:
            return [(text, x0, x1)]
        centres.append((int(m.group(1)) + int(m.group(2))) / 2)
    cuts: list[tuple[int, int, int]] = []  # (index in text, gap start x, gap end x)
    run = 0
    for i, is_blank in enumerate(blank.tolist() + [False]):
        if is_blank:
            run += 1
            continue
        if run >= least and run < i:  # a gap inside the word, not at its edges
            start, end = x0 + i - run, x0 + i
            index = sum(1 for c in centres if c < (start + end) / 2)
            if 0 < index < len(text) and (not cuts or index > cuts[-1][0]) and text[index].isalpha():
                before = text[index - 1]
                if (before.isalpha() and run >= letters_gap) or (before.isdigit() and run >= number_gap):
                    cuts.append((index, start, end))
        run = 0
    if not cuts:
        return [(text, x0, x1)]
    out: list[tuple[str, int, int]] = []
    prev_i, prev_x = 0, x0
    for index, start, end in cuts:
        out.append((text[prev_i:index], prev_x, start))
        prev_i, prev_x = index, end
    out.append((text[prev_i:], prev_x, x1))
    return out


_LINE_CLASSES = ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat")


def _lines(root: Any) -> list[tuple[Any, float | None]]:
    """Each line element of a hOCR page with its paragraph's median x_size (pixels)."""
    out: list[tuple[Any, float | None]] = []
    seen: set[int] = set()
    for par in root.iter():
        if par.get("class") != "ocr_par":
            continue
        lines = [e for e in par.iter() if e.get("class") in _LINE_CLASSES]
        sizes = [float(m.group(1)) for e in lines if (m := _X_SIZE.search(e.get("title", "")))]
        par_size = float(np.median(sizes)) if sizes else None
        for e in lines:
            seen.add(id(e))
            out.append((e, par_size))
    out.extend((e, None) for e in root.iter() if e.get("class") in _LINE_CLASSES and id(e) not in seen)
    return out


def snap_sizes(pages: list[PageModel]) -> None:
    """Snap the sizes of OCR'd pages over the whole document (see :func:`_snap_sizes`): one
    body size for every page, as a born-digital file has."""
    _snap_sizes([w for p in pages for w in p.words])


def _snap_sizes(words: list[Word]) -> None:
    """Sizes near the body text's are the body size; the others within 7% of each other are
    one size (the char-weighted median of the group); rounded to a quarter point. A page
    prints a few sizes, and the estimate wobbles around each (capitals, brackets)."""
    if not words:
        return
    chars = [max(len(w["text"]), 1) for w in words]
    body = _weighted_median([w["size"] for w in words], chars)
    low, high = body * (1 - BODY_SIZE_SLACK[0]), body * (1 + BODY_SIZE_SLACK[1])
    groups: list[list[Word]] = [[w for w in words if low <= w["size"] <= high]]
    order = sorted((w for w in words if not low <= w["size"] <= high), key=lambda w: w["size"])
    for w in order:
        if len(groups) > 1 and w["size"] <= groups[-1][0]["size"] * 1.07:
            groups[-1].append(w)
        else:
            groups.append([w])
    for group in groups:
        if not group:
            continue
        size = _weighted_median([w["size"] for w in group], [len(w["text"]) for w in group])
        size = round(size * 4) / 4
        for w in group:
            base = w["baseline"]
            w["size"] = size
            w["top"] = base - ASCENT * size
            w["bottom"] = base + DESCENT * size


def _weighted_median(values: list[float], weights: list[int]) -> float:
    order = sorted(zip(values, weights))
    half = sum(max(wt, 1) for _, wt in order) / 2
    seen = 0.0
    for value, wt in order:
        seen += max(wt, 1)
        if seen >= half:
            return value
    return order[-1][0]


def _mark_bold(words: list[Word], grey: Any, scale: float) -> None:
    """Bold words: strokes clearly thicker, for their size, than the page's usual. A word's
    stroke is its mean horizontal run of ink (dark pixels per run), which the widths and
    number of its letters do not change."""
    weights: list[float] = []
    for w in words:
        x0, y0, x1, y1 = w.pop("ink_box")
        patch = grey[y0 : y1 + 1, x0 : x1 + 1] < 128
        if patch.size == 0:
            weights.append(0.0)
            continue
        runs = int(np.count_nonzero(patch[:, 1:] & ~patch[:, :-1])) + int(np.count_nonzero(patch[:, 0]))
        dark = int(np.count_nonzero(patch))
        weights.append(dark / runs / (w["size"] / scale) if runs else 0.0)
    measured = [x for x in weights if x > 0]
    if len(measured) < 20:
        return
    usual = float(np.median(measured))
    for w, weight in zip(words, weights):
        if weight > BOLD_INK_RATIO * usual:
            w["fontname"] = "OCR-Bold"


def ruling_lines(grey: Any, scale: float) -> list[Drawing]:
    """Long thin dark runs of a page image as ruling lines (horizontal and vertical), in points."""
    from scipy import ndimage

    dark = grey < 160
    min_len = max(int(MIN_RULE_LENGTH / scale), 2)
    max_thick = max(int(round(MAX_RULE_THICKNESS / scale)), 1) + 1
    out: list[Drawing] = []
    for axis in (0, 1):  # 0: horizontal runs along rows, 1: vertical runs along columns
        mask = dark if axis == 0 else dark.T
        runs = _long_runs(mask, min_len)
        labels, _ = ndimage.label(runs)
        for sl in ndimage.find_objects(labels):
            if sl is None:
                continue
            r0, r1 = sl[0].start, sl[0].stop
            c0, c1 = sl[1].start, sl[1].stop
            if r1 - r0 > max_thick:
                continue  # a filled area (a photo, a black box), not a rule
            mid = (r0 + r1) / 2 * scale
            a, b = c0 * scale, c1 * scale
            if axis == 0:
                line = {"x0": a, "x1": b, "top": mid, "bottom": mid, "width": b - a, "height": 0.0}
            else:
                line = {"x0": mid, "x1": mid, "top": a, "bottom": b, "width": 0.0, "height": b - a}
            out.append({**line, "object_type": "line"})
    return out


def _long_runs(mask: Any, min_len: int) -> Any:
    """The pixels of ``mask`` (2-D bool) that lie in a horizontal run of ``min_len`` or more."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(edges == 1)
    _rows_e, ends = np.nonzero(edges == -1)  # same order: row-major, one end per start
    keep = ends - starts >= min_len
    out = np.zeros((h, w + 1), dtype=np.int8)
    rows_k, s_k, e_k = rows_s[keep], starts[keep], ends[keep]
    np.add.at(out, (rows_k, s_k), 1)
    np.add.at(out, (rows_k, e_k), -1)
    return np.cumsum(out, axis=1)[:, :w] > 0


def page_needs_ocr(model: PageModel, min_chars: int) -> bool:
    """``auto``: a page that is mostly one or more images (a scan; not a figure page with a
    caption of its own) and whose text layer has fewer than ``min_chars`` characters, or is
    only an invisible OCR layer of poor quality (:func:`poor_text_layer`)."""
    chars = sum(len(w["text"]) for w in model.words)
    if chars >= min_chars and not (model.invisible_text and poor_text_layer(model.words)):
        return False
    area = model.width * model.height
    covered = sum(_area_on_page(i, model) for i in model.images)
    return area > 0 and covered >= 0.5 * area


def _area_on_page(image: Drawing, model: PageModel) -> float:
    return max(0.0, min(image["x1"], model.width) - max(image["x0"], 0.0)) * max(
        0.0, min(image["bottom"], model.height) - max(image["top"], 0.0)
    )


def drop_page_images(model: PageModel) -> None:
    """Under a hidden OCR layer the page's image is the page, not a figure: the layout must
    not drop the text printed over it as a figure's."""
    area = model.width * model.height
    model.images = [i for i in model.images if _area_on_page(i, model) < 0.5 * area]


_TOKEN = re.compile(r"[^\W_]{1,60}")
# a word as printed: lower case, Capitalised, CAPITALS, or a number
_WORDLIKE = re.compile(r"[a-z]{1,60}|[A-Z][a-z]{1,60}|[A-Z]{1,60}|[0-9]{1,20}")
#: An invisible text layer with fewer of its tokens looking like words than this is poor.
MIN_WORDLIKE_SHARE = 0.8


def poor_text_layer(words: list[Word]) -> bool:
    """A hidden OCR layer of poor quality: too few of its tokens look like words as printed
    (lower case, Capitalised, CAPITALS or a number: "tbe" passes, "l1ke", "w0rd", "iNto" do
    not)."""
    tokens = [t for w in words for t in _TOKEN.findall(w["text"])]
    if not tokens:
        return True
    wordlike = sum(1 for t in tokens if _WORDLIKE.fullmatch(t))
    return wordlike < MIN_WORDLIKE_SHARE * len(tokens)


def scan_pdf(source: str | Path, target: str | Path, *, dpi: int = 200) -> Path:
    """Make a library scan of a PDF: each page rendered grey at ``dpi`` and wrapped as an
    image-only PDF (no text layer), at the page's size."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    try:
        images = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                images.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
    finally:
        pdf.close()
    target = Path(target)
    images[0].save(target, save_all=True, append_images=images[1:], resolution=float(dpi))
    return target


__all__ = [
    "OCR_DPI",
    "OCR_MODES",
    "INSTALL_HINT",
    "OcrMode",
    "OcrPage",
    "TesseractMissing",
    "ocr_page",
    "page_needs_ocr",
    "ruling_lines",
    "scan_pdf",
    "tesseract_available",
]
