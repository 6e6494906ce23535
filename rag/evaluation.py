"""``rag eval``: run reference questions through the assistant and a plain baseline, score them.

Datasets: our JSONL (see eval/README.md) or SQuAD v1/v2 JSON (``--format squad``), whose
contexts are ingested into a fresh temporary index so the user's own index is untouched.
Results stream to disk one question at a time; the totals are running sums, so thousands of
questions fit in memory.

Every mode's figures are reported for the whole set and broken down by split (dev/test), by
language (en/zh) and by kind (factoid, explanation, unanswerable):

- retrieval (recall@k, MRR) is scored on the passages the answer drew on (``Answer.passages``),
  for answerable items that give support quotes;
- factoid items: ``correct`` = every key fact present, key-fact recall, token F1;
- explanation items: key-point coverage (share of key-point groups present) and ``reach_need``
  (share of items covering at least ``need`` groups); a refusal covers nothing;
- refusals: share of unanswerable items refused, share of answerable items refused.

A figure with nothing to average over (no explanation items in a split, say) is ``None``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from rag import metrics
from rag.errors import RagError
from rag.question import detect_language

BASELINE = "baseline"  # plain dense top-k from LangChain's Chroma retriever; answer = the top chunk
SPLITS = ("dev", "test")
KINDS = ("factoid", "explanation", "unanswerable")
BREAKDOWNS = ("by_split", "by_language", "by_kind")


@dataclass
class Item:
    """One reference question.

    Attributes:
        id: the item's id.
        turns: the questions asked in order; the last one is scored.
        answer: the reference answer (for token F1).
        key_facts: facts a correct factoid answer holds (a list entry is a set of alternatives).
        support: corpus quotes that answer it (for retrieval figures); None when unanswerable.
        split: "dev", "test", or "" when the dataset has no splits.
        lang: "en" or "zh" (detected from the question when not given).
        explanation: a why/how question, judged by key points rather than key facts.
        key_points: groups of alternative substrings; a group is covered when any is present.
        need: how many groups a good explanation covers.
    """

    id: str
    turns: list[str]
    answer: str
    key_facts: list
    support: list[str] | None
    split: str = ""
    lang: str = ""
    explanation: bool = False
    key_points: list = field(default_factory=list)
    need: int = 0

    def __post_init__(self):
        if not self.lang:
            self.lang = detect_language(self.question)

    @property
    def question(self) -> str:
        return self.turns[-1]

    @property
    def answerable(self) -> bool:
        return self.support is not None

    @property
    def kind(self) -> str:
        """"unanswerable", "explanation" or "factoid" (how the item is judged)."""
        if not self.answerable:
            return "unanswerable"
        return "explanation" if self.explanation else "factoid"


def _alternatives(value, what: str) -> list[str] | str:
    """Check a key fact or key-point group: a non-empty string or a non-empty list of them."""
    options = value if isinstance(value, list) else [value]
    if not options or not all(isinstance(o, str) and o.strip() for o in options):
        raise ValueError(f"each {what} must be a non-empty string or a list of them, not {value!r}")
    return value


def _list(obj: dict, name: str) -> list:
    """A list field of an item ([] when absent or null)."""
    value = obj.get(name) or []
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, not {value!r}")
    return value


def item_from_dict(obj: dict) -> Item:
    """Build and check an :class:`Item` from one JSON object of our format (eval/README.md).

    Args:
        obj: the parsed JSON object.

    Returns:
        The item (``lang`` detected from the question when absent; ``need`` defaults to every
        key point).

    Raises:
        KeyError, TypeError, ValueError: a field is missing or malformed (the message says which).
    """
    if not isinstance(obj, dict):
        raise TypeError("an item must be a JSON object")
    turns = obj["turns"] if "turns" in obj else [obj["question"]]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise ValueError("question/turns must be a non-empty question or list of questions")
    support = obj.get("support")
    if support is not None and not (isinstance(support, list) and all(isinstance(q, str) for q in support)):
        raise ValueError("support must be a list of quotes, or null for a question the documents do not answer")
    split = obj.get("split") or ""
    if split not in ("", *SPLITS):
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    lang = obj.get("lang") or ""
    if not isinstance(lang, str):
        raise ValueError(f"lang must be a language code such as \"en\" or \"zh\", not {lang!r}")
    kind = obj.get("type") or "factoid"
    if kind not in ("factoid", "explanation"):
        raise ValueError(f"type must be \"factoid\" or \"explanation\", not {kind!r}")
    key_facts = [_alternatives(f, "key fact") for f in _list(obj, "key_facts")]
    key_points = [_alternatives(g, "key-point group") for g in _list(obj, "key_points")]
    need = obj.get("need", len(key_points))
    if support is not None and kind == "factoid" and not key_facts:
        raise ValueError("an answerable item needs key_facts to judge the answer by (or \"type\": "
                         "\"explanation\" with key_points; or support null if the documents do not answer it)")
    if support is not None and kind == "explanation":
        if not key_points:
            raise ValueError("an explanation item needs key_points (groups of alternative substrings)")
        if not isinstance(need, int) or isinstance(need, bool) or not 0 < need <= len(key_points):
            raise ValueError(f"need must be a whole number from 1 to the number of key points "
                             f"({len(key_points)}), not {need!r}")
    return Item(str(obj["id"]), list(turns), str(obj.get("answer", "")), key_facts, support, split, lang,
                kind == "explanation", key_points, need if key_points else 0)


def load_jsonl(path: Path) -> list[Item]:
    """Read our JSONL format (one object per line; see eval/README.md).

    Args:
        path: the dataset file.

    Returns:
        The items in file order.

    Raises:
        RagError: the file cannot be read, a line is not valid JSON, or an item is malformed;
            the one-line message names the line and the reason.
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
            items.append(item_from_dict(json.loads(line)))
        except json.JSONDecodeError as err:
            raise RagError(f"{path}:{number}: not valid JSON ({err})") from None
        except KeyError as err:
            raise RagError(f"{path}:{number}: not a valid item (missing field {err})") from None
        except (TypeError, ValueError) as err:
            raise RagError(f"{path}:{number}: not a valid item ({err})") from None
    if not items:
        raise RagError(f"dataset {path} has no items")
    return items


def select_split(items: list[Item], split: str) -> list[Item]:
    """The items of one split ("dev" or "test"), or all of them ("all").

    Args:
        items: the dataset's items.
        split: "dev", "test" or "all".

    Returns:
        The chosen items, in order.

    Raises:
        RagError: no item belongs to the split.
    """
    if split == "all":
        return items
    chosen = [i for i in items if i.split == split]
    if not chosen:
        raise RagError(f"no items in the {split} split (items need \"split\": \"{split}\")")
    return chosen


def load_squad(path: Path, corpus_dir: Path) -> list[Item]:
    """Read SQuAD v1/v2 JSON; write each context as a document in ``corpus_dir``.

    Answer texts become one key fact with alternatives (any one suffices); questions with no
    answer (v2 ``is_impossible``) are unanswerable; ids are kept; the language of each
    question is detected (Chinese sets such as CMRC work as they are).

    Args:
        path: the SQuAD JSON file.
        corpus_dir: folder to write one Markdown document per paragraph into.

    Returns:
        The items (without a split).

    Raises:
        RagError: the file is not SQuAD JSON or holds no questions.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise RagError(f"cannot read SQuAD file {path}: {type(err).__name__}") from None
    corpus_dir.mkdir(parents=True, exist_ok=True)
    items = []
    try:
        for a, article in enumerate(data):
            title = json.dumps(str(article.get("title", f"article {a}")).replace("_", " "), ensure_ascii=False)
            for p, paragraph in enumerate(article.get("paragraphs", [])):
                (corpus_dir / f"{a:04d}-{p:03d}.md").write_text(f"---\ntitle: {title}\n---\n\n"
                                                                 f"{paragraph['context']}\n", encoding="utf-8")
                for qa in paragraph.get("qas", []):
                    answers = list(dict.fromkeys(x["text"] for x in qa.get("answers", []) if x.get("text", "").strip()))
                    impossible = qa.get("is_impossible", False) or not answers
                    items.append(Item(str(qa["id"]), [str(qa["question"])],
                                      answers[0] if answers else "The documents don't say.",
                                      [] if impossible else [answers], None if impossible else answers))
    except (KeyError, TypeError, AttributeError) as err:
        raise RagError(f"SQuAD file {path} is malformed ({type(err).__name__}: {err})") from None
    if not items:
        raise RagError(f"SQuAD file {path} has no questions")
    return items


class Baseline:
    """Plain dense retrieval through ``langchain_chroma.Chroma``: no BM25, no gate, no verification.
    The answer is the top chunk, cited as [1]; its passages are the k chunks retrieved."""

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
        """Answer with the top chunk; return the answer JSON and the retrieved chunk texts."""
        started = time.perf_counter()
        docs = self.vectorstore.as_retriever(search_kwargs={"k": k}).invoke(question)
        retrieve_ms = (time.perf_counter() - started) * 1000
        top = docs[0] if docs else None
        text = top.page_content if top else ""
        meta = top.metadata if top else {}
        result = {"question": question, "answer": f"{text} [1]" if top else "", "refused": False, "mode": BASELINE,
                  "kind": "factoid", "citations": [{"n": 1, "doc_id": meta.get("doc_id"), "title": meta.get("title"),
                                                    "section": meta.get("section"), "source": meta.get("source"),
                                                    "chunk_id": top.id, "start": meta.get("start"),
                                                    "end": meta.get("end"), "quote": text}] if top else [],
                  "sentences": [{"text": text, "citations": [1], "verified": True}] if top else [],
                  "timings_ms": {"retrieve": retrieve_ms, "generate": 0.0, "verify": 0.0, "total": retrieve_ms}}
        return result, [d.page_content for d in docs]


def score(item: Item, result: dict, passages: list[str]) -> dict:
    """Score one answer to one item.

    Args:
        item: the reference item.
        result: the answer's ``rag ask --json`` object.
        passages: texts of the passages the answer drew on, best first.

    Returns:
        The per-question scores (written to results.jsonl and summed by :class:`Totals`):
        ``refused``; retrieval figures when the item has support quotes; ``correct``,
        ``key_fact_recall`` and ``f1`` for a factoid; ``key_points_covered``,
        ``key_point_coverage`` and ``reached_need`` for an explanation; ``citations``
        (the four counts of :func:`rag.metrics.citation_scores`) when the answer was given.
    """
    refused = bool(result["refused"])
    scores: dict = {"refused": refused}
    if not item.answerable:
        return scores
    if item.support:
        scores.update(metrics.retrieval_scores(item.support, passages))
    answer = "" if refused else result["answer"]
    if item.explanation:
        covered = metrics.key_points_covered(item.key_points, answer)
        scores.update(key_points_covered=covered, key_point_coverage=covered / len(item.key_points),
                      reached_need=covered >= item.need)
    else:
        kfr = metrics.key_fact_recall(item.key_facts, answer)
        scores.update(key_fact_recall=kfr, correct=bool(answer) and kfr == 1.0,
                      f1=metrics.token_f1(answer, item.answer))
    if not refused:
        quotes = {c["n"]: c["quote"] for c in result["citations"]}
        scores["citations"] = list(metrics.citation_scores(result["sentences"], quotes))
    return scores


def _rate(part: float, whole: int) -> float | None:
    """``part / whole`` rounded, or None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def _percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) rounded, or None for no values."""
    return round(float(numpy.percentile(values, q)), 1) if values else None


RETRIEVAL_KEYS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr")


@dataclass
class Totals:
    """Running sums over the questions of one group (a mode, or one split/language/kind of it)."""

    n: int = 0
    with_support: int = 0
    retrieval: dict = field(default_factory=lambda: dict.fromkeys(RETRIEVAL_KEYS, 0.0))
    answerable: int = 0
    answerable_refused: int = 0
    unanswerable: int = 0
    unanswerable_refused: int = 0
    factoid: int = 0
    correct: int = 0
    key_fact_recall: float = 0.0
    f1: float = 0.0
    explanation: int = 0
    coverage: float = 0.0
    reached_need: int = 0
    citations: list = field(default_factory=lambda: [0, 0, 0, 0])  # see metrics.citation_scores
    latency: dict = field(default_factory=lambda: {"retrieve": [], "generate": [], "verify": [], "total": []})

    def add(self, item: Item, scores: dict, timings: dict) -> None:
        """Add one question's scores (from :func:`score`) and timings."""
        self.n += 1
        for stage, values in self.latency.items():
            values.append(float(timings.get(stage, 0.0)))
        if not item.answerable:
            self.unanswerable += 1
            self.unanswerable_refused += scores["refused"]
            return
        self.answerable += 1
        self.answerable_refused += scores["refused"]
        if "mrr" in scores:
            self.with_support += 1
            for key in self.retrieval:
                self.retrieval[key] += scores[key]
        if item.explanation:
            self.explanation += 1
            self.coverage += scores["key_point_coverage"]
            self.reached_need += scores["reached_need"]
        else:
            self.factoid += 1
            self.correct += scores["correct"]
            self.key_fact_recall += scores["key_fact_recall"]
            self.f1 += scores["f1"]
        for i, count in enumerate(scores.get("citations", ())):
            self.citations[i] += count

    def summary(self) -> dict:
        """The figures of this group (see the module docstring; None where nothing is averaged)."""
        good, total, supported, shown = self.citations
        lat = self.latency
        return {
            "n": self.n,
            "retrieval": {**{k: _rate(v, self.with_support) for k, v in self.retrieval.items()},
                          "n": self.with_support},
            "answer": {"correct": _rate(self.correct, self.factoid),
                       "key_fact_recall": _rate(self.key_fact_recall, self.factoid),
                       "f1": _rate(self.f1, self.factoid), "n": self.factoid},
            "explanations": {"n": self.explanation, "key_point_coverage": _rate(self.coverage, self.explanation),
                             "reach_need": _rate(self.reached_need, self.explanation)},
            "citations": {"precision": _rate(good, total), "recall": _rate(supported, shown)},
            "refusal": {"unanswerable_refused": _rate(self.unanswerable_refused, self.unanswerable),
                        "answerable_refused": _rate(self.answerable_refused, self.answerable),
                        "unanswerable": self.unanswerable, "answerable": self.answerable},
            "latency_ms": {"p50": _percentile(lat["total"], 50), "p95": _percentile(lat["total"], 95),
                           **{f"{stage}_p50": _percentile(v, 50) for stage, v in lat.items() if stage != "total"},
                           **{f"{stage}_p95": _percentile(v, 95) for stage, v in lat.items() if stage != "total"}},
        }


class ModeTotals:
    """The totals of one mode: over all questions, and per split, language and kind."""

    def __init__(self, mode: str):
        self.mode = mode
        self.all = Totals()
        self.groups: dict[str, dict[str, Totals]] = {name: {} for name in BREAKDOWNS}

    def add(self, item: Item, result: dict, passages: list[str]) -> dict:
        """Score one result, add it to every group it belongs to and return its scores."""
        scores = score(item, result, passages)
        timings = result.get("timings_ms", {})
        self.all.add(item, scores, timings)
        for name, key in zip(BREAKDOWNS, (item.split, item.lang, item.kind)):
            if key:
                self.groups[name].setdefault(key, Totals()).add(item, scores, timings)
        return scores

    def summary(self) -> dict:
        """The ``--json`` object for this mode: the overall figures, then ``by_split``,
        ``by_language`` and ``by_kind`` blocks of the same shape."""
        order = {"by_split": SPLITS, "by_language": ("en", "zh"), "by_kind": KINDS}
        breakdowns = {}
        for name, groups in self.groups.items():
            keys = [k for k in order[name] if k in groups] + sorted(k for k in groups if k not in order[name])
            breakdowns[name] = {k: groups[k].summary() for k in keys}
        return {"mode": self.mode, **self.all.summary(), **breakdowns}


def run_item(assistant, item: Item, mode: str, k: int | None) -> tuple[dict, list[str]]:
    """Ask an item's turns (earlier turns build the history).

    Args:
        assistant: the :class:`rag.pipeline.Assistant`.
        item: the item to ask.
        mode: the answer mode.
        k: passages per question (None: settings).

    Returns:
        The last answer's ``rag ask --json`` object and the texts of the passages it drew on
        (``Answer.passages``, set on refusals too), best first.
    """
    history = []
    for turn in item.turns[:-1]:
        earlier = assistant.answer(turn, history, mode=mode, k=k)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
    answer = assistant.answer(item.question, history, mode=mode, k=k)
    return answer.to_dict(), [p.text for p in answer.passages]


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
                    out.write(json.dumps({"id": item.id, **result, "eval_mode": mode, "split": item.split,
                                          "lang": item.lang, "item_kind": item.kind, "scores": scores},
                                         ensure_ascii=False) + "\n")
                bar.update(1)
        bar.close()
    finally:
        if out:
            out.close()
    return [totals[m].summary() for m in runners]


def _f(value, digits: int = 2) -> str:
    """A figure for a table cell ("-" when there is none)."""
    return "-" if value is None else f"{value:.{digits}f}"


def format_table(summaries: list[dict]) -> str:
    """A plain-text (Markdown) table of the main figures per mode."""
    head = ("| mode | n | R@1 | R@3 | R@5 | R@10 | MRR | correct | key facts | F1 | key points | reach need | "
            "cite P | cite R | unans. refused | ans. refused | p50 ms | p95 ms |")
    rows = [head, "|" + "---|" * 18]
    for s in summaries:
        r, a, e, c, f, lat = (s["retrieval"], s["answer"], s["explanations"], s["citations"], s["refusal"],
                              s["latency_ms"])
        rows.append(f"| {s['mode']} | {s['n']} | {_f(r['recall@1'])} | {_f(r['recall@3'])} | {_f(r['recall@5'])} | "
                    f"{_f(r['recall@10'])} | {_f(r['mrr'])} | {_f(a['correct'])} | {_f(a['key_fact_recall'])} | "
                    f"{_f(a['f1'])} | {_f(e['key_point_coverage'])} | {_f(e['reach_need'])} | "
                    f"{_f(c['precision'])} | {_f(c['recall'])} | {_f(f['unanswerable_refused'])} | "
                    f"{_f(f['answerable_refused'])} | {_f(lat['p50'], 0)} | {_f(lat['p95'], 0)} |")
    return "\n".join(rows)


def format_breakdown(summary: dict) -> str:
    """A Markdown table of one mode's figures per split, language and kind."""
    head = ("| group | n | R@5 | MRR | correct (n) | F1 | key points | reach need (n) | cite P | "
            "unans. refused (n) | ans. refused (n) | p50 ms |")
    rows = [head, "|" + "---|" * 12]
    groups = [("all", summary)] + [(f"{name[3:]} {key}", block) for name in BREAKDOWNS
                                   for key, block in summary[name].items()]
    for label, s in groups:
        r, a, e, c, f = s["retrieval"], s["answer"], s["explanations"], s["citations"], s["refusal"]
        rows.append(f"| {label} | {s['n']} | {_f(r['recall@5'])} | {_f(r['mrr'])} | {_f(a['correct'])} ({a['n']}) | "
                    f"{_f(a['f1'])} | {_f(e['key_point_coverage'])} | {_f(e['reach_need'])} ({e['n']}) | "
                    f"{_f(c['precision'])} | {_f(f['unanswerable_refused'])} ({f['unanswerable']}) | "
                    f"{_f(f['answerable_refused'])} ({f['answerable']}) | {_f(s['latency_ms']['p50'], 0)} |")
    return "\n".join(rows)


def format_report(summaries: list[dict]) -> str:
    """The text report: the per-mode table, then each mode's breakdown."""
    parts = [format_table(summaries)]
    for s in summaries:
        parts.append(f"{s['mode']} by split, language and kind:\n\n{format_breakdown(s)}")
    return "\n\n".join(parts)


def write_reports(summaries: list[dict], out: Path, dataset: str, split: str = "all") -> None:
    """Write report.md, report.json and chart.png into ``out``.

    Args:
        summaries: the summaries from :func:`evaluate`.
        out: the folder (created if missing).
        dataset: the dataset's name, for the headings.
        split: the split evaluated, for the headings.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summaries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.md").write_text(f"# Evaluation report\n\nDataset: `{dataset}` (split: {split}); generated "
                                   f"{time.strftime('%Y-%m-%d %H:%M')}.\n\n{format_report(summaries)}\n",
                                   encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["recall@5", "MRR", "correct", "key facts", "F1", "key points", "reach need", "cite P", "cite R",
              "unans. refused"]
    fig, ax = plt.subplots(figsize=(11, 4.5))
    width = 0.8 / max(len(summaries), 1)
    for i, s in enumerate(summaries):
        values = [s["retrieval"]["recall@5"], s["retrieval"]["mrr"], s["answer"]["correct"],
                  s["answer"]["key_fact_recall"], s["answer"]["f1"], s["explanations"]["key_point_coverage"],
                  s["explanations"]["reach_need"], s["citations"]["precision"], s["citations"]["recall"],
                  s["refusal"]["unanswerable_refused"]]
        ax.bar([x + i * width for x in range(len(labels))], [v or 0.0 for v in values], width, label=s["mode"])
    ax.set_xticks([x + width * (len(summaries) - 1) / 2 for x in range(len(labels))], labels)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"rag eval on {dataset} (split: {split})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "chart.png", dpi=110)
    plt.close(fig)


def run_cli(args, settings) -> int:
    """``rag eval`` entry point.

    Args:
        args: the parsed ``rag eval`` arguments (dataset, format, mode, k, limit, no_baseline, json,
            out, split).
        settings: program settings.

    Returns:
        The exit status (0).

    Raises:
        RagError: a bad dataset, split or mode (one-line message).
    """
    from rag.modes import resolve_mode
    from rag.pipeline import Assistant

    modes = args.mode or ["extractive"]
    for mode in modes:
        resolve_mode(settings, mode)
    split = args.split
    if not args.dataset.exists():
        raise RagError(f"dataset {args.dataset} does not exist")
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if args.format == "squad":
            corpus = Path(tmp) / "corpus"
            items = select_split(load_squad(args.dataset, corpus), split)
            settings = settings.replace(data_dir=Path(tmp) / "data", corpus_dir=corpus, chroma_host="",
                                        collection="squad-eval")
            assistant = Assistant(settings)
            report = assistant.ingester().run([corpus], progress=not args.json)
            print(f"indexed SQuAD contexts: {report.summary()}", file=sys.stderr)
        else:
            items = select_split(load_jsonl(args.dataset), split)
            assistant = Assistant(settings)
        if args.limit:
            items = items[: args.limit]
        results_path = None
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            results_path = args.out / "results.jsonl"
        summaries = evaluate(assistant, items, modes, args.k, not args.no_baseline, results_path,
                             progress=not args.json)
    if args.out:
        write_reports(summaries, args.out, str(args.dataset), split)
    if args.json:
        print(json.dumps(summaries, indent=2, ensure_ascii=False))
    else:
        print(format_report(summaries))
    return 0
