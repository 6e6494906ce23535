"""Structure-aware chunking: sections and pages bound chunks, sentences are never cut.

Chunks are sized for all-MiniLM-L6-v2's 256-token window: about 120-170 words, which with
the title and section prefix stays under 256 tokens, so nothing is truncated when embedded.
They overlap by one short sentence. Each chunk's text is ``document.text[start:end]``.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from rag.loaders import LoadedDocument
from rag.text import size_in_words, split_long, split_sentences

TARGET_WORDS = 120
MAX_WORDS = 170
OVERLAP_MAX_WORDS = 35  # the last sentence is repeated in the next chunk if it is this short
CHUNKER_VERSION = "3"  # bump when chunking changes, so ingest re-chunks every file


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, located by character offsets."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str
    page: int  # 0 when the document has no pages


def embedding_text(title: str, section: str, text: str) -> str:
    """What a chunk is indexed under (embedded and keyword-indexed): its document title and
    section give it context."""
    head = " - ".join(p for p in (title, section) if p)
    return f"{head}\n{text}" if head else text


def chunk_id_for(doc_id: str, start: int, end: int, text: str) -> str:
    """Deterministic id: a hash of the document id, the offsets and the text."""
    return hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()[:32]


def _segments(doc: LoadedDocument) -> list[tuple[int, int]]:
    """Content regions: the body minus heading lines, cut at section and page starts."""
    cuts = {doc.body_start, len(doc.text)}
    cuts.update(off for off, _ in doc.sections if off >= doc.body_start)
    cuts.update(off for off, _ in doc.pages if off >= doc.body_start)
    for start, end in doc.skip:
        cuts.update((start, end))
    edges = sorted(c for c in cuts if c >= doc.body_start)
    skipped = set(doc.skip)
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a and (a, b) not in skipped]


def _label(pairs: tuple, offset: int, default):
    keys = [off for off, _ in pairs]
    i = bisect.bisect_right(keys, offset) - 1
    return pairs[i][1] if i >= 0 else default


def chunk_document(doc: LoadedDocument, target_words: int = TARGET_WORDS, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Cut a document into chunks.

    Args:
        doc: the loaded document.
        target_words: a chunk closes once it reaches this size.
        max_words: a chunk never grows beyond this (a longer sentence is cut at commas or spaces).

    Returns:
        The chunks in document order.
    """
    chunks: list[Chunk] = []
    for seg_start, seg_end in _segments(doc):
        sentences = []
        for start, end in split_sentences(doc.text, seg_start, seg_end):
            if size_in_words(doc.text[start:end]) > max_words:
                sentences.extend(split_long(doc.text, start, end, max_words))
            else:
                sentences.append((start, end))
        if not sentences:
            continue
        section = _label(doc.sections, seg_start, "")
        page = _label(doc.pages, seg_start, 0)
        sizes = [size_in_words(doc.text[a:b]) for a, b in sentences]
        i = 0
        while i < len(sentences):
            j, words = i, 0
            while j < len(sentences) and (j == i or words + sizes[j] <= max_words) and words < target_words:
                words += sizes[j]
                j += 1
            start, end = sentences[i][0], sentences[j - 1][1]
            text = doc.text[start:end]
            chunks.append(Chunk(chunk_id_for(doc.doc_id, start, end, text), doc.doc_id, text, start, end, section, page))
            if j >= len(sentences):
                break
            # Overlap: start the next chunk with this chunk's last sentence when it is short.
            i = j - 1 if j - 1 > i and sizes[j - 1] <= OVERLAP_MAX_WORDS else j
    return chunks
