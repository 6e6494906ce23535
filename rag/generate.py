"""Generators: one interface (``run`` / ``stream``) over scored sentences.

- :class:`ExtractiveGenerator` quotes the best sentences (no model);
- :class:`LLMGenerator` asks a language model (local llama.cpp or an OpenAI-compatible
  server) to answer from numbered evidence.
Both return text with ``[n]`` markers over the :class:`rag.types.Evidence` they were given.
"""

from __future__ import annotations

import re

from rag.evidence import answer_type
from rag.prompts import ANSWER_SYSTEM, ANSWER_USER, EVIDENCE_LINE
from rag.text import tokenize
from rag.types import Evidence

EXTRACTIVE_MAX_SENTENCES = 3
EXTRACTIVE_MARGIN = 0.12  # further sentences must score within this of the best one
EXTRACTIVE_MAX_WORDS = 110
LLM_MAX_TOKENS = 120  # three short sentences with markers fit; a rambling model is cut off
LLM_EVIDENCE = 5  # sentences shown to a language model


def inert_markers(text: str) -> str:
    """Write ``[n]`` found inside quoted text as ``［n］``: shown as is, never taken for a citation."""
    return re.sub(r"\[(\d+)\]", "\uff3b\\1\uff3d", text)


def to_evidence(sentences) -> list[Evidence]:
    """Number sentences as evidence 1..n (in the order given)."""
    return [Evidence(n=i, doc_id=s.metadata.get("doc_id", ""), title=s.metadata.get("title", ""),
                     section=s.metadata.get("section", ""), page=int(s.metadata.get("page", 0) or 0),
                     source=s.metadata.get("source", ""), chunk_id=s.chunk_id, start=s.start, end=s.end,
                     quote=s.text, passage=s.passage, passage_start=int(s.metadata.get("start", 0)))
            for i, s in enumerate(sentences, 1)]


def _redundant(a: str, b: str) -> bool:
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.7


def pick_extractive(sentences, question: str = "") -> list:
    """Choose the sentences of an extractive answer.

    The best sentence, then up to two more that score within :data:`EXTRACTIVE_MARGIN` of it
    and do not repeat it, within :data:`EXTRACTIVE_MAX_WORDS`; returned in reading order
    (documents in order of their best sentence, sentences by position). A question asking
    for a figure or a date gets the best of the top five sentences holding one when the
    chosen ones hold none ("It was formed in 1959." scores low on its own).

    Args:
        sentences: scored sentences, best first.
        question: the question (for its expected answer type).

    Returns:
        The chosen sentences.
    """
    if not sentences:
        return []
    best = sentences[0]
    chosen = [best]
    words = len(best.text.split())
    for s in sentences[1:]:
        if len(chosen) >= EXTRACTIVE_MAX_SENTENCES or s.score < best.score - EXTRACTIVE_MARGIN:
            break
        if any(_redundant(s.text, c.text) for c in chosen) or words + len(s.text.split()) > EXTRACTIVE_MAX_WORDS:
            continue
        chosen.append(s)
        words += len(s.text.split())
    wants = answer_type(question)
    if wants and not any(wants(c.text) for c in chosen):
        typed = next((s for s in sentences[:5] if wants(s.text)), None)
        if typed is not None:
            chosen = chosen[: EXTRACTIVE_MAX_SENTENCES - 1] + [typed]
    doc_order = {}
    for s in chosen:
        doc_order.setdefault(s.metadata.get("doc_id"), len(doc_order))
    return sorted(chosen, key=lambda s: (doc_order[s.metadata.get("doc_id")], s.start))


class ExtractiveGenerator:
    """Answers by quoting the best sentences, each cited. Deterministic, no model."""

    name = "extractive"

    def evidence(self, sentences, question: str = "") -> list[Evidence]:
        """The evidence an extractive answer cites: the chosen sentences, in reading order."""
        return to_evidence(pick_extractive(sentences, question))

    def stream(self, question: str, evidence: list[Evidence]):
        """Yield the answer: each evidence sentence followed by its marker."""
        yield " ".join(f"{inert_markers(e.quote)} [{e.n}]" for e in evidence)


class LLMGenerator:
    """Answers with a language model from numbered evidence.

    Args:
        model: an object with ``stream(messages, max_tokens)`` (see :mod:`rag.llm`).
        name: the mode name ("local" or "openai").
    """

    def __init__(self, model, name: str):
        self.model = model
        self.name = name

    def evidence(self, sentences, question: str = "") -> list[Evidence]:
        """The best :data:`LLM_EVIDENCE` sentences, best first."""
        return to_evidence(sentences[:LLM_EVIDENCE])

    def messages(self, question: str, evidence: list[Evidence]) -> list[dict]:
        """The chat messages sent to the model."""
        lines = "\n".join(EVIDENCE_LINE.format(n=e.n, quote=" ".join(e.quote.split()))
                          for e in evidence)
        return [{"role": "system", "content": ANSWER_SYSTEM},
                {"role": "user", "content": ANSWER_USER.format(evidence=lines, question=question)}]

    def stream(self, question: str, evidence: list[Evidence]):
        """Yield the model's text as it is generated."""
        yield from self.model.stream(self.messages(question, evidence), max_tokens=LLM_MAX_TOKENS)
