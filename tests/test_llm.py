"""The language-model modes against real parts: llama.cpp in-process and a real
OpenAI-compatible server (`python -m llama_cpp.server`) serving the bundled GGUF."""

import pytest

from helpers import clean_environment, free_port, llama_server, run_rag
from rag.errors import ModelChecksumError
from rag.embeddings import cpu_cores
from rag.llm import BUNDLED_GGUF_SIZE, LlamaCppModel, bundled_gguf, check_gguf, llama_cpp_installed
from rag.pipeline import Assistant
from rag.types import FinalEvent, SourcesEvent, SourcesReplacedEvent, TextEvent

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not llama_cpp_installed(), reason="llama-cpp-python is installed by `make setup-test`")]

OPTICS = "How long did Wuhan's Optics Valley stick to optical fiber communication?"


@pytest.fixture(scope="module")
def gguf(corpus_index):
    return bundled_gguf(corpus_index.cache_dir)


@pytest.fixture(scope="module")
def server_url(gguf):
    """A real `python -m llama_cpp.server` serving the bundled GGUF; its /v1 URL."""
    with llama_server(gguf, alias="local") as url:
        yield url


def check_answer(answer, settings):
    assert answer.text and not answer.refused
    for citation in answer.citations:
        text = (settings.corpus_dir / citation.doc_id).read_text(encoding="utf-8")
        assert text[citation.start:citation.end] == citation.quote
    shown = [s for s in answer.sentences if s.verified]
    assert shown, "an answer shows only verified sentences"
    for sentence in shown:
        assert sentence.citations and set(sentence.citations) <= {c.n for c in answer.citations}


def test_openai_mode_streams_from_a_real_server_and_verifies(corpus_index, embedder, server_url):
    settings = corpus_index.replace(llm_base_url=server_url, llm_model="local", llm_timeout=120.0)
    assistant = Assistant(settings, embedder=embedder)
    events = list(assistant.stream(OPTICS, mode="openai"))
    assert isinstance(events[0], SourcesEvent) and events[0].evidence
    assert sum(1 for e in events if isinstance(e, TextEvent)) >= 3, "text arrives in several streamed pieces"
    assert not any(isinstance(e, SourcesReplacedEvent) for e in events)
    assert isinstance(events[-1], FinalEvent)
    answer = events[-1].answer
    check_answer(answer, settings)
    assert answer.mode == "openai", answer.notices
    assert "twenty" in answer.text or "20" in answer.text


def test_auto_mode_uses_the_server_when_configured(corpus_index, embedder, server_url):
    settings = corpus_index.replace(llm_base_url=server_url, llm_timeout=120.0)
    events = list(Assistant(settings, embedder=embedder).stream("What did Hefei do to become an innovation hub?"))
    answer = events[-1].answer
    check_answer(answer, settings)
    # The server answered: no failure replaced the streamed text, no notice says the model was not reached.
    assert not any(isinstance(e, SourcesReplacedEvent) for e in events), answer.notices
    assert not any("showing the extractive answer" in n for n in answer.notices), answer.notices
    assert any(isinstance(e, TextEvent) for e in events[1:-1])
    # Its answer is shown, or (a 0.5B model) verification rejected it and quoted sentences are shown instead.
    assert answer.mode == "openai" or any("showing quoted sentences" in n for n in answer.notices), answer.notices


def test_unreachable_server_falls_back_to_extractive_with_a_notice(corpus_index, embedder):
    settings = corpus_index.replace(llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5.0)
    answer = Assistant(settings, embedder=embedder).answer(OPTICS, mode="openai")
    assert answer.mode == "extractive" and "twenty years" in answer.text
    assert any("not reachable" in n for n in answer.notices)


def test_local_mode_in_process(corpus_index, embedder):
    answer = Assistant(corpus_index, embedder=embedder).answer(OPTICS, mode="local")
    check_answer(answer, corpus_index)
    assert "twenty" in answer.text or "20" in answer.text


def test_local_model_generates_on_every_core_unless_told(corpus_index):
    """llama.cpp's default generates on half the cores (1 of 2 here: 10 tokens/s instead of 17.5)."""
    for threads, expected in ((0, cpu_cores()), (1, 1)):
        model = LlamaCppModel(corpus_index.replace(llm_threads=threads))
        params = model.load().context_params
        assert (params.n_threads, params.n_threads_batch) == (expected, expected)
        model.load().close()


def test_bundled_model_is_checked_against_its_sha256(gguf, tmp_path):
    assert gguf.stat().st_size == BUNDLED_GGUF_SIZE
    cache = tmp_path / "cache"
    cache.mkdir()
    tampered = cache / gguf.name
    with open(gguf, "rb") as src, open(tampered, "wb") as dst:
        while block := src.read(1 << 22):
            dst.write(block)
    with open(tampered, "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelChecksumError, match="sha256"):
        bundled_gguf(cache)


def test_bad_gguf_gives_one_line_error_and_extractive_answer(corpus_index, tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelChecksumError):
        check_gguf(fake)
    env = clean_environment(RAG_DATA_DIR=corpus_index.data_dir, RAG_CORPUS_DIR=corpus_index.corpus_dir,
                            RAG_LLM_GGUF=fake)
    result = run_rag("ask", OPTICS, "--mode", "local", env=env)
    assert result.returncode == 3
    assert "not a GGUF file" in result.stderr and "Traceback" not in result.stderr
    assert "twenty years" in result.stdout
