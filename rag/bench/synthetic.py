"""Synthetic corpora and indexes made of the real corpus's sentences.

Two kinds:

- :func:`build_synthetic_corpus` writes Markdown files that ingest into an exact number of
  chunks (for ingest throughput: the real loader, chunker and encoder run on them);
- :func:`synthetic_index_batches` makes chunks and their vectors for large retrieval indexes
  without running the encoder on each chunk; :func:`cached_index` writes such an index once
  and reuses it, keyed by everything that shapes it.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError

ROOT = Path(__file__).resolve().parents[2]
CHUNKS_PER_FILE = 60  # synthetic Markdown files hold about this many chunks
SECTION_SENTENCES = 18  # a new "## section" every this many sentences in synthetic files
PARAGRAPH_SENTENCES = 5
SYNTHETIC_CHUNK_WORDS = 120  # synthetic index chunks close at this many words, like the chunker
WRITE_BATCH = 4000
INDEX_FORMAT = 2  # bump when the way cached indexes are made changes: old caches are then ignored
FALLBACK_QUESTIONS = ["What did Hefei do to become an innovation hub?", "Why did DeepSeek appear in Hangzhou?",
                      "What is the G60 Science and Innovation Corridor?", "How long did Optics Valley stick to fibre?"]


@dataclass(frozen=True)
class PoolSentence:
    """A sentence of the real corpus with the title and section it came from."""

    title: str
    section: str
    text: str
    words: int


def sentence_pool(corpus_dir: Path) -> list[PoolSentence]:
    """Distinct sentences of the corpus's chunks (headings excluded), in corpus order.

    Args:
        corpus_dir: the documents folder.

    Returns:
        The sentences, each with its document title and section.

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
    """A Markdown document: front matter title, a section every few sentences, short paragraphs.

    Args:
        title: the document title.
        sentences: its sentences, in order.

    Returns:
        The Markdown text.
    """
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


@dataclass(frozen=True)
class PoolVectors:
    """The real model's vectors of the pool sentences and of their title/section headings."""

    rows: object  # numpy array, row i for pool[i]
    heads: dict  # {(title, section): vector}


def pool_vectors(pool: list[PoolSentence], embedder) -> PoolVectors:
    """Embed every pool sentence and every title/section heading once.

    Args:
        pool: corpus sentences.
        embedder: the :class:`rag.embeddings.Embedder`.

    Returns:
        A :class:`PoolVectors`.
    """
    from rag.chunking import embedding_text

    heads = sorted({(s.title, s.section) for s in pool})
    rows = embedder.encode([embedding_text(t, sec, "").strip() for t, sec in heads])
    return PoolVectors(embedder.encode([s.text for s in pool]), dict(zip(heads, rows)))


def synthetic_index_batches(pool: list[PoolSentence], vectors: PoolVectors, count: int, seed: int = 0,
                            batch: int = WRITE_BATCH, chunks_per_doc: int = CHUNKS_PER_FILE):
    """Chunks for a large retrieval index, without running the encoder on each of them.

    A chunk is corpus sentences drawn at random until it holds :data:`SYNTHETIC_CHUNK_WORDS`
    words. Its vector is the normalised sum of the vectors of its sentences and of its
    title/section heading, each embedded once by the real model: close to what the model gives
    the whole chunk, at no encoding cost per chunk.

    Args:
        pool: corpus sentences.
        vectors: their vectors (:func:`pool_vectors`).
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
            vector = vectors.rows[picks].sum(axis=0) + vectors.heads[(first.title, first.section)]
            rows.append(vector / np.linalg.norm(vector))
            ids.append(f"synthetic-{number:07d}")
            texts.append(text)
            metas.append({"doc_id": f"synthetic/doc-{doc:05d}.md", "title": f"{first.title} (synthetic {doc:05d})",
                          "section": first.section, "page": 0, "start": offset, "end": offset + len(text),
                          "source": "(synthetic)"})
            offset += len(text) + 1
        made += len(ids)
        yield ids, np.vstack(rows).astype("float32"), texts, metas


def shortcut_cosine(pool: list[PoolSentence], vectors: PoolVectors, embedder, sample: int = 48) -> float:
    """How close the shortcut is: median cosine between synthetic vectors and the model's own
    vectors of the same chunk texts, on ``sample`` chunks."""
    import numpy as np

    from rag.chunking import embedding_text

    _, rows, texts, metas = next(synthetic_index_batches(pool, vectors, sample, seed=12345))
    real = embedder.encode([embedding_text(m["title"], m["section"], t) for t, m in zip(texts, metas)])
    return float(np.median(np.sum(rows * real, axis=1)))


def index_chunks(settings, batch: int = WRITE_BATCH):
    """Every chunk of an index with its vector, in batches.

    Args:
        settings: the index's settings.
        batch: chunks per batch.

    Yields:
        ``(ids, vectors as lists, texts, metadatas)`` batches.
    """
    from rag.store import open_store

    store = open_store(settings)
    offset = 0
    while True:
        page = store.chunks.get(include=["embeddings", "documents", "metadatas"], limit=batch, offset=offset)
        if not page["ids"]:
            return
        yield page["ids"], [list(map(float, v)) for v in page["embeddings"]], page["documents"], page["metadatas"]
        offset += len(page["ids"])


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


def cached_index(settings, embedder, pool: list[PoolSentence], vectors: PoolVectors, size: int, real_settings,
                 cache_dir: Path, progress) -> dict:
    """A retrieval index of ``size`` chunks: the real chunks of ``real_settings``'s index (their
    own vectors) plus synthetic chunks, written once under ``cache_dir`` and reused.

    The folder name holds a digest of everything that shapes the index (size, the corpus's
    sentences and chunk ids, the embedding model, the chromadb version, :data:`INDEX_FORMAT`),
    so a changed corpus or model never reuses a stale index. It is written to a temporary
    folder and renamed when complete, so an interrupted build is never reused.

    Args:
        settings: program settings (only their other fields are kept).
        embedder: the embedder (its label is part of the key).
        pool: corpus sentences.
        vectors: their vectors.
        size: chunks in the index.
        real_settings: settings of an index holding the real corpus chunks.
        cache_dir: where indexes are kept.
        progress: callable receiving stage lines.

    Returns:
        ``{"settings", "chunks", "write_s" (of the build, also when reused), "reused"}``.
    """
    from importlib import metadata

    import numpy as np

    from rag.store import ChromaStore, open_store

    real = next(index_chunks(real_settings, batch=max(size, 1)), ([], [], [], []))
    keep = min(size, len(real[0]))
    key = _digest(INDEX_FORMAT, size, SYNTHETIC_CHUNK_WORDS, CHUNKS_PER_FILE, embedder.label,
                  metadata.version("chromadb"), [s.text for s in pool], real[0][:keep], real[2][:keep])
    folder = Path(cache_dir) / f"index-{size}-{key}"
    target = settings.replace(data_dir=folder, collection="documents", chroma_host="")
    marker = folder / "bench-index.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if open_store(target).chunk_count() == size:
            return {"settings": target, "chunks": size, "write_s": info["write_s"], "reused": True}
    progress(f"retrieval: writing a {size:,}-chunk index into {cache_dir} (reused by later runs)")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    store = ChromaStore(target.replace(data_dir=partial), create=True)
    started = time.perf_counter()
    store.add_chunks(list(real[0][:keep]), np.asarray(real[1][:keep]).tolist(), list(real[2][:keep]),
                     list(real[3][:keep]))
    for ids, rows, texts, metas in synthetic_index_batches(pool, vectors, size - keep, seed=size):
        store.add_chunks(ids, rows.tolist(), texts, metas)
    store.bump_state(embedder.label)
    write_s = time.perf_counter() - started
    del store
    release_chroma_clients()
    (partial / "bench-index.json").write_text(json.dumps({"size": size, "key": key, "write_s": round(write_s, 1),
                                                          "date": time.strftime("%Y-%m-%d %H:%M:%S %z")}))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return {"settings": target, "chunks": size, "write_s": round(write_s, 1), "reused": False}


def release_chroma_clients() -> None:
    """Drop cached embedded Chroma systems so their files are closed."""
    import gc

    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001  (an older chromadb: nothing cached to clear)
        pass
    gc.collect()


def load_questions(limit: int | None = None, explanations: bool = False) -> list[str]:
    """Answerable single-turn questions of eval/qa.jsonl (a few fixed ones when it is missing).

    Args:
        limit: at most this many.
        explanations: only the explanation questions ("Why ...", "How did ...").

    Returns:
        The questions, in file order.
    """
    path = ROOT / "eval" / "qa.jsonl"
    if not path.exists():
        path = Path("eval/qa.jsonl")
    questions = []
    if path.exists():
        from rag.evaluation import load_jsonl

        questions = [item.question for item in load_jsonl(path) if len(item.turns) == 1 and item.answerable
                     and (item.explanation or not explanations)]
    questions = questions or list(FALLBACK_QUESTIONS if not explanations else FALLBACK_QUESTIONS[:2])
    return questions[:limit] if limit else questions
