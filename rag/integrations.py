"""LangChain adapters: the assistant's retrieval as a ``BaseRetriever``, its answer path as a ``Runnable``.

Both run over the same index, with the same components, as :func:`rag.answer`::

    import rag
    docs = rag.as_retriever(k=3).invoke("Why did DeepSeek appear in Hangzhou?")
    reply = rag.as_runnable().invoke({"question": "Why did DeepSeek appear in Hangzhou?"})

:class:`RagRetriever` returns what :meth:`rag.pipeline.Assistant.select` keeps: dense and BM25
results fused, reranked by each passage's best sentence. The answer runnable returns the
``rag ask --json`` object.

This module is imported only by :func:`rag.as_retriever` and :func:`rag.as_runnable`, so
``import rag`` stays free of LangChain.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from rag.errors import RagError

MAX_K = 100  # as `rag search -k`


class RagRetriever(BaseRetriever):
    """Hybrid retrieval (dense + BM25), reranked by best sentence, as a LangChain retriever.

    Each :class:`~langchain_core.documents.Document` holds a whole passage (chunk) and, in its
    metadata, where it comes from and why it ranked:

    - ``doc_id``, ``title``, ``section``, ``page``, ``source`` (the file), ``chunk_id``;
    - ``start``, ``end``: the passage's character offsets in the document text;
    - ``score``: the rerank score (its best sentence's score); ``dense`` (cosine similarity),
      ``bm25`` and ``fused`` (reciprocal rank fusion) from retrieval;
    - ``best_sentence`` with ``best_sentence_start`` and ``best_sentence_end`` (document offsets).

    Args:
        assistant: the :class:`rag.pipeline.Assistant` whose index and components are used.
        k: passages to return (default: the assistant's ``settings.k``); ``invoke(query, k=n)``
            overrides it for one call.
    """

    assistant: Any
    k: int | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None) -> list[Document]:
        """Retrieve and rerank passages for ``query``.

        Args:
            query: the question or search text.
            run_manager: LangChain's callback manager (unused).
            k: passages to return for this call (default: the retriever's ``k``).

        Returns:
            Up to ``k`` documents, best first.

        Raises:
            RagError: empty query, bad ``k``, no index, store unreachable.
        """
        if not isinstance(query, str) or not query.strip():
            raise RagError("the query is empty")
        k = checked_k(k if k is not None else self.k if self.k is not None else self.assistant.settings.k)
        selection = self.assistant.select(query.strip(), k)
        best = {}
        for sentence in selection.sentences:  # best first, so the first one per passage is its best
            best.setdefault(sentence.chunk_id, sentence)
        return [_document(passage, best.get(passage.chunk_id)) for passage in selection.passages[:k]]


def checked_k(k) -> int:
    """``k`` if it is a whole number of passages in 1..100.

    Raises:
        RagError: anything else.
    """
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise RagError(f"k (number of passages) must be a whole number between 1 and {MAX_K}")
    return k


def _document(passage, sentence) -> Document:
    meta = passage.metadata
    metadata = {key: meta.get(key) for key in ("doc_id", "title", "section", "page", "start", "end", "source")}
    metadata.update(chunk_id=passage.chunk_id, score=sentence.score if sentence else 0.0, dense=passage.dense,
                    bm25=passage.keyword, fused=passage.fused)
    if sentence is not None:
        metadata.update(best_sentence=sentence.text, best_sentence_start=sentence.start,
                        best_sentence_end=sentence.end)
    return Document(page_content=passage.text, metadata=metadata, id=passage.chunk_id)


def as_retriever(settings=None, k: int | None = None, **kwargs) -> RagRetriever:
    """A :class:`RagRetriever` over the index named by ``settings``.

    Args:
        settings: a :class:`rag.settings.Settings`; None uses the assistant behind
            :func:`rag.answer` (settings from ``RAG_*``), sharing its loaded model and index.
        k: passages to return (default: ``settings.k``).
        **kwargs: other ``BaseRetriever`` fields (``tags``, ``metadata``).

    Returns:
        The retriever.

    Raises:
        RagError: bad ``k``.
    """
    if k is not None:
        checked_k(k)
    return RagRetriever(assistant=_assistant(settings), k=k, **kwargs)


def as_runnable(settings=None, mode: str | None = None, k: int | None = None) -> Runnable:
    """The answer path as a LangChain ``Runnable``.

    Input: a question string, or a dict with ``question`` and optionally ``history`` (earlier
    turns), ``mode`` and ``k``; other keys are ignored, so the dict can come from an LCEL map.
    Output: the ``rag ask --json`` dict (:meth:`rag.types.Answer.to_dict`): ``answer``,
    ``refused``, ``citations`` (each with ``quote`` and document offsets), ``sentences`` ...

    ``stream()`` yields that dict once, when the answer is verified: text streamed before
    verification may still be dropped or renumbered, and a LangChain stream's chunks must add
    up to the output. For live text use :func:`rag.answer_stream`.

    Args:
        settings: a :class:`rag.settings.Settings`; None uses the assistant behind :func:`rag.answer`.
        mode: default mode ("auto", "extractive", "local", "openai"; default: ``settings.mode``).
        k: default passages to retrieve (default: ``settings.k``).

    Returns:
        A ``RunnableLambda`` named ``rag_answer``.
    """
    assistant = _assistant(settings)

    def rag_answer(request: str | dict) -> dict:
        if isinstance(request, str):
            request = {"question": request}
        if not isinstance(request, dict) or "question" not in request:
            raise RagError("the answer runnable takes a question, or a dict with a 'question' key")
        return assistant.answer(request["question"], request.get("history"), request.get("mode", mode),
                                request.get("k", k)).to_dict()

    return RunnableLambda(rag_answer, name="rag_answer")


def _assistant(settings):
    """The shared default assistant for None, else a new one over ``settings`` (set up as
    :func:`rag.answer` sets up its own)."""
    if settings is None:
        import rag

        return rag._assistant()
    from rag.pipeline import Assistant
    from rag.runtime import offline_environment

    offline_environment()
    return Assistant(settings)
