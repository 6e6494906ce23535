"""Evaluation metrics. Each is defined once here; ``rag eval`` and the tests use these.

Text is compared after :func:`normalize`, which works for English and Chinese alike: key facts
and key points are substrings of the answer, token F1 counts each Chinese character as a token.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter

from numpy import percentile  # noqa: F401  (kept only for rag/bench.py; callers here use numpy directly)

from rag.text import tokenize

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_F1_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")


def normalize(text: str) -> str:
    """Canonical text for substring matching.

    NFKC folds full-width forms (``７５％`` -> ``75%``), quotes are straightened, text is
    lower-cased, white space collapsed, and white space next to a Chinese character dropped
    (a line break inside a Chinese sentence means nothing).
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return _SPACE_BY_CJK.sub("", " ".join(text.lower().split()))


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

    Raises:
        ValueError: ``support`` is empty (the figures would be undefined).
    """
    if not support:
        raise ValueError("retrieval scores need at least one support quote")
    scores = {}
    for k in ks:
        top = passages[:k]
        scores[f"recall@{k}"] = sum(any(quote_in_passage(q, p) for p in top) for q in support) / len(support)
    rank = next((i for i, p in enumerate(passages, 1) if any(quote_in_passage(q, p) for q in support)), 0)
    scores["mrr"] = 1.0 / rank if rank else 0.0
    return scores


def _present(options, text: str) -> bool:
    """Is any alternative (a string, or a list of strings) a substring of normalised ``text``?
    Empty alternatives never match."""
    options = options if isinstance(options, list) else [options]
    return any(alt and alt in text for alt in (normalize(str(o)) for o in options))


def key_fact_recall(key_facts: list, answer: str) -> float:
    """Share of key facts present in the answer (a fact given as a list: any alternative counts;
    matching is case-insensitive substring on normalised text, so Chinese facts match inside
    Chinese sentences). 1.0 when there are no key facts."""
    if not key_facts:
        return 1.0
    text = normalize(answer)
    return sum(_present(f, text) for f in key_facts) / len(key_facts)


def is_correct(key_facts: list, answer: str) -> bool:
    """Correct = every key fact is present."""
    return key_fact_recall(key_facts, answer) == 1.0


def key_points_covered(key_points: list, answer: str) -> int:
    """How many key-point groups the answer covers.

    A group is a list of alternative substrings (a plain string is a group of one); it is
    covered when any alternative is present, matched as in :func:`key_fact_recall`.

    Args:
        key_points: the item's groups of alternatives.
        answer: the answer text ("" for a refusal, which covers nothing).

    Returns:
        The number of groups covered.
    """
    text = normalize(answer)
    return sum(_present(group, text) for group in key_points)


def key_point_coverage(key_points: list, answer: str) -> float:
    """Share of key-point groups the answer covers (see :func:`key_points_covered`); 0 when
    there are no groups."""
    return key_points_covered(key_points, answer) / len(key_points) if key_points else 0.0


def _f1_tokens(text: str) -> list[str]:
    """Tokens for F1: words of Latin text, single characters of Chinese text; punctuation
    (ASCII and Unicode) and English articles removed."""
    text = "".join(" " if c in string.punctuation or unicodedata.category(c).startswith("P") else c
                   for c in normalize(text))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return _F1_TOKEN.findall(text)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 (lower-cased, punctuation and articles removed; each Chinese
    character is a token, as in the CMRC/DuReader evaluation scripts)."""
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

