"""Verifier: citation clean-up and per-claim verification of generated answers.

Every answer sentence is a claim that must be supported by ONE piece of evidence it cites:
its numbers and names must appear in that evidence, most of its content words must too, and
it must be close to it in meaning (embedding cosine). Support is never pooled across
citations, so pieces of two unrelated sentences glued into one new claim fail. A sentence that
fails is re-checked against every other piece of evidence and its citation repaired when one
supports it; otherwise it is marked unverified and kept out of the answer shown to the user.

A sentence in another language than its evidence (a Chinese answer over English sources) is
checked by what does not depend on words: numbers (Chinese numerals included), Latin-script
names, and closeness in a multilingual embedding space.
"""

from __future__ import annotations

import re

from rag.config import AnswerConfig
from rag.text import is_cjk_text, split_sentences, tokenize
from rag.types import AnswerSentence

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


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral ("二十" -> 20, "十二" -> 12, "三千" -> 3000); None if not one."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= 10000:
                total = (total + section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> set[str]:
    """Numbers a sentence states: digits, English number words and Chinese numerals."""
    found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    for run in re.findall(r"[零〇一二两三四五六七八九十百千万亿]+", text):
        if len(run) == 1 and run in "一两":  # "一个", "两者": words, not figures
            continue
        value = chinese_number(run)
        if value is not None:
            found.add(str(value))
    return found


# Evidence that reports sources disagreeing ("Sources differ ...", "X says A, while Y says B").
_CONTESTED = re.compile(r"\bsources (?:differ|disagree|vary|give (?:slightly )?different)\b|"
                        r"\b(?:says?|said|puts?|states?|reports?|reported|claims?|claimed|estimates?)\b"
                        r"[^.;]*\b(?:while|whereas)\b|说法不一|说法不同", re.I)
# Words that attribute what follows to a source.
_ATTRIBUTED = re.compile(r"\b(?:says?|said|according|puts?|states?|stated|reports?|reported|claims?|claimed|"
                         r"estimates?|estimated|cites?|cited|differ|disagree|different|profile|analysis)\b|"
                         r"称|说|据|报道|表示|认为|估计|说法", re.I)
# Where one source's claim ends and another's begins.
_CLAUSE = re.compile(r",?\s+(?:while|whereas|but)\s+|;\s*|；|，而|，但")


def keeps_attribution(sentence: str, evidence: str) -> bool:
    """Does a sentence drawn from evidence that reports sources disagreeing say whose claim each
    part is? "Liang Wenfeng founded DeepSeek in December 2023, while an analysis ... states ..."
    drops "a SentiSight.ai profile says" and states one source's date as fact."""
    if not _CONTESTED.search(evidence):
        return True
    return all(_ATTRIBUTED.search(clause) for clause in _CLAUSE.split(sentence) if len(clause.split()) >= 3
               or is_cjk_text(clause))


def _names(text: str) -> set[str]:
    """Capitalised words that are not the first word of the sentence."""
    words = re.findall(r"[A-Za-z][\w\u2019'-]*", text)
    first = 1 if words and re.match(r"^\W*[A-Za-z]", text) else 0
    return {w.lower().rstrip("'\u2019s") for w in words[first:] if w[0].isupper() and w.lower() not in ("i",)}


class Verifier:
    """Checks each sentence of a generated answer against the one piece of evidence it cites.

    Args:
        embedder: encodes sentences for the similarity check (same-language pairs).
        config: tuning constants (``min_similarity``, ``min_coverage``, ``max_citations``).
        multilingual: an encoder with ``encode(texts)`` whose space holds Chinese and English
            together, for sentences in another language than their evidence (None: such
            sentences are checked against the main embedder).
    """

    def __init__(self, embedder, config: AnswerConfig | None = None, multilingual=None):
        self.embedder = embedder
        self.config = config or AnswerConfig()
        self.multilingual = multilingual

    def supports(self, sentence: str, evidence: str, similarity: float) -> bool:
        """Does one piece of evidence support the sentence?

        Args:
            sentence: an answer sentence without markers.
            evidence: the quoted evidence.
            similarity: cosine between the two.

        Returns:
            True when the sentence's numbers and names appear in the evidence, it keeps the
            evidence's attributions when sources disagree there (:func:`keeps_attribution`), its
            content words are mostly there (same language only), and the similarity clears
            ``min_similarity``.
        """
        if not numbers_in(sentence) <= numbers_in(evidence) or not keeps_attribution(sentence, evidence):
            return False
        lowered = evidence.lower().replace("\u2019", "'")
        for name in _names(sentence):
            if name.replace("\u2019", "'") not in lowered and not set(tokenize(name)) <= set(tokenize(evidence)):
                return False
        if is_cjk_text(sentence) == is_cjk_text(evidence):
            content = set(tokenize(sentence))
            if content and len(content & set(tokenize(evidence))) / len(content) < self.config.min_coverage:
                return False
        return similarity >= self.config.min_similarity

    def similarities(self, sentences: list[str], evidence) -> "object":
        """Cosine matrix (sentences x evidence), multilingual for cross-language pairs."""
        import numpy as np

        quotes = [e.quote for e in evidence]
        matrix = self.embedder.encode(sentences) @ self.embedder.encode_cached(quotes).T
        if self.multilingual is not None:
            cross = [[is_cjk_text(s) != is_cjk_text(q) for q in quotes] for s in sentences]
            if any(any(row) for row in cross):
                both = self.multilingual.encode(sentences + quotes)
                multi = both[: len(sentences)] @ both[len(sentences):].T
                matrix = np.where(np.array(cross), multi, matrix)
        return matrix

    def run(self, text: str, evidence) -> tuple[AnswerSentence, ...]:
        """Check and repair every sentence of a generated answer.

        Args:
            text: the generated answer.
            evidence: the numbered evidence given to the generator (``n`` = position + 1).

        Returns:
            One :class:`AnswerSentence` per sentence, with repaired citations and a verified flag.
        """
        c = self.config
        pairs = split_cited(normalize_markers(text, len(evidence)))
        if not pairs:
            return ()
        by_number = {e.n: e for e in evidence}
        quotes = {" ".join(e.quote.split()): e.n for e in evidence}
        if all(" ".join(s.split()) in quotes for s, _ in pairs):
            # Every sentence is a verbatim quote: each is supported by its own evidence.
            return tuple(AnswerSentence(s, (quotes[" ".join(s.split())],), True) for s, _ in pairs)
        similarity = self.similarities([s for s, _ in pairs], evidence) if evidence else None
        checked = []
        for i, (sentence, cited) in enumerate(pairs):
            cited = tuple(n for n in cited if n in by_number)
            supporting = [n for n in cited
                          if self.supports(sentence, by_number[n].quote, float(similarity[i][n - 1]))]
            if supporting:
                ranked = sorted(supporting, key=lambda n: -similarity[i][n - 1])[: c.max_citations]
                checked.append(AnswerSentence(sentence, tuple(n for n in cited if n in ranked), True))
                continue
            # Repair: the single piece of evidence that supports the sentence best.
            repaired = None
            if similarity is not None:
                for j in sorted(range(len(evidence)), key=lambda j: -similarity[i][j]):
                    if self.supports(sentence, evidence[j].quote, float(similarity[i][j])):
                        repaired = (evidence[j].n,)
                        break
            checked.append(AnswerSentence(sentence, repaired, True) if repaired
                           else AnswerSentence(sentence, cited, False))
        return tuple(checked)
