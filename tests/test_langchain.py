"""The LangChain face of the assistant: a retriever that passes LangChain's standard retriever
tests, and the answer path as a Runnable, both used inside LCEL chains over the real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_tests.integration_tests import RetrieversIntegrationTests

import rag
from rag.errors import RagError
from rag.integrations import RagRetriever

OPTICS = "How long did Wuhan's Optics Valley stick to optical fiber communication?"


@pytest.fixture(scope="module")
def assistant(corpus_index, embedder):
    """An assistant over the session's index of the whole corpus."""
    from rag.pipeline import Assistant

    return Assistant(corpus_index, embedder=embedder)


class TestRagRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's own suite: returns Documents (sync and async), honours ``k`` in the
    constructor and in ``invoke``."""

    @pytest.fixture(autouse=True)
    def _use_index(self, assistant):
        self.assistant = assistant

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return RagRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"assistant": self.assistant, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return OPTICS


def test_retriever_returns_the_assistants_reranked_passages_with_offsets(corpus_index, assistant):
    retriever = rag.as_retriever(corpus_index, k=3)
    docs = retriever.invoke(OPTICS)

    assert [d.id for d in docs] == [p.chunk_id for p in assistant.select(OPTICS, 3).passages]
    top = docs[0]
    assert "Optics Valley" in top.page_content and "twenty years" in top.metadata["best_sentence"]
    meta = top.metadata
    assert {"doc_id", "title", "section", "page", "start", "end", "source", "chunk_id", "score", "dense", "bm25",
            "fused"} <= set(meta)
    assert meta["chunk_id"] == top.id
    assert [d.metadata["score"] for d in docs] == sorted((d.metadata["score"] for d in docs), reverse=True)
    # Offsets point into the ingested file: the passage and its best sentence are exact spans.
    text = Path(meta["source"]).read_text(encoding="utf-8")
    assert text[meta["start"]:meta["end"]] == top.page_content
    assert text[meta["best_sentence_start"]:meta["best_sentence_end"]] == meta["best_sentence"]


def test_retriever_in_an_lcel_chain(corpus_index):
    def format_docs(docs: list[Document]) -> str:
        return "\n".join(f"[{i}] {d.metadata['title']}: {' '.join(d.page_content.split())}"
                         for i, d in enumerate(docs, 1))

    def first_source_model(prompt) -> str:
        """Stands in for a chat model: replies with the first source line of its prompt."""
        system = prompt.to_messages()[0].content
        return next(line for line in system.splitlines() if line.startswith("[1] "))

    prompt = ChatPromptTemplate.from_messages([("system", "Answer from these sources only:\n{context}"),
                                               ("human", "{question}")])
    chain = ({"context": rag.as_retriever(corpus_index, k=2) | format_docs, "question": RunnablePassthrough()}
             | prompt | RunnableLambda(first_source_model))

    reply = chain.invoke(OPTICS)

    assert reply.startswith("[1] ") and "Optics Valley" in reply and "twenty years" in reply


def test_runnable_answers_with_citations_in_a_chain(corpus_index):
    def with_sources(answer: dict) -> str:
        lines = [answer["answer"]] + [f"[{c['n']}] {c['title']}: {c['quote']}" for c in answer["citations"]]
        return "\n".join(lines)

    answer_only = RunnablePassthrough.assign(mode=lambda _: "extractive") | rag.as_runnable(corpus_index)
    chain = answer_only | RunnableLambda(with_sources)

    answer = answer_only.invoke({"question": OPTICS, "unrelated": "ignored"})
    assert not answer["refused"] and answer["mode"] == "extractive"
    assert "twenty years" in answer["answer"] and "[1]" in answer["answer"]
    cited = answer["citations"][0]
    text = Path(cited["source"]).read_text(encoding="utf-8")
    assert "twenty years" in cited["quote"] and text[cited["start"]:cited["end"]] == cited["quote"]
    assert "[1] " in chain.invoke({"question": OPTICS}).splitlines()[1]


def test_runnable_takes_a_string_batches_refuses_and_streams_the_verified_answer(corpus_index):
    runnable = rag.as_runnable(corpus_index, mode="extractive", k=3)

    answered, refused = runnable.batch([OPTICS, "Who is the mayor of Hangzhou?"])
    assert "twenty years" in answered["answer"] and not answered["refused"]
    assert refused["refused"] and refused["citations"] == [] and refused["kind"] == "refusal"

    chunks = list(runnable.stream(OPTICS))
    assert len(chunks) == 1 and chunks[0]["answer"] == answered["answer"]


def test_bad_input_gets_a_one_line_error(corpus_index):
    retriever = rag.as_retriever(corpus_index)
    runnable = rag.as_runnable(corpus_index, mode="extractive")
    cases = [(lambda: retriever.invoke("   "), "the query is empty"),
             (lambda: retriever.invoke(OPTICS, k=0), "k (number of passages) must be"),
             (lambda: rag.as_retriever(corpus_index, k=101), "k (number of passages) must be"),
             (lambda: runnable.invoke({"query": OPTICS}), "a dict with a 'question' key"),
             (lambda: runnable.invoke({"question": OPTICS, "k": 0}), "k (number of passages) must be"),
             (lambda: runnable.invoke({"question": OPTICS, "mode": "psychic"}), "unknown mode 'psychic'"),
             (lambda: runnable.invoke(""), "the question is empty")]
    for call, message in cases:
        with pytest.raises(RagError) as caught:
            call()
        assert message in str(caught.value) and "\n" not in str(caught.value)
