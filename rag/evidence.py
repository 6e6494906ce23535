"""Post-processing between retrieval and generation: passages become scored sentences.

Each retrieved passage is split into sentences (offsets into the document, so a citation
can point at the exact supporting span). A sentence's relevance blends its embedding
similarity to the question with how much of the question's keyword weight it contains.
The best score also drives the relevance gate that refuses before any generation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.text import split_sentences, tokenize

SEMANTIC_WEIGHT = 0.6  # share of a sentence's score from embedding similarity; the rest is keyword overlap


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved passage."""

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


def keyword_overlap(question_tokens: list[str], text: str, idf) -> float:
    """Share of the question's keyword weight (IDF) that appears in ``text``.

    Args:
        question_tokens: tokens of the question (:func:`rag.text.tokenize`).
        text: the candidate sentence.
        idf: callable giving a token's inverse document frequency.

    Returns:
        A number in [0, 1].
    """
    wanted = set(question_tokens)
    if not wanted:
        return 0.0
    present = set(tokenize(text))
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in wanted if t in present) / total if total else 0.0


def score_sentences(question: str, passages, embedder, idf) -> list[Sentence]:
    """Split passages into sentences and score each against the question.

    Args:
        question: the standalone question.
        passages: :class:`rag.retrieve.Passage` objects, best first.
        embedder: encodes question and sentences.
        idf: callable token -> inverse document frequency.

    Returns:
        Sentences of all passages (duplicates from overlapping chunks removed), best first.
    """
    units = []
    seen = set()
    for rank, passage in enumerate(passages):
        base = int(passage.metadata.get("start", 0))
        for a, b in split_sentences(passage.text):
            key = (passage.metadata.get("doc_id"), base + a)
            if key in seen or len(passage.text[a:b]) < 12:
                continue
            seen.add(key)
            units.append((passage.text[a:b], passage, rank, base + a, base + b))
    if not units:
        return []
    vectors = embedder.encode([question] + [u[0] for u in units])
    similarities = vectors[1:] @ vectors[0]
    q_tokens = tokenize(question)
    sentences = []
    for (text, passage, rank, start, end), sim in zip(units, similarities):
        overlap = keyword_overlap(q_tokens, text, idf)
        score = SEMANTIC_WEIGHT * float(sim) + (1 - SEMANTIC_WEIGHT) * overlap
        sentences.append(Sentence(text, passage.chunk_id, rank, start, end, passage.metadata, passage.text, float(sim),
                                  overlap, score))
    sentences.sort(key=lambda s: -s.score)
    return sentences
