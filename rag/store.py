"""The Chroma store: one code path for an embedded folder and a Chroma server.

``RAG_CHROMA_HOST`` set means ``HttpClient``; unset means ``PersistentClient`` under
``RAG_DATA_DIR``. Two collections live side by side: the chunks (cosine space, our own
embeddings, never Chroma's default embedding function) and a ledger with one record per
document (content hash, chunk count, ingest time) plus one ``__state__`` record whose
version changes whenever the index does. Keeping the ledger in Chroma means every
process that shares a server also shares what was ingested.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from rag.errors import NoIndexError, RagError, StoreUnavailableError
from rag.settings import Settings

STATE_ID = "__state__"
_LEDGER_VECTOR = [0.0]  # the ledger holds no meaning in vectors; Chroma needs one
MIN_FREE_MB = 8  # an ingest into a local index leaves at least this much free on its disk
BYTES_PER_CHUNK = 16384  # Chroma stores 7-9 KB per chunk (vector, text, full-text index, HNSW); twice that
BYTES_PER_TEXT_BYTE = 10  # ... and about nine bytes per byte of chunk text

# Local index folders this process must not write again, with the reason. After a write that
# failed for lack of space (or a read-only disk), chromadb 1.5's embedded client can hang on the
# next write in the same process, holding the GIL; a fresh process writes normally.
_BROKEN: dict[str, str] = {}


@dataclass(frozen=True)
class LedgerEntry:
    """What the index knows about one document."""

    doc_id: str
    source: str
    sha256: str
    chunks: int
    title: str
    ingested_at: float
    complete: bool  # False while its chunks are being written


def _connection_error(settings: Settings, err: Exception) -> StoreUnavailableError:
    if settings.uses_server:
        return StoreUnavailableError(
            f"Chroma server http://{settings.chroma_host}:{settings.chroma_port} is not reachable "
            f"({type(err).__name__}); start it (chroma run --path DIR --port {settings.chroma_port}) "
            "or unset RAG_CHROMA_HOST to use the local index"
        )
    return StoreUnavailableError(f"cannot open the index in {settings.data_dir}: {str(err).splitlines()[0][:200]}")


def _guard(settings: Settings, write: bool = False):
    """Turn connection and disk failures inside a store call into StoreUnavailableError.

    Args:
        settings: where the store is.
        write: the call writes; a local index whose write failed in this process refuses
            further writes (see ``_BROKEN``) instead of risking a hang.
    """
    key = "" if settings.uses_server else str(settings.data_dir.resolve())

    class Guard:
        def __enter__(self):
            if write and key in _BROKEN:
                raise StoreUnavailableError(_BROKEN[key])
            return self

        def _stop_writes(self, reason: str) -> None:
            if write and key:
                _BROKEN[key] = (f"an earlier write to the index in {settings.data_dir} failed ({reason[:120]}); "
                                "restart the program to write to it again (answering still works)")

        def __exit__(self, kind, err, tb):
            if err is None or isinstance(err, RagError):
                return False
            name = type(err).__name__
            if settings.uses_server and (isinstance(err, (ConnectionError, OSError)) or "Connect" in name
                                         or "Timeout" in name or "connect" in str(err).lower()):
                raise _connection_error(settings, err) from None
            first_line = str(err).splitlines()[0][:160] if str(err) else name
            if not settings.uses_server and isinstance(err, (OSError, PermissionError)):
                self._stop_writes(first_line)
                raise _connection_error(settings, err) from None
            if "readonly" in str(err).lower() or "read-only" in str(err).lower() or "disk" in str(err).lower():
                self._stop_writes(first_line)
                raise StoreUnavailableError(f"the index in {settings.data_dir} cannot be written ({first_line})") \
                    from None
            return False

    return Guard()


class ChromaStore:
    """Chunks and ledger in Chroma.

    Args:
        settings: where the store is (folder or server) and the collection name.
        create: create the collections when missing; when False a missing index raises
            :class:`NoIndexError`.
    """

    def __init__(self, settings: Settings, create: bool = False):
        self.settings = settings
        self._multilingual = None
        with _guard(settings, write=create):
            self.client = self._connect(settings, create)
            self.chunks, self.ledger = self._collections(create)

    @staticmethod
    def _connect(settings: Settings, create: bool):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.uses_server:
            try:
                return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                           settings=chroma_settings)
            except Exception as err:  # chromadb raises ValueError/ConnectError on a dead server
                raise _connection_error(settings, err) from None
        path = settings.data_dir / "chroma"
        if not create and not path.exists():
            raise NoIndexError(f"no index in {settings.data_dir.resolve()} yet: run `rag ingest` first")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreUnavailableError(f"cannot create {path}: {err.strerror}") from None
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)

    def _collections(self, create: bool):
        name = self.settings.collection
        if create:
            chunks = self.client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"},
                                                          embedding_function=None)
            ledger = self.client.get_or_create_collection(name + "-ledger", embedding_function=None)
            return chunks, ledger
        try:
            return (self.client.get_collection(name, embedding_function=None),
                    self.client.get_collection(name + "-ledger", embedding_function=None))
        except Exception as err:
            if "not exist" in str(err).lower() or "not found" in str(err).lower():
                raise NoIndexError(f"the index has no collection {name!r} yet: run `rag ingest` first") from None
            raise

    # ---- chunks ---------------------------------------------------------------------------------
    def add_chunks(self, ids, embeddings, documents, metadatas) -> None:
        """Upsert chunks in batches no larger than the server accepts."""
        with _guard(self.settings, write=True):
            step = min(self.client.get_max_batch_size(), 4000)
            for i in range(0, len(ids), step):
                self.chunks.upsert(ids=ids[i:i + step], embeddings=embeddings[i:i + step],
                                   documents=documents[i:i + step], metadatas=metadatas[i:i + step])

    def delete_chunks(self, doc_ids) -> None:
        """Remove every chunk of one document or of several (their ledger entries stay).

        Args:
            doc_ids: a document id, or a list of them (removed in one call per collection).
        """
        if not isinstance(doc_ids, str) and not doc_ids:
            return
        where = {"doc_id": doc_ids} if isinstance(doc_ids, str) else {"doc_id": {"$in": list(doc_ids)}}
        with _guard(self.settings, write=True):
            self.chunks.delete(where=where)
            self.multilingual(create=True).delete(where=where)

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of a document, and its ledger entry."""
        with _guard(self.settings, write=True):
            self.chunks.delete(where={"doc_id": doc_id})
            self.multilingual(create=True).delete(where={"doc_id": doc_id})
            self.ledger.delete(ids=[doc_id])

    # ---- the multilingual channel ---------------------------------------------------------------
    def multilingual(self, create: bool = False):
        """The collection of multilingual chunk vectors (same ids as the chunks), or None when an
        index made before it existed has none and ``create`` is False."""
        if self._multilingual is None:
            name = self.settings.collection + "-multilingual"
            if create:
                self._multilingual = self.client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"},
                                                                          embedding_function=None)
            else:
                try:
                    self._multilingual = self.client.get_collection(name, embedding_function=None)
                except Exception:
                    return None
        return self._multilingual

    def add_multilingual(self, ids, embeddings, doc_ids) -> None:
        """Upsert the multilingual vectors of chunks."""
        with _guard(self.settings, write=True):
            collection = self.multilingual(create=True)
            step = min(self.client.get_max_batch_size(), 4000)
            for i in range(0, len(ids), step):
                collection.upsert(ids=ids[i:i + step], embeddings=embeddings[i:i + step],
                                  metadatas=[{"doc_id": d} for d in doc_ids[i:i + step]])

    def query_multilingual(self, embedding, n: int) -> list[tuple[str, float]]:
        """Search the multilingual vectors: ``(chunk_id, cosine_similarity)`` best first ([] when
        the index has no multilingual vectors)."""
        with _guard(self.settings):
            collection = self.multilingual()
            if collection is None or n <= 0 or collection.count() == 0:
                return []
            result = collection.query(query_embeddings=[list(map(float, embedding))], n_results=n,
                                      include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def check_space(self, chunks: int, text_bytes: int) -> None:
        """Refuse a write that would probably fill the disk of a local index.

        A write that runs out of space is finished by the next ingest, but Chroma then needs a
        new process (see ``_BROKEN``), so an ingest checks first. A server checks its own disk.

        Args:
            chunks: how many chunks are about to be written.
            text_bytes: their text size in bytes.

        Raises:
            StoreUnavailableError: less free space than the estimate plus :data:`MIN_FREE_MB`.
        """
        if self.settings.uses_server:
            return
        need = MIN_FREE_MB * 1048576 + chunks * BYTES_PER_CHUNK + text_bytes * BYTES_PER_TEXT_BYTE
        folder = Path(os.path.abspath(self.settings.data_dir))
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        free = shutil.disk_usage(folder).free
        if free < need:
            raise StoreUnavailableError(f"not enough free space for the index in {self.settings.data_dir}: "
                                        f"{free / 1048576:.1f} MB free, about {need / 1048576:.0f} MB needed; "
                                        "free some space and run the ingest again")

    def chunk_count(self) -> int:
        """Number of chunks in the index."""
        with _guard(self.settings):
            return self.chunks.count()

    def query(self, embedding, n: int) -> list[tuple[str, float, str, dict]]:
        """Dense search.

        Args:
            embedding: the query vector.
            n: how many chunks to return.

        Returns:
            ``(chunk_id, cosine_similarity, text, metadata)`` best first.
        """
        with _guard(self.settings):
            if n <= 0:
                return []
            result = self.chunks.query(query_embeddings=[list(map(float, embedding))], n_results=n,
                                       include=["documents", "metadatas", "distances"])
        return [(cid, 1.0 - dist, doc, meta) for cid, dist, doc, meta in
                zip(result["ids"][0], result["distances"][0], result["documents"][0], result["metadatas"][0])]

    def all_chunks(self, batch: int = 5000):
        """Yield ``(chunk_id, text, metadata)`` for every chunk, in pages."""
        with _guard(self.settings):
            offset = 0
            while True:
                page = self.chunks.get(include=["documents", "metadatas"], limit=batch, offset=offset)
                if not page["ids"]:
                    return
                yield from zip(page["ids"], page["documents"], page["metadatas"])
                offset += len(page["ids"])

    def get_chunks(self, ids: list[str]) -> list[tuple[str, str, dict]]:
        """Fetch chunks by id, in the order given (missing ids are left out)."""
        with _guard(self.settings):
            page = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        found = {cid: (cid, doc, meta) for cid, doc, meta in zip(page["ids"], page["documents"], page["metadatas"])}
        return [found[c] for c in ids if c in found]

    # ---- ledger ---------------------------------------------------------------------------------
    def ledger_entries(self) -> dict[str, LedgerEntry]:
        """Every document the ledger knows, by doc_id."""
        with _guard(self.settings):
            page = self.ledger.get(include=["metadatas"])
        entries = {}
        for doc_id, meta in zip(page["ids"], page["metadatas"]):
            if doc_id == STATE_ID:
                continue
            entries[doc_id] = LedgerEntry(doc_id, meta.get("source", ""), meta.get("sha256", ""),
                                          int(meta.get("chunks", 0)), meta.get("title", ""),
                                          float(meta.get("ingested_at", 0)), bool(meta.get("complete", False)))
        return entries

    def put_ledger(self, entry: LedgerEntry) -> None:
        """Record (or replace) a document's ledger entry."""
        self.put_ledger_entries([entry])

    def put_ledger_entries(self, entries: list[LedgerEntry]) -> None:
        """Record (or replace) several documents' ledger entries in one write."""
        if not entries:
            return
        metas = [{"source": e.source, "sha256": e.sha256, "chunks": e.chunks, "title": e.title,
                  "ingested_at": e.ingested_at, "complete": e.complete} for e in entries]
        with _guard(self.settings, write=True):
            self.ledger.upsert(ids=[e.doc_id for e in entries], embeddings=[_LEDGER_VECTOR] * len(entries),
                               metadatas=metas)

    def state(self) -> dict:
        """``{"version", "updated_at", "embed_model"}``; the version changes on every change."""
        with _guard(self.settings):
            page = self.ledger.get(ids=[STATE_ID], include=["metadatas"])
        meta = page["metadatas"][0] if page["ids"] else {}
        return {"version": str(meta.get("version", "0")), "updated_at": float(meta.get("updated_at", 0.0)),
                "embed_model": str(meta.get("embed_model", ""))}

    def bump_state(self, embed_model: str) -> None:
        """Mark the index as changed (so per-process caches such as BM25 are rebuilt).

        Args:
            embed_model: label of the embedding model the chunks were embedded with.
        """
        now = time.time()
        with _guard(self.settings, write=True):
            self.ledger.upsert(ids=[STATE_ID], embeddings=[_LEDGER_VECTOR],
                               metadatas=[{"version": f"{os.getpid()}-{now:.6f}", "updated_at": now,
                                           "embed_model": embed_model}])


def open_store(settings: Settings, create: bool = False) -> ChromaStore:
    """Open the store named by ``settings``.

    Args:
        settings: the program settings.
        create: create the collections if they do not exist.

    Returns:
        A :class:`ChromaStore`.

    Raises:
        NoIndexError: nothing was ingested and ``create`` is False.
        StoreUnavailableError: the server is down or the folder cannot be opened.
    """
    return ChromaStore(settings, create=create)
