"""The browser UI: a Gradio page over :class:`rag.pipeline.Assistant`.

- :mod:`rag.ui.app`: the page layout, its wiring and :func:`serve` (``rag ui``, ``python ui.py``);
- :mod:`rag.ui.handlers`: what each button and event does (testable without a browser);
- :mod:`rag.ui.render`: the HTML of answers, sources and documents, upload names (no Gradio);
- ``rag/ui/static/``: the page's style sheet and script.

Importing this package loads no heavy library; Gradio is imported when the page is built.
"""

from rag.ui.app import build_app, launch_kwargs, serve
from rag.ui.handlers import ChatUI

__all__ = ["ChatUI", "build_app", "launch_kwargs", "serve"]
