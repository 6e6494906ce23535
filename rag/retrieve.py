"""Hybrid retrieval: dense (Chroma) plus keyword (BM25), fused by reciprocal rank fusion.

The BM25 index is built once per index state (the store's state version changes on every
ingest) and shared by all queries in the process, so a query costs one embedding, one
Chroma query and one sparse BM25 lookup.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from rag.text import tokenize

RRF_K = 60  # the constant in 1 / (RRF_K + rank), as in Cormack et al. (2009)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores."""

    chunk_id: str
    text: str
    metadata: dict
    dense: float  # cosine similarity to the query (0 when only BM25 found it)
    keyword: float  # BM25 score (0 when only dense search found it)
    fused: float  # reciprocal rank fusion score


class KeywordIndex:
    """BM25 over every chunk in the store, with document frequencies for term weights."""

    def __init__(self, chunks: list[tuple[str, str, dict]]):
        import bm25s

        self.ids = [cid for cid, _, _ in chunks]
        self.texts = {cid: (text, meta) for cid, text, meta in chunks}
        corpus_tokens = [tokenize(embedding_view(text, meta)) for _, text, meta in chunks]
        self.document_frequency: dict[str, int] = {}
        for tokens in corpus_tokens:
            for token in set(tokens):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1
        self.size = len(chunks)
        self.retriever = None
        if chunks:
            vocab = {t: i for i, t in enumerate(self.document_frequency)}
            ids = [[vocab[t] for t in tokens] for tokens in corpus_tokens]
            self.vocab = vocab
            self.retriever = bm25s.BM25()
            self.retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def idf(self, token: str) -> float:
        """Inverse document frequency (BM25's, floored at a small positive value)."""
        df = self.document_frequency.get(token, 0)
        return max(0.05, math.log(1 + (self.size - df + 0.5) / (df + 0.5)))

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Top ``n`` chunk ids by BM25 with their scores (only positive scores)."""
        if self.retriever is None:
            return []
        query_ids = [self.vocab[t] for t in tokenize(query) if t in self.vocab]
        if not query_ids:
            return []
        scores = self.retriever.get_scores(query_ids)
        n = min(n, len(scores))
        import numpy as np

        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def embedding_view(text: str, meta: dict) -> str:
    """The text a chunk is indexed under: title and section give context."""
    from rag.ingest import embedding_text

    return embedding_text(meta.get("title", ""), meta.get("section", ""), text)


_KEYWORD_CACHE: dict = {}
_KEYWORD_LOCK = threading.Lock()


def keyword_index(store) -> KeywordIndex:
    """The BM25 index for the store's current state (built on first use, then reused).

    Args:
        store: an open :class:`rag.store.ChromaStore`.

    Returns:
        The :class:`KeywordIndex` matching the store's current state version.
    """
    key = (store.settings.store_label, store.state()["version"])
    cached = _KEYWORD_CACHE.get(key)
    if cached is not None:
        return cached
    with _KEYWORD_LOCK:
        if key not in _KEYWORD_CACHE:
            index = KeywordIndex(list(store.all_chunks()))
            _KEYWORD_CACHE.clear()
            _KEYWORD_CACHE[key] = index
        return _KEYWORD_CACHE[key]


class HybridRetriever:
    """Dense + BM25 retrieval fused with reciprocal rank fusion.

    Args:
        store: an open :class:`rag.store.ChromaStore`.
        embedder: the :class:`rag.embeddings.Embedder` the index was built with.
        candidates: chunks taken from each retriever before fusion.
        hybrid: False gives dense-only retrieval (for comparison).
    """

    def __init__(self, store, embedder, candidates: int = 20, hybrid: bool = True):
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.hybrid = hybrid

    def run(self, query: str, k: int) -> list[Passage]:
        """Retrieve passages.

        Args:
            query: the (standalone) question.
            k: how many passages to return.

        Returns:
            Up to ``k`` :class:`Passage` objects, best first.
        """
        vector = self.embedder.encode_cached([query])[0]
        n = max(k, self.candidates)
        dense = self.store.query(vector, n)
        found = {cid: (text, meta) for cid, _, text, meta in dense}
        dense_score = {cid: score for cid, score, _, _ in dense}
        fused: dict[str, float] = {}
        for rank, (cid, _, _, _) in enumerate(dense):
            fused[cid] = 1.0 / (RRF_K + rank + 1)
        keyword_score: dict[str, float] = {}
        if self.hybrid:
            index = keyword_index(self.store)
            for rank, (cid, score) in enumerate(index.search(query, n)):
                keyword_score[cid] = score
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
                if cid not in found and cid in index.texts:
                    found[cid] = index.texts[cid]
        order = sorted(fused, key=lambda c: -fused[c])[:k]
        return [Passage(cid, found[cid][0], found[cid][1], dense_score.get(cid, 0.0), keyword_score.get(cid, 0.0),
                        fused[cid]) for cid in order if cid in found]
