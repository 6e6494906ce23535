"""Ingestion against real Chroma (embedded and a `chroma run` server) with the real embedding model."""

import signal
import subprocess
import sys
import time

import pytest

from helpers import assert_index_matches_ledger, chunk_ids, clean_environment, run_rag
from rag.ingest import Ingester
from rag.pipeline import Assistant
from rag.store import open_store

OPTICS_QUESTION = "How long did Optics Valley stick to fibre?"


def run_ingest_cycle(settings, corpus, embedder):
    """Ingest, re-ingest (no-op), modify, delete: the behaviour any store must have."""
    first = Ingester(settings, embedder=embedder).run([corpus])
    assert first.summary() == f"added {first.count('added')}, updated 0, unchanged 0, removed 0, failed 0"
    assert first.count("added") >= 2
    store = open_store(settings)
    before = chunk_ids(store)
    assert len(before) == len(set(before))
    assert_index_matches_ledger(store)

    again = Ingester(settings, embedder=embedder).run([corpus])
    assert again.summary() == f"added 0, updated 0, unchanged {first.count('added')}, removed 0, failed 0"
    assert again.chunks_embedded == 0
    assert chunk_ids(store) == before

    article = corpus / "deepseek-storm-urban-innovation-anxiety.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA new closing line about Hefei quantum labs.\n",
                       encoding="utf-8")
    (corpus / "briefs" / "suzhou-industrial-park.md").unlink()
    changed = Ingester(settings, embedder=embedder).run([corpus])
    assert changed.count("updated") == 1 and changed.count("removed") == 1 and changed.count("added") == 0
    after = store.ledger_entries()
    assert "briefs/suzhou-industrial-park.md" not in after
    assert not [m for _, _, m in store.all_chunks() if m["doc_id"] == "briefs/suzhou-industrial-park.md"]
    assert any("new closing line" in text for _, text, _ in store.all_chunks())
    assert_index_matches_ledger(store)
    return store


def test_ingest_is_idempotent_and_incremental_embedded(corpus_copy, make_settings, embedder):
    settings = make_settings(corpus_dir=corpus_copy)
    run_ingest_cycle(settings, corpus_copy, embedder)


def test_a_group_of_documents_is_written_together_and_an_interrupted_group_is_finished(make_settings, embedder,
                                                                                        tmp_path, monkeypatch):
    """Documents are written a group at a time: one ledger write marks the group pending, one
    writes its chunks, one marks it complete. A failure inside a group leaves exactly that
    group's documents pending (earlier groups complete), and the next run finishes them."""
    import rag.ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"d{i}.md").write_text(f"# Town {i}\n\nThe town of Vell{i} grows {i} kinds of pear.\n")
    monkeypatch.setattr(rag.ingest, "ENCODE_GROUP", 2)  # one-chunk documents: groups of two
    settings = make_settings(corpus_dir=corpus)
    ingester = Ingester(settings, embedder=embedder)
    store = ingester.store
    ledger_writes, chunk_writes = [], []
    real_ledger, real_add = store.put_ledger_entries, store.add_chunks

    def count_ledger(entries):
        ledger_writes.append([(e.doc_id, e.complete) for e in entries])
        real_ledger(entries)

    def fail_second_group(ids, *rest):
        chunk_writes.append(len(ids))
        if len(chunk_writes) == 2:
            raise RuntimeError("disk gone")
        real_add(ids, *rest)

    monkeypatch.setattr(store, "put_ledger_entries", count_ledger)
    monkeypatch.setattr(store, "add_chunks", fail_second_group)
    with pytest.raises(RuntimeError, match="disk gone"):
        ingester.run([corpus])
    assert ledger_writes == [[("d0.md", False), ("d1.md", False)], [("d0.md", True), ("d1.md", True)],
                             [("d2.md", False), ("d3.md", False)]]
    entries = open_store(settings).ledger_entries()
    assert {d: e.complete for d, e in entries.items()} == {"d0.md": True, "d1.md": True, "d2.md": False,
                                                          "d3.md": False}
    monkeypatch.undo()
    rerun = Ingester(settings, embedder=embedder).run([corpus])
    assert rerun.summary() == "added 4, updated 0, unchanged 2, removed 0, failed 0"
    store = open_store(settings)
    assert_index_matches_ledger(store)
    assert sorted(m["doc_id"] for _, _, m in store.all_chunks()) == [f"d{i}.md" for i in range(6)]
    assert all(e.complete for e in store.ledger_entries().values())


@pytest.mark.slow
def test_ingest_and_search_against_a_chroma_server(corpus_copy, make_settings, embedder, chroma_server):
    host, port = chroma_server
    settings = make_settings(corpus_dir=corpus_copy, chroma_host=host, chroma_port=port, collection="server-test")
    store = run_ingest_cycle(settings, corpus_copy, embedder)
    passages = Assistant(settings, store, embedder).select(OPTICS_QUESTION, 3).passages
    assert "optical fiber communication for twenty years" in passages[0].text


def test_optics_valley_passage_comes_first(corpus_index, embedder):
    passages = Assistant(corpus_index, embedder=embedder).select(OPTICS_QUESTION, 5).passages
    assert "optical fiber communication for twenty years" in passages[0].text
    assert passages[0].metadata["doc_id"] == "deepseek-storm-urban-innovation-anxiety.md"


def test_bad_files_fail_alone(corpus_copy, make_settings, embedder, tmp_path):
    bad = corpus_copy / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "latin1.txt").write_bytes("caf\u00e9".encode("latin-1"))
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (bad / "image.png").write_bytes(b"\x89PNG")
    big = bad / "big.txt"
    with open(big, "wb") as handle:  # 50 MB of text, above the 20 MB default limit
        line = b"Hangzhou is a city in Zhejiang province. " * 100 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    outside = tmp_path / "outside.md"
    outside.write_text("Zqxoutsidemarker lives outside the corpus.", encoding="utf-8")
    (bad / "link.md").symlink_to(outside)
    settings = make_settings(corpus_dir=corpus_copy)
    report = Ingester(settings, embedder=embedder).run([corpus_copy, tmp_path / "missing-folder"])
    reasons = {r.doc_id.split("/")[-1]: r.reason for r in report.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt", "broken.pdf", "big.txt", "link.md",
                            "missing-folder"}
    assert "limit" in reasons["big.txt"] and "symlink" in reasons["link.md"]
    assert report.count("added") == len(list(corpus_copy.rglob("*.md"))) - 1  # all good files, not the link
    assert all("\n" not in r for r in reasons.values())
    assert not any("Zqxoutsidemarker" in text for _, text, _ in open_store(settings).all_chunks())


def test_two_ingests_at_once_are_refused(corpus_copy, make_settings, embedder):
    from rag.errors import RagError
    from rag.ingest import ingest_lock

    settings = make_settings(corpus_dir=corpus_copy)
    with ingest_lock(settings):
        with pytest.raises(RagError, match="another ingest"):
            Ingester(settings, embedder=embedder).run([corpus_copy])


@pytest.mark.slow
def test_kill_during_ingest_then_rerun_completes_without_duplicates(corpus_copy, make_settings, tmp_path):
    """kill -9 in the middle of embedding/writing, then a rerun finishes the job."""
    data = tmp_path / "data"
    # Make many documents so the ingest runs long enough to be killed midway.
    extra = corpus_copy / "extra"
    extra.mkdir()
    text = (corpus_copy / "deepseek-storm-urban-innovation-anxiety.md").read_text(encoding="utf-8")
    for i in range(40):
        (extra / f"copy{i}.md").write_text(text.replace("DeepSeek", f"DeepSeek{i}"), encoding="utf-8")
    env = clean_environment(RAG_DATA_DIR=data, RAG_CORPUS_DIR=corpus_copy)
    process = subprocess.Popen([sys.executable, "-m", "rag", "ingest"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    settings = make_settings(data_dir=data, corpus_dir=corpus_copy)
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
        try:
            if sum(1 for e in open_store(settings).ledger_entries().values() if e.complete) >= 5:
                break
        except Exception:
            continue
    assert process.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    rerun = run_rag("ingest", env=env, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    summary = rerun.stdout.splitlines()[0]
    assert summary.startswith("added ") and "failed 0" in summary
    store = open_store(settings)
    assert_index_matches_ledger(store)
    ids = chunk_ids(store)
    assert len(ids) == len(set(ids))
    assert sum(1 for e in store.ledger_entries().values() if e.complete) == len(list(corpus_copy.rglob("*.md")))
