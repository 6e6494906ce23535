"""Evaluation metrics. Each is defined once here; ``rag eval`` and the tests use these."""

from __future__ import annotations

import re
import string
from collections import Counter

from rag.text import tokenize


def normalize(text: str) -> str:
    """Lower-case, straighten quotes and collapse white space (for substring matching)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.lower().split())


def quote_in_passage(quote: str, passage: str) -> bool:
    """A support quote is found in a passage when the passage contains it (normalised),
    or, for a quote longer than one chunk boundary allows, its first 80 characters."""
    q, p = normalize(quote), normalize(passage)
    return q in p or (len(q) > 120 and q[:80] in p)


def retrieval_scores(support: list[str], passages: list[str], ks=(1, 3, 5, 10)) -> dict:
    """Recall@k and reciprocal rank of support quotes among ranked passages.

    recall@k = share of the item's support quotes found in the top k passages;
    reciprocal rank = 1 / rank of the first passage holding any support quote (0 if none).

    Args:
        support: the item's support quotes.
        passages: retrieved passage texts, best first.
        ks: the cut-offs.

    Returns:
        ``{"recall@1": .., ..., "mrr": ..}``.
    """
    scores = {}
    for k in ks:
        top = passages[:k]
        scores[f"recall@{k}"] = sum(any(quote_in_passage(q, p) for p in top) for q in support) / len(support)
    rank = next((i for i, p in enumerate(passages, 1) if any(quote_in_passage(q, p) for q in support)), 0)
    scores["mrr"] = 1.0 / rank if rank else 0.0
    return scores


def _fact_present(fact, answer: str) -> bool:
    options = fact if isinstance(fact, list) else [fact]
    text = normalize(answer)
    return any(normalize(str(o)) in text for o in options)


def key_fact_recall(key_facts: list, answer: str) -> float:
    """Share of key facts present in the answer (a fact given as a list: any alternative counts;
    matching is case-insensitive substring on normalised text)."""
    if not key_facts:
        return 1.0
    return sum(_fact_present(f, answer) for f in key_facts) / len(key_facts)


def is_correct(key_facts: list, answer: str) -> bool:
    """Correct = every key fact is present."""
    return key_fact_recall(key_facts, answer) == 1.0


def _f1_tokens(text: str) -> list[str]:
    text = normalize(text)
    text = "".join(" " if c in string.punctuation else c for c in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 (lower-cased, punctuation and articles removed)."""
    pred, ref = _f1_tokens(re.sub(r"\[\d+\]", "", prediction)), _f1_tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def supports(sentence: str, passage: str) -> bool:
    """Does a cited passage support an answer sentence? (ALCE-style, without an NLI model)

    Supported when at least 70% of the sentence's content words (tokens, stopwords
    removed) occur in the passage and every number in the sentence occurs there too.
    """
    words = set(tokenize(sentence))
    numbers = set(re.findall(r"\d+", sentence))
    if numbers - set(re.findall(r"\d+", passage)):
        return False
    if not words:
        return False
    return len(words & set(tokenize(passage))) / len(words) >= 0.7


def citation_scores(sentences: list[dict], citations: dict[int, str]) -> tuple[int, int, int, int]:
    """Counts for citation precision and recall over one answer.

    precision = supporting citations / citations; recall = sentences with at least one
    supporting citation / sentences. Only sentences shown to the user count.

    Args:
        sentences: ``{"text", "citations", "verified"}`` dicts of the answer.
        citations: citation number -> quote/passage text it points at.

    Returns:
        ``(supporting_citations, citations, supported_sentences, sentences)``.
    """
    good = total = supported = shown = 0
    for s in sentences:
        if not s.get("verified", True):
            continue
        shown += 1
        ok = [supports(s["text"], citations[n]) for n in s["citations"] if n in citations]
        good += sum(ok)
        total += len(s["citations"])
        supported += any(ok)
    return good, total, supported, shown


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
