"""The measurements: ingest, retrieval, answering, cold start (new processes) and the large
index. Each returns plain dicts that :mod:`rag.bench.report` turns into tables."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from rag.bench.processes import (clean_environment, free_port, peak_rss_mb, rag_command, run_measured, stop_process,
                                 wait_for_http)
from rag.bench.synthetic import FALLBACK_QUESTIONS, ROOT, release_chroma_clients
from rag.errors import RagError
from rag.settings import Settings


def ms(values: list[float]) -> dict:
    """p50 and p95 of durations in seconds, in milliseconds."""
    import numpy as np

    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(float(np.percentile(values, 50)) * 1000, 1),
            "p95": round(float(np.percentile(values, 95)) * 1000, 1)}


def median_spread(values: list[float], digits: int = 3) -> tuple:
    """``(median, min, max)`` rounded; ``(None, None, None)`` for no values."""
    if not values:
        return None, None, None
    return tuple(round(v, digits) for v in (statistics.median(values), min(values), max(values)))


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    import psutil

    return psutil.Process().memory_info().rss / 1048576


# ---- ingestion ----------------------------------------------------------------------------------
def _ingested_chunks(settings: Settings) -> tuple[list[str], list[str], list[dict]]:
    """Ids, embedded texts (title and section prefix included) and metadata of an index's chunks."""
    from rag.chunking import embedding_text
    from rag.store import open_store

    ids, texts, metas = [], [], []
    for chunk_id, text, meta in open_store(settings).all_chunks():
        ids.append(chunk_id)
        texts.append(embedding_text(meta.get("title", ""), meta.get("section", ""), text))
        metas.append(meta)
    return ids, texts, metas


def plain_langchain_embeddings(model_path: str):
    """The encoder of the plain LangChain pipeline: the same model through sentence-transformers
    on torch, as LangChain's ``HuggingFaceEmbeddings`` runs it (``encode`` with normalised
    vectors, batches of 32). Loaded once per bench run.

    Args:
        model_path: the model folder (:func:`rag.embeddings.resolve_model`).
    """
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu")

    class SentenceTransformerEmbeddings(Embeddings):
        def embed_documents(self, texts):
            return model.encode(list(texts), batch_size=32, normalize_embeddings=True).tolist()

        def embed_query(self, text):
            return self.embed_documents([text])[0]

    return SentenceTransformerEmbeddings()


def langchain_from_documents(embeddings, ids: list[str], texts: list[str], metas: list[dict], folder: Path) -> float:
    """Seconds for LangChain's ``Chroma.from_documents`` on the given chunks.

    Args:
        embeddings: a LangChain ``Embeddings`` (:func:`plain_langchain_embeddings`).

    Raises:
        RagError: LangChain stored a different number of chunks.
    """
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    docs = [Document(page_content=text, metadata=meta) for text, meta in zip(texts, metas)]
    started = time.perf_counter()
    store = Chroma.from_documents(docs, embeddings, ids=ids, collection_name="langchain-bench",
                                  persist_directory=str(folder), collection_metadata={"hnsw:space": "cosine"},
                                  client_settings=ChromaSettings(anonymized_telemetry=False))
    seconds = time.perf_counter() - started
    if store._collection.count() != len(ids):  # noqa: SLF001
        raise RagError("the LangChain baseline stored a different number of chunks")
    del store
    release_chroma_clients()
    return seconds


_PLAIN: dict = {}


def _plain_embeddings(settings: Settings):
    """:func:`plain_langchain_embeddings` for the configured model, loaded once per process."""
    from rag.embeddings import resolve_model

    path = resolve_model(settings.embed_model)[0]
    if path not in _PLAIN:
        _PLAIN[path] = plain_langchain_embeddings(path)
    return _PLAIN[path]


def measure_ingest(settings: Settings, embedder, folder: Path, work: Path, label: str, langchain: bool,
                   repeats: int = 1) -> tuple[dict, Settings]:
    """Ingest ``folder`` into fresh indexes, encode the same texts raw (with the embedder alone, and
    with both encoders ingest runs: the embedder and the multilingual one), and (optionally) give the
    same chunks to the plain LangChain pipeline (``Chroma.from_documents`` with the same model on
    sentence-transformers, as a LangChain user would build it), ``repeats`` times.

    Each repeat also ingests without the multilingual channel, for the time ingest spends on it.
    The runs of a repeat go in rotating order, so none always comes first. Each repeat gives the
    ratios ingest / raw encode, ingest / both encoders, ingest time / time without the channel and
    ingest / LangChain; the row holds their medians and spread (min-max).

    Args:
        settings: program settings (the index goes under ``work``).
        embedder: the encoder of ingest and of the raw encode.
        folder: the documents.
        work: a scratch folder.
        label: the row's name.
        langchain: run the LangChain baseline.
        repeats: runs of each.

    Returns:
        ``(row, settings of the first index)``.

    Raises:
        RagError: a file failed to ingest.
    """
    import shutil

    from rag.ingest import Ingester

    first = settings.replace(data_dir=work / "data-0", corpus_dir=folder, chroma_host="", collection="documents")
    plain = _plain_embeddings(settings) if langchain else None
    chunks = None
    runs = []

    def ingest(r):
        target = first.replace(data_dir=work / f"data-{r}")
        started = time.perf_counter()
        report = Ingester(target, embedder=embedder).run([folder])
        seconds = time.perf_counter() - started
        if report.failed:
            raise RagError(f"ingest failed for {report.failed[0].doc_id}: {report.failed[0].reason}")
        return seconds, report

    def english_only(r):  # ingest without the multilingual channel: what the channel costs
        ingester = Ingester(first.replace(data_dir=work / f"data-english-{r}"), embedder=embedder)
        ingester.multilingual = None
        started = time.perf_counter()
        ingester.run([folder])
        seconds = time.perf_counter() - started
        shutil.rmtree(work / f"data-english-{r}", ignore_errors=True)
        return seconds

    def raw(r):
        started = time.perf_counter()
        embedder.encode(chunks[1])
        return time.perf_counter() - started

    def raw_both(r):  # both encoders ingest runs, and nothing else
        from rag.multilingual import get_encoder

        started, multilingual = time.perf_counter(), get_encoder()
        embedder.encode(chunks[1])
        if multilingual is not None:
            multilingual.encode(chunks[1], bulk=True)
        return time.perf_counter() - started

    def baseline(r):
        seconds = langchain_from_documents(plain, *chunks, work / f"langchain-{r}")
        shutil.rmtree(work / f"langchain-{r}", ignore_errors=True)
        return seconds

    steps = {"ingest": ingest, "raw": raw, "raw_both": raw_both, "english_only": english_only,
             **({"langchain": baseline} if langchain else {})}
    names = list(steps)  # the first repeat starts with ingest: the others need its chunks
    for r in range(max(1, repeats)):
        done = {}
        for name in names[r % len(names):] + names[: r % len(names)]:
            done[name] = steps[name](r)
            if chunks is None:
                chunks = _ingested_chunks(first)
        (seconds, report), count = done["ingest"], len(chunks[0])
        runs.append({"ingest": seconds, "raw": done["raw"], "raw_both": done["raw_both"],
                     "english_only": done["english_only"],
                     "langchain": done.get("langchain"), "chunks": report.chunks_embedded})
        if report.chunks_embedded != count:
            raise RagError(f"ingest embedded {report.chunks_embedded} chunks, the index holds {count}")
    rate = [r["chunks"] / r["ingest"] for r in runs]
    raw_rate = [r["chunks"] / r["raw"] for r in runs]
    vs_raw = median_spread([a / b for a, b in zip(rate, raw_rate)])
    vs_both = median_spread([r["raw_both"] / r["ingest"] for r in runs])
    channel = median_spread([r["ingest"] / r["english_only"] for r in runs])
    row = {"corpus": label, "files": report.count("added"), "chunks": report.chunks_embedded, "runs": len(runs),
           "seconds": median_spread([r["ingest"] for r in runs], 2)[0],
           "chunks_per_s": median_spread(rate, 1)[0], "raw_encode_chunks_per_s": median_spread(raw_rate, 1)[0],
           "ingest_vs_raw_encode": vs_raw[0], "ingest_vs_raw_encode_spread": list(vs_raw[1:]),
           "ingest_vs_both_encoders": vs_both[0], "ingest_vs_both_encoders_spread": list(vs_both[1:]),
           "ingest_time_vs_english_only": channel[0], "ingest_time_vs_english_only_spread": list(channel[1:]),
           "langchain_chunks_per_s": None, "ingest_vs_langchain": None, "ingest_vs_langchain_spread": None}
    if langchain:
        lc_rate = [r["chunks"] / r["langchain"] for r in runs]
        vs_lc = median_spread([a / b for a, b in zip(rate, lc_rate)])
        row.update(langchain_chunks_per_s=median_spread(lc_rate, 1)[0], ingest_vs_langchain=vs_lc[0],
                   ingest_vs_langchain_spread=list(vs_lc[1:]))
    return row, first


# ---- retrieval ----------------------------------------------------------------------------------
def clear_sentence_cache(embedder) -> None:
    """Forget the embedder's cached sentence vectors (what a new process starts without)."""
    cache = getattr(embedder, "_cache", None)
    if cache is not None:
        cache.clear()


def measure_retrieval(settings: Settings, embedder, questions: list[str], cold_questions: int,
                      warmup: str = FALLBACK_QUESTIONS[0]) -> dict:
    """Latency of dense, fusion and full hybrid retrieval on one index.

    The keyword index is made ready first and timed on its own ("keyword index s": built, or
    loaded where it is kept on disk); one warm-up query is not counted. Then, per question:
    ``dense`` (dense only), ``fusion`` (dense + BM25 + reciprocal rank fusion) and
    ``hybrid_first`` (:meth:`rag.pipeline.Assistant.select`: fusion + sentence scoring and
    rerank, the first time the question is asked, so the sentences of new candidates are
    encoded); a second pass gives ``hybrid`` (the same with the sentence-vector cache warm:
    what grows with the index). ``hybrid_cold`` clears that cache before each query.

    Returns:
        A dict of p50/p95 in ms per method, ``bm25_build_s``, ``chunks`` and ``rss_mb``.
    """
    from rag.keyword import keyword_index
    from rag.pipeline import Assistant
    from rag.retrieve import Retriever

    assistant = Assistant(settings, embedder=embedder)
    store = assistant.store
    chunks = store.chunk_count()
    started = time.perf_counter()
    keyword_index(store, store.state()["version"])
    keyword_s = time.perf_counter() - started
    retriever = Retriever(store, embedder, assistant.config)
    depth = max(settings.k, assistant.config.rerank_depth)
    assistant.select(warmup)
    retriever.run(warmup, settings.k, hybrid=False)
    clear_sentence_cache(embedder)
    times = {"dense": [], "fusion": [], "hybrid_first": [], "hybrid": [], "hybrid_cold": []}

    def timed(name, call):
        started = time.perf_counter()
        call()
        times[name].append(time.perf_counter() - started)

    for question in questions:
        timed("dense", lambda: retriever.run(question, settings.k, hybrid=False))
        timed("fusion", lambda: retriever.run(question, depth))
        timed("hybrid_first", lambda: assistant.select(question))
    for question in questions:
        timed("hybrid", lambda: assistant.select(question))
    for question in questions[:cold_questions]:
        clear_sentence_cache(embedder)
        timed("hybrid_cold", lambda: assistant.select(question))
    row = {"chunks": chunks, "n": len(questions), "bm25_build_s": round(keyword_s, 2), "rss_mb": round(rss_mb())}
    for name, values in times.items():
        stats = ms(values)
        row[f"{name}_p50_ms"], row[f"{name}_p95_ms"] = stats["p50"], stats["p95"]
    return row


def open_server_store(settings: Settings, create: bool = False, wait: float = 20.0):
    """A store on a Chroma server that may still be starting (retried for ``wait`` seconds)."""
    from rag.store import ChromaStore

    deadline = time.monotonic() + wait
    while True:
        try:
            return ChromaStore(settings, create=create)
        except RagError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# ---- answering ----------------------------------------------------------------------------------
def measure_answers(settings: Settings, embedder, mode: str, questions: list[str]) -> dict:
    """Answer latency and time to the first streamed text, per question, for one mode.

    Returns:
        p50/p95 of the whole answer and of the first text, refusals, the modes answered in and
        (local) the model's load time.
    """
    from rag.modes import language_model
    from rag.pipeline import Assistant
    from rag.types import FinalEvent, TextEvent

    assistant = Assistant(settings, embedder=embedder)
    load = 0.0
    if mode == "local":
        started = time.perf_counter()
        language_model(settings, "local").load()
        load = time.perf_counter() - started
    assistant.answer(questions[-1], mode="extractive")  # warm-up: keyword index, caches (not counted)
    totals, firsts, modes, refused = [], [], {}, 0
    for question in questions:
        started = time.perf_counter()
        first = answer = None
        for event in assistant.stream(question, mode=mode):
            if isinstance(event, TextEvent) and first is None:
                first = time.perf_counter() - started
            elif isinstance(event, FinalEvent):
                answer = event.answer
        totals.append(time.perf_counter() - started)
        firsts.append(first if first is not None else totals[-1])
        modes[answer.mode] = modes.get(answer.mode, 0) + 1
        refused += int(answer.refused)
    total, first = ms(totals), ms(firsts)
    return {"mode": mode, "n": len(questions), "p50_ms": total["p50"], "p95_ms": total["p95"],
            "first_text_p50_ms": first["p50"], "first_text_p95_ms": first["p95"], "refused": refused,
            "answered_as": modes, "model_load_s": round(load, 2) if mode == "local" else None}


# ---- new processes: cold start and memory -------------------------------------------------------
def settings_env(settings: Settings, **changes) -> dict:
    """The environment for a child process configured like ``settings`` (plus ``changes``).

    Args:
        settings: the settings to pass on.
        **changes: field values that replace the settings' own.

    Returns:
        :func:`rag.bench.processes.clean_environment` with one ``RAG_*`` variable per set field.
    """
    if hasattr(settings, "model_dump"):
        values = settings.model_dump()
    else:
        import dataclasses

        values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    values.update(changes)
    return clean_environment(**{"RAG_" + k.upper(): v for k, v in values.items() if v is not None and v != ""})


def ask_in_new_process(env: dict, question: str, mode: str = "extractive", timeout: float = 600) -> dict:
    """``rag ask --json`` in a new process.

    Returns:
        ``{"seconds", "peak_rss_mb", "exit", "answered_as" (None when it failed), "error"}``.
    """
    run = run_measured(rag_command() + ["ask", "--mode", mode, "--json", question], env, timeout)
    answered = None
    if run["exit"] == 0:
        try:
            answered = json.loads(run["stdout"])["mode"]
        except (ValueError, KeyError):
            pass
    error = None if answered else ((run["stderr"].strip().splitlines() or ["failed"])[-1])
    return {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"], "exit": run["exit"],
            "answered_as": answered, "error": error}


def measure_ui(env: dict, timeout: float = 300) -> dict:
    """Start ``ui.py``: seconds until the page answers HTTP 200, until warm-up finished, peak RSS.

    "Ready" is the UI's own log line ``warm-up finished ...: ready`` on stderr.

    Returns:
        ``{"page_s", "ready_s", "phase", "peak_rss_mb"}`` as far as measured, or ``{"error"}``.
    """
    ui = ROOT / "ui.py"
    if not ui.exists():
        return {"error": f"{ui} not found"}
    port = free_port()
    warmed = threading.Event()
    ready_at = {}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ui), "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=str(ROOT), text=True)

    def read_log():
        for line in process.stderr:
            if "warm-up finished" in line and not warmed.is_set():
                ready_at.update(t=time.perf_counter() - started, phase=line.rsplit(":", 1)[-1].strip())
                warmed.set()

    threading.Thread(target=read_log, daemon=True).start()
    result = {}
    try:
        deadline = time.monotonic() + timeout
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", timeout, process)
            result["page_s"] = time.perf_counter() - started
        except RagError as err:
            return {"error": str(err)}
        if warmed.wait(max(0.0, deadline - time.monotonic())):
            result.update(ready_s=ready_at["t"], phase=ready_at["phase"])
        result["peak_rss_mb"] = peak_rss_mb(process.pid)
    finally:
        stop_process(process)
    return result


def measure_cold_start(corpus_settings: Settings, question: str, local: bool, progress, repeats: int = 1,
                       ui_repeats: int = 1) -> tuple[dict, list[dict]]:
    """``rag --help``, a first ``rag ask`` per mode and the UI, each in a fresh process.

    Args:
        corpus_settings: settings of the index to answer from.
        question: the question asked.
        local: also time local (llama.cpp) mode.
        progress: callable receiving stage lines.
        repeats: new processes per ``rag ask`` figure (the median counts).
        ui_repeats: UI starts (the median counts).

    Returns:
        ``(cold start figures, memory rows)``; a figure that could not be measured is None,
        with the reason in ``cold["errors"]``.
    """
    env = settings_env(corpus_settings, mode="extractive")
    cold, memory, errors = {}, [], []
    progress("cold start: rag --help (3 runs)")
    helps = [run_measured(rag_command() + ["--help"], env, 60)["seconds"] for _ in range(3)]
    cold["rag_help_s"] = round(statistics.median(helps), 3)
    cold["rag_help_first_s"] = round(helps[0], 3)
    for mode in ["extractive"] + (["local"] if local else []):
        progress(f"cold start: first `rag ask --mode {mode}` in a new process ({repeats} run(s))")
        runs = [ask_in_new_process(env, question, mode) for _ in range(repeats)]
        ok = [r for r in runs if r["answered_as"]]
        key = "first_ask_s" if mode == "extractive" else f"first_ask_{mode}_s"
        cold[key] = round(statistics.median(r["seconds"] for r in ok), 2) if len(ok) == len(runs) else None
        cold[key + "_runs"] = [round(r["seconds"], 2) for r in ok]
        failed = [r for r in runs if not r["answered_as"]]
        if failed:
            errors.append(f"`rag ask --mode {mode}` failed: {failed[0]['error']}")
        memory.append({"what": f"rag ask --mode {mode}", "mode": mode,
                       "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)), "exit": runs[-1]["exit"],
                       "answered_as": ok[-1]["answered_as"] if ok else None,
                       "error": failed[0]["error"] if failed else None})
    progress(f"cold start: UI (python ui.py) until the page loads and warm-up finishes ({ui_repeats} run(s))")
    uis = [measure_ui(env) for _ in range(ui_repeats)]
    pages = [u["page_s"] for u in uis if "page_s" in u]
    ready = [u["ready_s"] for u in uis if u.get("phase") == "ready"]
    cold["ui_page_s"] = round(statistics.median(pages), 2) if len(pages) == len(uis) else None
    cold["ui_ready_s"] = round(statistics.median(ready), 2) if len(ready) == len(uis) else None
    cold["ui_ready_runs"] = [round(r, 2) for r in ready]
    for u in uis:
        if u.get("error"):
            errors.append(f"UI: {u['error']}")
        elif u.get("phase") != "ready":
            errors.append(f"UI: the warm-up ended as {u.get('phase')!r}, not 'ready'" if u.get("phase") else
                          "UI: no 'warm-up finished' line in its log")
    peaks = [u["peak_rss_mb"] for u in uis if u.get("peak_rss_mb")]
    if peaks:
        memory.append({"what": "UI (ui.py, warmed up)", "mode": "auto", "peak_rss_mb": round(max(peaks)),
                       "exit": None, "answered_as": None, "error": None})
    cold["errors"] = list(dict.fromkeys(errors))
    return cold, memory


_KEYWORD_READY = """
import json, time
started = time.perf_counter()
from rag.keyword import keyword_index
from rag.settings import Settings
from rag.store import open_store
store = open_store(Settings.from_env())
opened = time.perf_counter()
keyword_index(store, store.state()["version"])
print(json.dumps({"seconds": time.perf_counter() - opened, "open_s": opened - started}))
"""


def keyword_ready_in_new_process(env: dict, timeout: float = 900) -> dict:
    """Seconds until the keyword index is ready in a new process (store already open).

    Returns:
        ``{"seconds" (None when it failed), "peak_rss_mb", "error"}``.
    """
    run = run_measured([sys.executable, "-c", _KEYWORD_READY], env, timeout, cwd=str(ROOT))
    try:
        seconds = json.loads(run["stdout"].strip().splitlines()[-1])["seconds"]
        return {"seconds": seconds, "peak_rss_mb": run["peak_rss_mb"], "error": None}
    except (ValueError, KeyError, IndexError):
        return {"seconds": None, "peak_rss_mb": run["peak_rss_mb"],
                "error": (run["stderr"].strip().splitlines() or ["failed"])[-1]}


def measure_large_index(index_settings: Settings, embedder, question: str, questions: list[str],
                        cold_questions: int, repeats: int, progress) -> dict:
    """The large-index figures: keyword index ready in a new process, first answer in a new
    process with its peak RSS, then retrieval latency in this process.

    The first new process may have to build (and, where the keyword index is kept on disk,
    save) the keyword index: it is reported on its own as ``keyword_first_s``; the next
    ``repeats`` processes give the medians.

    Returns:
        ``{"chunks", "keyword_first_s", "keyword_ready_s", "first_ask_s", "peak_rss_mb",
        "retrieval": row, "errors"}``; figures that failed are None.
    """
    env = settings_env(index_settings, mode="extractive")
    chunks = f"{index_settings.collection} in {index_settings.data_dir}"
    errors = []
    progress(f"large index: keyword index in a new process (1 + {repeats} runs) on {chunks}")
    first = keyword_ready_in_new_process(env)
    ready = [keyword_ready_in_new_process(env) for _ in range(repeats)]
    errors += [r["error"] for r in [first, *ready] if r["error"]]
    progress(f"large index: first `rag ask` in a new process ({repeats} runs)")
    asks = [ask_in_new_process(env, question) for _ in range(repeats)]
    errors += [f"rag ask: {a['error']}" for a in asks if a["error"]]
    ok = [a["seconds"] for a in asks if a["answered_as"]]
    progress("large index: retrieval latency in this process")
    row = measure_retrieval(index_settings, embedder, questions, cold_questions)
    seconds = [r["seconds"] for r in ready if r["seconds"] is not None]
    return {"chunks": row["chunks"],
            "keyword_first_s": round(first["seconds"], 2) if first["seconds"] is not None else None,
            "keyword_ready_s": round(statistics.median(seconds), 2) if len(seconds) == len(ready) else None,
            "keyword_ready_runs": [round(s, 2) for s in seconds],
            "first_ask_s": round(statistics.median(ok), 2) if len(ok) == len(asks) else None,
            "first_ask_runs": [round(s, 2) for s in ok],
            "peak_rss_mb": round(max(a["peak_rss_mb"] for a in asks)) if ok else None,
            "retrieval": row, "errors": list(dict.fromkeys(errors))}
