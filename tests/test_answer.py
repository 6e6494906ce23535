"""The answering pipeline in extractive mode over the real corpus index."""

import json

import pytest

from rag.condense import condense_rule
from rag.errors import RagError
from rag.pipeline import Assistant
from rag.types import REFUSAL_PREFIX


@pytest.fixture(scope="module")
def assistant(corpus_index, embedder):
    return Assistant(corpus_index, embedder=embedder)


def check_citations_point_at_the_documents(answer, settings):
    for citation in answer.citations:
        text = (settings.corpus_dir / citation.doc_id).read_text(encoding="utf-8")
        assert text[citation.start:citation.end] == citation.quote
        assert citation.quote in citation.passage


def test_optics_valley_answer_cites_the_passage(assistant, corpus_index):
    answer = assistant.answer("How long did Wuhan's Optics Valley stick to optical fiber communication?",
                              mode="extractive")
    assert not answer.refused
    assert "twenty years" in answer.text and "[1]" in answer.text
    assert "optical fiber communication for twenty years" in answer.citations[0].quote
    assert all(s.verified for s in answer.sentences)
    check_citations_point_at_the_documents(answer, corpus_index)


def test_json_shape_is_exact(assistant):
    data = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    assert list(data) == ["question", "answer", "refused", "mode", "citations", "sentences", "timings_ms"]
    assert set(data["timings_ms"]) == {"retrieve", "generate", "verify", "total"}
    assert data["citations"] and set(data["citations"][0]) == {"n", "doc_id", "title", "section", "source",
                                                               "chunk_id", "start", "end", "quote"}
    assert set(data["sentences"][0]) == {"text", "citations", "verified"}
    json.dumps(data)
    assert "Hefei" in data["answer"]


@pytest.mark.parametrize("question", ["What is the population of Nanjing?", "Who is the mayor of Hangzhou?",
                                      "What is the boiling point of mercury?"])
def test_unanswerable_questions_are_refused_with_closest_passages(assistant, question):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused and answer.text.startswith(REFUSAL_PREFIX)
    assert not answer.citations and not answer.sentences


def test_streaming_sends_sources_first_then_text_then_final(assistant):
    events = list(assistant.stream("Why did DeepSeek appear in Hangzhou?", mode="extractive"))
    kinds = [e["type"] for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "final" and "text" in kinds
    final = events[-1]["answer"]
    cited = {e.chunk_id for e in final.citations}
    assert cited <= {e.chunk_id for e in events[0]["evidence"]}


def test_follow_up_is_condensed_and_answered(assistant):
    history = [{"role": "user", "content": "Why did DeepSeek appear in Hangzhou?"},
               {"role": "assistant", "content": "..."}]
    answer = assistant.answer("And what about Hefei?", history, mode="extractive")
    assert "Hefei" in answer.standalone_question
    assert not answer.refused and "Hefei" in answer.text


def test_condense_rule():
    history = [("Why did DeepSeek appear in Hangzhou?", "...")]
    assert condense_rule("What about Shenzhen?", history) == "Why did DeepSeek appear in Shenzhen?"
    assert "DeepSeek" in condense_rule("How long did it take?", history)
    assert condense_rule("What did Hefei do?", []) == "What did Hefei do?"


def test_bad_questions_raise_one_line_errors(assistant):
    for question in ["", "   ", None]:
        with pytest.raises(RagError):
            assistant.answer(question, mode="extractive")
    with pytest.raises(RagError, match="unknown mode"):
        assistant.answer("Why Hangzhou?", mode="poetry")


def test_very_long_question_is_truncated_with_a_notice(assistant):
    question = "Why did DeepSeek appear in Hangzhou? " + "padding " * 3000
    answer = assistant.answer(question, mode="extractive")
    assert any("cut" in n for n in answer.notices)


def test_answers_are_deterministic(assistant):
    first = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    second = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    first.pop("timings_ms"), second.pop("timings_ms")
    assert first == second


def test_chinese_question_gets_an_answer_or_a_clean_refusal(assistant):
    answer = assistant.answer("\u4e3a\u4ec0\u4e48DeepSeek\u51fa\u73b0\u5728\u676d\u5dde\uff1f", mode="extractive")
    assert answer.text
