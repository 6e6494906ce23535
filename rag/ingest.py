"""Idempotent, incremental ingestion of files into the Chroma store.

For each file: hash its bytes; if the ledger holds the same hash, skip it. Otherwise load,
chunk, embed, and replace the document's chunks (a group of documents at a time). The ledger
entries are marked incomplete before the chunks change and complete after, so an ingest
stopped at any point (Ctrl-C, kill -9) is finished by the next run with nothing duplicated:
chunk ids are deterministic and a document's old chunks are deleted by ``doc_id`` before new
ones go in.
Files that vanished from an ingested folder lose their chunks.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from rag.chunking import CHUNKER_VERSION, Chunk, chunk_document, embedding_text
from rag.errors import RagError
from rag.loaders import LOADER_VERSION, LoadError, LoadedDocument, is_supported, load
from rag.settings import Settings

ENCODE_GROUP = 256  # chunks embedded together across small documents


@dataclass
class FileResult:
    """The outcome for one file: added, updated, unchanged, removed, failed or skipped."""

    doc_id: str
    status: str
    reason: str = ""
    chunks: int = 0


@dataclass
class IngestReport:
    """All file outcomes of one ingest run."""

    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    chunks_embedded: int = 0

    def count(self, status: str) -> int:
        """Number of files with this status."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        """The files that could not be ingested."""
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> str:
        """The one summary line: ``added N, updated N, unchanged N, removed N, failed N``."""
        return ", ".join(f"{s} {self.count(s)}" for s in ("added", "updated", "unchanged", "removed", "failed"))


def _unprintable_name(doc_id: str) -> bool:
    """True when a file's path holds control or bidi characters (they would reach terminals and pages)."""
    return any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069
               for c in doc_id)


def _shown(path: Path, corpus_dir: Path) -> str:
    """A file's doc_id with unprintable characters written as escapes, for messages."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in doc_id_for(path, corpus_dir))


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """A file's id: its path relative to the corpus root, or its absolute path outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(corpus_dir)).as_posix()
    except ValueError:
        return absolute.as_posix()


@contextlib.contextmanager
def ingest_lock(settings: Settings, wait_seconds: float = 0.0):
    """Hold the ingest lock (``ingest.lock`` in the data directory); two ingests never interleave.

    Args:
        settings: gives the data directory.
        wait_seconds: how long to wait for another ingest to finish before giving up.

    Raises:
        RagError: another ingest holds the lock, or the data directory is not writable.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(settings.data_dir / "ingest.lock", timeout=max(0.0, wait_seconds), poll_interval=0.2)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise RagError("another ingest is running on this index; try again when it finishes") from None
    except OSError as err:
        raise RagError(f"data directory {settings.data_dir} is not writable ({err.strerror or err})") from None
    try:
        yield
    finally:
        lock.release()


class Ingester:
    """Brings the index in line with files on disk.

    Args:
        settings: program settings.
        store: an open :class:`rag.store.ChromaStore` (opened with ``create=True`` if None).
        embedder: an :class:`rag.embeddings.Embedder` (the configured one if None).
    """

    def __init__(self, settings: Settings, store=None, embedder=None):
        from rag.embeddings import get_embedder
        from rag.multilingual import get_encoder

        self.settings = settings
        self._store = store
        self.embedder = embedder or get_embedder(settings.embed_model, settings.cache_dir, settings.embed_precision)
        self.multilingual = get_encoder()

    @property
    def store(self):
        """The store (opened on first use, created if missing)."""
        if self._store is None:
            from rag.store import open_store

            self._store = open_store(self.settings, create=True)
        return self._store

    def run(self, paths: list[Path] | None = None, progress: bool = False, lock_wait: float = 0.0) -> IngestReport:
        """Ingest files and folders.

        Args:
            paths: files or folders (default: the corpus folder).
            progress: show a progress bar on stderr.
            lock_wait: seconds to wait for another running ingest.

        Returns:
            An :class:`IngestReport`; call ``summary()`` for the one-line summary.
        """
        started = time.perf_counter()
        report = IngestReport()
        with ingest_lock(self.settings, lock_wait):
            files, folders = self._collect(paths or [self.settings.corpus_dir], report)
            ledger = self.store.ledger_entries()
            changed = self._sweep_deleted(folders, {doc_id for _, doc_id in files}, ledger, report)
            todo = []
            for path, doc_id in _reading(files, progress):
                result = self._check(path, doc_id, ledger.get(doc_id), report)
                if result is not None:
                    todo.append(result)
            try:
                changed |= self._write(todo, ledger, report, progress)
            except BaseException:
                if changed:
                    with contextlib.suppress(RagError):  # the first error is the one to report
                        self.store.bump_state(self.embedder.label)
                raise
            if changed:
                self.store.bump_state(self.embedder.label)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, doc_id: str) -> bool:
        """Remove a document's chunks and ledger entry (not its file).

        An unknown document changes nothing: no index is created, the index state stays (so no
        process rebuilds its keyword index).

        Args:
            doc_id: the document id.

        Returns:
            True when the document was in the index.
        """
        from rag.errors import NoIndexError
        from rag.store import open_store

        try:
            store = self._store or open_store(self.settings)
        except NoIndexError:
            return False
        with ingest_lock(self.settings, 30.0):
            if doc_id not in store.ledger_entries():
                return False
            store.delete_document(doc_id)
            store.bump_state(self.embedder.label)
        return True

    # ---- steps -----------------------------------------------------------------------------------
    def _collect(self, paths, report):
        files: list[tuple[Path, str]] = []
        folders: list[Path] = []
        seen = set()
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                report.results.append(FileResult(str(raw), "failed", "no such file or folder"))
                continue
            if path.is_dir():
                root = Path(os.path.abspath(path))
                folders.append(root)
                for found in sorted(self._walk(root, report)):
                    doc_id = doc_id_for(found, self.settings.corpus_dir)
                    if doc_id not in seen:
                        seen.add(doc_id)
                        files.append((found, doc_id))
                continue
            doc_id = doc_id_for(path, self.settings.corpus_dir)
            if not is_supported(path):
                report.results.append(FileResult(_shown(path, self.settings.corpus_dir), "failed",
                                                 f"unsupported file type {path.suffix or '(none)'}"))
            elif _unprintable_name(doc_id):
                report.results.append(FileResult(_shown(path, self.settings.corpus_dir), "failed",
                                                 "the file path holds control characters; rename the file"))
            elif doc_id not in seen:
                seen.add(doc_id)
                files.append((path, doc_id))
        return files, folders

    def _walk(self, root: Path, report):
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                if path.is_symlink():
                    if not path.resolve().is_relative_to(root.resolve()):
                        report.results.append(FileResult(doc_id_for(path, self.settings.corpus_dir), "failed",
                                                         "symlink points outside the folder; not followed"))
                        continue
                if not is_supported(path):
                    report.results.append(FileResult(_shown(path, self.settings.corpus_dir), "skipped",
                                                     f"unsupported file type {path.suffix or '(none)'}"))
                    continue
                if _unprintable_name(doc_id_for(path, self.settings.corpus_dir)):
                    report.results.append(FileResult(_shown(path, self.settings.corpus_dir), "failed",
                                                      "the file path holds control characters; rename the file"))
                    continue
                yield path

    def _sweep_deleted(self, folders, found_ids, ledger, report) -> bool:
        changed = False
        for doc_id, entry in sorted(ledger.items()):
            if doc_id in found_ids or not entry.source:
                continue
            source = Path(entry.source)
            if any(source.is_relative_to(folder) for folder in folders) and not source.exists():
                self.store.delete_document(doc_id)
                report.results.append(FileResult(doc_id, "removed", "file no longer exists"))
                changed = True
        return changed

    def _fingerprint(self, sha256: str) -> str:
        multilingual = self.multilingual.label if self.multilingual is not None else "-"
        return f"{sha256}:{CHUNKER_VERSION}.{LOADER_VERSION}:{self.embedder.label}:{multilingual}"

    def _check(self, path: Path, doc_id: str, entry, report):
        limit = self.settings.max_file_mb * 1024 * 1024
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block the read or never end
                raise LoadError("not a regular file (a pipe, socket or device); not read")
            size = info.st_size
            if size > limit:
                raise LoadError(f"file is {size / 1048576:.1f} MB, above the {self.settings.max_file_mb:g} MB limit "
                                "(RAG_MAX_FILE_MB)")
            data = path.read_bytes()
        except LoadError as err:
            report.results.append(FileResult(doc_id, "failed", str(err)))
            return None
        except OSError as err:
            report.results.append(FileResult(doc_id, "failed", f"cannot read file ({err.strerror or err})"))
            return None
        import hashlib

        fingerprint = self._fingerprint(hashlib.sha256(data).hexdigest())
        if entry is not None and entry.complete and entry.sha256 == fingerprint:
            report.results.append(FileResult(doc_id, "unchanged", chunks=entry.chunks))
            return None
        try:
            doc = load(path, doc_id, data)
        except LoadError as err:
            report.results.append(FileResult(doc_id, "failed", str(err)))
            return None
        chunks = chunk_document(doc)
        if not chunks:
            report.results.append(FileResult(doc_id, "failed", "no text to index"))
            return None
        return doc, chunks, fingerprint

    def _write(self, todo, ledger, report, progress) -> bool:
        """Embed and write the documents in ``todo``, a group of about :data:`ENCODE_GROUP` chunks
        at a time.

        A group's documents are marked incomplete in the ledger together, their old chunks deleted,
        their new chunks written, and then they are marked complete, each step one store call: one
        call per document and step was about a third of the time of a corpus of small files.

        The two encoders run one after the other: run side by side (the multilingual one on a
        thread of its own) they were no faster on 2 cores, and slower when the multilingual
        encoder uses several BLAS threads, which then fight MiniLM's for the cores."""
        from rag.store import LedgerEntry

        if not todo:
            return False
        bar = _progress_bar(progress, sum(len(chunks) for _, chunks, _ in todo), len(todo))
        changed, written = False, 0
        try:
            for group in _groups(todo, ENCODE_GROUP):
                self.store.check_space(sum(len(chunks) for _, chunks, _ in group),
                                       sum(len(c.text.encode("utf-8")) for _, chunks, _ in group for c in chunks))
                texts = [embedding_text(doc.title, c.section, c.text) for doc, chunks, _ in group for c in chunks]
                vectors = self.embedder.encode(texts, progress=bar.update if bar else None)
                multilingual = self.multilingual.encode(texts, bulk=True) if self.multilingual is not None else None
                docs = [doc for doc, _, _ in group]
                ids = [c.chunk_id for _, chunks, _ in group for c in chunks]
                self.store.put_ledger_entries([LedgerEntry(doc.doc_id, doc.source, "", 0, doc.title, time.time(),
                                                           False) for doc in docs])
                changed = True
                self.store.delete_chunks([doc.doc_id for doc in docs])
                self.store.add_chunks(ids, vectors.tolist(), [c.text for _, chunks, _ in group for c in chunks],
                                      [_metadata(doc, c) for doc, chunks, _ in group for c in chunks])
                if multilingual is not None:
                    self.store.add_multilingual(ids, multilingual.tolist(),
                                                [doc.doc_id for doc, chunks, _ in group for _ in chunks])
                self.store.put_ledger_entries([LedgerEntry(doc.doc_id, os.path.abspath(doc.source), fingerprint,
                                                           len(chunks), doc.title, time.time(), True)
                                               for doc, chunks, fingerprint in group])
                for doc, chunks, _ in group:
                    previous = ledger.get(doc.doc_id)
                    status = "updated" if previous is not None and previous.complete else "added"
                    report.results.append(FileResult(doc.doc_id, status, chunks=len(chunks)))
                    report.chunks_embedded += len(chunks)
                written += len(group)
                if bar is not None:
                    bar.set_postfix_str(f"files {written}/{len(todo)}")
        finally:
            if bar is not None:
                bar.close()
        return changed


def _reading(files: list, wanted: bool):
    """The files, with a tqdm bar on a terminal when ``wanted`` (reading, parsing and chunking
    them comes before the first chunk is embedded)."""
    if not wanted:
        return files
    from tqdm import tqdm

    return tqdm(files, unit="file", desc="read", leave=False, disable=None, dynamic_ncols=True)


def _progress_bar(wanted: bool, chunks: int, files: int):
    """A tqdm bar over the chunks (rate and time left), with files done, on stderr; None when not
    wanted or when stderr is not a terminal (pipes, CI logs)."""
    if not wanted:
        return None
    from tqdm import tqdm

    bar = tqdm(total=chunks, unit="chunk", desc="ingest", leave=False, disable=None, dynamic_ncols=True)
    if bar.disable:
        return None
    bar.set_postfix_str(f"files 0/{files}")
    return bar


def _groups(todo, size):
    group, count = [], 0
    for item in todo:
        group.append(item)
        count += len(item[1])
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _metadata(doc: LoadedDocument, chunk: Chunk) -> dict:
    return {"doc_id": doc.doc_id, "title": doc.title, "section": chunk.section, "page": chunk.page,
            "start": chunk.start, "end": chunk.end, "source": os.path.abspath(doc.source)}
