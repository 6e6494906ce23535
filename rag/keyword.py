"""The keyword side of retrieval: BM25 (``bm25s``) over every chunk, with document frequencies
for the term weights that sentence scoring and the gate use.

One index per index state (the store's state version changes on every ingest) is kept per
process and shared by all questions.
"""

from __future__ import annotations

import math
import threading

from rag.chunking import embedding_text
from rag.text import tokenize


class KeywordIndex:
    """BM25 over chunks, with document frequencies for term weights.

    Args:
        chunks: ``(chunk_id, text, metadata)`` for every chunk.
    """

    def __init__(self, chunks: list[tuple[str, str, dict]]):
        import bm25s

        self.ids = [cid for cid, _, _ in chunks]
        self.texts = {cid: (text, meta) for cid, text, meta in chunks}
        corpus_tokens = [tokenize(embedding_text(meta.get("title", ""), meta.get("section", ""), text))
                         for _, text, meta in chunks]
        self.document_frequency: dict[str, int] = {}
        for tokens in corpus_tokens:
            for token in set(tokens):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1
        self.size = len(chunks)
        self.retriever = None
        self.vocab: dict[str, int] = {}
        if chunks:
            self.vocab = {t: i for i, t in enumerate(self.document_frequency)}
            ids = [[self.vocab[t] for t in tokens] for tokens in corpus_tokens]
            self.retriever = bm25s.BM25()
            self.retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self.vocab), show_progress=False)

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
        import numpy as np

        scores = self.retriever.get_scores(query_ids)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


_CACHE: dict = {}
_LOCK = threading.Lock()


def keyword_index(store, version: str) -> KeywordIndex:
    """The BM25 index for one state of the store (built on first use, then reused).

    Args:
        store: an open :class:`rag.store.ChromaStore`.
        version: the store's state version, read once by the caller for this question.

    Returns:
        The :class:`KeywordIndex` for that version.
    """
    key = (store.settings.store_label, version)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    with _LOCK:
        if key not in _CACHE:
            index = KeywordIndex(list(store.all_chunks()))
            _CACHE.clear()
            _CACHE[key] = index
        return _CACHE[key]
