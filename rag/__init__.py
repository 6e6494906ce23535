"""A local-first question-answering assistant over a document collection, with citations.

Public API::

    import rag
    answer = rag.answer("Why did DeepSeek appear in Hangzhou?")
    print(answer.text, answer.citations)

Heavy libraries are imported only when a function needs them.
"""

from __future__ import annotations

_DEFAULT = None


def _assistant():
    global _DEFAULT
    if _DEFAULT is None:
        from rag.cli import _quiet_libraries
        from rag.pipeline import Assistant
        from rag.settings import Settings

        _quiet_libraries()
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
        An iterator of dicts with ``type`` "sources", "text" or "final".
    """
    return _assistant().stream(question, history, mode, k)
