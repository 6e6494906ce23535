"""Post-processing between retrieval and generation: passages become scored sentences.

Each retrieved passage is split into sentences (offsets into the document, so a citation
can point at the exact supporting span). A sentence's relevance blends its embedding
similarity to the question with how much of the question's keyword weight it contains.
The best score also drives the relevance gate that refuses before any generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import split_sentences, tokenize

SEMANTIC_WEIGHT = 0.6  # share of a sentence's score from embedding similarity; the rest is keyword overlap
QUESTION_PENALTY = 0.1  # subtracted from sentences that are themselves questions
INSTRUCTION_PENALTY = 1.0  # sentences addressing the assistant are never quoted
_ADDRESSES_ASSISTANT = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b|"
    r"\bsystem prompt\b|\byou are (?:an?|the) (?:ai|assistant|language model|chatbot)\b|"
    r"\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|model|chatbot|llm)\b|"
    r"\b(?:always|only) (?:answer|reply|respond)\b|\banswer (?:with|only)\b", re.I)
TYPE_BONUS = 0.05  # added when a quantity/time question meets a sentence with a number/date


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved passage."""

    text: str
    chunk_id: str
    passage_rank: int  # 0 = best passage
    start: int  # offsets into the document text
    end: int
    metadata: dict  # the passage's metadata (doc_id, title, section, page, source ...)
    passage: str  # the whole passage text
    similarity: float  # cosine similarity to the question
    overlap: float  # IDF-weighted share of question keywords present
    score: float


def keyword_overlap(question_tokens: list[str], text: str, idf) -> float:
    """Share of the question's keyword weight (IDF) that appears in ``text``.

    Args:
        question_tokens: tokens of the question (:func:`rag.text.tokenize`).
        text: the candidate sentence.
        idf: callable giving a token's inverse document frequency.

    Returns:
        A number in [0, 1].
    """
    wanted = set(question_tokens)
    if not wanted:
        return 0.0
    present = set(tokenize(text))
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in wanted if t in present) / total if total else 0.0


def score_sentences(question: str, passages, embedder, idf) -> list[Sentence]:
    """Split passages into sentences and score each against the question.

    Args:
        question: the standalone question.
        passages: :class:`rag.retrieve.Passage` objects, best first.
        embedder: encodes question and sentences.
        idf: callable token -> inverse document frequency.

    Returns:
        Sentences of all passages (duplicates from overlapping chunks removed), best first.
    """
    units = []
    seen = set()
    for rank, passage in enumerate(passages):
        base = int(passage.metadata.get("start", 0))
        for a, b in split_sentences(passage.text):
            key = (passage.metadata.get("doc_id"), base + a)
            if key in seen or len(passage.text[a:b]) < 12:
                continue
            seen.add(key)
            units.append((passage.text[a:b], passage, rank, base + a, base + b))
    if not units:
        return []
    query_vector = embedder.encode_cached([question])[0]  # the retriever encoded it already
    similarities = embedder.encode_cached([u[0] for u in units]) @ query_vector
    q_tokens = tokenize(question)
    wants_quantity = bool(_QUANTITY_Q.search(question))
    wants_time = bool(_TIME_Q.search(question))
    sentences = []
    for (text, passage, rank, start, end), sim in zip(units, similarities):
        overlap = keyword_overlap(q_tokens, text, idf)
        score = SEMANTIC_WEIGHT * float(sim) + (1 - SEMANTIC_WEIGHT) * overlap
        if "?" in text or "\uff1f" in text:  # a sentence that asks rarely answers
            score -= QUESTION_PENALTY
        if _ADDRESSES_ASSISTANT.search(text):  # text in documents is data, never instructions
            score -= INSTRUCTION_PENALTY
        if (wants_quantity and has_quantity(text)) or (wants_time and _HAS_TIME.search(text)):
            score += TYPE_BONUS
        sentences.append(Sentence(text, passage.chunk_id, rank, start, end, passage.metadata, passage.text, float(sim),
                                  overlap, score))
    sentences.sort(key=lambda s: -s.score)
    return sentences


# Words that say how a question is asked rather than what it is about.
QUESTION_FRAME = frozenset(tokenize(
    "many much long name named called kind type exactly currently main mean means happen happened according "
    "article articles documents document text way month year years date day period time number share total "
    "amount make take use mention mentioned describe describes refer list call say propose involve compare "
    "differ argue matter get include contain example specific role particular give given find tell know"
))
_QUANTITY_Q = re.compile(r"\bhow (?:many|much|large|big|old|far|long)\b|\bwhat (?:percentage|share|proportion|"
                         r"number|amount|size|population|budget|cost|value|figure)\b|\bpopulation\b", re.I)
_TIME_Q = re.compile(r"^\s*when\b|\b(?:what|which|in what|in which) (?:year|month|date|day|decade)\b|\bsince when\b",
                     re.I)
_HAS_QUANTITY = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                           r"forty|fifty|hundred|thousand|million|billion|trillion|half|dozen)\b", re.I)
_HAS_TIME = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:january|february|march|april|may|june|july|august|september|"
                       r"october|november|december|spring|summer|autumn|winter)\b|\d{4}\u5e74", re.I)
MIN_TERM_COVERAGE = 0.6  # IDF-weighted share of the question's topic words one passage must contain
MIN_SENTENCE_COVERAGE = 0.5  # ... and the sentence giving a figure or date
TYPE_CHECK_SENTENCES = 5  # a quantity/time question needs a number/date in one of this many best sentences
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w\u2019'-]+")  # capitalised words after the first
_COMPARATIVE = re.compile(r"\b(?:compare|compared|comparison|differ|differs|difference|both|common|versus|vs)\b|"
                          r"\b[A-Z][\w\u2019']*(?:'s|\u2019s)? and [A-Z]", re.I)


def focus_terms(question: str) -> list[str]:
    """The question's topic words: its tokens without stopwords and question framing."""
    return [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_FRAME]


def _matches(term: str, present: set[str], stems: set[str]) -> bool:
    """Exact token, or the same first five letters ("emerge" meets "emergence")."""
    return term in present or (len(term) >= 5 and term[:5] in stems)


_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")


def has_quantity(text: str) -> bool:
    """A number or number word other than a bare year."""
    return bool(_HAS_QUANTITY.search(_YEAR.sub(" ", text)))


def _coverage(terms: list[str], text: str, idf) -> float:
    """IDF-weighted share of ``terms`` found in ``text`` (exact token or same five-letter stem)."""
    if not terms:
        return 1.0
    present = set(tokenize(text))
    stems = {t[:5] for t in present if len(t) >= 5}
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if _matches(t, present, stems)) / total if total else 1.0


def answer_type(question: str):
    """A test a sentence must pass to hold the kind of answer asked for (a figure or a date),
    or None when the question asks for neither."""
    if _QUANTITY_Q.search(question):
        return has_quantity
    if _TIME_Q.search(question):
        return lambda text: bool(_HAS_TIME.search(text))
    return None


def _with_previous(sentence: Sentence) -> str:
    """The sentence with the one before it in its passage ("It was formed in 1959" needs its subject)."""
    offset = sentence.start - int(sentence.metadata.get("start", 0))
    before = [a for a, b in split_sentences(sentence.passage) if b <= offset]
    return sentence.passage[before[-1]:offset + len(sentence.text)] if before else sentence.text


def answerability(question: str, passages, sentences, idf) -> tuple[bool, str]:
    """Decide before generating whether the retrieved text can answer the question.

    Refuses when (the caller has already applied the sentence-score gate):
    - no single passage holds enough of the question's topic (IDF-weighted coverage of
      :func:`focus_terms` under :data:`MIN_TERM_COVERAGE`; comparisons across places may
      gather their topic from several passages): "Who is the mayor of Hangzhou?" finds
      Hangzhou but no mayor, "What is the population of Nanjing?" finds Nanjing in one
      passage and population in another;
    - a question asking for a quantity or a time has no number or date in a sentence that
      is about its topic (:data:`TYPE_CHECK_SENTENCES` best sentences).

    Args:
        question: the standalone question.
        passages: retrieved :class:`rag.retrieve.Passage` objects.
        sentences: scored sentences, best first.
        idf: token -> inverse document frequency.

    Returns:
        ``(answerable, reason)``; the reason names what is missing.
    """
    terms = focus_terms(question)
    texts = [f"{p.metadata.get('title', '')} {p.metadata.get('section', '')} {p.text}" for p in passages]
    if terms and texts:
        comparative = bool(_COMPARATIVE.search(question))
        best = _coverage(terms, " ".join(texts), idf) if comparative else max(_coverage(terms, t, idf) for t in texts)
        if best < MIN_TERM_COVERAGE:
            present = set(tokenize(" ".join(texts)))
            missing = [t for t in terms if t not in present] or terms
            together = "" if len(missing) < len(terms) else " together"
            return False, "no passage mentions " + ", ".join(missing[:4]) + together
    # A figure or date must come from a sentence about the question's topic, in a passage that
    # names what the question names ("the population of Nanjing" needs Nanjing there too).
    names = set() if _COMPARATIVE.search(question) else set(tokenize(" ".join(_NAME.findall(question))))
    on_topic = [s for s in sentences[:TYPE_CHECK_SENTENCES]
                if _coverage(terms, _with_previous(s), idf) >= MIN_SENTENCE_COVERAGE
                and names <= set(tokenize(f"{s.metadata.get('title', '')} {s.passage}"))]
    if _QUANTITY_Q.search(question) and not any(has_quantity(s.text) for s in on_topic):
        return False, "no passage gives a figure for that"
    if _TIME_Q.search(question) and not any(_HAS_TIME.search(s.text) for s in on_topic):
        return False, "no passage gives a date for that"
    return True, ""
