"""Retriever: dense search (Chroma) plus keyword search (BM25), fused by reciprocal rank fusion.

The index state is read once per question; the keyword index and its term weights both come
from that state, so an ingest running meanwhile never mixes two versions in one answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.config import AnswerConfig
from rag.keyword import MAX_RUN_WORDS, KeywordIndex, keyword_index
from rag.spelling import MIN_LETTERS, with_slips_mended
from rag.types import Passage


@dataclass(frozen=True)
class Retrieval:
    """Passages for a query, best first, with the keyword index of the same index state, and the
    English words the word bridge added to a Chinese query (tokens; empty for an English one)."""

    query: str
    passages: tuple[Passage, ...]
    keywords: KeywordIndex
    version: str
    bridged_words: tuple[str, ...] = ()

    def idf(self, token: str) -> float:
        """Term weight of a token in this index state."""
        return self.keywords.idf(token)


class Retriever:
    """Hybrid retrieval over one store: MiniLM (English chunks), the multilingual channel (every
    chunk for a Chinese question, Chinese chunks for an English one) and BM25, fused by RRF.

    A question's names are also searched in their other-language form (杭州 -> Hangzhou,
    :class:`rag.multilingual.NameBridge`).

    Args:
        store: an open :class:`rag.store.ChromaStore`.
        embedder: the :class:`rag.embeddings.Embedder` the index was built with.
        config: tuning constants (``candidates``, ``rrf_k``).
        multilingual: the :class:`rag.multilingual.MultilingualEncoder` (None: no such channel).
    """

    def __init__(self, store, embedder, config: AnswerConfig | None = None, multilingual=None):
        self.store = store
        self.embedder = embedder
        self.config = config or AnswerConfig()
        self.multilingual = multilingual

    def keywords(self) -> tuple[str, KeywordIndex]:
        """The index state's version, read from the store, and the keyword index of that state.

        Returns:
            ``(version, keyword index)``.
        """
        version = self.store.state()["version"]
        return version, keyword_index(self.store, version)

    def names_written(self) -> dict[str, str]:
        """The words and runs of words the chunks write as names, in lower case, with their written
        form (:func:`rag.keyword.capitalised_words`)."""
        return self.keywords()[1].capitalised

    def with_slips_mended(self, question: str) -> str:
        """The question with its certain typing slips mended from the collection's words and common
        English words (:func:`rag.spelling.with_slips_mended`: "coridor" -> "corridor").

        Args:
            question: the standalone question.

        Returns:
            The question.
        """
        if not re.search(r"[A-Za-z]{%d}" % MIN_LETTERS, question):
            return question
        from rag.keyword import common_english_words
        from rag.multilingual import is_pinyin

        keywords = self.keywords()[1]
        return with_slips_mended(question, keywords.document_frequency, common_english_words(), keywords.capitalised,
                                 is_pinyin)

    def with_names_capitalised(self, question: str) -> str:
        """A question typed all in lower case with the collection's names in it capitalised: the
        Chinese documents' persons in pinyin (:meth:`rag.multilingual.NameBridge.with_names_capitalised`)
        and the words the documents write as names ("is wang enge the ... of the songshan lake
        materials lab?" -> "is Wang Enge the ... of the Songshan Lake materials lab?"; see
        :func:`rag.keyword.capitalised_words`), so that it is judged as the same question typed with
        capitals: a reader's lower case must not make the gate forget what it asks about.

        Args:
            question: the standalone question.

        Returns:
            The question.
        """
        from rag.multilingual import name_bridge, typed_in_lower_case

        if not self.config.bridge_names or not typed_in_lower_case(question):
            return question
        keywords = self.keywords()[1]
        question = name_bridge(keywords).with_names_capitalised(question)
        return capitalise_names(question, keywords.capitalised)

    def run(self, query: str, depth: int, hybrid: bool = True) -> Retrieval:
        """Retrieve passages.

        Args:
            query: the standalone question.
            depth: how many passages to return.
            hybrid: False gives dense-only retrieval (for comparison).

        Returns:
            A :class:`Retrieval` with up to ``depth`` passages, best first.
        """
        from rag.multilingual import name_bridge, word_bridge
        from rag.text import is_cjk_text, tokenize

        version, keywords = self.keywords()
        # A Chinese question also searches its names in English (杭州 -> Hangzhou) and the English
        # words nearest its other words (创始人 -> founder); an English question finds Chinese
        # passages through the multilingual channel, not through names alone.
        c, chinese = self.config, hybrid and is_cjk_text(query)
        named = name_bridge(keywords).expand(query) if chinese and c.bridge_names else query
        expanded = named
        if chinese and c.bridge_words and self.multilingual is not None:
            expanded = word_bridge(keywords, self.multilingual, c.counted_word_similarity).expand(named)
        bridged_words = tuple(dict.fromkeys(tokenize(expanded[len(named):])))
        vector = self.embedder.encode_cached([expanded])[0]
        n = max(depth, c.candidates)
        rrf = c.rrf_k
        # MiniLM knows English only: its neighbours in Chinese text are noise, so Chinese chunks come
        # from the multilingual channel (and BM25) instead.
        dense = [d for d in self.store.query(vector, n) if not is_cjk_text(d[2])]
        found = {cid: (text, meta) for cid, _, text, meta in dense}
        dense_score = {cid: score for cid, score, _, _ in dense}
        fused = {cid: 1.0 / (rrf + rank + 1) for rank, (cid, _, _, _) in enumerate(dense)}
        keyword_score: dict[str, float] = {}
        ranked = []
        if hybrid:
            ranked.append(keywords.search(expanded, n))
            if self.multilingual is not None:
                found_ml = self.store.query_multilingual(self.multilingual.encode_cached([query])[0], n)
                if not is_cjk_text(query):  # an English question takes only Chinese chunks from it
                    found_ml = [(cid, score) for cid, score in found_ml
                                if cid in keywords.texts and is_cjk_text(keywords.texts[cid][0])]
                ranked.append(found_ml)
        for i, channel in enumerate(ranked):
            for rank, (cid, score) in enumerate(channel):
                if i == 0:
                    keyword_score[cid] = score
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (rrf + rank + 1)
                if cid not in found and cid in keywords.texts:
                    found[cid] = keywords.texts[cid]
        order = [cid for cid in sorted(fused, key=lambda c: -fused[c]) if cid in found][:depth]
        passages = tuple(Passage(cid, found[cid][0], found[cid][1], dense_score.get(cid, 0.0),
                                 keyword_score.get(cid, 0.0), fused[cid]) for cid in order)
        return Retrieval(query, passages, keywords, version, bridged_words)


def capitalise_names(question: str, written: dict[str, str]) -> str:
    """``question`` with each longest run of words that ``written`` knows (see
    :func:`rag.keyword.capitalised_words`) in its written form: "the songshan lake materials lab" ->
    "the Songshan Lake materials lab".

    Args:
        question: a question typed in lower case.
        written: lower-case word or run -> written form.

    Returns:
        The question.
    """
    words = list(re.finditer(r"(?<![\w'\u2019-])[a-z][a-z0-9]*(?![\w-])", question))
    out, last, i = [], 0, 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_RUN_WORDS), i, -1):
            run = " ".join(m.group(0) for m in words[i:j])
            adjacent = all(question[words[n].end():words[n + 1].start()] == " " for n in range(i, j - 1))
            if adjacent and run in written:
                out.append(question[last:words[i].start()] + written[run])
                last, i = words[j - 1].end(), j
                break
        else:
            i += 1
    return "".join(out) + question[last:]
