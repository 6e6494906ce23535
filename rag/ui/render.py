"""What the browser UI shows, as HTML; upload file names; feedback records.

Nothing here imports Gradio, so it is fast to test. Every piece of text that comes from a
document, an answer, a file name or an error message goes through :func:`esc` before it
becomes HTML: a document holding ``<script>`` or ``<img onerror=...>`` shows as text.
The only markup is produced here, from fixed strings.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
import unicodedata
from pathlib import Path

UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_NAME_CHARS = 120  # of the stem, before the extension
CONTEXT_CHARS = 700  # of the passage shown on each side of the highlighted quote
_MARKER = re.compile(r"\[(\d{1,3})\]")
# Letters kept in upload names: ASCII letters/digits/._- and CJK (Han, kana, Hangul, compatibility forms).
_NAME_OK = re.compile(r"[A-Za-z0-9._\-\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                      r"\U00020000-\U0002fa1f]")


def esc(value) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes).

    Args:
        value: anything; None becomes "".

    Returns:
        The escaped text.
    """
    return html.escape("" if value is None else str(value), quote=True)


# ---- upload file names -------------------------------------------------------------------------
class UploadRefused(ValueError):
    """An uploaded file cannot be accepted; the message is the one-line reason."""


def safe_filename(name: str) -> str:
    """A file name that is safe to create inside the corpus folder.

    Directories are stripped (both ``/`` and ``\\``), NUL and control characters removed,
    characters other than ``[A-Za-z0-9._-]`` and CJK become ``_``, ``..`` and leading dots
    or dashes go away; the extension is kept (lower-cased) and must be a supported one.

    Args:
        name: the name the browser sent.

    Returns:
        The sanitised name, e.g. ``"my_report.md"``.

    Raises:
        UploadRefused: the extension is not .md, .markdown, .txt, .html, .htm or .pdf.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(c for c in name if c >= " " and c != "\x7f")
    name = re.split(r"[\\/]", name)[-1].strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = "." + suffix.strip().lower() if suffix.strip() else ""
    if suffix not in UPLOAD_SUFFIXES:
        shown = suffix if suffix and len(suffix) <= 12 and _all_ok(suffix) else "(none)" if not suffix else "(other)"
        raise UploadRefused(f"unsupported file type {shown}; upload .md, .txt, .html or .pdf files")
    stem = "".join(c if _NAME_OK.fullmatch(c) else "_" for c in stem)
    stem = re.sub(r"\.{2,}", ".", stem)
    stem = re.sub(r"_{2,}", "_", stem)
    stem = stem.strip("._- ")[:MAX_NAME_CHARS].rstrip("._- ")
    return (stem or "document") + suffix


def _all_ok(text: str) -> bool:
    return all(_NAME_OK.fullmatch(c) for c in text)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            block = fa.read(1 << 20)
            if block != fb.read(1 << 20):
                return False
            if not block:
                return True


def save_upload(source: Path, original_name: str, folder: Path, max_mb: float) -> tuple[Path, str]:
    """Copy an uploaded file into ``folder`` under a safe, new name.

    An existing file is never overwritten: the name gets ``-1``, ``-2`` ... (claimed with
    ``O_EXCL``, so two uploads at once cannot take the same name). A file with exactly the
    same bytes as an existing one is not copied again.

    Args:
        source: the temporary file Gradio wrote.
        original_name: the name the browser sent.
        folder: where uploads go (created if missing).
        max_mb: size limit in MB.

    Returns:
        ``(path, note)``: where the file is, and a note for the user ("" when nothing special).

    Raises:
        UploadRefused: bad extension, too large, empty, or not readable.
    """
    name = safe_filename(original_name)
    try:
        size = source.stat().st_size
    except OSError as err:
        raise UploadRefused(f"cannot read the uploaded file ({err.strerror or err})") from None
    if size > max_mb * 1024 * 1024:
        raise UploadRefused(f"file is {size / 1048576:.1f} MB, above the {max_mb:g} MB limit (RAG_MAX_FILE_MB)")
    if size == 0:
        raise UploadRefused("empty file")
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = name[: -len(Path(name).suffix)], Path(name).suffix
    for i in range(0, 1000):
        candidate = folder / (name if i == 0 else f"{stem}-{i}{suffix}")
        if candidate.exists():
            try:
                if _same_bytes(source, candidate):
                    return candidate, f"identical to the existing {candidate.name}; not copied again"
            except OSError:
                pass
            continue
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out)
        except OSError as err:
            candidate.unlink(missing_ok=True)
            raise UploadRefused(f"cannot save the file ({err.strerror or err})") from None
        note = "" if i == 0 else f"a file named {name} already exists; saved as {candidate.name}"
        return candidate, note
    raise UploadRefused(f"too many files named like {name}; rename it")


# ---- answers -----------------------------------------------------------------------------------
def marker_link(turn: int, n: int, prefix: str = "src") -> str:
    """The ``[n]`` marker as a link to its source card.

    Args:
        turn: the conversation turn (source ids are unique per turn).
        n: the evidence number.
        prefix: ``src`` for cited sources, ``close`` for a refusal's closest passages.

    Returns:
        The ``<a class="rag-cite">`` element.
    """
    return (f'<a class="rag-cite" href="#{prefix}-{turn}-{n}" title="show source {n}">'
            f"[{n}]</a>")


def _linkify(escaped: str, turn: int, numbers) -> str:
    """Turn ``[n]`` in already-escaped text into links (only for known source numbers)."""
    numbers = set(numbers)
    return _MARKER.sub(lambda m: marker_link(turn, int(m.group(1))) if int(m.group(1)) in numbers else m.group(0),
                       escaped)


def text_html(text: str, turn: int, numbers) -> str:
    """Answer text as HTML: lines starting with ``- `` become a list, other lines a paragraph
    each; ``[n]`` markers of known sources become links; everything else is escaped.

    Args:
        text: answer text, e.g. ``"lead line\n- point [1]\n- point [2]"``.
        turn: the conversation turn.
        numbers: the source numbers that exist (other markers stay text).

    Returns:
        HTML.
    """
    parts: list[str] = []
    points: list[str] = []
    for line in text.split("\n"):
        if line.startswith("- "):
            points.append(f"<li>{_linkify(esc(line[2:]), turn, numbers)}</li>")
            continue
        if points:
            parts.append(f'<ul class="rag-points">{"".join(points)}</ul>')
            points = []
        if line.strip():
            parts.append(f'<div class="rag-line">{_linkify(esc(line), turn, numbers)}</div>')
    if points:
        parts.append(f'<ul class="rag-points">{"".join(points)}</ul>')
    return "".join(parts)


def streaming_html(text: str, turn: int, numbers, note: str = "") -> str:
    """The answer while it is being written: escaped, markers linked, a cursor at the end.

    Args:
        text: the text so far.
        turn: the conversation turn.
        numbers: the source numbers shown in the Sources panel.
        note: a one-line note above the text (why the sources were replaced).

    Returns:
        HTML.
    """
    shown = f'<div class="rag-notice">note: {esc(note)}</div>' if note else ""
    return (f'<div class="rag-answer rag-streaming">{shown}{text_html(text, turn, numbers)}'
            '<span class="rag-cursor">\u258d</span></div>')


def status_html(text: str, kind: str = "info") -> str:
    """A one-line message inside the chat (warming up, errors).

    Args:
        text: the message (escaped here).
        kind: info, warn or error.

    Returns:
        HTML.
    """
    kind = kind if kind in ("info", "warn", "error") else "info"
    return f'<div class="rag-msg rag-msg-{kind}">{esc(text)}</div>'


def status_line(kind: str, text: str) -> str:
    """The status line above the tabs.

    Args:
        kind: warming, ready, noindex or error (its CSS class).
        text: the line (escaped here).

    Returns:
        HTML.
    """
    return f'<div class="rag-status {esc(kind)}" role="status">{esc(text)}</div>'


def question_html(question: str) -> str:
    """The user's message, escaped, line breaks kept.

    Args:
        question: the question as typed.

    Returns:
        HTML.
    """
    return f'<div class="rag-question">{esc(question)}</div>'


def _sentence_html(sentence, turn: int) -> str:
    text = esc(sentence.text)
    if not sentence.verified:
        return (f'<span class="rag-unverified" title="not supported by the cited sources">'
                f'<span class="rag-badge">unverified</span> {text}</span>')
    links = "".join(marker_link(turn, n) for n in sentence.citations)
    if links and text and text[-1] in ".!?\u3002\uff01\uff1f":
        return f"{text[:-1]} {links}{text[-1]}"
    return f"{text} {links}".strip()


def answer_html(answer, turn: int) -> str:
    """The final answer: verified sentences with linked markers, unverified ones marked.

    A factoid is prose; an explanation is its lead line above a list of points, one cited
    sentence each; a refusal says so and links the closest passages. Notices follow as small notes.

    Args:
        answer: a :class:`rag.types.Answer`.
        turn: the conversation turn (makes source ids unique across turns).

    Returns:
        HTML.
    """
    notes = "".join(f'<div class="rag-notice">note: {esc(n)}</div>' for n in answer.notices)
    if answer.refused:
        closest = ""
        if answer.closest:
            links = ", ".join(f'<a class="rag-cite" href="#close-{turn}-{i}">{esc(e.title or e.doc_id)}</a>'
                              for i, e in enumerate(answer.closest, 1))
            closest = f'<div class="rag-closest-links">Closest passages: {links}</div>'
        return (f'<div class="rag-answer rag-refusal"><div class="rag-refusal-label">Not answered by the documents'
                f'</div><div>{esc(answer.text)}</div>{closest}{notes}</div>')
    if not answer.sentences:
        body = text_html(answer.text, turn, [e.n for e in answer.citations])
    elif answer.kind == "explanation":
        lead = f'<div class="rag-lead">{esc(answer.lead)}</div>' if answer.lead else ""
        points = "".join(f"<li>{_sentence_html(s, turn)}</li>" for s in answer.sentences)
        body = f'{lead}<ul class="rag-points">{points}</ul>'
    else:
        lead = f'<div class="rag-lead">{esc(answer.lead)}</div>' if answer.lead else ""
        body = lead + " ".join(_sentence_html(s, turn) for s in answer.sentences)
    hidden = sum(1 for s in answer.sentences if not s.verified)
    legend = ""
    if hidden:
        legend = (f'<div class="rag-notice">{hidden} sentence(s) marked <span class="rag-badge">unverified</span> '
                  "are not supported by the sources and are not part of the answer.</div>")
    mode = re.sub(r"[^a-z]", "", str(answer.mode).lower())
    kind = re.sub(r"[^a-z]", "", str(answer.kind).lower())
    return f'<div class="rag-answer rag-mode-{mode} rag-kind-{kind}">{body}{legend}{notes}</div>'


def passage_html(evidence) -> str:
    """The passage (whole chunk) with the quoted sentence inside ``<mark>``.

    Args:
        evidence: a :class:`rag.types.Evidence`; its offsets place the quote, a search is the fallback.

    Returns:
        A ``<blockquote>``, clipped to ``CONTEXT_CHARS`` on each side of the quote.
    """
    passage, quote = evidence.passage or "", evidence.quote or ""
    offset = evidence.start - evidence.passage_start
    if not (0 <= offset and passage[offset:offset + len(quote)] == quote):
        offset = passage.find(quote) if quote else -1
    if offset < 0 or not quote:
        return (f'<blockquote class="rag-passage"><mark>{esc(quote)}</mark></blockquote>'
                + (f'<blockquote class="rag-passage">{esc(passage.strip())}</blockquote>' if passage else ""))
    before, after = _clip_before(passage[:offset].lstrip()), _clip_after(passage[offset + len(quote):].rstrip())
    return (f'<blockquote class="rag-passage">{esc(before)}<mark>{esc(quote)}</mark>{esc(after)}</blockquote>')


def _clip_before(text: str, limit: int = CONTEXT_CHARS) -> str:
    """The end of the text before a quote, at most ``limit`` characters, cut at a space."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "\u2026" + (cut[space + 1:] if 0 <= space < 80 else cut)


def _clip_after(text: str, limit: int = CONTEXT_CHARS) -> str:
    """The start of the text after a quote, at most ``limit`` characters, cut at a space."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - 80 else cut) + "\u2026"


def where_label(evidence) -> str:
    """Section and page of a piece of evidence.

    Args:
        evidence: a :class:`rag.types.Evidence`.

    Returns:
        Plain text, e.g. ``"Founding · page 3"`` ("" when neither is known).
    """
    parts = []
    if evidence.section and evidence.section != evidence.title:
        parts.append(evidence.section)
    if evidence.page:
        parts.append(f"page {evidence.page}")
    return " \u00b7 ".join(parts)


def source_card(evidence, element_id: str, label: str) -> str:
    """One source: number, document title, section or page, the passage with the quote marked.

    Args:
        evidence: a :class:`rag.types.Evidence`.
        element_id: the card's id, which ``[n]`` links point to.
        label: shown before the title (``[n]``, or ``~`` for a closest passage).

    Returns:
        HTML.
    """
    where = where_label(evidence)
    return (f'<div class="rag-source" id="{esc(element_id)}">'
            f'<div class="rag-source-head"><span class="rag-n">{esc(label)}</span> '
            f'<span class="rag-title">{esc(evidence.title or evidence.doc_id)}</span></div>'
            + (f'<div class="rag-where">{esc(where)}</div>' if where else "")
            + f'<div class="rag-doc">{esc(evidence.doc_id)}</div>'
            + passage_html(evidence) + "</div>")


def turn_sources_html(turn: dict) -> str:
    """The sources of one turn.

    Args:
        turn: ``{"turn", "question", "citations", "closest", "refused", "pending"}``.

    Returns:
        HTML: the cited cards, a refusal's closest passages, or a note.
    """
    n = turn["turn"]
    if turn.get("refused"):
        cards = "".join(source_card(e, f"close-{n}-{i}", "~") for i, e in enumerate(turn.get("closest") or (), 1))
        head = '<div class="rag-sources-note">The documents do not answer this. Closest passages:</div>'
        return head + (cards or '<div class="rag-empty">No passages came close.</div>')
    citations = turn.get("citations") or ()
    if not citations:
        return '<div class="rag-empty">No sources.</div>' if not turn.get("pending") else \
            '<div class="rag-empty">Looking for passages\u2026</div>'
    note = '<div class="rag-sources-note">Retrieved; the answer is being written\u2026</div>' if turn.get("pending") \
        else ""
    return note + "".join(source_card(e, f"src-{n}-{e.n}", f"[{e.n}]") for e in citations)


def sources_html(turns: list[dict]) -> str:
    """The Sources panel: the latest turn open, earlier turns folded (newest first).

    Args:
        turns: one dict per turn (see :func:`turn_sources_html`).

    Returns:
        HTML.
    """
    if not turns:
        return ('<div class="rag-sources"><div class="rag-empty">Ask a question: the passages the answer cites '
                "appear here, with the supporting sentence highlighted.</div></div>")
    latest, earlier = turns[-1], turns[-2::-1]
    parts = [f'<div class="rag-sources"><div class="rag-turn rag-latest" data-turn="{latest["turn"]}">'
             f'<div class="rag-turn-q">{esc(latest["question"])}</div>{turn_sources_html(latest)}</div>']
    for turn in earlier:
        parts.append(f'<details class="rag-turn" data-turn="{turn["turn"]}"><summary>{esc(turn["question"])}'
                     f"</summary>{turn_sources_html(turn)}</details>")
    parts.append("</div>")
    return "".join(parts)


# ---- documents ---------------------------------------------------------------------------------
def documents_html(entries: dict, chunk_total: int | None = None) -> str:
    """The indexed documents as an HTML table (every cell escaped).

    Args:
        entries: ``{doc_id: LedgerEntry}`` from ``store.ledger_entries()``.
        chunk_total: chunks in the index (shown in the caption when given).

    Returns:
        HTML.
    """
    if not entries:
        return '<div class="rag-empty">No documents are indexed yet.</div>'
    rows = []
    for doc_id, e in sorted(entries.items()):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.ingested_at)) if e.ingested_at else ""
        state = "" if e.complete else ' <span class="rag-badge">unfinished</span>'
        rows.append(f"<tr><td>{esc(e.title)}{state}</td><td><code>{esc(doc_id)}</code></td>"
                    f'<td class="rag-num">{int(e.chunks)}</td><td>{esc(when)}</td></tr>')
    total = sum(1 for e in entries.values() if e.complete)
    caption = f"{total} document(s)" + (f", {chunk_total} chunks" if chunk_total is not None else "")
    return (f'<table class="rag-docs"><caption>{esc(caption)}</caption><thead><tr><th>Title</th><th>Document</th>'
            f'<th>Chunks</th><th>Ingested</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def results_html(rows: list[tuple[str, str, str]]) -> str:
    """Per-file outcomes of an upload, ingest or removal.

    Args:
        rows: ``(name, status, detail)``; failed, refused and error show as bad.

    Returns:
        HTML ("" for no rows).
    """
    if not rows:
        return ""
    items = []
    for name, status, detail in rows:
        bad = status in ("failed", "refused", "error")
        items.append(f'<li class="{"rag-bad" if bad else "rag-ok"}"><b>{esc(name)}</b>: {esc(status)}'
                     + (f" \u2014 {esc(detail)}" if detail else "") + "</li>")
    return f'<ul class="rag-results">{"".join(items)}</ul>'


# ---- settings ----------------------------------------------------------------------------------
BUNDLED_LLM_LABEL = "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (bundled GGUF, llama.cpp)"


def llm_label(settings, mode: str) -> str:
    """Which language model a concrete mode uses, as plain text.

    Args:
        settings: program settings.
        mode: extractive, local or openai.

    Returns:
        e.g. ``"model at http://host/v1 (OpenAI-compatible server)"``.
    """
    if mode == "local":
        return f"{settings.llm_gguf} (llama.cpp)" if settings.llm_gguf else BUNDLED_LLM_LABEL
    if mode == "openai":
        return f"{settings.llm_model} at {settings.llm_base_url} (OpenAI-compatible server)"
    return "none: extractive answers quote the documents"


def settings_info_html(settings, mode: str | None) -> str:
    """The models, store and folders in use, as a table (escaped).

    Args:
        settings: program settings.
        mode: the mode chosen on the page (``auto`` or a concrete one).

    Returns:
        HTML.
    """
    from rag.embeddings import resolve_model
    from rag.errors import RagError
    from rag.modes import available_modes, resolve_mode

    try:
        concrete, note = resolve_mode(settings, mode), ""
    except RagError as err:
        concrete, note = "extractive", str(err)
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


# ---- feedback ----------------------------------------------------------------------------------
def feedback_record(rating: str, turn: dict) -> dict:
    """One line of ``feedback.jsonl``.

    Args:
        rating: "up" or "down".
        turn: the rated turn (its ``question`` and ``answer``, the ``rag ask --json`` object).

    Returns:
        The record: time, rating, question, answer, refused, mode, citations.
    """
    answer = turn.get("answer") or {}
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "rating": rating, "question": turn.get("question", ""),
            "answer": answer.get("answer", ""), "refused": answer.get("refused", False),
            "mode": answer.get("mode", ""), "citations": answer.get("citations", [])}


def append_jsonl(path: Path, record: dict) -> None:
    """Append one JSON line (one ``write`` call on an O_APPEND file, so lines never interleave).

    Args:
        path: the file (created with its folder when missing).
        record: a JSON-serialisable dict.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
