"""Sentence splitting and chunking: offsets are exact, sentences are never cut, sizes fit MiniLM."""

from pathlib import Path

from hypothesis import given, settings, strategies as st

from rag.chunking import MAX_WORDS, chunk_document, chunk_id_for
from rag.loaders import LoadedDocument, load
from rag.text import size_in_words, split_sentences, tokenize

ARTICLE = Path(__file__).resolve().parents[1] / "corpus" / "deepseek-storm-urban-innovation-anxiety.md"


def test_split_sentences_keeps_abbreviations_and_decimals():
    text = "Hangzhou's No. 1 Project began in 2014. Growth was 3.5 percent! The U.S. firms asked \u201cWhy?\u201d Next."
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == ["Hangzhou's No. 1 Project began in 2014.", "Growth was 3.5 percent!",
                         "The U.S. firms asked \u201cWhy?\u201d", "Next."]


def test_split_sentences_chinese():
    text = "\u676d\u5dde\u5f88\u597d\u3002\u5357\u4eac\u5462\uff1f\u662f\u7684"
    assert [text[a:b] for a, b in split_sentences(text)] == ["\u676d\u5dde\u5f88\u597d\u3002", "\u5357\u4eac\u5462\uff1f", "\u662f\u7684"]


def test_article_chunks_have_exact_offsets_sections_and_sizes():
    doc = load(ARTICLE, "article.md")
    chunks = chunk_document(doc)
    assert 8 <= len(chunks) <= 30
    sentence_ends = {b for a, b in split_sentences(doc.text, doc.body_start)}
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.end in sentence_ends, "a chunk must end at a sentence boundary"
        assert size_in_words(chunk.text) <= MAX_WORDS
        assert not chunk.text.startswith("#"), "headings are metadata, not chunk text"
        assert chunk.chunk_id == chunk_id_for(doc.doc_id, chunk.start, chunk.end, chunk.text)
    sections = {c.section for c in chunks}
    assert "Conclusion" in sections and "Collective Wisdom to Cure Anxiety" in sections
    optics = [c for c in chunks if "optical fiber communication for twenty years" in c.text]
    assert optics and optics[0].section.startswith("Strategic Focus")
    # Chunking is deterministic: the same ids twice.
    assert [c.chunk_id for c in chunk_document(load(ARTICLE, "article.md"))] == [c.chunk_id for c in chunks]


def test_long_unpunctuated_text_is_split_below_the_limit():
    text = " ".join(f"word{i}" for i in range(2000))
    doc = LoadedDocument("long.txt", "long.txt", text, "long")
    chunks = chunk_document(doc)
    assert len(chunks) >= 10
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert size_in_words(chunk.text) <= MAX_WORDS


sentence = st.text(alphabet=st.sampled_from(list("abcdefgh XYZ,;\u676d\u5dde")), min_size=1, max_size=60).map(
    lambda s: s.strip() or "x")
document = st.lists(st.tuples(sentence, st.sampled_from([". ", "! ", "? ", ".\n", "\u3002", "\n\n"])),
                    min_size=1, max_size=80).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=150, deadline=None)
@given(document)
def test_property_chunks_cover_text_at_exact_offsets(text):
    doc = LoadedDocument("p.txt", "p.txt", text, "p")
    chunks = chunk_document(doc, target_words=20, max_words=30)
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()
        assert size_in_words(chunk.text) <= 30 or len(chunk.text.split()) <= 1
    # Every non-space character of the document is in some chunk.
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
    # Chunks follow the document order.
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_property_sentence_spans_are_ordered_and_stripped(text):
    spans = split_sentences(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        last = b


def test_tokenize_lemmatises_plurals_and_irregular_verbs():
    # simplemma lemmas; spelling variants (fibre/fiber) are left to the embeddings.
    assert tokenize("Optics Valley stuck to fibre") == ["optics", "valley", "stick", "fibre"]
    assert tokenize("cities took the companies' policies") == ["city", "take", "company", "policy"]


def test_tokenize_keeps_acronyms_as_written():
    # simplemma alone reads "AI" as a form of "be" and "US" as "we"; "IT" would be a stopword.
    assert tokenize("AI chips for the US market") == ["ai", "chip", "us", "market"]
    assert tokenize("IT firms and AI's rise") == ["it", "firm", "ai", "rise"]
    assert tokenize("US-listed") == ["us-listed", "us", "list"]
    assert tokenize("it is up to us") == ["we"]  # the words themselves are still stopwords or lemmas


def test_remembered_tokens_and_sentences_are_fresh_copies():
    # Short texts' tokens and sentence spans are remembered (the gate reads the same passages many
    # times per question); a caller changing what it got must not change what the next one gets.
    text = "Hangzhou iterated its policies six times. Why? Cities need patience."
    tokens, spans = tokenize(text), split_sentences(text)
    tokens.append("changed")
    spans.clear()
    assert tokenize(text) == [t for t in tokens if t != "changed"]
    assert split_sentences(text) == [(0, 41), (42, 46), (47, 68)]
    long_text = "Word and more words. " * 400  # longer than what is remembered: worked out each time
    assert split_sentences(long_text) == split_sentences(long_text)[:] and len(split_sentences(long_text)) == 400
