"""PDF -> Document: text in true reading order, with pages, sections, tables and captions.

Steps, each a general layout rule (see :mod:`extract.ingest.layout`):

1. each page as a :class:`~extract.ingest.page.PageModel` (words with boxes and sizes, ruling
   lines, rectangles, images) from PDFium (:mod:`extract.ingest.pdfium`), or from pdfplumber
   for a file PDFium refuses and pdfminer still reads, or from Tesseract for a scanned page
   without a text layer (:mod:`extract.ingest.ocr`); the text printed inside figures is
   dropped;
2. tables (caption + rules, or ruled grids) taken out as :class:`Table` objects;
3. lines in reading order: bands at full-width lines, columns within bands;
4. running headers, footers and page numbers removed (margin lines that repeat across
   pages, page-number and journal lines);
5. blocks (paragraphs, headings, captions); captions out of the text;
6. paragraphs cut by a column or page break joined again; line-end hyphens joined unless
   they are real hyphens.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any

from extract.document import Caption, Document, OcrPage, Page, Table
from extract.errors import CorruptFileError, IngestError, NoTextLayerError
from extract.ingest.captions import drop_figure_text, is_figure_caption
from extract.ingest.layout import (
    Block,
    Line,
    Metrics,
    Word,
    document_metrics,
    ends_sentence,
    lines_to_blocks,
    page_lines,
)
from extract.ingest.ocr import (
    INSTALL_HINT,
    OcrMode,
    TesseractMissing,
    drop_page_images,
    ocr_page,
    page_needs_ocr,
    snap_sizes,
)
from extract.ingest.page import PageModel
from extract.ingest.pdf_checks import MIN_CHARS_PER_PAGE, has_text_layer, open_pdf
from extract.ingest.sections import find_sections
from extract.ingest.tables import TABLE_LABEL, FoundTable, find_tables, rotated_words

#: pdfplumber's word options for the pdfplumber source; the PDFium source makes the same words
#: (:mod:`extract.ingest.pdfium`).
WORD_OPTIONS: dict[str, Any] = {
    "x_tolerance_ratio": 0.15,
    "y_tolerance": 2,
    "keep_blank_chars": False,
    "use_text_flow": False,
    "extra_attrs": ["size", "fontname"],
}


@cache
def _resource(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("extract.ingest").joinpath("resources", name).read_text("utf-8")
    )
    return data


@dataclass
class _PageRead:
    number: int
    height: float
    lines: list[Line]
    tables: list[FoundTable]


def read_pdf(path: Path, *, max_pages: int, ocr: OcrMode = "auto") -> Document:
    """Read a PDF into a Document (kind "pdf"); bad files raise an IngestError. ``ocr``: read
    pages without a text layer by OCR (``auto``), every page (``always``) or none (``never``)."""
    path = Path(path)
    pdf, damage_warnings = open_pdf(path, max_pages)  # damaged but readable: warnings
    warnings: list[str] = list(damage_warnings or [])
    pages: list[_PageRead] = []
    chars = 0
    n_pages = len(pdf) if pdf is not None else 0
    reader = _PdfiumReader(path, ocr)
    models: Iterable[PageModel] = (
        reader.pages(pdf, warnings) if pdf is not None else plumber_pages(path, warnings)
    )
    try:
        if reader.ocr != "never" and pdf is not None:
            # the sizes of OCR'd pages are estimates: made alike over the whole document
            models = list(models)
            scanned = {p.number for p in reader.ocr_pages}
            snap_sizes([m for m in models if m.number in scanned])
        for model in models:
            chars += sum(map(len, map(itemgetter("text"), model.words)))
            chars += sum(1 for c in model.sideways if c["text"].strip())
            try:
                pages.append(read_page(model))
            except IngestError:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged page: keep the others, with a warning
                warnings.append(
                    f"page {model.number} could not be read ({type(exc).__name__}); its text is missing"
                )
    finally:
        if pdf is not None:
            pdf.close()
    hint = INSTALL_HINT if reader.tesseract_missing else None
    if pdf is not None and not has_text_layer(chars, n_pages):
        raise NoTextLayerError(path, hint)
    if not any(p.lines or p.tables for p in pages):
        if warnings and not hint:
            raise CorruptFileError(path, "no page could be read")
        raise NoTextLayerError(path, hint)
    document = _compose(path, pages, warnings)
    document.ocr_pages = reader.ocr_pages
    return document


class _PdfiumReader:
    """Page models from PDFium, or from OCR for the pages that need it (and records which)."""

    def __init__(self, path: Path, ocr: OcrMode) -> None:
        self.path = path
        self.ocr = ocr
        self.ocr_pages: list[OcrPage] = []
        self.tesseract_missing = False

    def pages(self, pdf: Any, warnings: list[str]) -> Iterator[PageModel]:
        """The page models of an open pypdfium2 document (a page that fails is a warning)."""
        from extract.ingest.pdfium import read_page as pdfium_page

        for number in range(1, len(pdf) + 1):
            page = textpage = None
            try:
                page = pdf[number - 1]
                model, textpage = pdfium_page(page, number)
                if self._wants_ocr(model):
                    model = self._ocr(page, model)
                elif model.invisible_text:
                    drop_page_images(model)  # a scan's own OCR layer, good enough: read it
            except IngestError:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged page: keep the others, with a warning
                warnings.append(f"page {number} could not be read ({type(exc).__name__}); its text is missing")
                continue
            finally:
                for handle in (textpage, page):
                    if handle is not None:
                        with contextlib.suppress(Exception):
                            handle.close()
            yield model

    def _wants_ocr(self, model: PageModel) -> bool:
        if self.ocr == "never" or self.tesseract_missing:
            return False
        return self.ocr == "always" or page_needs_ocr(model, MIN_CHARS_PER_PAGE)

    def _ocr(self, page: Any, model: PageModel) -> PageModel:
        try:
            scanned, facts = ocr_page(page, model.number)
        except TesseractMissing:
            if self.ocr == "always":
                raise IngestError(self.path, f"OCR is not available ({INSTALL_HINT})") from None
            self.tesseract_missing = True  # the page keeps its (empty) text layer
            return model
        self.ocr_pages.append(facts)
        return scanned


def plumber_pages(path: Path, warnings: list[str]) -> Iterator[PageModel]:
    """The page models of a file PDFium refuses, from pdfplumber (pdfminer reads some damaged
    files PDFium will not open)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - any library error means a corrupt file; open_pdf catches most first
        raise CorruptFileError(path, type(exc).__name__) from None
    with pdf:
        try:
            page_list = list(pdf.pages)
        except Exception as exc:  # noqa: BLE001 - as above
            raise CorruptFileError(path, type(exc).__name__) from None
        for number, page in enumerate(page_list, start=1):
            try:
                words = [w for w in page.extract_words(**WORD_OPTIONS) if w.get("upright", True)]
                sideways = [
                    {**c, "size": abs(c["matrix"][1]) or c.get("size", 10.0)}
                    for c in page.chars
                    if not c.get("upright", True) and c["text"].strip()
                ]
                model = PageModel(
                    number=number,
                    width=float(page.width),
                    height=float(page.height),
                    words=words,
                    sideways=sideways,
                    lines=list(page.lines),
                    rects=list(page.rects),
                    curves=list(page.curves),
                    images=list(page.images),
                )
            except Exception as exc:  # noqa: BLE001 - a damaged page: keep the others, with a warning
                warnings.append(
                    f"page {number} could not be read ({type(exc).__name__}); its text is missing"
                )
                continue
            finally:
                with contextlib.suppress(Exception):
                    page.close()  # closing a damaged page may fail; it never matters
            yield model


def read_page(page: PageModel) -> _PageRead:
    """A page model's lines in reading order and its tables (the layout analysis)."""
    width, height = page.width, page.height
    words: list[Word] = []
    sizes: dict[float, int] = {}  # characters by size
    for w in page.words:
        if w["text"].strip() and w["x1"] > 0 and w["x0"] < width and w["bottom"] > 0 and w["top"] < height:
            words.append(w)
            size = round(w["size"], 1)
            sizes[size] = sizes.get(size, 0) + len(w["text"])
    # (the first of the commonest, as Counter.most_common(1) gives it)
    body_size = max(sizes, key=sizes.__getitem__) if sizes else 10.0
    tables = find_tables(page, words, body_size) if words else []
    # a landscape table printed sideways: read it on the page turned upright
    turned = rotated_words(page, WORD_OPTIONS)
    if turned is not None:
        tables.extend(find_tables(turned[0], turned[1], body_size))
    if tables:
        used: set[int] = set()
        for t in tables:
            used |= t.used
        words = [w for w in words if id(w) not in used]
    words = drop_figure_text(page, words, body_size)
    if not words:
        return _PageRead(page.number, float(page.height), [], tables)
    x_min = min(w["x0"] for w in words)
    x_max = max(w["x1"] for w in words)
    return _PageRead(page.number, float(page.height), page_lines(words, page.number, x_min, x_max), tables)


# -- running headers and footers ------------------------------------------------------------


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def remove_margins(pages: list[_PageRead]) -> None:
    """Drop running headers/footers and page numbers from the pages' lines (in place)."""
    conf = _resource("pdf_margins.json")
    share = float(conf["margin_share"])
    number_res = [re.compile(p, re.IGNORECASE) for p in conf["page_number_patterns"]]
    journal_res = [re.compile(p, re.IGNORECASE) for p in conf["journal_line_patterns"]]
    zone_of: dict[int, str] = {}
    keys: dict[tuple[str, str], set[int]] = {}
    for p in pages:
        for line in p.lines:
            zone = _zone(line, p, share)
            if zone:
                zone_of[id(line)] = zone
                for piece in {line.text, *line.pieces}:
                    keys.setdefault((zone, _margin_key(piece)), set()).add(p.number)
    many = len(pages) >= 2
    for p in pages:
        kept = []
        for line in p.lines:
            zone = zone_of.get(id(line))
            if zone:
                text = line.text.strip()
                if any(r.match(text) for r in number_res):
                    continue
                if many and all(
                    len(keys.get((zone, _margin_key(piece)), ())) >= 2
                    or any(r.match(piece) for r in number_res)
                    for piece in (line.pieces or (text,))
                ):
                    continue
                if any(r.search(text) for r in journal_res) and _set_apart(line, p, zone):
                    continue
                # a margin line that carries the page number in a piece of its own
                if (
                    len(line.pieces) > 1
                    and _set_apart(line, p, zone)
                    and any(r.match(piece) for r in number_res for piece in line.pieces)
                ):
                    continue
            kept.append(line)
        p.lines = kept


def _zone(line: Line, p: _PageRead, share: float) -> str | None:
    if line.bottom < share * p.height:
        return "top"
    if line.top > (1 - share) * p.height:
        return "bottom"
    return None


def _set_apart(line: Line, p: _PageRead, zone: str) -> bool:
    """True if no other text sits within a line's height on the body side of ``line``."""
    gap = 0.7 * line.size
    for other in p.lines:
        if other is line:
            continue
        if zone == "top" and line.bottom < other.top < line.bottom + gap:
            return False
        if zone == "bottom" and line.top - gap < other.bottom < line.top:
            return False
    return True


# -- hyphenation ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_STEM = re.compile(r"([A-Za-z0-9αβγδκ'’-]*)-$")
_STEM_WINDOW = 64


def _stem(left: str) -> re.Match[str] | None:
    """``_STEM.search(left)`` (the word a line-end hyphen ends), searched in the end of
    ``left`` (a paragraph so far) first: a match that does not start at the window's edge
    is the one the whole text gives."""
    start = max(0, len(left) - _STEM_WINDOW)
    m = _STEM.search(left, start)
    if m is not None and m.start() == start and start > 0:
        m = _STEM.search(left)
    return m


class Hyphenation:
    """Decides whether a line-end hyphen is a word break (joined) or a real hyphen (kept)."""

    def __init__(self, lines: list[Line]) -> None:
        conf = _resource("pdf_hyphenation.json")
        self.keep_before = set(conf["keep_before"])
        self.keep_after = set(conf["keep_after"])
        self.bound_prefixes = set(conf["bound_prefixes"])
        self.word_endings = tuple(conf["word_endings"])
        self.suffix_starts = tuple(sorted(conf["suffix_starts"], key=len, reverse=True))
        kept: list[str] = []
        after_break = False
        for line in lines:
            tokens = _TOKEN.findall(line.text)
            breaks = line.text.endswith("-")
            # the pieces of a word cut at a line end are not words of the document
            if after_break and tokens:
                tokens = tokens[1:]
            if breaks and tokens:
                tokens = tokens[:-1]
            after_break = breaks
            kept.extend(tokens)
        # (a token is letters, apostrophes and hyphens: lowercased one by one or all at once,
        # the same)
        lows = " ".join(kept).lower().split(" ") if kept else []
        compounds = [low for low in lows if "-" in low]
        self.compounds: Counter[str] = Counter(compounds)
        self.words: Counter[str] = Counter(low for low in lows if "-" not in low)
        for low in compounds:
            self.words.update(low.split("-"))

    def _known(self, word: str) -> bool:
        """A word of this document (or its plural / singular)."""
        return bool(
            self.words.get(word)
            or self.words.get(word + "s")
            or (word.endswith("s") and self.words.get(word[:-1]))
        )

    def join(self, left: str, right: str) -> str:
        """``left`` ends with "-" (a line end); the text that joins it to ``right``."""
        stem_m = _stem(left)
        cont_m = re.match(r"([A-Za-z0-9'’-]+)", right)
        if not stem_m or not cont_m or not stem_m.group(1):
            return left + right
        stem_full = stem_m.group(1)
        stem = stem_full.split("-")[-1]
        cont = cont_m.group(1)
        cont_word = re.split(r"[-'’]", cont)[0]
        keep = left + right
        joined = left[:-1] + right
        if not stem or not stem[-1].isalpha():
            return keep  # "18F-" "FDG", "T6-" "T8"
        if cont[:1].isupper() or cont[:1].isdigit():
            return keep
        if any(c.isupper() or c.isdigit() for c in stem[1:]) or (len(stem) == 1 and stem.isupper()):
            return keep  # "CT-guided", "T-cell" (not "Im-" "munohistochemical")
        low_joined = (stem + cont_word).lower()
        low_hyph = f"{stem}-{cont_word}".lower()
        if self.compounds.get(low_hyph, 0) > self.words.get(low_joined, 0):
            return keep
        if self.words.get(low_joined, 0):
            return joined
        if "-" in stem_full and (self._known(stem.lower()) or len(stem) <= 3):
            return keep  # "gain-of-" "function", "non-small-" "cell" (not "life-threa-" "tening")
        low_stem, low_cont = stem.lower(), cont_word.lower()
        if low_stem in self.keep_before or low_cont in self.keep_after:
            return keep
        if low_stem in self.bound_prefixes:
            return keep if len(low_cont) >= 4 and self.words.get(low_cont, 0) else joined
        if (
            len(low_stem) >= 4
            and len(low_cont) >= 4
            and self._known(low_stem)
            and self._known(low_cont)
        ):
            return keep  # "tissue-" "selective": two words of this document
        if (
            len(low_stem) >= 5
            and len(low_cont) >= 4
            and low_stem.endswith(self.word_endings)
            and not low_cont.startswith(self.suffix_starts)
        ):
            return keep  # "reddish-" "purplish"
        return joined


def _join_lines(text: str, line: Line, prev: Line | None, hyph: Hyphenation) -> str:
    if not text:
        return line.text
    if prev is not None and prev.ends_soft_hyphen:
        return text + line.text
    if text.endswith("-") and len(text) > 1 and text[-2].isalnum() and line.text[:1].isalnum():
        return hyph.join(text, line.text)
    if text.endswith(("-", "–", "—", "/")) and len(text) > 1 and not text[-2].isspace():
        return text + line.text  # "1(c)-" "1(d)", "8.60–" "10.20", "mg/" "dL"
    return f"{text} {line.text}"


# -- blocks to text --------------------------------------------------------------------------


def _is_heading(block: Block, m: Metrics) -> bool:
    text = " ".join(line.text for line in block.lines)
    if len(text) > 160 or len(block.lines) > 3 or not text[:1].isalnum() and text[:1] not in "(":
        return False
    bold = all(line.bold for line in block.lines)
    larger = block.size > m.body_size + 0.8
    if not (bold or larger):
        return False
    if text.endswith((",", ";")):
        return False
    # author lines with affiliation marks ("Riyaaz,1", "Tampoe2") are not headings
    if re.search(r"[a-z],?\d", text) or text.count(",") >= 2:
        return False
    # a long sentence is not a heading
    return not (text.endswith((".", "!", "?")) and len(text.split()) > 8)


def _classify(blocks: list[Block], m: Metrics) -> list[Caption]:
    captions: list[Caption] = []
    current: Block | None = None
    for block in blocks:
        if (
            current is not None
            and block.page == current.page
            and block.lines[0].column == current.lines[0].column
            and abs(block.size - current.size) < 0.3
            and block.size < m.body_size - 0.3
            and block.top - current.bottom < 2.0 * m.line_step
            and not is_figure_caption(block, m.body_size)
        ):
            block.kind = "caption_more"
            current.lines.extend(block.lines)
            continue
        current = None
        found = is_figure_caption(block, m.body_size)
        if found:
            block.kind = "caption"
            block.label = found[0]
            current = block
            continue
        if TABLE_LABEL.match(block.lines[0].text) and (
            block.size < m.body_size - 0.3 or block.lines[0].bold
        ):
            block.kind = "table_caption"
            continue
        if _is_heading(block, m):
            block.kind = "heading"
    for block in blocks:
        if block.kind == "caption" and block.label:
            text = " ".join(line.text for line in block.lines)
            found = is_figure_caption(
                Block(lines=[Line(**{**block.lines[0].__dict__, "text": text})]), m.body_size
            )
            body = found[1] if found else text
            captions.append(Caption(label=block.label, text=body, page=block.page))
    return captions


def _is_footnote(block: Block, m: Metrics, page_height: float) -> bool:
    """Small print closing a column in the lower part of the page (correspondence address,
    affiliations, notes), which a paragraph may run around."""
    return (
        block.col_last
        and block.kind == "para"
        and block.size < m.body_size - 0.5
        and page_height > 0
        and block.top > 0.6 * page_height
    )


def _continues(a: Block, b: Block, broken: bool, m: Metrics, indent_style: bool) -> bool:
    """Whether paragraph ``b`` continues paragraph ``a`` across a column/page break or float."""
    if not broken or a.kind != "para" or b.kind != "para":
        return False
    if abs(a.size - b.size) > 0.6 or b.first_indented:
        return False
    last = a.lines[-1].text
    first = b.lines[0].text
    if first[:1].islower() or first[:1] in ",;)]":
        return True
    if not ends_sentence(last):
        return True
    return indent_style and a.last_full


def _compose(path: Path, pages: list[_PageRead], warnings: list[str]) -> Document:
    remove_margins(pages)
    lines = [line for p in pages for line in p.lines]
    metrics = document_metrics(lines)
    blocks = lines_to_blocks(lines, metrics)
    captions = _classify(blocks, metrics)
    hyph = Hyphenation(lines)
    paras = [b for b in blocks if b.kind in ("para", "heading")]
    indent_style = sum(1 for b in paras if b.first_indented) >= 0.15 * max(len(paras), 1)

    # paragraphs as lists of blocks, joined across breaks
    heights = {p.number: p.height for p in pages}
    merged: list[list[Block]] = []
    notes: list[Block] = []  # footnotes at a column's foot wait until the paragraph ends
    broken = False
    for block in blocks:
        if block.kind not in ("para", "heading"):
            broken = True  # a caption or table caption stood between
            continue
        if _is_footnote(block, metrics, heights.get(block.page, 0.0)):
            notes.append(block)
            broken = True
            continue
        if merged:
            prev = merged[-1][-1]
            brk = broken or prev.col_last or block.col_first
            if _continues(prev, block, brk, metrics, indent_style):
                merged[-1].append(block)
                broken = False
                continue
        merged.extend([note] for note in notes)
        notes = []
        merged.append([block])
        broken = False
    merged.extend([note] for note in notes)

    parts: list[str] = []
    page_start: dict[int, int] = {}
    heading_starts: list[int] = []
    offset = 0
    for group in merged:
        if parts:
            parts.append("\n\n")
            offset += 2
        text = ""
        prev_line: Line | None = None
        starts: list[tuple[int, int]] = []  # (offset in paragraph, page)
        for block in group:
            for line in block.lines:
                before = len(text)
                text = _join_lines(text, line, prev_line, hyph)
                if line.page not in page_start and not any(pg == line.page for _, pg in starts):
                    starts.append((min(before + (1 if before else 0), len(text)), line.page))
                prev_line = line
        text = " ".join(text.split(" "))  # no double spaces
        for pos, pg in starts:
            page_start.setdefault(pg, offset + min(pos, len(text)))
        if group[0].kind == "heading":
            heading_starts.append(offset)
        parts.append(text)
        offset += len(text)
    full = "".join(parts)

    # a page that gave no running text (a table or figure page) has an empty span
    starts_by_page: dict[int, int] = {}
    following = len(full)
    for p in reversed(pages):
        following = min(page_start.get(p.number, following), following)
        starts_by_page[p.number] = following
    doc_pages: list[Page] = []
    for i, p in enumerate(pages):
        end = starts_by_page[pages[i + 1].number] if i + 1 < len(pages) else len(full)
        doc_pages.append(Page(number=p.number, start=starts_by_page[p.number], end=end))

    tables = _merge_tables([t for p in pages for t in p.tables])
    title = _title(blocks, metrics, hyph)
    sections = find_sections(full, heading_starts)
    return Document(
        doc_id=path.stem,
        source_path=str(path),
        text=full,
        pages=doc_pages,
        sections=sections,
        tables=tables,
        captions=captions,
        title=title,
        kind="pdf",
        warnings=warnings,
    )


def _title(blocks: list[Block], m: Metrics, hyph: Hyphenation) -> str | None:
    first_page = [b for b in blocks if b.page == blocks[0].page] if blocks else []
    if not first_page:
        return None
    largest = max(b.size for b in first_page)
    if largest < m.body_size + 1.5:
        return None
    # of the blocks in the largest print, the longest (not a "Case Report" label above it)
    big = max(
        (b for b in first_page if b.size >= largest - 0.5),
        key=lambda b: sum(len(line.text) for line in b.lines),
    )
    text = ""
    prev: Line | None = None
    for line in big.lines:
        text = _join_lines(text, line, prev, hyph)
        prev = line
    return text


_CONTINUED = re.compile(r"\bcont(?:inued|'d|\.)", re.IGNORECASE)


def _merge_tables(found: list[FoundTable]) -> list[Table]:
    """Tables that continue on the next page are merged (repeated header rows dropped)."""
    out: list[Table] = []
    labels: list[str | None] = []
    for f in found:
        t = f.table
        prev = out[-1] if out else None
        same_label = prev is not None and f.label is not None and f.label == labels[-1]
        unlabelled_next = (
            prev is not None
            and f.label is None
            and t.page == (prev.page or 0) + 1
            and len(t.header) == len(prev.header)
        )
        if prev is not None and (
            same_label
            or unlabelled_next
            or (t.caption and _CONTINUED.search(t.caption) and f.label == labels[-1])
        ):
            rows = list(t.rows)
            if t.header != prev.header and len(t.header) == len(prev.header) and f.label is None:
                rows = [t.header] + rows
            prev.rows.extend(r for r in rows if r != prev.header)
            if t.legend and not prev.legend:
                prev.legend = t.legend
            continue
        out.append(t)
        labels.append(f.label)
    return out
