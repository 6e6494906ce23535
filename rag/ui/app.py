"""The Gradio page: layout, wiring of the handlers, launch.

Three tabs:

- **Chat**: streamed answers with ``[n]`` markers linked to a Sources panel beside the chat,
  where each cited passage shows with its supporting sentence highlighted; follow-up
  questions use the conversation; thumbs up/down go to ``<data dir>/feedback.jsonl``.
- **Documents**: the indexed documents, upload (.md .txt .html .pdf) into
  ``<corpus>/uploads`` with ingest and per-file results, removal (file and chunks).
- **Settings**: answer mode, number of passages, and which models and store are in use.

An API endpoint ``/ask`` returns the ``rag ask --json`` object::

    gradio_client.Client("http://127.0.0.1:7860").predict("question", api_name="/ask")

The page is served before any model loads; the assistant warms up in a background thread and
the page shows "warming up" until it is ready. Binding an address other than loopback needs
``RAG_UI_AUTH=user:password`` or ``--insecure``. Styles and the page script are the files in
``rag/ui/static/``.
"""

# No `from __future__ import annotations` here: Gradio reads the gr.LikeData and gr.SelectData hints.
import ipaddress
import logging
import sys
from importlib import resources
from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings
from rag.ui.handlers import ChatUI
from rag.ui.render import documents_html, esc, settings_info_html, sources_html, status_line

log = logging.getLogger("rag.ui")

EXAMPLES = [
    "Why did DeepSeek appear in Hangzhou?",
    "What did Hefei do to become an innovation hub?",
    "What is the G60 Science and Innovation Corridor?",
]
ANSWER_CONCURRENCY = 4  # answers in flight at once (the local LLM serialises itself with a lock)
UPLOAD_CACHE_SECONDS = 3600  # uploads never submitted are deleted from Gradio's cache after an hour


def static_text(name: str) -> str:
    """A file of ``rag/ui/static`` (installed with the package) as text.

    Args:
        name: the file name, e.g. ``"style.css"``.

    Returns:
        Its text.
    """
    return resources.files("rag.ui").joinpath("static", name).read_text(encoding="utf-8")


def build_app(settings: Settings, assistant=None):
    """Build the Gradio Blocks app (nothing heavy is loaded here; warm-up starts with the first page).

    Args:
        settings: program settings.
        assistant: the shared :class:`rag.pipeline.Assistant` (a new one when None).

    Returns:
        The ``gr.Blocks`` app with its queue configured, its handlers as ``app.rag_ui``; launch
        it with :func:`launch_kwargs`.
    """
    import gradio as gr

    from rag.modes import available_modes

    modes = ["auto"] + available_modes(settings)
    default_mode = settings.mode if settings.mode in modes else "auto"
    with gr.Blocks(title="Document QA", fill_width=True, analytics_enabled=False,
                   delete_cache=(UPLOAD_CACHE_SECONDS, UPLOAD_CACHE_SECONDS)) as demo:
        ui = ChatUI(settings, assistant, upload_cache=Path(demo.GRADIO_CACHE))
        with gr.Row():
            gr.HTML("<h2 style='margin:0'>Ask your documents</h2>", js_on_load=None)
        status = gr.HTML(status_line(*ui.warmup.status()), elem_id="rag-status", js_on_load=None)
        timer = gr.Timer(1.0)
        history = gr.State([])
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=380):
                        chatbot = gr.Chatbot(
                            label="Chat", elem_id="rag-chat", height=560, sanitize_html=True,
                            render_markdown=False, latex_delimiters=[], allow_tags=False,
                            feedback_options=("Like", "Dislike"), group_consecutive_messages=False, buttons=["copy_all"],
                            examples=[{"text": q} for q in EXAMPLES],
                            placeholder="Ask a question about the documents. Every answer cites its sources.")
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder="Ask a question\u2026", scale=5,
                                                  elem_id="rag-question", lines=1, max_lines=6, autofocus=True)
                            ask_button = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                                   elem_id="rag-ask")
                        clear_button = gr.Button("New conversation", size="sm", elem_id="rag-clear")
                    with gr.Column(scale=2, min_width=320):
                        gr.HTML("<h3 style='margin:0'>Sources</h3>", js_on_load=None)
                        sources = gr.HTML(sources_html([]), elem_id="rag-sources", max_height=640,
                                          js_on_load=None)
            with gr.Tab("Documents", id="documents", elem_id="tab-documents"):
                with gr.Row():
                    with gr.Column(scale=3):
                        docs = gr.HTML(documents_html({}), elem_id="rag-docs", js_on_load=None)
                        refresh_button = gr.Button("Refresh", size="sm")
                    with gr.Column(scale=2):
                        files = gr.File(label=f"Upload .md, .txt, .html or .pdf (up to {settings.max_file_mb:g} MB "
                                              "each)", file_count="multiple", type="filepath",
                                        elem_id="rag-upload")
                        upload_button = gr.Button("Add to the index", variant="primary", elem_id="rag-add")
                        results = gr.HTML("", elem_id="rag-results", js_on_load=None)
                        with gr.Accordion("Remove a document", open=False):
                            doc_choice = gr.Dropdown(label="Document", choices=[], value=None,
                                                     elem_id="rag-remove-choice")
                            remove_button = gr.Button("Remove (file and chunks)", variant="stop",
                                                      elem_id="rag-remove")
                        ingest_button = gr.Button("Ingest the corpus folder", elem_id="rag-ingest-corpus")
                        gr.HTML(f'<div class="rag-empty">Adds new and changed files under '
                                f'<code>{esc(settings.corpus_dir.resolve())}</code> and drops vanished ones.</div>',
                                js_on_load=None)
            with gr.Tab("Settings", id="settings", elem_id="tab-settings"):
                mode = gr.Dropdown(label="Answer mode", choices=modes, value=default_mode, elem_id="rag-mode",
                                   info="auto picks the best available; extractive quotes sentences (no model)")
                k = gr.Slider(1, 20, value=min(max(settings.k, 1), 20), step=1, label="Passages retrieved (k)",
                              elem_id="rag-k")
                gr.HTML("<h3 style='margin:8px 0 0'>In use</h3>", js_on_load=None)
                info = gr.HTML(settings_info_html(settings, default_mode), elem_id="rag-info", js_on_load=None)

        answer_events = dict(fn=ui.respond, inputs=[question, chatbot, history, turns, mode, k],
                             outputs=[question, chatbot, history, turns, sources], concurrency_limit=ANSWER_CONCURRENCY,
                             concurrency_id="answer", show_progress="hidden")
        gr.on([question.submit, ask_button.click], **answer_events)

        def pick_example(evt: gr.SelectData):
            return ui.pick_example(evt)

        def feedback(turn_list, data: gr.LikeData):
            ui.feedback(turn_list, data)

        chatbot.example_select(pick_example, None, question, show_progress="hidden").then(**answer_events)
        clear_button.click(ui.clear, None, [chatbot, history, turns, sources, question], show_progress="hidden")
        chatbot.clear(lambda: ([], [], sources_html([])), None, [history, turns, sources], show_progress="hidden")
        chatbot.like(feedback, [turns], None, show_progress="hidden")

        timer.tick(ui.status, None, [status, timer], show_progress="hidden", concurrency_limit=None)
        demo.load(ui.on_load, [mode], [status, docs, doc_choice, info], show_progress="hidden")
        mode.change(ui.settings_info, [mode], [info], show_progress="hidden")
        refresh_button.click(ui.documents, None, [docs, doc_choice])

        def upload(file_list, progress=gr.Progress()):
            return ui.upload(file_list, progress)

        def ingest_corpus(progress=gr.Progress()):
            return ui.ingest_corpus(progress)

        index_events = dict(concurrency_limit=1, concurrency_id="index")
        # preprocess=False: the handler gets Gradio's file dicts (paths checked to lie in the upload cache);
        # File's own preprocessing would leave an empty temporary file in the cache for every file.
        upload_button.click(upload, [files], [results, docs, doc_choice, status, files], preprocess=False,
                            **index_events)
        ingest_button.click(ingest_corpus, None, [results, docs, doc_choice, status], **index_events)
        remove_button.click(ui.remove, [doc_choice], [results, docs, doc_choice, status], **index_events,
                            js="(doc) => (doc && window.confirm('Remove ' + doc + ' (its file and its chunks)?'))"
                               " ? doc : null")

        def ask(question: str, mode: str = "", k: int = 0) -> dict:
            """Answer a question about the documents; returns the `rag ask --json` object."""
            return ui.ask(question, mode, k)

        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.rag_ui = ui
    return demo


def launch_kwargs(settings: Settings) -> dict:
    """Keyword arguments for ``app.launch``: styles, page script, upload limit, no tracebacks in the page.

    Args:
        settings: program settings (``max_file_mb``).

    Returns:
        A dict for ``gr.Blocks.launch``.
    """
    return dict(css=static_text("style.css"), js=static_text("app.js"), show_error=False, ssr_mode=False,
                footer_links=["api"], max_file_size=int(max(settings.max_file_mb, 1) * 2 * 1024 * 1024),
                allowed_paths=[])


def is_loopback(host: str) -> bool:
    """Does the address only accept connections from this machine?

    Args:
        host: a host name or IP address.

    Returns:
        True for 127.0.0.0/8, ::1 and ``localhost``.
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def parse_auth(value: str) -> tuple[str, str] | None:
    """Read ``RAG_UI_AUTH``.

    Args:
        value: ``"user:password"`` or "".

    Returns:
        ``(user, password)``, or None for "".

    Raises:
        RagError: not of the form user:password.
    """
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError("RAG_UI_AUTH must be user:password")
    return user, password


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, insecure: bool = False) -> int:
    """Serve the page until Ctrl-C (``rag ui`` and ``python ui.py``).

    Args:
        settings: program settings (``ui_auth`` protects a non-loopback address).
        host: address to bind.
        port: TCP port.
        insecure: allow a non-loopback address without a password.

    Returns:
        The exit code: 0 once the server has stopped.

    Raises:
        RagError: bad ``RAG_UI_AUTH``, a bad or busy port, or a network address without a password.
    """
    auth = parse_auth(settings.ui_auth)
    if not 0 < port < 65536:
        raise RagError(f"--port {port} is not a valid port")
    if not is_loopback(host):
        if auth is None and not insecure:
            raise RagError(f"binding {host} exposes the UI to the network: set RAG_UI_AUTH=user:password "
                           "or pass --insecure")
        if auth is None:
            print(f"warning: serving on {host} without a password (--insecure)", file=sys.stderr)
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO)  # libraries that set their own loggers to DEBUG (bm25s) stay quiet
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    log.setLevel(logging.INFO)
    app = build_app(settings)
    try:
        app.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=True, quiet=True,
                   **launch_kwargs(settings))
    except OSError as err:
        reason = "the port is in use" if "empty port" in str(err) else str(err).splitlines()[0][:200]
        raise RagError(f"cannot serve on {host}:{port}: {reason}; choose another with --port") from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Document QA chat on http://{shown}:{port}  (models warm up in the background; Ctrl-C stops)", flush=True)
    app.rag_ui.warmup.start()
    app.block_thread()
    return 0
