"""The browser chat: ``python ui.py [--host H] [--port P] [--insecure]``.

A Gradio Blocks app with three tabs:

- **Chat**: streamed answers with ``[n]`` markers linked to a Sources panel beside the chat,
  where each cited passage shows with its supporting sentence highlighted; follow-up
  questions use the conversation; thumbs up/down go to ``<data dir>/feedback.jsonl``.
- **Documents**: the indexed documents, upload (.md .txt .html .pdf) into
  ``<corpus>/uploads`` with ingest and per-file results, removal (file and chunks).
- **Settings**: answer mode, number of passages, and which models and store are in use.

An API endpoint ``/ask`` returns the ``rag ask --json`` object::

    gradio_client.Client("http://127.0.0.1:7860").predict("question", api_name="/ask")

The page is served before any model loads; the embedder and the index warm up in a
background thread and the page shows "warming up" until they are ready. Binding an
address other than loopback needs ``RAG_UI_AUTH=user:password`` or ``--insecure``.
"""


import argparse
import html
import ipaddress
import logging
import sys
import threading
import time
from pathlib import Path

from rag.cli import _quiet_libraries

_quiet_libraries()  # before Gradio (and anything else) is imported: offline, no telemetry

from rag.errors import NoIndexError, RagError  # noqa: E402  (light: no heavy imports)
from rag.settings import Settings  # noqa: E402
from rag.ui_render import (UploadRefused, answer_html, append_jsonl, documents_html, esc,  # noqa: E402
                           feedback_record, question_html, results_html, save_upload, sources_html, status_html,
                           streaming_html)

log = logging.getLogger("rag.ui")

EXIT_ERROR = 2
EXAMPLES = [
    "Why did DeepSeek appear in Hangzhou?",
    "What did Hefei do to become an innovation hub?",
    "What is the G60 Science and Innovation Corridor?",
]
ANSWER_CONCURRENCY = 4  # answers in flight at once (the local LLM serialises itself with a lock)
WARM_WAIT_SECONDS = 300
BUNDLED_LLM_LABEL = "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (bundled GGUF, llama.cpp)"

CSS = """
#rag-status .rag-status { padding: 6px 10px; border-radius: 6px; font-size: 0.95em; }
.rag-status.warming { background: #fff4ce; color: #5c4400; }
.rag-status.ready { background: #e6f4ea; color: #0d5223; }
.rag-status.noindex, .rag-status.error { background: #fde7e9; color: #8a1020; }
.rag-question { white-space: pre-wrap; }
.rag-answer { line-height: 1.55; }
a.rag-cite { text-decoration: none; font-weight: 600; padding: 0 1px; border-radius: 3px;
             color: var(--color-accent, #2563eb); cursor: pointer; }
a.rag-cite:hover { background: rgba(37, 99, 235, 0.12); }
.rag-unverified { background: rgba(234, 88, 12, 0.12); text-decoration: underline dashed #ea580c;
                  color: var(--body-text-color-subdued, #555); }
.rag-badge { display: inline-block; font-size: 0.72em; font-weight: 700; text-transform: uppercase;
             padding: 0 5px; border-radius: 4px; background: #ea580c; color: #fff; vertical-align: 1px; }
.rag-refusal { border-left: 4px solid #d97706; padding-left: 10px; }
.rag-refusal-label { font-weight: 700; color: #b45309; margin-bottom: 2px; }
.rag-notice { font-size: 0.85em; color: var(--body-text-color-subdued, #666); margin-top: 6px; }
.rag-msg-error { color: #b91c1c; font-weight: 600; }
.rag-msg-info { color: var(--body-text-color-subdued, #555); font-style: italic; }
.rag-cursor { opacity: 0.6; margin-left: 2px; }
.rag-sources { display: flex; flex-direction: column; gap: 10px; }
.rag-turn-q { font-weight: 600; margin-bottom: 6px; }
details.rag-turn > summary { cursor: pointer; color: var(--body-text-color-subdued, #555); }
.rag-source { border: 1px solid var(--border-color-primary, #ddd); border-radius: 8px; padding: 8px 10px;
              margin-bottom: 8px; scroll-margin: 12px; transition: box-shadow 0.3s; }
.rag-source.rag-active { border-color: var(--color-accent, #2563eb); }
.rag-source.rag-flash { box-shadow: 0 0 0 3px rgba(37, 99, 235, 0.45); }
.rag-source-head { font-weight: 600; }
.rag-n { color: var(--color-accent, #2563eb); margin-right: 4px; }
.rag-where, .rag-doc { font-size: 0.85em; color: var(--body-text-color-subdued, #666); }
.rag-doc { font-family: var(--font-mono, monospace); }
.rag-sources .rag-passage { white-space: pre-wrap; font-size: 0.9em; margin: 6px 0 0 !important; padding: 4px 8px;
                            border-left: 3px solid var(--border-color-primary, #ccc); font-style: normal; }
.rag-passage mark { background: #fde68a; color: #111; padding: 0 1px; }
.rag-empty, .rag-sources-note { color: var(--body-text-color-subdued, #666); font-size: 0.9em; }
table.rag-docs { width: 100%; border-collapse: collapse; font-size: 0.92em; }
table.rag-docs th, table.rag-docs td { text-align: left; padding: 4px 8px;
                                       border-bottom: 1px solid var(--border-color-primary, #ddd); }
table.rag-docs caption { text-align: left; padding: 4px 0; color: var(--body-text-color-subdued, #666); }
td.rag-num { text-align: right; }
ul.rag-results { margin: 0; padding-left: 1.2em; }
ul.rag-results li.rag-bad { color: #b91c1c; }
ul.rag-results li.rag-ok { color: #166534; }
table.rag-info td { padding: 3px 12px 3px 0; vertical-align: top; border: none !important; }
table.rag-info td:first-child { font-weight: 600; white-space: nowrap; }
"""

# Clicking an [n] marker brings its source card into view (opening folded earlier turns).
JS = """
() => {
  if (window.__ragCites) { return; }
  window.__ragCites = true;
  document.addEventListener('click', (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a.rag-cite') : null;
    if (!link) { return; }
    const id = (link.getAttribute('href') || '').replace(/^#/, '');
    if (!/^(src|close)-\\d+-\\d+$/.test(id)) { return; }
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById(id);
    if (!card) { return; }
    for (let d = card.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      d.open = true;
    }
    document.querySelectorAll('.rag-source.rag-active').forEach((c) => c.classList.remove('rag-active'));
    card.classList.add('rag-active', 'rag-flash');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    setTimeout(() => card.classList.remove('rag-flash'), 1600);
  }, true);
}
"""


# ---- the backend: models, index, warm-up ------------------------------------------------------
class Backend:
    """Process-wide state behind the page: the assistant, the index, warm-up.

    ``phase`` is ``warming``, ``ready``, ``noindex`` or ``error``; ``ready`` (the event) is set
    once warm-up has finished, whatever its outcome.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.phase = "warming"
        self.detail = ""
        self.ready = threading.Event()
        self.assistant = None
        self._started = False
        self._lock = threading.RLock()
        self._feedback_lock = threading.Lock()

    # warm-up
    def start(self) -> None:
        """Start warming up in a background thread (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._warm, name="rag-warm-up", daemon=True).start()

    def _warm(self) -> None:
        started = time.perf_counter()
        try:
            self.embedder.model  # noqa: B018  (loads sentence-transformers and the weights)
            self.open_index()
            if self.phase == "ready":
                self._warm_llm()
        except RagError as err:
            self._set("error", str(err))
        except Exception as err:  # noqa: BLE001  (shown as one line, logged with the traceback)
            log.exception("warm-up failed")
            self._set("error", f"unexpected error while warming up ({type(err).__name__})")
        finally:
            self.ready.set()
            log.info("warm-up finished in %.1f s: %s", time.perf_counter() - started, self.phase)

    def _warm_llm(self) -> None:
        from rag.pipeline import resolve_mode

        try:
            if resolve_mode(self.settings, None) == "local":
                self.detail = "loading the language model"
                from rag.llm import get_local_model

                get_local_model(self.settings).load()
        except RagError as err:
            log.warning("language model not loaded: %s", err)
        finally:
            self.detail = ""

    @property
    def embedder(self):
        from rag.embeddings import get_embedder

        return get_embedder(self.settings.embed_model)

    def open_index(self) -> None:
        """(Re)open the index; sets the phase to ``ready`` or ``noindex``."""
        from rag.pipeline import Assistant
        from rag.store import open_store

        with self._lock:
            try:
                store = open_store(self.settings)
            except NoIndexError as err:
                self.assistant = None
                self._set("noindex", str(err))
                return
            assistant = Assistant(self.settings, store=store, embedder=self.embedder)
            if store.chunk_count():
                assistant.retrieve("warm up", 1)  # builds the BM25 index and runs the encoder once
                self.assistant = assistant
                self._set("ready", "")
            else:
                self.assistant = assistant
                self._set("noindex", "the index is empty")

    def _set(self, phase: str, detail: str) -> None:
        self.phase, self.detail = phase, detail

    def wait(self, timeout: float = WARM_WAIT_SECONDS) -> None:
        """Wait for warm-up; raises RagError when the index is missing or broken."""
        self.start()
        if not self.ready.wait(timeout):
            raise RagError("the assistant is still warming up; try again in a moment")
        if self.phase == "noindex":
            raise NoIndexError("no documents are indexed yet: open the Documents tab and ingest the corpus folder "
                               "(or run `rag ingest`)")
        if self.phase == "error":
            raise RagError(self.detail or "the index cannot be opened")

    def store(self, create: bool = False):
        """The open store (None when there is no index and ``create`` is False)."""
        from rag.store import open_store

        with self._lock:
            if self.assistant is not None:
                return self.assistant.store
            try:
                return open_store(self.settings, create=create)
            except NoIndexError:
                return None

    def ingester(self):
        """An Ingester sharing this process's store and embedder."""
        from rag.ingest import Ingester

        return Ingester(self.settings, store=self.store(create=True), embedder=self.embedder)

    def after_change(self) -> None:
        """Reopen the index after an ingest or removal when it was missing before."""
        if self.phase in ("noindex", "error") or self.assistant is None:
            self.ready.clear()
            try:
                self.open_index()
            except RagError as err:
                self._set("error", str(err))
            finally:
                self.ready.set()

    def status(self) -> tuple[str, str]:
        """``(css class, text)`` for the status line."""
        if self.phase == "warming" or not self.ready.is_set():
            return "warming", "Warming up: loading the embedding model and the index\u2026 (the page works already; " \
                              "questions are answered as soon as it is ready)"
        if self.phase == "noindex":
            return "noindex", ("No documents are indexed yet: open the Documents tab and click "
                               "\u201cIngest the corpus folder\u201d, or upload files.")
        if self.phase == "error":
            return "error", f"The index cannot be used: {self.detail}"
        try:
            store = self.assistant.store
            docs = sum(1 for e in store.ledger_entries().values() if e.complete)
            chunks = store.chunk_count()
        except RagError as err:
            return "error", f"The index cannot be used: {err}"
        extra = f" \u00b7 {self.detail}" if self.detail else ""
        return "ready", f"Ready \u00b7 {docs} documents, {chunks} chunks{extra}"

    def save_feedback(self, record: dict) -> Path:
        path = self.settings.data_dir / "feedback.jsonl"
        with self._feedback_lock:
            append_jsonl(path, record)
        return path


def status_line(backend: Backend) -> str:
    kind, text = backend.status()
    return f'<div class="rag-status {kind}" role="status">{esc(text)}</div>'


def llm_label(settings: Settings, mode: str) -> str:
    """Which language model a mode uses, as plain text."""
    if mode == "local":
        return f"{settings.llm_gguf} (llama.cpp)" if settings.llm_gguf else BUNDLED_LLM_LABEL
    if mode == "openai":
        return f"{settings.llm_model} at {settings.llm_base_url} (OpenAI-compatible server)"
    return "none: extractive answers quote the documents"


def settings_info_html(settings: Settings, mode: str | None) -> str:
    """The models and store in use (escaped)."""
    from rag.embeddings import resolve_model
    from rag.pipeline import available_modes, resolve_mode

    try:
        concrete = resolve_mode(settings, mode)
    except RagError as err:
        concrete, note = "extractive", str(err)
    else:
        note = ""
    try:
        embed = resolve_model(settings.embed_model)[1]
    except Exception as err:  # noqa: BLE001  (a missing model package is shown, not raised)
        embed = f"{settings.embed_model or 'bundled all-MiniLM-L6-v2'} (not available: {type(err).__name__})"
    rows = [("Answer mode", f"{mode or settings.mode} \u2192 {concrete}" + (f" ({note})" if note else "")),
            ("Language model", llm_label(settings, concrete)),
            ("Modes on this install", ", ".join(available_modes(settings))),
            ("Embedding model", embed),
            ("Store", settings.store_label),
            ("Corpus folder", str(settings.corpus_dir.resolve())),
            ("Uploads go to", str((settings.corpus_dir / "uploads").resolve())),
            ("Feedback file", str((settings.data_dir / "feedback.jsonl").resolve())),
            ("Upload size limit", f"{settings.max_file_mb:g} MB")]
    body = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="rag-info">{body}</table>'


def _chunks(n: int) -> str:
    return f"{n} chunk" + ("" if n == 1 else "s") if n else ""


def _unexpected(err: Exception, what: str) -> str:
    log.error("%s failed", what, exc_info=err)
    return f"unexpected error while {what} ({type(err).__name__}); the details are in the server log"


# ---- the page ---------------------------------------------------------------------------------
class ChatUI:
    """Event handlers of the page (plain methods, so they can be tested without a browser)."""

    def __init__(self, settings: Settings, backend: Backend | None = None):
        self.settings = settings
        self.backend = backend or Backend(settings)

    # chat
    def respond(self, question, chat, history, turns, mode, k):
        """Stream an answer: yields (textbox, chat, history, turns, sources)."""
        import gradio as gr

        chat, history, turns = list(chat or []), list(history or []), list(turns or [])
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turn_no = turns[-1]["turn"] + 1 if turns else 1
        chat += [{"role": "user", "content": question_html(question)},
                 {"role": "assistant", "content": status_html("Searching the documents\u2026")}]
        if not self.backend.ready.is_set():
            self.backend.start()
            chat[-1] = {"role": "assistant", "content": status_html(
                "Warming up: loading the embedding model and the index; the answer follows in a moment\u2026")}
        yield "", chat, history, turns, gr.skip()
        pending = {"turn": turn_no, "question": question, "citations": (), "pending": True}
        answer = None
        try:
            self.backend.wait()
            numbers: list[int] = []
            text = ""
            for event in self.backend.assistant.stream(question, history, mode or None, int(k) if k else None):
                if event["type"] == "sources":
                    numbers = [e.n for e in event["evidence"]]
                    pending = {**pending, "citations": tuple(event["evidence"])}
                    yield gr.skip(), chat, history, turns, sources_html(turns + [pending])
                elif event["type"] == "text":
                    text = event["text"] if event.get("replace") else text + event["text"]
                    chat[-1] = {"role": "assistant", "content": streaming_html(text, turn_no, numbers)}
                    yield gr.skip(), chat, history, turns, gr.skip()
                elif event["type"] == "final":
                    answer = event["answer"]
        except NoIndexError as err:
            message = str(err).replace("run `rag ingest` first", "open the Documents tab and ingest the corpus folder")
            chat[-1] = {"role": "assistant", "content": status_html(f"error: {message}", "error")}
        except RagError as err:
            chat[-1] = {"role": "assistant", "content": status_html(f"error: {err}", "error")}
        except Exception as err:  # noqa: BLE001  (never a traceback in the page)
            chat[-1] = {"role": "assistant", "content": status_html(_unexpected(err, "answering"), "error")}
        if answer is None:
            content = chat[-1]["content"]
            if isinstance(content, str) and content.startswith('<div class="rag-answer'):  # stream ended early
                chat[-1] = {"role": "assistant", "content": status_html("error: no answer was produced", "error")}
            yield gr.skip(), chat, history, turns, sources_html(turns)
            return
        chat[-1] = {"role": "assistant", "content": answer_html(answer, turn_no)}
        turns = turns + [{"turn": turn_no, "question": question, "citations": answer.citations,
                          "closest": answer.closest, "refused": answer.refused, "answer": answer.to_dict(),
                          "msg_index": len(chat) - 1}]
        history = history + [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
        yield gr.skip(), chat, history, turns, sources_html(turns)

    @staticmethod
    def pick_example(evt):
        value = getattr(evt, "value", None)
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    @staticmethod
    def clear():
        return [], [], [], sources_html([]), ""

    def feedback(self, turns, data) -> None:
        """Append a thumbs up/down to feedback.jsonl."""
        import gradio as gr

        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = next((t for t in turns or [] if t.get("msg_index") == index), None)
        if turn is None:
            gr.Info("Only answers can be rated.")
            return
        if data.liked is True:
            rating = "up"
        elif data.liked is False:
            rating = "down"
        else:
            return  # a rating was taken back
        try:
            self.backend.save_feedback(feedback_record(rating, turn))
        except OSError as err:
            gr.Warning(f"feedback not saved: {html.escape(err.strerror or str(err), quote=False)}")
            return
        gr.Info("Thank you: feedback saved.")

    # status, documents, settings
    def status(self):
        import gradio as gr

        return status_line(self.backend), gr.Timer(active=not self.backend.ready.is_set())

    def on_load(self, mode):
        self.backend.start()
        docs, choices = self.documents()
        return (status_line(self.backend), docs, choices, settings_info_html(self.settings, mode))

    def documents(self):
        """(documents table HTML, dropdown update)."""
        import gradio as gr

        try:
            store = self.backend.store()
            if store is None:
                return documents_html({}), gr.Dropdown(choices=[], value=None)
            entries = store.ledger_entries()
            html_table = documents_html(entries, store.chunk_count())
        except RagError as err:
            return status_html(f"error: {err}", "error"), gr.Dropdown(choices=[], value=None)
        except Exception as err:  # noqa: BLE001
            return status_html(_unexpected(err, "listing documents"), "error"), gr.Dropdown(choices=[], value=None)
        return html_table, gr.Dropdown(choices=sorted(entries), value=None)

    def _refresh_after_change(self):
        self.backend.after_change()
        docs, dropdown = self.documents()
        return docs, dropdown, status_line(self.backend)

    def upload(self, files, progress=None):
        """Save uploads into <corpus>/uploads and ingest them; returns (results, docs, dropdown, status, files)."""
        rows: list[tuple[str, str, str]] = []
        saved = []
        folder = self.settings.corpus_dir / "uploads"
        for item in files or []:
            path = Path(getattr(item, "name", item))
            try:
                target, note = save_upload(path, path.name, folder, self.settings.max_file_mb)
                saved.append((target, note, path.name))
            except UploadRefused as err:
                rows.append((path.name, "refused", str(err)))
        if not saved and not rows:
            rows.append(("(no file)", "refused", "choose one or more files first"))
        if saved:
            try:
                ingester = self.backend.ingester()
                for i, (target, note, original) in enumerate(saved):
                    if progress is not None:
                        progress((i, len(saved)), desc=f"ingesting {target.name}", unit="files")
                    existed_before = bool(note.startswith("identical"))
                    report = ingester.run([target], lock_wait=300)
                    for r in report.results:
                        detail = r.reason or _chunks(r.chunks)
                        if r.status == "failed" and not existed_before:
                            target.unlink(missing_ok=True)
                            detail += "; the file was not kept"
                        shown = r.doc_id if original == target.name else f"{original} \u2192 {r.doc_id}"
                        rows.append((shown, r.status, "; ".join(x for x in (detail, note) if x)))
                if progress is not None:
                    progress((len(saved), len(saved)), desc="done", unit="files")
            except RagError as err:
                rows.append(("ingest", "error", str(err)))
            except Exception as err:  # noqa: BLE001
                rows.append(("ingest", "error", _unexpected(err, "ingesting uploads")))
        docs, dropdown, status = self._refresh_after_change()
        return results_html(rows), docs, dropdown, status, None

    def ingest_corpus(self, progress=None):
        """Ingest (or bring up to date) the whole corpus folder."""
        rows = []
        try:
            if progress is not None:
                progress(0.05, desc=f"ingesting {self.settings.corpus_dir}")
            report = self.backend.ingester().run([self.settings.corpus_dir], lock_wait=300)
            rows.append(("corpus folder", "done", report.summary()))
            rows += [(r.doc_id, r.status, r.reason or _chunks(r.chunks))
                     for r in report.results if r.status != "unchanged"]
        except RagError as err:
            rows.append(("corpus folder", "error", str(err)))
        except Exception as err:  # noqa: BLE001
            rows.append(("corpus folder", "error", _unexpected(err, "ingesting the corpus")))
        docs, dropdown, status = self._refresh_after_change()
        return results_html(rows), docs, dropdown, status

    def remove(self, doc_id):
        """Remove a document's chunks, and its file when it lies inside the corpus folder."""
        rows = []
        if not doc_id:
            rows.append(("(none)", "refused", "choose a document to remove"))
        else:
            try:
                rows.append(self._remove(doc_id))
            except RagError as err:
                rows.append((doc_id, "error", str(err)))
            except Exception as err:  # noqa: BLE001
                rows.append((doc_id, "error", _unexpected(err, "removing a document")))
        docs, dropdown, status = self._refresh_after_change()
        return results_html(rows), docs, dropdown, status

    def _remove(self, doc_id: str) -> tuple[str, str, str]:
        store = self.backend.store()
        if store is None:
            raise RagError("there is no index yet")
        entry = store.ledger_entries().get(doc_id)
        if entry is None:
            raise RagError(f"no document {doc_id!r} in the index")
        self.backend.ingester().remove(doc_id)
        detail = f"{_chunks(entry.chunks)} removed"
        source = Path(entry.source) if entry.source else None
        corpus = self.settings.corpus_dir.resolve()
        if source is not None and source.is_file():
            if source.resolve().is_relative_to(corpus):
                try:
                    source.unlink()
                    detail += f"; file {source.resolve().relative_to(corpus)} deleted"
                except OSError as err:
                    detail += f"; the file could not be deleted ({err.strerror or err})"
            else:
                detail += "; the file is outside the corpus folder and was kept"
        return doc_id, "removed", detail

    def settings_info(self, mode):
        return settings_info_html(self.settings, mode)

    # API
    def ask(self, question: str, mode: str = "", k: int = 0) -> dict:
        """Answer a question; returns the `rag ask --json` object."""
        import gradio as gr

        try:
            self.backend.wait()
            answer = self.backend.assistant.answer(question, mode=mode or None, k=int(k) or None)
        except RagError as err:
            raise gr.Error(html.escape(str(err), quote=False), print_exception=False) from None
        except Exception as err:  # noqa: BLE001
            raise gr.Error(_unexpected(err, "answering"), print_exception=False) from None
        return answer.to_dict()


def build_app(settings: Settings, backend: Backend | None = None):
    """Build the Gradio Blocks app (nothing heavy is loaded here; call ``backend.start()``).

    Args:
        settings: program settings.
        backend: the shared backend (a new one when None); available as ``app.rag_backend``.

    Returns:
        The ``gr.Blocks`` app with its queue configured; launch it with :func:`launch_kwargs`.
    """
    import gradio as gr

    from rag.pipeline import available_modes

    ui = ChatUI(settings, backend)
    modes = ["auto"] + available_modes(settings)
    default_mode = settings.mode if settings.mode in modes else "auto"
    with gr.Blocks(title="Document QA", fill_width=True, analytics_enabled=False) as demo:
        with gr.Row():
            gr.HTML("<h2 style='margin:0'>Ask your documents</h2>", js_on_load=None)
        status = gr.HTML(status_line(ui.backend), elem_id="rag-status", js_on_load=None)
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
        upload_button.click(upload, [files], [results, docs, doc_choice, status, files], **index_events)
        ingest_button.click(ingest_corpus, None, [results, docs, doc_choice, status], **index_events)
        remove_button.click(ui.remove, [doc_choice], [results, docs, doc_choice, status], **index_events,
                            js="(doc) => (doc && window.confirm('Remove ' + doc + ' (its file and its chunks)?'))"
                               " ? doc : null")

        def ask(question: str, mode: str = "", k: int = 0) -> dict:
            """Answer a question about the documents; returns the `rag ask --json` object."""
            return ui.ask(question, mode, k)

        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    demo.queue(default_concurrency_limit=2, max_size=64)
    demo.rag_backend = ui.backend
    demo.rag_ui = ui
    return demo


def launch_kwargs(settings: Settings) -> dict:
    """Keyword arguments for ``app.launch`` (styles, script, limits, no tracebacks in the page)."""
    return dict(css=CSS, js=JS, show_error=False, ssr_mode=False, footer_links=["api"],
                max_file_size=int(max(settings.max_file_mb, 1) * 2 * 1024 * 1024), allowed_paths=[])


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def parse_auth(value: str) -> tuple[str, str] | None:
    """``"user:password"`` -> ``(user, password)``; "" -> None.

    Raises:
        RagError: not of the form user:password.
    """
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError("RAG_UI_AUTH must be user:password")
    return user, password


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ui.py", description="Open the document QA chat in a browser.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--insecure", action="store_true",
                        help="allow a non-loopback --host without RAG_UI_AUTH (anyone on the network can use it)")
    return parser


def main(argv=None) -> int:
    """Start the UI; returns the exit code."""
    args = build_parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO)  # libraries that set their own loggers to DEBUG (bm25s) stay quiet
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    log.setLevel(logging.INFO)
    try:
        settings = Settings.from_env()
        auth = parse_auth(settings.ui_auth)
    except (ValueError, RagError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if not 0 < args.port < 65536:
        print(f"error: --port {args.port} is not a valid port", file=sys.stderr)
        return EXIT_ERROR
    if not is_loopback(args.host):
        if auth is None and not args.insecure:
            print(f"error: binding {args.host} exposes the UI to the network: set RAG_UI_AUTH=user:password "
                  "or pass --insecure", file=sys.stderr)
            return EXIT_ERROR
        if auth is None:
            print(f"warning: serving on {args.host} without a password (--insecure)", file=sys.stderr)
    app = build_app(settings)
    try:
        app.launch(server_name=args.host, server_port=args.port, auth=auth, prevent_thread_lock=True, quiet=True,
                   **launch_kwargs(settings))
    except OSError as err:
        reason = "the port is in use" if "empty port" in str(err) else str(err).splitlines()[0][:200]
        print(f"error: cannot serve on {args.host}:{args.port}: {reason}; choose another with --port",
              file=sys.stderr)
        return EXIT_ERROR
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Document QA chat on http://{shown}:{args.port}  (models warm up in the background; Ctrl-C stops)",
          flush=True)
    app.rag_backend.start()
    app.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
