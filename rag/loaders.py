"""Load .md, .txt, .html/.htm and .pdf files into plain text with structure.

A :class:`LoadedDocument` keeps the text that chunk offsets point into, the headings
(with the offset where each section starts) and, for PDFs, the page start offsets.
Every problem is raised as :class:`LoadError` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
LOADER_VERSION = "3"  # bump when the loaded text changes, so ingest reloads every file

# Characters that change how text is displayed, never what it says. C0/C1 control characters
# become spaces (an ESC from a document must not reach a terminal); NUL, which PDF text
# extraction puts between letters, is removed, and so are bidi overrides, embeddings and
# isolates (they can reverse the rest of a line: "Trojan Source"), zero-width spaces, word
# joiners, BOMs and soft hyphens (they hide words from search). ZWJ/ZWNJ and the LRM/RLM
# marks stay: scripts and emoji need them.
_INVISIBLE = {c: " " for c in [*range(0x01, 0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\t\n\r\f"}
_INVISIBLE.update({c: None for c in [0x00, 0x00AD, 0x180E, 0x200B, *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                                     *range(0x2066, 0x206A), 0xFEFF]})


class LoadError(Exception):
    """A file could not be loaded; the message is the one-line reason."""


@dataclass(frozen=True)
class LoadedDocument:
    """A document's text and structure.

    Attributes:
        doc_id: the path relative to the corpus root (or the absolute path outside it).
        source: the file path.
        text: the text that chunk offsets index into.
        title: front matter title, first heading, HTML title, PDF title or file name.
        metadata: other front matter fields (strings only).
        sections: ``(offset, heading)`` pairs, sorted; text before the first has no heading.
        pages: ``(offset, page_number)`` pairs for PDFs, sorted; empty otherwise.
        body_start: offset where content starts (after Markdown front matter).
        skip: ``(start, end)`` spans that hold no content (heading lines).
        sha256: hash of the file bytes.
    """

    doc_id: str
    source: str
    text: str
    title: str
    metadata: dict = field(default_factory=dict)
    sections: tuple = ()
    pages: tuple = ()
    body_start: int = 0
    skip: tuple = ()
    sha256: str = ""


def clean_text(text: str) -> str:
    """Remove or blank out invisible and control characters (see ``_INVISIBLE``)."""
    return text.translate(_INVISIBLE)


def _wrong_type(data: bytes, suffix: str) -> str:
    """A one-line reason when the bytes are plainly not what the extension says, else ""."""
    head = data[:1024].lstrip()
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            kind = "binary data" if b"\x00" in data[:4096] else "text"
            return f"not a PDF file (no %PDF header; it looks like {kind}): check the file or its extension"
        return ""
    if head.startswith(b"%PDF-"):
        return f"this is a PDF file named {suffix}: rename it to .pdf"
    if data.startswith(b"PK\x03\x04"):
        return "this is a ZIP or Office file (.docx, .xlsx ...), not text: export it as .pdf, .md or .txt"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text; save it as UTF-8"
    return ""


def is_supported(path: Path) -> bool:
    """Return True when ``path`` has a suffix we can load."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def load(path: Path, doc_id: str, data: bytes | None = None) -> LoadedDocument:
    """Load one file.

    Args:
        path: the file.
        doc_id: the id to give the document.
        data: the file bytes when already read.

    Returns:
        The :class:`LoadedDocument`.

    Raises:
        LoadError: unsupported type, empty, binary, not UTF-8, corrupt or textless PDF.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(no extension)'}; use .md, .txt, .html or .pdf")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise LoadError(f"cannot read file: {err.strerror or err}") from None
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise LoadError("empty file")
    wrong = _wrong_type(data, suffix)
    if wrong:
        raise LoadError(wrong)
    if suffix == ".pdf":
        return _load_pdf(path, doc_id, data, digest)
    text = _decode(data)
    if suffix in (".html", ".htm"):
        return _load_html(path, doc_id, text, digest)
    if suffix in (".md", ".markdown"):
        return _load_markdown(path, doc_id, text, digest)
    return LoadedDocument(doc_id, str(path), text, path.stem, sha256=digest)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise LoadError("binary content (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text = _chinese_legacy(data)
        if text is None:
            raise LoadError(f"not valid UTF-8 or GB18030 text (bad byte at offset {err.start}); save it as UTF-8") \
                from None
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(sample) // 20):
        raise LoadError("binary content (control characters), not text")
    text = clean_text(text)
    if not text.strip():
        raise LoadError("empty file (white space only)")
    return text


def _chinese_legacy(data: bytes) -> str | None:
    """Text from a GB18030/GBK/GB2312 file (common for Chinese files), or None.

    GB18030 decodes many byte strings, so a result counts only when Chinese characters make up
    most of its letters (a Latin-1 file does not pass as Chinese).
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    letters = sum(1 for c in text if c.isalpha())
    return text if cjk >= 2 and cjk * 2 >= letters else None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def _load_markdown(path: Path, doc_id: str, text: str, digest: str) -> LoadedDocument:
    metadata: dict = {}
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        import yaml

        try:
            parsed = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError:
            parsed = {}
        if isinstance(parsed, dict):
            metadata = {str(k): v for k, v in parsed.items()}
        body_start = match.end()
    sections = []
    skip = []
    for heading in _MD_HEADING.finditer(text, body_start):
        sections.append((heading.start(), heading.group(2).strip()))
        skip.append((heading.start(), heading.end()))
    if not text[body_start:].strip():
        raise LoadError("no text after the front matter")
    title = str(metadata.pop("title", "") or "").strip()
    if not title:
        title = sections[0][1] if sections else path.stem
    return LoadedDocument(
        doc_id, str(path), text, title, _plain_metadata(metadata), tuple(sections), (), body_start, tuple(skip), digest
    )


def _plain_metadata(metadata: dict) -> dict:
    """Keep scalar front matter values as strings (Chroma metadata must be scalars)."""
    return {k: str(v) for k, v in metadata.items() if isinstance(v, (str, int, float)) or hasattr(v, "isoformat")}


_HTML_BLOCKS = {"p", "div", "li", "tr", "br", "section", "article", "header", "footer", "blockquote", "pre",
                "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dd", "dt", "figcaption", "main", "td", "th"}


def _load_html(path: Path, doc_id: str, html: str, digest: str) -> LoadedDocument:
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    page_title = clean_text(soup.title.get_text(" ", strip=True)) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]):
        tag.decompose()
    parts: list[str] = []
    sections = []
    length = 0

    def emit(piece: str) -> None:
        nonlocal length
        parts.append(piece)
        length += len(piece)

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                raw = clean_text(str(child))
                words = " ".join(raw.split())
                if words:
                    if raw[:1].isspace() and parts and not parts[-1].endswith(("\n", " ")):
                        emit(" ")
                    emit(words)
                    if raw[-1:].isspace():
                        emit(" ")
                continue
            name = child.name or ""
            if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                heading = " ".join(clean_text(child.get_text(" ")).split())
                if heading:
                    if parts and not parts[-1].endswith("\n"):
                        emit("\n\n")
                    sections.append((length, heading))
                    emit(heading + "\n\n")
                continue
            block = name in _HTML_BLOCKS
            if block and parts and not parts[-1].endswith("\n"):
                emit("\n\n")
            walk(child)
            if block and parts and not parts[-1].endswith("\n"):
                emit("\n\n")

    walk(soup.body or soup)
    text = "".join(parts).strip() + "\n"
    if not text.strip():
        raise LoadError("HTML has no visible text")
    skip = tuple((off, off + len(h)) for off, h in sections)
    title = page_title or (sections[0][1] if sections else path.stem)
    return LoadedDocument(doc_id, str(path), text, title, {}, tuple(sections), (), 0, skip, digest)


def _load_pdf(path: Path, doc_id: str, data: bytes, digest: str) -> LoadedDocument:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError("PDF is encrypted with a password")
            except LoadError:
                raise
            except Exception:
                raise LoadError("PDF is encrypted and cannot be opened") from None
        pages = []
        parts = []
        length = 0
        for number, page in enumerate(reader.pages, 1):
            page_text = clean_text(page.extract_text() or "")
            page_text = "\n".join(line.rstrip() for line in page_text.splitlines()).strip()
            if not page_text:
                continue
            pages.append((length, number))
            parts.append(page_text + "\n\n")
            length += len(page_text) + 2
        meta_title = ""
        try:
            meta_title = clean_text(str((reader.metadata or {}).get("/Title") or "")).strip()
        except Exception:
            pass
    except LoadError:
        raise
    except (PdfReadError, Exception) as err:  # pypdf raises many types on corrupt files
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise LoadError(f"corrupt or unreadable PDF ({reason})") from None
    text = "".join(parts)
    if not text.strip():
        raise LoadError("PDF has no extractable text (scanned images? run OCR first)")
    return LoadedDocument(doc_id, str(path), text, meta_title or path.stem, {}, (), tuple(pages), 0, (), digest)
