"""EvidenceSelector: retrieved passages become scored sentences, and passages are reranked
by their best sentence.

Each passage is split into sentences (offsets into the document, so a citation points at the
exact span). A sentence's score blends its embedding similarity to the question with how much
of the question's keyword weight it holds; sentences that ask a question or address the
assistant are pushed down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.config import AnswerConfig
from rag.question import (DEMONYMS, Question, distributive_pieces, has_figure, holds_answer_type, named_things,
                          own_words_of_the_sides, years_in)
from rag.text import is_cjk_text, split_sentences, token_set, tokenize
from rag.types import Passage, Sentence

_ADDRESSES_ASSISTANT = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b|"
    r"\bsystem prompt\b|\byou are (?:an?|the) (?:ai|assistant|language model|chatbot)\b|"
    r"\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|model|chatbot|llm)\b|"
    r"\b(?:always|only) (?:answer|reply|respond)\b|\banswer (?:with|only)\b|忽略.{0,10}(?:指令|提示)", re.I)
# Openings that point back to something named before: the sentence needs the one before it.
_NEEDS_CONTEXT = re.compile(
    r"^\W*(?:it|its|they|their|them|he|she|his|her|these|those|there|such|"
    r"(?:this|that|the) (?:city|company|province|move|plan|programme|program|policy|firm|park|region|lab|"
    r"laboratory|model|approach|strategy|government|team|fund|group|place|district|zone|country)|"
    r"(?:this|that) (?:is|was|has|had|means|meant|shows|showed|made|makes|led)|"
    # a date given by the sentence before: "The same day ...", 同一天, 次年
    r"(?:on |in )?the (?:same|next|following) (?:day|week|month|year)|(?:on |in )?that (?:day|week|month|year)|"
    r"(?:a|one) (?:day|week|month|year) later|later that (?:day|month|year))\b|"
    r"^\W*(?:该|这|此|其|他们|它|同一天|同日|同年|同月|当天|当日|当年|次日|次年|翌年|第二年)", re.I)
MIN_NEW_WORDS = 4  # a sentence adding this many words of its own to the question's is not a restatement
# A question about the asking itself ("How did the 'why not here?' questioning spread ...?", "How did Hefei
# get pulled into the debate?"): the questions others asked are what it wants told.
_ABOUT_ASKING = re.compile(r"\b(?:ask(?:s|ed|ing)?|question(?:s|ed|ing)|soul-searching|debate|reflections?|"
                           r"introspection|grill(?:s|ed|ing)?|singled out)\b|追问|反思|发问|之问|三问|质问|拷问", re.I)
# ... but one asking why (outside its quotes: "How did Hefei get pulled into the 'why not us' debate?" asks
# how) wants reasons: a question someone asked echoes the reader's, outscores the reasons and is none
_ASKS_WHY = re.compile(r"\bwhy\b|\bhow come\b|为什么|为何|凭什么", re.I)
_QUOTED = re.compile(r"[\"\u201c\u300a\u300c][^\"\u201d\u300b\u300d]*[\"\u201d\u300b\u300d]|"
                     r"(?<!\w)'[^']*'(?!\w)|\u2018[^\u2019]*\u2019")
# Words that carry a reason, a cause or a means: what an explanation is made of.
_EXPLANATORY = re.compile(
    r"\b(?:because|since|thanks to|due to|owing to|as a result|result(?:ed)? (?:of|in)|led to|lead to|leads to|"
    r"help(?:ed|s)?|enabl\w*|allow\w*|dr(?:ove|ive|iven)|foster\w*|nurtur\w*|support\w*|attract\w*|tolera\w*|"
    r"environment|ecosystem|polic(?:y|ies)|invest\w*|talent|culture|strateg\w*|patien\w*|long-term\w*|key to|"
    r"secret|credit\w*|prais\w*|stress\w*|argu\w*|so that|in order to|reason\w*|lesson\w*|should|must|need to)\b|"
    r"因为|由于|得益于|原因|关键|离不开|营商环境|生态|政策|宽容|包容|支持|培育|吸引|应该|需要", re.I)
# "X is a/an/the ...": a sentence that defines rather than explains.
_DEFINITION = re.compile(r"^\W*(?:the\s+)?[\"\u201c]?[A-Z][^,.;:!?]{0,80}?[\"\u201d]?\s+(?:\([^)]*\)\s+)?"
                         r"(?:is|are|was|were)\s+(?:an?|the|one of)\b|^\W*[\u201c\"]?[\u4e00-\u9fff\w]{1,20}[\u201d\"]?"
                         r"(?:是|指)")
_ASKS = re.compile(r"[?\uff1f][\"'\u201d\u2019\u300d\u300f)\]]*\s*$")
# A line of a reference list ("[1] Wuhan's Optics Valley (briefs/...)") names a source, it states
# nothing: it is never evidence (a planted one would pose as a citation).
_REFERENCE_ENTRY = re.compile(r"^\W{0,2}\[\d+\]")
# "how's the East Lake zone doing, going by the numbers?", 拿数字说说, 到底有多大: an explanation that
# asks for figures
_ASKS_FOR_FIGURES = re.compile(r"\b(?:numbers|figures?|stats|statistics|how (?:big|large|much|many)|scale)\b|"
                               r"数字|多大|多少|规模|家底|分量", re.I)
# An explanation asking how something came to be what it is ("How did Zhongguancun go from a strip of
# computer shops to ...?", 蔚来中国总部是怎样一步步落户合肥的？): its points are the dated steps.
_ASKS_HOW_IT_CAME = re.compile(
    r"\bhow (?:did|has|have|had)\b.*\b(?:go(?:ne)? from|become|grow|grew|grown|develop|change|evolve|turn(?:ed)? "
    r"(?:\w+ )?into|transform|rise|risen|emerge|come about|get to|build|built|expand)|"
    r"\bhow\b.*\b(?:changed|developed|evolved|grown|transformed)\b|"
    r"(?:怎样|怎么|如何).*(?:发展|成长|变成|成为|一步步|走到|扩|起家|崛起|演变)", re.I)
# A question about how a document ends ("according to the essay's conclusion", "How does the essay sign
# off?", 文章最后说……) and the sections that end one ("Conclusion", 结语): their sentences are where it
# points.
_ASKS_ABOUT_THE_END = re.compile(r"\bconclu(?:sion|sions|ding|des)\b|\bsign(?:s|ed)? off\b|\bat the end\b(?! of)|"
                                 r"\bclosing (?:section|paragraph|lines?|words)\b|文章最后|最后(?:一段|部分)|结尾|结语|末尾", re.I)
_CLOSING_HEADING = re.compile(r"\bconclu\w*|\bsummary\b|\bclosing\b|\bfinal (?:thoughts|words)\b|结语|结论|结束语|总结|尾声",
                              re.I)


def asks_about_the_end(text: str) -> bool:
    """Does the question ask about how a document ends ("according to the conclusion", "How does the
    essay sign off?", 文章最后说了什么？), not about the end of a year ("at the end of 2024") or a
    closing share price?

    Args:
        text: the standalone question.

    Returns:
        True when the question points at a document's closing section.
    """
    return bool(_ASKS_ABOUT_THE_END.search(text))


MIN_SENTENCE_CHARS = 12  # shorter pieces (list bullets, stray headings) are not evidence
MIN_CJK_SENTENCE_CHARS = 6


@dataclass(frozen=True)
class Selection:
    """The evidence an answer may draw on.

    Attributes:
        question: the analysed standalone question.
        passages: the kept passages, reranked (best first).
        sentences: their sentences, scored, best first.
        idf: term weights of the index state the passages came from.
    """

    question: Question
    passages: tuple[Passage, ...]
    sentences: tuple[Sentence, ...]
    idf: object


def keyword_overlap(question_tokens, text: str, idf) -> float:
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
    present = token_set(text)
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in wanted if t in present) / total if total else 0.0


# The same passages come back for question after question: what a sentence is, apart from any
# question, is worked out once per text (bounded caches; a sentence is a few hundred characters).
SENTENCE_CACHE = 16_384


@lru_cache(maxsize=SENTENCE_CACHE)
def asks(text: str) -> bool:
    """The sentence is a question: it ends with a question mark, and not one inside a quotation
    it reports ("They resurrected the “Shanghai Question” from 2008: “Why didn't ...?”" states
    something; "But DeepSeek?" and "“Why Hangzhou?”" ask)."""
    if not _ASKS.search(text):
        return False
    opened = max(text.rfind(q) for q in "\"\u201c\u300c\u300e")
    return opened <= 3


@lru_cache(maxsize=SENTENCE_CACHE)
def explains(text: str) -> bool:
    """Does the sentence carry a reason, a cause or a means ("because", "thanks to", "fostering",
    "should")?"""
    return bool(_EXPLANATORY.search(text))


@lru_cache(maxsize=SENTENCE_CACHE)
def leans_on_previous(text: str) -> bool:
    """The sentence opens with words pointing back to something named before ("This city ...",
    "It ...", "The group ..."): it needs the sentence before it."""
    return bool(_NEEDS_CONTEXT.match(text))


@lru_cache(maxsize=SENTENCE_CACHE)
def addresses_assistant(text: str) -> bool:
    """Text in documents is data: a sentence giving the assistant orders is never evidence."""
    return bool(_ADDRESSES_ASSISTANT.search(text))


def restates(question: Question, text: str, novelty: float) -> bool:
    """Is the sentence the question itself: a quoted question, a headline or a restatement?

    Args:
        question: the analysed question.
        text: a candidate sentence.
        novelty: least share of the sentence's words that must be new to the question.
    """
    if ("?" in text or "\uff1f" in text) and (not _ABOUT_ASKING.search(question.text)
                                              or _ASKS_WHY.search(_QUOTED.sub(" ", question.text))):
        return True
    words = token_set(text)
    if not words:
        return True
    asked = token_set(question.text)
    stems = {a[:5] for a in asked if len(a) >= 5}
    new = {w for w in words if w not in asked and w[:5] not in stems}
    # Few new words, both as a share and as a count: a sentence adding "increasingly diverse,
    # complex and networked" to the question's own words gives the reason, it does not restate.
    return len(new) / len(words) < novelty and len(new) < MIN_NEW_WORDS


def rarest_name(question: Question, idf) -> str:
    """The question's name that the fewest documents use ("Kujiale" in "Which of Hangzhou's Six
    Little Dragons is behind the Kujiale platform?"), or "" when it names nothing."""
    names = [name for name in question.names if name not in DEMONYMS]
    return max(names, key=idf) if names else ""


class EvidenceSelector:
    """Scores the sentences of retrieved passages and keeps the best passages.

    Similarity is measured with MiniLM when question and sentence are both English, and in the
    multilingual space when either is Chinese.

    Args:
        embedder: encodes the question and sentences (vectors are cached).
        config: tuning constants.
        multilingual: the :class:`rag.multilingual.MultilingualEncoder` (None: MiniLM only).
    """

    def __init__(self, embedder, config: AnswerConfig | None = None, multilingual=None):
        self.embedder = embedder
        self.config = config or AnswerConfig()
        self.multilingual = multilingual

    def run(self, question: Question, passages, k: int, idf) -> Selection:
        """Score every sentence, rerank passages by their best sentence, keep ``k`` of them (the
        first in fused order always among them, for a factoid naming years the best passage
        naming them, for an English factoid the best Chinese passage that could answer it, and for a
        question with two sides the passage saying most of each side).

        Args:
            question: the analysed standalone question.
            passages: candidate :class:`Passage` objects, in fused order.
            k: passages to keep.
            idf: term weights (token -> float).

        Returns:
            A :class:`Selection`.
        """
        sentences = self.score(question, passages, idf)
        best: dict[str, float] = {}
        # An explanation's passage is as good as its best sentence that is not the question
        # itself: a headline restating "Why Hangzhou?" does not hold the reasons.
        ranking = [s for s in sentences if not restates(question, s.text, self.config.restatement_novelty)] \
            if question.is_explanation else sentences
        for sentence in ranking:
            best.setdefault(sentence.chunk_id, sentence.score)
        # A passage is as good as its best sentence; ties keep the fusion order.
        order = sorted(range(len(passages)), key=lambda i: (-best.get(passages[i].chunk_id, -1.0), i))
        # Dense similarity cannot see a rare name it has no vector for ("Kujiale"); the keyword
        # side found its passage, which keeps the last place when no kept passage names it.
        rare = rarest_name(question, idf) if k > 1 and not question.is_explanation else ""
        holding = [i for i in order if rare and rare in token_set(passages[i].text)]
        kept_anyway = [holding[0]] if holding and not set(holding) & set(order[:k]) else []
        # The passage the retrievers agree on most keeps a place too: its sentences may score low
        # against the question when one long sentence holds many facts, or across languages
        # ("the revenue of Hangzhou's core digital-economy industries ... reaching 1.0824 trillion
        # yuan" for 2018年杭州数字经济核心产业的营收达到多少？).
        if k > 1 and passages and 0 not in order[:k] + kept_anyway:
            kept_anyway.append(0)
        # A factoid naming a year keeps the best passage naming it, when no kept one does: the
        # 2024 share of Hangzhou's GDP is in a Chinese passage that ranks below five English
        # passages on Hangzhou's digital economy in other years.
        years = question.years if k > 2 and not question.is_explanation else ()
        dated = [i for i in order if all(y in passages[i].text for y in years)] if years else []
        if dated and not set(dated) & set(order[:k - len(kept_anyway)] + kept_anyway):
            kept_anyway.append(dated[0])
        # An English factoid keeps the best Chinese passage with a sentence that could answer it,
        # when no kept passage is Chinese: "如今光谷的规划面积约为518平方公里" answers "How big is Optics
        # Valley?" below five English passages on Optics Valley that give no area. Such a sentence
        # writes every name in the form the name bridge gives (光谷), every year asked, the kind of
        # figure or date asked, and is as close in meaning as a cross-language figure must be.
        chinese = [i for i in order if is_cjk_text(passages[i].text)] \
            if k > 2 and question.language == "en" and not question.is_explanation and question.wants else []
        if chinese and not set(chinese) & set(order[:k - len(kept_anyway)] + kept_anyway):
            answering = {s.chunk_id for s in sentences if self.could_answer_across(question, s)}
            kept_anyway.extend([i for i in chinese if passages[i].chunk_id in answering][:1])
        # A question setting two things or events side by side keeps, for each, the passage saying
        # most of its own words: "China's first private high-tech enterprise" is in a passage on
        # Zhongguancun that ranks below five on the first optical fibre for "Which came first:
        # China's first optical fibre or China's first private high-tech company?".
        # ... and so does each thing a distributive question lists ("When did Zhongguancun and Songshan Lake
        # each ...?")
        sides = own_words_of_the_sides(question)
        if distributive_pieces(question.text):
            sides += list(question.part_words)
        for words in sides if k > 2 else []:
            said = {i: keyword_overlap(words, passages[i].text, idf) for i in order}
            holding = max(order, key=lambda i: said[i], default=None)
            kept_best = max((said[i] for i in order[:k - len(kept_anyway) - 1] + kept_anyway), default=0.0)
            if holding is not None and holding not in kept_anyway and said[holding] > max(kept_best, 0.0):
                kept_anyway.append(holding)
        # An explanation naming several things keeps, for each, the best passage about it (naming it
        # first in its title, section or text: thing_named_first) when no kept passage is:
        # "东莞松山湖跟深圳光明……两家的路数有啥不一样？" finds a dozen passages on Shenzhen before the one on
        # Songshan Lake, and one on Optics Valley saying it came "after Zhongguancun" is not on Zhongguancun.
        things = things_to_cover(question, idf, self.config.subject_idf) if k > 2 else []
        about = {i: thing_named_first(things, passages[i], idf) for i in order} if things else {}
        for index in range(len(things)):
            if any(about[i] == index for i in order[:k - len(kept_anyway)] + kept_anyway):
                continue
            holding = next((i for i in order if about[i] == index), None)
            if holding is not None:
                kept_anyway.append(holding)
        ranked = [i for i in order if i not in kept_anyway][:k - len(kept_anyway)]
        kept = tuple(passages[i] for i in ranked + kept_anyway)
        ids = {p.chunk_id for p in kept}
        return Selection(question, kept, tuple(s for s in sentences if s.chunk_id in ids), idf)

    def could_answer_across(self, question: Question, sentence: Sentence) -> bool:
        """Could a sentence in the other language answer the factoid: it writes every bridged name
        (``other_terms``) and year of the question, holds the kind of answer asked, and is at least
        ``cross_similarity`` close to it."""
        text = sentence.text.lower()
        return bool(question.other_terms) and all(t in text for t in question.other_terms) \
            and all(y in text for y in question.years) and holds_answer_type(question, sentence.text) \
            and sentence.similarity >= self.config.cross_similarity

    def score(self, question: Question, passages, idf) -> list[Sentence]:
        """Split passages into sentences and score each against the question.

        Returns:
            Sentences of all passages (duplicates from overlapping chunks removed), best first.
        """
        units = []
        seen = set()
        for rank, passage in enumerate(passages):
            base = int(passage.metadata.get("start", 0))
            previous = ""
            for a, b in split_sentences(passage.text):
                piece = passage.text[a:b]
                key = (passage.metadata.get("doc_id"), base + a)
                short = MIN_CJK_SENTENCE_CHARS if re.search(r"[\u3400-\u9fff]", piece) else MIN_SENTENCE_CHARS
                before, previous = previous, piece
                if key in seen or len(piece) < short:
                    continue
                seen.add(key)
                units.append((piece, passage, rank, base + a, base + b, before))
        if not units:
            return []
        c = self.config
        similarities = self.similarities(question, [u[0] for u in units])
        headings = self.heading_similarities(question, passages) if question.is_explanation else {}
        own_tokens = tokenize(question.text)
        about_the_end = asks_about_the_end(question.text)
        # what the question asks of an explanation's points, once rather than per sentence
        asks_how_it_came = bool(_ASKS_HOW_IT_CAME.search(question.text))
        asks_for_figures = bool(_ASKS_FOR_FIGURES.search(question.text))
        all_tokens = own_tokens + list(question.other_terms)
        bridged_tokens = list(question.other_terms) + list(question.other_words)
        latin = [t for t in question.names if re.fullmatch(r"[a-z0-9-]+", t)]
        event_tokens = list(dict.fromkeys(list(question.other_terms) + latin + list(question.event_words)))
        # looked up once per sentence below
        across = {t for t, _ in question.words_across}
        named = set(question.names) | set(question.paired_names) | {
            t for t in across if any(t in n for n in question.chinese_names)}
        weight = {t: idf(t) for t in set(all_tokens) | set(bridged_tokens) | set(event_tokens) | across}.__getitem__
        sentences = []
        for (text, passage, rank, start, end, before), sim in zip(units, similarities):
            # An English explanation's English sentence is matched on the question's own words: one
            # that glosses a name in Chinese ("Six Little Dragons of Hangzhou (杭州六小龙) is ...")
            # must not count that name twice and rank a definition among the reasons. (For factoids
            # the same change cost 3 dev answers, through which passages were kept: see RESULTS.)
            english = question.is_explanation and question.language == "en" and not is_cjk_text(text)
            q_tokens = own_tokens if english else all_tokens
            overlap = keyword_overlap(q_tokens, text, weight)
            if latin and question.language == "zh" and is_cjk_text(text) and \
                    not any(t in token_set(passage.text) for t in latin):
                overlap *= c.unnamed_overlap_factor
            if before and leans_on_previous(text) and not re.search(r"[?\uff1f]", before):
                # "The group became famous in early 2025, when ...": the group is named in the
                # sentence before, and the answer quotes the two together (compose.with_context);
                # a sentence after a question or a quoted one ("titled "Why ...?"") inherits nothing
                overlap = max(overlap, keyword_overlap(q_tokens, before + " " + text, weight))
            if (question.language == "zh") != is_cjk_text(text):
                # Across languages words cannot meet (beyond bridged names): the keyword share
                # is taken from meaning, so such a sentence is not ranked below every same-language one.
                overlap = max(overlap, float(sim))
                if question.other_words and not is_cjk_text(text):
                    # ... or from the English words nearest the Chinese question's own (交通: "transport")
                    overlap = max(overlap, keyword_overlap(bridged_tokens, text, weight))
                if question.words_across and not question.event_words:
                    # ... or, for a factoid, from its words met by the words nearest them in the
                    # sentence's language ("memory chips": 内存芯片), each weighed as the question's own.
                    # A name is met in the passage (the sentence may say "the company"), and a passage
                    # not naming one counts nothing ("Origin Quantum ... was established" holds 成立's
                    # "establish", not DeepSeek). Names alone (光明科学城是什么？) add nothing to the
                    # names' own share; nor does a date's event (成立), which event_words rank ("founded").
                    present, around = token_set(text), token_set(passage.text)
                    met = {t: any(w in (around if t in named else present) for w in words)
                           for t, words in question.words_across}
                    if all(met[t] for t in named if t in met) and any(t not in named for t in met):
                        total = sum(weight(t) for t in met)
                        overlap = max(overlap, sum(weight(t) for t in met if met[t]) / total if total else 0.0)
                if question.event_words and not is_cjk_text(text) and all(t in token_set(text) for t in latin):
                    # ... or, in a sentence writing its Latin names, from those and the event it asks
                    # the date of ("DeepSeek", "founded" for DeepSeek是哪年成立的？)
                    overlap = max(overlap, keyword_overlap(event_tokens, text, weight))
            score = c.semantic_weight * float(sim) + (1 - c.semantic_weight) * overlap
            if asks(text):  # a sentence that asks rarely answers (a quoted question inside one may)
                score -= c.question_penalty
            if addresses_assistant(text) or _REFERENCE_ENTRY.match(text):
                score -= c.instruction_penalty
            if question.sources and (question.sources == "zh") != is_cjk_text(text):
                score -= c.other_sources_penalty  # "according to the Chinese coverage": another language's
            if question.wants and holds_answer_type(question, text):
                score += c.type_bonus
            if about_the_end and _CLOSING_HEADING.search(passage.metadata.get("section", "")):
                score += c.closing_section_bonus
            if question.is_explanation:
                score += c.heading_weight * headings.get(passage.chunk_id, 0.0)
                if explains(text):
                    score += c.explanatory_bonus
                if asks_how_it_came and years_in(text):
                    score += c.history_bonus
                if asks_for_figures and has_figure(text):
                    score += c.figures_bonus
                if _DEFINITION.match(text):
                    score -= c.definition_penalty
            elif question.language == "zh" and not is_cjk_text(text) and _DEFINITION.match(text):
                # "Guangming Science City (光明科学城) is a planned science district ..." is close in
                # the multilingual space to any Chinese question naming it, and rarely what it asks
                score -= c.cross_definition_penalty
            sentences.append(Sentence(text, passage.chunk_id, rank, start, end, passage.metadata, passage.text,
                                      float(sim), overlap, score))
        sentences.sort(key=lambda s: -s.score)
        return sentences

    def heading_similarities(self, question: Question, passages) -> dict[str, float]:
        """Cosine of each passage's heading (its section, else its document title) to the question:
        a section titled "Why Hangzhou? The arguments in the debate" is where reasons are."""
        heads = {p.chunk_id: p.metadata.get("section") or p.metadata.get("title", "") for p in passages}
        if not heads:
            return {}
        values = self.similarities(question, list(heads.values()))
        return {cid: float(v) for cid, v in zip(heads, values)}

    def similarities(self, question: Question, texts: list[str]):
        """Cosine of each text to the question, in the space that fits their languages."""
        import numpy as np

        chinese = [is_cjk_text(t) for t in texts]
        cross = self.multilingual is not None and (question.language == "zh" or any(chinese))
        result = np.zeros(len(texts), dtype="float32")
        english = [i for i, c in enumerate(chinese) if not c] if question.language == "en" else []
        if english:
            query = self.embedder.encode_cached([question.text])[0]  # the retriever encoded it already
            result[english] = self.embedder.encode_cached([texts[i] for i in english]) @ query
        rest = [i for i in range(len(texts)) if i not in set(english)]
        if rest:
            encoder = self.multilingual if cross else self.embedder
            query = encoder.encode_cached([question.text])[0]
            result[rest] = encoder.encode_cached([texts[i] for i in rest]) @ query
        return result


def thing_named_first(things: list[list[str]], item, idf) -> int | None:
    """Which of ``things`` (:func:`things_to_cover`) a passage or a sentence is about: the one its
    title, section and text name first (a sentence in the Optics Valley document that says the zone
    came "after Zhongguancun" is about Optics Valley). A thing is named by one of its Chinese forms
    or its rarest English word ("songshan", not "lake"; "guangming", not "city").

    Returns:
        The thing's index; None when it names none.
    """
    where = f"{item.metadata.get('title', '')} {item.metadata.get('section', '')} {item.text}"
    lowered, first = where.lower(), []
    for index, words in enumerate(things):
        latin = [w for w in words if not is_cjk_text(w)]
        spots = [where.find(w) for w in words if is_cjk_text(w)]
        if latin:
            found = re.search(r"(?<![a-z0-9])" + re.escape(max(latin, key=idf)), lowered)
            spots.append(found.start() if found else -1)
        spots = [s for s in spots if s >= 0]
        if spots:
            first.append((min(spots), index))
    return min(first)[1] if first else None


def things_to_cover(question: Question, idf, floor: float) -> list[list[str]]:
    """The things an explanation names (:func:`rag.question.named_things`) that its answer should
    cover each, when it names two or more; a name most of the collection uses ("DeepSeek", its
    term weight under ``floor``) is none.

    Args:
        question: the analysed question.
        idf: term weights.
        floor: the least weight of a thing's rarest English word.

    Returns:
        One list of words per thing; empty for a question naming fewer than two.
    """
    if not question.is_explanation:
        return []
    things = [words for words in named_things(question)
              if any(is_cjk_text(w) for w in words) or max(idf(w) for w in words) >= floor]
    return things if len(things) >= 2 else []
