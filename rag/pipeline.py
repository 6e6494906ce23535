"""The answering pipeline: condense -> retrieve -> score sentences -> gate -> generate -> verify.

Retrieval and post-processing are a LangChain runnable chain; generation streams. The
streaming variant yields events in a fixed order so sources are never lost:

1. ``{"type": "sources", "evidence": [Evidence, ...], "standalone": str}``
2. ``{"type": "text", "text": str}`` (zero or more, as the generator produces them)
3. ``{"type": "final", "answer": Answer}``
"""

from __future__ import annotations

import re
import threading
import time

from rag.errors import LLMUnavailableError, RagError
from rag.generate import ExtractiveGenerator, LLMGenerator, inert_markers, to_evidence
from rag.settings import Settings
from rag.types import REFUSAL_PREFIX, Answer, AnswerSentence

RERANK_DEPTH = 8  # fused candidates whose sentences are scored before keeping the best k passages
AUTO_ORDER = ("extractive", "local")  # `auto` without an LLM server: the first available, decided by `rag eval`
MIN_VERIFIED_SHARE = 0.5  # below this share of verified sentences, fall back to the extractive answer
_MODEL_REFUSAL = re.compile(r"documents? (?:do(?:es)?n[\u2019']?t|do(?:es)? not) (?:say|mention|provide|contain)|"
                            r"not (?:mentioned|provided|stated) in the (?:evidence|documents?)|no information", re.I)


def available_modes(settings: Settings) -> list[str]:
    """Answer modes usable with this install and configuration."""
    from rag.llm import bundled_parts_installed, llama_cpp_installed

    modes = ["extractive"]
    if llama_cpp_installed() and (settings.llm_gguf or bundled_parts_installed()):
        modes.append("local")
    if settings.llm_base_url:
        modes.append("openai")
    return modes


def resolve_mode(settings: Settings, mode: str | None) -> str:
    """The concrete mode for a requested one (``auto`` or None picks per configuration).

    Raises:
        RagError: the mode is unknown or not available here.
    """
    mode = (mode or settings.mode or "auto").lower()
    modes = available_modes(settings)
    if mode == "auto":
        if "openai" in modes:
            return "openai"
        return next(m for m in AUTO_ORDER if m in modes)
    if mode not in ("extractive", "local", "openai"):
        raise RagError(f"unknown mode {mode!r}: choose auto, extractive, local or openai")
    if mode not in modes:
        hint = "set RAG_LLM_BASE_URL" if mode == "openai" else "install llama-cpp-python (make setup)"
        raise RagError(f"mode {mode!r} is not available here: {hint}")
    return mode


class Assistant:
    """Answers questions over the index named by ``settings``.

    Args:
        settings: program settings.
        store: an open store (opened lazily when None).
        embedder: an embedder (the configured one when None).
    """

    def __init__(self, settings: Settings, store=None, embedder=None):
        self.settings = settings
        self._store = store
        self._embedder = embedder
        self._lock = threading.Lock()
        self._chain = None

    @property
    def embedder(self):
        if self._embedder is None:
            from rag.embeddings import get_embedder

            self._embedder = get_embedder(self.settings.embed_model)
        return self._embedder

    @property
    def store(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from rag.store import open_store

                    self._store = open_store(self.settings)
        return self._store

    def model(self, mode: str):
        """The language model behind a mode (None for extractive)."""
        if mode == "local":
            from rag.llm import get_local_model

            return get_local_model(self.settings)
        if mode == "openai":
            from rag.llm import OpenAICompatibleModel

            return OpenAICompatibleModel(self.settings)
        return None

    def generator(self, mode: str):
        """The generator for a concrete mode."""
        return ExtractiveGenerator() if mode == "extractive" else LLMGenerator(self.model(mode), mode)

    # ---- retrieve -> post-process ----------------------------------------------------------------
    @property
    def retrieval_chain(self):
        """A LangChain runnable (built once): ``{"question", "k"}`` -> adds ``passages`` and ``sentences``.

        Retrieve (hybrid dense + BM25, :data:`RERANK_DEPTH` candidates) -> score every sentence
        of the candidates -> rerank passages by their best sentence and keep ``k``.
        """
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda

            from rag.evidence import score_sentences
            from rag.retrieve import HybridRetriever, keyword_index

            retriever = HybridRetriever(self.store, self.embedder, self.settings.candidates)

            def retrieve(state):
                depth = max(state["k"], RERANK_DEPTH)
                return {**state, "candidates": retriever.run(state["question"], depth)}

            def score(state):
                idf = keyword_index(self.store).idf
                return {**state, "idf": idf,
                        "sentences": score_sentences(state["question"], state["candidates"], self.embedder, idf)}

            def rerank(state):
                # A passage is as good as its best sentence; ties keep the fusion order.
                best = {}
                for sentence in state["sentences"]:
                    best.setdefault(sentence.chunk_id, sentence.score)
                order = sorted(range(len(state["candidates"])),
                               key=lambda i: (-best.get(state["candidates"][i].chunk_id, -1.0), i))
                passages = [state["candidates"][i] for i in order][: state["k"]]
                kept = {p.chunk_id for p in passages}
                return {**state, "passages": passages,
                        "sentences": [s for s in state["sentences"] if s.chunk_id in kept]}

            self._chain = RunnableLambda(retrieve) | RunnableLambda(score) | RunnableLambda(rerank)
        return self._chain

    def retrieve(self, question: str, k: int | None = None) -> dict:
        """Passages and scored sentences for a standalone question.

        Returns:
            ``{"question", "k", "passages", "sentences", "idf"}``.
        """
        return self.retrieval_chain.invoke({"question": question, "k": self.settings.k if k is None else k})

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
            if event["type"] == "final":
                final = event["answer"]
        return final

    def stream(self, question: str, history=None, mode: str | None = None, k: int | None = None):
        """Answer with streaming events: sources, then text pieces, then the final answer.

        Raises:
            RagError: empty question, unknown mode, no index, store unreachable.
        """
        started = time.perf_counter()
        if not isinstance(question, str) or not question.strip():
            raise RagError("the question is empty: type a question about the documents")
        notices = []
        question = question.strip()
        asked = question
        if len(question) > self.settings.max_question_chars:
            question = question[: self.settings.max_question_chars]
            notices.append(f"the question was cut to its first {self.settings.max_question_chars} characters")
        mode = resolve_mode(self.settings, mode)
        k = self.settings.k if k is None else k
        if not isinstance(k, int) or not 1 <= k <= 50:
            raise RagError("k (number of passages) must be between 1 and 50")
        model = self.model(mode)
        standalone = question
        if history:
            from rag.condense import condense

            try:
                standalone = condense(question, history, model)
            except LLMUnavailableError:
                from rag.condense import condense_rule

                standalone = condense_rule(question, history)
        found = self.retrieve(standalone, k)
        sentences = found["sentences"]
        t_retrieve = (time.perf_counter() - started) * 1000
        timings = {"retrieve": t_retrieve}

        answerable, reason = (False, "nothing relevant was found")
        if sentences and sentences[0].score >= self.settings.gate_threshold:
            from rag.evidence import answerability

            answerable, reason = answerability(standalone, found["passages"], sentences, found["idf"])
        if not answerable:
            answer = self._refusal(asked, standalone, mode, found["passages"], sentences, timings, started, notices,
                                   reason)
            yield {"type": "sources", "evidence": [], "standalone": standalone}
            yield {"type": "text", "text": answer.text}
            yield {"type": "final", "answer": answer}
            return

        generator = self.generator(mode)
        evidence = generator.evidence(sentences, standalone)
        yield {"type": "sources", "evidence": evidence, "standalone": standalone}
        t0 = time.perf_counter()
        pieces = []
        try:
            for piece in generator.stream(standalone, evidence):
                pieces.append(piece)
                yield {"type": "text", "text": piece}
        except LLMUnavailableError as err:
            notices.append(f"{err}; showing the extractive answer")
            generator = ExtractiveGenerator()
            evidence = generator.evidence(sentences, standalone)
            pieces = list(generator.stream(standalone, evidence))
            mode = "extractive"
            yield {"type": "sources", "evidence": evidence, "standalone": standalone}
            yield {"type": "text", "text": pieces[0], "replace": True}
        timings["generate"] = (time.perf_counter() - t0) * 1000
        raw = "".join(pieces).strip()

        # The gate above decides refusals; a model that declines evidence the gate accepted gets
        # the quoted sentences instead (small models decline too often).
        if mode != "extractive" and _MODEL_REFUSAL.search(raw) and len(raw) < 200:
            raw = ""
        if mode != "extractive" and raw and not re.search(r"[.!?\u3002\uff01\uff1f\]]\W*$", raw):
            # Cut off at the token limit: drop the unfinished last sentence.
            cut = max(raw.rfind(". "), raw.rfind(".\n"), raw.rfind("] "))
            raw = raw[: cut + 1] if cut >= 0 else ""
        answer = self._verified(asked, standalone, mode, raw, evidence, sentences, timings, started, notices)
        yield {"type": "final", "answer": answer}

    def _verified(self, asked, standalone, mode, raw, evidence, sentences, timings, started, notices) -> Answer:
        from rag.verify import verify_answer

        if mode == "extractive":
            # Quotes are their own support; their text is never parsed, so a "[1]" inside a
            # document sentence cannot pose as a citation.
            checked = quoted_sentences(evidence)
        else:
            checked = verify_answer(raw, evidence, self.embedder)
            verified = [s for s in checked if s.verified]
            if not verified or len(verified) / len(checked) < MIN_VERIFIED_SHARE:
                notices.append("the model's answer could not be verified against the sources; showing quoted "
                               "sentences" if raw else "the model gave no answer from the passages; showing quoted "
                               "sentences")
                evidence = ExtractiveGenerator().evidence(sentences, standalone)
                checked = quoted_sentences(evidence)
                mode = "extractive"
        verified = [s for s in checked if s.verified]
        # Renumber the cited evidence 1..m in order of first use.
        by_number = {e.n: e for e in evidence}
        order = list(dict.fromkeys(n for s in verified for n in s.citations))
        renumber = {old: new for new, old in enumerate(order, 1)}
        citations = tuple(_renumbered(by_number[old], new) for old, new in renumber.items())
        final_sentences = tuple(AnswerSentence(s.text, tuple(renumber.get(n, n) for n in s.citations if
                                                             n in renumber or not s.verified), s.verified)
                                for s in checked)
        text = " ".join(_with_markers(s) for s in final_sentences if s.verified)
        timings["verify"] = 0.0
        timings["total"] = (time.perf_counter() - started) * 1000
        timings["verify"] = timings["total"] - timings["retrieve"] - timings.get("generate", 0.0)
        return Answer(asked, standalone, text, False, mode, citations, final_sentences, timings, (), tuple(notices))

    def _refusal(self, asked, standalone, mode, passages, sentences, timings, started, notices,
                 reason: str = "") -> Answer:
        best_per_passage = {}
        for s in sentences:
            best_per_passage.setdefault(s.chunk_id, s)
        closest = to_evidence(list(best_per_passage.values())[:3])
        topics = list(dict.fromkeys(f"{e.title} ({e.section})" if e.section else e.title for e in closest))
        text = f"{REFUSAL_PREFIX} ({reason})." if reason else f"{REFUSAL_PREFIX}."
        if topics:
            text += " The closest passages are about: " + "; ".join(topics) + "."
        timings.setdefault("generate", 0.0)
        timings["total"] = (time.perf_counter() - started) * 1000
        timings["verify"] = max(0.0, timings["total"] - timings["retrieve"] - timings["generate"])
        return Answer(asked, standalone, text, True, mode, (), (), timings, tuple(closest), tuple(notices))


def _renumbered(evidence, n):
    from dataclasses import replace

    return replace(evidence, n=n)


def quoted_sentences(evidence) -> list[AnswerSentence]:
    """An extractive answer's sentences: each evidence quote, verbatim, citing itself."""
    return [AnswerSentence(e.quote, (e.n,), True) for e in evidence]


def _with_markers(sentence: AnswerSentence) -> str:
    """The sentence as shown, with its ``[n]`` markers; markers that were part of the quoted
    text become ``［n］`` so they cannot be read (or linked) as citations."""
    markers = "".join(f"[{n}]" for n in sentence.citations)
    text = inert_markers(sentence.text)
    if markers and text and text[-1] in ".!?\u3002":
        return f"{text[:-1]} {markers}{text[-1]}"
    return f"{text} {markers}".strip()
