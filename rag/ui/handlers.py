"""What the page does when the user acts: plain methods, testable without a browser.

:class:`Warmup` runs :meth:`rag.pipeline.Assistant.warm` in a background thread and reports
the status line; :class:`ChatUI` holds the event handlers (answer, feedback, documents,
uploads, the ``/ask`` endpoint). Everything is loaded and answered by one shared
:class:`rag.pipeline.Assistant`; errors meant for the user (:class:`rag.errors.RagError`) are
shown as they are, anything else as one line naming its type (the traceback goes to the log).
"""

from __future__ import annotations

import html
import logging
import threading
import time
from pathlib import Path

from rag.errors import NoIndexError, RagError
from rag.settings import Settings
from rag.types import FinalEvent, SourcesEvent, SourcesReplacedEvent, TextEvent
from rag.ui.render import (UploadRefused, answer_html, append_jsonl, documents_html, feedback_record, question_html,
                           results_html, save_upload, settings_info_html, sources_html, status_html, status_line,
                           streaming_html)

log = logging.getLogger("rag.ui")

WARM_WAIT_SECONDS = 300  # how long a question waits for warm-up before it is turned away
NO_INDEX = ("no documents are indexed yet: open the Documents tab and ingest the corpus folder "
            "(or run `rag ingest`)")


class Warmup:
    """Warms the shared assistant up in a background thread, and says how the index is doing.

    Args:
        assistant: the :class:`rag.pipeline.Assistant` the page answers with.
        mode: the answer mode to warm up for (the local model is loaded when it resolves to local).
    """

    def __init__(self, assistant, mode: str | None = None):
        self.assistant = assistant
        self.mode = mode
        self.ready = threading.Event()  # set once warm-up has finished, whatever its outcome
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start warming up in a background thread (only the first call does anything)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="rag-warm-up", daemon=True).start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self.assistant.warm(self.mode)
        except NoIndexError:
            pass  # the status line says so
        except RagError as err:  # e.g. the language model is missing: answers will say why
            log.warning("warm-up incomplete: %s", err)
        except Exception:  # noqa: BLE001  (logged; the status line reports the index as it is)
            log.exception("warm-up failed")
        finally:
            self.ready.set()
            log.info("warm-up finished in %.1f s: %s", time.perf_counter() - started, self.phase)

    def wait(self, timeout: float = WARM_WAIT_SECONDS) -> None:
        """Start warm-up if needed and wait for it.

        Args:
            timeout: seconds to wait.

        Raises:
            RagError: still warming up after ``timeout``.
        """
        self.start()
        if not self.ready.wait(timeout):
            raise RagError("the assistant is still warming up; try again in a moment")

    @property
    def phase(self) -> str:
        """``warming``, ``ready``, ``noindex`` or ``error``."""
        return self.status()[0]

    def check_index(self) -> None:
        """Raise unless there is something to answer from.

        Raises:
            NoIndexError: nothing is indexed (the message points to the Documents tab).
            StoreUnavailableError: the store cannot be reached.
        """
        try:
            chunks = self.assistant.store.chunk_count()
        except NoIndexError:
            chunks = 0
        if not chunks:
            raise NoIndexError(NO_INDEX)

    def status(self) -> tuple[str, str]:
        """The status line, looked up now (the index may have changed or gone away).

        Returns:
            ``(kind, text)``: kind is warming, ready, noindex or error.
        """
        if not self.ready.is_set():
            return "warming", ("Warming up: loading the embedding model and the index\u2026 (the page works "
                               "already; questions are answered as soon as it is ready)")
        try:
            store = self.assistant.store
            chunks = store.chunk_count()
            docs = sum(1 for e in store.ledger_entries().values() if e.complete)
        except NoIndexError:
            chunks = 0
        except RagError as err:
            return "error", f"The index cannot be used: {err}"
        except Exception as err:  # noqa: BLE001  (the status line never breaks the page)
            return "error", f"The index cannot be used: {_unexpected(err, 'reading the index')}"
        if not chunks:
            return "noindex", ("No documents are indexed yet: open the Documents tab and click "
                               "\u201cIngest the corpus folder\u201d, or upload files.")
        return "ready", f"Ready \u00b7 {docs} documents, {chunks} chunks"


def _chunks(n: int) -> str:
    return f"{n} chunk" + ("" if n == 1 else "s") if n else ""


def _unexpected(err: Exception, what: str) -> str:
    log.error("%s failed", what, exc_info=err)
    return f"unexpected error while {what} ({type(err).__name__}); the details are in the server log"


def _upload_file(item) -> tuple[Path, str]:
    """``(path, name the browser sent)`` of an uploaded file: a path or Gradio's file dict."""
    if isinstance(item, dict):
        path = Path(item["path"])
        return path, item.get("orig_name") or path.name
    return Path(item), Path(item).name


def _is_inside(path: Path, folder: Path | None) -> bool:
    try:
        return folder is not None and path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


class ChatUI:
    """Event handlers of the page.

    Args:
        settings: program settings.
        assistant: the shared assistant (a new one when None).
        upload_cache: the folder where Gradio keeps uploaded files; uploads found there are
            deleted once handled, refused or not (None: uploads are never deleted).
    """

    def __init__(self, settings: Settings, assistant=None, upload_cache: Path | None = None):
        from rag.pipeline import Assistant

        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.warmup = Warmup(self.assistant, settings.mode)
        self.upload_cache = upload_cache
        self._feedback_lock = threading.Lock()

    # ---- chat ----------------------------------------------------------------------------------------
    def respond(self, question, chat, history, turns, mode, k):
        """Answer a question, streaming.

        Args:
            question: the text typed.
            chat: the Chatbot's messages.
            history: the conversation as plain text messages (for follow-up questions).
            turns: one dict per answered turn (its sources, for the Sources panel and feedback).
            mode: answer mode ("auto", "extractive" ...).
            k: passages to retrieve.

        Yields:
            ``(textbox, chat, history, turns, sources)``, with ``gr.skip()`` for what is unchanged.
        """
        import gradio as gr

        chat, history, turns = list(chat or []), list(history or []), list(turns or [])
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turn_no = turns[-1]["turn"] + 1 if turns else 1
        waiting = "Searching the documents\u2026" if self.warmup.ready.is_set() else \
            "Warming up: loading the embedding model and the index; the answer follows in a moment\u2026"
        chat += [{"role": "user", "content": question_html(question)},
                 {"role": "assistant", "content": status_html(waiting)}]
        yield "", chat, history, turns, gr.skip()
        pending = {"turn": turn_no, "question": question, "citations": (), "pending": True}
        answer = None
        try:
            self.warmup.wait()
            self.warmup.check_index()
            numbers, text, note = [], "", ""
            for event in self.assistant.stream(question, history, mode or None, int(k) if k else None):
                if isinstance(event, (SourcesEvent, SourcesReplacedEvent)):
                    numbers = [e.n for e in event.evidence]
                    pending = {**pending, "citations": tuple(event.evidence)}
                    if isinstance(event, SourcesReplacedEvent):  # the text so far is dropped
                        text, note = "", event.reason
                        chat[-1] = {"role": "assistant", "content": streaming_html(text, turn_no, numbers, note)}
                    yield gr.skip(), chat, history, turns, sources_html(turns + [pending])
                elif isinstance(event, TextEvent):
                    text += event.text
                    chat[-1] = {"role": "assistant", "content": streaming_html(text, turn_no, numbers, note)}
                    yield gr.skip(), chat, history, turns, gr.skip()
                elif isinstance(event, FinalEvent):
                    answer = event.answer
        except RagError as err:
            chat[-1] = {"role": "assistant", "content": status_html(f"error: {err}", "error")}
        except Exception as err:  # noqa: BLE001  (never a traceback in the page)
            chat[-1] = {"role": "assistant", "content": status_html(_unexpected(err, "answering"), "error")}
        if answer is None:
            if chat[-1]["content"].startswith('<div class="rag-answer'):  # the stream ended early
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
    def pick_example(evt) -> str:
        """The text of a clicked example question.

        Args:
            evt: Gradio's ``SelectData`` (``value`` is ``{"text": ...}``).

        Returns:
            The question.
        """
        value = getattr(evt, "value", None)
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    @staticmethod
    def clear():
        """A new conversation: ``(chat, history, turns, sources, textbox)``."""
        return [], [], [], sources_html([]), ""

    def feedback(self, turns, data) -> None:
        """Append a thumbs up or down on an answer to ``<data dir>/feedback.jsonl``.

        Args:
            turns: the answered turns.
            data: Gradio's ``LikeData`` (``index`` of the message, ``liked``).
        """
        import gradio as gr

        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = next((t for t in turns or [] if t.get("msg_index") == index), None)
        if turn is None:
            gr.Info("Only answers can be rated.")
            return
        if data.liked is None:
            return  # a rating was taken back
        try:
            with self._feedback_lock:
                append_jsonl(self.settings.data_dir / "feedback.jsonl",
                             feedback_record("up" if data.liked else "down", turn))
        except OSError as err:
            gr.Warning(f"feedback not saved: {html.escape(err.strerror or str(err), quote=False)}")
            return
        gr.Info("Thank you: feedback saved.")

    # ---- status, documents, settings ---------------------------------------------------------------
    def status(self):
        """The status line, and the timer (stopped once warm-up is over)."""
        import gradio as gr

        return status_line(*self.warmup.status()), gr.Timer(active=not self.warmup.ready.is_set())

    def on_load(self, mode):
        """A page opened: start warm-up and fill the page.

        Args:
            mode: the mode chosen on the page.

        Returns:
            ``(status, documents, remove dropdown, settings info)``.
        """
        self.warmup.start()
        docs, choices = self.documents()
        return status_line(*self.warmup.status()), docs, choices, settings_info_html(self.settings, mode)

    def documents(self):
        """``(documents table, remove dropdown)``."""
        import gradio as gr

        none = gr.Dropdown(choices=[], value=None)
        try:
            store = self.assistant.store
            entries = store.ledger_entries()
            table = documents_html(entries, store.chunk_count())
        except NoIndexError:
            return documents_html({}), none
        except RagError as err:
            return status_html(f"error: {err}", "error"), none
        except Exception as err:  # noqa: BLE001
            return status_html(_unexpected(err, "listing documents"), "error"), none
        return table, gr.Dropdown(choices=sorted(entries), value=None)

    def _after_change(self):
        docs, dropdown = self.documents()
        return docs, dropdown, status_line(*self.warmup.status())

    def upload(self, files, progress=None):
        """Save uploads into ``<corpus>/uploads`` and ingest them.

        Each file Gradio received is deleted from its upload cache afterwards, whether it was
        taken or refused.

        Args:
            files: the uploaded files: paths, or Gradio's file dicts (``path``, ``orig_name``).
            progress: a ``gr.Progress`` (optional).

        Returns:
            ``(results, documents, remove dropdown, status, files)`` (files cleared).
        """
        rows: list[tuple[str, str, str]] = []
        saved = []
        folder = self.settings.corpus_dir / "uploads"
        try:
            for path, name in map(_upload_file, files or []):
                try:
                    target, note = save_upload(path, name, folder, self.settings.max_file_mb)
                    saved.append((target, note, name))
                except UploadRefused as err:
                    rows.append((name, "refused", str(err)))
        finally:
            self._forget_uploads(files)
        if not saved and not rows:
            rows.append(("(no file)", "refused", "choose one or more files first"))
        if saved:
            rows += self._ingest_uploads(saved, progress)
        return (results_html(rows), *self._after_change(), None)

    def _forget_uploads(self, files) -> None:
        """Delete Gradio's cached copies of uploaded files (and their emptied folders)."""
        for path, _ in map(_upload_file, files or []):
            if not _is_inside(path, self.upload_cache):
                continue
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # Gradio keeps each upload in a folder of its own
            except OSError:
                pass

    def _ingest_uploads(self, saved, progress) -> list[tuple[str, str, str]]:
        rows = []
        try:
            ingester = self.assistant.ingester()
            for i, (target, note, original) in enumerate(saved):
                if progress is not None:
                    progress((i, len(saved)), desc=f"ingesting {target.name}", unit="files")
                report = ingester.run([target], lock_wait=300)
                for r in report.results:
                    detail = r.reason or _chunks(r.chunks)
                    if r.status == "failed" and not note.startswith("identical"):
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
        return rows

    def ingest_corpus(self, progress=None):
        """Ingest (or bring up to date) the whole corpus folder.

        Args:
            progress: a ``gr.Progress`` (optional).

        Returns:
            ``(results, documents, remove dropdown, status)``.
        """
        rows = []
        try:
            if progress is not None:
                progress(0.05, desc=f"ingesting {self.settings.corpus_dir}")
            report = self.assistant.ingester().run([self.settings.corpus_dir], lock_wait=300)
            rows.append(("corpus folder", "done", report.summary()))
            rows += [(r.doc_id, r.status, r.reason or _chunks(r.chunks))
                     for r in report.results if r.status != "unchanged"]
        except RagError as err:
            rows.append(("corpus folder", "error", str(err)))
        except Exception as err:  # noqa: BLE001
            rows.append(("corpus folder", "error", _unexpected(err, "ingesting the corpus")))
        return (results_html(rows), *self._after_change())

    def remove(self, doc_id):
        """Remove a document's chunks, and its file when it lies inside the corpus folder.

        Args:
            doc_id: the document chosen.

        Returns:
            ``(results, documents, remove dropdown, status)``.
        """
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
        return (results_html(rows), *self._after_change())

    def _remove(self, doc_id: str) -> tuple[str, str, str]:
        entry = self.assistant.store.ledger_entries().get(doc_id)
        if entry is None:
            raise RagError(f"no document {doc_id!r} in the index")
        self.assistant.ingester().remove(doc_id)
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
        """The Settings tab's table.

        Args:
            mode: the mode chosen on the page.

        Returns:
            HTML.
        """
        return settings_info_html(self.settings, mode)

    # ---- API -----------------------------------------------------------------------------------------
    def ask(self, question: str, mode: str = "", k: int = 0) -> dict:
        """Answer a question for the ``/ask`` endpoint.

        Args:
            question: the question.
            mode: answer mode ("" for the configured one).
            k: passages to retrieve (0 for the configured number).

        Returns:
            The ``rag ask --json`` object.

        Raises:
            gr.Error: with the one-line reason.
        """
        import gradio as gr

        try:
            self.warmup.wait()
            self.warmup.check_index()
            answer = self.assistant.answer(question, mode=mode or None, k=int(k) or None)
        except RagError as err:
            raise gr.Error(html.escape(str(err), quote=False), print_exception=False) from None
        except Exception as err:  # noqa: BLE001
            raise gr.Error(_unexpected(err, "answering"), print_exception=False) from None
        return answer.to_dict()
