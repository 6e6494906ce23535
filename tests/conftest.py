"""Shared fixtures: the embedding model, a copy of the corpus, an index of it, a real Chroma
server on a free port. Plain helpers live in tests/helpers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import CORPUS, chroma_command, free_port, serving

for _name, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                      "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
                      "TRANSFORMERS_VERBOSITY": "error"}.items():
    os.environ.setdefault(_name, _value)
for _name in [n for n in os.environ if n.startswith("RAG_")]:
    del os.environ[_name]  # tests build their own settings


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
    with serving(chroma_command(tmp_path_factory.mktemp("chroma_server"), port), port, 60):
        yield "127.0.0.1", port
