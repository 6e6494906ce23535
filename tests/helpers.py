"""What several test files need: paths, the ``rag`` command, servers in child processes (Chroma,
llama.cpp, the UI), a fake OpenAI-compatible server, index checks and PDFs.

Port, wait and stop helpers come from :mod:`rag.bench.processes`, which the benchmark uses too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

from rag.bench.processes import (chroma_command, clean_environment, free_port, port_open, serving, stop_process,
                                 wait_for_http, wait_for_port)

__all__ = ["ARTIFACTS", "CONTROL", "CORPUS", "ROOT", "FakeLLM", "assert_answered", "assert_index_matches_ledger",
           "assert_one_line_error", "assert_refused",
           "chroma_command", "chunk_ids", "clean_environment", "drain_respond", "fake_llm", "free_port",
           "llama_server", "make_pdf", "port_open", "run_rag", "serve_ui", "serving", "stop_process",
           "wait_for_http", "wait_for_port"]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "tests" / "artifacts"
# Characters that must never reach a terminal or a page: C0/C1 controls (but tab and newlines) and bidi overrides.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# ---- the command line ----------------------------------------------------------------------------
def run_rag(*args, env: dict | None = None, timeout: float = 300, input: str | None = None):
    """``python -m rag ARGS`` in a child process, from the repository root.

    Args:
        *args: the command line after ``rag``.
        env: its environment (default: this process's, which conftest cleared of ``RAG_*``).
        timeout: seconds before it is killed.
        input: text for its standard input.

    Returns:
        The ``subprocess.CompletedProcess`` (text output).
    """
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=str(ROOT), input=input)


def assert_one_line_error(result, needle: str, code: int | None = None) -> None:
    """A failed command said ``needle`` on exactly one line, with no traceback.

    Args:
        result: a ``CompletedProcess`` from :func:`run_rag`.
        needle: text the error line holds (case-insensitive).
        code: the exit code expected (default: any non-zero).
    """
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything[-2000:]
    assert result.returncode != 0 if code is None else result.returncode == code, (result.returncode, everything)
    errors = [line for line in everything.splitlines() if needle.lower() in line.lower()]
    assert len(errors) == 1, everything


# ---- answers -------------------------------------------------------------------------------------
def assert_refused(assistant, question: str, history=None) -> None:
    """The extractive answer to ``question`` is a refusal."""
    answer = assistant.answer(question, history, mode="extractive")
    assert answer.refused, answer.text


def assert_answered(assistant, question: str, *expected: str, history=None):
    """The extractive answer to ``question`` is no refusal and holds every ``expected`` text.

    Returns:
        The answer.
    """
    answer = assistant.answer(question, history, mode="extractive")
    assert not answer.refused and all(e in answer.text for e in expected), answer.text
    return answer


# ---- the index ---------------------------------------------------------------------------------------
def chunk_ids(store) -> list[str]:
    """Every chunk id in a store, sorted."""
    return sorted(cid for cid, _, _ in store.all_chunks())


def assert_index_matches_ledger(store) -> None:
    """No duplicate and no orphan: chunks per doc_id equal the ledger's counts."""
    counts = {}
    for _, _, meta in store.all_chunks():
        counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
    ledger = {d: e.chunks for d, e in store.ledger_entries().items() if e.complete}
    assert counts == ledger


def make_pdf(*pages: str) -> bytes:
    """A PDF with one line of text per page (an empty string makes a page without text)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for text in pages:
        if text:
            pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# ---- servers in child processes ------------------------------------------------------------------
@contextlib.contextmanager
def llama_server(gguf: Path, alias: str = "local", timeout: float = 120):
    """``python -m llama_cpp.server`` with ``gguf`` on a free port; yields its ``/v1`` URL."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port",
               str(port), "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 2), "--model_alias", alias]
    with serving(command, port, timeout):
        yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def serve_ui(settings, *args, timeout: float = 90, **env_extra):
    """``python ui.py`` over ``settings``'s index on a free port, until the page answers.

    Args:
        settings: the index (data and corpus folders) to serve.
        *args: more ``ui.py`` arguments.
        timeout: seconds for the page to answer HTTP 200.
        **env_extra: more environment variables (``RAG_MODE="extractive"`` ...).

    Yields:
        ``SimpleNamespace(url, port, pid, log, startup)``; after the block the log must hold no traceback.
    """
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="ui_log_")) / "ui.log"
    env = clean_environment(RAG_DATA_DIR=settings.data_dir, RAG_CORPUS_DIR=settings.corpus_dir, **env_extra)
    with open(log_path, "w") as log:
        started = time.monotonic()
        with serving([sys.executable, str(ROOT / "ui.py"), "--port", str(port), *args], port, timeout, stdout=log,
                     stderr=subprocess.STDOUT, env=env, cwd=str(ROOT)) as process:
            url = f"http://127.0.0.1:{port}/"
            wait_for_http(url, timeout, process)
            yield SimpleNamespace(url=url, port=port, pid=process.pid, log=log_path,
                                  startup=time.monotonic() - started)
    text = log_path.read_text()
    assert "Traceback" not in text, text[-3000:]


# ---- a fake OpenAI-compatible server -------------------------------------------------------------
class FakeLLM(ThreadingHTTPServer):
    """An OpenAI-compatible chat endpoint on 127.0.0.1 that behaves as told.

    Behaviours: ``stream`` streams ``answer`` word by word, ``delay`` seconds apart, then
    ``[DONE]``; ``trickle`` streams " forty-two" every ``delay`` seconds and never finishes;
    ``silent`` accepts and never answers; ``error`` answers HTTP 500. Every wait ends when the
    server stops, or after 120 s.

    Attributes:
        url: the ``/v1`` base URL.
        requests: chat requests received so far.
    """

    daemon_threads = True
    ANSWER = ("Wuhan's Optics Valley stuck to the field of optical fiber communication for twenty years [1]. "
              "Pigs can fly over the Yangtze river every spring [2].")

    def __init__(self, behaviour: str = "stream", answer: str = ANSWER, delay: float = 0.4):
        self.behaviour, self.answer, self.delay = behaviour, answer, delay
        self.requests = 0
        self.stop = threading.Event()
        super().__init__(("127.0.0.1", 0), _FakeLLMHandler)
        self.url = f"http://127.0.0.1:{self.server_port}/v1"


class _FakeLLMHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        server.requests += 1
        if server.behaviour == "silent":
            server.stop.wait(120)
            return
        if server.behaviour == "error":
            body = b'{"error": {"message": "model exploded", "type": "server_error"}}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            if server.behaviour == "trickle":
                deadline = time.monotonic() + 120
                while not server.stop.is_set() and time.monotonic() < deadline:  # never says [DONE]
                    self._event({"content": " forty-two"}, None)
                    server.stop.wait(server.delay)
                return
            for i, word in enumerate(server.answer.split(" ")):
                self._event({"role": "assistant", "content": word} if i == 0 else {"content": " " + word}, None)
                server.stop.wait(server.delay)
            self._event({}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except OSError:
            pass  # the client hung up

    def _event(self, delta: dict, finish) -> None:
        chunk = {"id": "fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()


@contextlib.contextmanager
def fake_llm(behaviour: str = "stream", **options):
    """Run a :class:`FakeLLM` in a thread until the block ends.

    Args:
        behaviour: ``stream``, ``trickle``, ``silent`` or ``error``.
        **options: ``answer`` and ``delay`` (see :class:`FakeLLM`).

    Yields:
        The running :class:`FakeLLM` (``.url``, ``.requests``).
    """
    server = FakeLLM(behaviour, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


# ---- the UI's handlers ---------------------------------------------------------------------------
def drain_respond(generator) -> list:
    """Drain a ``ChatUI.respond`` generator; returns the last non-skipped value of each output."""
    import gradio as gr

    last = [None] * 5
    skip = gr.skip()
    for values in generator:
        for i, value in enumerate(values):
            if not (isinstance(value, dict) and value == skip) and value is not skip:
                last[i] = value
    return last
