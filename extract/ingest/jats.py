"""PubMed Central / Europe PMC JATS XML (``.nxml``, ``.xml``) becomes a Document.

The text is the article as read: title, abstract (its labelled parts as level-2 sections),
body sections (``sec`` nesting gives the level), back matter (acknowledgements, notes,
glossary) and the reference list as a ``References`` section, one reference a line. Blocks
are separated by a blank line and every heading stands on its own line. Tables
(``table-wrap``) and figure captions (``fig``) are kept out of the running text, as
:class:`~extract.document.Table` and :class:`~extract.document.Caption`.

Parsing uses :mod:`xml.etree.ElementTree` (expat): the DTD named in the DOCTYPE is never
fetched; HTML named entities (``&nbsp;``) that DTD would define are supplied here.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from extract.document import Caption, Document, Page, Section, Table
from extract.errors import CorruptFileError, EmptyFileError, IngestError, NotJATSError
from extract.ingest.normalize import collapse_spaces, normalize_text
from extract.ingest.sections import abstract_part_name

# Elements whose content is not running text where they stand.
_FLOATS = {"fig", "fig-group", "table-wrap", "table-wrap-group"}
_SKIP = {
    "graphic",
    "inline-graphic",
    "media",
    "alt-text",
    "long-desc",
    "object-id",
    "permissions",
    "supplementary-material",
    "processing-meta",
    "ext-link-unused",
}
# Elements that break a paragraph into blocks.
_BLOCKS = {
    "list",
    "disp-quote",
    "boxed-text",
    "def-list",
    "statement",
    "speech",
    "verse-group",
    "disp-formula-group",
    "p",
    "sec",
    "code",
    "preformat",
    "array",
} | _FLOATS
# Abstracts that repeat the main one (teasers, graphical, highlights) are not read.
_EXTRA_ABSTRACTS = {
    "teaser",
    "graphical",
    "author-highlights",
    "highlights",
    "editor-summary",
    "precis",
    "web-summary",
    "toc",
    "short",
    "summary-short",
}
_BACK_TITLES = {
    "ack": "Acknowledgements",
    "glossary": "Abbreviations",
    "notes": "Notes",
    "fn-group": "Notes",
    "app-group": "Appendix",
    "app": "Appendix",
}
_LABEL_END = re.compile(r"^\s*[.:]")


def _local(tag: object) -> str:
    """The tag without its namespace (``{uri}sec`` -> ``sec``); '' for comments/PIs."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _inline(el: ET.Element | None, *, skip_floats: bool = True) -> str:
    """The text of ``el`` as one line: inline markup dissolved, floats left out."""
    if el is None:
        return ""
    parts: list[str] = []
    _collect(el, parts, skip_floats=skip_floats)
    return collapse_spaces(normalize_text("".join(parts)))


def _collect(el: ET.Element, parts: list[str], *, skip_floats: bool) -> None:
    name = _local(el.tag)
    if name in _SKIP or (skip_floats and name in _FLOATS) or not name:
        return
    if name in ("break", "hr"):
        parts.append(" ")
    if name == "sup":
        parts.append(_superscript(el))
        return
    if el.text:
        parts.append(el.text)
    for child in el:
        child_name = _local(child.tag)
        # Separate blocks and list items so their words do not run together.
        spaced = child_name in _BLOCKS or child_name in (
            "list-item",
            "title",
            "label",
            "td",
            "th",
            "def-item",
            "term",
            "def",
            "name",
            "given-names",
        )
        if spaced:
            parts.append(" ")
        _collect(child, parts, skip_floats=skip_floats)
        if spaced:
            parts.append(" ")
        if child.tail:
            parts.append(child.tail)


_SUPERSCRIPTS = str.maketrans("0123456789+-\u2212=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")


def _superscript(sup: ET.Element) -> str:
    """A superscript as read: a power or charge in superscript characters (``10⁹/L``,
    ``Ca²⁺``), a citation as ``[1,2]``, anything else as plain text."""
    inner: list[str] = [sup.text or ""]
    for child in sup:
        _collect(child, inner, skip_floats=True)
        inner.append(child.tail or "")
    text = "".join(inner).strip()
    if not text:
        return ""
    if any(_local(c.tag) == "xref" and c.get("ref-type") == "bibr" for c in sup.iter()):
        return f"[{text}]"
    if all(c in "0123456789+-\u2212=()n" for c in text) and len(text) <= 4:
        return text.translate(_SUPERSCRIPTS)
    return text


@dataclass
class _OpenSection:
    title: str
    level: int
    start: int
    end: int | None = None


@dataclass
class _Builder:
    """Text assembled block by block, with section starts and ends as offsets."""

    blocks: list[str] = field(default_factory=list)
    length: int = 0
    sections: list[_OpenSection] = field(default_factory=list)
    open_sections: list[int] = field(default_factory=list)  # indices into sections
    tables: list[Table] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)

    def add(self, block: str) -> int:
        block = block.strip()
        if not block:
            return self.length
        if self.blocks:
            self.length += 2  # the "\n\n" between blocks
        start = self.length
        self.blocks.append(block)
        self.length += len(block)
        return start

    def open(
        self, title: str, level: int, *, heading: bool = True, start: int | None = None
    ) -> None:
        """Start a section; its heading line goes into the text unless ``heading`` is False
        (a run-in label already in the paragraph that starts at ``start``)."""
        if heading:
            start = self.add(title)
        elif start is None:
            start = self.length + (2 if self.blocks else 0)
        self.sections.append(_OpenSection(title, level, start))
        self.open_sections.append(len(self.sections) - 1)

    def close(self) -> None:
        index = self.open_sections.pop()
        self.sections[index].end = self.length

    def text(self) -> str:
        return "\n\n".join(self.blocks)


class _Reader:
    def __init__(self, path: Path, article: ET.Element) -> None:
        self.path = path
        self.article = article
        self.out = _Builder()

    def read(self) -> Document:
        front = _child(self.article, "front")
        meta = _child(front, "article-meta")
        title = _inline(_child(_child(meta, "title-group"), "article-title")) or None
        if title:
            self.out.add(title)
        if meta is not None:
            abstracts = [
                a
                for a in _children(meta, "abstract")
                if a.get("abstract-type", "").lower() not in _EXTRA_ABSTRACTS
            ]
            if abstracts:
                self._abstract(abstracts[0])
        body = _child(self.article, "body")
        if body is not None:
            self._container(body, level=1)
        back = _child(self.article, "back")
        ref_lists: list[ET.Element] = []
        if back is not None:
            ref_lists = self._back(back)
        for name in ("floats-group", "floats-wrap"):
            group = _child(self.article, name)
            if group is not None:
                self._floats(group)
        if ref_lists:
            self._references(ref_lists)
        # Subarticles (e.g. a translated abstract) are not part of the report itself.
        text = self.out.text()
        sections = [
            Section(
                title=s.title,
                level=s.level,
                start=s.start,
                end=s.end if s.end is not None else len(text),
            )
            for s in self.out.sections
        ]
        return Document(
            doc_id=self.path.stem,
            source_path=str(self.path),
            text=text,
            pages=[Page(1, 0, len(text))],
            sections=sections,
            tables=self.out.tables,
            captions=self.out.captions,
            title=title,
            kind="jats",
        )

    # -- parts of the article ---------------------------------------------------------
    def _abstract(self, abstract: ET.Element) -> None:
        title = _inline(_child(abstract, "title")) or "Abstract"
        self.out.open(title, 1)
        for child in abstract:
            name = _local(child.tag)
            if name in ("title", "label"):
                continue
            if name == "sec":
                self._sec(child, level=2)
            elif name == "p":
                self._abstract_paragraph(child)
            else:
                self._block(child, level=2)
        self.out.close()

    def _abstract_paragraph(self, p: ET.Element) -> None:
        """A paragraph whose italic/bold run-in labels ('Background.') start abstract parts."""
        pieces: list[tuple[str | None, list[str]]] = [(None, [p.text or ""])]
        for child in p:
            label = _inline(child) if _local(child.tag) in ("italic", "bold", "sc") else ""
            ends_label = (
                bool(re.search(r"[.:]\s*$", label))
                or _LABEL_END.match(child.tail or "") is not None
            )
            if label and ends_label and abstract_part_name(label):
                pieces.append((label, []))
            parts: list[str] = []
            _collect(child, parts, skip_floats=True)
            pieces[-1][1].extend(parts)
            pieces[-1][1].append(child.tail or "")
        if len(pieces) == 1:
            self._paragraph(p, level=2)
            return
        lead = collapse_spaces(normalize_text("".join(pieces[0][1])))
        if lead:
            self.out.add(lead)
        for run_in, parts in pieces[1:]:
            paragraph = collapse_spaces(normalize_text("".join(parts)))
            title = re.sub(r"[.:]\s*$", "", run_in or "").strip()
            self.out.open(title, 2, heading=False)
            self.out.add(paragraph)
            self.out.close()
        self._floats(p)

    def _container(self, el: ET.Element, level: int) -> None:
        for child in el:
            name = _local(child.tag)
            if name == "sec":
                self._sec(child, level)
            else:
                self._block(child, level)

    def _sec(self, sec: ET.Element, level: int) -> None:
        label = _inline(_child(sec, "label"))
        title = _inline(_child(sec, "title"))
        heading = " ".join(x for x in (label, title) if x)
        if heading:
            self.out.open(heading, level)
        for child in sec:
            name = _local(child.tag)
            if name in ("label", "title"):
                continue
            if name == "sec":
                self._sec(child, level + 1 if heading else level)
            else:
                self._block(child, level + 1)
        if heading:
            self.out.close()

    def _block(self, el: ET.Element, level: int) -> None:
        name = _local(el.tag)
        if name == "p":
            self._paragraph(el, level)
        elif name in _FLOATS:
            self._floats(el, include_self=True)
        elif name == "list":
            for item in el:
                if _local(item.tag) == "list-item":
                    self._container(item, level)
                elif _local(item.tag) == "title":
                    self.out.add(_inline(item))
        elif name == "def-list":
            self._def_list(el)
        elif name in (
            "disp-quote",
            "boxed-text",
            "statement",
            "speech",
            "list-item",
            "def",
            "caption",
        ):
            self._container(el, level)
        elif name in ("title", "label", "sec-meta") or name in _SKIP or not name:
            return
        else:
            self.out.add(_inline(el))
            self._floats(el)

    def _paragraph(self, p: ET.Element, level: int) -> None:
        """A paragraph; lists or quotes inside it become blocks of their own."""
        run: list[str] = [p.text or ""]
        for child in p:
            name = _local(child.tag)
            if name in _BLOCKS or name in ("def-list", "list"):
                self.out.add(collapse_spaces(normalize_text("".join(run))))
                run = []
                self._block(child, level)
            else:
                _collect(child, run, skip_floats=True)
                self._floats(child)
            run.append(child.tail or "")
        self.out.add(collapse_spaces(normalize_text("".join(run))))

    def _def_list(self, el: ET.Element) -> None:
        lines = []
        for item in el.iter():
            if _local(item.tag) == "def-item":
                term = _inline(_child(item, "term"))
                definition = _inline(_child(item, "def"))
                lines.append(f"{term}: {definition}" if term and definition else term or definition)
        self.out.add("\n".join(x for x in lines if x))

    def _back(self, back: ET.Element) -> list[ET.Element]:
        ref_lists: list[ET.Element] = []
        for child in back:
            name = _local(child.tag)
            if name == "ref-list":
                ref_lists.append(child)
            elif name == "sec":
                self._sec(child, 1)
            elif name in _BACK_TITLES:
                title = _inline(_child(child, "title")) or _BACK_TITLES[name]
                self.out.open(title, 1)
                if name == "fn-group":
                    for fn in child:
                        if _local(fn.tag) == "fn":
                            self._container(fn, 2)
                elif name == "glossary":
                    for part in child:
                        if _local(part.tag) == "def-list":
                            self._def_list(part)
                        elif _local(part.tag) not in ("title", "label"):
                            self._block(part, 2)
                else:
                    self._container(child, 2)
                self.out.close()
            else:
                self._block(child, 1)
        return ref_lists

    def _references(self, ref_lists: list[ET.Element]) -> None:
        title = _inline(_child(ref_lists[0], "title")) or "References"
        lines: list[str] = []
        for ref_list in ref_lists:
            for ref in ref_list.iter():
                if _local(ref.tag) == "ref":
                    line = _reference(ref, len(lines) + 1)
                    if line:
                        lines.append(line)
        if not lines:
            return
        self.out.open(title, 1)
        self.out.add("\n".join(lines))
        self.out.close()

    # -- floats -----------------------------------------------------------------------
    def _floats(self, el: ET.Element, *, include_self: bool = False) -> None:
        """Tables and figure captions inside ``el`` (or ``el`` itself), in document order."""
        stack = [el] if include_self else list(el)
        for node in stack:
            name = _local(node.tag)
            if name == "table-wrap":
                self.out.tables.append(_table(node))
            elif name == "table-wrap-group":
                # Parts of one table ("Table 2" with "(a)" and "(b)"): each carries the group's
                # label and caption.
                group_label = _inline(_child(node, "label"))
                group_caption = _caption_text(node)
                for part in node.iter():
                    if _local(part.tag) == "table-wrap":
                        self.out.tables.append(_table(part, group_label, group_caption))
            elif name == "fig":
                caption = _figure_caption(node)
                if caption is not None:
                    self.out.captions.append(caption)
            elif name in (
                "fig-group",
                "table-wrap-group",
                "floats-group",
                "p",
                "sec",
                "boxed-text",
            ):
                self._floats(node)
            # Floats are not nested inside other inline markup in practice.


def _caption_text(el: ET.Element) -> str:
    caption = _child(el, "caption")
    if caption is None:
        return ""
    parts = [_inline(c) for c in caption if _local(c.tag) in ("title", "p")]
    return " ".join(p for p in parts if p) or _inline(caption)


def _figure_caption(fig: ET.Element) -> Caption | None:
    label = _inline(_child(fig, "label"))
    text = _caption_text(fig)
    if not (label or text):
        return None
    return Caption(label=label or "Figure", text=text, page=None)


def _table(wrap: ET.Element, group_label: str = "", group_caption: str = "") -> Table:
    label = " ".join(x for x in (group_label, _inline(_child(wrap, "label"))) if x)
    caption_text = " ".join(x for x in (group_caption, _caption_text(wrap)) if x)
    if label and caption_text:
        caption: str | None = label + (" " if label[-1] in ".:" else ": ") + caption_text
    else:
        caption = label or caption_text or None
    table = next((t for t in wrap.iter() if _local(t.tag) == "table"), None)
    header: list[str] = []
    rows: list[list[str]] = []
    if table is not None:
        head_rows, body_rows = _table_rows(table)
        if not head_rows and body_rows and body_rows[0][1]:
            head_rows = [body_rows.pop(0)]
        header = _merge_header([cells for cells, _ in head_rows])
        rows = [cells for cells, _ in body_rows]
    foot = _child(wrap, "table-wrap-foot")
    legend = None
    if foot is not None:
        lines = [
            _inline(x)
            for x in foot.iter()
            if _local(x.tag) in ("p", "title") and not any(_local(c.tag) == "p" for c in x)
        ]
        legend = "\n".join(x for x in lines if x) or _inline(foot) or None
    return Table(caption=caption, header=header, rows=rows, legend=legend, page=None)


def _table_rows(
    table: ET.Element,
) -> tuple[list[tuple[list[str], bool]], list[tuple[list[str], bool]]]:
    """Rows as cell strings with row/column spans laid out on a grid: a cell spanning rows
    repeats in each; a cell spanning columns fills the first and leaves the rest empty
    (header cells repeat, so a two-row header reads 'Before treatment Day 1')."""
    head: list[tuple[list[str], bool]] = []
    body: list[tuple[list[str], bool]] = []
    for section in _row_groups(table):
        in_head = _local(section.tag) == "thead"
        # column -> (text, rows left); rowspans stay inside their row group
        pending: dict[int, tuple[str, int]] = {}
        for tr in section:
            if _local(tr.tag) != "tr":
                continue
            cells: list[str] = []
            all_th = True
            col = 0
            for cell in tr:
                name = _local(cell.tag)
                if name not in ("td", "th"):
                    continue
                all_th = all_th and name == "th"
                col = _fill_rowspans(cells, col, pending)
                text = _inline(cell, skip_floats=True)
                colspan = _span(cell.get("colspan"))
                rowspan = _span(cell.get("rowspan"))
                for k in range(colspan):
                    value = text if (k == 0 or in_head) else ""
                    cells.append(value)
                    if rowspan > 1:
                        pending[col] = (value, rowspan - 1)
                    col += 1
            col = _fill_rowspans(cells, col, pending)
            entry = (cells, all_th and bool(cells))
            (head if in_head else body).append(entry)
    return head, body


def _fill_rowspans(cells: list[str], col: int, pending: dict[int, tuple[str, int]]) -> int:
    """Put the cells that rows above span into this row from column ``col`` on; the next
    free column."""
    while col in pending:
        text, left = pending[col]
        cells.append(text)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (text, left - 1)
        col += 1
    return col


def _row_groups(table: ET.Element) -> list[ET.Element]:
    groups: list[ET.Element] = []
    loose = ET.Element("tbody")
    for child in table:
        name = _local(child.tag)
        if name in ("thead", "tbody", "tfoot"):
            groups.append(child)
        elif name == "tr":
            loose.append(child)
    if len(loose):
        groups.append(loose)
    return groups


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _merge_header(rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    width = max(len(r) for r in rows)
    merged = []
    for i in range(width):
        words: list[str] = []
        for r in rows:
            cell = r[i] if i < len(r) else ""
            if cell and cell not in words:
                words.append(cell)
        merged.append(" ".join(words))
    return merged


def _reference(ref: ET.Element, number: int) -> str:
    label = _inline(_child(ref, "label"))
    citations = [
        c
        for c in ref
        if _local(c.tag) in ("mixed-citation", "element-citation", "citation", "nlm-citation")
    ]
    texts = []
    for citation in citations:
        if _local(citation.tag) == "mixed-citation" or (citation.text and citation.text.strip()):
            texts.append(_inline(citation))
        else:
            texts.append(_format_citation(citation))
    text = " ".join(t for t in texts if t) or _inline(ref)
    if label:
        text = re.sub(rf"^{re.escape(label)}\.?\s*", "", text)
    if not text:
        return ""
    prefix = label or str(number)
    return f"{prefix}{'' if prefix.endswith(('.', ']', ')')) else '.'} {text}"


def _format_citation(citation: ET.Element) -> str:
    """A structured citation as one line: 'Surname GN, ... Title. Source. Year;Vol(Issue):first-last.'"""
    names: list[str] = []
    for group in citation.iter():
        tag = _local(group.tag)
        if tag == "person-group" and group.get("person-group-type", "author") != "author":
            continue
        if tag in ("person-group",):
            for member in group:
                m = _local(member.tag)
                if m in ("name", "string-name"):
                    surname = _inline(_child(member, "surname"))
                    given = _inline(_child(member, "given-names"))
                    names.append(" ".join(x for x in (surname, given) if x) or _inline(member))
                elif m == "collab":
                    names.append(_inline(member))
                elif m == "etal":
                    names.append("et al.")
    if not names:
        for member in citation:
            if _local(member.tag) in ("name", "string-name"):
                names.append(
                    " ".join(
                        x
                        for x in (
                            _inline(_child(member, "surname")),
                            _inline(_child(member, "given-names")),
                        )
                        if x
                    )
                )
            elif _local(member.tag) == "collab":
                names.append(_inline(member))
    fields = {
        k: _inline(_child(citation, k))
        for k in (
            "article-title",
            "chapter-title",
            "source",
            "year",
            "volume",
            "issue",
            "fpage",
            "lpage",
            "elocation-id",
            "publisher-name",
            "publisher-loc",
            "comment",
        )
    }
    out = []
    if names:
        out.append(", ".join(names).replace(", et al.", " et al."))
    for key in ("article-title", "chapter-title", "source"):
        if fields[key]:
            out.append(fields[key])
    where = fields["year"]
    if fields["volume"]:
        where += f";{fields['volume']}"
        if fields["issue"]:
            where += f"({fields['issue']})"
    pages = (
        fields["fpage"] + (f"-{fields['lpage']}" if fields["lpage"] else "")
        or fields["elocation-id"]
    )
    if pages:
        where += f":{pages}"
    if fields["publisher-name"] and not fields["volume"]:
        where = ", ".join(x for x in (fields["publisher-loc"], fields["publisher-name"]) if x) + (
            f"; {where}" if where else ""
        )
    if where:
        out.append(where)
    line = ". ".join(x.rstrip(".") for x in out if x)
    return (line + ".") if line else _inline(citation)


def _parse(path: Path) -> ET.Element:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot open: {exc.strerror or exc}") from None
    if not data.strip():
        raise EmptyFileError(path)
    if data.lstrip()[:5] == b"%PDF-":
        raise NotJATSError(path, "a PDF file with an XML name")
    parser = ET.XMLParser()
    # The DTD is never fetched; the HTML entities it would define are known here.
    parser.entity.update({name: chr(code) for name, code in html.entities.name2codepoint.items()})
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as exc:
        raise CorruptFileError(path, f"malformed XML: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise CorruptFileError(path, f"malformed XML: {exc}") from None


def _find_article(root: ET.Element) -> ET.Element | None:
    if _local(root.tag) == "article":
        return root
    for el in root.iter():
        if _local(el.tag) == "article":
            return el
    return None


def read_jats(path: Path) -> Document:
    """Read a JATS article; a non-JATS XML file raises NotJATSError, malformed XML
    CorruptFileError."""
    path = Path(path)
    root = _parse(path)
    article = _find_article(root)
    if article is None or (_child(article, "front") is None and _child(article, "body") is None):
        raise NotJATSError(path, f"root element <{_local(root.tag)}>")
    try:
        doc = _Reader(path, article).read()
    except RecursionError:
        raise CorruptFileError(path, "XML nested too deeply") from None
    if not doc.text.strip():
        raise EmptyFileError(path, "a JATS article without text")
    return doc


__all__ = ["read_jats"]
