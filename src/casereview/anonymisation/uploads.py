"""The anonymisation pages' uploads: thin callers of the one upload gate (``core.uploads``).

Documents (.docx, .txt, .md) are the gate's ``"document"`` kind, the key reference CSV its
``"key-reference"`` kind; the rules and the limits live there.
"""

from __future__ import annotations

from casereview.core.uploads import UploadRefused, check_upload, decode_text, extension_of


def suffix_of(name: str) -> str:
    return extension_of(name)


def check_document(name: str, content: bytes) -> None:
    """Refuse, with a message saying why, any document that is not a safe .docx, .txt or .md."""
    check_upload(name, content, "document")


def check_csv(name: str, content: bytes) -> str:
    """The text of an uploaded key reference CSV, or a refusal saying why."""
    check_upload(name, content, "key-reference")
    return decode_text(content)


__all__ = ["UploadRefused", "check_csv", "check_document", "decode_text", "suffix_of"]
