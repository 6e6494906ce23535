"""Citation clean-up and verification of generated answers.

Every answer sentence is checked against the evidence it cites: its numbers and names
must appear in that evidence, most of its content words must too, and it must be
semantically close to it (embedding cosine). A sentence that fails is re-checked against
every other piece of evidence and its citation repaired when one supports it; otherwise it
is marked unverified and kept out of the answer shown to the user.
"""

from __future__ import annotations

import re

from rag.text import split_sentences, tokenize
from rag.types import AnswerSentence, Evidence

MIN_SIMILARITY = 0.45  # cosine between an answer sentence and its best supporting evidence
MIN_COVERAGE = 0.6  # share of the sentence's content words found in the evidence
MAX_CITATIONS = 3  # per sentence, as in ALCE

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000", "first": "1", "second": "2", "third": "3",
    "eighth": "8", "once": "1", "twice": "2", "single": "1", "half": "0.5", "dozen": "12",
}


def normalize_markers(text: str, count: int) -> str:
    """Rewrite citation markers to ``[n]`` and drop numbers that were never given.

    Handles ``【1】``, ``(1)``, ``[1, 2]``, ``[1-3]``, ``[Source 1]``, ``[ID:1]``, ``(Evidence 2)``,
    ``[^1]`` and ``^[1]``.

    Args:
        text: generated text.
        count: how many pieces of evidence were numbered (valid numbers are 1..count).

    Returns:
        The text with only well-formed, valid ``[n]`` markers.
    """

    def expand(match: re.Match) -> str:
        body = match.group(1)
        numbers = []
        for part in re.split(r"[,;\s]+(?:and\s+)?", body.strip()):
            span = re.fullmatch(r"(\d+)\s*[-\u2013]\s*(\d+)", part)
            if span:
                a, b = int(span.group(1)), int(span.group(2))
                numbers.extend(range(a, min(b, a + 10) + 1))
            elif part.isdigit():
                numbers.append(int(part))
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if 1 <= n <= count)

    label = r"(?:source|sources|evidence|doc|document|passage|ref|id|citation)?\s*[:#]?\s*"
    nums = r"(\d+(?:\s*(?:[-\u2013,;]|and)\s*\d+)*)"
    text = re.sub(r"\u3010\s*" + label + nums + r"\s*\u3011", expand, text, flags=re.I)
    text = re.sub(r"\^?\[\s*\^?" + label + nums + r"\s*\]", expand, text, flags=re.I)
    text = re.sub(r"\(\s*" + label + nums + r"\s*\)(?=\s*[.,;:!?\u3002]|\s*$|\s*\[)", expand, text, flags=re.I)
    text = re.sub(r"\(\s*(?:source|sources|evidence|ref)\s*[:#]?\s*" + nums + r"\s*\)", expand, text, flags=re.I)
    return text


_MARKER = re.compile(r"\[(\d+)\]")


def split_cited(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split an answer into sentences with the ``[n]`` markers that belong to each.

    Markers right after a sentence's final punctuation belong to that sentence.

    Returns:
        ``(sentence_without_markers, citation_numbers)`` pairs.
    """
    # Move markers that follow the full stop in front of it: "... economy. [1]" -> "... economy [1]."
    text = re.sub(r"([.!?\u3002])((?:\s*\[\d+\])+)", lambda m: m.group(2) + m.group(1), text)
    result = []
    for a, b in split_sentences(text):
        piece = text[a:b]
        numbers = tuple(dict.fromkeys(int(n) for n in _MARKER.findall(piece)))
        clean = _MARKER.sub("", piece)
        clean = re.sub(r"\s+([.,;:!?\u3002])", r"\1", clean)
        clean = re.sub(r"\s{2,}", " ", clean).strip()
        if clean and re.search(r"\w", clean):
            result.append((clean, numbers))
        elif numbers and result:  # a line holding only markers: give them to the sentence before
            prev_text, prev_numbers = result[-1]
            result[-1] = (prev_text, tuple(dict.fromkeys(prev_numbers + numbers)))
    return result


def _numbers(text: str) -> set[str]:
    found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def _names(text: str) -> set[str]:
    """Capitalised words that are not the first word of the sentence, and CJK runs."""
    words = re.findall(r"[A-Za-z][\w\u2019'-]*", text)
    names = {w.lower().rstrip("'\u2019s") for w in words[1:] if w[0].isupper() and w.lower() not in ("i",)}
    names.update(re.findall(r"[\u3400-\u9fff]{2,}", text))
    return names


def check_support(sentence: str, evidence_texts: list[str], similarity: float) -> bool:
    """Is ``sentence`` supported by the given evidence?

    Args:
        sentence: an answer sentence without markers.
        evidence_texts: the texts it cites (together).
        similarity: the best cosine similarity between the sentence and one of them.

    Returns:
        True when numbers and names appear in the evidence, content words are mostly
        covered, and the similarity clears :data:`MIN_SIMILARITY`.
    """
    if not evidence_texts:
        return False
    joined = " ".join(evidence_texts)
    if not _numbers(sentence) <= _numbers(joined):
        return False
    lowered = joined.lower().replace("\u2019", "'")
    for name in _names(sentence):
        if name.replace("\u2019", "'") not in lowered and not set(tokenize(name)) <= set(tokenize(joined)):
            return False
    content = set(tokenize(sentence))
    if content:
        coverage = len(content & set(tokenize(joined))) / len(content)
        if coverage < MIN_COVERAGE:
            return False
    return similarity >= MIN_SIMILARITY


def verify_answer(text: str, evidence: list[Evidence], embedder) -> list[AnswerSentence]:
    """Check and repair every sentence of a generated answer.

    Args:
        text: the generated answer.
        evidence: the numbered evidence given to the generator (``n`` = position + 1).
        embedder: encodes sentences for the similarity check.

    Returns:
        One :class:`AnswerSentence` per sentence, with repaired citations and a verified flag.
    """
    pairs = split_cited(normalize_markers(text, len(evidence)))
    if not pairs:
        return []
    by_number = {e.n: e for e in evidence}
    quotes = {" ".join(e.quote.split()): e.n for e in evidence}
    if all(" ".join(s.split()) in quotes for s, _ in pairs):
        # Every sentence is a verbatim quote (extractive answers): each is supported by its own
        # evidence, so no embedding is needed.
        return [AnswerSentence(s, (quotes[" ".join(s.split())],), True) for s, _ in pairs]
    similarity = None
    if evidence:
        similarity = embedder.encode([s for s, _ in pairs]) @ embedder.encode_cached([e.quote for e in evidence]).T
    checked = []
    for i, (sentence, cited) in enumerate(pairs):
        cited = tuple(n for n in cited if n in by_number)
        best = max((float(similarity[i][n - 1]) for n in cited), default=0.0)
        if cited and check_support(sentence, [by_number[n].quote for n in cited], best):
            # Keep at most MAX_CITATIONS, the closest first, dropping ones that add nothing.
            ranked = sorted(cited, key=lambda n: -similarity[i][n - 1])
            kept = [n for n in ranked if similarity[i][n - 1] >= MIN_SIMILARITY - 0.1][:MAX_CITATIONS] or ranked[:1]
            checked.append(AnswerSentence(sentence, tuple(n for n in cited if n in kept), True))
            continue
        # Repair: the single piece of evidence that supports the sentence best.
        repaired = None
        if similarity is not None:
            for j in sorted(range(len(evidence)), key=lambda j: -similarity[i][j]):
                if check_support(sentence, [evidence[j].quote], float(similarity[i][j])):
                    repaired = (evidence[j].n,)
                    break
        checked.append(AnswerSentence(sentence, repaired, True) if repaired else AnswerSentence(sentence, cited, False))
    return checked
