"""Every loader on good and bad files."""

import pytest

from helpers import make_pdf
from rag.loaders import LoadError, load


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_markdown_front_matter_and_headings(tmp_path):
    path = write(tmp_path, "a.md", "---\ntitle: \"A title\"\nlanguage: en\ndate: 2025-02-10\n---\n\n"
                                   "Intro line.\n\n## First part\n\nBody text here.\n")
    doc = load(path, "a.md")
    assert doc.title == "A title"
    assert doc.metadata["language"] == "en" and doc.metadata["date"] == "2025-02-10"
    assert [h for _, h in doc.sections] == ["First part"]
    assert doc.text[doc.body_start:].lstrip().startswith("Intro line.")


def test_html_keeps_visible_text_only(tmp_path):
    html = ("<html><head><title>Page</title><style>p{color:red}</style></head><body><h2>Part</h2>"
            "<p>Visible <b>text</b>.</p><script>alert('x')</script><!-- hidden --></body></html>")
    doc = load(write(tmp_path, "a.html", html), "a.html")
    assert doc.title == "Page"
    assert "Visible text." in doc.text
    assert "alert" not in doc.text and "color" not in doc.text and "hidden" not in doc.text
    assert [h for _, h in doc.sections] == ["Part"]


def test_pdf_keeps_page_numbers(tmp_path):
    doc = load(write(tmp_path, "a.pdf", make_pdf("Page one says hello.", "Page two says goodbye.")), "a.pdf")
    assert [n for _, n in doc.pages] == [1, 2]
    second = doc.pages[1][0]
    assert doc.text[second:].startswith("Page two")


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"  \n\n ", "empty"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "UTF-8"),
    ("corrupt.pdf", b"%PDF-1.4\n this is not really a pdf", "PDF"),
    ("notes.docx", b"PK\x03\x04 something", "unsupported"),
])
def test_bad_files_get_one_line_reasons(tmp_path, name, data, reason):
    with pytest.raises(LoadError) as err:
        load(write(tmp_path, name, data), name)
    assert reason.lower() in str(err.value).lower()
    assert "\n" not in str(err.value)


def test_pdf_without_text(tmp_path):
    with pytest.raises(LoadError, match="no extractable text"):
        load(write(tmp_path, "scan.pdf", make_pdf("", "")), "scan.pdf")
