"""The benchmark's verdicts, tables (Markdown), charts and RESULTS.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A goal for one top-level figure of the results.

    Attributes:
        name: what is measured, as the table says it.
        key: the results key (None in ``--json`` when it was not measured).
        op: ``"<"`` or ``">="``.
        threshold: the goal.
        unit: shown after values.
    """

    name: str
    key: str
    op: str
    threshold: float
    unit: str

    def met(self, value) -> bool | None:
        """True or False for a measured value; None when it was not measured."""
        if value is None:
            return None
        return value < self.threshold if self.op == "<" else value >= self.threshold


# The targets of issue 14 (first eight), then the earlier ones of the first benchmark and issue 11's
# local-mode explanation p50.
TARGETS = (
    Target("ingest / plain LangChain Chroma.from_documents (same chunks and model, sentence-transformers)",
           "ingest_vs_langchain", ">=", 1.2, "x"),
    Target("ingest / raw encoder, same chunks", "ingest_vs_raw_encode", ">=", 0.95, "x"),
    Target("first rag ask in a new process, bundled corpus", "cold_first_ask_s", "<", 4.0, "s"),
    Target("first rag ask in a new process, 100k chunks", "cold_first_ask_s_100k", "<", 6.0, "s"),
    Target("retrieval p50 at 100k chunks", "retrieve_p50_ms_100k", "<", 50.0, "ms"),
    Target("keyword index ready in a new process, 100k chunks", "keyword_index_ready_s_100k", "<", 3.0, "s"),
    Target("UI ready", "ui_ready_s", "<", 10.0, "s"),
    Target("peak RSS at 100k chunks, extractive", "peak_rss_mb_100k", "<", 2048.0, "MB"),
    Target("extractive answer p50", "extractive_p50_ms", "<", 300.0, "ms"),
    Target("local answer p50", "local_p50_ms", "<", 6000.0, "ms"),
    Target("local-mode explanation p50", "local_explanation_p50_ms", "<", 10000.0, "ms"),
    Target("peak RSS with the local model", "peak_rss_local_mb", "<", 2048.0, "MB"),
)
LARGE = 100_000  # the index size the "100k" targets speak of
VERDICT = {True: "met", False: "MISSED", None: "not measured"}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _spread(results: dict, key: str) -> str:
    spread = results.get(f"{key}_spread")
    return f"; spread {spread[0]:g}-{spread[1]:g}" if spread else ""


def target_note(results: dict, key: str) -> str:
    """How a target's figure was measured, or why it was not."""
    value = results.get(key)
    ingest = results.get("ingest_measured_at_chunks")
    runs = results.get("ingest_runs")
    if key in ("ingest_vs_langchain", "ingest_vs_raw_encode"):
        if value is None:
            return "LangChain baseline not run" if key == "ingest_vs_langchain" and ingest else "ingest not run"
        return f"median of {_count(runs, 'run', 'runs')} at {ingest:,} chunks{_spread(results, key)}"
    if key.endswith("_100k") or key == "peak_rss_mb_100k":
        if value is not None:
            return f"{results.get('large_index_chunks', LARGE):,}-chunk index"
        if results.get("large_index_error"):
            return f"failed: {results['large_index_error']}"
        return "100k index not run (quick mode)" if results.get("quick") else "100k index not run"
    if key in ("cold_first_ask_s", "ui_ready_s"):
        cold = results.get("cold_start") or {}
        if value is None:
            return "; ".join(cold.get("errors", [])) or "cold start not run"
        runs_key = "first_ask_s_runs" if key == "cold_first_ask_s" else "ui_ready_runs"
        return f"median of {_count(len(cold.get(runs_key, [])), 'new process', 'new processes')}"
    return ""


def evaluate_targets(results: dict) -> list[dict]:
    """Each target with the measured value and whether it is met (None: not measured).

    Args:
        results: the results dict (top-level keys as in ``rag bench --json``).

    Returns:
        One dict per target: ``target, key, op, threshold, unit, value, met, note``.
    """
    return [{"target": t.name, "key": t.key, "op": t.op, "threshold": t.threshold, "unit": t.unit,
             "value": results.get(t.key), "met": t.met(results.get(t.key)), "note": target_note(results, t.key)}
            for t in TARGETS]


def growth_rows(results: dict) -> list[dict]:
    """One row per corpus size: what each cost grows to."""
    rows = {}
    for r in results.get("ingest", []):
        row = rows.setdefault(r["chunks"], {"chunks": r["chunks"]})
        row.update(ingest_chunks_per_s=r["chunks_per_s"], raw_encode_chunks_per_s=r["raw_encode_chunks_per_s"],
                   langchain_chunks_per_s=r["langchain_chunks_per_s"], ingest_s=r["seconds"])
    for r in results.get("retrieval", []):
        if r["index"] != "synthetic":
            continue
        row = rows.setdefault(r["chunks"], {"chunks": r["chunks"]})
        prefix = "" if r["store"] == "embedded" else "server_"
        row[f"{prefix}hybrid_p50_ms"] = r["hybrid_p50_ms"]
        row[f"{prefix}dense_p50_ms"] = r["dense_p50_ms"]
        row[f"{prefix}bm25_build_s"] = r["bm25_build_s"]
        if r["store"] == "embedded":
            row["index_write_s"] = r["write_s"]
            row["rss_mb"] = r["rss_mb"]
    return [rows[k] for k in sorted(rows)]


# ---- tables -------------------------------------------------------------------------------------
def _fmt(value, digits: int | None = None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        digits = digits if digits is not None else (2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0)
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "-".join(_fmt(v) for v in value)
    return str(value)


def table(head: list[str], rows: list[list]) -> str:
    """A Markdown table; None shows as ``-``."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _measured(t: dict) -> str:
    return "not measured" if t["value"] is None else f"{_fmt(t['value'])} {t['unit']}".strip()


COLD_LABELS = {"rag_help_s": "rag --help (median of 3)", "rag_help_first_s": "rag --help (first run)",
               "first_ask_s": "first rag ask (extractive, new process, median)",
               "first_ask_local_s": "first rag ask --mode local (new process, model load included)",
               "ui_page_s": "UI page served (HTTP 200)", "ui_ready_s": "UI ready (warm-up finished)"}


def format_tables(results: dict) -> str:
    """The result tables (Markdown), as printed and as in RESULTS.md."""
    parts = ["Targets\n\n" + table(
        ["target", "goal", "measured", "result", "how"],
        [[t["target"], f"{t['op']} {t['threshold']:g} {t['unit']}".strip(), _measured(t), VERDICT[t["met"]],
          t["note"]] for t in results.get("targets", [])])]
    parts.append("Ingestion (chunks/s; medians of the runs; ratios with their spread min-max)\n\n" + table(
        ["corpus", "files", "chunks", "runs", "ingest chunks/s", "raw encode chunks/s", "LangChain chunks/s",
         "ingest / raw", "spread", "ingest / both encoders", "spread", "time / without multilingual", "spread",
         "ingest / LangChain", "spread"],
        [[r["corpus"], r["files"], r["chunks"], r["runs"], r["chunks_per_s"], r["raw_encode_chunks_per_s"],
          r["langchain_chunks_per_s"], r["ingest_vs_raw_encode"], r["ingest_vs_raw_encode_spread"],
          r.get("ingest_vs_both_encoders"), r.get("ingest_vs_both_encoders_spread"),
          r.get("ingest_time_vs_english_only"), r.get("ingest_time_vs_english_only_spread"),
          r["ingest_vs_langchain"], r["ingest_vs_langchain_spread"]] for r in results.get("ingest", [])]))
    if results.get("retrieval"):
        parts.append("Retrieval latency (ms). dense = dense only; fusion = dense + BM25 + RRF; hybrid = fusion + "
                     "sentence scoring and rerank (Assistant.select, what answering runs), sentence cache warm; "
                     "first ask = the same the first time a question is asked; cold = sentence cache cleared\n\n"
                     + table(["chunks", "index", "store", "dense p50", "dense p95", "fusion p50", "fusion p95",
                              "hybrid p50", "hybrid p95", "first ask p50", "cold p50", "keyword index s"],
                             [[r["chunks"], r["index"], r["store"], r["dense_p50_ms"], r["dense_p95_ms"],
                               r["fusion_p50_ms"], r["fusion_p95_ms"], r["hybrid_p50_ms"], r["hybrid_p95_ms"],
                               r["hybrid_first_p50_ms"], r["hybrid_cold_p50_ms"], r["bm25_build_s"]]
                              for r in results["retrieval"]]))
    large = results.get("large_index")
    if large:
        parts.append(f"Large index ({_fmt(large['chunks'])} chunks; new processes)\n\n" + table(
            ["figure", "value"],
            [["keyword index ready, first new process (s)", large["keyword_first_s"]],
             ["keyword index ready, next new processes (median s)", large["keyword_ready_s"]],
             ["first rag ask, new process (median s)", large["first_ask_s"]],
             ["peak RSS of rag ask (MB)", large["peak_rss_mb"]],
             ["retrieval hybrid p50 / p95 (ms)", f"{_fmt(large['retrieval']['hybrid_p50_ms'])} / "
                                                 f"{_fmt(large['retrieval']['hybrid_p95_ms'])}"],
             ["index written (s; when first built)", large.get("write_s")]]))
    parts.append("Answering (ms)\n\n" + table(
        ["mode", "questions", "p50", "p95", "first text p50", "first text p95", "refused", "answered as",
         "model load s"],
        [[a["mode"], a["n"], a["p50_ms"], a["p95_ms"], a["first_text_p50_ms"], a["first_text_p95_ms"], a["refused"],
          ", ".join(f"{k} {v}" for k, v in a["answered_as"].items()), a["model_load_s"]]
         for a in results.get("answer", [])]))
    cold = results.get("cold_start") or {}
    if cold:
        parts.append("Cold start (s)\n\n" + table(["what", "seconds"],
                                                  [[COLD_LABELS[k], cold[k]] for k in COLD_LABELS if k in cold]))
    memory = results.get("memory", [])
    if memory:
        parts.append("Peak RSS (MB)\n\n" + table(
            ["process", "peak RSS MB", "answered as"],
            [[m["what"], m["peak_rss_mb"], m.get("answered_as") or ("failed" if m.get("error") else "")]
             for m in memory]))
    growth = results.get("growth", [])
    if growth:
        parts.append("Growth (one row per corpus size)\n\n" + table(
            ["chunks", "ingest chunks/s", "raw encode chunks/s", "LangChain chunks/s", "index build s",
             "hybrid p50 ms", "dense p50 ms", "server hybrid p50 ms", "keyword index s", "process RSS MB"],
            [[g["chunks"], g.get("ingest_chunks_per_s"), g.get("raw_encode_chunks_per_s"),
              g.get("langchain_chunks_per_s"), g.get("index_write_s"), g.get("hybrid_p50_ms"), g.get("dense_p50_ms"),
              g.get("server_hybrid_p50_ms"), g.get("bm25_build_s"), g.get("rss_mb")] for g in growth]))
    return "\n\n".join(parts)


# ---- charts -------------------------------------------------------------------------------------
def _chart(out: Path, name: str, draw, size=(7, 4.2), panels: int = 1) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, panels, figsize=size)
    draw(fig, axes)
    fig.tight_layout()
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def _log_axes(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)


def write_charts(results: dict, out: Path) -> list[str]:
    """ingest.png, retrieval.png and growth.png (where there is data); returns the names written."""
    written = []
    ingest = results.get("ingest", [])
    retrieval = results.get("retrieval", [])
    growth = [g for g in results.get("growth", []) if g.get("bm25_build_s") is not None]

    def draw_ingest(fig, ax):
        x = [r["chunks"] for r in ingest]
        ax.plot(x, [r["chunks_per_s"] for r in ingest], "o-", label="rag ingest (end to end)")
        ax.plot(x, [r["raw_encode_chunks_per_s"] for r in ingest], "s--", label="raw encoder, same texts")
        if any(r["langchain_chunks_per_s"] for r in ingest):
            ax.plot(x, [r["langchain_chunks_per_s"] for r in ingest], "^:", label="LangChain Chroma.from_documents")
        _log_axes(ax, "chunks in the corpus", "chunks / s", "Ingestion throughput (medians)")
        ax.set_ylim(bottom=0)
        ax.legend()

    def draw_retrieval(fig, ax):
        for store, method, color in (("embedded", "hybrid", "C0"), ("embedded", "dense", "C1"),
                                     ("server", "hybrid", "C2"), ("server", "dense", "C3")):
            rows = sorted((r for r in retrieval if r["store"] == store and r["index"] == "synthetic"),
                          key=lambda r: r["chunks"])
            if rows:
                x = [r["chunks"] for r in rows]
                ax.plot(x, [r[f"{method}_p50_ms"] for r in rows], "o-", color=color, label=f"{store} {method} p50")
                ax.plot(x, [r[f"{method}_p95_ms"] for r in rows], "o--", color=color, alpha=0.5,
                        label=f"{store} {method} p95")
        real = [r for r in retrieval if r["index"] == "ingested"]
        if real:
            ax.plot([r["chunks"] for r in real], [r["hybrid_p50_ms"] for r in real], "k*", markersize=11,
                    label="ingested index (real vectors), hybrid p50")
        ax.axhline(50, color="grey", linewidth=0.8, linestyle=":")
        _log_axes(ax, "chunks in the index", "ms per query", "Retrieval latency (hybrid = dense + BM25 + rerank)")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)

    def draw_growth(fig, axes):
        left, right = axes
        x = [g["chunks"] for g in growth]
        left.plot(x, [g["bm25_build_s"] for g in growth], "o-", label="keyword index ready (this process)")
        left.plot(x, [g.get("index_write_s") or 0 for g in growth], "s--", label="index build (chunks + Chroma write)")
        _log_axes(left, "chunks", "seconds", "Growth with corpus size")
        left.set_yscale("log")
        left.legend()
        right.plot(x, [g.get("rss_mb") for g in growth], "o-")
        _log_axes(right, "chunks", "MB", "Benchmark process RSS after the keyword index")

    if ingest:
        written.append(_chart(out, "ingest.png", draw_ingest))
    if retrieval:
        written.append(_chart(out, "retrieval.png", draw_retrieval, (7.5, 4.5)))
    if growth:
        written.append(_chart(out, "growth.png", draw_growth, (10, 4), panels=2))
    return written


HOW = """## How it was measured

- **Ingestion**: `Ingester.run` on a folder into a fresh embedded index, timed end to end (hash, load,
  chunk, embed, write, ledger). *Raw encode* is `Embedder.encode` (the encoder of ingest: the int8 ONNX
  export unless `RAG_EMBED_PRECISION=float32`) on exactly the texts ingest embedded (title and section
  prefix included), in one call. *Both encoders* is the same plus the multilingual encoder on the same
  texts, the two encoders that ingest runs: ingest / both encoders is what the rest of ingest costs.
  *Time / without multilingual* is ingest's time over the time of the same ingest without the
  multilingual channel (its encoder and collection): what the second channel costs.
  *LangChain* is `langchain_chroma.Chroma.from_documents` with the same chunk texts, ids and metadata,
  into its own collection, with the same model's weights on sentence-transformers (torch, float32), as
  LangChain's `HuggingFaceEmbeddings` runs them: it starts from ready chunks, ours from files. Each repeat
  runs them in rotating order; the ratios are the medians over the repeats, with their spread (min-max). Synthetic
  corpora are Markdown files of corpus sentences recombined at random (about 60 chunks per file), chunked
  before writing so ingest makes exactly the stated number of chunks.
- **Retrieval**: questions from `eval/qa.jsonl`; the keyword index is made ready and timed first (built,
  or loaded where it is kept on disk), one warm-up query is not counted. *dense* is dense-only
  (`rag search --dense-only`), *fusion* is dense + BM25 with reciprocal rank fusion, *hybrid* is
  `Assistant.select` (fusion + sentence scoring and rerank), the retrieval step of every answer, on a
  second pass over the questions so its sentence-vector cache is warm. *first ask* is the first pass;
  *cold* clears the cache before every query. Synthetic indexes are written once under the cache folder
  (`~/.cache/rag/bench`, keyed by their parameters) and reused.
- **Large index** (full mode): a 100,000-chunk index (the corpus's chunks plus synthetic ones). In new
  processes: the keyword index made ready (the first process may build and save it; the next ones give the
  median), then `rag ask --mode extractive --json` (median; peak RSS from `wait4`). Then retrieval latency
  in the benchmark process.
- **Answering**: `Assistant.stream` over the corpus index; *first text* is the time to the first streamed
  text event. Local mode uses llama.cpp in-process; the model load is timed apart.
- **Cold start and memory**: each in a new process (`rag --help`, `rag ask --mode M --json`,
  `python ui.py`), so modes do not share memory. *UI ready* is the time until the UI logs that its warm-up
  (embedder, index, keyword index) has finished. The OS file cache is warm (the benchmark read the same
  files before).
- A target reads *not measured* (`null` in `--json`) whenever this run did not measure it: nothing is
  inferred from a smaller index or another run.
"""


def write_results(results: dict, out: Path) -> None:
    """Write RESULTS.md, results.json and the charts into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    charts = write_charts(results, out)
    m, v = results["machine"], results["versions"]
    lines = [
        "# rag bench results", "",
        f"Generated {results['date']} by `rag bench{' --quick' if results['quick'] else ''}` "
        f"in {results['seconds']:.0f} s.", "",
        "## Machine", "",
        f"- CPU: {m['cpu']}; {m['cores_logical']} logical cores ({m['cores_physical']} physical); "
        f"{m['ram_gb']} GB RAM; no GPU used",
        f"- OS: {m['os']}; Python {m['python']}",
        f"- load average at start {m['load_average']}, at end {m.get('load_average_end')} "
        "(a busy machine makes every figure slower)",
        f"- torch {v.get('torch')} ({v.get('torch_threads')} threads), sentence-transformers "
        f"{v.get('sentence-transformers')}, transformers {v.get('transformers')}, chromadb {v.get('chromadb')}, "
        f"langchain-chroma {v.get('langchain-chroma')}, bm25s {v.get('bm25s')}, llama-cpp-python "
        f"{v.get('llama_cpp_python')}, gradio {v.get('gradio')}",
        f"- embedding model: {results['embedder']['label']} (load and first batch {results['embedder']['load_s']} s)",
        "",
        "## Results", "", format_tables(results), "",
        *(["## Notes", ""] + [f"- {note}" for note in results["notes"]] + [""] if results.get("notes") else []),
        HOW,
    ]
    if charts:
        lines += ["## Charts", ""] + [f"![{c}]({c})" for c in charts] + [""]
    (out / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
