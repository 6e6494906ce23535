"""Gate: decide before any generation whether the retrieved text can answer the question.

A hard gate, as RAGFlow and AnythingLLM do: a prompt rule alone lets small models answer from
nearby facts. The gate refuses when

- the best sentence scores under ``gate_threshold``;
- no passage holds the question's topic: the IDF-weighted share of its topic words found in one
  passage is under ``min_term_coverage`` (``min_support_coverage`` when a sentence is close to
  the question in meaning, so a paraphrase is not refused for one missing word, and for an
  explanation, whose question names a situation in its own words rather than the fact it
  needs); a question comparing places may gather its topic from several passages;
- a question for a figure or a date finds none in a sentence about its topic, in a passage
  naming what it names ("What is the population of Nanjing?"), and not in a plan when it asks
  about now ("How many ... currently ...?" against a 2035 target), nor one said of another year
  than the one asked (the sentence names several);
- a factoid naming a year finds no sentence naming that year;
- "which of ... has the most X?" finds no sentence ranking by X;
- "which district / university / stock exchange" finds no sentence naming one, in a passage
  naming what the question names;
- an explanation's names are in no kept passage, or not together in one of its best sentences,
  or (in English) none of two or more words it asks about besides them is in a kept passage.

Across languages words cannot meet beyond names: an English question's topic in a Chinese
passage is only its names' share (in their Chinese form, or as Chinese writes them: "G60"), a
sentence in the other language counts when it is close in meaning, and what a question counts
(居民) is found there by word vectors in the multilingual space ("residents").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from rag.config import AnswerConfig
from rag.evidence import Selection, asks, keyword_overlap, leans_on_previous
from rag.question import (AND_INSIDE_A_NAME, ASKS_FOR_OTHERS, CALENDAR, CHINESE_COUNTRIES, COUNTRIES, COUNTRY_WORDS,
                          PERIOD_WORDS, QUESTION_FRAME, Question,
                          a_figure_of_the_year, analyse, answer_starts, asks_for_a_person, asks_for_a_place,
                          asks_for_bodies, counts_an_opening_span, days_in, english_role, english_role_words,
                          figure_near, gives_a_name_for, has_figure, has_quantity, has_time, holds_answer_type,
                          holds_the_role, holds_the_role_in_english, holds_the_role_of, is_a_body_word, is_of_the_past,
                          is_projection, named_kind_asked, names_a_body, names_a_place, own_words_of_the_sides,
                          question_pieces, role_holder, role_said_otherwise, sets_two_things_side_by_side,
                          side_questions, states_a_length_asked, thing_named_asked, without_the_questions_figures,
                          written_otherwise, years_in)
from rag.text import STOPWORDS, is_cjk_text, remember_short_texts, split_sentences, token_set, tokenize


@dataclass(frozen=True)
class GateDecision:
    """Whether to answer, and if not, what is missing (one line for the user)."""

    answerable: bool
    reason: str = ""
    # the question to answer when it is answered otherwise than asked (a time between two events
    # that are not both dated, answered by a length of time the documents give as it is)
    question: Question | None = None


_CJK_TERM = re.compile(r"^[\u3400-\u9fff]+$")
_CHINESE_EVENT = re.compile(r"(?:哪一?年|何时|什么时候|哪个月|哪一天|哪天)(?:起|开始)?((?!的)[\u4e00-\u9fff]{1,4}?)的?[？?]?\s*$")
# ... or a longer one whose first word is the event: "哪一年出任南京市委书记的？" (出任), "开始量产内存芯片" (量产);
# one opening with a preposition ("从浙江大学毕业") does not say where its verb is, nor one asking something
# more ("到哪一年增加值突破多少？"): those are not judged
_CHINESE_EVENT_OPENING = re.compile(r"(?:哪一?年|何时|什么时候|哪个月|哪一天|哪天)(?![^？?]*(?:多少|几|什么|哪|谁))"
                                    r"(?:起|开始|正式|首次|第一次)*+"
                                    r"(?![从在把被由向跟和与到给对于将让为是的])([\u4e00-\u9fff]{2})[\u4e00-\u9fff]{1,12}的?[？?]?\s*$")


# ... or any question word of time followed by what happened, up to the end of the question
_CHINESE_EVENT_ANYWHERE = re.compile(r"(?:哪一?年|何时|什么时候|哪个月|哪一天|哪天)([^？?，,。]{2,20}?)的?[？?]?\s*$")


def chinese_event(question) -> str | None:
    """The event a Chinese "when did it happen" question asks about (成立, 出任), or None. A longer
    event is read only in a question of one part: "到哪一年增加值突破多少？" asks for a year and a sum."""
    event = _CHINESE_EVENT.search(question.text) or \
        (None if question.parts else _CHINESE_EVENT_OPENING.search(question.text))
    # "分别是哪年哪月？" asks for a month too, not when 哪月 happened
    if event and not re.search(r"[哪几谁]|什么|多少", event.group(1)):
        return event.group(1)
    # "是哪一年从哈佛大学博士毕业的？": a usual event (:data:`_EVENTS`) said after a place or a time,
    # in a question asking nothing more ("到哪一年增加值突破多少？" asks for a sum too)
    asked = None if question.parts else _CHINESE_EVENT_ANYWHERE.search(question.text)
    if asked and re.search(r"[哪几谁]|什么|多少", asked.group(1)):
        return None
    usual = _USUAL_EVENTS_ZH.search(asked.group(1)) if asked else None
    return usual.group(0) if usual else None


def _holds_the_event(question, sentence) -> bool:
    """A Chinese question asking when something happened ("……是哪一年去世的？") needs a Chinese
    sentence that says it happened (去世; founding in any of its forms: 成立, 创办), not one giving
    another date of the same person."""
    if question.language != "zh" or not is_cjk_text(sentence.text):
        return True
    event = chinese_event(question)
    context = with_previous(sentence)
    return event is None or _in_chinese(event, context) or written_otherwise(event, context) or any(
        re.search(chinese, context) for chinese in _usual_event_forms(event, english=False))


def _usual_event_forms(event: str, english: bool) -> list[str]:
    """The forms of the usual events (:data:`_EVENTS`) that a Chinese question's event is one of
    (推出 and 发布 for 发出, "ground-breaking" for 奠基): Chinese ones, or the English ones a
    question names it by ("founded", not "launched": 成立 is no launch of a model)."""
    return [asked if english else chinese for asked, _, chinese in _EVENTS if re.search(chinese, event)]


def _names_the_holder_across(question, sentence) -> bool:
    """A Chinese "who is X's <role>" question (长鑫存储的创始人是谁？) is answered by an English
    sentence only when that sentence (or the one before, when it points back: "Its founder ...")
    names X: in Latin letters as the question writes it, or in the English form the name bridge
    gives (``other_terms``). Manycore's co-founders are not CXMT's; a holder with no known English
    form cannot be checked, so no English sentence answers for it."""
    holder = role_holder(question)
    if not holder or _same_language(question, sentence.text):
        return True
    words = set(tokenize(with_previous_if_leaning(sentence)))
    latin = _in_latin(holder) or []
    return bool(latin and set(latin) <= words) or bool(question.other_terms and set(question.other_terms) & words)


def _in_latin(holder: str) -> list[str] | None:
    """The words of a role's holder the question writes in Latin letters ("deepseek"); None for a
    Chinese one."""
    return tokenize(holder) if re.fullmatch(r"[A-Za-z][A-Za-z0-9 -]*", holder) else None


def _holds_the_role_across(question, sentence) -> bool:
    """Does an English sentence name the role a Chinese "who" question asks about, of what it names
    ("DeepSeek's founder Liang Wenfeng ..." for deepseek创始人是谁)? Close in meaning, then, whatever
    the multilingual cosine says."""
    role, holder = english_role(question), role_holder(question)
    if role is None or not holder or _same_language(question, sentence.text) \
            or not holds_the_role_in_english(question, sentence.text) \
            or not _names_the_holder_across(question, sentence):
        return False
    # ... said of it: the role a few words after its name ("Unitree Robotics was founded in ... by"), or
    # of it ("founder of DeepSeek"); not "Unitree's robots danced at a symposium ... chaired by Xi Jinping"
    latin = _in_latin(holder)
    forms = latin if latin is not None else list(question.other_terms)
    text = sentence.text.lower()
    return any(re.search(rf"\b{re.escape(form)}\w*(?:['\u2019]s)?\W+(?:[\w-]+\W+){{0,5}}?(?:{role})\b", text)
               or re.search(rf"\b(?:{role})\W+(?:of|at)\W+(?:the\W+)?{re.escape(form)}", text) for form in forms)


def _passage_names_across(question, sentence) -> bool:
    """An English passage (under its title and section) names every name of a Chinese question in
    the English form the name bridge gives (``other_terms``): a Suzhou passage does not say where
    宇树科技 has its headquarters. True for a sentence in the question's language."""
    if question.language != "zh" or _same_language(question, sentence.text):
        return True
    titled = f"{sentence.metadata.get('title', '')} {sentence.metadata.get('section', '')} {sentence.passage}"
    return len(found_terms(question.other_terms, titled)) == len(question.other_terms)


def _sentence_names_the_question(question, sentence) -> bool:
    """The sentence itself (under its title and section, after the sentence before it when it
    points back) names every name of the question, a sentence in the other language in the form
    the name bridge gives: the Six Little Dragons passage names BrainCo, but its sentence on Zhejiang
    Lab in Yuhang District does not say where BrainCo (强脑科技) has its headquarters. A Chinese
    sentence is judged by :func:`names_what_a_chinese_question_names`; True when there is nothing
    to judge by (no names, or none the bridge can write)."""
    if question.comparative or (_same_language(question, sentence.text) and question.language == "zh"):
        return True
    if not (question.names if _same_language(question, sentence.text) else question.other_terms):
        return True
    return names_everything_asked(question, sentence)


def _in_chinese(term: str, text: str) -> bool:
    """A Chinese term is in ``text`` when its characters appear there in order with at most two
    others between them: "投江" in "投汨罗江", "杨荫" in "杨荫浏". Segmentation of a question and of
    a passage often cuts the same words differently, so their tokens rarely meet exactly."""
    if not _CJK_TERM.match(term):
        return False
    return re.search(r"[\u3400-\u9fff]{0,2}?".join(map(re.escape, term)), text) is not None


def _matches(term: str, present: set[str], stems: set[str]) -> bool:
    """Exact token, its other spelling ("fiber" meets "fibre", "color" "colour"), the same first
    five letters ("emerge" meets "emergence"), or the verb of a word in -ing either way ("costing"
    meets "cost", "fund" meets "funding": the lemmatiser keeps such words, which are nouns too)."""
    return term in present or _spelled_otherwise(term) in present or (len(term) >= 5 and term[:5] in stems) \
        or any(form in present for form in _ing_forms(term))


def _ing_forms(term: str) -> tuple[str, ...]:
    """The verb of a word in -ing ("costing" -> "cost", "making" -> "make", "planning" -> "plan"),
    or the -ing word of a verb ("fund" -> "funding")."""
    if term.endswith("ing") and len(term) >= 6:
        base = term[:-3]
        return (base, base + "e") + ((base[:-1],) if base[-1] == base[-2] else ())
    return (term + "ing",) if len(term) >= 3 and term.isalpha() else ()


_OTHER_SPELLING = re.compile(r"(?<=[a-z]{2})(er|re|our|or)$")


def _spelled_otherwise(term: str) -> str:
    """The British or American spelling of a word that has one ("center" / "centre", "labor" /
    "labour"); the word itself when it has none."""
    other = {"er": "re", "re": "er", "our": "or", "or": "our"}
    return _OTHER_SPELLING.sub(lambda m: other[m.group(1)], term)


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'-]*)+")
_LOWER_RUN = re.compile(r"\b[a-z]+(?:\s+[a-z]+){2,}\b")
_VERSION = re.compile(r"(?<=[a-z])(?:v?\d+(?:\.\d+)*)$")


@remember_short_texts
def initialisms(text: str) -> frozenset[str]:
    """The initials of every run of capitalised words in ``text`` and of each stretch of two to
    six words inside it ("GNU General Public License" -> "ggpl", "gpl", "pl" ...): a reader's
    "GPLv3". A whole run's initials are also taken with its "of" / "and" ("Institute of Physics" ->
    "iop"), as are three lower-case words joined so ("memorandum of understanding" -> "mou")."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        initials = "".join(w[0] for w in run.group(0).split() if w[0].isupper()).lower()
        for i in range(len(initials)):
            for j in range(i + 2, min(len(initials), i + 6) + 1):
                found.add(initials[i:j])
        found.add("".join(w[0] for w in run.group(0).split()).lower())  # "Bank of China": "boc"
    # a title or measure in lower case, three or four content words in a row: "chief technology
    # officer" is a reader's "CTO", "gross domestic product" their "GDP"
    for run in _LOWER_RUN.finditer(text):
        words = run.group(0).split()
        for i in range(len(words)):
            for j in (i + 3, i + 4):
                if j <= len(words) and not STOPWORDS.intersection(words[i:j]):
                    found.add("".join(w[0] for w in words[i:j]))
            # "memorandum of understanding" is a reader's "MOU"
            if i + 2 < len(words) and words[i + 1] in ("of", "and") and \
                    not STOPWORDS.intersection((words[i], words[i + 2])):
                found.add("".join(w[0] for w in words[i:i + 3]))
    return frozenset(found)


@remember_short_texts
def _words_and_stems(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The tokens of ``text``, and their five-letter stems (of tokens that long)."""
    present = token_set(text)
    return present, frozenset(t[:5] for t in present if len(t) >= 5)


def found_terms(terms, text: str, by_stem: bool = True) -> list[str]:
    """The ``terms`` found in ``text``: exact token, same five-letter stem unless ``by_stem`` is
    False, the initials of a name there, with or without a version ("gplv3"), or a Chinese term's
    characters in order (:func:`_in_chinese`)."""
    present, stems = _words_and_stems(text)
    stems = stems if by_stem else frozenset()
    short = initialisms(text) if any(t not in present for t in terms) else frozenset()
    found = [t for t in terms if _matches(t, present, stems) or _VERSION.sub("", t) in short or _in_chinese(t, text)
             or written_otherwise(t, text)]
    # a Chinese compound the segmenter kept whole (东湖开发区) is found when the terms it is made of are
    # ("武汉东湖新技术开发区" holds 东湖 and 开发区)
    parts = {t for t in found if _CJK_TERM.match(t)}
    return [t for t in terms if t in found or _made_of(t, parts)]


def _made_of(term: str, parts: set[str]) -> bool:
    """Is the Chinese ``term`` two or more of ``parts`` written one after another?"""
    if not parts or not _CJK_TERM.match(term):
        return False
    ends = {0: 0}  # end offset -> parts used to reach it
    for start in range(len(term)):
        if start in ends:
            for part in parts:
                if part != term and term.startswith(part, start):
                    ends[start + len(part)] = max(ends.get(start + len(part), 0), ends[start] + 1)
    return ends.get(len(term), 0) >= 2


def coverage(terms, text: str, idf, by_stem: bool = True) -> float:
    """IDF-weighted share of ``terms`` found in ``text`` (:func:`found_terms`)."""
    if not terms:
        return 1.0
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in found_terms(terms, text, by_stem)) / total if total else 1.0


# A multi-word name: capitalised words, "of" or "and" between them, and the place or body that
# owns it ("Dongguan's Songshan Lake Materials Laboratory").
_MULTI_WORD_NAME = re.compile(r"\b[A-Z][\w-]*(?:(?:['’]s)?\s+(?:(?:of|and|for)\s+)?[A-Z][\w-]*)+")


def names_or_refers_to(question, names, text: str) -> bool:
    """Does ``text`` name all of the question's ``names``, or refer to a multi-word name by the
    body's word that ends it ("the laboratory's board" for "Songshan Lake Materials Laboratory")?
    Its passage must name them in full; the caller checks that. A name is matched whole: "quantum"
    does not name QuantumCTek."""
    if coverage(names, text, lambda t: 1.0, by_stem=False) == 1.0:
        return True
    present = set(tokenize(text))
    missing = {t for t in names if t not in present}
    for match in _MULTI_WORD_NAME.finditer(question.text):
        head = match.group(0).split()[-1]
        if is_a_body_word(head) and re.search(r"\bthe\s+" + re.escape(head) + r"\b", text, re.I):
            missing -= set(tokenize(match.group(0)))
    return not missing


def with_previous_if_leaning(sentence) -> str:
    """The sentence, with the one before it only when it points back ("Its CTO is ...")."""
    return with_previous(sentence) if leans_on_previous(sentence.text) else sentence.text


def with_previous(sentence) -> str:
    """The sentence with the one before it in its passage ("It was formed in 1959" needs its subject)."""
    offset = sentence.start - int(sentence.metadata.get("start", 0))
    before = [a for a, b in split_sentences(sentence.passage) if b <= offset]
    return sentence.passage[before[-1]:offset + len(sentence.text)] if before else sentence.text


def topic_coverage(question, text: str, idf, names_only: bool = True) -> float | None:
    """How much of the question's topic ``text`` holds (see :func:`coverage`).

    Across languages (a Chinese question, an English passage) only the question's names can be
    matched, in their other-language form; None when it has none (nothing can be checked by words).
    With ``names_only`` False, an English question's other topic words ("mayor"), which a Chinese
    text cannot hold in English, count as missing: a Chinese passage naming Nanjing does not hold
    "the mayor of Nanjing".
    """
    if _same_language(question, text):
        return coverage(question.terms, text, idf)
    if not question.other_terms:
        return None
    names = coverage(question.other_terms, text, idf)
    if names_only or question.language != "en":  # a Chinese question's names are not marked
        return names
    rest = sum(idf(t) for t in question.terms if t not in question.names)
    weight = sum(idf(t) for t in question.other_terms)
    return names * weight / (weight + rest) if weight + rest else names


def each_part(question) -> list:
    """A multi-part question as one question per part, each with its own topic words, the words its
    parts share and its names: "What public project did Hefei shelve to pay for its BOE bet, and how
    big a stake in BOE did the city hold by 2011?" is answered part by part, and the sentence giving
    the stake holds little of the project's words. Only the parts asking for what the question
    wants count: "作为雅鲁藏布江流域面积最大的支流，拉萨河全长多少公里？" asks nothing in its first part.
    Empty for a one-part question."""
    if not question.part_words:
        return []
    own = {t for part in question.part_words for t in part}
    shared = [t for t in question.terms if t not in own]
    return [replace(question, terms=tuple(dict.fromkeys((*question.names, *shared, *part))))
            for part, kind in zip(question.part_words, question.parts) if kind == question.wants]


def lists_its_names(question) -> bool:
    """Does the question list two of its names, one right after the other with "and", "or", a comma
    or "to" between them ("Zhongguancun and Optics Valley", "from V2 to R1")? "Apple ... to Shenzhen"
    lists nothing: "headquarters" stands between them."""
    words = re.findall(r"[\w\u2019'-]+|,", question.text.lower())
    named = {n.lower() for n in question.names}
    return any(a in named and b in named and joint in (",", "and", "or", "to", "vs", "versus")
               for a, joint, b in zip(words, words[1:], words[2:]))


def names_everything_asked(question, sentence) -> bool:
    """Does the sentence, under its document title and section (and after the sentence before it
    when it points back: "Its founder ..."), name every name of the question? A sentence in the
    other language names them in their other-language form (Shenzhen as 深圳)."""
    text = _in_context(sentence, leaning_only=True)
    if _same_language(question, sentence.text):
        return set(found_terms(question.names, text)) == set(question.names)
    return bool(question.other_terms) and set(found_terms(question.other_terms, text)) == set(question.other_terms)


def names_what_a_chinese_question_names(question, sentence) -> bool:
    """Does a Chinese sentence, under its title and section and after the sentence before it, write
    every name of a Chinese question? "2024年，合肥GDP……2023年排第20位" gives Hefei's rank, not
    Nanjing's (2023年南京的GDP在全国城市中排第几位？), though its passage names Nanjing too. English
    sentences are judged by the question's names in English (:func:`passage_names_the_question`)."""
    if not question.chinese_names or question.comparative or not _same_language(question, sentence.text):
        return True
    text = _in_context(sentence)
    return all(name in text for name in question.chinese_names)


def names_any_a_chinese_question_names(question, sentence, leaning_only: bool = False) -> bool:
    """Does a Chinese sentence (under its title and section, after the sentence before it) write
    one of the names a Chinese question writes, or an English one one of their English forms from
    the name bridge (浙江 as Zhejiang: a sentence on Jinan's news app is not on what Zhejiang's
    meeting set as its tasks)? Likewise a Chinese sentence for an English question writes the
    Chinese form of one of its names (新加坡, 上海 for "the Singapore-partnered park near
    Shanghai", not a sentence on Hangzhou alone). Countries do not count (中国 places the question;
    the sentence need not say it). True when the question has no such name. With ``leaning_only``
    the sentence before counts only when the sentence points back to it (see :func:`_in_context`)."""
    if question.language == "en" and is_cjk_text(sentence.text):
        # an English question's Chinese sentence writes the Chinese form of one of its names
        chinese = [t for t in question.other_terms if is_cjk_text(t) and t not in CHINESE_COUNTRIES]
        if not chinese:
            return True
        context = _in_context(sentence, leaning_only)
        return any(name in context for name in chinese)
    names = [name for name in question.chinese_names if name not in CHINESE_COUNTRIES]
    if not names:
        return True
    if not _same_language(question, sentence.text):
        english = [t for t in question.other_terms if t not in _COUNTRY_WORDS]
        return not english or bool(set(english) & set(tokenize(_in_context(sentence, leaning_only))))
    text = _in_context(sentence, leaning_only)
    return any(name in text for name in names)


_COUNTRY_WORDS = frozenset(tokenize(" ".join(COUNTRIES)))  # an English question's country names


def names_years(question, sentence) -> bool:
    """The sentence, with the one before it, names every year the question names (one of them, when
    the question itself names several), and it names no day of the year unless one the question
    names. A sentence that names years of its own, none of them asked, is about those years: "The
    2025 Shanghai plan contained 58 reform measures" after "a series issued every year since 2018"
    gives no figure for 2018; "The Hangzhou action plan targeted ... by 2022" after "an action plan
    for 2018-2022" does."""
    own = set(years_in(sentence.text))
    text = sentence.text if own and not own & set(question.years) else with_previous(sentence)
    named = set(years_in(text))
    # several years asked ("22年和24年……分别", "in 2023, and ... in 2025") may each have a sentence of
    # their own: one of them is enough (not a year of the last question a follow-up's bracket names)
    own_years = years_in(without_follow_up_bracket(question.text))
    if not (set(question.years) <= named or len(own_years) > 1 and set(own_years) & named):
        return False
    # so with days: a sentence on January 27 does not say what happened on January 28
    asked, dated = days_in(question.text), days_in(sentence.text) or days_in(with_previous(sentence))
    return not (asked and dated and not asked & dated)


def names_ordinals(question, sentence) -> bool:
    """The sentence, with the one before it, names every ordinal the question names ("the second
    phase", "ranked second", 二期, 第二十一届): a first phase's budget is not the second's; and a
    period of the unit of each opening period it names ("its first month": a month, not "its first
    week"). "First" is not judged: it is as often a plain adjective ("the first meeting of the new
    year"); nor is a sentence in the other language, which writes them otherwise."""
    if not (question.ordinals or question.periods) or not _same_language(question, sentence.text):
        return True
    text = with_previous(sentence).lower()
    return all(re.search(rf"(?<![a-z0-9]){re.escape(o.lower())}(?![a-z])", text) for o in question.ordinals) \
        and all(re.search(PERIOD_WORDS[unit], text) for unit in question.periods)


# a sentence telling when something began (for "which came first" / "which is older")
_SAYS_A_BEGINNING = re.compile(
    r"\b(?:found(?:ed|ing)|establish(?:ed|ing|ment)|set up|creat(?:ed|ion)|launch(?:ed|es)?|approv(?:ed|al)|born|"
    r"opened|releas(?:ed|es)|start(?:ed|s)|began|begun|introduc(?:ed|es)|(?:was|were) (?:produced|built|drawn|made)|"
    r"came out|reorgani[sz](?:ed|ation)|renamed|dat(?:es|ing) from)\b|"
    r"成立|创办|创立|创建|组建|设立|诞生|获批|批准|发布|推出|问世|出生|开业|启用|建成", re.I)
# "Which covers more ground ...?": a comparison by area, told by a figure of area
_ASKS_AN_AREA = re.compile(r"\b(?:ground|area|acreage|land|square)\b|面积|占地", re.I)
_GIVES_AN_AREA = re.compile(r"\bsquare (?:kilomet|met)(?:re|er)s?\b|\bkm2\b|km\u00b2|\bsq\.? ?km\b|\bhectares?\b|"
                            r"\bacres?\b|\bmu\b|\d-mu\b|平方公里|平方千米|平方米|亩|公顷", re.I)


def dates_of_the_sides(question, sentences, idf) -> list:
    """For a question asking the time between two events (``question.sides``), the dated sentence
    (for an either-or question by size, the sentence giving a figure) that names each event's names
    (when in the question's language) and says most of its own words, then least of the other's
    ("DeepSeek-V3 was released on December 26, 2024." for "How many days after DeepSeek-V3 came out
    did R1 follow?", not the sentence on R1 that names V3 as its base), for the events that have one
    (one sentence may date both).

    Args:
        question: the analysed question.
        sentences: candidate sentences.
        idf: term weights.

    Returns:
        The sentences found, one per dated event, in the order of the events.
    """
    if not question.sides:
        return []
    own = own_words_of_the_sides(question)
    # a Chinese either-or question's side is a thing named, and its name in English forms is its own
    # word too (强脑: "brainco"); an event between two is told by its own words (王兴兴头一回带机器狗去乌镇
    # is not dated by "Unitree Robotics was founded in Hangzhou in 2016 by Wang Xingxing")
    named_in = [[t for n, forms in zip(question.chinese_names, question.english_of_names) if n in side for t in forms]
                if sets_two_things_side_by_side(question.text) else [] for side in question.sides]
    own_in_english = [[t for t in forms if t not in other] for forms, other in zip(named_in, named_in[::-1])]
    # the names said outside both events are what both are about (蔚来 in 蔚来从落户合肥到第一次盈利……):
    # a date of another's first time is no date of this one's; an event may be worded otherwise
    # (科大 for 中国科学技术大学), so one of its own words is enough
    rest = question.text
    for side in question.sides:
        rest = rest.replace(side, " ")
    subject = [t for t in tokenize(rest) if t in question.names or t in question.chinese_names]
    # (a Chinese name the segmenter cuts, 游戏科学 in 游戏科学从成立到……, is met as written, or in English)
    subject += [n for n in question.chinese_names if n in rest and n not in subject]
    english = [t for n, forms in zip(question.chinese_names, question.english_of_names) if n in subject for t in forms]

    def about_the_subject(s) -> bool:
        if not subject:
            return True
        if is_cjk_text(s.text):
            return bool(found_terms(subject, _in_context(s)))
        latin = [t for t in subject if not is_cjk_text(t)] + english
        return not latin or bool(found_terms(latin, _in_context(s)))
    typed = has_figure if question.side_wants == "quantity" else has_time
    dated = [s for s in sentences if typed(s.text) and about_the_subject(s)]
    # what makes a side's figure the one compared: which came first is told by when each began ("...
    # was established in February 1994", not "... 278 square kilometres, according to a 2021
    # profile"); which covers more ground by each one's area (not "3.4 percent of Suzhou's land")
    if question.side_wants == "order":
        fits = lambda s: bool(_SAYS_A_BEGINNING.search(s.text))  # noqa: E731
    elif question.side_wants == "quantity" and _ASKS_AN_AREA.search(question.text):
        fits = lambda s: bool(_GIVES_AN_AREA.search(s.text))  # noqa: E731
    else:
        fits = lambda s: True  # noqa: E731
    found = []
    for side, mine_zh, other_zh, mine_en, other_en in zip(question.sides, own, own[::-1], own_in_english,
                                                             own_in_english[::-1]):
        if not mine_zh + mine_en:
            continue
        # ... an English sentence counts them, a Chinese one the side's own Chinese words (not both forms twice)
        mine = lambda s: mine_zh if is_cjk_text(s.text) else mine_zh + mine_en  # noqa: E731
        other = lambda s: other_zh if is_cjk_text(s.text) else other_zh + other_en  # noqa: E731
        # a sentence writing the side as the question does breaks a tie ("... 1976, when China's first
        # optical fibre was produced", not "... the world's largest optical fibre ... base" of 2023)
        written = re.sub(r"^(?:the|a|an)\s+", "", side.strip(), flags=re.I).lower()
        # and before that, a sentence saying two of the side's own words together ("China Daily
        # summarised the series on February 12", not "... written into China's 14th Five-Year Plan")
        pairs = _word_pairs(tokenize(side), set(mine_zh))
        said = {id(s): (bool(pairs & _word_pairs(tokenize(s.text))), keyword_overlap(mine(s), s.text, idf),
                        written in s.text.lower(), fits(s), -keyword_overlap(other(s), s.text, idf)) for s in dated}
        # a side's names are said where it is dated ("Manycore's holding company apply to list in Hong Kong"
        # is not dated by a sentence on Hong Kong's data rules); a sentence in the other language is not judged
        named = [t for t in mine_zh if t in question.names]
        fitting = [s for s in dated if said[id(s)][1] > 0 and (
            not named or not _same_language(question, s.text) or len(found_terms(named, _in_context(s))) == len(named))]
        # which came first is told by when each began: for a Chinese question, whose own words an English
        # sentence does not write, a sentence saying a beginning comes first ("Unitree Robotics was founded
        # in Hangzhou in 2016", not "2025年春节前后……宇树科技的机器人登上春晚")
        first = (lambda s: said[id(s)][3]) if question.side_wants == "order" and question.language == "zh" \
            else (lambda s: True)
        best = max(fitting, key=lambda s: (first(s), *said[id(s)], s.score), default=None)
        if best is not None:
            found.append(best)
    return found


def _word_pairs(tokens: list, among: set | None = None) -> set:
    """The pairs of consecutive tokens (both in ``among``, when given)."""
    return {(a, b) for a, b in zip(tokens, tokens[1:]) if among is None or a in among and b in among}


def without_follow_up_bracket(text: str) -> str:
    """The question without what a follow-up's rewrite appends in brackets ("Who is its director?
    (Songshan Lake)"): that names what it is about, and asks no part of its own."""
    return re.sub(r"(?<=[?\uff1f])\s*[(\uff08][^()\uff08\uff09]*[)\uff09]\s*$", "", text)


def parts_as_questions(question, idf) -> list:
    """Each part of a multi-part question (:func:`question_pieces`) as a question of its own. It
    knows the whole question's names in the other language, and a Chinese part keeps the Chinese
    names it writes (all of the question's when it writes none); a part naming nothing is asked
    about the question's rarest name ("about how many people live in the industrial park" is
    about Suzhou)."""
    pieces = question_pieces(without_follow_up_bracket(question.text))
    if len(pieces) < 2:
        return []
    parts = []
    for piece in pieces:
        part = analyse(piece)
        names = part.names or ((max(question.names, key=idf),) if question.names else ())
        parts.append(_asked_within(question, part, names, piece))
    return parts


def sides_as_questions(question) -> list:
    """Each event of a question asking the time between two (``question.sides``) as a question of
    its own asking its date (:func:`rag.question.side_questions`)."""
    asked = []
    for text in side_questions(question):
        part = analyse(text)
        # a Chinese side keeps the Latin names it writes, not the other side's (XDog is not in the
        # sentence dating Game Science's founding)
        names = part.names or (tuple(n for n in question.names if n in text.lower()) if question.language == "zh"
                               else question.names)
        side = _asked_within(question, part, names, text)
        # a Chinese side's names in English are its own, not the other side's (BrainCo, not Unitree,
        # is in the sentence dating 强脑's founding)
        own = [(n, forms) for n, forms in zip(question.chinese_names, question.english_of_names) if n in text]
        if own:
            side = replace(side, chinese_names=tuple(n for n, _ in own), english_of_names=tuple(f for _, f in own),
                           other_terms=tuple(dict.fromkeys(t for _, forms in own for t in forms)))
        asked.append(side)
    return asked


def _naming_first(side, sentences) -> tuple:
    """The sentences that write a Chinese side's names (an English sentence in their English forms)
    first, each group in score order: asked as a whole, "强脑和宇树哪家先成立的" ranks "BrainCo was
    founded in 2015 ..." below a dozen sentences on Unitree and the six firms."""
    if side.language != "zh" or not side.chinese_names:
        return sentences

    def names(s) -> bool:
        if is_cjk_text(s.text):
            return all(n in s.text for n in side.chinese_names)
        text = s.text.lower()
        return all(any(t in text for t in forms) for forms in side.english_of_names if forms)
    return tuple(sorted(sentences, key=lambda s: not names(s)))


def _asked_within(question, part, names, text: str):
    """``part`` (a piece of ``question`` analysed on its own) with these names, knowing the whole
    question's names in the other language; in Chinese it keeps the Chinese names it writes (all
    of the question's when it writes none)."""
    chinese = tuple(n for n in question.chinese_names if n in text) or question.chinese_names
    return replace(part, names=names, terms=tuple(dict.fromkeys(part.terms + names)),
                   focus=tuple(dict.fromkeys(part.focus + names)), bridged=question.bridged,
                   other_terms=question.other_terms, chinese_names=chinese,
                   paired_names=question.paired_names, other_words=question.other_words)


def _unseen_weighed(idf, question, config: AnswerConfig):
    """Term weights for a factoid's passage coverage: ``idf``, but an English question's word that
    no chunk holds counts ``unseen_word_weight`` of its weight. A reader's own word ("weigh in",
    "illnesses") otherwise weighs most and refuses a question the passage answers in other words;
    it still counts, less, so the fact a question asks for ("mayor") still weighs."""
    if question.language != "en":
        return idf
    unseen = idf("")  # the weight of a token no chunk holds (tokens are never empty)

    def weight(token: str) -> float:
        value = idf(token)
        return value * config.unseen_word_weight if value >= unseen else value
    return weight


def _in_context(sentence, leaning_only: bool = False) -> str:
    """The sentence with the one before it (with ``leaning_only``, only when it points back: "Its
    founder ..."), under its document title and section: a sentence in "Dongguan's Songshan Lake
    Materials Laboratory / Size and budget" is about that lab's budget."""
    text = with_previous_if_leaning(sentence) if leaning_only else with_previous(sentence)
    return f"{sentence.metadata.get('title', '')} {sentence.metadata.get('section', '')} {text}"


def _written_as_is(question) -> list[str]:
    """The question's names that Chinese text writes in Latin letters too: with a digit ("G60",
    "H800") or in capitals ("GDP"), unless the name bridge knows a Chinese form of it (NIO as 蔚来)."""
    return [name for name in question.names if name not in question.paired_names and
            (re.search(r"\d", name) or re.search(r"\b%s\b" % re.escape(name.upper()), question.text))]


# a reader's words of asking, pointing and counting, which no passage need write: question words (第几,
# 干什么, 有没有, 多高), a demonstrative or a numeral with its measure word (那会儿, 这块, 一家, 九座), an
# aspect particle (发了), a place word (算在里面), a figure in Chinese numerals (二十四分之一), a word of
# time (当初, 后来) or of reporting (显示)
_SPOKEN_ZH = re.compile(r"几|什么|怎么|哪|多少|有没有|多[高大长远久低少]|^[那这][一块座家份个次回会种样边些阵时款]|"
                        r"^[一二两三四五六七八九十百千万]+[座家处个所位只条块份次回年月天]$|了$|里[面头边]|"
                        r"^[零一二两三四五六七八九十百千万亿分之点半成倍]+$|"
                        r"^(?:当初|如今|现在|目前|后来|刚刚|多出|显示|表明|指出|据说|听说)$")


def _unseen_chinese_words(question, weight) -> list[str]:
    """A Chinese question's words that no chunk holds (``weight`` at its highest), nor any word
    inside them (刚成立 holds 成立), besides the names the bridge knows and spoken words of time and
    asking; the longest of overlapping ones only: 南京盐水鸭哪家最正宗？ -> [盐水鸭, 正宗]."""
    names, unseen = question.chinese_names, weight("")
    words = [t for t in question.terms if _CJK_TERM.match(t) and not any(t in n for n in names)
             and len(re.sub("|".join(map(re.escape, names)) or "^$", "", t)) > 1]
    rest = [t for t in words if weight(t) >= unseen and not _SPOKEN_ZH.search(t)
            and not any(w != t and w in t and weight(w) < unseen for w in words)]
    return [t for t in rest if not any(t != other and t in other for other in words)]


def _is_a_chinese_name(word: str) -> bool:
    """Is ``word`` one name of a person, a place or a body, as jieba tags it (新竹, 马斯克)? Such a word
    alone, never spoken of by the collection, is a thing it does not hold (台湾新竹科学园区是哪一年设立的？)."""
    import jieba.posseg

    cut = list(jieba.posseg.cut(word))
    return len(cut) == 1 and cut[0].flag[:2] in ("nr", "ns", "nt")


def _same_language(question, text: str) -> bool:
    return (question.language == "zh") == is_cjk_text(text)


def _at_least(value: float | None, floor: float) -> bool:
    """Unknown (None) passes; a measured value must reach the floor."""
    return value is None or value >= floor


class Gate:
    """The answerability gate.

    Args:
        config: tuning constants (``gate_threshold``, ``min_term_coverage`` ...).
        multilingual: the :class:`rag.multilingual.MultilingualEncoder`, which finds what a
            question counts in a sentence of the other language (None: not checked there).
    """

    def __init__(self, config: AnswerConfig | None = None, multilingual=None):
        self.config = config or AnswerConfig()
        self.multilingual = multilingual

    def run(self, selection: Selection) -> GateDecision:
        """Decide whether the selection can answer its question. A multi-part factoid ("How long
        is the train ride from Suzhou to Shanghai, and about how many people live in the park?")
        is answerable when one of its parts, asked on its own, is: the whole question's checks ask
        a sentence giving the ride's length to count people too.

        Args:
            selection: the question with its scored evidence.

        Returns:
            A :class:`GateDecision`.
        """
        question = selection.question
        for side in sides_as_questions(question):
            # "How many days after V3 came out did R1 follow?": each event's date, asked on its own
            # of the same evidence; when one is not dated, a length of time given as it is may answer
            # ("... took thirty years to go from an electronics market to a hard-tech powerhouse")
            decision = self._decide(replace(selection, question=side, sentences=_naming_first(side, selection.sentences)))
            if not decision.answerable:
                if question.side_wants == "order" and self._decide(selection).answerable:
                    # which came first, one side undated by the check (中国科大参与的墨子号 is written
                    # Micius in English): answered as a question of one part
                    return GateDecision(True, question=replace(question, sides=(), side_wants=""))
                if question.side_wants != "time":
                    return decision
                # (answered as asked when the best sentence gives a length of time; else with the
                # date found for each event, but not reckoned from dates the check did not confirm)
                if not self._decide(selection).answerable:
                    return decision
                stated = bool(selection.sentences) and states_a_length_asked(question.text, selection.sentences[0].text)
                return GateDecision(True, question=replace(question, sides=() if stated else question.sides,
                                                           side_wants="" if stated else "dates"))
        if question.sides and question.side_wants == "time":
            # each event is dated by the evidence: the time between them is reckoned from the two
            # dates, which no sentence need give as a figure ("How long after Black Myth: Wukong came
            # out did DeepSeek release R1?")
            return GateDecision(True)
        decision = self._decide(selection)
        if decision.answerable or not question.parts or question.is_explanation:
            return decision
        for part in parts_as_questions(question, selection.idf):
            if self._decide(replace(selection, question=part)).answerable:
                return GateDecision(True)
        return decision

    def _decide(self, selection: Selection) -> GateDecision:
        c = self.config
        question, sentences, idf = selection.question, selection.sentences, selection.idf
        if not sentences or sentences[0].score < c.gate_threshold:
            return GateDecision(False, "nothing relevant was found")
        # a Chinese factoid on something the collection never speaks of (南京盐水鸭哪家最正宗？): two of its
        # words, or one name (台湾新竹科学园区是哪一年设立的？: 新竹), no chunk holds nor English word of the
        # collection is close to, and one the evidence does not say in other words either
        unspoken = self._never_spoken_of(question, idf)
        if (len(unspoken) >= c.unspoken_words_zh or any(map(_is_a_chinese_name, unspoken))) and \
                not all(self._said_in_the_evidence(word, selection) for word in unspoken):
            return GateDecision(False, "no passage mentions " + ", ".join(unspoken[:4]))
        terms = question.terms
        texts = [f"{p.metadata.get('title', '')} {p.metadata.get('section', '')} {p.text}"
                 for p in selection.passages]
        if terms and texts:
            # An explanation's question describes a situation in its own words ("ease their
            # anxiety"): a word the corpus never uses must not outweigh the rest, so its words
            # count equally; a factoid's rare word is the fact it asks for ("mayor").
            weight = (lambda token: 1.0) if question.is_explanation else _unseen_weighed(idf, question, c)
            if question.comparative:
                # gathered from several passages, one language at a time
                groups = [[t for t in texts if _same_language(question, t) == same] for same in (True, False)]
                found = [topic_coverage(question, " ".join(group), weight, False) for group in groups if group]
            else:
                # A passage in the other language that words cannot judge (the question names
                # nothing it can write there: "Who won the Wimbledon men's title?" and a Chinese
                # passage) holds the topic only when one of its sentences is close in meaning, and
                # the question names nothing the collection never writes ("... at the top of Mount
                # Everest?" is not about a Chinese sentence 0.28 close to it).
                unknown = [n for n in question.names if idf(n) >= idf("") and n not in question.paired_names]
                close_passages = set() if unknown else \
                    {s.chunk_id for s in sentences if s.similarity >= c.cross_similarity}
                found = [self.topic_coverage(question, t, weight) for t in texts]
                found = [float(p.chunk_id in close_passages) if f is None else f
                         for f, p in zip(found, selection.passages)]
            known = [f for f in found if f is not None]
            best = max(known) if len(known) == len(found) else 1.0
            closest = max(s.similarity for s in sentences)
            close = closest >= c.support_similarity
            factoid_needs = c.min_term_coverage_zh if question.language == "zh" else c.min_term_coverage
            needed = c.min_support_coverage if close or question.is_explanation else factoid_needs
            # a reader's own words ("years in a row", "post-holiday meeting") for a sentence that
            # says the same ("four consecutive years", "first meeting of the new year"); the checks
            # below still ask that sentence for the figure, name or date the question wants
            if closest >= c.paraphrase_similarity:
                needed = min(needed, c.min_paraphrase_coverage)
            if best < needed:
                present = set(tokenize(" ".join(texts)))
                missing = [t for t in terms if t not in present] or list(terms)
                together = "" if len(missing) < len(terms) else " together"
                return GateDecision(False, "no passage mentions " + ", ".join(missing[:4]) + together)
        if question.is_explanation and texts:
            # "How did Tesla build its Shanghai factory?" shares "build", "Shanghai" and "factory"
            # with passages on other things, and points quoted from them would explain nothing:
            # every name the question asks about must be in a kept passage. A kept passage in the
            # other language may write a name the collection knows in its own script (Shanghai as
            # 上海): such a name is not judged; one the collection never uses always is.
            joined = " ".join(texts)
            named = found_terms(question.names, joined)
            absent = [n for n in question.names if n not in named]
            other_script = question.other_terms and not all(_same_language(question, t) for t in texts)
            unseen = idf("")  # the weight of a token no chunk holds (tokens are never empty)
            if other_script and absent:
                # a name the bridge writes in the other script (Zhao Zisen as 赵梓森) is met there
                met_across = bool(found_terms(question.other_terms, joined))
                absent = [n for n in absent if idf(n) >= unseen and not (met_across and n in question.paired_names)]
            if absent:
                return GateDecision(False, "no passage mentions " + ", ".join(absent[:4]))
            # The names must also meet: "Why did Apple move its headquarters to Shenzhen?" finds
            # Apple's App Store in one passage and Shenzhen in others, and no point is about what it
            # asks. One of the best sentences (in its context) names them all; a comparison's names,
            # and names the question lists ("Zhongguancun and Optics Valley", "from V2 to R1"), are
            # apart by design, and a Chinese question's names are not marked.
            if question.language == "en" and not question.comparative and not lists_its_names(question) and not any(
                    names_everything_asked(question, s) for s in sentences[:c.type_check_sentences]):
                return GateDecision(False, "no passage speaks of " + ", ".join(question.names[:4]) + " together")
            # ... and what it asks about them: "Why did the mayor of Hangzhou resign in 2024?" finds
            # Hangzhou and 2024 everywhere, "mayor" and "resign" nowhere. One of its other words
            # is enough ("ease", "longer" may be worded otherwise), and a single one is not judged
            # ("How did Nanjing react to DeepSeek?" is told as soul-searching). Passages in the
            # other language cannot hold them, so only the English ones are judged, and only for an
            # English question: a Chinese question's answer is often in an English passage alone
            # (马克·安德森如何评价DeepSeek-R1？), while an English question's passages are mostly English.
            # A word the passages write otherwise, close in the multilingual space, is met too ("pay"
            # by "fund"): the refusal is for a question the passages do not speak to, not for its words.
            topic = [t for t in question.focus if t not in question.names and not t.isdigit()]
            own = " ".join(t for t in texts if _same_language(question, t))
            if len(topic) > 1 and own and question.language == "en" \
                    and not found_terms(topic, own) \
                    and not (self.multilingual is not None and any(self._word_close_across(t, own) for t in topic)):
                return GateDecision(False, "no passage mentions " + ", ".join(topic[:4]))
            # ... and a "why did it happen" question, what happened said of what it names: "Why did
            # Singapore pull out of the Suzhou Industrial Park?" finds "pull" in another passage, and
            # passages on the park and Singapore that never say it left. One sentence (with the one
            # before when it points back) names every name of the question that few chunks hold and
            # one of its other words, light verbs aside ("set", "start", "better": a reader words
            # those otherwise). A "how" question asks for a story, often in the reader's own words
            # ("How did Hangzhou set itself up for the AI boom?"), and is not judged so.
            said = [t for t in topic if t not in _LIGHT_WORDS]
            rare = [n for n in question.names if idf(n) >= c.subject_idf]
            if said and rare and _WHY_DID.search(question.text) and not question.comparative and not any(
                    _same_language(question, s.text) and _names_all_and_one(rare, said, _in_context(s, leaning_only=True))
                    for s in sentences):
                return GateDecision(False, "no passage on " + ", ".join(rare[:3]) + " mentions " + ", ".join(said[:4]))
            # "Why did output at Zhongguancun's parks fall in 2024?": a fall is said in some word of
            # falling, not by a sentence giving the parks' output; "Why did the lab pull out of its
            # partnership ...?": a stop in some word of stopping, not by a sentence on the partnership
            for asked, asked_zh, said_so, what in _PREMISES:
                # ... of what it asks about ("Why did BOE shut down its Hefei plant?": Hefei cancelling a
                # subway line to fund BOE is no plant shut)
                # (the words of the asking phrase itself are none: "walk" and "away" in "walk away from")
                phrase = {t for m in asked.finditer(question.text) for t in tokenize(m.group(0))}
                what_of = [t for t in said if not asked.search(t) and not said_so.search(t) and t not in phrase]
                if rare and _WHY_OR_WHAT_CAUSED.search(question.text) and asked.search(question.text) and not any(
                        _same_language(question, s.text)
                        and len(found_terms(rare, _in_context(s, leaning_only=True))) == len(rare)
                        and (not what_of or found_terms(what_of, with_previous_if_leaning(s)))
                        and said_so.search(with_previous_if_leaning(s)) for s in sentences):
                    return GateDecision(False, "no passage on " + ", ".join(rare[:3]) + f" says it {what}")
                # ... asked in Chinese (光谷为啥放弃了光纤？): a sentence on all the question names, in either
                # language (writing the names as that language does; its document's title may give one),
                # says it: 合肥 cashing out of NIO, under a section on BOE and NIO, does not say it sold its
                # 京东方 shares
                if question.language == "zh" and question.chinese_names and asked_zh.search(question.text) and not any(
                        _names_all_across(question, f"{s.metadata.get('title', '')} {with_previous_if_leaning(s)}")
                        and said_so.search(with_previous_if_leaning(s)) for s in sentences):
                    named = "、".join(question.chinese_names[:3])
                    return GateDecision(False, f"no passage on {named} says it {what}")
            # ... and a comparison or a move it takes for granted that a sentence on what it names says
            # the other way round: "How did Guangdong manage to grow faster than the national average in
            # 2024?" meets "growth was only 3.8 percent, below the national average"; 维舟为什么认为深圳民企比
            # 杭州少？ meets "深圳的民营企业远多于杭州"; "Why did USTC move out of Hefei to Beijing?" meets
            # "relocated from Beijing to Hefei"
            best = [with_previous_if_leaning(s) for s in sentences[:c.type_check_sentences]]
            contrary = said_the_other_way(question, best)
            if contrary:
                return GateDecision(False, "a passage says otherwise: " + contrary)
        kind = None if question.is_explanation else named_kind_asked(question.text)
        if kind and not any(re.search(kind[1], with_previous_if_leaning(s)) and passage_names_the_question(question, s)
                            and names_what_a_chinese_question_names(question, s) and _passage_names_across(question, s)
                            and _sentence_names_the_question(question, s)
                            for s in sentences[:c.type_check_sentences]):
            # "Which district of Hangzhou is DeepSeek's office in?": "based in Hangzhou" names no district
            return GateDecision(False, f"no passage names a {kind[0]} for that")
        if asks_for_a_place(question) and not any(names_a_place(question, with_previous_if_leaning(s))
                                                  and self.about_the_question(question, s, idf)
                                                  for s in sentences[:c.type_check_sentences]):
            # "梁文锋办的那家量化基金幻方，总部设在哪个城市？": "an offshoot of the quantitative hedge fund
            # High-Flyer" names no city
            return GateDecision(False, "no passage names a place for that")
        if asks_for_bodies(question) and not any(names_a_body(question, with_previous_if_leaning(s))
                                                 and self.about_the_question(question, s, idf)
                                                 for s in sentences[:c.type_check_sentences]):
            # "Which companies are building the AI model cluster in Haidian Park?": "a large industrial
            # cluster for AI models is being built in Zhongguancun's Haidian Park" names none
            return GateDecision(False, "no passage names any")
        thing = None if question.is_explanation else thing_named_asked(question)
        if thing and not any(gives_a_name_for(thing, with_previous_if_leaning(s))
                             and passage_names_the_question(question, s) for s in sentences[:c.type_check_sentences]):
            # "What's the name of Origin Quantum's quantum computer?": a sentence on the company names
            # no computer
            return GateDecision(False, f"no passage gives the name of a {thing}")
        speaker = None if question.is_explanation else _WHAT_DID_THEY_SAY.match(question.text)
        if speaker and not any(gives_the_words_of(speaker.group(1), with_previous_if_leaning(s), question.other_terms)
                               for s in sentences[:c.type_check_sentences]):
            return GateDecision(False, f"no passage gives what {speaker.group(1).strip()} said")
        most = _PICKS_THE_MOST.search(question.text)
        if most and not any(ranks_by(most.group(1), with_previous(s)) for s in sentences[:c.type_check_sentences]):
            # "Which of the nine G60 cities has the largest GDP?": a list of the nine, or one city's
            # GDP, does not say which is largest; a sentence ranking them by GDP may.
            return GateDecision(False, "no passage ranks them by " + most.group(1))
        picks, measure, earliest = picks_the_most_zh(question)
        ranking = _RANKS_OR_LEADS if earliest else _RANKS_BY_AMOUNT
        if picks and not any(ranking.search(with_previous(s)) and self._says_the_measure(measure, s)
                             for s in sentences[:c.type_check_sentences]):
            # "G60科创走廊九座城市里，哪一座的高新技术企业数量最多？": the nine cities' total does not say;
            # "那15家产业化公司里，哪家营收最高？": a sentence saying the lab was the first of its kind
            # ranks them by no revenue
            return GateDecision(False, "no passage ranks them")
        where = None if question.parts or question.is_explanation else \
            (_WHERE_DID.match(question.text) or _WHERE_DID_ZH.search(question.text))
        usual = [event for event in _EVENTS if re.search(event[2] if question.language == "zh" else event[0],
                                                          question.text, re.I)] if where else []
        if usual and not any(
                passage_names_the_question(question, s) and names_what_a_chinese_question_names(question, s)
                and _passage_names_across(question, s) and any(
                    re.search(chinese if is_cjk_text(s.text) else forms, with_previous_if_leaning(s), re.I)
                    for _, forms, chinese in usual)
                for s in sentences[:c.type_check_sentences]):
            # "Where was Wang Xingxing born?": a sentence saying where he founded Unitree names a
            # place, not where he was born
            return GateDecision(False, "no passage says where that happened")
        if question.wants in ("", "quote"):  # a title may be written without quotation marks
            if question.years and not question.is_explanation and not any(
                    names_years(question, s) for s in sentences[:c.type_check_sentences]):
                # "Where did Hefei rank in 2010?": sentences about 2000 and 2020 do not say.
                return GateDecision(False, f"no passage says that for {', '.join(question.years)}")
            if (question.ordinals or question.periods) and not question.is_explanation and not any(
                    names_ordinals(question, s) and names_years(question, s) for s in sentences[:c.type_check_sentences]):
                # "Which zone ranked second in 2018?": a sentence on the zone that ranked first does not
                # say, nor one on a zone second in another year's ranking.
                return GateDecision(False, "no passage mentions " + (question.ordinals or question.periods)[0])
            # "2017年乌镇大会上，梁文锋演示的机器狗出了什么意外？": the sentence on that robot dog names
            # 王兴兴, and a Chinese question's names are not marked as an English one's are, so the
            # check below never sees them. A Chinese sentence (in its context) writes every name
            # the question writes; an English one's passage names them in their English form.
            if question.language == "zh" and not question.is_explanation and not any(
                    names_what_a_chinese_question_names(question, s) and _passage_names_across(question, s)
                    for s in sentences[:c.type_check_sentences]):
                return GateDecision(False, "no passage says that of " + "、".join(question.chinese_names))
            # "Which organisation may publish revised versions of the Apache License?" is not
            # answered by the GPL's "The Free Software Foundation may publish revised versions
            # of the GNU General Public License": the sentence must be about what the question names.
            if not question.is_explanation and question.names and not any(
                    passage_names_the_question(question, s) and not names_another_of_its_kind(question.text, _titled(s), _named_in(s))
                    for s in sentences[:c.type_check_sentences]):
                return GateDecision(False, "no passage says that of " + ", ".join(question.names))
            return self._names_the_others(question, sentences[:c.type_check_sentences], idf)
        # A figure or date must come from a sentence about the question's topic, in a passage that
        # names what the question names ("the population of Nanjing" needs Nanjing there too).
        on_topic = [s for s in sentences[:c.type_check_sentences] if self.about_the_question(question, s, idf)]
        # a figure the question states is no answer to it ("How many of its 23 parks are in Haidian?")
        figures = without_the_questions_figures if question.wants in ("quantity", "money") else lambda q, text: text
        if not any((holds_answer_type(question, figures(question, s.text)) and a_figure_of_the_year(question, s.text))
                   or (question.wants == "person" and not asks_for_a_person(question)
                       and s.similarity >= c.described_similarity) for s in on_topic):
            what = {"quantity": "figure", "money": "sum", "time": "date", "person": "name",
                    "institution": "name"}[question.wants]
            when = f" in {', '.join(question.years)}" if question.years else ""
            return GateDecision(False, f"no passage gives a {what} for that{when}")
        return self._names_the_others(question, on_topic, idf)

    def _names_the_others(self, question, sentences, idf) -> GateDecision:
        """A question setting one thing aside and asking for the others ("Besides Yancheng, which
        other Jiangsu cities ...?", "除了杭州，还有哪些城市是试点？") needs a sentence on its topic that
        names something neither it nor the thing set aside names (in either language: ``set_aside``
        holds its other-language forms): "... with Hangzhou named as one of its pilot cities" names no
        other."""
        if not question.set_aside or question.is_explanation or not ASKS_FOR_OTHERS.search(question.text):
            return GateDecision(True)
        asked = " ".join((question.text, question.set_aside, *question.other_terms))
        for s in sentences:
            if names_something_new(asked, with_previous_if_leaning(s)) and self.about_the_question(question, s, idf):
                return GateDecision(True)
        return GateDecision(False, "no passage names any other than what the question sets aside")

    @staticmethod
    def _never_spoken_of(question, idf) -> list[str]:
        """A Chinese factoid's words that the collection never speaks of: no chunk holds them
        (:func:`_unseen_chinese_words`) and no English word of the collection is close to them
        (``question.words_across``). English passages naming 南京 hold nothing on 南京盐水鸭哪家最正宗？
        (盐水鸭, 正宗); one such word may be a reader's own for what a passage says otherwise (挂牌)."""
        if question.language != "zh" or question.is_explanation or not question.words_across:
            return []
        nearest = dict(question.words_across)
        return [w for w in _unseen_chinese_words(question, idf) if w in nearest and not nearest[w]]

    def _said_in_the_evidence(self, word: str, selection: Selection) -> bool:
        """Is a Chinese word said in the evidence by a word or phrase close to it in the multilingual
        space (``spoken_of_similarity``): a word of a Chinese passage (野外: 野生), an English name of
        several words (国务院: "State Council"), or one to three words of a best English sentence
        (总体方案: "overall plan"; 备忘录: "memorandum")? The collection's single English words, which
        the question's words were compared with, miss these."""
        english = [p.text for p in selection.passages if not is_cjk_text(p.text)]
        best = [s.text for s in selection.sentences[:self.config.type_check_sentences] if not is_cjk_text(s.text)]
        phrases = {m.group(0) for text in english for m in _NAME_RUN.finditer(text)}
        phrases.update(w for p in selection.passages if is_cjk_text(p.text) for w in tokenize(p.text) if is_cjk_text(w))
        for text in best:
            words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
            for size in (1, 2, 3):
                phrases.update(" ".join(words[i:i + size]) for i in range(len(words) - size + 1)
                               if words[i].lower() not in STOPWORDS and words[i + size - 1].lower() not in STOPWORDS)
        if not phrases or self.multilingual is None:
            return False
        phrases = sorted(phrases)
        vectors = self.multilingual.encode_cached([word, *phrases])
        return bool(max(vectors[1:] @ vectors[0]) >= self.config.spoken_of_similarity)

    def topic_coverage(self, question, text: str, weight) -> float | None:
        """:func:`topic_coverage` of a whole passage (``names_only`` False), where an English
        question's words besides its names may be met in a Chinese passage by a word close in
        the multilingual space ("goal" by 目标, "party secretary" by 党委书记): names alone do not
        hold "the mayor of Nanjing", and "the goal Hu Lishan set" is said in Chinese words."""
        found = topic_coverage(question, text, weight, False)
        if found is None or self.multilingual is None or question.language != "en" \
                or _same_language(question, text):
            return found
        rest = [t for t in question.terms if t not in question.names]
        named = sum(weight(t) for t in question.other_terms)
        total = named + sum(weight(t) for t in rest)
        if not total:
            return found
        met = sum(weight(t) for t in rest if self._word_close_across(t, text))
        return (coverage(question.other_terms, text, weight) * named + met) / total

    def about_the_question(self, question, sentence, idf) -> bool:
        """May this sentence give the figure or date the question asks for?

        It does not ask; it holds the topic of the asking sentence (or, in the other language,
        is close in meaning); it is no plan, nor says it speaks of the past ("At that time"), when
        the question asks about now; it gives no count for an opening span ("within its first
        week") when the question names none; its passage names what the question names; it (with the
        sentence before it) names the question's years, ordinals and opening periods, and
        what the question counts (or is very close in meaning); in Chinese the figure stands
        next to what is counted, and a "when did it happen" question's event is named; and a
        sentence in the other language is close in meaning; and it names no other thing of the kind
        the question names in its place (the GPL for "the Apache License").

        Args:
            question: the analysed question.
            sentence: a scored sentence.
            idf: term weights.
        """
        c = self.config
        s = sentence
        same = _same_language(question, s.text)
        # a lead-in's words are not the topic, nor a role said in another of its forms ("boss": "CEO")
        said_otherwise = role_said_otherwise(question, _in_context(s))
        focused = replace(question, terms=tuple(t for t in question.focus if t not in said_otherwise))
        names = set() if question.comparative else set(question.names)
        context = _in_context(s)
        return (not asks(s.text)
                and (_at_least(topic_coverage(focused, context, idf), c.min_sentence_coverage)
                     or any(_at_least(topic_coverage(part, context, idf), c.min_sentence_coverage)
                            for part in each_part(focused))
                     or (not same and s.similarity >= c.support_similarity)
                     or s.similarity >= c.described_similarity)
                and not (question.present and not question.years and (is_projection(s.text) or is_of_the_past(s.text)))
                and passage_names_the_question(question, s)
                and names_what_a_chinese_question_names(question, s)
                and names_years(question, s)
                and names_ordinals(question, s)
                # a count for an opening period ("sold 10 million copies within its first week") is
                # not the count asked when the question names no such period ("by the end of 2024")
                and (question.periods or question.wants not in ("quantity", "money")
                     or not counts_an_opening_span(s.text))
                # a person's role is said of what the question names, in the sentence itself (or
                # the one before, when it points back: "Its CTO is ..."): Unitree's CTO is not named
                # in a sentence on DEEP Robotics, though its section names Unitree too
                and (not asks_for_a_person(question)
                     # a sentence in the other language names them in their other-language form
                     or ((names_or_refers_to(question, names, with_previous_if_leaning(s)) if same
                          else names_everything_asked(question, s))
                         and holds_the_role(question, s.text)))
                and self.counts_what_is_asked(question, s)
                and (question.language != "zh" or not question.counted or not is_cjk_text(s.text)
                     or (figure_near(question.counted, s.text) if question.wants != "person"
                         else holds_the_role_of(question, s.text)))
                and holds_the_role_in_english(question, s.text)
                and self._close_across(question, s, same)
                and _holds_the_event(question, s)
                and self.says_what_happened(question, s)
                and self.says_what_was_done(question, s)
                and gives_the_figure_of_what_is_named(question, s.text)
                and _names_the_holder_across(question, s)
                and not names_another_of_its_kind(question.text, _titled(s), _named_in(s)))

    def _close_across(self, question, sentence, same: bool) -> bool:
        """A sentence in the other language is close in meaning (``cross_similarity``), or names the
        event a Chinese "when" question asks about; one naming another event is never close."""
        event = self.says_the_event_across(question, sentence)
        if event is False:
            return False
        return same or sentence.similarity >= self.config.cross_similarity or event is True \
            or self._close_to_a_part(question, sentence) or _holds_the_role_across(question, sentence) \
            or self._counts_across(question, sentence)

    def _counts_across(self, question, sentence) -> bool:
        """Does an English sentence give a count of what a Chinese "how many" question counts, of
        everything the question names ("... named nine large scientific facilities and 39 key research
        tasks" for 光明科学城的总规里，一共列了多少项重点科研任务？)? A long sentence holding many facts
        scores low against a short question as a whole, so the count stands for closeness."""
        if question.language != "zh" or not question.counted or is_cjk_text(sentence.text) \
                or self.multilingual is None:
            return False
        names = set(question.names) | set(question.other_terms)
        if not names or not names <= set(tokenize(with_previous_if_leaning(sentence))):
            return False
        context = with_previous(sentence)
        return any(counted_by_a_figure(word, context) for word in
                   self._close_words(question.counted, context, self.config.counted_word_similarity))

    def _close_to_a_part(self, question, sentence) -> bool:
        """A sentence answering one part of a question of several parts is far from the whole
        ("……举行了什么活动？当时中关村大约有多少家高新技术企业？" and "At that time Zhongguancun was
        reported to host nearly 20,000 high-tech enterprises."): it is close when it is close to a part."""
        if self.multilingual is None or not question.parts:
            return False
        pieces = question_pieces(question.text)
        vectors = self.multilingual.encode_cached([sentence.text, *pieces])
        return bool(max(vectors[1:] @ vectors[0]) >= self.config.cross_similarity)

    def says_the_event_across(self, question, sentence) -> bool | None:
        """Does an English sentence say the event a Chinese "when" question asks about?

        苏州工业园区是哪一年成立的？ asks when the park was set up (成立): "established in February
        1994" says it (成立 meets "established" at 0.74 in the multilingual space), "In 2015 the park
        covered 3.4 percent of Suzhou's land" gives another year. A long sentence holding many facts
        scores low against a short question as a whole, so naming the event stands for closeness.

        Args:
            question: the analysed question.
            sentence: a scored sentence.

        Returns:
            None when there is nothing to check (not a Chinese "when ... happen" question, or a
            Chinese sentence, or no multilingual encoder); else whether a word of the sentence (or
            the one before it) is within ``counted_word_similarity`` of the event.
        """
        if question.language != "zh" or is_cjk_text(sentence.text) or self.multilingual is None:
            return None
        event = chinese_event(question)
        if event is None:
            return None
        context = with_previous(sentence)
        # one of the usual events in the words a question names it by, said of everything the
        # question names ("Game Science was founded in 2014" does not say when DeepSeek was founded;
        # "the founding of Zhejiang Lab ... an AI industrial park" not when Suzhou Industrial Park was)
        names = set(question.names) | set(question.other_terms)
        said_of = names <= set(tokenize(with_previous_if_leaning(sentence)))
        return said_of and any(re.search(forms, context, re.I) for forms in _usual_event_forms(event, english=True)) \
            or self._word_close_across(event, context)

    def says_what_happened(self, question, sentence) -> bool:
        """Does a sentence say what an English "when" question asks happened?

        "What year was Alibaba founded?" is not answered by a date of something else said of the
        same name ("the Shanghai Question from 2008: Why didn't Alibaba develop in Shanghai?"). The
        sentence (with the one before it) holds one of the question's words besides its names, or
        a word close to one in meaning ("relocated" for "move", "established" for "set up"), or
        it is very close to the question as a whole. A Chinese sentence holds a word close to one
        of them in the multilingual space. Words of an apposition ("Zhao Zisen, the father of
        Chinese optical fibre,") describe a name and are no event. A question of one part naming one
        of the usual events (:data:`_EVENTS`: going public, dying, founding ...) needs the sentence
        to say that event itself, in English or in Chinese (去世 for "die").

        Args:
            question: the analysed question.
            sentence: a scored sentence.
        """
        if question.wants != "time" or question.language != "en":
            return True
        # an apposition describes a name, it is no event ("Zhao Zisen, the father of Chinese
        # optical fibre, pass away": the event is passing away, not fibre)
        told = set(tokenize(_APPOSITION.sub(" ", question.text)))
        events = [t for t in question.focus if t not in question.names and not t.isdigit() and t in told]
        context = with_previous(sentence)
        # "the memorandum on moving data" names what was signed, not a move
        told_as_event = _TOPIC_GERUND.sub(" ", question.text)
        usual = [] if question.parts else [event for event in _EVENTS if re.search(event[0], told_as_event, re.I)]
        if not _same_language(question, sentence.text):
            # a Chinese sentence: it says one of the usual events the question names in Chinese
            # (超过 for "overtake"), else one of its words is close to one of the events in the
            # multilingual space ("pass away" is not 出生)
            if usual:
                return any(re.search(chinese, context) for _, _, chinese in usual)
            return not events or self.multilingual is None or any(
                self._word_close_across(event, context) for event in events)
        asked = [forms for _, forms, _ in usual]
        if asked:
            # "When did Origin Quantum go public?" is not answered by the day it was established, though
            # the question's other words are there: a question naming one of the usual events
            # (:data:`_EVENTS`) needs that event said, in one of its forms, in the sentence itself (or
            # the one before when it points back: the one before may say another company listed)
            told = with_previous_if_leaning(sentence)
            return any(re.search(forms, told, re.I) and not _happened_to_another(question, forms, told)
                       for forms in asked)
        if not events or coverage(events, context, lambda t: 1.0) > 0 \
                or sentence.similarity >= self.config.described_similarity or self.multilingual is None:
            return True
        return any(self._word_close_across(event, context) for event in events)

    def says_what_was_done(self, question, sentence) -> bool:
        """Does a sentence say what an English "who did it" question asks was done?

        "Who ordered Jiaohuidian to take down its articles?" is not answered by a sentence on
        Jiaohuidian that names Xinhua Daily: the sentence (with the one before it) holds the verb
        ("ordered") or a word close to it in meaning ("founded" for "set up", 创办 for "founded").

        Args:
            question: the analysed question.
            sentence: a scored sentence.
        """
        done = _WHO_DID.match(question.text)
        if question.wants != "person" or done is None or done.group(1).lower() in _NOT_DONE \
                or asks_for_a_person(question):  # a role ("Who runs Manycore?") is judged by holds_the_role
            return True
        verb = tokenize(done.group(1))
        context = with_previous(sentence)
        if not verb or found_terms(verb, context):
            return True
        return self.multilingual is not None and self._word_close_across(verb[0], context)

    def counts_what_is_asked(self, question, sentence) -> bool:
        """Does the sentence (with the one before it) name what the question counts?

        In the question's language the word itself, in English with a figure beside it (or, when
        the word is not there, a sentence very close in meaning: "firms" for "enterprises"); in the
        other language a word whose multilingual vector is close to
        it: 居民 meets "residents" at 0.9 and "minutes" at 0.17, so "about 25 minutes by train"
        does not answer 苏州工业园区有多少居民？.

        Args:
            question: the analysed question.
            sentence: a scored sentence.
        """
        c = self.config
        if not question.counted:
            return True
        # the question's own figures count nothing new: "the first batch of 23 distinctive industrial
        # parks" does not say how many of the 23 are in Haidian
        context = without_the_questions_figures(question, with_previous(sentence))
        if _same_language(question, sentence.text):
            if question.language == "en" and _counted_of_another(question, context):
                return False
            # (a Chinese unit of one character, 亩 in "占地524亩", is no token: it is met as written)
            if question.counted in counted_words(context) or written_otherwise(question.counted, context) \
                    or _the_role_done(question, context) or (question.language == "zh" and question.counted in context):
                # an English sentence naming it gives its count next to it: "21 billion are active
                # for each token" does not say how many tokens; and it gives it itself (unless it
                # points back): "By 2024 ... four routes" after "15 industrialisation companies"
                # registered by 2020 gives no count of companies for 2024
                return question.language != "en" or counted_by_a_figure(
                    question.counted, without_the_questions_figures(question, with_previous_if_leaning(sentence)))
            # "how many firms" and "five companies": a near synonym with a figure beside it; a word
            # of the same stem is another thing ("four routes: transferring research results" counts
            # no researchers)
            if question.language == "en" and self.multilingual is not None and any(
                    counted_by_a_figure(word, context) and not _same_stem(word, question.counted)
                    for word in self._close_words(question.counted, context, c.synonym_similarity)):
                return True
            if sentence.similarity < c.counted_similarity:
                return False
            # ... unless its figures count something far from it: "15 industrialisation companies"
            # are no researchers, "1.13 million residents" are a population
            counted_there = [w for w in dict.fromkeys(tokenize(context)) if not w.isdigit()
                             and counted_by_a_figure(w, context, window=2)]
            return question.language != "en" or self.multilingual is None or not counted_there \
                or bool(self._close_words(question.counted, " ".join(counted_there), c.counted_noun_similarity))
        if english_role(question):
            # 创始人 is written "founded" or "set up" as often as "founder"
            return holds_the_role_in_english(question, context)
        if self.multilingual is None:
            return True  # nothing to compare words across languages with
        # a unit is written in its own form ("亩" as "mu"), which no word vector holds
        return written_otherwise(question.counted, context) or self._word_close_across(question.counted, context)

    def _close_words(self, word: str, text: str, floor: float) -> list[str]:
        """The words of ``text`` (numbers aside) within ``floor`` of ``word`` in the multilingual
        space. Needs the multilingual encoder."""
        words = [w for w in dict.fromkeys(tokenize(text)) if not w.isdigit()]
        if not words:
            return []
        vectors = self.multilingual.encode_cached([word, *words])
        return [w for w, score in zip(words, vectors[1:] @ vectors[0]) if score >= floor]

    def _says_the_measure(self, measure: list[str], sentence) -> bool:
        """Does the sentence (with the one before it) speak of one of the ``measure`` words a Chinese
        "which is the most" question ranks by (营收, 年产值): a Chinese one writes it, an English one
        has a word close to it in the multilingual space. True when there is no such word."""
        text = with_previous(sentence)
        if not measure or any(w in text for w in measure):
            return True
        return not is_cjk_text(sentence.text) and self.multilingual is not None and \
            any(self._word_close_across(w, text) for w in measure)

    def _word_close_across(self, word: str, text: str) -> bool:
        """Is a word of ``text`` (numbers aside) within ``counted_word_similarity`` of ``word`` in the
        multilingual space? Needs the multilingual encoder.

        Args:
            word: a word (成立, 居民; or "move", met by "relocated" in the same language).
            text: a text in either language.
        """
        return bool(self._close_words(word, text, self.config.counted_word_similarity))


# "Which of ... has the most / largest ...?" (a superlative of amount; "first" is often a date)
_SUPERLATIVE = "most|largest|biggest|highest|fewest|least|smallest|lowest"
_PICKS_THE_MOST = re.compile(rf"^\s*which\s+(?:one\s+)?of\b.*\b(?:{_SUPERLATIVE})\s+([\w-]+)", re.I)
# ... and a sentence that answers it ranks by that measure: a superlative or a rank
_RANKS = re.compile(rf"\b(?:{_SUPERLATIVE}|ranks?|ranked|ranking|ahead)\b|\bNo\.\s?\d|最|第一|首位|榜首|居首|领先", re.I)
# 哪一座……最多？, 哪家……最大？: which one is first by some measure, which a sentence saying who was
# first, or leads, answers too
_MOST_ZH = r"最(多|大|高|强|早|快|少|低|小|长|重|先)"
_PICKS_THE_MOST_ZH = re.compile(r"哪[一个座家所位些]*([^？?，,。]{0,24}?)" + _MOST_ZH)
# ... and "年产值最高的是哪一个？", "投资额最大的是哪个？": the measure stands before the superlative
_THE_MOST_IS_WHICH_ZH = re.compile(r"([^？?，,。]{0,12}?)" + _MOST_ZH + r"[^？?，,。]{0,8}?的(?:其实|到底)?(?:就是|是)?哪")
# the kinds of thing a "which is the most" question picks among (哪个园区, 哪座城市), which are no measure
_KINDS_ZH = frozenset("园区 城市 公司 企业 高校 大学 学校 机构 地方 省份 国家 行业 产业 部门 单位 城区 区县 国家级".split())
# where the group is, which is no measure (六小龙里头最先火起来的是哪家)
_WITHIN_ZH = frozenset("里 里头 里面 中 当中 之中 其中 内 之内".split())
_RANKS_OR_LEADS = re.compile(_RANKS.pattern + r"|\b(?:first|top|leading|leads)\b", re.I)
# ... and one asking which is the most by an amount (最高, 最多) is answered by a rank or a superlative of
# amount, not by "the first batch of 23 parks" or "most of the stake"
_RANKS_BY_AMOUNT = re.compile(r"\b(?:largest|biggest|highest|fewest|least|smallest|lowest|ranks?|ranked|ranking|ahead|"
                              r"top|leading|leads)\b|\bthe most\b(?! of)|\bNo\.\s?\d|最|第一(?!批)|首位|榜首|居首|领先", re.I)


# A comparison a question takes for granted: "... faster than the national average", "above Nanjing",
# 比杭州还好, and which way it goes (not one denied: "一点不比杭州差", "no better than")
_MORE_EN = "faster|more|higher|bigger|larger|better|greater|stronger|above|ahead of"
_LESS_EN = "slower|less|fewer|lower|smaller|worse|weaker|below|behind"
_MORE_ZH = "好|高|多|快|大|强"
_LESS_ZH = "差|低|少|慢|小|弱"
_COMPARED_EN = re.compile(rf"(?<!\bnot )(?<!\bno )(?<!\bnever )\b({_MORE_EN}|{_LESS_EN})(?:\s+than)\s+(?:the\s+)?"
                          r"((?:[\w'\u2019-]+\s+){0,2}?[\w'\u2019-]+)"
                          r"(?=\s+(?:in|on|at|for|by|during|since|over|and|but|while|when)\b|\s*[?,.;]|\s*$)", re.I)
# ... and a move from one place to another (out of Hefei to Beijing; 从北京迁到合肥)
_MOVED_EN = re.compile(r"\b(?:mov(?:e|ed|es|ing)|relocat(?:e|ed|es|ing)|transferr?(?:ed|ing|s)?)\b"
                       r"(?:\s+[\w'\u2019-]+){0,3}?\s+(?:out of|away from|from)\s+(?:the\s+)?"
                       r"([\w-]+(?-i:\s+[A-Z][\w-]+)*)\s+(?:to|into)\s+(?:the\s+)?([\w-]+(?-i:\s+[A-Z][\w-]+)*)", re.I)
_MOVED_ZH = re.compile(r"从([\u4e00-\u9fff]{1,6}?)(?:迁|搬|转移)(?:到|往|至|回)([\u4e00-\u9fff]{1,6}?)(?=[，。？?,]|$|的|去|来)")
# "为什么没能登上……", "为啥没去主持": why something was not done, and what (two characters of it)
_NOT_DONE_ZH = re.compile(r"(?:为什么|为啥|为何)(?:没能|没有|没|未能|未)(?:去|能)?([\u4e00-\u9fff]{2})")
_COMPARED_ZH = re.compile(rf"(?<![不没])比([\u4e00-\u9fffA-Za-z]{{1,8}}?)(?:还|更|要)?({_MORE_ZH}|{_LESS_ZH})")
# ... and a rank ("Why was Optics Valley the first national innovation demonstration zone?",
# 光谷是怎么拿下全国第一个国家自主创新示范区的？): the rank, and the first word of what is ranked
_ORDINALS_EN = "first second third fourth fifth".split()
_RANKED_EN = re.compile(r"\b(" + "|".join(_ORDINALS_EN) + r")\s+((?!(?:time|place)\b)[a-z][\w-]+)", re.I)
_RANKED_ZH = re.compile(r"(?:第([一二三四五])|(首))(?:个|家|座|批|位|所)?((?![次年])[\u4e00-\u9fff]{2})")


# A run of two or more capitalised words ("the Apache License", "Songshan Lake Materials Laboratory").
_NAME_RUN = re.compile(r"\b(?:[A-Z][A-Za-z0-9\u2019'-]*\s+){1,9}[A-Z][A-Za-z0-9\u2019'-]*")
# A name and the plain noun of the kind it qualifies ("Hong Kong residents"; a capitalised kind, as in
# "Shenzhen Park", makes a name run of its own).
_NAMED_KIND = re.compile(r"\b((?:[A-Z][A-Za-z0-9-]*\s+){0,3}[A-Z][A-Za-z0-9-]*)\s+([a-z]{4,})\b")
# A name with a version or number after a hyphen ("DeepSeek-V2", "GPT-4").
_VERSIONED = re.compile(r"\b([A-Z][A-Za-z0-9]*)-([A-Z]?\d[A-Za-z0-9.]*)")
_QUESTION_OPENERS = frozenset("Which What Who Whom Whose When Where Why How In On At For Of Did Does Do Is Are Was Were "
                              "According Besides Apart The A An".split())


def _same_stem(a: str, b: str) -> bool:
    """Do two words open alike for five letters (or the whole of the shorter one): "research" and
    "researcher", "invest" and "investor"?"""
    return len(os.path.commonprefix([a, b])) >= min(5, len(a), len(b))


def _counted_of_another(question, text: str) -> bool:
    """Does ``text`` give what the question counts only as something a name the question does not
    name owns ("one-24th of China's population" for "What's Hangzhou's population?")?"""
    owners = [m.group(1) for m in re.finditer(rf"\b([A-Z][\w-]*)['\u2019]s\s+{re.escape(question.counted)}", text)]
    return bool(owners) and not any(set(tokenize(owner)) & set(question.names) for owner in owners)


def _the_role_done(question, text: str) -> bool:
    """Does a Chinese text say that someone does what the role a Chinese "who" question asks for
    does: 对话由……王坚主持 names the host (主持人) by the verb alone."""
    role = question.counted
    return (question.language == "zh" and question.wants == "person" and len(role) >= 3
            and role.endswith("人") and role[:-1] in text)


# Events an English "when" question asks about, as a question words them, the forms an English
# sentence may say them in, and the forms a Chinese sentence may say them in.
_EVENTS = (
    (r"\b(?:go|went|gone|going) public\b|\blist(?:ed|ing)?\b(?! of)|\bIPO\b",
     r"\blist(?:ed|ing|s)?\b|\bIPO\b|\b(?:go|went|gone|going) public\b|\bdebut(?:ed)?\b|\bflotation\b|stock exchange",
     r"上市|挂牌|IPO|招股"),
    (r"\b(?:die|died|dies|death|pass(?:ed)? away)\b", r"\b(?:die|died|dies|death|pass(?:ed)? away)\b", r"去世|逝世|病逝|离世"),
    (r"\b(?:graduat\w*)\b", r"\bgraduat\w*|\bdegree\b", r"毕业|学位"),
    (r"\b(?:found(?:ed|ing)?|establish\w*|set up|incorporated)\b",
     # "started", not a "start-up area" or "startups"
     r"\b(?:found(?:ed|ing|er|ers)?|establish\w*|set up|sets up|setting up|creat\w*|launch\w*|start(?:ed|ing|s)?(?!-)|"
     r"incorporat\w*|formed)\b",
     r"成立|创办|创立|创建|组建|设立|注册|起步|诞生|建立|建起"),
    (r"\b(?:releas\w*|launch\w*|unveil\w*)\b",
     r"\b(?:releas\w*|launch\w*|unveil\w*|publish\w*|open-sourc\w*|introduc\w*|debut\w*|announc\w*)\b",
     r"发布|推出|上线|开源|亮相|问世|首发|公布|发出|发表|刊发|刊出"),
    (r"\bissu(?:e|ed|es|ing)\b", r"\bissu(?:e|ed|es|ing)\b|\bpublish\w*|\breleas\w*|\bannounc\w*", r"印发|出台|发布|公布"),
    (r"\bbr(?:eak|oke|oken) ground\b|\bground-?breaking\b",
     r"\bground-?breaking\b|\bbr(?:eak|oke|oken) ground\b|\bconstruction\b", r"奠基|开工|动工|破土"),
    (r"\bapprov\w*", r"\bapprov\w*|\bendors\w*", r"获批|批准|获准|批复"),
    (r"\bmov(?:e|ed|es|ing)\b|\brelocat\w*", r"\bmov(?:e|ed|es|ing)\b|\brelocat\w*|\bshift\w*", r"搬到|搬迁|迁到|迁往|迁至|迁入|迁来"),
    # a centre or a zone that opened was as often founded or set up
    (r"\b(?:open|opened|opens)\b(?!-)", r"\bopen(?:ed|s|ing)?\b|\binaugurat\w*|\bbegan operat\w*|\bfound(?:ed|ing)\b|"
     r"\bestablish\w*|\bset up\b", r"开通|开业|开幕|启用|揭牌|落成|投用"),
    (r"\bjoin(?:ed|s)?\b", r"\bjoin(?:ed|s|ing)?\b|\bhired\b|\brecruit\w*", r"加入|加盟|入职|参加|参与"),
    (r"\bborn\b|\bbirth\b", r"\bborn\b|\bbirth\w*", r"出生|生于"),
    (r"\b(?:start|begin|began|started|starts)\w* (?:production|producing|operations?|operating)\b|\bput into (?:production|operation)\b",
     r"\bproduc\w*|\boperat\w*|\bput into\b|\bcommission\w*|\bmass[- ]produc\w*", r"投产|量产|运营|投入使用|投用"),
    (r"\bresign\w*|\bstep(?:s|ped)? down\b|\bretir\w*", r"\bresign\w*|\bstep(?:s|ped)? down\b|\bretir\w*|\bleft\b|\bquit\b",
     r"辞职|卸任|离任|退休|离开|辞去"),
    (r"\bacquir\w*|\bbought\b|\bbuy\b", r"\bacquir\w*|\bbought\b|\bbuy\w*|\bpurchas\w*|\btakeover\b|\btook over\b|\binvest\w*|\bstake\b|\bput\b.{0,40}\binto\b",
     r"收购|买下|入股|投资|注资|控股|押注|押宝|押|投注|布局|接盘"),
    (r"\bovert(?:ake|akes|aken|ook)\b|\bsurpass\w*|\boutstrip\w*|\boutgr[eo]w\w*",
     r"\bovert(?:ake|akes|aken|ook)\b|\bsurpass\w*|\boutstrip\w*|\boutgr[eo]w\w*|\bexceed\w*|\bpass(?:ed|es)?\b|\bahead of\b|\bbehind\b",
     r"超过|超越|反超|赶超|跃居|突破"),
)


_USUAL_EVENTS_ZH = re.compile("|".join(chinese for _, _, chinese in _EVENTS))  # any usual event, in Chinese


# An English question asking why something happened or was done: it takes the event as given.
_WHY_DID = re.compile(r"^\W*why\s+(?:did|was|were|has|had|have|does|do|is|are)\b", re.I)


def _names_all_across(question, text: str) -> bool:
    """Whether ``text`` names every name of a Chinese question: as written when it is Chinese, in its
    English form when it is not (a name without one is not judged there)."""
    if is_cjk_text(text):
        return len(found_terms(question.chinese_names, text)) == len(question.chinese_names)
    return all(len(found_terms(english, text)) == len(english) for english in question.english_of_names)


def _happened_to_another(question, forms: str, text: str) -> bool:
    """Is the usual event (``forms``) said in ``text`` only of names the question does not name?
    "Most accounts say DeepSeek was founded in 2023 as an offshoot of the hedge fund High-Flyer"
    tells when DeepSeek was founded, not High-Flyer: the name before "was founded" is its subject."""
    subjects = re.findall(rf"\b((?:[A-Z][\w\u2019'-]*\s+){{0,4}}[A-Z][\w\u2019'-]*)\s+(?:was|were|had been|has been)\s+"
                          rf"(?:\w+\s+)?(?i:{forms})", text)
    own = set(question.names)
    return bool(subjects) and not any(set(tokenize(subject)) & own for subject in subjects)


# A question asking why something fell, and the words a sentence says a fall with.
_FELL_Q = re.compile(r"\b(?:fall|fell|drop|dropped|decline|declined|slip|slipped|shrink|shrank|plunge|plunged|"
                     r"plummet|plummeted|slump|slumped|decrease|decreased|sink|sank|slide|slid|"
                     r"(?:go|goes|went|gone|slip|slipped|slide|slid)\s+(?:back\s+)?down)\b", re.I)
_FELL = re.compile(r"\b(?:fall|falls|fell|fallen|falling|drops?|dropped|dropping|declin\w*|slip\w*|shr[iau]nk\w*|"
                   r"plung\w*|plummet\w*|slump\w*|lower|down|decreas\w*|loss|losses|lost|below|slow\w*|contract\w*|"
                   r"sank|sunk|sinking|worse|weaker|behind)\b|下降|下滑|减少|跌|回落|萎缩|放缓", re.I)
# ... and one of stopping ("Why did the lab pull out of ...?"), and the words saying so
_STOPPED_Q = re.compile(r"\b(?:give|gives|gave|given|giving)\s+up\b|\b(?:abandon\w*|quit\w*|stop|stops|stopped|"
                        r"ditch\w*|scrap\w*|withdr[ae]w\w*|cancel\w*|no longer|pull(?:ed|s)? out|back(?:ed|s)? out|drop(?:ped|s)? out|"
                        r"walk(?:ed|s)? away|shut\w*|clos(?:e|ed|es|ing)\s+down)\b", re.I)
_STOPPED = re.compile(r"\b(?:gave up|give up|given up|abandon\w*|quit\w*|stop\w*|ditch\w*|scrap\w*|withdr[ae]w\w*|"
                      r"cancel\w*|no longer|pull\w* out|back\w* out|halt\w*|suspend\w*|ended|exit\w*|"
                      r"left(?!\s+(?:out|behind|over))|leav(?:e|es|ing)|"
                      r"dropp\w*|drop|shut\w*|closed|closure)\b|不再|放弃|停止|停掉|取消|退出|撤|叫停|暂停|终止|关闭|关停|停产|倒闭", re.I)
# ... asked why it happened, or what caused it ("What caused Optics Valley's GDP to fall ...?", "How come ...?")
_WHY_OR_WHAT_CAUSED = re.compile(r"^\W*(?:why\s+(?:did|was|were|has|had|have|does|do|is|are)|"
                                 r"what\s+(?:caused|made|drove|led)|how\s+come)\b", re.I)
# ... and in Chinese ("为啥下滑了？", "下降的原因", "为啥放弃了……？")
_WHY_ZH = r"(?:为什么|为啥|为何|怎么会|咋|什么原因|啥原因).{0,20}?"
_WHY_FELL_ZH = re.compile(_WHY_ZH + r"(?:下滑|下降|下跌|跌|回落|萎缩|倒退|退步|滑落)|"
                          r"(?:下滑|下降|下跌|跌|回落|萎缩|倒退|退步|滑落).{0,6}?(?:原因|为什么|为啥|为何)")
_WHY_STOPPED_ZH = re.compile(_WHY_ZH + r"(?:不再|放弃|停止|停掉|取消|退出|撤|叫停|暂停|关闭|关停|停产|倒闭)")
# ... and the other events a "why" question may take as given: a move ("Why did the lab relocate to
# Shenzhen?", 为啥把总部搬去上海), a sale (为啥把股份清仓了), a loss of a title, a refusal, criticism,
# and a name left out of a list; each asked in English, asked in Chinese, and said
_MOVED_Q = re.compile(r"\b(?:move|moved|moves|moving|relocat\w*)(?:\s+[\w'\u2019]+){0,4}?\s+(?:to|from|out|away|back)\b",
                      re.I)
_MOVED = re.compile(r"\b(?:mov(?:e|ed|es|ing)|relocat\w*|transferr?\w*|headquartered|left|leav\w*)\b|搬|迁|落户|离开", re.I)
_SOLD_Q = re.compile(r"\b(?:sell|sells|sold|selling|cash(?:ed|es|ing)? out|dump\w*|offload\w*|divest\w*)\b", re.I)
_SOLD = re.compile(r"\b(?:sell\w*|sold|cash\w* out|dump\w*|offload\w*|divest\w*|exit\w*)\b|卖|出售|减持|套现|清仓|抛售|退出",
                   re.I)
_LOST_Q = re.compile(r"\b(?:lose|loses|lost|losing|stripped|revoked)\b", re.I)
_LOST = re.compile(r"\b(?:lose|loses|lost|losing|stripped|revok\w*|downgrad\w*|withdr[ae]w\w*|behind|overt\w*|"
                   r"surpass\w*)\b|失去|丢|撤销|摘|降级|落后|被超", re.I)
_REFUSED_Q = re.compile(r"\b(?:reject\w*|refus\w*|turn(?:ed|s|ing)? down|block(?:s|ed|ing)?)\b", re.I)
_REFUSED = re.compile(r"\b(?:reject\w*|refus\w*|turn\w* down|block(?:s|ed|ing)?|declin\w*|veto\w*|denied|deny|reluctant|"
                      r"unwilling|would not|wouldn't|did not want)\b|拒|不肯|不愿|不敢|否决", re.I)
_CRITICISED_Q = re.compile(r"\b(?:critici[sz](?:e|ed|es|ing)|attack\w*|blam\w*|slam\w*|condemn\w*|rebuk\w*)\b", re.I)
_CRITICISED = re.compile(r"\b(?:critic\w*|attack\w*|blam\w*|slam\w*|condemn\w*|rebuk\w*|fault\w*|accus\w*)\b|"
                         r"批评|指责|抨击|骂|质疑", re.I)
_LEFT_OUT_Q = re.compile(r"\b(?:leav\w*|left)\s+(?:\w+\s+){1,3}?(?:out|off)\b|\b(?:omit\w*|exclud\w*|snub\w*)\b", re.I)
_LEFT_OUT = re.compile(r"\b(?:left out|left off|leav\w* out|omit\w*|exclud\w*|snub\w*|without|except|absent)\b|"
                       r"漏|没提|没有提|未提|排除|除了|缺席|没点名", re.I)
_PREMISES = ((_FELL_Q, _WHY_FELL_ZH, _FELL, "fell"), (_STOPPED_Q, _WHY_STOPPED_ZH, _STOPPED, "stopped"),
             (_MOVED_Q, re.compile(_WHY_ZH + r"(?:搬|(?<!变)迁|离开)"), _MOVED, "moved"),
             (_SOLD_Q, re.compile(_WHY_ZH + r"(?:卖|清仓|出售|减持|套现|抛售)"), _SOLD, "sold"),
             (_LOST_Q, re.compile(_WHY_ZH + r"(?:失去|丢|被撤销|被摘)"), _LOST, "lost it"),
             (_REFUSED_Q, re.compile(_WHY_ZH + r"(?:拒|不肯|不愿)"), _REFUSED, "refused"),
             (_CRITICISED_Q, re.compile(_WHY_ZH + r"(?:批评|指责|抨击|骂)"), _CRITICISED, "criticised"),
             (_LEFT_OUT_Q, re.compile(_WHY_ZH + r"(?:漏|没提|排除|没点名|冷落)"), _LEFT_OUT, "left it out"))


# The usual events (:data:`_EVENTS`, in order) in plain English words, for ranking the English
# sentences of a Chinese question that names one (成立: "founded", "established").
_EVENT_WORDS = ("listed public", "died", "graduated", "founded established", "released launched",
                "issued published", "groundbreaking", "approved", "moved relocated", "opened", "joined", "born",
                "production operation", "resigned", "acquired", "overtook surpassed")


def english_event_words(question) -> tuple[str, ...]:
    """The English words (as tokens) of the usual event a Chinese "when" question asks about
    (:func:`chinese_event`), or of the role a Chinese "who" question asks about
    (:func:`english_role_words`): they rank English sentences that write the question's Latin names.

    Args:
        question: the analysed question.

    Returns:
        The tokens ("found", "establish" for 成立; "founder", "found" for 创始人), or none for
        another question.
    """
    role = english_role_words(question)
    if role:
        return tuple(dict.fromkeys(tokenize(role)))  # a "who" question's role (创始人: "founder", "founded")
    event = chinese_event(question) if question.language == "zh" and question.wants == "time" else None
    if not event:
        return ()
    words = [w for (_, _, chinese), w in zip(_EVENTS, _EVENT_WORDS) if re.search(chinese, event)]
    return tuple(dict.fromkeys(t for w in words for t in tokenize(w)))


# A question asking where something happened.
_WHERE_DID = re.compile(r"^\W*(?:and\s+)?(?:where|in (?:which|what) (?:city|town|place|province|country|district))\b", re.I)
_WHERE_DID_ZH = re.compile(r"哪里|哪儿|什么地方|何地|哪(?:座|个)(?:城市|省|国家|地方)")


def _names_all_and_one(names, words, text: str) -> bool:
    """Does ``text`` name all of ``names`` and one of ``words`` (:func:`found_terms`)?"""
    return len(found_terms(names, text)) == len(names) and bool(found_terms(words, text))


# Verbs and adverbs a reader uses for many things, and verbs of coming to be ("appear", "emerge"): no
# evidence that a passage says what is asked ("And what about Hefei?" after "Why did DeepSeek appear in
# Hangzhou?" asks for Hefei's story, which no passage tells with "appear").
_LIGHT_WORDS = frozenset("set run start good well better best make take get do come go call say give put keep become "
                         "turn work use help happen mean see look need want try show play along appear emerge arise exist".split())
_TOPIC_GERUND = re.compile(r"\b(?:on|about|for|of)\s+[a-z]+ing\b", re.I)  # "a plan for listing", "a law on moving data"
# "Who ordered ...?", "Who founded ...?": a question asking who did something, and its verb.
_WHO_DID = re.compile(r"^\W*who\s+(\w+(?:ed|s))\b", re.I)
# verbs of being, and of holding a role ("Who runs Manycore?" is answered by its CEO)
_NOT_DONE = frozenset("was is has does says runs leads heads chairs manages directs owns controls".split())
_APPOSITION = re.compile(r",\s+(?:the|a|an)\s+[^,?]+,")


# "What did Liang Wenfeng say at the symposium?" asks for a named person's words: a sentence saying
# only that he attended does not give them, nor one in which a newspaper "reported that" he did.
_WHAT_DID_THEY_SAY = re.compile(r"^\W*(?i:(?:and\s+)?what\s+(?:did|does|do|has|have|had))\s+"
                                r"((?:[A-Z][\w\u2019'-]*\s+){1,3}?(?:[a-z]+\s+){0,2}?)(?:say|said|tell|told)\b")
_SPEECH = r"(?:said|says|saying|told|tells|stated|noted|argued|recalled|remarked|explained|added|called|described|" \
          r"wrote|writes|asked|replied|answered|declared|warned|urged|insisted|admitted|credited|praised|put it)"
# ... in Chinese, a verb of saying or a quotation opened after a colon (他说：“……”); a quoted term
# (出过“翻车”的意外) or a name (被称为“AI三杰”) gives nobody's words
_CHINESE_SPEECH = re.compile(r"说|表示|(?<!被)称(?![为作号])|认为|指出|回忆|坦言|强调|提到|[：:]\s*[\u201c\u300c]")


def gives_the_words_of(speaker: str, text: str, chinese_names=()) -> bool:
    """Does ``text`` give what ``speaker`` ("Liang Wenfeng") said: one of the speaker's names followed
    within a few words by a verb of saying ("Liang Wenfeng said", "Liang, the founder, told"), or a
    quotation attributed to them ("... ," Liang said)? A Chinese text is judged by its marks of
    speech (说, 表示, ：“) and, when the question's names have Chinese forms, by naming one of them
    (韩璧丞回忆 gives nobody's words for "What did Wang Xingxing say?").

    Args:
        speaker: the person's name as the question writes it.
        text: a sentence (with the one before it when it leans on it).
        chinese_names: the Chinese forms of the question's names (``Question.other_terms``).

    Returns:
        True when the text gives that person's words.
    """
    if is_cjk_text(text):
        return bool(_CHINESE_SPEECH.search(text)) and (not chinese_names or any(n in text for n in chinese_names))
    # "NIO's founder": the body's name or the role ("DeepSeek's founder Liang Wenfeng said")
    names = "|".join(re.escape(w) for w in re.findall(r"[A-Z][\w-]+|(?<=\u2019s |'s )[a-z]+", speaker) if len(w) > 1)
    if not names:
        return True
    return re.search(rf"\b(?:{names})(?:[\u2019']s)?\b(?:\W+\w+){{0,6}}?\W+{_SPEECH}\b|"
                     rf"\b{_SPEECH}\s+(?:\w+\s+){{0,2}}(?:{names})\b", text) is not None


def picks_the_most_zh(question) -> tuple[bool, list[str], bool]:
    """Does a Chinese question ask which of several is the most by some measure ("哪家营收最高？",
    "年产值最高的是哪一个？"), and by which words (营收; 年产值)? The measure is what stands between
    哪 and the superlative, or in the same clause just before it; names and where the group is are
    none (六小龙里头最先火起来的是哪家 names no measure).

    Returns:
        (whether it asks so, the measure's words (empty when it names none), whether it asks which
        came first (最早, 最先))
    """
    found = _PICKS_THE_MOST_ZH.search(question.text) or _THE_MOST_IS_WHICH_ZH.search(question.text)
    if not found:
        return False, [], False
    words = tokenize(found.group(1))
    if found.re is _PICKS_THE_MOST_ZH and len(set(words)) > 1 and words[0] in _KINDS_ZH:
        words = words[1:]  # 哪个园区年产值最高: 园区 says what kind of thing is picked, 年产值 by what
    if found.re is _THE_MOST_IS_WHICH_ZH:
        # the word right before the superlative (年产值), unless that is where the group is (“六小龙”里)
        words = [] if re.search(r"(?:%s)\W*$" % "|".join(_WITHIN_ZH), found.group(1)) else words[-1:]
    return True, [w for w in words if w not in _WITHIN_ZH and w not in question.names and w not in QUESTION_FRAME
                  and not w.isdigit()], found.group(2) in ("早", "先")


def said_the_other_way(question, texts: list[str]) -> str:
    """The words of a text saying the other way round a comparison or a move the question takes for
    granted ("... grow faster than the national average": "below the national average"; 深圳……比杭州少:
    "多于杭州"; "move out of Hefei to Beijing": "from Beijing to Hefei"), in a text naming one of the
    question's own names besides the places or the thing compared with; empty when none does (or the
    question neither compares nor moves anything).

    Args:
        question: the analysed question.
        texts: the best sentences (each with the one before it when it points back).
    """
    denied = _NOT_DONE_ZH.search(question.text)
    subject = [n for n in question.chinese_names if n in question.text[:denied.start()]] if denied else []
    if subject:
        # 宇树的人形机器人为什么没能登上2025年的春晚舞台？: "宇树科技则在2025年除夕夜登上央视春晚" says it did; the
        # thing said to have done it is the name nearest before the asking word
        doer = max(subject, key=lambda n: question.text.rfind(n, 0, denied.start()))
        done = rf"(?<![没未不无别])(?<!没有|并未|未能|没能){re.escape(denied.group(1))}"
        return next((found.group(0) for text in texts if doer in text and not asks(text)
                     for found in [re.search(done, text)] if found), "")
    moved = _MOVED_EN.search(question.text) or _MOVED_ZH.search(question.text)
    if moved:  # "Why did USTC move out of Hefei to Beijing?": "relocated from Beijing to Hefei"
        origin, destination = (re.escape(moved.group(i).strip()) for i in (1, 2))
        other = rf"\bfrom\s+(?:the\s+)?{destination}\s+(?:to|into)\s+(?:the\s+)?{origin}\b" if moved.re is _MOVED_EN \
            else rf"从{destination}(?:迁|搬|转移)(?:到|往|至|回){origin}"
        return _said_of_its_own(question, other, moved.group(1) + " " + moved.group(2), texts)
    ranked = _RANKED_EN.search(question.text) or _RANKED_ZH.search(question.text)
    if ranked:  # "the first national ... zone": "the second National ... Zone"
        if ranked.re is _RANKED_EN:
            others = "|".join(o for o in _ORDINALS_EN if o != ranked.group(1).lower())
            other = rf"\b(?:{others})\s+(?:[\w-]+\s+){{0,2}}?{re.escape(ranked.group(2))}"
        else:
            rank = ranked.group(1) or "一"
            others = "".join(o for o in "一二三四五" if o != rank)
            thing = re.escape(ranked.group(3))
            other = rf"第[{others}](?:个|家|座|批|位|所)?{thing}"
            if rank != "一":  # 首个 is the first
                other += rf"|首(?:个|家|座|批|位|所)?{thing}"
        contrary = _ranked_otherwise(question, other, question.text[ranked.start():], texts)
        if contrary:
            return contrary
    found = _COMPARED_EN.search(question.text) or _COMPARED_ZH.search(question.text)
    if not found:
        return ""
    word, compared = found.group(1, 2) if found.re is _COMPARED_EN else found.group(2, 1)
    compared = compared.strip()
    more = bool(re.fullmatch(_MORE_EN + "|" + _MORE_ZH, word, re.I))
    if found.re is _COMPARED_EN:
        other = rf"\b(?:{_LESS_EN if more else _MORE_EN})\b(?:\s+than)?\s+(?:the\s+)?{re.escape(compared)}\b"
    else:
        other = (rf"(?:{_LESS_ZH if more else _MORE_ZH})于{re.escape(compared)}|"
                 rf"比{re.escape(compared)}(?:还|更|要)?(?:{_LESS_ZH if more else _MORE_ZH})")
        other += rf"|(?:不如|落后于?){re.escape(compared)}" if more else rf"|(?:超过|领先于?){re.escape(compared)}"
    return _said_of_its_own(question, other, compared, texts)


def _ranked_otherwise(question, pattern: str, ranked: str, texts: list[str]) -> str:
    """The words matching ``pattern`` (another rank) in the first text naming one of the question's
    names, before them: "In 2009 ... approved the Wuhan East Lake zone as China's second ... Zone, after
    Beijing's Zhongguancun" ranks the zone, not Zhongguancun. Countries are not the names, nor those of
    what is ranked (``ranked``, the question from its rank on: "first Innovation Demonstration Zone").
    Empty when none does."""
    own = [n for n in (*question.names, *question.chinese_names) if n not in COUNTRY_WORDS | CHINESE_COUNTRIES
           and (n not in ranked if is_cjk_text(n) else n not in token_set(ranked))]
    for text in texts:
        said = re.search(pattern, text, re.I)
        # ... not the thing ranked before it ("继中关村之后全国第二个", "second after Zhongguancun")
        before = re.sub(r"继[^，。；]{1,12}?(?:之后|以后)|\bafter\s+[^,.;]{1,40}", "", text[:said.start()]) if said else ""
        if said and any(n in before if is_cjk_text(n) else n in token_set(before) for n in own):
            return said.group(0)
    return ""


def _said_of_its_own(question, pattern: str, compared: str, texts: list[str]) -> str:
    """The words matching ``pattern`` in the first text that also names one of the question's names
    not in ``compared`` (what it compares with, or where a move went); empty when none does."""
    own = [n for n in (*question.names, *question.chinese_names) if n not in compared.lower()]
    for text in texts:
        said = re.search(pattern, text, re.I)
        if said and own and found_terms(own, text):
            return said.group(0)
    return ""


def ranks_by(measure: str, text: str) -> bool:
    """Does ``text`` hold a superlative or a rank (:data:`_RANKS`) and the ``measure`` ("GDP")?"""
    return bool(_RANKS.search(text)) and bool(found_terms(tokenize(measure), text))


def counted_words(text: str) -> list[str]:
    """The tokens of ``text`` that can say what is counted: a word inside a name of several words
    only as its last word ("two Nobel Prizes" counts prizes; "People's Daily Online" counts no
    people)."""
    return tokenize(_names_by_last_word(text))


def _names_by_last_word(text: str) -> str:
    """``text`` with each name of several capitalised words cut to its last word."""
    return _CAPITALISED_RUN.sub(lambda run: run.group().split()[-1], text)


def counted_by_a_figure(word: str, text: str, window: int = 4) -> bool:
    """Does a figure stand within ``window`` words before or after ``word`` in ``text`` ("14.8
    trillion tokens"; not "21 billion are active for each token")?"""
    words = _names_by_last_word(text).split()
    for i, w in enumerate(words):
        if word in tokenize(w) and has_quantity(" ".join(words[max(0, i - window):i] + words[i + 1:i + 1 + window])):
            return True
    return False


# A model's code name ("H1", "G1", "A100", "V3" in "DeepSeek-V3").
_CODE_NAME = re.compile(r"\b[A-Z]{1,3}\d{1,4}[a-z]?\b")


def gives_the_figure_of_what_is_named(question, text: str) -> bool:
    """Is one of the sentence's figures of the asked type said of the model the question names,
    not of a sibling named beside it? "Unitree launched its H1 humanoid in August 2023 and its G1
    humanoid in May 2024 at a starting price of 99,000 yuan" gives no price for the H1: a figure
    belongs to the nearest code name before it with no comma, colon, semicolon or bracket between
    ("DeepSeek-R1, built on the DeepSeek-V3 base model, was released on January 20, 2025" dates R1).
    A sentence naming only siblings gives their figures: the G1's price is not the DR02's.

    Args:
        question: the analysed question.
        text: the sentence.
    """
    asked = set(_CODE_NAME.findall(question.text))
    if not asked:
        return True
    codes = [(m.end(), m.group() in asked) for m in _CODE_NAME.finditer(text)]
    if all(own for _, own in codes):  # none named, or only the question's
        return True
    starts = answer_starts(question.wants, text)  # none for a name, or when there is no figure
    if not starts:
        return True
    for start in starts:
        before = [(end, own) for end, own in codes if end <= start and not re.search(r"[,;:()]", text[end:start])]
        if not before or before[-1][1]:
            return True
    return False


# A country, and the ways a passage may write it: "American national laboratories" are "national
# laboratories ... in the United States".
# how a text writes each country, and the country each of its words names ("dutch" -> netherlands;
# a question's "Americans" and "USA" too)
_COUNTRY_FORMS = {country: "|".join((country, *words, *other)) for country, (words, other) in COUNTRIES.items()}
_COUNTRY_OF = {**{word: country for country, (words, _) in COUNTRIES.items() for word in words},
               "americans": "america", "usa": "america", **{country: country for country in COUNTRIES}}


def _names_its_countries(question, text: str) -> bool:
    """Does ``text`` write, in any of its forms, each country the question names? A country's
    possessive ("China's State Council") places what it names and is not required of a passage,
    which says "the State Council"."""
    for name in question.names:
        country = _COUNTRY_OF.get(name)
        if country is None or re.search(rf"\b{name}['\u2019]s\b", question.text, re.I):
            continue
        if not re.search(rf"\b(?:{_COUNTRY_FORMS[country]})\b", text, re.I):
            return False
    return True


_A_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)*|《[^》]+》|“[^”]+”|\"[^\"]+\"")


def names_something_new(asked: str, text: str) -> bool:
    """Does ``text`` name something ``asked`` does not: a capitalised name, a title or a quoted
    term, or in Chinese a name jieba tags as a person's, a place's or a body's?

    Args:
        asked: the question with what it sets aside.
        text: a sentence (in context).
    """
    known = set(tokenize(asked)) | set(CALENDAR) | set(_COUNTRY_OF)
    names = [m.group(0) for m in _A_NAME.finditer(text)]
    if is_cjk_text(text):
        import jieba.posseg

        names += [pair.word for pair in jieba.posseg.cut(text) if pair.flag[:2] in ("nr", "ns", "nt", "nz")]
    return any(set(tokenize(name)) - known for name in names)


def passage_names_the_question(question, sentence) -> bool:
    """Does the sentence's passage (or its document's title) name what the question names?

    A country may be written in another form (:func:`_names_its_countries`). A Chinese passage
    holds an English question's names in their known Chinese form (合肥) and those Chinese writes as
    they are ("G60", "GDP", "BOE"); it cannot spell the others. A comparative question's names span
    passages, so none is required of one.

    Args:
        question: the analysed question.
        sentence: a scored sentence.
    """
    if question.comparative:
        return True
    titled = f"{sentence.metadata.get('title', '')} {sentence.passage}"
    if coverage(set(question.names) - set(_COUNTRY_OF), titled, lambda t: 1.0) == 1.0 \
            and _names_its_countries(question, titled):
        return True
    return (not _same_language(question, sentence.text) and question.language == "en"
            and coverage(_written_as_is(question), sentence.passage, lambda t: 1.0) == 1.0
            and coverage(question.other_terms, sentence.passage, lambda t: 1.0) == 1.0)


def _titled(sentence) -> str:
    """The sentence (with the one before it) after its document's title: a clause of the Apache
    License that grants a "Copyright License" is still about the Apache License."""
    return f"{sentence.metadata.get('title', '')}. {with_previous(sentence)}"


def _named_in(sentence) -> str:
    """Where a sentence may name what a question names: its document's title and the sentence (with
    the one before only when it points back). "The Hetao zone covers ... a Hong Kong Park ... and a
    Shenzhen Park" before "... issued a development plan for the Shenzhen Park" does not make that
    plan the Hong Kong Park's."""
    return f"{sentence.metadata.get('title', '')}. {with_previous_if_leaning(sentence)}"


def names_another_of_its_kind(question_text: str, text: str, named_in: str | None = None) -> bool:
    """Does the sentence name another thing of the kind the question names, and not the question's?

    "The Free Software Foundation may publish revised versions of the GNU General Public License"
    does not say who publishes the Apache License: it names another licence and not Apache.
    "DeepSeek-V3 ... trained on 14.8 trillion tokens" does not say what DeepSeek-V2 was trained on.

    Args:
        question_text: the question.
        text: the sentence (with the one before it, when it leans on it).
        named_in: where the question's own name is looked for (``text`` when None).
    """
    named_in = text if named_in is None else named_in
    # one name with "and" inside ("the Hetao ... Science and Technology Innovation Cooperation Zone")
    joined = AND_INSIDE_A_NAME.sub(lambda m: m.group(0).replace(" and ", " And "), question_text)
    for run in _NAME_RUN.findall(joined):
        words = [w for w in run.split() if w not in _QUESTION_OPENERS and w != "And"]
        if len(words) < 2:
            continue
        head, modifiers = words[-1], [w.split("\u2019")[0].split("'")[0] for w in words[:-1]]
        if any(m in named_in for m in modifiers):
            continue
        if re.search(rf"\b[A-Z][A-Za-z0-9\u2019'-]*\s+{re.escape(head)}\b", text):
            return True
    for run, kind in _NAMED_KIND.findall(question_text):
        # "Hong Kong residents" in the question, "Macao residents" and no Hong Kong ones in the text;
        # a capitalised word between them is no other thing ("H800 hours" are "H800 GPU hours"); a
        # verb after the name is no kind ("... across the Greater Bay Area signed?")
        own = [w for w in run.split() if w not in _QUESTION_OPENERS]
        named_kind = rf"\b{re.escape(own[-1])}(?:['\u2019]s)?\s+(?:[A-Z][A-Za-z0-9-]*\s+){{0,2}}{kind}\b" if own else ""
        if own and not kind.endswith("ed") and not re.search(named_kind, text) \
                and re.search(rf"\b[A-Z][A-Za-z0-9-]*\s+{kind}\b", text):
            return True
    # a question naming two versions ("How many more parameters does DeepSeek-V3 switch on than
    # DeepSeek-V2?") is answered by a sentence on either
    versions = _VERSIONED.findall(question_text)
    if any(f"{base}-{version}" in text for base, version in versions):
        return False
    return any(re.search(rf"\b{re.escape(base)}-[A-Z]?\d", text) for base, _ in versions)
