"""The reference set, the metrics, the scoring of items of every shape, and the quality gate on
the extractive mode (test split)."""

import json
import os
import subprocess
import sys

import pytest

from helpers import CORPUS, ROOT
from rag import metrics
from rag.errors import RagError
from rag.evaluation import (ModeTotals, evaluate, format_report, item_from_dict, load_jsonl, load_squad,
                            select_split)

DATASET = ROOT / "eval" / "qa.jsonl"
ZH_SQUAD = ROOT / "tests" / "data" / "zh_squad.json"
# The extractive quality gate, checked on the test split only (the dev split is for choosing rules and
# thresholds). "correct" is over answerable factoid items. The lead sets the final figures here.
# A regression guard on the test split, a few points under what it measured on 2026-12-02, second
# session, 131 test items (eval/RESULTS.md: correct 0.75, R@5 0.88 on the passages the answers used,
# MRR 0.83, cite P 1.00, explanations reaching need 0.39, unanswerable refused 0.54, answerable
# refused 0.09).
THRESHOLDS = {"correct": 0.72, "recall@5": 0.80, "mrr": 0.75, "citation_precision": 0.95, "reach_need": 0.35,
              "unanswerable_refused": 0.50, "answerable_refused_max": 0.12}
# The out-of-domain SQuAD sets (used like dev): correct, answerable refused at most, unanswerable
# refused at least; a few points under the figures in eval/RESULTS.md.
OUT_OF_DOMAIN = {"squad_licenses.json": (0.75, 0.22, 0.65), "squad_zh_dev.json": (0.85, 0.10, 0.85),
                 "squad_science_dev.json": (0.78, 0.15, 0.55)}


def corpus_text():
    return {p: p.read_text(encoding="utf-8") for p in CORPUS.rglob("*.md")}


def test_reference_set_is_well_formed():
    items = load_jsonl(DATASET)
    texts = list(corpus_text().values())
    corpus = metrics.normalize(" ".join(texts))
    assert len(items) >= 60
    assert len({i.id for i in items}) == len(items)
    assert all(i.split in ("dev", "test") for i in items), "every item belongs to the dev or the test split"
    for split in ("dev", "test"):
        for lang in ("en", "zh"):
            assert any(i.split == split and i.lang == lang for i in items), (split, lang)
    assert sum(i.kind == "explanation" and i.lang == "en" for i in items) >= 25
    assert sum(i.lang == "zh" for i in items) >= 40
    assert sum(i.lang == "zh" and not i.answerable for i in items) >= 8
    assert sum(not i.answerable for i in items) >= 10
    assert sum(len(i.turns) > 1 for i in items) >= 2
    for item in items:
        if not item.answerable:
            assert item.key_facts == [], item.id
            continue
        assert item.support, item.id
        for quote in item.support:
            assert any(quote in text for text in texts), f"{item.id}: support quote not in corpus: {quote[:60]}"
        for fact in item.key_facts:
            options = fact if isinstance(fact, list) else [fact]
            assert any(metrics.normalize(o) in metrics.normalize(" ".join(item.support)) for o in options), item.id
        for group in item.key_points:  # a key point the documents never state could not be covered
            options = group if isinstance(group, list) else [group]
            assert any(metrics.normalize(o) in corpus for o in options), f"{item.id}: key point {group} not in corpus"


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
    with pytest.raises(ValueError):
        metrics.retrieval_scores([], ["a passage"])


def test_chinese_metrics():
    # Each Chinese character is a token: 3 of the 8 answer characters are the 3 reference ones.
    assert metrics.token_f1("光谷坚守了二十年。[1]", "二十年") == pytest.approx(2 * (3 / 8) * 1 / (3 / 8 + 1))
    assert metrics.token_f1("光谷坚守了二十年", "三十") == pytest.approx(2 * (1 / 8) * (1 / 2) / (1 / 8 + 1 / 2))
    assert metrics.token_f1("中关村", "二十年") == 0.0
    # Key facts are substrings after normalisation: full-width forms, line breaks inside Chinese text.
    assert metrics.key_fact_recall([["75%"]], "深圳淘汰了７５％的传统产业") == 1.0
    assert metrics.key_fact_recall(["坚守了二十年"], "光谷坚守了二十\n年 [1]") == 1.0
    assert metrics.key_fact_recall(["风险共担"], "苏州引入了风投机制") == 0.0
    assert metrics.normalize("“Risk-Sharing”  机制 ") == '"risk-sharing"机制'


def test_key_point_coverage():
    points = [["tolerance for failure", "tolerant"], ["digital economy", "No. 1 Project"], ["容忍创投失败"], "Alibaba"]
    answer = "Hangzhou is TOLERANT of failure [1].\n- Its No.\u00a01 Project set the digital economy going [2]."
    assert metrics.key_points_covered(points, answer) == 2
    assert metrics.key_point_coverage(points, answer) == 0.5
    assert metrics.key_points_covered(points, "杭州更能容忍创投失败，阿里巴巴 (Alibaba) 也在这里。") == 2
    assert metrics.key_point_coverage(points, "") == 0.0  # a refusal covers nothing
    assert metrics.key_points_covered([[""]], "anything") == 0  # an empty alternative matches nothing


def _result(answer: str, refused: bool = False, quote: str = "") -> dict:
    """A minimal ``rag ask --json`` object for scoring tests."""
    sentences = [] if refused else [{"text": answer.replace(" [1]", ""), "citations": [1], "verified": True}]
    return {"answer": answer, "refused": refused, "citations": [] if refused else [{"n": 1, "quote": quote}],
            "sentences": sentences, "timings_ms": {"retrieve": 5.0, "generate": 0.0, "verify": 1.0, "total": 6.0}}


def test_items_of_every_shape_are_scored_or_refused_with_a_reason(tmp_path):
    no_support = item_from_dict({"id": "a", "question": "How long did Optics Valley stick to fiber?", "split": "dev",
                                 "answer": "Twenty years.", "key_facts": ["twenty years"], "support": []})
    explanation = item_from_dict({"id": "b", "question": "为什么DeepSeek出现在杭州？", "split": "test",
                                  "type": "explanation", "key_facts": [], "support": ["数字经济"],
                                  "key_points": [["数字经济"], ["容忍失败", "tolerance for failure"], ["Alibaba"]],
                                  "need": 2})
    unanswerable = item_from_dict({"id": "c", "question": "Who is the mayor of Hangzhou?", "split": "test",
                                   "key_facts": [], "support": None})
    assert (no_support.kind, no_support.lang) == ("factoid", "en")
    assert (explanation.kind, explanation.lang, explanation.need) == ("explanation", "zh", 2)
    assert unanswerable.kind == "unanswerable"

    totals = ModeTotals("extractive")
    quote = "Optics Valley stuck to fiber for twenty years."
    assert totals.add(no_support, _result(quote + " [1]", quote=quote), ["passage"]) == {
        "refused": False, "key_fact_recall": 1.0, "correct": True, "f1": pytest.approx(0.4),
        "citations": [1, 1, 1, 1]}
    scores = totals.add(explanation, _result("杭州的数字经济起步早 [1]", quote="杭州的数字经济起步早"), ["杭州的数字经济"])
    assert scores["key_points_covered"] == 1 and not scores["reached_need"] and scores["mrr"] == 1.0
    assert totals.add(unanswerable, _result("The documents don't say.", refused=True), []) == {"refused": True}

    summary = totals.summary()
    assert summary["n"] == 3 and summary["mode"] == "extractive"
    assert summary["retrieval"]["n"] == 1 and summary["retrieval"]["recall@5"] == 1.0
    assert summary["answer"] == {"correct": 1.0, "key_fact_recall": 1.0, "f1": 0.4, "n": 1}
    assert summary["explanations"] == {"n": 1, "key_point_coverage": pytest.approx(0.3333, abs=1e-4),
                                       "reach_need": 0.0}
    assert summary["refusal"]["unanswerable_refused"] == 1.0 and summary["refusal"]["answerable_refused"] == 0.0
    assert list(summary["by_split"]) == ["dev", "test"] and list(summary["by_language"]) == ["en", "zh"]
    assert list(summary["by_kind"]) == ["factoid", "explanation", "unanswerable"]
    dev = summary["by_split"]["dev"]
    assert dev["n"] == 1 and dev["retrieval"]["n"] == 0 and dev["retrieval"]["mrr"] is None  # nothing to average
    assert dev["explanations"]["reach_need"] is None and dev["refusal"]["unanswerable_refused"] is None
    assert summary["by_language"]["zh"]["explanations"]["n"] == 1
    assert summary["by_kind"]["unanswerable"]["refusal"]["unanswerable_refused"] == 1.0
    report = format_report([summary])
    assert "| split dev | 1 | - | - | 1.00 (1) |" in report and "| language zh | 1 |" in report

    # A refused explanation covers nothing.
    refused = totals.add(explanation, _result("The documents don't say.", refused=True), [])
    assert refused["key_point_coverage"] == 0.0 and not refused["reached_need"]


@pytest.mark.parametrize("line, reason", [
    ('{"id": 1, "question": "Q?", "key_facts": [], "support": []}', "needs key_facts"),
    ('{"id": 1, "question": "Q?", "key_facts": [], "support": ["x"]}', "needs key_facts"),
    ('{"id": 1, "question": "Why?", "type": "explanation", "support": ["x"]}', "needs key_points"),
    ('{"id": 1, "question": "Why?", "type": "explanation", "support": [], "key_points": [["a"]], "need": 2}',
     "need must be a whole number from 1 to the number of key points (1)"),
    ('{"id": 1, "question": "Q?", "key_facts": ["a"], "support": [], "split": "train"}', "split must be one of"),
    ('{"id": 1, "question": "Q?", "key_facts": "Nanjing", "support": []}', "key_facts must be a list"),
    ('{"id": 1, "question": "Q?", "key_facts": [""], "support": []}', "non-empty string"),
    ('{"id": 1, "question": "Q?", "type": "list", "key_facts": ["a"], "support": []}', "type must be"),
    ('{"id": 1, "question": "Q?", "key_facts": ["a"], "support": "a quote"}', "support must be a list"),
    ('{"id": 1, "key_facts": ["a"], "support": []}', "missing field 'question'"),
    ('{"id": 1, "question": "Q?"', "not valid JSON"),
])
def test_malformed_items_are_refused_with_a_one_line_reason(tmp_path, line, reason):
    path = tmp_path / "qa.jsonl"
    path.write_text('{"id": 0, "question": "Fine?", "key_facts": ["a"], "support": ["a"]}\n' + line + "\n",
                    encoding="utf-8")
    with pytest.raises(RagError) as err:
        load_jsonl(path)
    assert str(err.value).startswith(f"{path}:2: ") and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_splits_are_selected():
    items = [item_from_dict({"id": i, "question": "Q?", "key_facts": ["a"], "support": ["a"], "split": s})
             for i, s in enumerate(["dev", "test", "dev"])]
    assert [i.id for i in select_split(items, "dev")] == ["0", "2"]
    assert [i.id for i in select_split(items, "all")] == ["0", "1", "2"]
    with pytest.raises(RagError, match="no items in the test split"):
        select_split(items[:1], "test")


def test_chinese_squad_set_is_well_formed(tmp_path):
    data = json.loads(ZH_SQUAD.read_text(encoding="utf-8"))
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                for answer in qa["answers"]:
                    start = answer["answer_start"]
                    assert paragraph["context"][start:start + len(answer["text"])] == answer["text"], qa["id"]
    items = load_squad(ZH_SQUAD, tmp_path / "corpus")
    assert len(items) == 8 and sum(not i.answerable for i in items) == 2
    assert {i.lang for i in items} == {"zh"}
    assert len(list((tmp_path / "corpus").glob("*.md"))) == 3


@pytest.mark.slow
def test_extractive_mode_meets_the_quality_gate(corpus_index, embedder, tmp_path):
    from rag.pipeline import Assistant

    items = select_split(load_jsonl(DATASET), "test")
    assistant = Assistant(corpus_index, embedder=embedder)
    results = tmp_path / "results.jsonl"
    summary, baseline = evaluate(assistant, items, ["extractive"], results_path=results, progress=False)
    print(format_report([summary, baseline]))
    assert list(summary["by_split"]) == ["test"] and summary["n"] == len(items)
    assert summary["answer"]["correct"] >= THRESHOLDS["correct"]
    assert summary["retrieval"]["recall@5"] >= THRESHOLDS["recall@5"]
    assert summary["retrieval"]["mrr"] >= THRESHOLDS["mrr"]
    assert summary["citations"]["precision"] >= THRESHOLDS["citation_precision"]
    assert summary["explanations"]["reach_need"] >= THRESHOLDS["reach_need"]
    assert summary["refusal"]["unanswerable_refused"] >= THRESHOLDS["unanswerable_refused"]
    assert summary["refusal"]["answerable_refused"] <= THRESHOLDS["answerable_refused_max"]
    # The assistant must beat the plain dense top-chunk baseline it is compared with.
    assert summary["answer"]["correct"] > baseline["answer"]["correct"]
    assert summary["retrieval"]["mrr"] > baseline["retrieval"]["mrr"]
    assert summary["explanations"]["reach_need"] > baseline["explanations"]["reach_need"]
    lines = results.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(items)
    first = json.loads(lines[0])
    assert {"id", "question", "answer", "refused", "mode", "citations", "sentences", "timings_ms", "split", "lang",
            "scores"} <= set(first)


def _run_eval(*args, tmp_path) -> subprocess.CompletedProcess:
    """``rag eval ARGS`` in a subprocess whose own data dir must stay untouched."""
    env = dict(os.environ, RAG_DATA_DIR=str(tmp_path / "user-data"))
    return subprocess.run([sys.executable, "-m", "rag", "eval", *args], capture_output=True, text=True, env=env,
                          timeout=900, cwd=ROOT)


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
    out = tmp_path / "report"
    result = _run_eval("--dataset", str(path), "--format", "squad", "--json", "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    summaries = json.loads(result.stdout)
    assert [s["mode"] for s in summaries] == ["extractive", "baseline"]
    extractive = summaries[0]
    assert extractive["n"] == 3 and extractive["answer"]["correct"] == 1.0
    assert set(extractive) >= {"mode", "n", "retrieval", "answer", "citations", "refusal", "latency_ms",
                               "explanations", "by_split", "by_language", "by_kind"}
    assert extractive["by_language"]["en"]["n"] == 3 and extractive["by_split"] == {}
    assert not (tmp_path / "user-data").exists(), "the user's own index must not be touched"
    ids = [json.loads(line)["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(set(ids)) == ["q1", "q2", "q3"]
    assert json.loads((out / "report.json").read_text()) == summaries
    assert "language en" in (out / "report.md").read_text() and (out / "chart.png").stat().st_size > 1000


@pytest.mark.slow
def test_chinese_squad_set_runs_end_to_end(tmp_path):
    result = _run_eval("--format", "squad", "--dataset", str(ZH_SQUAD), "--json", "--no-baseline", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    summaries = json.loads(result.stdout)
    assert [s["mode"] for s in summaries] == ["extractive"]
    summary = summaries[0]
    print(json.dumps(summary["by_language"], ensure_ascii=False, indent=1))
    zh = summary["by_language"]["zh"]
    assert summary["n"] == zh["n"] == 8 and list(summary["by_language"]) == ["zh"]
    assert zh["refusal"]["answerable"] == 6 and zh["refusal"]["unanswerable"] == 2
    assert zh["answer"]["n"] == 6 and zh["retrieval"]["n"] == 6
    for figure in (zh["answer"]["correct"], zh["answer"]["f1"], zh["retrieval"]["mrr"],
                   zh["refusal"]["answerable_refused"], zh["refusal"]["unanswerable_refused"]):
        assert 0.0 <= figure <= 1.0
    assert not (tmp_path / "user-data").exists()


@pytest.mark.parametrize("name", sorted(OUT_OF_DOMAIN))
def test_out_of_domain_sets_are_well_formed(name):
    data = json.loads((ROOT / "eval" / name).read_text(encoding="utf-8"))
    ids = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                ids.append(qa["id"])
                assert qa["is_impossible"] == (not qa["answers"]), qa["id"]
                for answer in qa["answers"]:
                    start = answer["answer_start"]
                    assert paragraph["context"][start:start + len(answer["text"])] == answer["text"], qa["id"]
    assert len(ids) == len(set(ids)) >= 45


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OUT_OF_DOMAIN))
def test_out_of_domain_sets_meet_their_quality_gate(name, tmp_path):
    result = _run_eval("--format", "squad", "--dataset", str(ROOT / "eval" / name), "--json", "--no-baseline",
                       tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)[0]
    correct, refused_max, unanswerable_min = OUT_OF_DOMAIN[name]
    print(name, summary["answer"]["correct"], summary["refusal"])
    assert summary["answer"]["correct"] >= correct
    assert summary["refusal"]["answerable_refused"] <= refused_max
    assert summary["refusal"]["unanswerable_refused"] >= unanswerable_min
