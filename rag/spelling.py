"""Typing slips in a question's English words, mended from the collection's own words.

A reader types "facilty", "coridor" or "acutally"; BM25 and the gate then meet a word no passage
holds ("no passage mentions optoelectonics, expo, ...") and refuse or miss what was asked. A word
is mended only when the mending is certain: it is no word of the collection nor a common English
word, and exactly one word one edit away (a letter left out, added, changed, or two swapped) is.
"""

from __future__ import annotations

import re

from rag.text import tokenize

MIN_LETTERS = 6  # shorter words have too many neighbours one edit away ("realy": real, rely, ready; "grads": grade)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# a word, possessive or not ("coridor's"), not a contraction's part ("couldn" of "couldn't")
_WORD = re.compile(r"(?<![\w'\u2019-])[A-Za-z]+(?![\w-])(?!['\u2019](?![sS]\b))")


def one_edit_away(word: str) -> set[str]:
    """Every string one edit from ``word``: a letter deleted, swapped with the next, changed or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deleted = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserted = {a + c + b for a, b in splits for c in _LETTERS}
    return (deleted | swapped | changed | inserted) - {word}


def with_slips_mended(text: str, collection_words, common_words, names=frozenset(), is_pinyin=lambda word: False) -> str:
    """``text`` with each English word that is a certain slip replaced by the word meant.

    Args:
        text: the question.
        collection_words: the collection's keyword tokens (lemmas: "company", "facility").
        common_words: common English words, in lower case.
        names: the words the collection writes as names, in lower case.
        is_pinyin: whether a word reads as pinyin: one that does is no slip for a name in pinyin
            ("changjiang" is another place than "zhangjiang").

    Returns:
        The question, mended ("what diseases is guangming's brain facilty working on?" -> "... facility
        ..."); the same text when nothing is certain. A capitalised word is mended capitalised.
    """
    def in_collection(word: str) -> bool:
        tokens = tokenize(word)
        return len(tokens) == 1 and tokens[0] in collection_words

    def mend(found) -> str:
        word = found.group(0)
        lower = word.lower()
        if len(word) < MIN_LETTERS or lower in common_words or in_collection(lower) or not tokenize(lower):
            return word
        # the collection's words first ("facilty": facility, not faculty), then common English words
        near = one_edit_away(lower)
        for meant in ({w for w in near if in_collection(w)}, {w for w in near if w in common_words}):
            if meant:
                break
        # one word meant, in one form ("companys": company); a pinyin name is no slip for another
        if len({tuple(tokenize(w)) for w in meant}) != 1:
            return word
        mended = min(meant, key=len)
        if mended in names and is_pinyin(lower):
            return word
        return mended.capitalize() if word[0].isupper() else mended

    return _WORD.sub(mend, text)
