"""Errors with one-line messages that name the file and the cause."""

from __future__ import annotations

from pathlib import Path


class CaseExtractError(Exception):
    """Base class for errors the CLI reports as one line (never a traceback)."""


class IngestError(CaseExtractError):
    """A file could not be read into a Document.

    The message is always one line: ``<file>: <cause>``.
    """

    cause = "cannot be read"

    def __init__(self, path: str | Path, detail: str | None = None) -> None:
        self.path = str(path)
        self.detail = detail
        text = self.cause if not detail else f"{self.cause} ({detail})"
        super().__init__(f"{Path(self.path).name}: {' '.join(text.split())}")


class NotAPDFError(IngestError):
    cause = "not a PDF"


class EmptyFileError(IngestError):
    cause = "empty file"


class CorruptFileError(IngestError):
    cause = "corrupt or truncated file"


class EncryptedError(IngestError):
    cause = "encrypted (password required)"


class NoTextLayerError(IngestError):
    cause = "no text layer (scanned images: OCR is needed)"


class NoPagesError(IngestError):
    cause = "no pages"


class TooLargeError(IngestError):
    cause = "too large"


class UnsupportedFormatError(IngestError):
    cause = "unsupported file type"


class NotJATSError(IngestError):
    cause = "not a JATS article"


class ModelMissingError(CaseExtractError):
    """The trained NER model is not where it should be."""
