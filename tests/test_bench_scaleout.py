"""`rag bench` pieces (cheap) and scale-out with only configuration changes (slow).

`rag bench --quick` itself takes minutes and is not run here; its parts are, with tiny sizes.
"""

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import CORPUS, clean_environment, llama_server
from rag import bench
from rag.bench import report, stages, synthetic
from rag.bench.processes import rag_command, run_measured
from rag.chunking import chunk_document, embedding_text
from rag.ingest import Ingester
from rag.loaders import load
from rag.settings import Settings
from rag.store import open_store

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
TARGET_KEYS = ("ingest_vs_langchain", "ingest_vs_raw_encode", "cold_first_ask_s", "ui_ready_s", "retrieve_p50_ms_100k",
               "cold_first_ask_s_100k", "keyword_index_ready_s_100k")


@pytest.fixture(scope="module")
def pool():
    return synthetic.sentence_pool(CORPUS)


def small_corpus(target: Path) -> Path:
    """Three of the bundled briefs: enough for every stage, cheap to embed."""
    target.mkdir(parents=True)
    for name in ("wuhan-optics-valley.md", "hefei-model.md", "deepseek.md"):
        shutil.copy(CORPUS / "briefs" / name, target / name)
    return target


def chunk_count(folder: Path) -> int:
    return sum(len(chunk_document(load(p, p.name))) for p in sorted(folder.glob("*.md")))


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder):
    """Settings of an index of :func:`small_corpus`."""
    root = tmp_path_factory.mktemp("small")
    settings = Settings.from_env(environ={}, data_dir=root / "data", corpus_dir=small_corpus(root / "corpus"),
                                 cache_dir=root / "cache")
    assert not Ingester(settings, embedder=embedder).run().failed
    return settings


# ---- cheap unit tests ---------------------------------------------------------------------------
def test_sentence_pool_holds_corpus_sentences_without_headings(pool):
    texts = [s.text for s in pool]
    assert len(texts) == len(set(texts)) > 100
    assert not any(t.startswith("#") for t in texts)
    assert any("optical fiber communication for twenty years" in t for t in texts)


@pytest.mark.parametrize("target", [1, 7, 61, 130])
def test_synthetic_corpus_has_exactly_the_requested_chunks(pool, tmp_path, target):
    made = synthetic.build_synthetic_corpus(pool, target, tmp_path / "syn", seed=target, chunks_per_file=25)
    assert made["chunks"] == target
    assert chunk_count(tmp_path / "syn") == target
    assert made["files"] == len(list((tmp_path / "syn").glob("*.md")))


def test_synthetic_corpus_is_deterministic(pool, tmp_path):
    synthetic.build_synthetic_corpus(pool, 40, tmp_path / "a", seed=5, chunks_per_file=20)
    synthetic.build_synthetic_corpus(pool, 40, tmp_path / "b", seed=5, chunks_per_file=20)
    for path in (tmp_path / "a").glob("*.md"):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_synthetic_corpus_ingests_to_exact_chunks_and_offsets(pool, tmp_path, embedder):
    folder = tmp_path / "syn"
    synthetic.build_synthetic_corpus(pool, 45, folder, seed=11, chunks_per_file=20)
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "data", corpus_dir=folder)
    report_ = Ingester(settings, embedder=embedder).run([folder])
    assert not report_.failed and report_.chunks_embedded == 45
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
    vectors = synthetic.pool_vectors(sample, embedder)
    batches = list(synthetic.synthetic_index_batches(sample, vectors, 25, seed=1, batch=10))
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


def test_cached_index_is_written_once_then_reused(pool, small_index, embedder, tmp_path):
    vectors = synthetic.pool_vectors(pool, embedder)
    lines = []
    first = synthetic.cached_index(small_index, embedder, pool, vectors, 150, small_index, tmp_path, lines.append)
    again = synthetic.cached_index(small_index, embedder, pool, vectors, 150, small_index, tmp_path, lines.append)
    assert (first["reused"], again["reused"]) == (False, True) and len(lines) == 1
    assert again["settings"] == first["settings"] and again["write_s"] == first["write_s"]
    store = open_store(again["settings"])
    assert store.chunk_count() == 150
    real = {cid for cid, _, _ in open_store(small_index).all_chunks()}
    assert real <= {cid for cid, _, _ in store.all_chunks()}  # the real chunks are in it, with their vectors
    other = synthetic.cached_index(small_index, embedder, pool, vectors, 160, small_index, tmp_path, lines.append)
    assert not other["reused"] and other["settings"].data_dir != first["settings"].data_dir
    assert sorted(p.name.split("-")[1] for p in tmp_path.iterdir()) == ["150", "160"]  # no partial folder left


def test_run_measured_reports_exit_time_and_peak_rss():
    code = "import sys; b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); sys.exit(3)"
    run = run_measured([sys.executable, "-c", code], clean_environment(), timeout=60)
    assert run["exit"] == 3
    assert run["peak_rss_mb"] >= 150
    assert run["seconds"] > 0


def test_targets_not_measured_read_not_measured():
    """A 10k-chunk retrieval figure never stands for the 100k target; every target without a
    value reads "not measured", however the other figures look."""
    results = {"retrieve_p50_ms": 42.0, "retrieve_measured_at_chunks": 10_000, "ingest_vs_raw_encode": 0.85,
               "ingest_vs_raw_encode_spread": [0.8, 0.9], "ingest_measured_at_chunks": 1000, "ingest_runs": 3,
               "ingest_vs_langchain": 1.3, "extractive_p50_ms": 120.0, "local_p50_ms": None, "ui_ready_s": 12.5,
               "peak_rss_local_mb": 1500, "local_explanation_p50_ms": 10500.0, "quick": True}
    targets = {t["key"]: t for t in report.evaluate_targets(results)}
    assert set(TARGET_KEYS) <= set(targets)
    for key in ("retrieve_p50_ms_100k", "cold_first_ask_s_100k", "keyword_index_ready_s_100k", "peak_rss_mb_100k"):
        assert targets[key]["value"] is None and targets[key]["met"] is None
        assert targets[key]["note"] == "100k index not run (quick mode)"
    assert targets["cold_first_ask_s"]["met"] is None and targets["local_p50_ms"]["met"] is None
    assert targets["ingest_vs_raw_encode"]["met"] is False
    assert targets["ingest_vs_raw_encode"]["note"] == "median of 3 runs at 1,000 chunks; spread 0.8-0.9"
    assert targets["ingest_vs_langchain"]["met"] is True and targets["peak_rss_local_mb"]["met"] is True
    assert targets["ui_ready_s"]["met"] is False and targets["local_explanation_p50_ms"]["met"] is False
    table = report.format_tables({**results, "targets": list(targets.values())})
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert "| not measured | not measured |" in rows["retrieval p50 at 100k chunks"]
    assert "| 0.85 x | MISSED |" in rows["ingest / raw encoder, same chunks"]
    measured = report.evaluate_targets({**results, "retrieve_p50_ms_100k": 61.0, "large_index_chunks": 100_000})
    assert [t["met"] for t in measured if t["key"] == "retrieve_p50_ms_100k"] == [False]


def test_settings_env_configures_a_child_only_by_variables(tmp_path):
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "d", chroma_host="10.0.0.5", chroma_port=9000)
    env = stages.settings_env(settings, mode="extractive")
    assert env["RAG_DATA_DIR"] == str(tmp_path / "d") and env["RAG_MODE"] == "extractive"
    assert env["RAG_CHROMA_HOST"] == "10.0.0.5" and env["RAG_CHROMA_PORT"] == "9000"
    assert Settings.from_env(environ=env) == settings.replace(mode="extractive")


def test_bench_cli_json_with_tiny_sizes(tmp_path, monkeypatch, capsys):
    """The whole run (ingest with repeats, LangChain, retrieval on embedded and server Chroma,
    answering) at tiny sizes; what it did not measure is null."""
    tiny = bench.BenchConfig(ingest_sizes=(30,), ingest_repeats=2, corpus_repeats=1, retrieval_sizes=(150,),
                             large_size=None, questions=2, cold_questions=1, local_questions=1, langchain=True,
                             server=True, local=False, cold_start=False, quick=True, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(bench.runner, "QUICK", tiny)
    settings = Settings.from_env(environ={}, data_dir=tmp_path / "user-index", corpus_dir=small_corpus(tmp_path / "c"))
    out = tmp_path / "out"
    assert bench.run_cli(argparse.Namespace(quick=True, json=True, out=out), settings) == 0
    results = json.loads(capsys.readouterr().out)
    assert set(TARGET_KEYS) <= set(results)
    for key in ("cold_first_ask_s", "ui_ready_s", "retrieve_p50_ms_100k", "cold_first_ask_s_100k",
                "keyword_index_ready_s_100k"):
        assert results[key] is None, key
    low, high = results["ingest_vs_raw_encode_spread"]
    assert 0 < low <= results["ingest_vs_raw_encode"] <= high < 5
    assert 0 < results["ingest_vs_both_encoders"] < 2  # a ratio of rates, as the others
    assert 0.5 < results["ingest_time_vs_english_only"] < 5  # the channel costs time, a little or a lot
    low, high = results["ingest_vs_langchain_spread"]
    assert 0 < low <= results["ingest_vs_langchain"] <= high < 5
    assert results["ingest_runs"] == 2 and results["ingest_measured_at_chunks"] == 30
    assert results["retrieve_p50_ms"] > 0 and results["retrieve_measured_at_chunks"] == 150
    assert [r["chunks"] for r in results["ingest"]] == [chunk_count(tmp_path / "c"), 30]
    assert all(r["langchain_chunks_per_s"] > 0 for r in results["ingest"])
    stores = {(r["store"], r["index"]) for r in results["retrieval"]}
    assert stores == {("embedded", "synthetic"), ("server", "synthetic"), ("embedded", "ingested")}
    assert all(r["chunks"] == 150 for r in results["retrieval"] if r["index"] == "synthetic")
    assert results["answer"][0]["mode"] == "extractive" and results["extractive_p50_ms"] > 0
    assert results["local_p50_ms"] is None and results["local_explanation_p50_ms"] is None  # local=False
    verdicts = {t["key"]: t["met"] for t in results["targets"]}
    assert verdicts["retrieve_p50_ms_100k"] is None and verdicts["cold_first_ask_s"] is None
    assert [g["chunks"] for g in results["growth"]] == sorted(g["chunks"] for g in results["growth"])
    assert {"cpu", "cores_logical", "ram_gb", "python"} <= set(results["machine"])
    assert results["versions"]["chromadb"] and results["versions"]["torch"]
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    for needle in ("Machine", "chromadb", "sentence-transformers", "llama-cpp-python", "Ingestion", "Retrieval",
                   "| retrieval p50 at 100k chunks | < 50 ms | not measured | not measured |"):
        assert needle in text
    for chart in ("ingest.png", "retrieval.png", "growth.png"):
        assert (out / chart).read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "results.json").read_text())["retrieve_p50_ms"] == results["retrieve_p50_ms"]
    assert not (tmp_path / "user-index").exists()  # the user's index is never touched
    assert len(list((tmp_path / "cache").iterdir())) == 1  # the synthetic index is kept for the next run


@pytest.mark.slow
def test_large_index_is_measured_in_new_processes(pool, small_index, embedder, tmp_path):
    """The large-index stage at a tiny size: every figure comes from new processes or this one,
    and a 200-chunk index leaves the 100k targets unmeasured."""
    vectors = synthetic.pool_vectors(pool, embedder)
    built = synthetic.cached_index(small_index, embedder, pool, vectors, 200, small_index, tmp_path, print)
    lines = []
    large = stages.measure_large_index(built["settings"], embedder, OPTICS_QUESTION, [OPTICS_QUESTION], 1, 1,
                                       lines.append)
    assert large["errors"] == [] and large["chunks"] == 200
    assert large["keyword_first_s"] > 0 and large["keyword_ready_s"] > 0 and large["first_ask_s"] > 0
    assert 150 < large["peak_rss_mb"] < 4096  # the child's own peak (torch + MiniLM + Chroma)
    assert large["retrieval"]["hybrid_p50_ms"] > 0 and len(lines) == 3
    results = {"large_index": large, "large_index_chunks": large["chunks"]}
    assert all(t["value"] is None for t in report.evaluate_targets(results) if t["key"].endswith("_100k"))


@pytest.mark.slow
def test_cold_start_and_peak_rss_are_measured_in_new_processes(corpus_index):
    lines = []
    cold, memory = stages.measure_cold_start(corpus_index, OPTICS_QUESTION, local=False, progress=lines.append,
                                             repeats=2)
    assert cold["errors"] == []
    assert 0 < cold["rag_help_s"] and len(cold["first_ask_s_runs"]) == 2
    assert cold["first_ask_s"] > cold["rag_help_s"]
    assert 0 < cold["ui_page_s"] <= cold["ui_ready_s"]
    rows = {m["what"]: m for m in memory}
    ask = rows["rag ask --mode extractive"]
    assert ask["exit"] == 0 and ask["answered_as"] == "extractive"
    # the child's own peak (torch + MiniLM + Chroma), not this test process's
    assert 150 < ask["peak_rss_mb"] < 4096
    assert 150 < rows["UI (ui.py, warmed up)"]["peak_rss_mb"] < 4096
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
        pool.append(synthetic.PoolSentence("Inventory ledger", f"Cycle {i % 9}", text, len(text.split())))
    return pool


def child_env(**rag) -> dict:
    return clean_environment(**{f"RAG_{k.upper()}": v for k, v in rag.items()})


def ask(env: dict, question: str, *extra) -> tuple[subprocess.CompletedProcess, dict | None]:
    done = subprocess.run(rag_command() + ["ask", "--json", *extra, question], env=env, capture_output=True,
                          text=True, timeout=300)
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
    made = synthetic.build_synthetic_corpus(filler_pool(), 400, corpus / "inventory", seed=2)
    (corpus / NEEDLE_DOC).write_text(NEEDLE_TEXT, encoding="utf-8")
    env_a = child_env(data_dir=tmp_path / "a", **shared)
    env_b = child_env(data_dir=tmp_path / "b", mode="extractive", **shared)

    before, answer = ask(env_b, NEEDLE_QUESTION)
    assert before.returncode == 0, before.stderr
    assert NEEDLE_DOC not in {c["doc_id"] for c in answer["citations"]}

    a = subprocess.Popen(rag_command() + ["ingest"], env=env_a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    with llama_server(bundled_gguf_path(), alias="qwen-local") as base_url:
        env_llm = child_env(data_dir=tmp_path / "b", mode="openai", llm_base_url=base_url, llm_model="qwen-local",
                            llm_timeout=240, **shared)
        after, answer = ask(env_llm, NEEDLE_QUESTION)
    assert after.returncode == 0, after.stderr  # 3 would mean the LLM server could not be used
    assert not answer["refused"] and "Okonkwo-Lindqvist" in answer["answer"], answer["answer"]
    assert NEEDLE_DOC in {c["doc_id"] for c in answer["citations"]}
    assert answer["mode"] == "openai", (answer["answer"], after.stderr)
    assert not (tmp_path / "b" / "chroma").exists()  # B never opened a local index


def bundled_gguf_path() -> Path:
    """The bundled GGUF (skips the test where llama.cpp or the model packages are missing)."""
    pytest.importorskip("llama_cpp.server.app")
    from rag.llm import bundled_gguf, bundled_parts_installed

    if not bundled_parts_installed():
        pytest.skip("the bundled GGUF packages are not installed")
    return bundled_gguf(Settings.from_env(environ={}).cache_dir)


def test_bench_times_local_explanations_on_the_eval_sets_explanation_questions():
    """Issue 11's "local-mode explanation p50" is timed on explanation questions, not factoids."""
    from rag.evaluation import load_jsonl

    items = [i for i in load_jsonl(synthetic.ROOT / "eval" / "qa.jsonl") if len(i.turns) == 1 and i.answerable]
    chosen = synthetic.load_questions(3, explanations=True)
    assert chosen == [i.question for i in items if i.explanation][:3]
    assert synthetic.load_questions(3) == [i.question for i in items][:3]
