"""The reference set, the metrics, and the quality gate on the extractive mode."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT
from rag import metrics
from rag.evaluation import evaluate, load_jsonl

DATASET = ROOT / "eval" / "qa.jsonl"
# Measured on eval/qa.jsonl (see eval/RESULTS.md); the gate sits a little under the figures.
THRESHOLDS = {"correct": 0.70, "recall@5": 0.90, "mrr": 0.80, "citation_precision": 0.95,
              "unanswerable_refused": 0.50, "answerable_refused_max": 0.08}


def corpus_text():
    return {p: p.read_text(encoding="utf-8") for p in CORPUS.rglob("*.md")}


def test_reference_set_is_well_formed():
    items = load_jsonl(DATASET)
    texts = list(corpus_text().values())
    assert len(items) >= 60
    assert len({i.id for i in items}) == len(items)
    assert sum(not i.answerable for i in items) >= 10
    assert sum(len(i.turns) > 1 for i in items) >= 2
    for item in items:
        if not item.answerable:
            assert item.key_facts == []
            continue
        assert item.key_facts, item.id
        for quote in item.support:
            assert any(quote in text for text in texts), f"{item.id}: support quote not in corpus: {quote[:60]}"
        for fact in item.key_facts:
            options = fact if isinstance(fact, list) else [fact]
            assert any(metrics.normalize(o) in metrics.normalize(" ".join(item.support)) for o in options), item.id


def test_metrics_on_hand_made_cases():
    assert metrics.key_fact_recall([["twenty years", "20 years"], "fiber"], "It took 20 years of fiber [1].") == 1.0
    assert metrics.key_fact_recall(["thirty"], "twenty") == 0.0
    assert metrics.token_f1("the cat sat [1]", "a cat sat") == 1.0
    scores = metrics.retrieval_scores(["needle here"], ["hay", "the needle here!", "x"])
    assert scores["recall@1"] == 0.0 and scores["recall@3"] == 1.0 and scores["mrr"] == 0.5
    good, total, supported, shown = metrics.citation_scores(
        [{"text": "Optics Valley stuck to fiber for twenty years.", "citations": [1, 2], "verified": True}],
        {1: "Optics Valley stuck to the field of optical fiber for twenty years.", 2: "Hefei spent heavily."})
    assert (good, total, supported, shown) == (1, 2, 1, 1)
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5


@pytest.mark.slow
def test_extractive_mode_meets_the_quality_gate(corpus_index, embedder, tmp_path):
    from rag.pipeline import Assistant

    assistant = Assistant(corpus_index, embedder=embedder)
    results = tmp_path / "results.jsonl"
    summary, baseline = evaluate(assistant, load_jsonl(DATASET), ["extractive"], results_path=results,
                                 progress=False)
    print(json.dumps([summary, baseline], indent=1))
    assert summary["answer"]["correct"] >= THRESHOLDS["correct"]
    assert summary["retrieval"]["recall@5"] >= THRESHOLDS["recall@5"]
    assert summary["retrieval"]["mrr"] >= THRESHOLDS["mrr"]
    assert summary["citations"]["precision"] >= THRESHOLDS["citation_precision"]
    assert summary["refusal"]["unanswerable_refused"] >= THRESHOLDS["unanswerable_refused"]
    assert summary["refusal"]["answerable_refused"] <= THRESHOLDS["answerable_refused_max"]
    # The assistant must beat the plain dense top-chunk baseline it is compared with.
    assert summary["answer"]["correct"] > baseline["answer"]["correct"]
    assert summary["retrieval"]["mrr"] > baseline["retrieval"]["mrr"]
    lines = results.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(load_jsonl(DATASET))
    first = json.loads(lines[0])
    assert {"id", "question", "answer", "refused", "mode", "citations", "sentences", "timings_ms"} <= set(first)


@pytest.mark.slow
def test_squad_format_runs_in_a_temporary_index(tmp_path):
    squad = {"version": "v2.0", "data": [{"title": "Lakes", "paragraphs": [
        {"context": "Lake Qiandao is a man-made lake in Chun'an County, Zhejiang. It was formed in 1959 when the "
                    "Xin'an River dam was completed. The lake has 1,078 islands.",
         "qas": [{"id": "q1", "question": "When was Lake Qiandao formed?", "answers": [{"text": "1959",
                                                                                          "answer_start": 0}]},
                 {"id": "q2", "question": "How many islands does Lake Qiandao have?",
                  "answers": [{"text": "1,078", "answer_start": 0}]},
                 {"id": "q3", "question": "Who designed the Xin'an River dam?", "answers": [],
                  "is_impossible": True}]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(squad), encoding="utf-8")
    user_data = tmp_path / "user-data"
    env = dict(os.environ, RAG_DATA_DIR=str(user_data))
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "rag", "eval", "--dataset", str(path), "--format", "squad",
                             "--json", "--out", str(out)], capture_output=True, text=True, env=env, timeout=600,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    summaries = json.loads(result.stdout)
    assert [s["mode"] for s in summaries] == ["extractive", "baseline"]
    extractive = summaries[0]
    assert extractive["n"] == 3 and extractive["answer"]["correct"] == 1.0
    assert set(extractive) >= {"mode", "n", "retrieval", "answer", "citations", "refusal", "latency_ms"}
    assert not user_data.exists(), "the user's own index must not be touched"
    ids = [json.loads(line)["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(set(ids)) == ["q1", "q2", "q3"]
    assert (out / "report.md").exists() and (out / "chart.png").stat().st_size > 1000
