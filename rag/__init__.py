"""A local-first question-answering assistant over a document collection, with citations.

Public API::

    import rag
    answer = rag.answer("Why did DeepSeek appear in Hangzhou?")
    print(answer.text, answer.citations)
    for event in rag.answer_stream("How long did Optics Valley stick to fibre?"): ...
    retriever = rag.as_retriever(k=5)      # a LangChain BaseRetriever over the same index
    chain = rag.as_runnable()              # the answer path as a LangChain Runnable

Heavy libraries are imported only when a function needs them.
"""

from __future__ import annotations

_DEFAULT = None


def _assistant():
    global _DEFAULT
    if _DEFAULT is None:
        from rag.pipeline import Assistant
        from rag.runtime import offline_environment
        from rag.settings import Settings

        offline_environment()
        _DEFAULT = Assistant(Settings.from_env())
    return _DEFAULT


def answer(question: str, history=None, mode: str | None = None, k: int | None = None):
    """Answer a question from the indexed documents.

    Args:
        question: the question.
        history: earlier turns (Gradio "messages" dicts or (user, assistant) pairs).
        mode: "auto", "extractive", "local" or "openai" (default: ``RAG_MODE``).
        k: passages to retrieve (default: ``RAG_K``).

    Returns:
        A :class:`rag.types.Answer`.
    """
    return _assistant().answer(question, history, mode, k)


def answer_stream(question: str, history=None, mode: str | None = None, k: int | None = None):
    """Like :func:`answer`, yielding events: sources, then text pieces, then the final answer.

    Returns:
        An iterator of :mod:`rag.types` events: ``SourcesEvent``, ``TextEvent`` ...,
        (``SourcesReplacedEvent``, ``TextEvent`` ...), ``FinalEvent``.
    """
    return _assistant().stream(question, history, mode, k)


def as_retriever(settings=None, k: int | None = None, **kwargs):
    """A LangChain retriever over the index: hybrid retrieval, reranked by best sentence.

    Args:
        settings: a :class:`rag.settings.Settings` (default: the one :func:`answer` uses).
        k: documents to return (default: ``RAG_K``); ``invoke(query, k=n)`` overrides it.
        **kwargs: other ``BaseRetriever`` fields (``tags``, ``metadata``).

    Returns:
        A :class:`rag.integrations.RagRetriever` (a ``langchain_core`` ``BaseRetriever``).
    """
    from rag.integrations import as_retriever

    return as_retriever(settings, k, **kwargs)


def as_runnable(settings=None, mode: str | None = None, k: int | None = None):
    """The answer path as a LangChain ``Runnable``: a question (or ``{"question", "history",
    "mode", "k"}``) in, the ``rag ask --json`` dict out.

    Args:
        settings: a :class:`rag.settings.Settings` (default: the one :func:`answer` uses).
        mode: default mode; k: default passages (both overridable per call in the input dict).

    Returns:
        A ``RunnableLambda`` (see :func:`rag.integrations.as_runnable`).
    """
    from rag.integrations import as_runnable

    return as_runnable(settings, mode, k)
