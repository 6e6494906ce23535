"""Answer modes: which exist here, which one ``auto`` means, and the model behind each."""

from __future__ import annotations

from rag.errors import RagError
from rag.settings import Settings

MODES = ("extractive", "local", "openai")
AUTO_ORDER = ("extractive", "local")  # `auto` without an LLM server: the first available, decided by `rag eval`


def available_modes(settings: Settings) -> list[str]:
    """Answer modes usable with this install and configuration."""
    from rag.llm import bundled_parts_installed, llama_cpp_installed

    modes = ["extractive"]
    if llama_cpp_installed() and (settings.llm_gguf or bundled_parts_installed()):
        modes.append("local")
    if settings.llm_base_url:
        modes.append("openai")
    return modes


def resolve_mode(settings: Settings, mode: str | None) -> str:
    """The concrete mode for a requested one (``auto`` or None picks per configuration).

    Raises:
        RagError: the mode is unknown or not available here.
    """
    mode = (mode or settings.mode or "auto").lower()
    if mode == "auto":
        modes = available_modes(settings)
        return "openai" if "openai" in modes else next(m for m in AUTO_ORDER if m in modes)
    if mode not in MODES:
        raise RagError(f"unknown mode {mode!r}: choose auto, extractive, local or openai")
    if mode not in available_modes(settings):
        hint = "set RAG_LLM_BASE_URL" if mode == "openai" else "install llama-cpp-python (make setup)"
        raise RagError(f"mode {mode!r} is not available here: {hint}")
    return mode


def language_model(settings: Settings, mode: str):
    """The language model behind a mode (None for extractive)."""
    if mode == "local":
        from rag.llm import get_local_model

        return get_local_model(settings)
    if mode == "openai":
        from rag.llm import OpenAICompatibleModel

        return OpenAICompatibleModel(settings)
    return None
