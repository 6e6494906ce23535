"""The Assistant wires the answer path together; it decides nothing itself:

    condense -> Retriever -> EvidenceSelector -> Gate -> Composer -> Verifier

:meth:`Assistant.stream` yields typed events in a fixed order, so sources are never lost:
:class:`SourcesEvent`, then :class:`TextEvent` pieces, then :class:`FinalEvent`. When a language
model fails mid-answer, a :class:`SourcesReplacedEvent` (followed by the extractive answer's
text) comes before the final event.

The Assistant also owns the lazily opened store and embedder that the CLI and the UI share.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace

from rag.compose import Composition, ExtractiveComposer, LLMComposer
from rag.config import AnswerConfig
from rag.errors import LLMUnavailableError, RagError
from rag.evidence import EvidenceSelector, Selection
from rag.gate import Gate, english_event_words
from rag.modes import language_model, resolve_mode
from rag.question import (Question, analyse, asks_what_happened_then, distributive_pieces, with_capitals_named,
                          with_short_forms_written_out, what_is_set_aside, without_what_is_set_aside)
from rag.retrieve import Retrieval, Retriever
from rag.settings import Settings
from rag.present import present, refusal
from rag.types import Answer, FinalEvent, SourcesEvent, SourcesReplacedEvent, TextEvent
from rag.verify import Verifier


class Assistant:
    """Answers questions over the index named by ``settings``.

    Args:
        settings: program settings.
        store: an open store (opened lazily when None).
        embedder: an embedder (the configured one when None).
        config: tuning constants of the answer path (defaults when None).
    """

    def __init__(self, settings: Settings, store=None, embedder=None, config: AnswerConfig | None = None):
        self.settings = settings
        self.config = config or AnswerConfig(gate_threshold=settings.gate_threshold, candidates=settings.candidates)
        self._store = store
        self._embedder = embedder
        self._lock = threading.Lock()

    # ---- shared resources ------------------------------------------------------------------------
    @property
    def embedder(self):
        """The sentence embedder (loaded on first use)."""
        if self._embedder is None:
            from rag.embeddings import get_embedder

            settings = self.settings
            self._embedder = get_embedder(settings.embed_model, settings.cache_dir, settings.embed_precision)
        return self._embedder

    @property
    def store(self):
        """The store (opened on first use).

        Raises:
            NoIndexError: nothing was ingested yet.
            StoreUnavailableError: the server is down or the folder cannot be opened.
        """
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from rag.store import open_store

                    self._store = open_store(self.settings)
        return self._store

    def ingester(self):
        """An :class:`rag.ingest.Ingester` over this assistant's index (created if missing)."""
        from rag.ingest import Ingester
        from rag.store import open_store

        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings, create=True)
        return Ingester(self.settings, self._store, self.embedder)

    def warm(self, mode: str | None = None) -> None:
        """Load what the first answer needs: the embedder, the store, the keyword index, and the
        local model when ``mode`` resolves to ``local``.

        Raises:
            RagError: no index, store unreachable, model missing.
        """
        self.embedder.encode_cached(["warm up"])
        self.retriever.run("warm up", 1)
        if resolve_mode(self.settings, mode) == "local":
            language_model(self.settings, "local").load()

    # ---- components --------------------------------------------------------------------------------
    @property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.embedder, self.config, self.multilingual_encoder())

    def selector(self) -> EvidenceSelector:
        return EvidenceSelector(self.embedder, self.config, self.multilingual_encoder())

    def composer(self, mode: str):
        """The composer for a concrete mode."""
        extractive = ExtractiveComposer(self.embedder, self.config, self.multilingual_encoder())
        if mode == "extractive":
            return extractive
        return LLMComposer(language_model(self.settings, mode), mode, extractive, self.config)

    def select(self, question: str, k: int | None = None) -> Selection:
        """Retrieve and select evidence for a standalone question (no gate, no answer).

        Args:
            question: the standalone question.
            k: passages to keep (default: settings; explanations keep ``explanation_k``, questions on two
                events ``sides_k``).

        Returns:
            A :class:`rag.evidence.Selection`.
        """
        question = with_capitals_named(self.retriever.with_names_capitalised(question))
        aside = what_is_set_aside(question)
        question = with_short_forms_written_out(without_what_is_set_aside(question))
        analysed = replace(analyse(question, self.retriever.names_written()), set_aside=aside)
        c = self.config
        k = self.settings.k if k is None else k
        depth, keep = max(k, c.rerank_depth), k
        if analysed.is_explanation:
            depth, keep = max(k, c.explanation_depth), max(k, c.explanation_k)
        elif analysed.sides:
            keep = max(k, c.sides_k)
        found = self.retriever.run(question, depth)
        if analysed.is_explanation:
            found = self._with_narrowed_search(analysed, found, depth)
        if asks_what_happened_then(analysed):
            # "2016年……都发生了哪些事？": that year's events are found by the year and the names
            found = self._with_search(found, " ".join((*analysed.years, *analysed.names)), depth)
        for other in analysed.sides:
            # "How many days after V3 came out did R1 follow?": each event's date may be in a passage
            # of its own, found by the question without the other event
            found = self._with_search(found, question.replace(other, " "), depth)
        for piece in distributive_pieces(question):
            # "When did Zhongguancun and Songshan Lake each get ...?": each one's answer may be in a
            # passage of its own, found by what is asked of it alone
            found = self._with_search(found, piece, depth)
        from rag.multilingual import name_bridge

        if self.config.bridge_names:
            bridge = name_bridge(found.keywords)
            analysed = analysed.with_names(bridge)
            if aside:  # "除了杭州": Hangzhou is set aside too
                analysed = replace(analysed, set_aside=bridge.expand(aside))
        if c.rank_by_bridged_words and found.bridged_words:
            # the English words the retriever's word bridge found for a Chinese question's own words
            analysed = replace(analysed, other_words=tuple(t for t in found.bridged_words
                                                           if t not in analysed.other_terms))
        if c.rank_by_bridged_words and not analysed.is_explanation and self.multilingual_encoder() is not None:
            # a factoid's words, each with the collection's words nearest it in the other language
            # ("chip": 芯片; 面积: "area"), which rank sentences in that language (an explanation's
            # points in the other language would push out as good ones in the reader's)
            from rag.multilingual import word_bridge

            words = word_bridge(found.keywords, self.multilingual_encoder(), c.counted_word_similarity,
                                chinese=analysed.language == "en")
            analysed = replace(analysed, words_across=words.words_across(analysed))
        if c.rank_by_bridged_words:
            # ... and the English words of the usual event it asks the date of (成立: "founded")
            analysed = replace(analysed, event_words=english_event_words(analysed))
        return self.selector().run(analysed, found.passages, keep, found.idf)

    def _with_narrowed_search(self, question: Question, found: Retrieval, depth: int) -> Retrieval:
        """Widen an explanation's candidates with a search that leaves out the names most of the
        collection uses.

        "Why couldn't Nanjing produce a DeepSeek?" over a corpus about DeepSeek: every passage on
        DeepSeek matches the whole question, and the ones on Nanjing are crowded out. A second
        search for the question without "DeepSeek" finds them; its new passages are interleaved
        with the first search's.

        Args:
            question: the analysed question.
            found: the first search's result.
            depth: candidates per search.

        Returns:
            ``found``, with the second search's new passages interleaved (unchanged when the
            question has no such name, or only such names).
        """
        common = [name for name in question.names if found.idf(name) < self.config.subject_idf]
        if not common or not set(question.names) - set(common):
            return found
        narrowed = re.sub(r"\b(?:%s)\b" % "|".join(map(re.escape, common)), " ", question.text, flags=re.I)
        return self._with_search(found, narrowed, depth)

    def _with_search(self, found: Retrieval, query: str, depth: int) -> Retrieval:
        """``found`` with the passages a second search (``query``) finds that it lacks, interleaved
        with its own (the first search's passage, then one new one, and so on).

        Args:
            found: the first search's result.
            query: the second search's text.
            depth: candidates of the second search.

        Returns:
            The merged :class:`Retrieval` (the first search's keywords and weights).
        """
        seen = {p.chunk_id for p in found.passages}
        extra = iter([p for p in self.retriever.run(query, depth).passages if p.chunk_id not in seen])
        merged = []
        for passage in found.passages:
            merged.append(passage)
            merged.extend(p for p in [next(extra, None)] if p is not None)
        merged.extend(extra)
        return replace(found, passages=tuple(merged))

    # ---- answer ----------------------------------------------------------------------------------
    def answer(self, question: str, history=None, mode: str | None = None, k: int | None = None) -> Answer:
        """Answer a question (see :meth:`stream` for the steps).

        Args:
            question: the user's question.
            history: earlier turns, as Gradio messages dicts or (user, assistant) pairs.
            mode: extractive, local, openai or auto (default: settings).
            k: passages to retrieve (default: settings).

        Returns:
            The verified :class:`Answer`.
        """
        final = None
        for event in self.stream(question, history, mode, k):
            if isinstance(event, FinalEvent):
                final = event.answer
        return final

    def stream(self, question: str, history=None, mode: str | None = None, k: int | None = None):
        """Answer with streaming events: sources, then text pieces, then the final answer.

        Yields:
            :class:`SourcesEvent`, :class:`TextEvent` ..., [:class:`SourcesReplacedEvent`,
            :class:`TextEvent` ...], :class:`FinalEvent`.

        Raises:
            RagError: empty question, unknown mode, bad k, no index, store unreachable.
        """
        started = time.perf_counter()
        if not isinstance(question, str) or not question.strip():
            raise RagError("the question is empty: type a question about the documents")
        notices = []
        asked = question.strip()
        question = asked[: self.settings.max_question_chars]
        if len(asked) > len(question):
            notices.append(f"the question was cut to its first {self.settings.max_question_chars} characters")
        mode = resolve_mode(self.settings, mode)
        k = self.settings.k if k is None else k
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 50:
            raise RagError("k (number of passages) must be between 1 and 50")
        composer = self.composer(mode)
        standalone = self._condense(question, history, getattr(composer, "model", None))
        selection = self.select(standalone, k)
        timings = {"retrieve": (time.perf_counter() - started) * 1000}

        gate = Gate(self.config, self.multilingual_encoder())
        decision = gate.run(selection)
        mended = self.retriever.with_slips_mended(standalone) if not decision.answerable else standalone
        if mended != standalone:
            # refused as typed: asked again with its certain typing slips mended ("coridor"), the
            # question may be answered; as typed it is judged first, since a slip is sometimes a word
            # the documents do not hold (and the mended word one they hold in another sense)
            mended_selection = self.select(mended, k)
            mended_decision = gate.run(mended_selection)
            if mended_decision.answerable:
                standalone, selection, decision = mended, mended_selection, mended_decision
        if not decision.answerable:
            timings["generate"] = 0.0
            answer = refusal(asked, mode, selection, decision.reason, _finished(timings, started), notices)
            yield SourcesEvent((), standalone)
            yield TextEvent(answer.text)
            yield FinalEvent(answer)
            return

        if decision.question is not None:
            selection = replace(selection, question=decision.question)
        extractive = composer if mode == "extractive" else composer.extractive
        t0 = time.perf_counter()
        if mode == "extractive":
            composition = extractive.run(selection)
            yield SourcesEvent(composition.evidence, standalone)
            yield TextEvent(composition.text)
        else:
            evidence = composer.evidence(selection)
            yield SourcesEvent(evidence, standalone)
            pieces = []
            try:
                for piece in composer.stream(selection.question, evidence):
                    pieces.append(piece)
                    yield TextEvent(piece)
                composition = Composition(evidence, composer.clean("".join(pieces)),
                                          kind="explanation" if selection.question.is_explanation else "factoid")
            except LLMUnavailableError as err:
                notices.append(f"{err}; showing the extractive answer")
                composition = extractive.run(selection)
                mode = "extractive"
                yield SourcesReplacedEvent(composition.evidence, str(err))
                yield TextEvent(composition.text)
        timings["generate"] = (time.perf_counter() - t0) * 1000
        if mode != "extractive":
            composition, mode = self._verified(composition, selection, extractive, notices, mode)
        yield FinalEvent(present(asked, standalone, mode, composition, selection, _finished(timings, started),
                                 notices))

    # ---- steps -------------------------------------------------------------------------------------
    def _condense(self, question: str, history, model) -> str:
        if not history:
            return question
        from rag.condense import condense, condense_rule

        try:
            return condense(question, history, model)
        except LLMUnavailableError:
            return condense_rule(question, history)

    def _verified(self, composition: Composition, selection: Selection, extractive: ExtractiveComposer,
                  notices: list, mode: str) -> tuple[Composition, str]:
        """Verify a generated composition; fall back to the extractive one when too little survives."""
        checked = LLMComposer.drop_repeats(Verifier(self.embedder, self.config, self.multilingual_encoder())
                                           .run(composition.text, composition.evidence))
        verified = [s for s in checked if s.verified]
        # An explanation's synthesis must carry several of its points: a small model often writes
        # one sentence from one point ("DeepSeek was represented there by the senior researcher Chen
        # Deli ..." for "Why did DeepSeek appear in Hangzhou?"), and the quoted points say more.
        cited = {n for s in verified for n in s.citations}
        needed = min(self.config.explanation_min_points, len(composition.evidence)) \
            if composition.kind == "explanation" else 1
        if verified and len(verified) / len(checked) >= self.config.min_verified_share and len(cited) >= needed:
            return replace(composition, sentences=checked), mode
        notices.append("the model's answer used too few of the points; showing quoted sentences" if verified else
                       "the model's answer could not be verified against the sources; showing quoted sentences"
                       if composition.text else
                       "the model gave no answer from the passages; showing quoted sentences")
        return extractive.run(selection), "extractive"

    def multilingual_encoder(self):
        """The encoder whose space holds Chinese and English together (None when not installed)."""
        from rag.multilingual import get_encoder

        return get_encoder()


def _finished(timings: dict, started: float) -> dict:
    """The timings with the total, and verification as what is left after retrieve and generate."""
    total = (time.perf_counter() - started) * 1000
    rest = max(0.0, total - timings["retrieve"] - timings.get("generate", 0.0))
    return {**timings, "total": total, "verify": rest}
