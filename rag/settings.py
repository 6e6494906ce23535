"""One settings object for the whole program, read from ``RAG_*`` environment variables.

No other module reads the environment: everything receives a :class:`Settings`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("auto", "extractive", "local", "openai")


def _env(environ, name, default):
    value = environ.get("RAG_" + name)
    return default if value is None or value.strip() == "" else value.strip()


@dataclass(frozen=True)
class Settings:
    """Configuration for ingestion, retrieval, answering and the UI.

    Every field can be set with an environment variable named ``RAG_`` plus the
    field name in upper case (``RAG_DATA_DIR``, ``RAG_CHROMA_HOST`` ...).
    """

    data_dir: Path = Path(".rag")
    corpus_dir: Path = Path("corpus")
    collection: str = "documents"
    embed_model: str = ""  # a path or a sentence-transformers name; "" = bundled MiniLM
    chroma_host: str = ""  # set host (and port) to use a Chroma server instead of data_dir
    chroma_port: int = 8000
    mode: str = "auto"
    k: int = 5  # passages given to the generator
    candidates: int = 20  # passages fetched from each retriever before fusion
    gate_threshold: float = 0.28  # relevance gate, calibrated with `rag eval`
    llm_gguf: str = ""  # a GGUF file for `local`; "" = the bundled Qwen2.5-Coder-0.5B
    llm_base_url: str = ""  # an OpenAI-compatible server for `openai`
    llm_model: str = "local"
    llm_api_key: str = "not-needed"
    llm_timeout: float = 60.0
    llm_threads: int = 0  # 0 = all cores
    max_file_mb: float = 20.0  # larger files are refused at ingest and upload
    max_question_chars: int = 2000
    ui_auth: str = ""  # "user:password" for the Gradio UI
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "rag")

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Build settings from ``RAG_*`` variables.

        Args:
            environ: mapping to read (default: ``os.environ``).
            **overrides: field values that win over the environment.

        Returns:
            A frozen :class:`Settings`.

        Raises:
            ValueError: a variable holds a value of the wrong type.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            raw = _env(environ, f.name.upper(), None)
            if raw is None:
                values[f.name] = default
                continue
            try:
                if isinstance(default, bool):
                    values[f.name] = raw.lower() in ("1", "true", "yes", "on")
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                elif isinstance(default, Path):
                    values[f.name] = Path(raw).expanduser()
                else:
                    values[f.name] = raw
            except ValueError:
                raise ValueError(f"RAG_{f.name.upper()}={raw!r} is not a valid {type(default).__name__}") from None
        for name, value in overrides.items():
            if value is not None:
                values[name] = Path(value) if isinstance(values.get(name), Path) else value
        settings = cls(**values)
        if settings.mode not in MODES:
            raise ValueError(f"RAG_MODE={settings.mode!r}: choose one of {', '.join(MODES)}")
        return settings

    def replace(self, **changes) -> "Settings":
        """Return a copy with some fields changed (``None`` values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def uses_server(self) -> bool:
        """True when the store is a Chroma server rather than a local folder."""
        return bool(self.chroma_host)

    @property
    def store_label(self) -> str:
        """Where the index lives, for status lines."""
        if self.uses_server:
            return f"chroma server http://{self.chroma_host}:{self.chroma_port} (collection {self.collection})"
        return f"{(self.data_dir / 'chroma').resolve()} (collection {self.collection})"
