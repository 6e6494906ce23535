"""Typed values passed along the answer path, and the stream events of an answer.

The answer path is ``Retriever -> EvidenceSelector -> Gate -> Composer -> Verifier``; each
component takes and returns the frozen dataclasses below, never mutating its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

REFUSAL_PREFIX = "The documents don't say"


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its retrieval scores."""

    chunk_id: str
    text: str
    metadata: dict
    dense: float  # cosine similarity to the query (0 when only keyword search found it)
    keyword: float  # BM25 score (0 when only dense search found it)
    fused: float  # reciprocal rank fusion score


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved passage, scored against the question."""

    text: str
    chunk_id: str
    passage_rank: int  # 0 = best passage
    start: int  # offsets into the document text
    end: int
    metadata: dict  # the passage's metadata (doc_id, title, section, page, source ...)
    passage: str  # the whole passage text
    similarity: float  # cosine similarity to the question
    overlap: float  # IDF-weighted share of question keywords present
    score: float


@dataclass(frozen=True)
class Evidence:
    """One numbered piece of evidence: a span of a document inside a retrieved chunk.

    ``quote`` is ``document_text[start:end]`` exactly.
    """

    n: int
    doc_id: str
    title: str
    section: str
    page: int
    source: str
    chunk_id: str
    start: int
    end: int
    quote: str
    passage: str  # the whole chunk text, for showing the quote in context
    passage_start: int  # offset of the chunk in the document

    def to_citation(self) -> dict:
        """The citation object of ``rag ask --json``."""
        return {"n": self.n, "doc_id": self.doc_id, "title": self.title, "section": self.section,
                "source": self.source, "chunk_id": self.chunk_id, "start": self.start, "end": self.end,
                "quote": self.quote}


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer, the evidence numbers it cites, and whether they support it."""

    text: str
    citations: tuple[int, ...]
    verified: bool

    def to_dict(self) -> dict:
        return {"text": self.text, "citations": list(self.citations), "verified": self.verified}


@dataclass(frozen=True)
class Answer:
    """A verified answer.

    Attributes:
        question: the question as asked.
        standalone_question: the question after follow-up condensing (what was retrieved).
        text: the answer shown to the user: verified sentences with ``[n]`` markers, or a refusal.
        refused: True when the documents do not answer the question.
        mode: the generator that produced the answer (after any fallback).
        citations: the evidence the answer cites, numbered as in ``text``.
        sentences: every sentence the generator produced, with ``verified`` flags; unverified
            ones are not part of ``text``.
        timings_ms: retrieve, generate, verify, total.
        closest: for a refusal, the closest passages (as evidence) the user may want to read.
        notices: one-line notes for the user (fallbacks, truncation).
        kind: "factoid" (prose), "explanation" (a lead line, then one cited point per line) or
            "refusal".
        lead: for an explanation, the one-line lead shown above the points.
        language: the question's language ("en" or "zh"), which the answer is worded in.
        passages: the passages the answer drew on (what retrieval metrics score).
    """

    question: str
    standalone_question: str
    text: str
    refused: bool
    mode: str
    citations: tuple[Evidence, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    timings_ms: dict = field(default_factory=dict)
    closest: tuple[Evidence, ...] = ()
    notices: tuple[str, ...] = ()
    kind: str = "factoid"
    lead: str = ""
    language: str = "en"
    passages: tuple[Passage, ...] = ()  # the passages the answer drew on, best first (not in to_dict)

    @property
    def context_ids(self) -> list[str]:
        """Chunk ids of the cited evidence."""
        return list(dict.fromkeys(e.chunk_id for e in self.citations))

    def to_dict(self) -> dict:
        """Exactly the ``rag ask --json`` object."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "kind": self.kind,
            "lead": self.lead,
            "language": self.language,
            "citations": [e.to_citation() for e in self.citations],
            "sentences": [s.to_dict() for s in self.sentences],
            "timings_ms": {k: round(float(self.timings_ms.get(k, 0.0)), 1)
                           for k in ("retrieve", "generate", "verify", "total")},
            "notices": list(self.notices),
        }


# ---- stream events, in this order: Sources, Text*, [SourcesReplaced, Text*], Final --------------
@dataclass(frozen=True)
class SourcesEvent:
    """First event: the evidence the answer will cite (empty for a refusal)."""

    evidence: tuple[Evidence, ...]
    standalone_question: str
    type: ClassVar[str] = "sources"


@dataclass(frozen=True)
class TextEvent:
    """A piece of answer text, to append to what came before."""

    text: str
    type: ClassVar[str] = "text"


@dataclass(frozen=True)
class SourcesReplacedEvent:
    """The language model failed mid-answer: drop the text so far and use this evidence.

    Text events that follow belong to the replacement answer.
    """

    evidence: tuple[Evidence, ...]
    reason: str
    type: ClassVar[str] = "sources_replaced"


@dataclass(frozen=True)
class FinalEvent:
    """Last event: the verified answer (its text supersedes everything streamed)."""

    answer: Answer
    type: ClassVar[str] = "final"
