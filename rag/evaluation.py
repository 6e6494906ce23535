"""``rag eval``: run reference questions through the assistant and a plain baseline, score them.

Datasets: our JSONL (see eval/README.md) or SQuAD v1/v2 JSON (``--format squad``), whose
contexts are ingested into a fresh temporary index so the user's own index is untouched.
Results stream to disk one question at a time, so thousands of questions fit in memory.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rag import metrics
from rag.errors import RagError

BASELINE = "baseline"  # plain dense top-k from LangChain's Chroma retriever; answer = the top chunk
RETRIEVAL_DEPTH = 10


@dataclass
class Item:
    """One reference question."""

    id: str
    turns: list[str]
    answer: str
    key_facts: list
    support: list[str] | None

    @property
    def question(self) -> str:
        return self.turns[-1]

    @property
    def answerable(self) -> bool:
        return self.support is not None


def load_jsonl(path: Path) -> list[Item]:
    """Read our JSONL format (one object per line; see eval/README.md).

    Raises:
        RagError: a line is not valid JSON or lacks a field.
    """
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise RagError(f"cannot read dataset {path}: {err}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            turns = obj["turns"] if "turns" in obj else [obj["question"]]
            items.append(Item(str(obj["id"]), [str(t) for t in turns], str(obj.get("answer", "")),
                              list(obj.get("key_facts") or []), obj.get("support")))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise RagError(f"{path}:{number}: not a valid item ({type(err).__name__}: {err})") from None
    if not items:
        raise RagError(f"dataset {path} has no items")
    return items


def load_squad(path: Path, corpus_dir: Path) -> list[Item]:
    """Read SQuAD v1/v2 JSON; write each context as a document in ``corpus_dir``.

    Answer texts become one key fact with alternatives (any one suffices); questions with no
    answer (v2 ``is_impossible``) are unanswerable; ids are kept.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise RagError(f"cannot read SQuAD file {path}: {type(err).__name__}") from None
    corpus_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            context = paragraph["context"]
            title = str(article.get("title", f"article {a}")).replace("_", " ")
            (corpus_dir / f"{a:04d}-{p:03d}.md").write_text(f"---\ntitle: \"{title}\"\n---\n\n{context}\n",
                                                             encoding="utf-8")
            for qa in paragraph.get("qas", []):
                answers = list(dict.fromkeys(x["text"] for x in qa.get("answers", []) if x.get("text")))
                impossible = qa.get("is_impossible", False) or not answers
                items.append(Item(str(qa["id"]), [qa["question"]], answers[0] if answers else "The documents don't say.",
                                  [] if impossible else [answers], None if impossible else answers))
    if not items:
        raise RagError(f"SQuAD file {path} has no questions")
    return items


class Baseline:
    """Plain dense retrieval through ``langchain_chroma.Chroma``: no BM25, no gate, no verification.
    The answer is the top chunk, cited as [1]."""

    def __init__(self, assistant):
        from langchain_chroma import Chroma
        from langchain_core.embeddings import Embeddings

        embedder = assistant.embedder

        class _Embeddings(Embeddings):
            def embed_documents(self, texts):
                return embedder.embed_documents(texts)

            def embed_query(self, text):
                return embedder.embed_query(text)

        store = assistant.store
        self.vectorstore = Chroma(client=store.client, collection_name=store.settings.collection,
                                  embedding_function=_Embeddings())

    def ask(self, question: str, k: int) -> tuple[dict, list[str]]:
        started = time.perf_counter()
        docs = self.vectorstore.as_retriever(search_kwargs={"k": max(k, RETRIEVAL_DEPTH)}).invoke(question)
        retrieve_ms = (time.perf_counter() - started) * 1000
        top = docs[0] if docs else None
        text = top.page_content if top else ""
        meta = top.metadata if top else {}
        result = {"question": question, "answer": f"{text} [1]" if top else "", "refused": False, "mode": BASELINE,
                  "citations": [{"n": 1, "doc_id": meta.get("doc_id"), "title": meta.get("title"),
                                 "section": meta.get("section"), "source": meta.get("source"), "chunk_id": top.id,
                                 "start": meta.get("start"), "end": meta.get("end"), "quote": text}] if top else [],
                  "sentences": [{"text": text, "citations": [1], "verified": True}] if top else [],
                  "timings_ms": {"retrieve": retrieve_ms, "generate": 0.0, "verify": 0.0, "total": retrieve_ms}}
        return result, [d.page_content for d in docs]


@dataclass
class ModeTotals:
    """Running sums for one mode (kept small: no per-question lists except latencies)."""

    mode: str
    n: int = 0
    retrieval: dict = field(default_factory=lambda: {"recall@1": 0.0, "recall@3": 0.0, "recall@5": 0.0,
                                                     "recall@10": 0.0, "mrr": 0.0})
    answerable: int = 0
    correct: int = 0
    key_fact_recall: float = 0.0
    f1: float = 0.0
    cite_good: int = 0
    cite_total: int = 0
    sent_supported: int = 0
    sent_total: int = 0
    unanswerable: int = 0
    unanswerable_refused: int = 0
    answerable_refused: int = 0
    latency: dict = field(default_factory=lambda: {"retrieve": [], "generate": [], "verify": [], "total": []})

    def add(self, item: Item, result: dict, passages: list[str]) -> dict:
        """Score one result, add it to the totals and return the per-question scores."""
        self.n += 1
        for stage in self.latency:
            self.latency[stage].append(float(result["timings_ms"].get(stage, 0.0)))
        scores = {}
        if not item.answerable:
            self.unanswerable += 1
            self.unanswerable_refused += bool(result["refused"])
            return {"refused": result["refused"]}
        self.answerable += 1
        self.answerable_refused += bool(result["refused"])
        scores.update(metrics.retrieval_scores(item.support, passages))
        for key in self.retrieval:
            self.retrieval[key] += scores[key]
        answer = "" if result["refused"] else result["answer"]
        kfr = metrics.key_fact_recall(item.key_facts, answer)
        scores.update(key_fact_recall=kfr, correct=bool(answer) and kfr == 1.0,
                      f1=metrics.token_f1(answer, item.answer))
        self.key_fact_recall += kfr
        self.correct += scores["correct"]
        self.f1 += scores["f1"]
        if not result["refused"]:
            quotes = {c["n"]: c["quote"] for c in result["citations"]}
            good, total, supported, shown = metrics.citation_scores(result["sentences"], quotes)
            self.cite_good += good
            self.cite_total += total
            self.sent_supported += supported
            self.sent_total += shown
        return scores

    def summary(self) -> dict:
        """The ``--json`` object for this mode."""
        a = max(self.answerable, 1)
        return {
            "mode": self.mode, "n": self.n,
            "retrieval": {k: round(v / a, 4) for k, v in self.retrieval.items()},
            "answer": {"correct": round(self.correct / a, 4), "key_fact_recall": round(self.key_fact_recall / a, 4),
                       "f1": round(self.f1 / a, 4)},
            "citations": {"precision": round(self.cite_good / max(self.cite_total, 1), 4),
                          "recall": round(self.sent_supported / max(self.sent_total, 1), 4)},
            "refusal": {"unanswerable_refused": round(self.unanswerable_refused / max(self.unanswerable, 1), 4),
                        "answerable_refused": round(self.answerable_refused / a, 4)},
            "latency_ms": {"p50": round(metrics.percentile(self.latency["total"], 50), 1),
                           "p95": round(metrics.percentile(self.latency["total"], 95), 1),
                           **{f"{stage}_p50": round(metrics.percentile(v, 50), 1)
                              for stage, v in self.latency.items() if stage != "total"},
                           **{f"{stage}_p95": round(metrics.percentile(v, 95), 1)
                              for stage, v in self.latency.items() if stage != "total"}},
        }


def run_item(assistant, item: Item, mode: str, k: int | None) -> tuple[dict, list[str]]:
    """Ask an item's turns (earlier turns build the history); return the last answer's JSON and
    the passages retrieved for it (for retrieval metrics)."""
    history = []
    for turn in item.turns[:-1]:
        earlier = assistant.answer(turn, history, mode=mode, k=k)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
    answer = assistant.answer(item.question, history, mode=mode, k=k)
    passages = [p.text for p in assistant.retrieve(answer.standalone_question, RETRIEVAL_DEPTH)["passages"]]
    return answer.to_dict(), passages


def evaluate(assistant, items: list[Item], modes: list[str], k: int | None = None, baseline: bool = True,
             results_path: Path | None = None, progress: bool = True) -> list[dict]:
    """Run every item through every mode (and the baseline) and return one summary per mode.

    Args:
        assistant: a :class:`rag.pipeline.Assistant` over the index to evaluate.
        items: the reference questions.
        modes: answer modes to run.
        k: passages per question (default: settings).
        baseline: also run the dense top-chunk baseline.
        results_path: write one JSON line per question and mode here.
        progress: show a progress bar on stderr.

    Returns:
        Summaries (see :meth:`ModeTotals.summary`), modes first, baseline last.
    """
    from tqdm import tqdm

    totals = {m: ModeTotals(m) for m in modes}
    runners = list(modes)
    base = None
    if baseline:
        base = Baseline(assistant)
        totals[BASELINE] = ModeTotals(BASELINE)
        runners.append(BASELINE)
    out = open(results_path, "w", encoding="utf-8") if results_path else None
    try:
        bar = tqdm(total=len(items) * len(runners), unit="q", desc="eval", disable=not progress or None, leave=False)
        for item in items:
            for mode in runners:
                if mode == BASELINE:
                    result, passages = base.ask(item.question, k or assistant.settings.k)
                else:
                    result, passages = run_item(assistant, item, mode, k)
                scores = totals[mode].add(item, result, passages)
                if out:
                    out.write(json.dumps({"id": item.id, **result, "mode": result["mode"], "eval_mode": mode,
                                          "scores": scores}, ensure_ascii=False) + "\n")
                bar.update(1)
        bar.close()
    finally:
        if out:
            out.close()
    return [totals[m].summary() for m in runners]


def format_table(summaries: list[dict]) -> str:
    """A plain-text (Markdown) table of the main figures per mode."""
    head = ("| mode | n | R@1 | R@3 | R@5 | R@10 | MRR | correct | key facts | F1 | cite P | cite R | "
            "unans. refused | ans. refused | p50 ms | p95 ms |")
    rows = [head, "|" + "---|" * 16]
    for s in summaries:
        r, a, c, f, lat = s["retrieval"], s["answer"], s["citations"], s["refusal"], s["latency_ms"]
        rows.append(f"| {s['mode']} | {s['n']} | {r['recall@1']:.2f} | {r['recall@3']:.2f} | {r['recall@5']:.2f} | "
                    f"{r['recall@10']:.2f} | {r['mrr']:.2f} | {a['correct']:.2f} | {a['key_fact_recall']:.2f} | "
                    f"{a['f1']:.2f} | {c['precision']:.2f} | {c['recall']:.2f} | {f['unanswerable_refused']:.2f} | "
                    f"{f['answerable_refused']:.2f} | {lat['p50']:.0f} | {lat['p95']:.0f} |")
    return "\n".join(rows)


def write_reports(summaries: list[dict], out: Path, dataset: str) -> None:
    """Write report.md, report.json and chart.png into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summaries, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(f"# Evaluation report\n\nDataset: `{dataset}`; generated "
                                   f"{time.strftime('%Y-%m-%d %H:%M')}.\n\n{format_table(summaries)}\n",
                                   encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["recall@5", "MRR", "correct", "key facts", "F1", "cite P", "cite R", "unans. refused"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(summaries), 1)
    for i, s in enumerate(summaries):
        values = [s["retrieval"]["recall@5"], s["retrieval"]["mrr"], s["answer"]["correct"],
                  s["answer"]["key_fact_recall"], s["answer"]["f1"], s["citations"]["precision"],
                  s["citations"]["recall"], s["refusal"]["unanswerable_refused"]]
        ax.bar([x + i * width for x in range(len(labels))], values, width, label=s["mode"])
    ax.set_xticks([x + width * (len(summaries) - 1) / 2 for x in range(len(labels))], labels)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"rag eval on {dataset}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "chart.png", dpi=110)
    plt.close(fig)


def run_cli(args, settings) -> int:
    """``rag eval`` entry point."""
    from rag.pipeline import Assistant, resolve_mode

    modes = args.mode or ["extractive"]
    for mode in modes:
        resolve_mode(settings, mode)
    if not args.dataset.exists():
        raise RagError(f"dataset {args.dataset} does not exist")
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if args.format == "squad":
            from rag.ingest import Ingester

            corpus = Path(tmp) / "corpus"
            items = load_squad(args.dataset, corpus)
            settings = settings.replace(data_dir=Path(tmp) / "data", corpus_dir=corpus, chroma_host="",
                                        collection="squad-eval")
            report = Ingester(settings).run([corpus], progress=not args.json)
            print(f"indexed SQuAD contexts: {report.summary()}", file=sys.stderr)
        else:
            items = load_jsonl(args.dataset)
        if args.limit:
            items = items[: args.limit]
        assistant = Assistant(settings)
        results_path = None
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            results_path = args.out / "results.jsonl"
        summaries = evaluate(assistant, items, modes, args.k, not args.no_baseline, results_path,
                             progress=not args.json)
    if args.out:
        write_reports(summaries, args.out, str(args.dataset))
    if args.json:
        print(json.dumps(summaries, indent=2))
    else:
        print(format_table(summaries))
    return 0
