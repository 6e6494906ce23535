"""Shared fixtures: a copy of the corpus, an index of it, a real Chroma server on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "tests" / "artifacts"

for _name, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                      "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
                      "TRANSFORMERS_VERBOSITY": "error"}.items():
    os.environ.setdefault(_name, _value)
for _name in [n for n in os.environ if n.startswith("RAG_")]:
    del os.environ[_name]  # tests build their own settings


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0, process=None) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


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


@pytest.fixture(scope="session")
def embedder():
    """The real bundled all-MiniLM-L6-v2, loaded once."""
    from rag.embeddings import get_embedder

    return get_embedder("")


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of corpus/."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def make_settings(tmp_path):
    """Build Settings rooted in tmp_path (data dir, cache dir stays the user's for the GGUF)."""
    from rag.settings import Settings

    def make(**overrides):
        base = dict(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
        base.update(overrides)
        return Settings.from_env(environ={}, **base)

    return make


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, embedder):
    """Settings of an embedded index holding the whole bundled corpus (built once per session)."""
    from rag.ingest import Ingester
    from rag.settings import Settings

    root = tmp_path_factory.mktemp("corpus_index")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings.from_env(environ={}, data_dir=root / "data", corpus_dir=root / "corpus")
    report = Ingester(settings, embedder=embedder).run()
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free 127.0.0.1 port; yields (host, port)."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma_server")
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, 60, process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
