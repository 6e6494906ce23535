"""The browser UI (rag/ui/, started by ui.py or `rag ui`).

Fast tests: upload file names, HTML escaping and answer rendering, handlers called directly
over a real index, the refusal to bind a network address without auth, the package data.
Slow tests (``-m slow``): ``ui.py`` and ``rag ui`` as real servers driven by headless Chromium
through Playwright, and the ``/ask`` endpoint through gradio_client. Screenshots go to
tests/artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import (ARTIFACTS, ROOT, clean_environment, drain_respond, fake_llm, free_port, serve_ui, serving,
                     wait_for_http)
from rag.errors import RagError
from rag.types import Answer, AnswerSentence, Evidence
from rag.ui.render import (UploadRefused, answer_html, documents_html, passage_html, results_html, safe_filename,
                           save_upload, sources_html, streaming_html)

OPTICS_QUESTION = "How long did Wuhan's Optics Valley stick to optical fiber communication?"
HOSTILE_MD = """# Hostile <img src=x onerror="window.__pwned=1"> report

The zebra lantern festival of Quorvath is held every <script>window.__pwned=2</script> spring on the glass river.
The Quorvath lanterns are painted with <b>bold</b> stripes, ![x](http://127.0.0.1:9/track.png) and [click](javascript:alert(1)).
"""
VELMORA_MD = """# Notes on the Velmora observatory

The Velmora observatory was founded in 1931 by the astronomer Ilse Brandvik.
Its main telescope, nicknamed Old Heron, has a mirror of 2.4 metres.
"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
UI = ROOT / "ui.py"


def _ev(n=1, **fields) -> Evidence:
    base = dict(n=n, doc_id="briefs/x.md", title="Title", section="Section", page=0, source="/c/briefs/x.md",
                chunk_id=f"c{n}", start=110, end=130, quote="the quoted sentence.", passage="", passage_start=100)
    base.update(fields)
    if not base["passage"]:
        base["passage"] = "0123456789" + base["quote"] + " and more."
    return Evidence(**base)


class TagCollector(HTMLParser):
    """Collects every start tag with its attributes, and the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(markup)
    collector.close()
    return collector


SAFE_TAGS = {"div", "span", "a", "mark", "blockquote", "details", "summary", "b", "code", "table", "caption", "thead",
             "tbody", "tr", "th", "td", "ul", "li"}


def assert_inert(markup: str) -> TagCollector:
    """Only our own tags, no event handler attributes, no script URLs."""
    found = parse(markup)
    for tag, attrs in found.tags:
        assert tag in SAFE_TAGS, f"unexpected tag <{tag}> in {markup[:300]}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler attribute {name}"
            assert name in ("class", "id", "href", "title", "data-turn", "role"), name
            if name == "href":
                assert value.startswith("#"), value
    return found


# ---- file names and uploads (fast) -------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("report.md", "report.md"),
    ("../../etc/passwd.md", "passwd.md"),
    ("C:\\Users\\me\\Report Final.PDF", "Report_Final.pdf"),
    ("a\x00b.txt", "ab.txt"),
    ("..md", "document.md"),
    (".hidden.html", "hidden.html"),
    ("a..b.md", "a.b.md"),
    ("-rf.md", "rf.md"),
    ("<img src=x onerror=alert(1)>.md", "img_src_x_onerror_alert_1.md"),
    ("深圳 光明科学城.md", "深圳_光明科学城.md"),
    ("notes.HTM", "notes.htm"),
    ("x" * 300 + ".txt", "x" * 120 + ".txt"),
])
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


@pytest.mark.parametrize("raw", ["evil.exe", "archive.tar.gz", "noextension", "x.md.sh", "", "../../.bashrc"])
def test_safe_filename_refuses_other_types(raw):
    with pytest.raises(UploadRefused, match="unsupported file type"):
        safe_filename(raw)


def test_save_upload_never_overwrites(tmp_path):
    folder = tmp_path / "uploads"
    first = tmp_path / "a.md"
    first.write_text("# A\n\nfirst version\n")
    other = tmp_path / "b.md"
    other.write_text("# A\n\nanother text\n")
    path1, note1 = save_upload(first, "notes.md", folder, 1)
    assert path1 == folder / "notes.md" and note1 == ""
    path2, note2 = save_upload(other, "notes.md", folder, 1)
    assert path2 == folder / "notes-1.md" and "already exists" in note2
    assert path1.read_text() == "# A\n\nfirst version\n"  # untouched
    path3, note3 = save_upload(first, "../notes.md", folder, 1)
    assert path3 == path1 and "identical" in note3
    assert sorted(p.name for p in folder.iterdir()) == ["notes-1.md", "notes.md"]


def test_save_upload_limits(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadRefused, match="above the 1 MB limit"):
        save_upload(big, "big.md", tmp_path / "uploads", 1)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(UploadRefused, match="empty"):
        save_upload(empty, "empty.md", tmp_path / "uploads", 1)
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


# ---- HTML rendering (fast) ---------------------------------------------------------------------
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"\' & [1](javascript:x)'


def test_sources_escape_everything():
    quote = f"Quote {HOSTILE} end."
    ev = _ev(1, title=f"T {HOSTILE}", section=f"S {HOSTILE}", doc_id=f"d{HOSTILE}.md", quote=quote,
             passage=f"Before {HOSTILE}. {quote} After {HOSTILE}.", passage_start=0)
    ev = Evidence(**{**ev.__dict__, "start": ev.passage.index(quote), "end": ev.passage.index(quote) + len(quote)})
    turns = [{"turn": 1, "question": f"Q {HOSTILE}", "citations": (ev,), "refused": False},
             {"turn": 2, "question": f"Q2 {HOSTILE}", "citations": (), "closest": (ev,), "refused": True}]
    markup = sources_html(turns)
    found = assert_inert(markup)
    text = "".join(found.text)
    assert "<script>window.__pwned=1</script>" in text  # shown as text
    assert '<img src=x onerror="window.__pwned=2">' in text
    ids = [attrs.get("id") for _, attrs in found.tags if attrs.get("id")]
    assert ids == ["close-2-1", "src-1-1"]  # latest turn first, ids unique per turn


def test_answer_links_markers_and_marks_unverified():
    ev1, ev2 = _ev(1), _ev(2, quote="second <b>claim</b>.")
    answer = Answer("q", "q", "The quoted sentence [1]. Second claim [2].", False, "local", (ev1, ev2),
                    (AnswerSentence("The quoted sentence.", (1,), True),
                     AnswerSentence("Second <b>claim</b>.", (2,), True),
                     AnswerSentence("Invented <img src=x onerror=alert(1)> fact.", (1,), False)),
                    notices=("a <notice>",))
    markup = answer_html(answer, 3)
    found = assert_inert(markup)
    hrefs = [attrs["href"] for tag, attrs in found.tags if tag == "a"]
    assert hrefs == ["#src-3-1", "#src-3-2"]
    assert 'class="rag-unverified"' in markup and "unverified" in "".join(found.text)
    assert "Invented <img src=x onerror=alert(1)> fact." in "".join(found.text)
    assert "Second <b>claim</b> [2]." in "".join(found.text)


def test_refusal_is_marked_with_closest_passages():
    answer = Answer("q", "q", "The documents don't say how to answer that.", True, "extractive", (), (),
                    closest=(_ev(1, title="Near <b>miss</b>"),))
    markup = answer_html(answer, 1)
    found = assert_inert(markup)
    assert "rag-refusal" in markup and "Not answered by the documents" in "".join(found.text)
    assert [a["href"] for t, a in found.tags if t == "a"] == ["#close-1-1"]
    panel = sources_html([{"turn": 1, "question": "q", "citations": (), "closest": answer.closest, "refused": True}])
    assert 'id="close-1-1"' in panel and "Near &lt;b&gt;miss&lt;/b&gt;" in panel


def test_streaming_html_links_only_known_markers():
    markup = streaming_html("A [1] B [7] <script>x</script>", 2, [1])
    found = assert_inert(markup)
    assert [a["href"] for t, a in found.tags if t == "a"] == ["#src-2-1"]
    assert "[7]" in "".join(found.text) and "<script>x</script>" in "".join(found.text)


def test_explanation_is_a_lead_and_a_list_of_cited_points():
    ev = (_ev(1, quote="Talent stayed in Hangzhou."), _ev(2, quote="Alibaba trained <engineers>."))
    answer = Answer("Why?", "Why?", "The documents give 2 reasons:\n- Talent stayed in Hangzhou. [1]\n"
                    "- Alibaba trained <engineers>. [2]", False, "extractive", ev,
                    (AnswerSentence("Talent stayed in Hangzhou.", (1,), True),
                     AnswerSentence("Alibaba trained <engineers>.", (2,), True)),
                    notices=("来源为英文，下面引用原文。",), kind="explanation", lead="The documents give 2 reasons:")
    markup = answer_html(answer, 4)
    found = assert_inert(markup)
    assert re.search(r'<div class="rag-lead">The documents give 2 reasons:</div><ul class="rag-points">'
                     r"<li>Talent stayed in Hangzhou <a [^>]+>\[1\]</a>\.</li><li>Alibaba trained &lt;engineers&gt; "
                     r"<a [^>]+>\[2\]</a>\.</li></ul>", markup), markup
    assert [a["href"] for t, a in found.tags if t == "a"] == ["#src-4-1", "#src-4-2"]
    assert 'class="rag-answer rag-mode-extractive rag-kind-explanation"' in markup
    assert '<div class="rag-notice">note: 来源为英文，下面引用原文。</div>' in markup
    factoid = answer_html(Answer("q", "q", "Talent stayed in Hangzhou. [1]", False, "extractive", ev[:1],
                                 (AnswerSentence("Talent stayed in Hangzhou.", (1,), True),)), 4)
    assert "<ul" not in factoid and "<li" not in factoid


def test_streamed_explanation_shows_its_points_as_they_come():
    markup = streaming_html("The documents give 2 reasons:\n- First [1]\n- Sec", 1, [1, 2], note="LLM down")
    found = assert_inert(markup)
    assert [t for t, _ in found.tags].count("li") == 2
    assert '<div class="rag-line">The documents give 2 reasons:</div><ul class="rag-points"><li>First <a' in markup
    assert '<div class="rag-notice">note: LLM down</div>' in markup


def test_passage_highlight_uses_the_offsets():
    passage = "It rose. Then it rose. End."
    ev = _ev(1, quote="it rose.", passage=passage, passage_start=1000, start=1000 + passage.rindex("it rose."),
             end=1000 + len(passage) - 5)
    assert passage_html(ev) == '<blockquote class="rag-passage">It rose. Then <mark>it rose.</mark> End.</blockquote>'
    moved = _ev(1, quote="Then it", passage=passage, passage_start=0, start=999, end=1006)  # offsets off: search
    assert "<mark>Then it</mark>" in passage_html(moved)


def test_documents_and_results_escape():
    entry = SimpleNamespace(title="<img src=x onerror=alert(1)>", chunks=3, ingested_at=0, complete=True)
    markup = documents_html({"uploads/<b>x</b>.md": entry}, 3)
    found = assert_inert(markup)
    assert "<img src=x onerror=alert(1)>" in "".join(found.text)
    found = assert_inert(results_html([("<script>a</script>.md", "refused", "bad <i>type</i>")]))
    assert "<script>a</script>.md" in "".join(found.text)


# ---- command line (fast) -----------------------------------------------------------------------
def test_network_address_needs_auth_or_insecure(tmp_path):
    result = subprocess.run([sys.executable, str(UI), "--host", "0.0.0.0", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60,
                            env=clean_environment(RAG_DATA_DIR=str(tmp_path / "data")))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "RAG_UI_AUTH" in result.stderr and "--insecure" in result.stderr
    assert "gradio" not in result.stderr.lower() and not (tmp_path / "data").exists()  # refused before anything started


def test_bad_auth_value_refused(tmp_path):
    result = subprocess.run([sys.executable, str(UI), "--port", str(free_port())], capture_output=True, text=True,
                            timeout=60, env=clean_environment(RAG_DATA_DIR=str(tmp_path / "data"), RAG_UI_AUTH="nopassword"))
    assert result.returncode == 2 and "user:password" in result.stderr


def test_loopback_and_auth_parsing():
    from rag.ui.app import is_loopback, parse_auth

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert parse_auth("") is None
    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")
    with pytest.raises(RagError, match="user:password"):
        parse_auth("ann")


def test_installed_package_has_the_ui(tmp_path):
    """A wheel built from pyproject.toml holds rag.ui and its static files, so an installed
    rag-cite can serve the page (`rag ui`)."""
    import shutil

    source = tmp_path / "source"
    shutil.copytree(ROOT / "rag", source / "rag", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-q", str(source), "-w", str(tmp_path / "dist")], capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("rag_cite-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        css = archive.read("rag/ui/static/style.css").decode()
        scripts = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {"rag/ui/__init__.py", "rag/ui/app.py", "rag/ui/handlers.py", "rag/ui/render.py",
            "rag/ui/static/app.js"} <= names
    assert css == (ROOT / "rag" / "ui" / "static" / "style.css").read_text() and "Noto Sans CJK SC" in css
    assert "rag = rag.cli:main" in scripts


# ---- handlers without a browser ----------------------------------------------------------------
def _chat_ui(settings):
    from rag.ui import ChatUI

    chat_ui = ChatUI(settings)
    chat_ui.warmup.start()
    assert chat_ui.warmup.ready.wait(300)
    return chat_ui


def test_respond_answers_with_linked_sources_and_feedback(corpus_index, tmp_path):
    settings = corpus_index.replace(mode="extractive", data_dir=corpus_index.data_dir)
    chat_ui = _chat_ui(settings)
    assert chat_ui.warmup.phase == "ready"
    _, chat, history, turns, sources = drain_respond(chat_ui.respond(OPTICS_QUESTION, [], [], [], "extractive", 5))
    final = chat[-1]["content"]
    assert "rag-answer" in final and ("twenty" in final or "20" in final)
    assert 'href="#src-1-1"' in final
    assert 'id="src-1-1"' in sources and "<mark>" in sources and "Optics Valley" in sources
    assert [m["role"] for m in history] == ["user", "assistant"] and "[1]" in history[1]["content"]
    # a follow-up uses the history
    _, chat, history, turns, sources = drain_respond(
        chat_ui.respond("When was its first optical fibre produced?", chat, history, turns, "extractive", 5))
    assert "1976" in chat[-1]["content"] and 'href="#src-2-1"' in chat[-1]["content"]
    assert "<details" in sources and 'id="src-1-1"' in sources  # the earlier turn stays reachable
    # thumbs up on the first answer
    feedback = settings.data_dir / "feedback.jsonl"
    before = feedback.read_text().count("\n") if feedback.exists() else 0
    chat_ui.feedback(turns, SimpleNamespace(index=turns[0]["msg_index"], liked=True, value=None))
    chat_ui.feedback(turns, SimpleNamespace(index=0, liked=False, value=None))  # a question: not rated
    lines = feedback.read_text().splitlines()
    assert len(lines) == before + 1
    record = json.loads(lines[-1])
    assert record["rating"] == "up" and record["question"] == OPTICS_QUESTION
    assert record["answer"] == turns[0]["answer"]["answer"] and record["citations"][0]["quote"]


def test_respond_never_shows_a_traceback(corpus_index, monkeypatch):
    chat_ui = _chat_ui(corpus_index.replace(mode="extractive"))

    def broken(*args, **kwargs):
        raise ValueError("boom\nTraceback (most recent call last): secret")
        yield  # pragma: no cover

    monkeypatch.setattr(chat_ui.assistant, "stream", broken)
    _, chat, history, turns, _ = drain_respond(chat_ui.respond("anything", [], [], [], "extractive", 5))
    message = chat[-1]["content"]
    assert "unexpected error while answering (ValueError)" in message and "Traceback" not in message
    assert history == [] and turns == []
    message = "the store at <x> is not reachable: run `rag ingest` first"

    def refused(*args, **kwargs):
        raise RagError(message)
        yield  # pragma: no cover

    monkeypatch.setattr(chat_ui.assistant, "stream", refused)
    _, chat, _, _, _ = drain_respond(chat_ui.respond("anything", [], [], [], "extractive", 5))
    assert chat[-1]["content"] == \
        '<div class="rag-msg rag-msg-error">error: the store at &lt;x&gt; is not reachable: run `rag ingest` first</div>'
    monkeypatch.undo()
    _, chat, _, _, _ = drain_respond(chat_ui.respond("Question?", [], [], [], "no-such-mode", 5))
    assert "rag-msg-error" in chat[-1]["content"] and "unknown mode" in chat[-1]["content"]


def test_llm_failing_mid_answer_replaces_text_and_sources(corpus_index):
    """A real Assistant in openai mode over a server that trickles words until the answer times out:
    the streamed words are dropped, the sources are replaced, and the extractive answer is final."""
    import langchain_openai  # noqa: F401  (imported now, so that the answer's time limit is spent streaming)

    with fake_llm("trickle", delay=0.1) as llm:
        settings = corpus_index.replace(mode="openai", llm_base_url=llm.url, llm_model="fake-model", llm_timeout=3.0)
        chat_ui = _chat_ui(settings)
        steps, contents = [], []  # the answer bubble at each step (the chat list is updated in place)
        for values in chat_ui.respond(OPTICS_QUESTION, [], [], [], "openai", 5):
            steps.append(values)
            contents.append(values[1][-1]["content"])
    dropped = [i for i, c in enumerate(contents) if "rag-streaming" in c and "forty-two" in c]
    assert dropped, contents  # the model's words were shown while it streamed
    replaced = [i for i, c in enumerate(contents) if "rag-streaming" in c and "note:" in c and "timed out" in c]
    assert replaced and replaced[0] > dropped[-1], contents
    assert all("forty-two" not in c for c in contents[replaced[0]:])  # its words are gone
    panels = [values[4] for values in steps if isinstance(values[4], str)]
    assert len(panels) >= 3  # sources, replaced sources, final sources
    final = contents[-1]
    assert "rag-mode-extractive" in final and "showing the extractive answer" in final
    assert "twenty" in final or "20" in final
    assert 'href="#src-1-1"' in final and 'id="src-1-1"' in panels[-1] and "Optics Valley" in panels[-1]
    assert isinstance(steps[-1][3], list) and steps[-1][3][-1]["answer"]["mode"] == "extractive"


def test_no_index_then_ingest_upload_and_remove(make_settings, tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "velmora.md").write_text(VELMORA_MD)
    settings = make_settings(mode="extractive")
    chat_ui = _chat_ui(settings)
    assert chat_ui.warmup.phase == "noindex"
    _, chat, _, _, _ = drain_respond(chat_ui.respond("Who founded the Velmora observatory?", [], [], [], "extractive", 5))
    assert "Documents tab" in chat[-1]["content"] and "rag-msg-error" in chat[-1]["content"]
    assert "No documents are indexed yet" in chat_ui.status()[0]

    results, docs, _, status = chat_ui.ingest_corpus()
    assert "added 1" in results and "velmora.md" in docs and "Ready" in status
    _, chat, _, _, _ = drain_respond(chat_ui.respond("Who founded the Velmora observatory?", [], [], [], "extractive", 5))
    assert "Ilse Brandvik" in chat[-1]["content"]

    upload = tmp_path / "incoming"
    upload.mkdir()
    (upload / "lake notes.md").write_text("# Lake notes\n\nLake Orrin freezes every January since records began.\n")
    (upload / "tool.exe").write_bytes(b"MZ")
    results, docs, _, _, _ = chat_ui.upload([str(upload / "lake notes.md"), str(upload / "tool.exe")])
    assert "uploads/lake_notes.md" in results and "added" in results
    assert "tool.exe" in results and "refused" in results
    assert (corpus / "uploads" / "lake_notes.md").exists() and "uploads/lake_notes.md" in docs

    results, docs, _, _ = chat_ui.remove("uploads/lake_notes.md")
    assert "removed" in results and not (corpus / "uploads" / "lake_notes.md").exists()
    assert "lake_notes" not in docs
    results, _, _, _ = chat_ui.remove("not/there.md")
    assert "no document" in results


# ---- the real server and a real browser (slow) ---------------------------------------------------
@pytest.fixture(scope="module")
def ui_index(tmp_path_factory, embedder):
    """Settings of a fresh index of the corpus that the UI may change (uploads, removals)."""
    import shutil

    from rag.ingest import Ingester
    from rag.settings import Settings

    root = tmp_path_factory.mktemp("ui_index")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    settings = Settings.from_env(environ={}, data_dir=root / "data", corpus_dir=root / "corpus", mode="extractive")
    report = Ingester(settings, embedder=embedder).run()
    assert not report.failed, report.failed
    return settings


@contextlib.contextmanager
def running_ui(settings, *args, **env_extra):
    """``python ui.py`` over ``settings``'s index with a Gradio upload cache of its own; yields the
    server (``url``, ``log`` ...) with ``settings`` and ``cache`` (the cache folder)."""
    cache = Path(tempfile.mkdtemp(prefix="gradio_cache_"))
    with serve_ui(settings, *args, GRADIO_TEMP_DIR=cache, **env_extra) as server:
        yield SimpleNamespace(**vars(server), settings=settings, cache=cache)


@pytest.fixture(scope="module")
def ui_server(ui_index):
    """The UI over ``ui_index`` in extractive mode, with a 1 MB upload limit."""
    with running_ui(ui_index, RAG_MODE="extractive", RAG_MAX_FILE_MB="1") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def open_page(browser, url):
    """A fresh page on the UI, warmed up; fails on any JavaScript error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url)
    page.wait_for_selector(".rag-status.ready", timeout=120_000)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def page(browser, ui_server):
    with open_page(browser, ui_server.url) as page:
        yield page


def ask(page, question: str, count: int = 1) -> str:
    """Type a question, press Ask, wait for the count-th final answer; returns its text."""
    from playwright.sync_api import expect

    page.fill("#rag-question textarea", question)
    page.click("#rag-ask")
    final = page.locator("#rag-chat .rag-answer:not(.rag-streaming)")
    expect(final).to_have_count(count, timeout=120_000)
    return final.nth(count - 1).inner_text()


def upload(page, files: list) -> str:
    """Upload files on the Documents tab and add them to the index; returns the results text."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#rag-upload input[type=file]", files)
    expect(page.locator("#rag-upload a.download-link")).to_have_count(len(files), timeout=30_000)  # uploaded
    page.click("#rag-add")
    expect(page.locator("#rag-results li")).to_have_count(len(files), timeout=120_000)
    return page.inner_text("#rag-results")


@pytest.mark.slow
def test_ask_endpoint_returns_the_cli_json(ui_server):
    from gradio_client import Client

    client = Client(ui_server.url, verbose=False)
    result = client.predict(OPTICS_QUESTION, api_name="/ask")
    env = clean_environment(RAG_DATA_DIR=ui_server.settings.data_dir, RAG_CORPUS_DIR=ui_server.settings.corpus_dir,
               RAG_MODE="extractive")
    cli = subprocess.run([str(Path(sys.executable).with_name("rag")), "ask", OPTICS_QUESTION, "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    assert set(result) == set(expected)
    assert {k: v for k, v in result.items() if k != "timings_ms"} == \
        {k: v for k, v in expected.items() if k != "timings_ms"}
    assert set(result["timings_ms"]) == {"retrieve", "generate", "verify", "total"}
    assert "twenty" in result["answer"] or "20" in result["answer"]
    # optional mode and k, and one-line errors
    assert client.predict(OPTICS_QUESTION, "extractive", 3, api_name="/ask")["mode"] == "extractive"
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("   ", api_name="/ask")


@pytest.mark.slow
def test_browser_answer_cites_the_optics_valley_passage(page, ui_server):
    from playwright.sync_api import expect

    expect(page.locator("#rag-chat")).to_contain_text("Why did DeepSeek appear in Hangzhou?")  # examples offered
    answer = ask(page, OPTICS_QUESTION)
    assert "twenty" in answer or "20" in answer
    marker = page.locator("#rag-chat .rag-answer a.rag-cite").first
    expect(marker).to_have_text("[1]")
    marker.click()
    source = page.locator("#src-1-1")
    expect(source).to_be_in_viewport()
    expect(source).to_have_class("rag-source rag-active", timeout=5_000)
    expect(source).to_contain_text("Optics Valley")
    expect(source.locator("mark")).to_contain_text("optical fiber communication for twenty years")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_answer_sources.png"))

    # a follow-up question uses the conversation; the first turn's sources stay reachable
    follow = ask(page, "When was its first optical fibre produced?", 2)
    assert "1976" in follow
    page.locator("#rag-chat .rag-answer").nth(0).locator("a.rag-cite").first.click()
    expect(page.locator("#src-1-1")).to_be_in_viewport()

    # thumbs up on the first answer lands in feedback.jsonl
    feedback = ui_server.settings.data_dir / "feedback.jsonl"
    before = feedback.read_text().count("\n") if feedback.exists() else 0
    page.get_by_role("button", name="Like", exact=True).first.click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not feedback.exists() or feedback.read_text().count("\n") == before):
        time.sleep(0.2)
    record = json.loads(feedback.read_text().splitlines()[-1])
    assert record["rating"] == "up" and record["question"] == OPTICS_QUESTION and record["citations"]


@pytest.mark.slow
def test_browser_example_question(page):
    from playwright.sync_api import expect

    page.get_by_text("What did Hefei do to become an innovation hub?").click()
    final = page.locator("#rag-chat .rag-answer:not(.rag-streaming)")
    expect(final).to_have_count(1, timeout=120_000)
    assert "Hefei" in final.inner_text()
    expect(page.locator("#rag-sources .rag-source").first).to_be_visible()


@pytest.mark.slow
def test_browser_upload_then_ask(page, ui_server):
    from playwright.sync_api import expect

    results = upload(page, [{"name": "velmora observatory.md", "mimeType": "text/markdown",
                             "buffer": VELMORA_MD.encode()},
                            {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"},
                            {"name": "huge.md", "mimeType": "text/markdown",
                             "buffer": b"# Huge\n\n" + b"words and more words " * 60_000}])
    assert "uploads/velmora_observatory.md: added" in results
    assert "tool.exe: refused" in results and "unsupported file type .exe" in results
    assert "huge.md: refused" in results and "above the 1 MB limit" in results
    assert not (ui_server.settings.corpus_dir / "uploads" / "huge.md").exists()
    assert (ui_server.settings.corpus_dir / "uploads" / "velmora_observatory.md").read_text() == VELMORA_MD
    expect(page.locator("#rag-docs")).to_contain_text("uploads/velmora_observatory.md")
    expect(page.locator("#rag-status")).to_contain_text("Ready")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_documents.png"), full_page=True)

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "Who founded the Velmora observatory?")
    assert "Ilse Brandvik" in answer
    expect(page.locator("#src-1-1")).to_contain_text("uploads/velmora_observatory.md")
    page.screenshot(path=str(ARTIFACTS / "ui_uploaded_answer.png"))


@pytest.mark.slow
def test_browser_hostile_document_shows_as_text(page, ui_server):
    from playwright.sync_api import expect

    results = upload(page, [{"name": '<img src=x onerror="window.__pwned=3">.md', "mimeType": "text/markdown",
                             "buffer": HOSTILE_MD.encode()}])
    assert "added" in results
    expect(page.locator("#rag-docs")).to_contain_text('Hostile <img src=x onerror="window.__pwned=1"> report')
    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "When is the zebra lantern festival of Quorvath held?")
    assert "<script>window.__pwned=2</script>" in answer  # the markup is shown as text
    source = page.locator("#rag-sources .rag-source").first
    expect(source).to_contain_text('Hostile <img src=x onerror="window.__pwned=1"> report')
    expect(source).to_contain_text("![x](http://127.0.0.1:9/track.png)")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#rag-chat img, #rag-sources img, #rag-docs img, #rag-chat script, #rag-sources script"
                        ).count() == 0
    assert page.locator("#rag-chat a[href^='javascript'], #rag-sources a[href^='javascript']").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_hostile_document.png"))
    page.get_by_role("tab", name="Documents").click()
    assert page.evaluate("window.__pwned") is None


@pytest.mark.slow
def test_refused_uploads_leave_nothing_in_gradio_cache(page, ui_server):
    def cached():
        return {str(p.relative_to(ui_server.cache)) for p in ui_server.cache.rglob("*") if p.is_file()}

    before = cached()
    results = upload(page, [{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00ab"},
                            {"name": "fog.md", "mimeType": "text/markdown",
                             "buffer": b"# Fog\n\nThe Tarn valley fog lifts at noon in October.\n"}])
    assert "setup.exe: refused" in results and "uploads/fog.md: added" in results
    assert (ui_server.settings.corpus_dir / "uploads" / "fog.md").exists()
    assert not cached() - before, cached()  # neither the files nor anything else Gradio made on the way


def platform_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium drew the text of ``selector``'s first match with (not just what CSS asks for)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"nothing matches {selector}"
        return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                if f["glyphCount"]]
    finally:
        cdp.detach()


CJK_FONTS = ("Noto Sans CJK", "Noto Sans SC", "Source Han Sans", "PingFang", "Microsoft YaHei")


def assert_cjk_glyphs(page, selector: str) -> None:
    """The element's font stack names a CJK font, and Chromium drew its Chinese text with one."""
    family = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Noto Sans CJK SC" in family, family
    drawn = platform_fonts(page, selector)
    assert any(name in font for font in drawn for name in CJK_FONTS), f"{selector} drawn with {drawn}"


@pytest.mark.slow
def test_browser_chinese_question_renders(page):
    from playwright.sync_api import expect

    question = "武汉光谷坚守光纤通信多少年？"
    answer = ask(page, question)
    assert answer.strip()
    expect(page.locator("#rag-chat .rag-question")).to_have_text(question)
    expect(page.locator("#rag-sources .rag-turn-q")).to_have_text(question)
    assert_cjk_glyphs(page, "#rag-chat .rag-question")
    assert_cjk_glyphs(page, "#rag-sources .rag-turn-q")
    if re.search(r"[\u4e00-\u9fff]", answer):  # a Chinese answer, refusal or note
        final = "#rag-chat .rag-answer:not(.rag-streaming)"
        cjk = page.locator(f"{final} .rag-notice, {final} > div, {final} li, {final} span").filter(
            has_text=re.compile(r"[\u4e00-\u9fff]"))
        if cjk.count():
            cjk.first.evaluate("e => e.setAttribute('data-cjk', '1')")
            assert_cjk_glyphs(page, "[data-cjk]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_chinese_question.png"))


LANTERN_MD = """# 灯笼码头 notes

The Lanterne Quay debate, known in Chinese as 灯笼码头之争, began in March 2031 in the port of Velbay.
灯笼码头之争起源于一篇题为《为什么没有渡轮》的文章，作者批评了港口的交通规划。
"""


@pytest.mark.slow
def test_browser_chinese_passage_renders_in_sources(page, ui_server):
    from playwright.sync_api import expect

    results = upload(page, [{"name": "灯笼码头.md", "mimeType": "text/markdown", "buffer": LANTERN_MD.encode()}])
    assert "uploads/灯笼码头.md: added" in results
    page.get_by_role("tab", name="Chat").click()
    ask(page, "When did the Lanterne Quay debate begin in Velbay?")
    source = page.locator("#src-1-1")
    expect(source).to_contain_text("灯笼码头 notes")
    expect(source.locator("mark")).to_contain_text("灯笼码头之争, began in March 2031")
    expect(source.locator(".rag-passage")).to_contain_text("《为什么没有渡轮》")
    assert_cjk_glyphs(page, "#src-1-1 mark")
    assert_cjk_glyphs(page, "#src-1-1 .rag-title")
    assert_cjk_glyphs(page, "#src-1-1 .rag-passage")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_chinese_sources.png"))


@pytest.mark.slow
def test_browser_explanation_is_a_list_of_cited_points(page):
    from playwright.sync_api import expect

    ask(page, "Why did DeepSeek appear in Hangzhou?")
    final = page.locator("#rag-chat .rag-answer:not(.rag-streaming)")
    expect(final).to_have_class(re.compile(r"\brag-kind-explanation\b"))
    expect(final.locator(".rag-lead")).to_have_text(re.compile(r"^The documents give \d+ reasons:$"))
    points = final.locator("ul.rag-points > li")
    assert points.count() >= 2
    for i in range(points.count()):
        expect(points.nth(i).locator("a.rag-cite")).to_have_text(f"[{i + 1}]")
    points.nth(1).locator("a.rag-cite").click()
    expect(page.locator("#src-1-2")).to_have_class("rag-source rag-active", timeout=5_000)
    page.locator("#rag-chat .rag-question").evaluate("e => e.scrollIntoView({block: 'start'})")  # lead in view
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_explanation.png"))


@pytest.mark.slow
def test_browser_remove_document(page, ui_server):
    from playwright.sync_api import expect

    upload(page, [{"name": "ferry.md", "mimeType": "text/markdown",
                   "buffer": b"# Ferry timetable\n\nThe Tarn ferry leaves at 7:15 every weekday morning.\n"}])
    path = ui_server.settings.corpus_dir / "uploads" / "ferry.md"
    assert path.exists()
    page.get_by_text("Remove a document").click()
    page.click("#rag-remove-choice input")
    page.keyboard.type("uploads/ferry")
    page.get_by_role("option", name="uploads/ferry.md").click()
    page.click("#rag-remove")  # the confirm() dialog is accepted by the fixture
    expect(page.locator("#rag-results")).to_contain_text("uploads/ferry.md: removed", timeout=60_000)
    assert not path.exists()
    expect(page.locator("#rag-docs")).not_to_contain_text("uploads/ferry.md")


@pytest.mark.slow
def test_browser_refusal_offers_closest_passages(page):
    from playwright.sync_api import expect

    ask(page, "What is the boiling point of liquid nitrogen on Mars?")
    refusal = page.locator("#rag-chat .rag-refusal")
    expect(refusal).to_contain_text("Not answered by the documents")
    expect(refusal).to_contain_text("The documents don't say")
    expect(page.locator("#rag-sources")).to_contain_text("Closest passages")
    page.locator("#rag-chat .rag-refusal a.rag-cite").first.click()
    expect(page.locator("#close-1-1")).to_be_in_viewport()


@pytest.mark.slow
def test_browser_streams_an_llm_answer_and_marks_unverified_sentences(browser, ui_index):
    from playwright.sync_api import expect

    with fake_llm("stream") as llm, running_ui(ui_index, RAG_MODE="openai", RAG_LLM_BASE_URL=llm.url,
                                               RAG_LLM_MODEL="fake-model") as server, \
            open_page(browser, server.url) as page:
        from gradio_client import Client

        client = Client(server.url, verbose=False)
        page.fill("#rag-question textarea", OPTICS_QUESTION)
        page.click("#rag-ask")
        streaming = page.locator("#rag-chat .rag-answer.rag-streaming")
        expect(streaming).to_contain_text("Optics Valley", timeout=60_000)
        partial = streaming.inner_text()
        assert "spring" not in partial  # seen before the model finished
        expect(page.locator("#rag-sources .rag-source").first).to_be_visible()  # sources before the text
        # another user's question is answered while this long answer is still streaming
        other = client.predict("What did Hefei do to become an innovation hub?", "extractive", 0, api_name="/ask")
        assert "Hefei" in other["answer"]
        assert streaming.count() == 1, "the long answer finished first: no overlap was tested"
        final = page.locator("#rag-chat .rag-answer:not(.rag-streaming)")
        expect(final).to_have_count(1, timeout=60_000)
        expect(final).to_have_class(re.compile(r"\brag-mode-openai\b"))
        expect(final).to_contain_text("twenty years")
        unverified = final.locator(".rag-unverified")
        expect(unverified).to_contain_text("Pigs can fly")
        expect(unverified).to_contain_text("unverified")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui_llm_unverified.png"))
        page.get_by_role("tab", name="Settings").click()
        expect(page.locator("#rag-info")).to_contain_text("fake-model at http://127.0.0.1")
        page.screenshot(path=str(ARTIFACTS / "ui_settings.png"))
    assert llm.requests >= 1


@pytest.mark.slow
def test_rag_ui_with_auth_on_a_network_address(ui_index):
    """The installed ``rag ui`` command serves the page; on 0.0.0.0 it asks for the password."""
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    port = free_port()
    env = clean_environment(RAG_DATA_DIR=ui_index.data_dir, RAG_CORPUS_DIR=ui_index.corpus_dir, RAG_MODE="extractive",
                            RAG_UI_AUTH="ann:s3cret")
    command = [str(Path(sys.executable).with_name("rag")), "ui", "--host", "0.0.0.0", "--port", str(port)]
    with serving(command, port, 90, env=env) as process:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, 90, process)
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match=f"Could not login to {url}"):  # the login was refused
            Client(url, auth=("ann", "wrong"), verbose=False)
        result = Client(url, auth=("ann", "s3cret"), verbose=False).predict(OPTICS_QUESTION, api_name="/ask")
        assert "twenty" in result["answer"] or "20" in result["answer"]
