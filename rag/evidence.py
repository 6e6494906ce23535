"""EvidenceSelector: retrieved passages become scored sentences, and passages are reranked
by their best sentence.

Each passage is split into sentences (offsets into the document, so a citation points at the
exact span). A sentence's score blends its embedding similarity to the question with how much
of the question's keyword weight it holds; sentences that ask a question or address the
assistant are pushed down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.config import AnswerConfig
from rag.question import Question, holds_answer_type
from rag.text import split_sentences, tokenize
from rag.types import Passage, Sentence

_ADDRESSES_ASSISTANT = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b|"
    r"\bsystem prompt\b|\byou are (?:an?|the) (?:ai|assistant|language model|chatbot)\b|"
    r"\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|model|chatbot|llm)\b|"
    r"\b(?:always|only) (?:answer|reply|respond)\b|\banswer (?:with|only)\b|忽略.{0,10}(?:指令|提示)", re.I)
MIN_SENTENCE_CHARS = 12  # shorter pieces (list bullets, stray headings) are not evidence
MIN_CJK_SENTENCE_CHARS = 6


@dataclass(frozen=True)
class Selection:
    """The evidence an answer may draw on.

    Attributes:
        question: the analysed standalone question.
        passages: the kept passages, reranked (best first).
        sentences: their sentences, scored, best first.
        idf: term weights of the index state the passages came from.
    """

    question: Question
    passages: tuple[Passage, ...]
    sentences: tuple[Sentence, ...]
    idf: object


def keyword_overlap(question_tokens, text: str, idf) -> float:
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


def addresses_assistant(text: str) -> bool:
    """Text in documents is data: a sentence giving the assistant orders is never evidence."""
    return bool(_ADDRESSES_ASSISTANT.search(text))


class EvidenceSelector:
    """Scores the sentences of retrieved passages and keeps the best passages.

    Args:
        embedder: encodes the question and sentences (vectors are cached).
        config: tuning constants.
    """

    def __init__(self, embedder, config: AnswerConfig | None = None):
        self.embedder = embedder
        self.config = config or AnswerConfig()

    def run(self, question: Question, passages, k: int, idf) -> Selection:
        """Score every sentence, rerank passages by their best sentence, keep ``k`` of them.

        Args:
            question: the analysed standalone question.
            passages: candidate :class:`Passage` objects, in fused order.
            k: passages to keep.
            idf: term weights (token -> float).

        Returns:
            A :class:`Selection`.
        """
        sentences = self.score(question, passages, idf)
        best: dict[str, float] = {}
        for sentence in sentences:
            best.setdefault(sentence.chunk_id, sentence.score)
        # A passage is as good as its best sentence; ties keep the fusion order.
        order = sorted(range(len(passages)), key=lambda i: (-best.get(passages[i].chunk_id, -1.0), i))
        kept = tuple(passages[i] for i in order[:k])
        ids = {p.chunk_id for p in kept}
        return Selection(question, kept, tuple(s for s in sentences if s.chunk_id in ids), idf)

    def score(self, question: Question, passages, idf) -> list[Sentence]:
        """Split passages into sentences and score each against the question.

        Returns:
            Sentences of all passages (duplicates from overlapping chunks removed), best first.
        """
        units = []
        seen = set()
        for rank, passage in enumerate(passages):
            base = int(passage.metadata.get("start", 0))
            for a, b in split_sentences(passage.text):
                piece = passage.text[a:b]
                key = (passage.metadata.get("doc_id"), base + a)
                short = MIN_CJK_SENTENCE_CHARS if re.search(r"[\u3400-\u9fff]", piece) else MIN_SENTENCE_CHARS
                if key in seen or len(piece) < short:
                    continue
                seen.add(key)
                units.append((piece, passage, rank, base + a, base + b))
        if not units:
            return []
        c = self.config
        query_vector = self.embedder.encode_cached([question.text])[0]  # the retriever encoded it already
        similarities = self.embedder.encode_cached([u[0] for u in units]) @ query_vector
        q_tokens = tokenize(question.text)
        sentences = []
        for (text, passage, rank, start, end), sim in zip(units, similarities):
            overlap = keyword_overlap(q_tokens, text, idf)
            score = c.semantic_weight * float(sim) + (1 - c.semantic_weight) * overlap
            if "?" in text or "\uff1f" in text:  # a sentence that asks rarely answers
                score -= c.question_penalty
            if addresses_assistant(text):
                score -= c.instruction_penalty
            if question.wants and holds_answer_type(question, text):
                score += c.type_bonus
            sentences.append(Sentence(text, passage.chunk_id, rank, start, end, passage.metadata, passage.text,
                                      float(sim), overlap, score))
        sentences.sort(key=lambda s: -s.score)
        return sentences
