"""Typed outputs of the answering pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

REFUSAL_PREFIX = "The documents don't say"


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
            "citations": [e.to_citation() for e in self.citations],
            "sentences": [s.to_dict() for s in self.sentences],
            "timings_ms": {k: round(float(self.timings_ms.get(k, 0.0)), 1)
                           for k in ("retrieve", "generate", "verify", "total")},
        }
