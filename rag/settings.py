"""One settings object for the whole program, read from ``RAG_*`` environment variables.

No other module reads the environment: everything receives a :class:`Settings`. The fields are
typed and checked by ``pydantic-settings``; a wrong value is one line naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

MODES = ("auto", "extractive", "local", "openai")
PREFIX = "RAG_"


class Settings(BaseSettings):
    """Configuration for ingestion, retrieval, answering and the UI.

    Every field can be set with an environment variable named ``RAG_`` plus the field name in
    upper case (``RAG_DATA_DIR``, ``RAG_CHROMA_HOST`` ...); build it with :meth:`from_env`.
    """

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="forbid",
                                      validate_default=True)

    data_dir: Path = Path(".rag")
    corpus_dir: Path = Path("corpus")
    collection: str = Field("documents", min_length=1)
    embed_model: str = ""  # a path or a sentence-transformers name; "" = bundled MiniLM
    embed_precision: Literal["int8", "float32"] = "int8"  # int8: quantised weights, twice as fast
    chroma_host: str = ""  # set host (and port) to use a Chroma server instead of data_dir
    chroma_port: int = Field(8000, ge=1, le=65535)
    mode: Literal["auto", "extractive", "local", "openai"] = "auto"
    k: int = Field(5, ge=1, le=50)  # passages given to the generator
    candidates: int = Field(20, ge=1, le=1000)  # passages fetched from each retriever before fusion
    gate_threshold: float = Field(0.28, ge=-1.0, le=1.0)  # relevance gate, calibrated with `rag eval`
    llm_gguf: str = ""  # a GGUF file for `local`; "" = the bundled Qwen2.5-Coder-0.5B
    llm_base_url: str = ""  # an OpenAI-compatible server for `openai`
    llm_model: str = "local"
    llm_api_key: str = "not-needed"
    llm_timeout: float = Field(60.0, gt=0)
    llm_threads: int = Field(0, ge=0)  # 0 = all cores
    max_file_mb: float = Field(20.0, gt=0)  # larger files are refused at ingest and upload
    max_question_chars: int = Field(2000, ge=1)
    ui_auth: str = ""  # "user:password" for the Gradio UI
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "rag")

    @field_validator("data_dir", "corpus_dir", "cache_dir")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """Only the values given to the constructor: :meth:`from_env` passes the environment in."""
        return (init_settings,)

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Build settings from ``RAG_*`` variables.

        Args:
            environ: mapping to read (default: ``os.environ``).
            **overrides: field values that win over the environment (``None`` values are ignored).

        Returns:
            A frozen :class:`Settings`.

        Raises:
            ValueError: one line naming the variable (or override) whose value is wrong.
        """
        environ = os.environ if environ is None else environ
        found = _Environment(cls, environ)()
        given = {name: value for name, value in overrides.items() if value is not None}
        return _build(cls, {**found, **given}, from_environment=set(found) - set(given))

    def replace(self, **changes) -> "Settings":
        """Return a checked copy with some fields changed (``None`` values are ignored).

        Raises:
            ValueError: a changed value is wrong (one line).
        """
        given = {name: value for name, value in changes.items() if value is not None}
        return _build(type(self), {**self.model_dump(), **given}, from_environment=set())

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


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of ``os.environ``;
    values are stripped, and blank ones count as unset."""

    def __init__(self, settings_cls, environ):
        self._environ = {name: value.strip() for name, value in environ.items()
                         if name.upper().startswith(PREFIX) and isinstance(value, str)}
        super().__init__(settings_cls)

    def _load_env_vars(self):
        return {name.lower(): value for name, value in self._environ.items() if value}


def _build(cls, values: dict, from_environment: set) -> Settings:
    """``cls(**values)``, with a validation error turned into one line.

    Args:
        cls: the settings class.
        values: field values (strings from the environment are converted by pydantic).
        from_environment: names whose value came from a ``RAG_*`` variable (named so in the error).
    """
    try:
        return cls(**values)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        value = values.get(name, first.get("input"))
        where = f"{PREFIX}{name.upper()}={value!r}" if name in from_environment else f"{name}={value!r}"
        raise ValueError(where + _reason(first)) from None


def _reason(error: dict) -> str:
    """What is wrong, from one pydantic error, to follow ``RAG_NAME='value'``."""
    kind = error["type"]
    names = {"int_parsing": "int", "int_from_float": "int", "float_parsing": "float", "path_type": "path",
             "string_type": "string"}
    if kind in names:
        return f" is not a valid {names[kind]}"
    if kind == "literal_error":
        return ": choose one of " + ", ".join(MODES)
    if kind == "extra_forbidden":
        return ": no such setting"
    return ": " + error["msg"][0].lower() + error["msg"][1:]
