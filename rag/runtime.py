"""Process-wide set-up for programs built on ``rag`` (the CLI, the UI): stay offline and quiet."""

from __future__ import annotations

import os

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
}


def offline_environment() -> None:
    """Keep third-party libraries offline (model hubs, telemetry) and their progress bars off.

    Only variables the user has not set are changed. Called by the programs (``rag``, the UI)
    before heavy libraries are imported; a program importing ``rag`` as a library decides for
    itself, and its warnings are left alone.
    """
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
