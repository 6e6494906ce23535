"""`rag bench` pieces (cheap) and scale-out with only configuration changes (slow).

`rag bench --quick` itself takes minutes and is not run here; its parts are, with tiny sizes.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, free_port, wait_for_port
from rag import bench
from rag.chunking import chunk_document
from rag.ingest import Ingester
from rag.loaders import load
from rag.settings import Settings
from rag.store import open_store

RAG = [str(Path(sys.executable).with_name("rag"))] if Path(sys.executable).with_name("rag").exists() \
    else [sys.executable, "-m", "rag"]
OPTICS_QUESTION = "How long did Optics Valley stick to fibre?"
NEEDLE_DOC = "zz-harbour-authority.md"
NEEDLE_TEXT = """---
title: The Zephyrine Harbour Authority
---

## Founding

The Zephyrine Harbour Authority was founded in 1987 by the marine engineer Marguerite Okonkwo-Lindqvist.
It manages three deep-water berths on the northern shore of the Zephyrine estuary.
"""
NEEDLE_QUESTION = "Who founded the Zephyrine Harbour Authority?"


@pytest.fixture(scope="module")
def pool():
    return bench.sentence_pool(CORPUS)


def small_corpus(target: Path) -> Path:
    """Three of the bundled briefs: enough for every stage, cheap to embed."""
    target.mkdir(parents=True)
    for name in ("wuhan-optics-valley.md", "hefei-model.md", "deepseek.md"):
        shutil.copy(CORPUS / "briefs" / name, target / name)
    return target


def chunk_count(folder: Path) -> int:
    return sum(len(chunk_document(load(p, p.name))) for p in sorted(folder.glob("*.md")))


# ---- cheap unit tests ---------------------------------------------------------------------------
def test_sentence_pool_holds_corpus_sentences_without_headings(pool):
    texts = [s.text for s in pool]
    assert len(texts) == len(set(texts)) > 100
    assert not any(t.startswith("#") for t in texts)
    assert any("optical fiber communication for twenty years" in t for t in texts)


@pytest.mark.parametrize("target", [1, 7, 61, 130])
def test_synthetic_corpus_has_exactly_the_requested_chunks(pool, tmp_path, target):
    made = bench.build_synthetic_corpus(pool, target, tmp_path / "syn", seed=target, chunks_per_file=25)
    assert made["chunks"] == target
    assert chunk_count(tmp_path / "syn") == target
    assert made["files"] == len(list((tmp_path / "syn").glob("*.md")))


def test_synthetic_corpus_is_deterministic(pool, tmp_path):
    bench.build_synthetic_corpus(pool, 40, tmp_path / "a", seed=5, chunks_per_file=20)
    bench.build_synthetic_corpus(pool, 40, tmp_path / "b", seed=5, chunks_per_file=20)
    for path in (tmp_path / "a").glob("*.md"):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_synthetic_corpus_ingests_to_exact_chunks_and_offsets(pool, tmp_path, embedder):
    folder = tmp_path / "syn"
    bench.build_synthetic_corpus(pool, 45, folder, seed=11, chunks_per_file=20)
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "data", corpus_dir=folder)
    report = Ingester(settings, embedder=embedder).run([folder])
    assert not report.failed and report.chunks_embedded == 45
    texts = {}
    seen = 0
    for _, text, meta in open_store(settings).all_chunks():
        source = texts.setdefault(meta["source"], Path(meta["source"]).read_text(encoding="utf-8"))
        assert source[meta["start"]:meta["end"]] == text
        seen += 1
    assert seen == 45


def test_synthetic_index_vectors_are_close_to_real_embeddings(pool, embedder):
    """The large-index shortcut: a chunk's vector from its sentences' vectors, not the encoder."""
    sample = pool[:60]
    vectors = embedder.encode([s.text for s in sample])
    from rag.ingest import embedding_text

    heads = sorted({(s.title, s.section) for s in sample})
    head_vectors = dict(zip(heads, embedder.encode([embedding_text(t, sec, "").strip() for t, sec in heads])))
    batches = list(bench.synthetic_index_batches(sample, vectors, head_vectors, 25, seed=1, batch=10))
    assert [len(b[0]) for b in batches] == [10, 10, 5]
    ids = [i for b in batches for i in b[0]]
    assert len(set(ids)) == 25
    rows = np.vstack([b[1] for b in batches])
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    texts = [t for b in batches for t in b[2]]
    metas = [m for b in batches for m in b[3]]
    real = embedder.encode([embedding_text(m["title"], m["section"], t) for t, m in zip(texts, metas)])
    cosine = np.sum(rows * real, axis=1)
    assert float(np.median(cosine)) > 0.75, cosine
    assert all(m["end"] - m["start"] == len(t) for t, m in zip(texts, metas))


def test_run_measured_reports_exit_time_and_peak_rss():
    code = "import sys; b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); sys.exit(3)"
    run = bench.run_measured([sys.executable, "-c", code], dict(os.environ), timeout=60)
    assert run["exit"] == 3
    assert run["peak_rss_mb"] >= 150
    assert 0 < run["seconds"] < 60


def test_targets_and_tables_from_results():
    results = {"retrieve_p50_ms": 42.0, "retrieve_measured_at_chunks": 10_000, "ingest_vs_raw_encode": 0.85,
               "ingest_measured_at_chunks": 1000, "extractive_p50_ms": 120.0, "local_p50_ms": None,
               "ui_ready_s": 12.5, "peak_rss_local_mb": 1500}
    targets = {t["key"]: t for t in bench.evaluate_targets(results)}
    assert targets["retrieve_p50_ms"]["met"] is True and "100k skipped" in targets["retrieve_p50_ms"]["note"]
    assert targets["ingest_vs_raw_encode"]["met"] is False
    assert targets["local_p50_ms"]["met"] is None
    assert targets["peak_rss_local_mb"]["met"] is True
    table = bench.format_tables({**results, "targets": list(targets.values())})
    assert "MISSED" in table and "not measured" in table


def test_settings_env_configures_a_child_only_by_variables(tmp_path):
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "d", chroma_host="10.0.0.5", chroma_port=9000)
    env = bench.settings_env(settings, mode="extractive")
    assert env["RAG_DATA_DIR"] == str(tmp_path / "d") and env["RAG_MODE"] == "extractive"
    assert env["RAG_CHROMA_HOST"] == "10.0.0.5" and env["RAG_CHROMA_PORT"] == "9000"
    assert Settings.from_env(environ=env) == settings.replace(mode="extractive")


def test_bench_cli_json_with_tiny_sizes(tmp_path, monkeypatch, capsys):
    """The whole run (ingest, LangChain, retrieval on embedded and server Chroma, answering) at tiny sizes."""
    tiny = bench.BenchConfig(ingest_sizes=(30,), retrieval_sizes=(150,), questions=2, cold_questions=1,
                             local_questions=1, corpus_repeats=1, langchain=True, server=True, local=False,
                             cold_start=False, quick=True)
    monkeypatch.setattr(bench, "QUICK", tiny)
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "user-index", corpus_dir=small_corpus(tmp_path / "c"))
    out = tmp_path / "out"
    assert bench.run_cli(argparse.Namespace(quick=True, json=True, out=out), settings) == 0
    results = json.loads(capsys.readouterr().out)
    assert 0 < results["ingest_vs_raw_encode"] < 5
    assert results["retrieve_p50_ms"] > 0 and results["retrieve_measured_at_chunks"] == 150
    assert results["ingest_measured_at_chunks"] == 30
    assert [r["chunks"] for r in results["ingest"]] == [chunk_count(tmp_path / "c"), 30]
    assert all(r["langchain_chunks_per_s"] > 0 for r in results["ingest"])
    stores = {(r["store"], r["index"]) for r in results["retrieval"]}
    assert stores == {("embedded", "synthetic"), ("server", "synthetic"), ("embedded", "ingested")}
    assert all(r["chunks"] == 150 for r in results["retrieval"] if r["index"] == "synthetic")
    assert results["answer"][0]["mode"] == "extractive" and results["extractive_p50_ms"] > 0
    assert {t["key"] for t in results["targets"]} >= {"retrieve_p50_ms", "ingest_vs_raw_encode"}
    assert [g["chunks"] for g in results["growth"]] == sorted(g["chunks"] for g in results["growth"])
    assert {"cpu", "cores_logical", "ram_gb", "python"} <= set(results["machine"])
    assert results["versions"]["chromadb"] and results["versions"]["torch"]
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    for needle in ("Machine", "chromadb", "sentence-transformers", "llama-cpp-python", "Ingestion", "Retrieval"):
        assert needle in text
    for chart in ("ingest.png", "retrieval.png", "growth.png"):
        assert (out / chart).read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "results.json").read_text())["retrieve_p50_ms"] == results["retrieve_p50_ms"]
    assert not (tmp_path / "user-index").exists()  # the user's index is never touched


@pytest.mark.slow
def test_cold_start_and_peak_rss_are_measured_in_new_processes(corpus_index):
    lines = []
    cold, memory = bench.measure_cold_start(corpus_index, OPTICS_QUESTION, local=False, progress=lines.append)
    assert 0 < cold["rag_help_s"] < 5
    assert cold["first_ask_s"] > cold["rag_help_s"]
    assert 0 < cold["ui_page_s"] <= cold["ui_ready_s"] < 300
    rows = {m["what"]: m for m in memory}
    ask = rows["rag ask --mode extractive"]
    assert ask["exit"] == 0 and ask["answered_as"] == "extractive"
    # the child's own peak (torch + MiniLM + Chroma), not this test process's
    assert 150 < ask["peak_rss_mb"] < 2048
    assert 150 < rows["UI (ui.py, warmed up)"]["peak_rss_mb"] < 2048
    assert any("UI" in line for line in lines)


# ---- scale-out: configuration only -------------------------------------------------------------
def filler_pool(count: int = 400) -> list:
    """Sentences about nothing in the corpus, so extra documents do not change the answers."""
    rng = random.Random(3)
    things = ["copper fittings", "oak barrels", "glass panels", "wool bales", "steel rivets", "paper reams"]
    places = ["Warehouse", "Depot", "Shed", "Yard", "Store"]
    verbs = ["received", "shipped", "counted", "inspected", "repacked", "labelled"]
    pool = []
    for i in range(count):
        text = (f"{rng.choice(places)} {rng.randint(1, 99)} {rng.choice(verbs)} {rng.randint(10, 900)} crates of "
                f"{rng.choice(things)} on day {rng.randint(1, 365)} of the inventory cycle, and the tally was "
                f"filed under ledger code {rng.randint(1000, 9999)}-{i}.")
        pool.append(bench.PoolSentence("Inventory ledger", f"Cycle {i % 9}", text, len(text.split())))
    return pool


def child_env(**rag) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({f"RAG_{k.upper()}": str(v) for k, v in rag.items()})
    return env


def ask(env: dict, question: str, *extra) -> tuple[subprocess.CompletedProcess, dict | None]:
    done = subprocess.run(RAG + ["ask", "--json", *extra, question], env=env, capture_output=True, text=True,
                          timeout=300)
    try:
        return done, json.loads(done.stdout)
    except ValueError:
        return done, None


@pytest.mark.slow
def test_scale_out_by_configuration_shared_chroma_server_and_llm_server(chroma_server, tmp_path, embedder):
    host, port = chroma_server
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shared = dict(chroma_host=host, chroma_port=port, corpus_dir=corpus, collection="scaleout")
    # the shared index starts with the bundled corpus (a first `rag ingest`, done here to save time)
    first = Settings.from_env(environ=child_env(data_dir=tmp_path / "setup", **shared))
    assert first.uses_server
    assert not Ingester(first, embedder=embedder).run([corpus]).failed
    # process A will ingest extra documents (slow) and, last, one with a fact B cannot know yet
    made = bench.build_synthetic_corpus(filler_pool(), 400, corpus / "inventory", seed=2)
    (corpus / NEEDLE_DOC).write_text(NEEDLE_TEXT, encoding="utf-8")
    env_a = child_env(data_dir=tmp_path / "a", **shared)
    env_b = child_env(data_dir=tmp_path / "b", mode="extractive", **shared)

    before, answer = ask(env_b, NEEDLE_QUESTION)
    assert before.returncode == 0, before.stderr
    assert NEEDLE_DOC not in {c["doc_id"] for c in answer["citations"]}

    a = subprocess.Popen(RAG + ["ingest"], env=env_a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    during = []
    questions = [OPTICS_QUESTION, "What did Hefei do to become an innovation hub?",
                 "In which city did DeepSeek emerge?"]
    try:
        while a.poll() is None and len(during) < 12:
            question = questions[len(during) % len(questions)]
            done, answer = ask(env_b, question)
            during.append((question, done, answer, a.poll() is None))
        a_out, a_err = a.communicate(timeout=600)
    finally:
        if a.poll() is None:
            a.kill()
            a.wait()
    assert a.returncode == 0, a_err
    originals = len([p for p in CORPUS.rglob("*.md")])
    assert f"added {made['files'] + 1}, updated 0, unchanged {originals}" in a_out, a_out
    overlapped = [d for d in during if d[3]]
    assert overlapped, "process A finished before process B answered once: no overlap was tested"
    for question, done, answer, _ in during:
        assert done.returncode == 0, (question, done.stderr)
        assert answer is not None, (question, done.stdout)
        assert answer["citations"] and not answer["refused"], (question, answer["answer"])
        assert not {c["doc_id"] for c in answer["citations"]} & {NEEDLE_DOC}

    # B now answers what only A's last document says; generation goes to an OpenAI-compatible
    # llama.cpp server: again only RAG_* variables change
    with llm_server() as base_url:
        env_llm = child_env(data_dir=tmp_path / "b", mode="openai", llm_base_url=base_url, llm_model="qwen-local",
                            llm_timeout=240, **shared)
        after, answer = ask(env_llm, NEEDLE_QUESTION)
    assert after.returncode == 0, after.stderr  # 3 would mean the LLM server could not be used
    assert not answer["refused"] and "Okonkwo-Lindqvist" in answer["answer"], answer["answer"]
    assert NEEDLE_DOC in {c["doc_id"] for c in answer["citations"]}
    assert answer["mode"] == "openai", (answer["answer"], after.stderr)
    assert not (tmp_path / "b" / "chroma").exists()  # B never opened a local index


@contextlib.contextmanager
def llm_server():
    """`python -m llama_cpp.server` with the bundled GGUF on a free port; yields its /v1 URL."""
    pytest.importorskip("llama_cpp.server.app")
    from rag.llm import bundled_gguf, bundled_parts_installed

    if not bundled_parts_installed():
        pytest.skip("the bundled GGUF packages are not installed")
    gguf = bundled_gguf(Settings.from_env(environ={}).cache_dir)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 2),
                               "--model_alias", "qwen-local"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, 120, server)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
