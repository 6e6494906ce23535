"""Composer: turns the selected evidence into answer text with ``[n]`` markers.

- :class:`ExtractiveComposer` quotes sentences (no model). A factoid gets the best one to three
  sentences; an explanation gets a one-line lead and 3-6 distinct points from every document
  that has one, chosen by maximal marginal relevance, most relevant first.
- :class:`LLMComposer` asks a language model to write from numbered evidence, and cleans up
  its output (a declining reply, a sentence cut off by the token limit).

Quoted sentences that lean on the sentence before them ("This city used ...") are quoted with
that sentence, so a point reads true where it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.config import AnswerConfig
from rag.evidence import (EvidenceSelector, Selection, addresses_assistant, asks, explains, keyword_overlap,
                           leans_on_previous, rarest_name, restates, thing_named_first, things_to_cover)
from rag.gate import (CHINESE_COUNTRIES, Gate, dates_of_the_sides, names_any_a_chinese_question_names, names_ordinals,
                      names_years, parts_as_questions)
from rag.prompts import (ANSWER_SYSTEM, ANSWER_USER, EVIDENCE_LINE, EXPLANATION_LEAD, EXPLANATION_SYSTEM,
                         INTERVAL_LEAD, INTERVAL_UNITS, LANGUAGE_NAMES)
from rag.question import (DEMONYMS, Question, asks_what_happened_then, distributive_pieces, holds_answer_type, holds_type,
                          names_a_place_asked_for, own_words_of_the_sides, person_names, unit_asked,
                          without_figures_of, years_in)
from rag.text import is_cjk_text, size_in_words, split_sentences, tokenize
from rag.types import AnswerSentence, Evidence, Sentence
from rag.verify import normalize_markers

# Openings that link to the sentence before but still read true alone.
_LINKS_BACK = re.compile(r"^\W*(?:this|that|also|however|but|meanwhile|in addition|moreover|as a result|"
                         r"therefore|yet|still|instead)\b", re.I)
# "... became the main testing ground for that line", "After this experiment, ...": a thing named
# in the sentence before, referred to inside this one.
_POINTS_BACK = re.compile(r"\b(?:for|of|to|in|on|with|after|before|under|from|by|behind|into|since|despite|like)\s+"
                          r"(?:that|this|these|those)\s+[a-z]", re.I)
# "《人民日报》的评论也认为，这种敢于自问……的态度": a Chinese sentence refers back by a demonstrative inside it.
# (应该 "should" and 如此 "so" point nowhere)
_CHINESE_POINTS_BACK = re.compile(r"这[种一些个场番样次类批项套]|(?<!如)此|(?<!应)该|其中")
# "Sources differ on the exact founding date: ...": what the sources dispute (group 1).
_DISPUTED = re.compile(r"^\W*sources (?:differ|disagree|vary)(?: slightly)? (?:on|about|over) ([^:.;]+)", re.I)
_MODEL_REFUSAL = re.compile(r"documents? (?:do(?:es)?n[\u2019']?t|do(?:es)? not) (?:say|mention|provide|contain)|"
                            r"not (?:mentioned|provided|stated) in the (?:evidence|documents?)|no information|"
                            r"文档中没有|没有提到|未提及", re.I)
# A sentence announcing what follows: it ends with a colon or "in three stages", "as follows".
_ANNOUNCES = re.compile(r":\s*$|\b(?:in|into|through|over) (?:two|three|four|five|six|several|\d+) (?:stages|steps|"
                        r"phases|ways|parts|rounds|waves|versions)\s*\.?$|\bas follows\s*[.:]?$", re.I)
MAX_CONTEXT_WORDS = 90  # a sentence quoted with the one before it stays under this size
TOPIC_SENTENCE_WORDS = 10  # a paragraph's first sentence this short names its topic, and is quoted with the next ...
TOPIC_SENTENCE_CHARS = 20  # ... in Chinese too: "DeepSeek走红之后，合肥也加入了城市反思。"
MIN_POINT_WORDS = 6  # a point carries a claim ...
MIN_POINT_CHARS = 12  # ... in Chinese too: "第一篇从杭州说起" ("the first began with Hangzhou") does not
_WHY = re.compile(r"\bwhy\b|为什么|为何|原因|\breasons?\b|\bwhat (?:made|makes|explains|drove|led)", re.I)
_SHOULD = re.compile(r"\b(?:should|must|ought|lessons?)\b|应该|应当|建议", re.I)


@dataclass(frozen=True)
class Composition:
    """A composed answer before verification.

    Attributes:
        evidence: the numbered evidence the text cites.
        text: answer text with ``[n]`` markers.
        sentences: for quoted answers, the sentences (each verbatim evidence, citing itself);
            empty for generated text, which the Verifier checks.
        lead: an explanation's one-line lead.
        kind: "factoid" or "explanation".
    """

    evidence: tuple[Evidence, ...]
    text: str
    sentences: tuple[AnswerSentence, ...] = ()
    lead: str = ""
    kind: str = "factoid"


def inert_markers(text: str) -> str:
    """Write ``[n]`` found inside quoted text as ``［n］``: shown as is, never taken for a citation."""
    return re.sub(r"\[(\d+)\]", "\uff3b\\1\uff3d", text)


def to_evidence(sentences) -> tuple[Evidence, ...]:
    """Number sentences as evidence 1..n (in the order given)."""
    return tuple(Evidence(n=i, doc_id=s.metadata.get("doc_id", ""), title=s.metadata.get("title", ""),
                          section=s.metadata.get("section", ""), page=int(s.metadata.get("page", 0) or 0),
                          source=s.metadata.get("source", ""), chunk_id=s.chunk_id, start=s.start, end=s.end,
                          quote=s.text, passage=s.passage, passage_start=int(s.metadata.get("start", 0)))
                 for i, s in enumerate(sentences, 1))


def with_context(sentence: Sentence) -> Sentence | None:
    """The sentence as it can be quoted on its own.

    A sentence opening with a word that points back ("This city ...", "It ...") is widened to
    start at the sentence before it in the same paragraph; None when there is none or the pair
    would be too long to quote. One that only links back ("However, ...", "This wave of ...") is
    widened the same way when it can be, and otherwise quoted as it is; so is one that refers back
    inside itself ("... the main testing ground for that line", "After this experiment, ...").
    A sentence announcing what follows is quoted with the next.
    """
    if _ANNOUNCES.search(sentence.text):
        return _with_next(sentence)
    needs = leans_on_previous(sentence.text)
    if not needs and not _LINKS_BACK.match(sentence.text) and not _POINTS_BACK.search(sentence.text):
        return sentence
    base = int(sentence.metadata.get("start", 0))
    offset = sentence.start - base
    before = [a for a, b in split_sentences(sentence.passage) if b <= offset]
    text = sentence.passage[before[-1]:sentence.end - base] if before else ""
    if not text or "\n" in text or len(text.split()) > MAX_CONTEXT_WORDS or \
            len(text) > MAX_CONTEXT_WORDS * (4 if is_cjk_text(text) else 7):
        return None if needs else sentence
    return replace(sentence, text=text, start=base + before[-1])


def _opens_a_paragraph_briefly(sentence: Sentence) -> bool:
    """Is the sentence a paragraph's short first sentence, naming what the paragraph tells ("Optics
    Valley has also branched out.", "深圳和广东的反思角度有所不同。")? The sentence after it says it, and an
    explanation quotes the two together (a factoid's answer is more often the short sentence itself)."""
    text = sentence.text
    short = len(text) <= TOPIC_SENTENCE_CHARS if is_cjk_text(text) else size_in_words(text) <= TOPIC_SENTENCE_WORDS
    before = sentence.passage[:sentence.start - int(sentence.metadata.get("start", 0))]
    return short and (not before.strip() or before.rstrip(" \t").endswith("\n"))


def _with_next(sentence: Sentence) -> Sentence | None:
    """A sentence announcing what follows ("The corridor then grew in three stages.") quoted with
    the sentence after it in the same paragraph; None when there is none or the pair is too long
    (on its own it says nothing)."""
    base = int(sentence.metadata.get("start", 0))
    end = sentence.end - base
    after = [b for a, b in split_sentences(sentence.passage) if a >= end]
    text = sentence.passage[sentence.start - base:after[0]] if after else ""
    if not text or "\n" in text or len(text.split()) > MAX_CONTEXT_WORDS or \
            len(text) > MAX_CONTEXT_WORDS * (4 if is_cjk_text(text) else 7):
        return None
    return replace(sentence, text=text, end=base + after[0])


def _redundant(a: str, b: str) -> bool:
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.7


def _names_the_subject(question: Question, sentence: Sentence, idf=None, floor: float = 0.0) -> bool:
    """The point is about what the question names: the sentence (with its context), its section
    or its document title names at least one of the question's names. A nationality adjective
    names no subject, nor does a name whose term weight (``idf``) is under ``floor``: one that
    most of the collection uses ("China" in a corpus about Chinese cities).

    A Chinese question's names count in both languages: a Chinese sentence must write one of the
    names it writes (光明科学城, not a country), an English sentence one of their English forms
    from the name bridge (Guangming; "science" and "city" are too common to say what it is about).
    Hefei's USTC is no point on how Guangming Science City links its facilities to industry. An
    English question's Chinese sentence may likewise write a bridged form (光谷 for Optics Valley)."""
    names = [name for name in question.names if name not in DEMONYMS and (idf is None or idf(name) >= floor)]
    where = f"{sentence.metadata.get('title', '')} {sentence.metadata.get('section', '')} {sentence.text}"
    cjk = is_cjk_text(sentence.text)
    if question.language == "zh" and cjk and any(name not in CHINESE_COUNTRIES for name in question.chinese_names):
        # the sentence before names the subject for this one only when this one leans on it or refers
        # back to it inside (周红波's words on Hangzhou follow a sentence on Hefei's newspaper, and are no
        # point on Hefei)
        return bool(set(names) & set(tokenize(where))) or names_any_a_chinese_question_names(
            question, sentence, leaning_only=not _CHINESE_POINTS_BACK.search(sentence.text))
    if (question.language == "zh") != cjk:
        # a sentence in the other language writes the names in the forms the name bridge gives
        # (Guangming for 光明科学城, 光谷 for Optics Valley)
        names += [t for t in question.other_terms if idf is None or idf(t) >= floor]
    if not names:
        return True
    present = set(tokenize(where))
    return any(name in present for name in names)


def _reading_order(chosen):
    doc_order = {}
    for s in chosen:
        doc_order.setdefault(s.metadata.get("doc_id"), len(doc_order))
    return sorted(chosen, key=lambda s: (doc_order[s.metadata.get("doc_id")], s.start))


class ExtractiveComposer:
    """Answers by quoting the best sentences, each cited. Deterministic, no model.

    Args:
        embedder: sentence vectors, for keeping explanation points apart.
        config: tuning constants.
        multilingual: the multilingual encoder, for checking a figure in the other language is
            a count of what the question counts (None: not checked).
    """

    name = "extractive"

    def __init__(self, embedder, config: AnswerConfig | None = None, multilingual=None):
        self.embedder = embedder
        self.config = config or AnswerConfig()
        self.multilingual = multilingual

    def run(self, selection: Selection) -> Composition:
        """Compose a quoted answer.

        Args:
            selection: the question and its scored sentences.

        Returns:
            A :class:`Composition` whose sentences are verbatim evidence.
        """
        if selection.question.is_explanation:
            points = self.points(selection)
            if len(points) >= 2:
                evidence = to_evidence(points)
                lead = explanation_lead(selection.question, len(evidence))
                return Composition(evidence, _quoted_text(evidence, lead), _quoted(evidence), lead, "explanation")
        sentences = self.factoid(selection)
        evidence = to_evidence(sentences)
        lead = interval_lead(selection.question, sentences, selection.idf)
        text = f"{lead} {_quoted_text(evidence)}" if lead else _quoted_text(evidence)
        return Composition(evidence, text, _quoted(evidence), lead)

    def factoid(self, selection: Selection) -> list[Sentence]:
        """The best sentence, then up to two more that score within ``extractive_margin`` of it and do
        not repeat it, in reading order. A question asking for a figure or a date gets the best
        of the top ``type_check_sentences`` sentences holding one when the chosen ones hold none.
        A distributive question ("When did Zhongguancun and Songshan Lake each get ...?") also gets
        the best sentence for each thing it lists that those do not give (:meth:`_each_asked`).
        """
        chosen = self._factoid_for_the_whole(selection)
        if not chosen or not distributive_pieces(selection.question.text):
            return chosen
        extra = self._each_asked(selection, chosen)
        return chosen[: max(1, self.config.extractive_max_sentences + 1 - len(extra))] + extra

    def _factoid_for_the_whole(self, selection: Selection) -> list[Sentence]:
        """:meth:`factoid`, for the question as a whole."""
        c = self.config
        question = selection.question
        usable = [s for s in (with_context(s) for s in selection.sentences) if s is not None]
        # A sentence that asks ("But DeepSeek?") answers nothing: others come first.
        usable = [s for s in usable if not asks(s.text)] + [s for s in usable if asks(s.text)]
        # A Chinese sentence writing none of the names a Chinese question writes (梁文锋) is about
        # something else (赵梓森's university for 梁文锋毕业于哪所大学？): the others come first.
        usable.sort(key=lambda s: not names_any_a_chinese_question_names(question, s))
        usable = _chinese_by_names_written(question, usable)
        if not usable:
            return []
        best = usable[0]
        if question.parts:
            # A multi-part question: lead with the sentence that answers the most parts.
            near = [x for x in usable[:5] if x.score >= best.score - c.extractive_margin]
            best = max(near, key=lambda x: sum(holds_type(kind, x.text) for kind in question.parts))
            usable = [best] + [x for x in usable if x is not best]
        chosen = [best]
        words = len(best.text.split())
        for s in usable[1:]:
            if len(chosen) >= c.extractive_max_sentences or s.score < best.score - c.extractive_margin:
                break
            # a sentence that goes on from a chosen one ("That figure assumes rented GPUs ...", after
            # "... priced at roughly 5.6 million US dollars") is quoted with it
            goes_on = next((x for x in chosen if _goes_on_from(s, x)), None)
            if goes_on is not None:
                grown = words + len(s.text.split()) - len(goes_on.text.split())
                if grown <= c.extractive_max_words:
                    chosen, words = [s if x is goes_on else x for x in chosen], grown
                    continue
            if any(_redundant(s.text, x.text) or _overlaps(s, x) for x in chosen) \
                    or words + len(s.text.split()) > c.extractive_max_words:
                continue
            chosen.append(s)
            words += len(s.text.split())
        gate = Gate(c, self.multilingual)

        fitting: dict[int, bool] = {}

        def fits(x):  # holds the kind of answer asked for, for the years and ordinals asked about, on its topic
            if id(x) not in fitting:
                fitting[id(x)] = holds_answer_type(question, x.text) and names_years(question, x) \
                    and names_ordinals(question, x) \
                    and (not question.wants or gate.about_the_question(question, x, selection.idf))
            return fitting[id(x)]

        typed_question = bool(question.wants or question.years or question.ordinals or question.periods)
        if typed_question and not any(fits(x) for x in chosen):
            typed = next((s for s in usable[: c.type_check_sentences] if fits(s)), None)
            if typed is not None:
                chosen = [x for x in chosen if not _overlaps(x, typed)][: c.extractive_max_sentences - 1] + [typed]
        if question.wants == "person" and not question.parts:
            # "deepseek创始人是谁": a sentence naming the founder of another company, close in score,
            # gives way to one naming a person in the role asked, of what the question names
            for s in usable[: c.type_check_sentences]:
                spare = [x for x in chosen if not fits(x)]
                if not spare:
                    break
                if s not in chosen and fits(s) and person_names(s.text) \
                        and not any(_overlaps(s, x) for x in chosen):
                    chosen = [x for x in chosen if x is not spare[-1]] + [s]
        # The question's rarest name is what it is about ("the Kujiale platform"): an answer that
        # never names it gets the best sentence that does.
        rare = rarest_name(question, selection.idf)
        if rare and not any(rare in tokenize(x.text) for x in chosen):
            named = next((s for s in usable if rare in tokenize(s.text)
                          and not any(_overlaps(s, x) for x in chosen)), None)
            if named is not None:
                # ... in place of the last sentence that does not give the kind of answer asked for
                # (a Chinese sentence naming 赵梓森 answers "Who's the father of China's optical
                # fibre?" though it writes China as 中国)
                spare = [x for x in chosen if not (typed_question and fits(x))]
                if len(chosen) < c.extractive_max_sentences:
                    chosen = chosen + [named]
                elif spare:
                    chosen = [x for x in chosen if x is not spare[-1]] + [named]
        # "Which city became the main testing ground ...?": an answer naming no place beyond the
        # question's gets the best sentence that names one
        if not any(names_a_place_asked_for(question, x.text) is not False for x in chosen):
            placed = next((s for s in usable[: c.type_check_sentences] if names_a_place_asked_for(question, s.text)
                           and not any(_overlaps(s, x) for x in chosen)), None)
            if placed is not None:
                chosen = [placed] + chosen[: c.extractive_max_sentences - 1]
        dates = dates_of_the_sides(question, usable, selection.idf)
        if dates and len(dates) == len(question.sides):
            # the two dates answer it: nothing else is shown (one sentence dating both is quoted once)
            return _reading_order([x for i, x in enumerate(dates) if all(x is not y for y in dates[:i])])
        dates = [x for x in dates if not any(_overlaps(x, y) for y in chosen)]
        if dates:
            chosen = chosen[: c.extractive_max_sentences - len(dates)] + dates
        for missing in self._unanswered_parts(question, chosen, usable[: c.type_check_sentences]):
            if len(chosen) >= c.extractive_max_sentences:
                # a sentence answering a part the others leave open comes before one that was only
                # close in score (the last of those goes; one giving the kind of answer asked stays)
                spare = [x for x in chosen[1:] if not self._answers_a_part(question, x)
                         and not (typed_question and fits(x))]
                if spare:
                    chosen = [x for x in chosen if x is not spare[-1]]
            if len(chosen) >= c.extractive_max_sentences:
                break
            chosen.append(missing)
        for missing in _years_left_out(question, chosen, usable[: c.type_check_sentences]):
            # "2000年排第几？到2024年又排到第几了？": each year asked gets a sentence giving its figure
            if len(chosen) >= c.extractive_max_sentences:
                spare = [x for x in chosen[1:] if not fits(x) and not set(years_in(x.text)) & set(question.years)]
                if not spare:
                    break
                chosen = [x for x in chosen if x is not spare[-1]]
            chosen.append(missing)
        if typed_question and not question.parts:
            # "How large is the budget?": the sentence giving the sum comes first, the rest after it
            answering = _reading_order([x for x in chosen if fits(x)])
            if question.wants == "person":  # a sentence giving a personal name answers "who" best
                answering.sort(key=lambda x: not person_names(x.text))
            if answering:
                return answering + _reading_order([x for x in chosen if not fits(x)])
        return _reading_order(chosen)

    def _each_asked(self, selection: Selection, chosen: list[Sentence]) -> list[Sentence]:
        """For a distributive question ("光谷的长飞和杭州的游戏科学各有啥动静？"), the best sentence for
        each thing it lists, scored against what is asked of that thing alone (the sentence on 长飞
        scores low against the whole question), that the ``chosen`` sentences do not already give;
        one holding the kind of answer asked and its years is preferred."""
        selector = EvidenceSelector(self.embedder, self.config, self.multilingual)
        extra: list[Sentence] = []
        for part in parts_as_questions(selection.question, selection.idf):
            scored = [s for s in (with_context(s) for s in selector.score(part, selection.passages, selection.idf))
                      if s is not None and not asks(s.text)]
            fitting = [s for s in scored if holds_answer_type(part, s.text) and names_years(part, s)]
            first = (fitting or scored)[:1]
            if first and first[0].score >= self.config.gate_threshold \
                    and not any(_overlaps(first[0], x) for x in chosen + extra):
                extra += first
        return extra

    @staticmethod
    def _part_answered(question: Question, index: int, sentence: Sentence) -> bool:
        """Does ``sentence`` answer part ``index`` of a multi-part question: it holds the part's
        answer type and half of the part's own topic words?"""
        kind, terms = question.parts[index], question.part_words[index]
        words = set(tokenize(sentence.text))
        text = sentence.text
        if kind == "quantity":
            # "How long is the train ride, and about how many people live there?": the ride's
            # "25 minutes" answers the other part, not the count
            text = without_figures_of(set(question.parts[:index] + question.parts[index + 1:]), text)
        return (kind == "other" or holds_type(kind, text)) and \
            (not terms or 2 * sum(t in words for t in terms) >= len(terms))

    def _answers_a_part(self, question: Question, sentence: Sentence) -> bool:
        return any(self._part_answered(question, i, sentence) for i in range(len(question.parts)))

    def _unanswered_parts(self, question: Question, chosen, candidates) -> list[Sentence]:
        """For each part of a multi-part question that the chosen sentences leave unanswered (see
        :meth:`_part_answered`), the best candidate that answers it and is about what the question
        names, if any."""
        added: list[Sentence] = []
        for index in range(len(question.parts)):
            shown = chosen + added
            if any(self._part_answered(question, index, x) for x in shown):
                continue
            found = next((x for x in candidates if self._part_answered(question, index, x)
                          and _names_the_subject(question, x) and not any(_overlaps(x, y) for y in shown)), None)
            if found is not None:
                added.append(found)
        return added

    def points(self, selection: Selection) -> list[Sentence]:
        """Distinct points for an explanation, most relevant first.

        Candidates score within ``explanation_margin`` of the best sentence or above
        ``explanation_floor`` (a best sentence far ahead of the rest must not leave it alone), are not the
        question itself (:func:`restates`), do not address the assistant, and are about what
        the question names. Points are then picked by maximal marginal relevance (score minus
        ``explanation_mmr`` times the closest cosine to a point already picked, and minus
        ``explanation_other_language`` for a point not in the question's language), up to
        ``explanation_max_points``.
        """
        c = self.config
        question = selection.question
        candidates = []
        for s in selection.sentences:
            # "The G60 corridor then grew in three stages." restates "How did the G60 corridor grow,
            # stage by stage?", and with the sentence it announces, answers it (judged below)
            if (restates(question, s.text, c.restatement_novelty) and not _ANNOUNCES.search(s.text)) \
                    or addresses_assistant(s.text) or _disputes_what_is_not_asked(question, s.text):
                continue
            s = with_context(s)
            if s is not None and _opens_a_paragraph_briefly(s):
                s = _with_next(s) or s  # an explanation's point says what the paragraph's topic is
            if s is None or _too_short(s.text) or not _names_the_subject(question, s, selection.idf, c.subject_idf) \
                    or restates(question, s.text, c.restatement_novelty):
                continue
            if question.language == "zh" and is_cjk_text(s.text) and s.overlap == 0 \
                    and s.similarity < c.unshared_point_similarity:
                # a Chinese sentence sharing none of a Chinese question's words, and not close to it, is
                # on something else ("民间抱怨也就罢了，江苏官方媒体公开质问本省省会，需要勇气。" for
                # "deepseek没拿外面的风投，它起步的钱……是怎么来的？")
                continue
            candidates.append(s)
        candidates = _subsumed(candidates)
        if asks_what_happened_then(question):
            # "What happened in Hefei in 2020?": each point is an event of that year (or of the day
            # asked: "on February 12 the Hefei Daily ..."), when two are given
            days = _days_named(question.text)
            dated = [s for s in candidates if set(years_in(s.text)) & set(question.years) or days & _days_named(s.text)]
            candidates = dated if len(dated) >= 2 else candidates
        if not candidates:
            return []
        floor = min(candidates[0].score - c.explanation_margin, c.explanation_floor)
        above = [s for s in candidates if s.score >= floor]
        if len(above) < c.explanation_min_points:
            # a best sentence far ahead of the rest leaves too few points: the next ones make them up
            # when they are not far off
            fill_floor = min(floor, c.explanation_fill_floor)
            above = [s for s in candidates if s.score >= fill_floor][: c.explanation_min_points]
        # (a thing the question names that no point names gets its best candidate, if below the floor)
        spare = [s for s in candidates if all(s is not x for x in above[:24])]
        candidates = above[:24]
        vectors = self.embedder.encode_cached([s.text for s in candidates])
        similarity = vectors @ vectors.T
        # A point in the other language is picked as if it scored ``explanation_other_language``
        # lower: an English reader gets English quotes when the English documents give about as
        # good reasons, and a Chinese reader still gets the English sentence on how Deep Robotics'
        # dogs went into substations when it is clearly the better point.
        own_language = (question.sources or question.language) == "zh"
        penalty = [0.0 if is_cjk_text(s.text) == own_language else c.explanation_other_language for s in candidates]
        chosen = self._pick(candidates, similarity, penalty)
        candidates, chosen = self._covering_each_thing(selection, candidates, chosen, spare)
        # Points that give a reason or a means ("thanks to", "praised ... for", "should") lead; the
        # rest keep their order after them.
        chosen.sort(key=lambda i: not explains(candidates[i].text))
        return [candidates[i] for i in chosen]

    def _covering_each_thing(self, selection: Selection, candidates, chosen: list[int], spare) -> tuple[list, list[int]]:
        """``candidates`` and ``chosen`` with, for each thing the question names that no chosen point
        names (:func:`rag.evidence.things_to_cover`), the best candidate naming it (from ``spare``, the
        ones under the floor, when none above it does) in place of the last point (a point of its own
        when there are fewer than ``explanation_max_points``): "How did Songshan Lake's and
        Guangming's ways differ?" is not answered by five points on Guangming. (A point counts for
        every thing it names, not only the one it names first: "The G60 corridor covers nine cities:
        Shanghai ..." covers Shanghai too.)"""
        things = things_to_cover(selection.question, selection.idf, self.config.subject_idf)
        candidates, chosen = list(candidates) + list(spare) if things else candidates, list(chosen)

        def names(words, s):
            return thing_named_first([words], s, selection.idf) is not None

        for words in things:
            if any(names(words, candidates[i]) for i in chosen):
                continue
            best = next((i for i, s in enumerate(candidates) if i not in chosen and names(words, s)
                         and not any(_overlaps(s, candidates[j]) or _redundant(s.text, candidates[j].text)
                                     for j in chosen)), None)
            if best is None:
                continue
            if len(chosen) >= self.config.explanation_max_points:
                chosen.pop()
            chosen.append(best)
        return candidates, chosen

    def _pick(self, candidates, similarity, penalty: list[float]) -> list[int]:
        """Maximal marginal relevance: pick candidates (indices) until ``explanation_max_points``;
        each time the one whose score, less its ``penalty`` and ``explanation_mmr`` times its
        closest cosine to a chosen point, plus ``explanation_same_section`` when it is in the first
        point's section, is highest, skipping repeats. A document tells its reasons in one place:
        the first point's neighbours in its section often carry the rest of them."""
        c = self.config
        chosen: list[int] = []
        while len(chosen) < c.explanation_max_points:
            best_i, best_value = None, None
            for i, s in enumerate(candidates):
                if i in chosen or any(_overlaps(s, candidates[j]) or _redundant(s.text, candidates[j].text)
                                      for j in chosen):
                    continue
                closest = max((float(similarity[i][j]) for j in chosen), default=0.0)
                value = s.score - penalty[i] - c.explanation_mmr * closest
                if chosen and _same_section(s, candidates[chosen[0]]):
                    value += c.explanation_same_section
                if best_value is None or value > best_value:
                    best_i, best_value = i, value
            if best_i is None:
                break
            chosen.append(best_i)
        return chosen


def _same_section(a: Sentence, b: Sentence) -> bool:
    """Are the two sentences in one section of one document?"""
    return (a.metadata.get("doc_id"), a.metadata.get("section")) == (b.metadata.get("doc_id"), b.metadata.get("section"))


def _years_left_out(question: Question, chosen: list[Sentence], candidates: list[Sentence]) -> list[Sentence]:
    """For a question asking a figure or a date for several years, the best candidate for each
    year no chosen sentence names: one naming that year, holding the kind of answer asked and
    about what the question names."""
    if len(question.years) < 2 or not question.wants:
        return []
    added: list[Sentence] = []
    for year in question.years:
        shown = chosen + added
        if any(year in years_in(x.text) for x in shown):
            continue
        found = next((x for x in candidates if year in years_in(x.text) and holds_answer_type(question, x.text)
                      and _names_the_subject(question, x) and not any(_overlaps(x, y) for y in shown)), None)
        if found is not None:
            added.append(found)
    return added


def _chinese_by_names_written(question: Question, sentences: list[Sentence]) -> list[Sentence]:
    """An English question's Chinese sentences reordered among themselves, those writing more of
    the Chinese forms of its names first (南京 and 周红波 before 南京 alone for "... Nanjing's party
    secretary Zhou Hongbo ..."); English sentences keep their places."""
    chinese = [t for t in question.other_terms if is_cjk_text(t) and t not in CHINESE_COUNTRIES]
    if question.language != "en" or len(chinese) < 2:
        return sentences
    slots = [i for i, s in enumerate(sentences) if is_cjk_text(s.text)]

    def written(s):
        context = f"{s.metadata.get('title', '')} {s.metadata.get('section', '')} {s.text}"
        return sum(name in context for name in chinese)

    ordered = sorted((sentences[i] for i in slots), key=lambda s: -written(s))
    reordered = list(sentences)
    for i, s in zip(slots, ordered):
        reordered[i] = s
    return reordered


def _subsumed(candidates: list[Sentence]) -> list[Sentence]:
    """Candidates without those another one quotes whole: "The group became famous in early 2025,
    when ..." is quoted with the sentence before it, which names the group; that sentence is no
    separate point (the two would overlap, and the first one picked would shut the other out).
    The quote that takes it in keeps the better score of the two. Best first."""
    def within(x, y):  # x's span lies inside y's, and is not the same span
        return x.metadata.get("doc_id") == y.metadata.get("doc_id") and y.start <= x.start and x.end <= y.end \
            and (x.start, x.end) != (y.start, y.end)

    kept = [replace(s, score=max([s.score, *(x.score for x in candidates if within(x, s))]))
            for s in candidates if not any(within(s, y) for y in candidates)]
    return sorted(kept, key=lambda s: -s.score)


def _disputes_what_is_not_asked(question: Question, text: str) -> bool:
    """Does the sentence report sources disputing something the question does not ask about?

    "Sources differ on the exact founding date: ..." is no reason why DeepSeek appeared in
    Hangzhou (it had led that answer's points), but it is the answer to "How do the documents
    account for the different founding dates given for DeepSeek?".
    """
    disputed = _DISPUTED.match(text)
    return disputed is not None and not set(tokenize(disputed.group(1))) & set(question.terms)


def _too_short(text: str) -> bool:
    if is_cjk_text(text):
        return len(text) < MIN_POINT_CHARS
    return size_in_words(text) < MIN_POINT_WORDS


def _goes_on_from(a: Sentence, b: Sentence) -> bool:
    """Is quote ``a`` quote ``b`` and what follows it (``a`` was widened to take ``b`` in)?"""
    return a.metadata.get("doc_id") == b.metadata.get("doc_id") and a.start <= b.start and a.end > b.end


def _overlaps(a: Sentence, b: Sentence) -> bool:
    """Two quotes share text (one was widened to take in the sentence before it)."""
    return a.metadata.get("doc_id") == b.metadata.get("doc_id") and a.start < b.end and b.start < a.end


def explanation_lead(question: Question, n: int) -> str:
    """The one-line lead above an explanation's points."""
    key = "why" if _WHY.search(question.text) else "should" if _SHOULD.search(question.text) else \
        "how" if re.search(r"\bhow\b|怎样|怎么|如何", question.text, re.I) else ""
    return EXPLANATION_LEAD[(question.language if question.language in ("en", "zh") else "en", key)].format(n=n)


_MONTH_NAMES = "january february march april may june july august september october november december".split()
_MONTH = "|".join(_MONTH_NAMES)
_DAY_DATES = (re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I),  # month, day, year
              re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.I))  # day, month, year
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?")
_MONTH_DATE = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b", re.I)
_DAY_OF_MONTH = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})\b", re.I)
_CHINESE_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})[日号]")


def _days_named(text: str) -> set[tuple[int, int]]:
    """The days of the year ``text`` names, as (month, day): "February 12", "2月12日"."""
    found = {(_MONTH_NAMES.index(mo.lower()) + 1, int(d)) for mo, d in _DAY_OF_MONTH.findall(text)}
    return found | {(int(mo), int(d)) for mo, d in _CHINESE_DAY.findall(text)}


def _date_of(text: str, unit: str) -> tuple[int, int, int] | None:
    """The one date ``text`` gives to the precision ``unit`` needs ("day": year, month and day;
    "month": year and month; "year": the year), as (year, month, day) with 0 for what is not
    needed; None when it gives none, or more than one."""
    found = _dates_of(text, unit)
    return found[0] if len(found) == 1 else None


def _dates_of(text: str, unit: str) -> list[tuple[int, int, int]]:
    """The distinct dates ``text`` gives to the precision ``unit`` needs (see :func:`_date_of`)."""
    found = set()
    for m in _CHINESE_DATE.finditer(text):
        if unit != "day" or m.group(3):
            found.add((int(m.group(1)), int(m.group(2)) if unit != "year" else 0,
                       int(m.group(3)) if unit == "day" else 0))
    if unit == "day":
        found |= {(int(y), _MONTH_NAMES.index(mo.lower()) + 1, int(d)) for mo, d, y in _DAY_DATES[0].findall(text)}
        found |= {(int(y), _MONTH_NAMES.index(mo.lower()) + 1, int(d)) for d, mo, y in _DAY_DATES[1].findall(text)}
    elif unit == "month":
        found |= {(int(y), _MONTH_NAMES.index(mo.lower()) + 1, 0) for mo, y in _MONTH_DATE.findall(text)}
    else:
        found |= {(int(y), 0, 0) for y in years_in(text)}
    return sorted(found)


def _side_date(text: str, words: list[str], unit: str, idf) -> tuple[int, int, int] | None:
    """The date ``text`` gives an event: its one date (:func:`_date_of`), else the one date of its
    clause holding most of the event's own ``words``; None when neither is one date."""
    date = _date_of(text, unit)
    if date or not words:
        return date
    clause = max(re.split(r"[\uff0c\uff1b,;]", text), key=lambda c: keyword_overlap(words, c, idf))
    return _date_of(clause, unit) if keyword_overlap(words, clause, idf) > 0 else None


def _written_date(date: tuple[int, int, int], unit: str, language: str) -> str:
    year, month, day = date
    if language == "zh":
        return f"{year}年" + (f"{month}月" if unit != "year" else "") + (f"{day}日" if unit == "day" else "")
    name = _MONTH_NAMES[month - 1].capitalize() if month else ""
    return {"day": f"{name} {day}, {year}", "month": f"{name} {year}", "year": str(year)}[unit]


def interval_lead(question: Question, sentences: list[Sentence], idf) -> str:
    """For a question asking the time between two events, a line working it out from the two dates
    quoted ("By the dates quoted: 1976 to 1988, 12 years."); empty unless the answer quotes a sentence
    dating each event (one sentence may date both) that gives it one date to the precision asked (days,
    months or years), in the sentence or in its clause saying the event's words.

    Args:
        question: the analysed question.
        sentences: the sentences the answer quotes.
        idf: term weights.

    Returns:
        The line, in the question's language, or "".
    """
    if len(question.sides) != 2 or question.side_wants != "time":
        return ""
    # the unit the asking words count in ("How many years ...?", 几个月), else one the question names
    # ("How long, in days, ...?"); none: "How long ...?"
    asked = unit_asked(question.text)
    if asked not in ("day", "month", "year"):
        asked = "day" if re.search(r"\bdays?\b|天|几日", question.text, re.I) else \
            "month" if re.search(r"\bmonths?\b|个月", question.text, re.I) else \
            "year" if re.search(r"\byears?\b|年", question.text, re.I) else ""
    dated = dates_of_the_sides(question, sentences, idf)
    if len(dated) != 2:
        return ""
    # a sentence giving two dates gives each side the date of its clause that says most of the side's
    # own words ("这家公司由冯骥……于2014年创办，2024年凭借《黑神话：悟空》出圈" dates both events)
    own = own_words_of_the_sides(question)
    # "How long ...?", "多长时间": the finest unit both dates give
    for unit in [asked] if asked else ["day", "month", "year"]:
        dates = [_side_date(s.text, words, unit, idf) for s, words in zip(dated, own)]
        if None not in dates:
            break
    if None in dates or dates[0] == dates[1]:
        return ""
    start, end = sorted(dates)
    if unit == "day":
        from datetime import date

        try:
            n = (date(*end) - date(*start)).days
        except ValueError:
            return ""
    elif unit == "month":
        n = (end[0] - start[0]) * 12 + end[1] - start[1]
    else:
        n = end[0] - start[0]
    language = question.language if question.language in INTERVAL_LEAD else "en"
    singular, plural = INTERVAL_UNITS[language][unit]
    return INTERVAL_LEAD[language].format(start=_written_date(start, unit, language),
                                          end=_written_date(end, unit, language), n=n,
                                          unit=singular if n == 1 else plural)


def _quoted(evidence) -> tuple[AnswerSentence, ...]:
    return tuple(AnswerSentence(e.quote, (e.n,), True) for e in evidence)


def _quoted_text(evidence, lead: str = "") -> str:
    if lead:
        return lead + "\n" + "\n".join(f"- {inert_markers(e.quote)} [{e.n}]" for e in evidence)
    return " ".join(f"{inert_markers(e.quote)} [{e.n}]" for e in evidence)


def opens_without_citation(text: str, count: int) -> bool:
    """Has generated text finished a first sentence that cites no evidence?

    List numbers ("1.") are no sentence; a citation right after the sentence ("... grew. [2] ...")
    belongs to it.

    Args:
        text: the text generated so far.
        count: how many pieces of evidence were numbered.

    Returns:
        True once a first sentence holding words is followed by another and neither it nor what
        starts right after it holds a ``[n]`` marker (in any form
        :func:`rag.verify.normalize_markers` reads).
    """
    body = normalize_markers(text, count)
    spans = [(a, b) for a, b in split_sentences(body) if re.search(r"[^\W\d_]", body[a:b])]
    if len(spans) < 2:
        return False
    (start, end), after = spans[0], body[spans[0][1]:].lstrip()
    return "[" not in body[start:end] and not after.startswith("[")


class LLMComposer:
    """Answers with a language model from numbered evidence.

    Args:
        model: an object with ``stream(messages, max_tokens)`` (see :mod:`rag.llm`).
        name: the mode name ("local" or "openai").
        extractive: the :class:`ExtractiveComposer` that picks explanation points.
        config: tuning constants.
    """

    def __init__(self, model, name: str, extractive: ExtractiveComposer, config: AnswerConfig | None = None):
        self.model = model
        self.name = name
        self.extractive = extractive
        self.config = config or AnswerConfig()

    def evidence(self, selection: Selection) -> tuple[Evidence, ...]:
        """What the model is shown: an explanation's points, or the best sentences."""
        if selection.question.is_explanation:
            points = self.extractive.points(selection)
            if len(points) >= 2:
                return to_evidence(points)
        usable = [s for s in (with_context(s) for s in selection.sentences) if s is not None]
        return to_evidence(usable[: self.config.llm_evidence])

    def messages(self, question: Question, evidence) -> list[dict]:
        """The chat messages sent to the model."""
        lines = "\n".join(EVIDENCE_LINE.format(n=e.n, quote=" ".join(e.quote.split())) for e in evidence)
        system = EXPLANATION_SYSTEM if question.is_explanation else ANSWER_SYSTEM
        language = LANGUAGE_NAMES.get(question.language, "English")
        return [{"role": "system", "content": system.format(language=language)},
                {"role": "user", "content": ANSWER_USER.format(evidence=lines, question=question.text)}]

    def stream(self, question: Question, evidence):
        """Yield the model's text as it is generated.

        Raises:
            LLMUnavailableError: the model cannot be loaded or reached.
        """
        tokens = self.config.llm_explanation_max_tokens if question.is_explanation else self.config.llm_max_tokens
        pieces = self.model.stream(self.messages(question, evidence), max_tokens=tokens)
        if not question.is_explanation:
            yield from pieces
            return
        # An explanation that opens with a sentence citing nothing is the model writing its own
        # prose: on the dev split all 26 such openings ended in the quoted points anyway, some
        # after 200 tokens (17 s). Generation stops there; verification then falls back.
        text = ""
        for piece in pieces:
            text += piece
            yield piece
            if opens_without_citation(text, len(evidence)):
                pieces.close()
                return

    @staticmethod
    def drop_repeats(sentences) -> tuple[AnswerSentence, ...]:
        """Verified sentences that repeat an earlier one (small models loop) are dropped."""
        kept: list[AnswerSentence] = []
        for sentence in sentences:
            if sentence.verified and any(k.verified and _redundant(sentence.text, k.text) for k in kept):
                continue
            kept.append(sentence)
        return tuple(kept)

    @staticmethod
    def clean(raw: str) -> str:
        """The model's text ready for verification: "" for a decline (the gate decides refusals,
        and small models decline too often), without an unfinished last sentence."""
        raw = raw.strip()
        if _MODEL_REFUSAL.search(raw) and len(raw) < 200:
            return ""
        if raw and not re.search(r"[.!?\u3002\uff01\uff1f\]]\W*$", raw):
            cut = max(raw.rfind(". "), raw.rfind(".\n"), raw.rfind("] "), raw.rfind("\u3002"))
            raw = raw[: cut + 1] if cut >= 0 else ""
        return raw
