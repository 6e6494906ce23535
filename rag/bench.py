"""``rag bench [--quick] [--json] [--out DIR]``: speed and memory, measured on this machine.

Stages (progress goes to stderr):

1. **ingest** - end-to-end chunks/s of :class:`rag.ingest.Ingester` on ``corpus/`` and on synthetic
   corpora made by recombining corpus sentences into Markdown files, beside the raw encoder
   throughput on exactly the texts ingest embedded, and beside LangChain's
   ``Chroma.from_documents`` on the same chunks;
2. **retrieval** - p50/p95 at several index sizes, embedded Chroma and a ``chroma run`` server,
   dense-only, hybrid (dense + BM25 + fusion) and the full retrieval step of answering
   (hybrid + sentence rerank). Large indexes are built without running the encoder on every
   chunk: see :func:`synthetic_index_batches`;
3. **answer** - p50/p95 and time to first streamed text per mode (extractive, local);
4. **cold start and memory** - ``rag --help``, a first ``rag ask`` per mode and the UI, each in
   its own process, timed and with its peak RSS.

Everything is written under a temporary directory; the user's index is never touched.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError
from rag.metrics import percentile
from rag.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHUNKS_PER_FILE = 60  # synthetic Markdown files hold about this many chunks
SECTION_SENTENCES = 18  # a new "## section" every this many sentences in synthetic files
PARAGRAPH_SENTENCES = 5
SYNTHETIC_CHUNK_WORDS = 120  # synthetic index chunks close at this many words, like the chunker
WRITE_BATCH = 4000
FALLBACK_QUESTIONS = ["What did Hefei do to become an innovation hub?", "Why did DeepSeek appear in Hangzhou?",
                      "What is the G60 Science and Innovation Corridor?", "How long did Optics Valley stick to fibre?"]
TARGETS = {  # name -> (json key, comparison, threshold, unit)
    "retrieval p50 at 100k chunks": ("retrieve_p50_ms", "<", 50.0, "ms"),
    "ingest / raw encode": ("ingest_vs_raw_encode", ">=", 0.9, ""),
    "extractive answer p50": ("extractive_p50_ms", "<", 300.0, "ms"),
    "local answer p50": ("local_p50_ms", "<", 6000.0, "ms"),
    "UI ready": ("ui_ready_s", "<", 20.0, "s"),
    "peak RSS with the local model": ("peak_rss_local_mb", "<", 2048.0, "MB"),
}


@dataclass(frozen=True)
class BenchConfig:
    """What to measure and how often.

    Attributes:
        ingest_sizes: synthetic corpus sizes (chunks) ingested end to end (corpus/ always is).
        retrieval_sizes: index sizes (chunks) for the latency curve.
        questions: questions per retrieval measurement and per extractive run.
        cold_questions: questions for the cold sentence-cache retrieval figure.
        local_questions: questions answered in local mode.
        corpus_repeats: ingest runs of corpus/ (small, so repeated; the median counts).
        langchain: run the LangChain ``Chroma.from_documents`` baseline.
        server: measure retrieval through a ``chroma run`` server.
        local: measure local (llama.cpp) mode when available.
        cold_start: run the subprocess measurements (cold start, memory, UI).
        quick: recorded in the results.
    """

    ingest_sizes: tuple = (1000, 10_000)
    retrieval_sizes: tuple = (1000, 10_000, 100_000)
    questions: int = 20
    cold_questions: int = 8
    local_questions: int = 5
    corpus_repeats: int = 3
    langchain: bool = True
    server: bool = True
    local: bool = True
    cold_start: bool = True
    quick: bool = False


FULL = BenchConfig()
# --quick: about 3 minutes on 2 cores, where MiniLM encodes about 25 chunks/s and the ingest stage
# encodes every chunk three times (ingest, raw encode, LangChain).
QUICK = BenchConfig(ingest_sizes=(600,), retrieval_sizes=(1000, 10_000), questions=8, cold_questions=3,
                    local_questions=2, corpus_repeats=1, quick=True)


# ---- small helpers -------------------------------------------------------------------------------
class Progress:
    """Stage lines on stderr with the elapsed time."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[bench {time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr, flush=True)


def _ms(values: list[float]) -> dict:
    return {"p50": round(percentile(values, 50) * 1000, 1), "p95": round(percentile(values, 95) * 1000, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RagError(f"the process exited with code {process.returncode} before listening on port {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RagError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _stop(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1048576


def _peak_rss_mb_self() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1048576 if sys.platform == "darwin" else peak / 1024


def _release_chroma_clients() -> None:
    """Drop cached embedded Chroma systems so their files are closed."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001  (an older chromadb: nothing cached to clear)
        pass
    gc.collect()


def _clear_sentence_cache(embedder) -> None:
    cache = getattr(embedder, "_cache", None)
    if cache is not None:
        cache.clear()


# ---- corpora ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolSentence:
    """A sentence of the real corpus with the title and section it came from."""

    title: str
    section: str
    text: str
    words: int


def sentence_pool(corpus_dir: Path) -> list[PoolSentence]:
    """Distinct sentences of the corpus's chunks (headings excluded), in corpus order.

    Raises:
        RagError: the folder has no loadable document.
    """
    from rag.chunking import chunk_document
    from rag.loaders import LoadError, is_supported, load
    from rag.text import size_in_words, split_sentences

    pool, seen = [], set()
    for path in sorted(p for p in Path(corpus_dir).rglob("*") if p.is_file() and is_supported(p)):
        try:
            doc = load(path, path.name)
        except LoadError:
            continue
        for chunk in chunk_document(doc):
            for a, b in split_sentences(chunk.text):
                text = chunk.text[a:b]
                if text not in seen and len(text) >= 12:
                    seen.add(text)
                    pool.append(PoolSentence(doc.title, chunk.section, text, size_in_words(text)))
    if not pool:
        raise RagError(f"no document with text in {corpus_dir}: the benchmark recombines its sentences")
    return pool


def render_markdown(title: str, sentences: list[PoolSentence]) -> str:
    """A Markdown document: front matter title, a section every few sentences, short paragraphs."""
    lines = ["---", f"title: {json.dumps(title)}", "---", ""]
    for s0 in range(0, len(sentences), SECTION_SENTENCES):
        section = sentences[s0 : s0 + SECTION_SENTENCES]
        heading = " ".join((section[0].section or section[0].title).split())
        lines += [f"## {heading}", ""]
        for p0 in range(0, len(section), PARAGRAPH_SENTENCES):
            lines += [" ".join(s.text for s in section[p0 : p0 + PARAGRAPH_SENTENCES]), ""]
    return "\n".join(lines)


def _count_chunks(name: str, text: str) -> int:
    from rag.chunking import chunk_document
    from rag.loaders import load

    return len(chunk_document(load(Path(name), name, text.encode("utf-8"))))


def build_synthetic_corpus(pool: list[PoolSentence], target_chunks: int, out_dir: Path, seed: int = 0,
                           chunks_per_file: int = CHUNKS_PER_FILE) -> dict:
    """Write Markdown files of recombined corpus sentences that ingest into exactly ``target_chunks``.

    Each file is chunked with the real loader and chunker before it is written; the last file
    is cut (binary search on its number of sentences) so the total is exact.

    Args:
        pool: sentences to draw from (:func:`sentence_pool`).
        target_chunks: how many chunks ingest must produce.
        out_dir: the folder to write (created).
        seed: random seed; the same seed gives the same files.
        chunks_per_file: about this many chunks per file.

    Returns:
        ``{"files": int, "chunks": int, "words": int}``.
    """
    if target_chunks < 1:
        raise ValueError("target_chunks must be at least 1")
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    titles = sorted({s.title for s in pool})
    mean_words = sum(s.words for s in pool) / len(pool)
    per_file = max(2, int(chunks_per_file * SYNTHETIC_CHUNK_WORDS / mean_words * 1.15))
    total = files = words = 0
    while total < target_chunks:
        remaining = target_chunks - total
        name = f"synthetic-{files:05d}.md"
        title = f"{rng.choice(titles)} (synthetic {files:05d})"
        sentences = [rng.choice(pool) for _ in range(per_file)]
        used = len(sentences)
        count = _count_chunks(name, render_markdown(title, sentences))
        if count > remaining:
            low, high = 1, used  # count(low) <= remaining < count(high)
            while high - low > 1:
                middle = (low + high) // 2
                if _count_chunks(name, render_markdown(title, sentences[:middle])) <= remaining:
                    low = middle
                else:
                    high = middle
            used = low
            count = _count_chunks(name, render_markdown(title, sentences[:used]))
        elif files == 0 and count:
            per_file = max(2, int(used * chunks_per_file / count))  # calibrate on the first file
        (out_dir / name).write_text(render_markdown(title, sentences[:used]), encoding="utf-8")
        total += count
        files += 1
        words += sum(s.words for s in sentences[:used])
    return {"files": files, "chunks": total, "words": words}


def synthetic_index_batches(pool: list[PoolSentence], vectors, head_vectors: dict, count: int, seed: int = 0,
                            batch: int = WRITE_BATCH, chunks_per_doc: int = CHUNKS_PER_FILE):
    """Chunks for a large retrieval index, without running the encoder on each of them.

    A chunk is corpus sentences drawn at random until it holds :data:`SYNTHETIC_CHUNK_WORDS`
    words. Its vector is the normalised sum of the vectors of its sentences and of its
    title/section heading, each embedded once by the real model: close to what the model gives
    the whole chunk, at no encoding cost per chunk.

    Args:
        pool: corpus sentences.
        vectors: array of the pool sentences' normalised vectors, row i for ``pool[i]``.
        head_vectors: ``{(title, section): vector}``.
        count: how many chunks to make.
        seed: random seed.
        batch: chunks per yielded batch.
        chunks_per_doc: chunks sharing one synthetic doc_id.

    Yields:
        ``(ids, vectors, texts, metadatas)`` batches.
    """
    import numpy as np

    rng = random.Random(seed)
    made = 0
    offset = 0
    while made < count:
        ids, texts, metas, rows = [], [], [], []
        for _ in range(min(batch, count - made)):
            number = made + len(ids)
            doc = number // chunks_per_doc
            if number % chunks_per_doc == 0:
                offset = 0
            picks, words = [], 0
            while words < SYNTHETIC_CHUNK_WORDS:
                i = rng.randrange(len(pool))
                picks.append(i)
                words += pool[i].words
            first = pool[picks[0]]
            text = " ".join(pool[i].text for i in picks)
            vector = vectors[picks].sum(axis=0) + head_vectors[(first.title, first.section)]
            rows.append(vector / np.linalg.norm(vector))
            ids.append(f"synthetic-{number:07d}")
            texts.append(text)
            metas.append({"doc_id": f"synthetic/doc-{doc:05d}.md", "title": f"{first.title} (synthetic {doc:05d})",
                          "section": first.section, "page": 0, "start": offset, "end": offset + len(text),
                          "source": "(synthetic)"})
            offset += len(text) + 1
        made += len(ids)
        yield ids, np.vstack(rows).astype("float32"), texts, metas


def load_questions(limit: int | None = None) -> list[str]:
    """Answerable single-turn questions of eval/qa.jsonl (a few fixed ones when it is missing)."""
    path = ROOT / "eval" / "qa.jsonl"
    if not path.exists():
        path = Path("eval/qa.jsonl")
    questions = []
    if path.exists():
        from rag.evaluation import load_jsonl

        questions = [item.question for item in load_jsonl(path) if len(item.turns) == 1 and item.answerable]
    questions = questions or list(FALLBACK_QUESTIONS)
    return questions[:limit] if limit else questions


# ---- ingestion ----------------------------------------------------------------------------------
def _ingested_texts(settings: Settings) -> list[str]:
    from rag.ingest import embedding_text
    from rag.store import open_store

    return [embedding_text(meta.get("title", ""), meta.get("section", ""), text)
            for _, text, meta in open_store(settings).all_chunks()]


def _langchain_from_documents(settings: Settings, embedder, folder: Path) -> float:
    """Seconds for LangChain's ``Chroma.from_documents`` on the chunks ingest made in ``settings``."""
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    from rag.ingest import embedding_text
    from rag.store import open_store

    class Adapter(Embeddings):
        def embed_documents(self, texts):
            return embedder.encode(list(texts)).tolist()

        def embed_query(self, text):
            return embedder.encode([text])[0].tolist()

    ids, docs = [], []
    for chunk_id, text, meta in open_store(settings).all_chunks():
        ids.append(chunk_id)
        docs.append(Document(page_content=embedding_text(meta.get("title", ""), meta.get("section", ""), text),
                             metadata=meta))
    started = time.perf_counter()
    store = Chroma.from_documents(docs, Adapter(), ids=ids, collection_name="langchain-bench",
                                  persist_directory=str(folder), collection_metadata={"hnsw:space": "cosine"},
                                  client_settings=ChromaSettings(anonymized_telemetry=False))
    seconds = time.perf_counter() - started
    if store._collection.count() != len(ids):  # noqa: SLF001
        raise RagError("the LangChain baseline stored a different number of chunks")
    del store
    return seconds


def measure_ingest(settings: Settings, embedder, folder: Path, work: Path, label: str, langchain: bool,
                   repeats: int = 1) -> tuple[dict, Settings]:
    """Ingest ``folder`` into fresh indexes, then encode the same texts raw, then (optionally) LangChain.

    Returns:
        ``(row, settings of the last index)``.
    """
    from rag.ingest import Ingester

    runs = []
    for r in range(max(1, repeats)):
        target = settings.replace(data_dir=work / f"data-{r}", corpus_dir=folder, chroma_host="",
                                  collection="documents")
        started = time.perf_counter()
        report = Ingester(target, embedder=embedder).run([folder])
        seconds = time.perf_counter() - started
        if report.failed:
            raise RagError(f"ingest failed for {report.failed[0].doc_id}: {report.failed[0].reason}")
        texts = _ingested_texts(target)
        started = time.perf_counter()
        embedder.encode(texts)
        raw = time.perf_counter() - started
        runs.append((report.chunks_embedded / seconds, len(texts) / raw, seconds, raw, report))
    rate, raw_rate, seconds, raw, report = sorted(runs, key=lambda r: r[0] / r[1])[len(runs) // 2]
    row = {"corpus": label, "files": report.count("added"), "chunks": report.chunks_embedded,
           "seconds": round(seconds, 2), "chunks_per_s": round(rate, 1),
           "raw_encode_seconds": round(raw, 2), "raw_encode_chunks_per_s": round(raw_rate, 1),
           "ingest_vs_raw_encode": round(rate / raw_rate, 3), "runs": len(runs),
           "langchain_seconds": None, "langchain_chunks_per_s": None}
    if langchain:
        lc_seconds = _langchain_from_documents(target, embedder, work / "langchain")
        row["langchain_seconds"] = round(lc_seconds, 2)
        row["langchain_chunks_per_s"] = round(report.chunks_embedded / lc_seconds, 1)
        _release_chroma_clients()
        shutil.rmtree(work / "langchain", ignore_errors=True)
    return row, target


# ---- retrieval ----------------------------------------------------------------------------------
def _real_chunks(settings: Settings):
    from rag.store import open_store

    store = open_store(settings)
    page = store.chunks.get(include=["embeddings", "documents", "metadatas"])
    return page["ids"], page["embeddings"], page["documents"], page["metadatas"]


def build_indexes(settings: Settings, embedder, pool: list[PoolSentence], sizes, corpus_settings: Settings,
                  data_dir: Path, progress) -> dict:
    """Write one collection per size into an embedded store under ``data_dir``.

    Each holds the real corpus chunks (real vectors) plus synthetic chunks up to the size.

    Returns:
        ``({size: {"settings", "write_s", "chunks"}}, median cosine between synthetic vectors and the
        model's own vectors of the same chunk texts)``.
    """
    import numpy as np

    from rag.store import ChromaStore

    vectors = embedder.encode([s.text for s in pool])
    heads = sorted({(s.title, s.section) for s in pool})
    from rag.ingest import embedding_text

    head_rows = embedder.encode([embedding_text(t, sec, "").strip() for t, sec in heads])
    head_vectors = dict(zip(heads, head_rows))
    # how close the shortcut is: the model's own vectors of a sample of synthetic chunks
    _, rows, texts, metas = next(synthetic_index_batches(pool, vectors, head_vectors, 48, seed=12345))
    real = embedder.encode([embedding_text(m["title"], m["section"], t) for t, m in zip(texts, metas)])
    cosine = float(np.median(np.sum(rows * real, axis=1)))
    real_ids, real_vectors, real_texts, real_metas = _real_chunks(corpus_settings)
    built = {}
    for size in sizes:
        progress(f"retrieval: writing a {size:,}-chunk index (embedded Chroma)")
        target = settings.replace(data_dir=data_dir, collection=f"bench-{size}", chroma_host="")
        store = ChromaStore(target, create=True)
        started = time.perf_counter()
        keep = min(size, len(real_ids))
        store.add_chunks(list(real_ids[:keep]), np.asarray(real_vectors[:keep]).tolist(), list(real_texts[:keep]),
                         list(real_metas[:keep]))
        for ids, rows, texts, metas in synthetic_index_batches(pool, vectors, head_vectors, size - keep, seed=size):
            store.add_chunks(ids, rows.tolist(), texts, metas)
        store.bump_state(embedder.label)
        built[size] = {"settings": target, "write_s": time.perf_counter() - started, "chunks": store.chunk_count()}
        del store
    return built, cosine


def measure_retrieval(settings: Settings, embedder, questions: list[str], cold_questions: int,
                      warmup: str = FALLBACK_QUESTIONS[0]) -> dict:
    """Latency of dense, fusion and full hybrid retrieval on one index.

    The BM25 index is built first and timed on its own ("BM25 build"); one warm-up query is not
    counted. Then, per question: ``dense`` (dense only), ``fusion`` (dense + BM25 + reciprocal rank
    fusion) and ``hybrid_first`` (:meth:`rag.pipeline.Assistant.retrieve`: fusion + sentence scoring
    and rerank, the first time the question is asked, so the sentences of new candidates are
    encoded); a second pass gives ``hybrid`` (the same with the sentence-vector cache warm: what
    grows with the index). ``hybrid_cold`` clears that cache before each query.

    Returns:
        A dict of p50/p95 in ms per method, ``bm25_build_s``, ``chunks`` and ``rss_mb``.
    """
    from rag.pipeline import RERANK_DEPTH, Assistant
    from rag.retrieve import HybridRetriever, keyword_index

    assistant = Assistant(settings, embedder=embedder)
    store = assistant.store
    chunks = store.chunk_count()
    started = time.perf_counter()
    keyword_index(store)
    bm25_build = time.perf_counter() - started
    dense = HybridRetriever(store, embedder, settings.candidates, hybrid=False)
    fusion = HybridRetriever(store, embedder, settings.candidates, hybrid=True)
    assistant.retrieve(warmup)
    dense.run(warmup, settings.k)
    _clear_sentence_cache(embedder)
    times = {"dense": [], "fusion": [], "hybrid_first": [], "hybrid": [], "hybrid_cold": []}

    def timed(name, call):
        started = time.perf_counter()
        call()
        times[name].append(time.perf_counter() - started)

    for question in questions:
        timed("dense", lambda: dense.run(question, settings.k))
        timed("fusion", lambda: fusion.run(question, max(settings.k, RERANK_DEPTH)))
        timed("hybrid_first", lambda: assistant.retrieve(question))
    for question in questions:
        timed("hybrid", lambda: assistant.retrieve(question))
    for question in questions[:cold_questions]:
        _clear_sentence_cache(embedder)
        timed("hybrid_cold", lambda: assistant.retrieve(question))
    row = {"chunks": chunks, "n": len(questions), "bm25_build_s": round(bm25_build, 2), "rss_mb": round(_rss_mb())}
    for name, values in times.items():
        stats = _ms(values)
        row[f"{name}_p50_ms"], row[f"{name}_p95_ms"] = stats["p50"], stats["p95"]
    return row


class ChromaServer:
    """A ``chroma run`` subprocess on a free loopback port (a context manager)."""

    def __init__(self, path: Path):
        self.path = path
        self.port = _free_port()
        self.process = None

    def __enter__(self):
        chroma = Path(sys.executable).with_name("chroma")
        command = str(chroma) if chroma.exists() else shutil.which("chroma")
        if not command:
            raise RagError("the `chroma` command is not installed next to this Python")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self.process = subprocess.Popen([command, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=env)
        try:
            _wait_for_port(self.port, 60, self.process)
        except BaseException:
            _stop(self.process)
            raise
        return self

    def __exit__(self, *exc):
        _stop(self.process)
        return False


def _open_server_store(settings: Settings, create: bool = False):
    from rag.store import ChromaStore

    deadline = time.monotonic() + 20
    while True:
        try:
            return ChromaStore(settings, create=create)
        except RagError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# ---- answering ----------------------------------------------------------------------------------
def measure_answers(settings: Settings, embedder, mode: str, questions: list[str]) -> dict:
    """Answer latency and time to the first streamed text, per question, for one mode."""
    from rag.pipeline import Assistant

    assistant = Assistant(settings, embedder=embedder)
    load = 0.0
    if mode == "local":
        started = time.perf_counter()
        assistant.model("local").load()
        load = time.perf_counter() - started
    for _ in assistant.stream(questions[-1], mode="extractive"):  # warm-up: BM25, caches (not counted)
        pass
    totals, firsts, modes, refused = [], [], {}, 0
    for question in questions:
        started = time.perf_counter()
        first = None
        answer = None
        for event in assistant.stream(question, mode=mode):
            if event["type"] == "text" and first is None:
                first = time.perf_counter() - started
            elif event["type"] == "final":
                answer = event["answer"]
        totals.append(time.perf_counter() - started)
        firsts.append(first if first is not None else totals[-1])
        modes[answer.mode] = modes.get(answer.mode, 0) + 1
        refused += int(answer.refused)
    total, first = _ms(totals), _ms(firsts)
    return {"mode": mode, "n": len(questions), "p50_ms": total["p50"], "p95_ms": total["p95"],
            "first_text_p50_ms": first["p50"], "first_text_p95_ms": first["p95"], "refused": refused,
            "answered_as": modes, "model_load_s": round(load, 2) if mode == "local" else None}


# ---- subprocesses: cold start and memory --------------------------------------------------------
def settings_env(settings: Settings, **changes) -> dict:
    """The environment for a child process configured like ``settings`` (plus ``changes``)."""
    import dataclasses

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"})
    for f in dataclasses.fields(settings):
        value = changes.get(f.name, getattr(settings, f.name))
        if value is None or value == "":
            continue
        env["RAG_" + f.name.upper()] = str(value)
    return env


_MEASURE = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
peak = usage.ru_maxrss / (1048576 if sys.platform == "darwin" else 1024)
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "peak_rss_mb": peak}, out)
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


def run_measured(command: list[str], env: dict, timeout: float = 600, cwd=None) -> dict:
    """Run a command to completion: wall time, exit code, peak RSS and output.

    The command is started by a small Python wrapper that waits for it with ``wait4``: a child
    forked straight from this (large) process would report this process's peak RSS as its own
    (Linux carries the parent's high-water mark across fork/vfork and exec).
    """
    with tempfile.TemporaryDirectory(prefix="rag-measure-") as tmp:
        report = Path(tmp) / "usage.json"
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            wrapper = subprocess.Popen([sys.executable, "-c", _MEASURE, str(report), *command], stdout=out,
                                       stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                       start_new_session=True)
            try:
                code = wrapper.wait(timeout)
            except BaseException:  # timeout or Ctrl-C: stop the wrapper and the command it started
                code = None
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(wrapper.pid, signal.SIGKILL)
                wrapper.wait()
                if not isinstance(sys.exc_info()[1], subprocess.TimeoutExpired):
                    raise
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        usage = json.loads(report.read_text()) if report.exists() else {"seconds": float(timeout), "peak_rss_mb": 0.0}
    if code is None:
        stderr += f"\ntimed out after {timeout:.0f} s"
    return {"exit": code, "seconds": usage["seconds"], "peak_rss_mb": usage["peak_rss_mb"], "stdout": stdout,
            "stderr": stderr}


def _rag_command() -> list[str]:
    script = Path(sys.executable).with_name("rag")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rag"]


def measure_ui(env: dict, timeout: float = 300) -> dict:
    """Start ``ui.py``: seconds until the page answers HTTP 200, until warm-up finished, peak RSS."""
    ui = ROOT / "ui.py"
    if not ui.exists():
        return {"error": f"{ui} not found"}
    port = _free_port()
    warmed = threading.Event()
    phase = {"value": ""}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ui), "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=str(ROOT), text=True)
    ready_at = {}

    def read_log():
        for line in process.stderr:
            if "warm-up finished" in line and not warmed.is_set():
                ready_at["t"] = time.perf_counter() - started
                phase["value"] = line.rsplit(":", 1)[-1].strip()
                warmed.set()

    threading.Thread(target=read_log, daemon=True).start()
    result = {}
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and "page_s" not in result:
            if process.poll() is not None:
                return {"error": f"ui.py exited with code {process.returncode}"}
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    if response.status == 200:
                        result["page_s"] = time.perf_counter() - started
            except OSError:
                time.sleep(0.1)
        if warmed.wait(max(0.0, deadline - time.monotonic())):
            result["ready_s"] = ready_at["t"]
            result["phase"] = phase["value"]
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                result["peak_rss_mb"] = int(match.group(1)) / 1024
        except OSError:
            pass
    finally:
        _stop(process)
    return result


def measure_cold_start(corpus_settings: Settings, question: str, local: bool, progress) -> tuple[dict, list[dict]]:
    """``rag --help``, a first ``rag ask`` per mode and the UI, each in a fresh process.

    Returns:
        ``(cold start figures, memory rows)``.
    """
    env = settings_env(corpus_settings, mode="extractive")
    rag = _rag_command()
    cold, memory = {}, []
    progress("cold start: rag --help (3 runs)")
    helps = [run_measured(rag + ["--help"], env, 60)["seconds"] for _ in range(3)]
    cold["rag_help_s"] = round(statistics.median(helps), 3)
    cold["rag_help_first_s"] = round(helps[0], 3)
    modes = ["extractive"] + (["local"] if local else [])
    for mode in modes:
        progress(f"cold start: first `rag ask --mode {mode}` in a new process")
        run = run_measured(rag + ["ask", "--mode", mode, "--json", question], env, 600)
        ok = run["exit"] == 0
        if ok:
            try:
                answered = json.loads(run["stdout"])["mode"]
            except (ValueError, KeyError):
                ok, answered = False, ""
        key = "first_ask_s" if mode == "extractive" else f"first_ask_{mode}_s"
        cold[key] = round(run["seconds"], 2) if ok else None
        memory.append({"what": f"rag ask --mode {mode}", "mode": mode, "peak_rss_mb": round(run["peak_rss_mb"]),
                       "exit": run["exit"], "answered_as": answered if ok else None,
                       "error": None if ok else (run["stderr"].strip().splitlines() or ["failed"])[-1]})
    progress("cold start: UI (python ui.py) until the page loads and warm-up finishes")
    ui = measure_ui(env)
    cold["ui_page_s"] = round(ui["page_s"], 2) if "page_s" in ui else None
    ready = "ready_s" in ui and ui.get("phase") == "ready"
    cold["ui_ready_s"] = round(ui["ready_s"], 2) if ready else None
    if ui.get("error"):
        cold["ui_error"] = ui["error"]
    elif "ready_s" in ui and not ready:
        cold["ui_error"] = f"the UI warmed up to {ui.get('phase')!r}, not 'ready'"
    if "peak_rss_mb" in ui:
        memory.append({"what": "UI (ui.py, warmed up)", "mode": "auto", "peak_rss_mb": round(ui["peak_rss_mb"]),
                       "exit": None, "answered_as": None, "error": None})
    return cold, memory


# ---- environment -------------------------------------------------------------------------------
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


# ---- the run ------------------------------------------------------------------------------------
def run_bench(settings: Settings, config: BenchConfig = FULL, progress=None, workdir: Path | None = None) -> dict:
    """Run the benchmark; returns the results dict (what ``--json`` prints).

    Args:
        settings: program settings (the embedding model, corpus folder, LLM are taken from them;
            every index is built in a temporary folder).
        config: sizes and repetitions (:data:`FULL`, :data:`QUICK` or smaller for tests).
        progress: callable receiving stage lines (default: print to stderr).
        workdir: where temporary indexes go (default: a new temporary folder, removed after).

    Raises:
        RagError: the corpus folder is missing or empty, or a stage cannot run.
    """
    progress = progress or Progress()
    if not Path(settings.corpus_dir).is_dir():
        raise RagError(f"corpus folder {settings.corpus_dir} does not exist (RAG_CORPUS_DIR)")
    started = time.perf_counter()
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "quick": config.quick,
               "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.__dict__.items()},
               "machine": machine_info(), "versions": versions(), "notes": []}
    load, cores = results["machine"]["load_average"][0], results["machine"]["cores_logical"] or 1
    if load > 0.5 * cores:
        warning = (f"the load average was {load:.1f} on {cores} cores when the benchmark started: other programs "
                   "were using the CPU, so the figures are slower and noisier than on an idle machine")
        results["notes"].append(warning)
        progress("warning: " + warning)
    own_tmp = None
    if workdir is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="rag-bench-")
        workdir = Path(own_tmp.name)
    try:
        _run_stages(settings, config, progress, Path(workdir), results)
    finally:
        _release_chroma_clients()
        if own_tmp is not None:
            own_tmp.cleanup()
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["peak_rss_bench_mb"] = round(_peak_rss_mb_self())
    for row in results.get("memory", []):
        if row["mode"] == "all":
            row["peak_rss_mb"] = results["peak_rss_bench_mb"]
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = evaluate_targets(results)
    return results


def _run_stages(settings: Settings, config: BenchConfig, progress, work: Path, results: dict) -> None:
    from rag.embeddings import get_embedder
    from rag.pipeline import available_modes

    progress("loading the embedding model")
    embedder = get_embedder(settings.embed_model)
    t0 = time.perf_counter()
    embedder.model  # noqa: B018
    embedder.encode(["warm up the encoder"] * 4)
    results["embedder"] = {"label": embedder.label, "load_s": round(time.perf_counter() - t0, 2),
                           "batch_size": embedder.batch_size}
    questions = load_questions()
    measured = questions[: config.questions]
    warmup = questions[config.questions] if len(questions) > config.questions else FALLBACK_QUESTIONS[0]
    pool = sentence_pool(settings.corpus_dir)

    # 1. ingestion
    corpus_copy = work / "corpus"
    shutil.copytree(settings.corpus_dir, corpus_copy)
    progress(f"ingest: {settings.corpus_dir} end to end, raw encode, LangChain ({config.corpus_repeats} run(s))")
    row, corpus_settings = measure_ingest(settings, embedder, corpus_copy, work / "ingest-corpus",
                                          f"{settings.corpus_dir}", config.langchain, config.corpus_repeats)
    ingest_rows = [row]
    ingested = {}
    for size in config.ingest_sizes:
        folder = work / f"synthetic-{size}"
        made = build_synthetic_corpus(pool, size, folder, seed=size)
        progress(f"ingest: synthetic corpus of {made['chunks']:,} chunks in {made['files']} files "
                 "(end to end, then raw encode, then LangChain)")
        row, target = measure_ingest(settings, embedder, folder, work / f"ingest-{size}", f"synthetic {size:,}",
                                     config.langchain)
        ingest_rows.append(row)
        ingested[size] = target
        progress(f"ingest: {row['chunks_per_s']} chunks/s end to end, {row['raw_encode_chunks_per_s']} raw, "
                 f"ratio {row['ingest_vs_raw_encode']}")
    results["ingest"] = ingest_rows
    largest = ingest_rows[-1]
    results["ingest_vs_raw_encode"] = largest["ingest_vs_raw_encode"]
    results["ingest_chunks_per_s"] = largest["chunks_per_s"]
    results["raw_encode_chunks_per_s"] = largest["raw_encode_chunks_per_s"]
    results["langchain_chunks_per_s"] = largest["langchain_chunks_per_s"]
    results["ingest_measured_at_chunks"] = largest["chunks"]

    # 2. retrieval
    retrieval = []
    sizes = sorted(set(config.retrieval_sizes))
    if sizes:
        shared = work / "retrieval"
        built, cosine = build_indexes(settings, embedder, pool, sizes, corpus_settings, shared, progress)
        results["synthetic_vector_cosine_median"] = round(cosine, 3)
        for size in sizes:
            progress(f"retrieval: {size:,} chunks, embedded Chroma")
            row = measure_retrieval(built[size]["settings"], embedder, measured, config.cold_questions, warmup)
            retrieval.append({"index": "synthetic", "store": "embedded", "write_s": round(built[size]["write_s"], 1),
                              **row})
        if ingested:
            size = max(ingested)
            progress(f"retrieval: {size:,} ingested chunks (real vectors), embedded Chroma")
            row = measure_retrieval(ingested[size], embedder, measured, config.cold_questions, warmup)
            retrieval.append({"index": "ingested", "store": "embedded", "write_s": None, **row})
        if config.server:
            _release_chroma_clients()
            progress("retrieval: starting a Chroma server (chroma run) on the same files")
            with ChromaServer(shared / "chroma") as server:
                for size in sizes:
                    target = built[size]["settings"].replace(chroma_host="127.0.0.1", chroma_port=server.port)
                    store = _open_server_store(target, create=True)
                    write = None
                    if store.chunk_count() != built[size]["chunks"]:  # not visible to the server: write it again
                        results["notes"].append(f"the server did not see the {size}-chunk collection on disk; "
                                                "it was written through the server")
                        t = time.perf_counter()
                        for ids, rows, texts, metas in _collection_batches(built[size]["settings"]):
                            store.add_chunks(ids, rows, texts, metas)
                        store.bump_state(embedder.label)
                        write = round(time.perf_counter() - t, 1)
                    progress(f"retrieval: {size:,} chunks, Chroma server")
                    row = measure_retrieval(target, embedder, measured, config.cold_questions, warmup)
                    retrieval.append({"index": "synthetic", "store": "server", "write_s": write, **row})
    results["retrieval"] = retrieval
    main_rows = [r for r in retrieval if r["index"] == "synthetic" and r["store"] == "embedded"]
    if main_rows:
        top = max(main_rows, key=lambda r: r["chunks"])
        results["retrieve_p50_ms"] = top["hybrid_p50_ms"]
        results["retrieve_p95_ms"] = top["hybrid_p95_ms"]
        results["retrieve_dense_p50_ms"] = top["dense_p50_ms"]
        results["retrieve_fusion_p50_ms"] = top["fusion_p50_ms"]
        results["retrieve_first_ask_p50_ms"] = top["hybrid_first_p50_ms"]
        results["retrieve_cold_p50_ms"] = top["hybrid_cold_p50_ms"]
        results["retrieve_measured_at_chunks"] = top["chunks"]
    else:
        results["retrieve_p50_ms"] = None
    if sizes:
        results["notes"].append(
            "Retrieval indexes: the corpus's real chunks (real vectors) plus synthetic chunks made of corpus sentences "
            "drawn at random until 120 words; a synthetic chunk's vector is the normalised sum of the real model's "
            "vectors of its sentences and of its title/section, so large indexes need no per-chunk encoding "
            "(median cosine to the model's own vector of the same chunk: "
            f"{results.get('synthetic_vector_cosine_median')} "
            "on a sample of 48). The Chroma server serves the same files the embedded client wrote.")

    # 3. answering
    answer_questions = measured
    modes = ["extractive"]
    local = config.local and "local" in available_modes(settings)
    if local:
        modes.append("local")
    elif config.local:
        results["notes"].append("local mode is not available here (llama-cpp-python or the bundled model missing)")
    answers = []
    for mode in modes:
        chosen = answer_questions if mode == "extractive" else answer_questions[: config.local_questions]
        progress(f"answer: {len(chosen)} questions in {mode} mode")
        answers.append(measure_answers(corpus_settings, embedder, mode, chosen))
    results["answer"] = answers
    by_mode = {a["mode"]: a for a in answers}
    results["extractive_p50_ms"] = by_mode["extractive"]["p50_ms"]
    results["local_p50_ms"] = by_mode["local"]["p50_ms"] if "local" in by_mode else None

    # 4. cold start and memory
    memory = [{"what": "this benchmark process (everything loaded)", "mode": "all", "peak_rss_mb": None,
               "exit": None, "answered_as": None, "error": None}]
    cold = {}
    if config.cold_start:
        cold, more = measure_cold_start(corpus_settings, answer_questions[0], local, progress)
        memory = more + memory
        if cold.get("ui_error"):
            results["notes"].append(f"UI: {cold['ui_error']}")
        results["notes"] += [f"`{m['what']}` failed: {m['error']}" for m in more if m.get("error")]
    results["cold_start"] = cold
    results["memory"] = memory
    results["ui_ready_s"] = cold.get("ui_ready_s")
    local_rows = [m for m in memory if m["mode"] == "local"]
    results["peak_rss_local_mb"] = local_rows[0]["peak_rss_mb"] if local_rows else None
    results["growth"] = growth_rows(results)


def _collection_batches(settings: Settings, batch: int = WRITE_BATCH):
    from rag.store import open_store

    store = open_store(settings)
    offset = 0
    while True:
        page = store.chunks.get(include=["embeddings", "documents", "metadatas"], limit=batch, offset=offset)
        if not page["ids"]:
            return
        yield page["ids"], [list(map(float, v)) for v in page["embeddings"]], page["documents"], page["metadatas"]
        offset += len(page["ids"])


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


def evaluate_targets(results: dict) -> list[dict]:
    """Each target of the issue with the measured value and whether it is met (None: not measured)."""
    out = []
    for name, (key, op, threshold, unit) in TARGETS.items():
        value = results.get(key)
        met = None if value is None else (value < threshold if op == "<" else value >= threshold)
        note = ""
        if key == "retrieve_p50_ms" and value is not None and results.get("retrieve_measured_at_chunks", 0) < 100_000:
            note = f"measured at {results.get('retrieve_measured_at_chunks'):,} chunks (100k skipped)"
        if key == "ingest_vs_raw_encode" and value is not None:
            note = f"at {results.get('ingest_measured_at_chunks', 0):,} chunks"
        out.append({"target": name, "key": key, "op": op, "threshold": threshold, "unit": unit, "value": value,
                    "met": met, "note": note})
    return out


# ---- output -------------------------------------------------------------------------------------
def _fmt(value, digits: int | None = None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        digits = digits if digits is not None else (2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0)
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(head: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def format_tables(results: dict) -> str:
    """The result tables (Markdown), as printed and as in RESULTS.md."""
    parts = []
    verdict = {True: "met", False: "MISSED", None: "not measured"}
    parts.append("Targets\n\n" + _table(
        ["target", "goal", "measured", "result", "note"],
        [[t["target"], f"{t['op']} {t['threshold']:g} {t['unit']}".strip(),
          f"{_fmt(t['value'])} {t['unit']}".strip(), verdict[t["met"]], t["note"]]
         for t in results.get("targets", [])]))
    parts.append("Ingestion (chunks/s)\n\n" + _table(
        ["corpus", "files", "chunks", "ingest s", "ingest chunks/s", "raw encode chunks/s", "ingest / raw",
         "LangChain from_documents chunks/s"],
        [[r["corpus"], r["files"], r["chunks"], r["seconds"], r["chunks_per_s"], r["raw_encode_chunks_per_s"],
          r["ingest_vs_raw_encode"], r["langchain_chunks_per_s"]] for r in results.get("ingest", [])]))
    if results.get("retrieval"):
        parts.append("Retrieval latency (ms). dense = dense only; fusion = dense + BM25 + RRF; hybrid = fusion + "
                     "sentence scoring and rerank (Assistant.retrieve, what answering runs), sentence cache warm; "
                     "first ask = the same the first time a question is asked; cold = sentence cache cleared\n\n"
                     + _table(["chunks", "index", "store", "dense p50", "dense p95", "fusion p50", "fusion p95",
                               "hybrid p50", "hybrid p95", "first ask p50", "cold p50", "BM25 build s"],
                              [[r["chunks"], r["index"], r["store"], r["dense_p50_ms"], r["dense_p95_ms"],
                                r["fusion_p50_ms"], r["fusion_p95_ms"], r["hybrid_p50_ms"], r["hybrid_p95_ms"],
                                r["hybrid_first_p50_ms"], r["hybrid_cold_p50_ms"], r["bm25_build_s"]]
                               for r in results["retrieval"]]))
    parts.append("Answering (ms)\n\n" + _table(
        ["mode", "questions", "p50", "p95", "first text p50", "first text p95", "refused", "answered as",
         "model load s"],
        [[a["mode"], a["n"], a["p50_ms"], a["p95_ms"], a["first_text_p50_ms"], a["first_text_p95_ms"], a["refused"],
          ", ".join(f"{k} {v}" for k, v in a["answered_as"].items()), a["model_load_s"]]
         for a in results.get("answer", [])]))
    cold = results.get("cold_start") or {}
    if cold:
        labels = {"rag_help_s": "rag --help (median of 3)", "rag_help_first_s": "rag --help (first run)",
                  "first_ask_s": "first rag ask (extractive, new process)",
                  "first_ask_local_s": "first rag ask --mode local (new process, model load included)",
                  "ui_page_s": "UI page served (HTTP 200)", "ui_ready_s": "UI ready (warm-up finished)"}
        parts.append("Cold start (s)\n\n" + _table(["what", "seconds"],
                                                   [[labels[k], cold[k]] for k in labels if k in cold]))
    memory = [m for m in results.get("memory", [])]
    if memory:
        rows = []
        for m in memory:
            rows.append([m["what"], m["peak_rss_mb"], m.get("answered_as") or ("failed" if m.get("error") else "")])
        parts.append("Peak RSS (MB)\n\n" + _table(["process", "peak RSS MB", "answered as"], rows))
    growth = results.get("growth", [])
    if growth:
        parts.append("Growth (one row per corpus size)\n\n" + _table(
            ["chunks", "ingest chunks/s", "raw encode chunks/s", "LangChain chunks/s", "index build s",
             "hybrid p50 ms", "dense p50 ms", "server hybrid p50 ms", "BM25 build s", "process RSS MB"],
            [[g["chunks"], g.get("ingest_chunks_per_s"), g.get("raw_encode_chunks_per_s"),
              g.get("langchain_chunks_per_s"), g.get("index_write_s"), g.get("hybrid_p50_ms"), g.get("dense_p50_ms"),
              g.get("server_hybrid_p50_ms"), g.get("bm25_build_s"), g.get("rss_mb")] for g in growth]))
    return "\n\n".join(parts)


def write_charts(results: dict, out: Path) -> list[str]:
    """ingest.png, retrieval.png and growth.png; returns the file names written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    ingest = results.get("ingest", [])
    if ingest:
        fig, ax = plt.subplots(figsize=(7, 4.2))
        x = [r["chunks"] for r in ingest]
        ax.plot(x, [r["chunks_per_s"] for r in ingest], "o-", label="rag ingest (end to end)")
        ax.plot(x, [r["raw_encode_chunks_per_s"] for r in ingest], "s--", label="raw encoder, same texts")
        if any(r["langchain_chunks_per_s"] for r in ingest):
            ax.plot(x, [r["langchain_chunks_per_s"] for r in ingest], "^:", label="LangChain Chroma.from_documents")
        ax.set_xscale("log")
        ax.set_xlabel("chunks in the corpus")
        ax.set_ylabel("chunks / s")
        ax.set_ylim(bottom=0)
        ax.set_title("Ingestion throughput")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "ingest.png", dpi=110)
        plt.close(fig)
        written.append("ingest.png")
    retrieval = results.get("retrieval", [])
    if retrieval:
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        styles = {("embedded", "hybrid"): "C0", ("embedded", "dense"): "C1", ("server", "hybrid"): "C2",
                  ("server", "dense"): "C3"}
        for (store, method), color in styles.items():
            rows = sorted((r for r in retrieval if r["store"] == store and r["index"] == "synthetic"),
                          key=lambda r: r["chunks"])
            if not rows:
                continue
            x = [r["chunks"] for r in rows]
            ax.plot(x, [r[f"{method}_p50_ms"] for r in rows], "o-", color=color, label=f"{store} {method} p50")
            ax.plot(x, [r[f"{method}_p95_ms"] for r in rows], "o--", color=color, alpha=0.5,
                    label=f"{store} {method} p95")
        real = [r for r in retrieval if r["index"] == "ingested"]
        if real:
            ax.plot([r["chunks"] for r in real], [r["hybrid_p50_ms"] for r in real], "k*", markersize=11,
                    label="ingested index (real vectors), hybrid p50")
        ax.axhline(50, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        ax.set_xlabel("chunks in the index")
        ax.set_ylabel("ms per query")
        ax.set_ylim(bottom=0)
        ax.set_title("Retrieval latency (hybrid = dense + BM25 + fusion + rerank)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out / "retrieval.png", dpi=110)
        plt.close(fig)
        written.append("retrieval.png")
    growth = [g for g in results.get("growth", []) if g.get("bm25_build_s") is not None]
    if growth:
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        x = [g["chunks"] for g in growth]
        left.plot(x, [g["bm25_build_s"] for g in growth], "o-", label="BM25 build (per process)")
        left.plot(x, [g.get("index_write_s") or 0 for g in growth], "s--",
                  label="index build (make chunks + Chroma write)")
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_xlabel("chunks")
        left.set_ylabel("seconds")
        left.grid(alpha=0.3)
        left.legend()
        right.plot(x, [g.get("rss_mb") for g in growth], "o-")
        right.set_xscale("log")
        right.set_xlabel("chunks")
        right.set_ylabel("benchmark process RSS after BM25 build (MB)")
        right.grid(alpha=0.3)
        fig.suptitle("Growth with corpus size")
        fig.tight_layout()
        fig.savefig(out / "growth.png", dpi=110)
        plt.close(fig)
        written.append("growth.png")
    return written


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
        *[f"- **Warning: {note}.**" for note in results.get("notes", []) if note.startswith("the load average")],
        f"- torch {v.get('torch')} ({v.get('torch_threads')} threads), sentence-transformers "
        f"{v.get('sentence-transformers')}, transformers {v.get('transformers')}, chromadb {v.get('chromadb')}, "
        f"langchain-chroma {v.get('langchain-chroma')}, bm25s {v.get('bm25s')}, llama-cpp-python "
        f"{v.get('llama_cpp_python')}, gradio {v.get('gradio')}",
        f"- embedding model: {results['embedder']['label']} (batch size {results['embedder']['batch_size']}, "
        f"load {results['embedder']['load_s']} s)", "",
        "## Results", "", format_tables(results), "",
        "## How it was measured", "",
        "- **Ingestion**: `Ingester.run` on a folder into a fresh embedded index, timed end to end (hash, load, "
        "chunk, embed, write, ledger). Synthetic corpora are Markdown files of corpus sentences recombined at "
        "random (about 60 chunks per file) and are chunked before writing so ingest makes exactly the stated "
        "number of chunks. *Raw encode* is `Embedder.encode` (same model, batch size) on exactly the texts ingest "
        "embedded (title and section prefix included), in one call. *LangChain* is "
        "`langchain_chroma.Chroma.from_documents` with the same chunk texts and an `Embeddings` adapter around "
        "the same encoder, into its own collection: it starts from ready chunks, ours from files.",
        "- **Retrieval**: questions from `eval/qa.jsonl`; the BM25 index is built and timed first (\"BM25 "
        "build\", per process and index state), one warm-up query is not counted. *dense* is dense-only "
        "(`rag search --dense-only`), *fusion* is dense + BM25 with reciprocal rank fusion, *hybrid* is "
        "`Assistant.retrieve` (fusion of 8 candidates + sentence scoring and rerank), the retrieval step of every "
        "answer, measured on a second pass over the questions so its sentence-vector cache is warm: this is "
        "`retrieve_p50_ms` and the part that grows with the index. *first ask* is the first pass (sentences "
        "of new candidates are encoded, about 50 per question); *cold* clears the cache before every query. "
        "Synthetic chunks reuse the corpus's sentences, so first-ask figures are lower than they would be on a "
        "large corpus of distinct text; *cold* is the upper bound.",
        *[f"- {note}" for note in results.get("notes", []) if not note.startswith("the load average")],
        "- **Answering**: `Assistant.stream` over the corpus index; *first text* is the time to the first "
        "streamed text event. Local mode uses llama.cpp in-process; the model load is timed apart.",
        "- **Cold start and memory**: each in a new process (`rag --help`, `rag ask --mode M --json`, "
        "`python ui.py`), so modes do not share memory. Peak RSS of `rag ask` comes from `wait4` (ru_maxrss); "
        "the UI's from VmHWM after warm-up. *UI ready* is the time until the UI's warm-up (embedder, index, "
        "BM25) has finished and questions are answered. The OS file cache is warm (the benchmark read the "
        "same files before).", "",
    ]
    if charts:
        lines += ["## Charts", ""] + [f"![{c}]({c})" for c in charts] + [""]
    (out / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


def run_cli(args, settings: Settings) -> int:
    """``rag bench`` entry point."""
    config = QUICK if args.quick else FULL
    progress = Progress()
    progress(f"rag bench{' --quick' if args.quick else ''}: ingest, retrieval, answering, cold start, memory "
             f"({'about 3 minutes' if args.quick else 'about 35 minutes on 2 cores'})")
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
