"""Faults: the Chroma server stopped or killed, the LLM server down, silent, trickling or failing,
the data directory missing, read-only or full, and two ingests at once.

Each test shows that the assistant says what went wrong in one line and loses nothing. Tests that
start servers are marked slow; the disk tests mount a small tmpfs and are skipped without root.
See docs/RELIABILITY.md for the whole table.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import (CORPUS, ROOT, assert_index_matches_ledger, assert_one_line_error, chroma_command, chunk_ids,
                     clean_environment, drain_respond, fake_llm, free_port, port_open, run_rag, wait_for_port)
from rag.errors import StoreUnavailableError
from rag.ingest import Ingester, ingest_lock
from rag.pipeline import Assistant
from rag.store import open_store

OPTICS = "How long did Wuhan's Optics Valley stick to optical fiber communication?"


# ---- faults: the Chroma server -------------------------------------------------------------------
class ChromaProcess:
    """A `chroma run` server that a test can kill -9 and start again on the same port and path."""

    def __init__(self, path: Path, port: int):
        self.path, self.port, self.process = path, port, None

    def start(self) -> None:
        self.process = subprocess.Popen(chroma_command(self.path, self.port), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 60, self.process)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
        deadline = time.monotonic() + 30
        while port_open(self.port) and time.monotonic() < deadline:  # the port is closed before the test goes on
            time.sleep(0.1)


@pytest.fixture
def chroma_process(tmp_path):
    server = ChromaProcess(tmp_path / "chroma-db", free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.mark.slow
def test_chroma_server_stopped_mid_conversation(chroma_process, make_settings, embedder):
    import gradio as gr

    from rag.ui.handlers import ChatUI

    settings = make_settings(corpus_dir=CORPUS, chroma_host="127.0.0.1", chroma_port=chroma_process.port,
                             collection="conversation", mode="extractive")
    Ingester(settings, embedder=embedder).run([CORPUS / "briefs" / "wuhan-optics-valley.md",
                                               CORPUS / "briefs" / "hefei-model.md"])
    assistant = Assistant(settings, embedder=embedder)
    chat_ui = ChatUI(settings)
    chat_ui.warmup.start()
    assert chat_ui.warmup.ready.wait(300) and chat_ui.warmup.phase == "ready"
    question = "When was China's first optical fibre produced?"
    first = assistant.answer(question)
    assert "1976" in first.text
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.text}]
    _, chat, ui_history, turns, _ = drain_respond(chat_ui.respond(question, [], [], [], "extractive", 5))
    assert "1976" in chat[-1]["content"]

    chroma_process.kill()
    with pytest.raises(StoreUnavailableError) as err:
        assistant.answer("Where was it produced?", history)
    message = str(err.value)
    assert "\n" not in message and f"http://127.0.0.1:{chroma_process.port} is not reachable" in message
    assert "chroma run" in message
    with pytest.raises(gr.Error) as api_err:  # the /ask endpoint
        chat_ui.ask(question)
    assert "not reachable" in api_err.value.message
    _, chat, ui_history2, turns2, _ = drain_respond(chat_ui.respond("Where was it produced?", chat, ui_history, turns,
                                                             "extractive", 5))
    assert "rag-msg-error" in chat[-1]["content"] and "not reachable" in chat[-1]["content"]
    assert len(turns2) == len(turns)  # the failed turn is not recorded; the conversation is intact
    kind, text = chat_ui.warmup.status()
    assert kind == "error" and "not reachable" in text
    cli = run_rag("ask", question, env=clean_environment(RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=chroma_process.port,
                                                         RAG_COLLECTION="conversation",
                                                         RAG_DATA_DIR=settings.data_dir), timeout=120)
    assert_one_line_error(cli, "is not reachable", 2)

    chroma_process.start()  # same port, same path: the same assistant and page work again
    again = assistant.answer("Where was it produced?", history)
    assert not again.refused and "Wuhan" in again.text
    assert "1976" in chat_ui.ask(question)["answer"]
    _, chat, _, turns3, _ = drain_respond(chat_ui.respond("Where was it produced?", chat, ui_history2, turns2,
                                                   "extractive", 5))
    assert "rag-answer" in chat[-1]["content"] and len(turns3) == len(turns2) + 1
    assert chat_ui.warmup.status()[0] == "ready"


@pytest.mark.slow
def test_chroma_server_killed_mid_ingest_then_rerun_completes(chroma_process, make_settings, embedder, tmp_path,
                                                              monkeypatch):
    import rag.ingest

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "briefs", corpus)
    settings = make_settings(corpus_dir=corpus, chroma_host="127.0.0.1", chroma_port=chroma_process.port,
                             collection="killed")
    monkeypatch.setattr(rag.ingest, "ENCODE_GROUP", 1)  # one document per group (and per ledger write)
    ingester = Ingester(settings, embedder=embedder)
    real_put = ingester.store.put_ledger_entries
    calls = []

    def put_then_die(entries):
        real_put(entries)
        calls.append([e.doc_id for e in entries])
        if len(calls) == 5 and not entries[0].complete:  # the third document is marked pending: kill the server now
            chroma_process.kill()

    ingester.store.put_ledger_entries = put_then_die
    with pytest.raises(StoreUnavailableError, match="is not reachable"):
        ingester.run([corpus])
    chroma_process.start()
    store = open_store(settings)
    pending = [e for e in store.ledger_entries().values() if not e.complete]
    assert len(pending) == 1  # the interrupted document is known to be unfinished
    report = Ingester(settings, embedder=embedder).run([corpus])
    assert report.count("failed") == 0 and report.count("added") == len(list(corpus.glob("*.md"))) - 2
    assert_index_matches_ledger(store)
    ids = chunk_ids(store)
    assert len(ids) == len(set(ids))
    assert all(e.complete for e in store.ledger_entries().values())


# ---- faults: the LLM server ----------------------------------------------------------------------
@pytest.mark.parametrize("behaviour, timeout, needle", [
    ("silent", 2.0, "timed out"),
    ("trickle", 3.0, "timed out"),
    ("error", 10.0, "failed"),
])
def test_slow_or_broken_llm_server_falls_back_to_extractive(corpus_index, embedder, behaviour, timeout, needle):
    with fake_llm(behaviour, delay=0.5) as llm:
        settings = corpus_index.replace(llm_base_url=llm.url, llm_timeout=timeout)
        answer = Assistant(settings, embedder=embedder).answer(OPTICS, mode="openai")
    assert llm.requests >= 1  # the server was asked
    assert answer.mode == "extractive" and "twenty years" in answer.text
    notices = [n for n in answer.notices if "showing the extractive answer" in n]
    assert len(notices) == 1 and needle in notices[0] and llm.url in notices[0] and "\n" not in notices[0]


def test_cli_llm_server_down_prints_the_extractive_answer_and_exits_3(corpus_index):
    env = clean_environment(RAG_DATA_DIR=corpus_index.data_dir, RAG_CORPUS_DIR=corpus_index.corpus_dir,
                            RAG_LLM_BASE_URL=f"http://127.0.0.1:{free_port()}/v1", RAG_LLM_TIMEOUT="5")
    result = run_rag("ask", OPTICS, "--mode", "openai", env=env)
    assert result.returncode == 3, result.stderr
    assert "twenty years" in result.stdout and "Sources:" in result.stdout
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "is not reachable; showing the extractive answer" in notes[0]
    assert "Traceback" not in result.stdout + result.stderr


# ---- faults: the data directory ------------------------------------------------------------------
def test_data_dir_that_cannot_exist_gives_one_line(tmp_path, corpus_index):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = clean_environment(RAG_DATA_DIR=blocker / "data", RAG_CORPUS_DIR=corpus_index.corpus_dir)
    result = run_rag("ingest", env=env, timeout=120)
    assert_one_line_error(result, "Not a directory", 2)
    assert blocker.read_text() == "not a folder"


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A small tmpfs at ``path`` (root only); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)  # lazy: open handles may remain


def tree_digest(folder: Path) -> dict:
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_read_only_data_dir_gives_a_clear_message_and_the_index_is_intact(corpus_index, tmp_path):
    with tmpfs(tmp_path / "mnt", "16m") as mount:
        shutil.copytree(corpus_index.data_dir, mount / "data")
        before = tree_digest(mount / "data")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        extra = tmp_path / "extra.md"
        extra.write_text("# Extra\n\nThe Vesk tram runs every ten minutes.\n")
        env = clean_environment(RAG_DATA_DIR=mount / "data", RAG_CORPUS_DIR=corpus_index.corpus_dir)
        result = run_rag("ingest", str(extra), env=env, timeout=120)
        # refused by the ingest lock (it cannot create its file) or by Chroma, whichever writes first
        assert_one_line_error(result, "is not writable" if "is not writable" in result.stderr else "cannot be written", 2)
        assert "readonly" in result.stderr or "read-only" in result.stderr.lower()
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        assert tree_digest(mount / "data") == before
        status = run_rag("status", env=env, timeout=120)
        documents = len(open_store(corpus_index).ledger_entries())
        assert status.returncode == 0 and f"documents: {documents}\n" in status.stdout, status.stderr


FILL_DISK_CHILD = r"""
import json, sys
from pathlib import Path
import rag.store
from rag.ingest import Ingester
from rag.pipeline import Assistant
from rag.settings import Settings
from rag.store import LedgerEntry, open_store

data, corpus, incoming, question = sys.argv[1:5]
settings = Settings.from_env(environ={}, data_dir=Path(data), corpus_dir=Path(corpus))
rag.store.MIN_FREE_MB = rag.store.BYTES_PER_CHUNK = rag.store.BYTES_PER_TEXT_BYTE = 0  # the disk fills after the check
store = open_store(settings)
out = {}
for step, write in (("ingest", lambda: Ingester(settings, store=store).run([Path(incoming)])),
                    ("again", lambda: store.put_ledger(LedgerEntry("x.md", "", "", 0, "x", 0.0, True)))):
    try:
        write()
        out[step] = "no error"
    except Exception as err:
        out[step] = f"{type(err).__name__}: {err}"
out["answer"] = Assistant(settings, store=store).answer(question, mode="extractive").text
print(json.dumps(out))
"""


def index_contents(store) -> tuple:
    """What an index holds, independent of how Chroma lays it out in files."""
    chunks = sorted((cid, text, meta["doc_id"], meta["start"], meta["end"]) for cid, text, meta in store.all_chunks())
    ledger = sorted((e.doc_id, e.sha256, e.chunks, e.complete) for e in store.ledger_entries().values())
    return [c[0] for c in chunks], chunks, ledger


def test_full_disk_gives_a_clear_message_and_loses_nothing(corpus_index, embedder, tmp_path):
    import random

    size_kb = sum(p.stat().st_size for p in corpus_index.data_dir.rglob("*") if p.is_file()) // 1024 + 160
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    rng = random.Random(8)
    words = "harbour lantern river bridge ferry mountain station archive tram glacier orchard".split()
    (incoming / "big.md").write_text("# Big\n\n" + "\n\n".join(
        " ".join(rng.choice(words) for _ in range(110)) + "." for _ in range(60)), encoding="utf-8")
    with tmpfs(tmp_path / "mnt", f"{size_kb}k") as mount:
        data = mount / "data"
        shutil.copytree(corpus_index.data_dir, data)
        settings = corpus_index.replace(data_dir=data)
        store = open_store(settings)
        before = index_contents(store)
        env = clean_environment(RAG_DATA_DIR=data, RAG_CORPUS_DIR=corpus_index.corpus_dir)
        # 1. An ingest that would not fit is refused before anything is written.
        refused = run_rag("ingest", str(incoming), env=env)
        assert_one_line_error(refused, "not enough free space", 2)
        assert index_contents(store) == before
        # 2. The disk fills during the write anyway (another program): a clear message, the index
        # keeps every chunk, later writes in that process are refused at once (Chroma would hang),
        # answering still works.
        try:
            child = subprocess.run([sys.executable, "-c", FILL_DISK_CHILD, str(data), str(corpus_index.corpus_dir),
                                    str(incoming), OPTICS], capture_output=True, text=True, timeout=240, cwd=str(ROOT))
        except subprocess.TimeoutExpired:
            pytest.fail("the process hung after the disk filled up")
        assert child.returncode == 0, child.stderr[-3000:]
        out = json.loads(child.stdout.strip().splitlines()[-1])
        assert out["ingest"].startswith("StoreUnavailableError") and "disk is full" in out["ingest"], out
        assert out["again"].startswith("StoreUnavailableError") and "restart the program" in out["again"], out
        assert "twenty years" in out["answer"]
        # 3. With space again, a new run finishes the interrupted document: nothing lost, nothing doubled.
        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)
        assert set(before[0]) <= set(chunk_ids(store))
        assert [e.doc_id for e in store.ledger_entries().values() if not e.complete] == \
            [os.path.abspath(incoming / "big.md")]
        report = Ingester(settings, store=store, embedder=embedder).run([incoming])
        assert report.summary().startswith("added 1,") and not report.failed
        assert_index_matches_ledger(store)
        assert all(e.complete for e in store.ledger_entries().values())


# ---- two ingests at once -------------------------------------------------------------------------
def test_second_ingest_waits_for_the_lock_when_asked(make_settings, embedder, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nThe Orrin lake freezes every January.\n")
    settings = make_settings(corpus_dir=corpus)
    held, done = threading.Event(), {}

    def hold():
        with ingest_lock(settings):
            held.set()
            time.sleep(2)
            done["releasing"] = True  # set while the lock is still held

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(30)
    report = Ingester(settings, embedder=embedder).run(lock_wait=60)  # as the UI does: wait, then ingest
    assert done.get("releasing"), "the second ingest ran while the first held the lock"
    assert report.summary() == "added 1, updated 0, unchanged 0, removed 0, failed 0"
    holder.join(10)
