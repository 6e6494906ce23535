"""What a ``rag bench`` run measures, in which order, and the top-level figures it reports."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.bench import stages
from rag.bench.processes import chroma_command, free_port, self_peak_rss_mb, serving
from rag.bench.report import LARGE, evaluate_targets, format_tables, growth_rows, write_results
from rag.bench.synthetic import (FALLBACK_QUESTIONS, build_synthetic_corpus, cached_index, load_questions,
                                 pool_vectors, release_chroma_clients, sentence_pool, shortcut_cosine)
from rag.errors import RagError
from rag.settings import Settings


@dataclass(frozen=True)
class BenchConfig:
    """What to measure and how often.

    Attributes:
        ingest_sizes: synthetic corpus sizes (chunks) ingested end to end (corpus/ always is).
        ingest_repeats: runs per synthetic corpus (ingest, raw encode, LangChain each); medians count.
        corpus_repeats: runs of corpus/ (small, so cheap to repeat).
        retrieval_sizes: index sizes (chunks) for the latency curve.
        large_size: the large index measured in new processes (None: skipped).
        questions: questions per retrieval measurement and per extractive run.
        cold_questions: questions for the cold sentence-cache retrieval figure.
        local_questions: questions answered in local mode.
        cold_repeats: new processes per first-answer figure (the median counts).
        ui_repeats: UI starts (the median counts).
        langchain: run the LangChain ``Chroma.from_documents`` baseline.
        server: measure retrieval through a ``chroma run`` server.
        local: measure local (llama.cpp) mode when available.
        cold_start: run the new-process measurements on the corpus (cold start, memory, UI).
        quick: recorded in the results.
        cache_dir: where synthetic indexes are kept between runs (None: ``<settings.cache_dir>/bench``).
    """

    ingest_sizes: tuple = (1000, 4000)
    ingest_repeats: int = 3
    corpus_repeats: int = 3
    retrieval_sizes: tuple = (1000, 10_000)
    large_size: int | None = LARGE
    questions: int = 20
    cold_questions: int = 8
    local_questions: int = 5
    cold_repeats: int = 3
    ui_repeats: int = 3
    langchain: bool = True
    server: bool = True
    local: bool = True
    cold_start: bool = True
    quick: bool = False
    cache_dir: Path | None = None


FULL = BenchConfig()
# --quick: about 5 minutes on 2 quiet cores, 9 on a busy machine (each ingest repeat encodes every
# chunk three times: ingest, raw encode, LangChain). No 100k index: its targets read "not measured".
QUICK = BenchConfig(ingest_sizes=(250,), ingest_repeats=3, corpus_repeats=1, retrieval_sizes=(1000, 10_000),
                    large_size=None, questions=8, cold_questions=3, local_questions=2, cold_repeats=3, ui_repeats=1,
                    quick=True)
LARGE_KEYS = ("retrieve_p50_ms_100k", "retrieve_p95_ms_100k", "cold_first_ask_s_100k", "keyword_index_ready_s_100k",
              "peak_rss_mb_100k")


class Progress:
    """Stage lines on stderr with the elapsed time."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[bench {time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr, flush=True)


def machine_info() -> dict:
    """Cores, RAM, CPU model, OS and load average."""
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu or "unknown", "cores_logical": os.cpu_count(), "cores_physical": psutil.cpu_count(False),
            "ram_gb": round(psutil.virtual_memory().total / 1024 ** 3, 1), "os": platform.platform(),
            "python": platform.python_version(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def versions() -> dict:
    """Versions of the libraries that matter for speed."""
    from importlib import metadata

    found = {}
    for name in ("torch", "sentence-transformers", "transformers", "chromadb", "langchain-chroma", "langchain-core",
                 "bm25s", "llama_cpp_python", "gradio", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    try:
        import torch

        found["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return found


class BenchRun:
    """One run: the stages in order, each adding to ``results``."""

    def __init__(self, settings: Settings, config: BenchConfig, progress, work: Path, results: dict):
        self.settings, self.config, self.progress, self.work, self.results = settings, config, progress, work, results
        self.cache = Path(config.cache_dir or Path(settings.cache_dir) / "bench")
        self.corpus_settings = None
        self.ingested = {}

    def run(self) -> None:
        """Run every stage (see :func:`run_bench`)."""
        from rag.embeddings import get_embedder

        self.progress("loading the embedding model")
        self.embedder = get_embedder(self.settings.embed_model, self.settings.cache_dir, self.settings.embed_precision)
        t0 = time.perf_counter()
        self.embedder.encode(["warm up the encoder"] * 4)
        self.results["embedder"] = {"label": self.embedder.label, "load_s": round(time.perf_counter() - t0, 2),
                                    "batch_size": getattr(self.embedder, "batch_size", None)}
        questions = load_questions()
        self.measured = questions[: self.config.questions]
        self.warmup = questions[self.config.questions] if len(questions) > self.config.questions \
            else FALLBACK_QUESTIONS[0]
        self.pool = sentence_pool(self.settings.corpus_dir)
        self.ingest()
        self.retrieval()
        self.answering()
        self.cold_start()
        self.results["growth"] = growth_rows(self.results)

    def ingest(self) -> None:
        """Corpus and synthetic corpora: ingest vs raw encoder vs LangChain, with repeats."""
        c = self.config
        corpus_copy = self.work / "corpus"
        shutil.copytree(self.settings.corpus_dir, corpus_copy)
        self.progress(f"ingest: {self.settings.corpus_dir} end to end, raw encode, LangChain ({c.corpus_repeats} run(s))")
        row, self.corpus_settings = stages.measure_ingest(self.settings, self.embedder, corpus_copy,
                                                          self.work / "ingest-corpus", f"{self.settings.corpus_dir}",
                                                          c.langchain, c.corpus_repeats)
        rows = [row]
        for size in c.ingest_sizes:
            folder = self.work / f"synthetic-{size}"
            made = build_synthetic_corpus(self.pool, size, folder, seed=size)
            self.progress(f"ingest: synthetic corpus of {made['chunks']:,} chunks in {made['files']} files, "
                          f"{c.ingest_repeats} run(s) of ingest, raw encode and LangChain")
            row, self.ingested[size] = stages.measure_ingest(self.settings, self.embedder, folder,
                                                             self.work / f"ingest-{size}", f"synthetic {size:,}",
                                                             c.langchain, c.ingest_repeats)
            rows.append(row)
            self.progress(f"ingest: {row['chunks_per_s']} chunks/s end to end, {row['raw_encode_chunks_per_s']} raw, "
                          f"ratio {row['ingest_vs_raw_encode']} ({row['ingest_vs_both_encoders']} to both encoders), "
                          f"time {row['ingest_time_vs_english_only']} x without the multilingual channel, "
                          f"vs LangChain {row['ingest_vs_langchain']}")
        self.results["ingest"] = rows
        top = rows[-1]
        self.results.update(
            ingest_vs_langchain=top["ingest_vs_langchain"], ingest_vs_langchain_spread=top["ingest_vs_langchain_spread"],
            ingest_vs_raw_encode=top["ingest_vs_raw_encode"],
            ingest_vs_raw_encode_spread=top["ingest_vs_raw_encode_spread"],
            ingest_vs_both_encoders=top["ingest_vs_both_encoders"],
            ingest_time_vs_english_only=top["ingest_time_vs_english_only"], ingest_chunks_per_s=top["chunks_per_s"],
            raw_encode_chunks_per_s=top["raw_encode_chunks_per_s"], langchain_chunks_per_s=top["langchain_chunks_per_s"],
            ingest_measured_at_chunks=top["chunks"], ingest_runs=top["runs"])

    def retrieval(self) -> None:
        """Latency curve over cached synthetic indexes (embedded, then a server), the ingested
        index, and the large index in new processes."""
        c = self.config
        sizes = sorted(set(c.retrieval_sizes) | ({c.large_size} if c.large_size else set()))
        rows = []
        self.results["retrieval"] = rows
        if not sizes:
            return
        vectors = pool_vectors(self.pool, self.embedder)
        self.results["synthetic_vector_cosine_median"] = round(shortcut_cosine(self.pool, vectors, self.embedder), 3)
        built = {}
        for size in sizes:
            built[size] = cached_index(self.settings, self.embedder, self.pool, vectors, size, self.corpus_settings,
                                       self.cache, self.progress)
        for size in sorted(set(c.retrieval_sizes)):
            self.progress(f"retrieval: {size:,} chunks, embedded Chroma")
            row = stages.measure_retrieval(built[size]["settings"], self.embedder, self.measured, c.cold_questions,
                                           self.warmup)
            rows.append({"index": "synthetic", "store": "embedded", "write_s": built[size]["write_s"], **row})
        if self.ingested:
            size = max(self.ingested)
            self.progress(f"retrieval: {size:,} ingested chunks (real vectors), embedded Chroma")
            row = stages.measure_retrieval(self.ingested[size], self.embedder, self.measured, c.cold_questions,
                                           self.warmup)
            rows.append({"index": "ingested", "store": "embedded", "write_s": None, **row})
        if c.server:
            for size in sorted(set(c.retrieval_sizes)):
                rows += self.server_rows(size, built[size])
        if c.large_size:
            self.large_index(built[c.large_size])
        self.results["notes"].append(
            "Retrieval indexes: the corpus's real chunks (real vectors) plus synthetic chunks made of corpus "
            "sentences drawn at random until 120 words; a synthetic chunk's vector is the normalised sum of the real "
            "model's vectors of its sentences and of its title/section, so large indexes need no per-chunk encoding "
            f"(median cosine to the model's own vector of the same chunk: "
            f"{self.results['synthetic_vector_cosine_median']} on a sample of 48). Reused from {self.cache}: "
            + (", ".join(f"{s:,}" for s in sizes if built[s]["reused"]) or "none") + ".")
        main = [r for r in rows if r["index"] == "synthetic" and r["store"] == "embedded"]
        if main:
            top = max(main, key=lambda r: r["chunks"])
            self.results.update(retrieve_p50_ms=top["hybrid_p50_ms"], retrieve_p95_ms=top["hybrid_p95_ms"],
                                retrieve_first_ask_p50_ms=top["hybrid_first_p50_ms"],
                                retrieve_cold_p50_ms=top["hybrid_cold_p50_ms"], retrieve_measured_at_chunks=top["chunks"])

    def server_rows(self, size: int, built: dict) -> list[dict]:
        """The same index through a ``chroma run`` server on its folder (no row when it cannot see it)."""
        release_chroma_clients()
        index = built["settings"]
        port = free_port()
        self.progress(f"retrieval: {size:,} chunks, Chroma server (chroma run on the same folder)")
        with serving(chroma_command(index.data_dir / "chroma", port), port, 60,
                     env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}):
            target = index.replace(chroma_host="127.0.0.1", chroma_port=port)
            seen = stages.open_server_store(target).chunk_count()
            if seen != built["chunks"]:
                self.results["notes"].append(f"the Chroma server saw {seen} of the {size:,} chunks: no server row")
                return []
            row = stages.measure_retrieval(target, self.embedder, self.measured, self.config.cold_questions,
                                           self.warmup)
        release_chroma_clients()
        return [{"index": "synthetic", "store": "server", "write_s": None, **row}]

    def large_index(self, built: dict) -> None:
        """The large index: new processes (keyword index, first answer, RSS), then latency here."""
        c = self.config
        release_chroma_clients()
        large = stages.measure_large_index(built["settings"], self.embedder, self.measured[0], self.measured,
                                           c.cold_questions, c.cold_repeats, self.progress)
        large["write_s"] = built["write_s"]
        self.results["large_index"] = large
        self.results["large_index_chunks"] = large["chunks"]
        self.results["retrieval"].append({"index": "synthetic", "store": "embedded", "write_s": built["write_s"],
                                          **large["retrieval"]})
        if large["errors"]:
            self.results["large_index_error"] = large["errors"][0]
            self.results["notes"] += [f"large index: {e}" for e in large["errors"]]
        if large["chunks"] >= LARGE:
            self.results.update(retrieve_p50_ms_100k=large["retrieval"]["hybrid_p50_ms"],
                                retrieve_p95_ms_100k=large["retrieval"]["hybrid_p95_ms"],
                                cold_first_ask_s_100k=large["first_ask_s"],
                                keyword_index_ready_s_100k=large["keyword_ready_s"],
                                peak_rss_mb_100k=large["peak_rss_mb"])

    def answering(self) -> None:
        """Answer latency per mode over the corpus index."""
        from rag.modes import available_modes

        c = self.config
        modes = ["extractive"]
        if c.local and "local" in available_modes(self.settings):
            modes.append("local")
        elif c.local:
            self.results["notes"].append("local mode is not available here (llama-cpp-python or the model missing)")
        runs = [("extractive", "extractive", self.measured)]
        if "local" in modes:  # explanations apart: they generate several cited points, factoids one sentence
            runs += [("local", "local", self.measured[: c.local_questions]),
                     ("local", "local, explanations", load_questions(c.local_questions, explanations=True))]
        answers = []
        for mode, label, chosen in runs:
            self.progress(f"answer: {len(chosen)} questions in {label} mode")
            answers.append({**stages.measure_answers(self.corpus_settings, self.embedder, mode, chosen), "mode": label})
        self.results["answer"] = answers
        by_mode = {a["mode"]: a for a in answers}
        self.results["extractive_p50_ms"] = by_mode["extractive"]["p50_ms"]
        self.results["local_p50_ms"] = by_mode["local"]["p50_ms"] if "local" in by_mode else None
        self.results["local_explanation_p50_ms"] = by_mode["local, explanations"]["p50_ms"] \
            if "local" in by_mode else None
        self.local = "local" in by_mode

    def cold_start(self) -> None:
        """New processes over the corpus index: ``rag --help``, first answers, the UI, memory."""
        c = self.config
        memory = [{"what": "this benchmark process (everything loaded)", "mode": "all", "peak_rss_mb": None,
                   "exit": None, "answered_as": None, "error": None}]
        cold = {}
        if c.cold_start:
            cold, more = stages.measure_cold_start(self.corpus_settings, self.measured[0], self.local, self.progress,
                                                   c.cold_repeats, c.ui_repeats)
            memory = more + memory
            self.results["notes"] += cold["errors"]
        self.results.update(cold_start=cold, memory=memory, cold_first_ask_s=cold.get("first_ask_s"),
                            ui_ready_s=cold.get("ui_ready_s"))
        local_rows = [m for m in memory if m["mode"] == "local"]
        self.results["peak_rss_local_mb"] = local_rows[0]["peak_rss_mb"] if local_rows else None


def run_bench(settings: Settings, config: BenchConfig = FULL, progress=None, workdir: Path | None = None) -> dict:
    """Run the benchmark; returns the results dict (what ``--json`` prints).

    Every top-level figure that has a target is present, None when this run did not measure it.

    Args:
        settings: program settings (the embedding model, corpus folder, LLM are taken from them;
            indexes are built in a temporary folder or the benchmark cache, never the user's).
        config: sizes and repetitions (:data:`FULL`, :data:`QUICK` or smaller for tests).
        progress: callable receiving stage lines (default: print to stderr).
        workdir: where temporary indexes go (default: a new temporary folder, removed after).

    Returns:
        The results.

    Raises:
        RagError: the corpus folder is missing or empty, or a stage cannot run.
    """
    progress = progress or Progress()
    if not Path(settings.corpus_dir).is_dir():
        raise RagError(f"corpus folder {settings.corpus_dir} does not exist (RAG_CORPUS_DIR)")
    started = time.perf_counter()
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "quick": config.quick,
               "config": json.loads(json.dumps(asdict(config), default=str)), "machine": machine_info(),
               "versions": versions(), "notes": []}
    results.update({t: None for t in ("ingest_vs_langchain", "ingest_vs_raw_encode", "cold_first_ask_s", "ui_ready_s",
                                      *LARGE_KEYS)})
    load, cores = results["machine"]["load_average"][0], results["machine"]["cores_logical"] or 1
    if load > 0.5 * cores:
        warning = (f"the load average was {load:.1f} on {cores} cores when the benchmark started: other programs "
                   "were using the CPU, so the figures are slower and noisier than on an idle machine")
        results["notes"].append(warning)
        progress("warning: " + warning)
    with tempfile.TemporaryDirectory(prefix="rag-bench-", dir=workdir) as work:
        try:
            BenchRun(settings, config, progress, Path(work), results).run()
        finally:
            release_chroma_clients()
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["peak_rss_bench_mb"] = round(self_peak_rss_mb())
    for row in results.get("memory", []):
        if row["mode"] == "all":
            row["peak_rss_mb"] = results["peak_rss_bench_mb"]
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = evaluate_targets(results)
    return results


def run_cli(args, settings: Settings) -> int:
    """``rag bench`` entry point.

    Args:
        args: parsed arguments (``quick``, ``json``, ``out``).
        settings: program settings.

    Returns:
        The exit code (0).
    """
    config = QUICK if args.quick else FULL
    progress = Progress()
    progress(f"rag bench{' --quick' if args.quick else ''}: ingest, retrieval, answering, cold start, memory"
             + ("" if args.quick else f", a {LARGE:,}-chunk index")
             + f" ({'a few minutes' if args.quick else 'about an hour on 2 cores, less once the indexes are cached'})")
    results = run_bench(settings, config, progress)
    if args.out:
        write_results(results, Path(args.out))
        progress(f"wrote {Path(args.out) / 'RESULTS.md'}, results.json and charts")
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(format_tables(results))
        for note in results.get("notes", []):
            print(f"\nnote: {note}")
        print(f"\n[bench finished in {results['seconds']:.0f} s]")
    return 0
