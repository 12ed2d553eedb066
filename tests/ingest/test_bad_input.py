"""Bad input: every broken file gives its own IngestError with a one-line message naming the
file and the cause (corpus/bad/README.md), and a damaged file that still has text is read
with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import ingest
from extract.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedError,
    IngestError,
    NoPagesError,
    NotAPDFError,
    NoTextLayerError,
    NotJATSError,
    TooLargeError,
)
from extract.ingest.pdf_checks import check_pdf

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BAD = CORPUS / "bad"
PDFS = CORPUS / "pdfs"

# file -> (error class, words the message must hold)
BAD_FILES = {
    BAD / "truncated.pdf": (CorruptFileError, ["truncated", "end-of-file"]),
    BAD / "encrypted.pdf": (EncryptedError, ["encrypted", "password"]),
    BAD / "scanned.pdf": (NoTextLayerError, ["no text layer", "OCR"]),
    BAD / "empty.pdf": (EmptyFileError, ["empty"]),
    BAD / "not_a_pdf.pdf": (NotAPDFError, ["not a PDF", "HTML"]),
    BAD / "garbage.pdf": (CorruptFileError, ["corrupt"]),
    BAD / "no_pages.pdf": (NoPagesError, ["no pages"]),
    BAD / "too_many_pages.pdf": (TooLargeError, ["too large", "303 pages", "200"]),
    PDFS / "odd_scanned_ocrmypdf_c02-22.pdf": (NoTextLayerError, ["no text layer", "OCR"]),
    PDFS / "odd_scanned_twocol_ocrmypdf_linn.pdf": (NoTextLayerError, ["no text layer", "OCR"]),
    PDFS / "odd_encrypted_pdfminer_aes-256.pdf": (EncryptedError, ["encrypted"]),
    PDFS / "odd_malformed_ocrmypdf_invalid.pdf": (CorruptFileError, ["corrupt"]),
}


def _assert_one_line(exc: IngestError, path: Path, words: list[str]) -> None:
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    for word in words:
        assert word.lower() in message.lower(), (word, message)


@pytest.mark.parametrize("path", sorted(BAD_FILES), ids=lambda p: p.name)
def test_check_pdf_names_the_cause(path: Path) -> None:
    error, words = BAD_FILES[path]
    with pytest.raises(error) as info:
        check_pdf(path, ingest.DEFAULT_MAX_PAGES)
    _assert_one_line(info.value, path, words)


@pytest.mark.parametrize("path", sorted(BAD_FILES), ids=lambda p: p.name)
def test_read_raises_the_same_error(path: Path) -> None:
    # without OCR (issue 14: with it, the scans are read; tests/ingest/test_ocr.py)
    error, words = BAD_FILES[path]
    with pytest.raises(error) as info:
        ingest.read(path, ocr="never")
    _assert_one_line(info.value, path, words)


def test_every_file_in_corpus_bad_is_covered() -> None:
    assert {p for p in BAD.glob("*.pdf")} <= set(BAD_FILES)


def test_page_limit_is_configurable() -> None:
    path = BAD / "too_many_pages.pdf"
    with pytest.raises(TooLargeError, match="limit is 100"):
        check_pdf(path, 100)
    assert check_pdf(path, 400) == []


def test_odd_corrupted_stream_is_read_with_a_warning() -> None:
    # A corrupted Flate stream: pdfium still yields the whole text, so it is no error.
    path = PDFS / "odd_corrupted_pdfminer_zen_of_python.pdf"
    warnings = check_pdf(path, ingest.DEFAULT_MAX_PAGES)
    assert len(warnings) == 1
    assert warnings[0].startswith(path.name + ": ") and "damaged" in warnings[0]
    doc = ingest.read(path)
    assert "Beautiful is better than ugly." in doc.text


@pytest.mark.parametrize(
    "name",
    ["shimizu2018.pdf"],
)
def test_good_pdf_passes_without_warnings(name: str) -> None:
    assert check_pdf(CORPUS / "seed" / name, ingest.DEFAULT_MAX_PAGES) == []


def test_text_layer_on_a_later_page_counts(tmp_path: Path) -> None:
    # Three image pages followed by the seed report: the text layer is found on page 4.
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(str(BAD / "scanned.pdf")))
    merged.import_pages(pdfium.PdfDocument(str(CORPUS / "seed" / "shimizu2018.pdf")))
    path = tmp_path / "scanned_then_text.pdf"
    merged.save(str(path))
    assert check_pdf(path, 200) == []


def test_pdf_header_after_junk_is_still_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "junk_then_pdf.pdf"
    path.write_bytes(b"\r\n" + (CORPUS / "seed" / "shimizu2018.pdf").read_bytes())
    assert check_pdf(path, 200) == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, ["not a PDF", "ZIP"]),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, ["not a PDF", "PNG"]),
        (b"   \n\t  ", ["empty"]),
    ],
)
def test_other_files_named_pdf(tmp_path: Path, content: bytes, words: list[str]) -> None:
    path = tmp_path / "download.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        ingest.read(path)
    _assert_one_line(info.value, path, words)


def test_xml_that_is_not_jats(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(
        '<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', encoding="utf-8"
    )
    with pytest.raises(NotJATSError) as info:
        ingest.read(path)
    _assert_one_line(info.value, path, ["not a JATS article", "<rss>"])


def test_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "cut.nxml"
    data = (CORPUS / "jats" / "PMC4745306.xml").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as info:
        ingest.read(path)
    _assert_one_line(info.value, path, ["malformed XML"])


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(IngestError) as info:
        ingest.read(path)
    _assert_one_line(info.value, path, ["binary"])


def test_empty_text_and_xml(tmp_path: Path) -> None:
    for name in ("blank.txt", "blank.xml"):
        path = tmp_path / name
        path.write_text("  \n", encoding="utf-8")
        with pytest.raises(EmptyFileError) as info:
            ingest.read(path)
        _assert_one_line(info.value, path, ["empty"])


def test_no_pages_after_an_encrypted_file_in_the_same_process() -> None:
    # PDFium keeps its last error: no_pages.pdf read right after encrypted.pdf once came out
    # as "encrypted" in a batch worker.
    with pytest.raises(EncryptedError):
        check_pdf(BAD / "encrypted.pdf", 200)
    with pytest.raises(NoPagesError):
        check_pdf(BAD / "no_pages.pdf", 200)
    with pytest.raises(EncryptedError):
        check_pdf(PDFS / "odd_encrypted_pdfminer_aes-256.pdf", 200)
    with pytest.raises(CorruptFileError):
        check_pdf(PDFS / "odd_malformed_ocrmypdf_invalid.pdf", 200)


def test_issue12_only_damaged_or_encrypted_files_go_to_pdfminers_stream_check() -> None:
    """The zlib pre-screen passes every sound corpus PDF (pdfminer is not run on them) and
    sends the damaged and the encrypted ones on."""
    from extract.ingest.pdf_checks import _flate_streams_whole

    sent_on = {p.name for p in sorted(CORPUS.rglob("*.pdf")) if not _flate_streams_whole(p.read_bytes())}
    assert sent_on == {"encrypted.pdf", "truncated.pdf", "odd_corrupted_pdfminer_zen_of_python.pdf",
                       "odd_encrypted_pdfminer_aes-256.pdf"}


def test_issue12_a_content_stream_damaged_in_a_sound_file_is_warned_of(tmp_path: Path) -> None:
    """Bytes overwritten in the middle of a page's Flate content stream of a real PDF (the
    seed): the file is still read, with the one-line damage warning."""
    import re
    import zlib

    from extract.ingest.pdf_checks import _flate_streams_whole

    data = bytearray((CORPUS / "seed" / "shimizu2018.pdf").read_bytes())
    for m in re.finditer(rb"obj\s*<<(?:(?!>>).){0,300}?/Filter\s*/FlateDecode(?:(?!>>).){0,300}?>>\s*stream\r?\n", data, re.S):
        head = m.group(0)
        if re.search(rb"/(?:Type|Subtype|Length1|N)\b", head):
            continue
        start = m.end()
        end = data.index(b"endstream", start)
        if len(zlib.decompress(bytes(data[start:end]))) > 2000:  # a page's text
            mid = (start + end) // 2
            data[mid : mid + 8] = b"\xff" * 8  # zlib: "incorrect data check"
            break
    else:
        pytest.fail("no content stream found")
    path = tmp_path / "damaged_seed.pdf"
    path.write_bytes(bytes(data))
    assert not _flate_streams_whole(bytes(data))
    warnings = check_pdf(path, ingest.DEFAULT_MAX_PAGES)
    assert len(warnings) == 1 and warnings[0].startswith("damaged_seed.pdf: damaged content stream")
