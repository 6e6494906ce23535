"""Turn a follow-up ("And what did Hefei do?") into a standalone question before retrieval.

With a language model this is a rewrite prompt whose output is accepted only if it keeps
the follow-up's own keywords; otherwise, and without a model, a deterministic rule does it.
"""

from __future__ import annotations

import re

from rag.prompts import CONDENSE_SYSTEM, CONDENSE_USER, REFUSAL
from rag.multilingual import romanised
from rag.question import CALENDAR, person_names
from rag.text import is_cjk_text, split_sentences, tokenize

_PRONOUNS = re.compile(r"\b(it|its|they|them|their|there|that|this|these|those|he|she|his|her|the city|the company)\b",
                       re.I)
# a longer follow-up that goes on from the last question ("And which place got the second one?"); a
# question naming nothing without such words is a new one as often as not (typed in lower case:
# "what new pillar industries is guangdong going after?"), and is left as it is
_GOES_ON = re.compile(r"^\s*(and|but|also|plus|then)\b|\b(?:the|which|what)(?:\s+\w+)?\s+ones?\b", re.I)
# a question that opens with a preposition and asks little more ("out of how many zones?", "by how
# much?", "in what year?") goes on from the last one; "in which year was deepseek founded?" says what
# it is about itself
_FRAGMENT = re.compile(r"^\s*(?:out of|in|by|for|from|with|since|to|at|on|after|before|until|compared (?:to|with)|"
                       r"as of)\s+(?:how|what|which|whom|when|where)\b", re.I)
_FRAGMENT_WORDS = 2
_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what about|what else|why|how)\b", re.I)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z0-9\u2019'-]+(?:\s+[A-Z][a-zA-Z0-9\u2019'-]+)*)")


# pronouns standing for what was asked about before ("it", "its", "he", "they"), not "that" or "there"
_SUBJECT_PRONOUNS = frozenset("it its they them their he his she her".split())
_QUESTION_WORDS = {"and", "what", "how", "why", "who", "when", "where", "which", "did", "does", "do", "is", "was",
                   "are", "were", "can", "could", "but", "so", "also", "then", "tell", "has", "have", "had", "will",
                   "would", "should", "may", "might", "must", "shall", "whose", "whom"}


def user_turns(history) -> list[str]:
    """The user's earlier questions from a history in Gradio "messages" form or as pairs."""
    questions = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                questions.append(turn["content"])
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            questions.append(turn[0])
    return [q for q in questions if q.strip()]


def last_answer(history) -> str:
    """The assistant's latest answer in a history in Gradio "messages" form or as pairs ("" if none)."""
    for turn in reversed(history or []):
        if isinstance(turn, dict):
            if turn.get("role") == "assistant" and isinstance(turn.get("content"), str):
                return turn["content"]
        elif isinstance(turn, (list, tuple)) and len(turn) == 2 and isinstance(turn[1], str):
            return turn[1]
    return ""


def first_quote(answer: str) -> str:
    """What an earlier answer quotes first: its first line after a list's lead-in ("The documents
    give 3 reasons:"), up to its first citation mark; "" for a refusal, which names no referent."""
    text = answer.strip()
    if not text or text.startswith(tuple(REFUSAL.values())):
        return ""
    lines = [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]
    if not lines:  # only list marks ("- - -")
        return ""
    first = lines[1] if len(lines) > 1 and lines[0].endswith((":", "：")) else lines[0]
    return re.split(r"\s*\[\d+\]", first, maxsplit=1)[0]


def first_answer_sentence(answer: str) -> str:
    """The first sentence of :func:`first_quote`."""
    first = first_quote(answer)
    spans = split_sentences(first)
    return first[spans[0][0]:spans[0][1]] if spans else first


# a follow-up pointing at what the last answer gave: "that scheme", "those articles" ("he" is not
# read so: an answer naming a person often names others beside them)
_POINTS_BACK = re.compile(r"\b(?:that|this|those|these|the same)\s+(?!(?:is|was|are|were|has|had|did|does)\b)[a-z]",
                          re.I)
_QUOTED_NAME = re.compile(r"[\"“]([A-Z][^\"“”]{2,40})[\"”]")


_NAME = r"([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)"


def _called(noun: str, text: str) -> list[str]:
    """The names ``text`` calls by ``noun``, in order: "Dongguan, a manufacturing city", "Game
    Science is the studio", "the electric carmaker NIO"."""
    kind = rf"(?:[\w-]+\s+){{0,3}}{re.escape(noun)}\b"
    found = re.finditer(rf"\b{_NAME}(?:,\s+an?|\s+(?:is|was)\s+(?:an?|the))\s+{kind}|\bthe\s+{kind}\s+{_NAME}", text)
    return [m.group(1) or m.group(2) for m in sorted(found, key=lambda m: m.start())]


def _answer_names(answer: str, last: str, noun: str = "") -> list[str]:
    """Names in quotation marks that the earlier answer gives and the earlier question did not
    ("Project Eagle" for "Which start-up scheme gave Unitree a leg up?"), and a name the answer
    calls by the follow-up's noun ("that city" after "... in Dongguan, a manufacturing city in
    Guangdong"). Other capitalised words are not taken: the answer to "Who are the Six Little
    Dragons?" names Zhejiang and DeepSeek, and "that nickname" is still the Six Little Dragons."""
    first = first_answer_sentence(answer)
    names = [m.group(1) for m in _QUOTED_NAME.finditer(first)]
    if noun:
        names += _called(noun, first)
    asked = last.lower()
    return [n for n in dict.fromkeys(names) if n.lower() not in asked]


# a question asking who ("Who's the boss at Game Science?"): its answer names whom "he" or "she" is
_ASKS_WHO = re.compile(r"^\W*(?:and\s+|so\s+)?who(?:m|se)?\b|谁", re.I)
_PERSONAL_PRONOUNS = frozenset("he his she her".split())
# a question asking which one ("Which Hangzhou studio ...?"): its answer names what the next is about
_ASKS_WHICH = re.compile(r"^\s*[Ww]hich\s+(?:[A-Z]\w*\s+)*([a-z]+)\b")


def _names_in_answer(sentence: str) -> list[str]:
    """Capitalised names of an answer's sentence, its first word included when it is no function
    word ("The Songshan Lake Materials Laboratory sits ..." -> "Songshan Lake Materials Laboratory")."""
    names = [_OPENING_WORD.sub("", m.group(1)) for m in _PROPER.finditer(" " + sentence)]
    return [n for n in names if n and n.lower() not in CALENDAR and n.lower() not in _QUESTION_WORDS]


_OPENING_WORD = re.compile(r"^(?:The|A|An|In|On|At|By|For|From|After|Before|According(?:\s+to)?|Its|Their|This|That)"
                           r"(?:\s+|$)")


def _says_much_of(sentence: str, question: str) -> bool:
    """Does the sentence hold at least half of the question's words?"""
    asked = set(tokenize(question))
    return bool(asked) and len(asked & set(tokenize(sentence))) >= len(asked) / 2


def _proper_nouns(text: str) -> list[str]:
    """Capitalised names after the first word; a month or day of the week is none ("in July 2014")."""
    words = text.strip().split(None, 1)
    rest = words[1] if len(words) > 1 else ""
    return [m.group(1) for m in _PROPER.finditer(rest) if m.group(1).lower() not in CALENDAR]


_ZH_ABOUT = re.compile(r"^\s*(?:那|那么|还有)?\s*(.{1,12}?)\s*(?:呢|怎么样|如何|又如何|又怎样)\s*[？?]?\s*$")
# a pronoun, or a demonstrative before a noun ("那个开发区", "这家公司", "该项目"); 其他 (other) is none
_ZH_PRONOUN = re.compile(r"它|(?<!其)他|她|该(?=[\u4e00-\u9fff])|[这那](?:个|家|座|位|所|项|次|篇|份|只|条|里|届|场|款|批|笔|台|部|支)")


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_SHORT_FOLLOW_UP = 16  # characters
_NAMED_IN = re.compile(r"《[^》]+》|“[^”]+”|[A-Za-z][A-Za-z0-9.-]*(?:\s+[A-Z][A-Za-z0-9.-]*)*")
# a Latin name, a title or a quoted term: a follow-up that writes one says what it is about
_NAMES_ITS_OWN = re.compile(r"[A-Za-z][A-Za-z0-9.]|[《“「\"]")


def _condense_chinese(question: str, last: str, answer: str = "") -> str | None:
    """"那合肥呢？" after "为什么DeepSeek出现在杭州？" -> "为什么DeepSeek出现在合肥？"; a follow-up with a
    pronoun gets the earlier question appended in brackets, or, when a demonstrative's noun is in
    the clause of the last answer's first quote ("那个开发区" and "……落户合肥经济技术开发区"), that
    clause. None when the rule does not apply."""
    from rag.multilingual import KNOWN_NAMES

    about = _ZH_ABOUT.match(question)
    if about:
        new = about.group(1)
        names = sorted((n for n in KNOWN_NAMES if n in last), key=lambda n: (last.rfind(n), len(n)))
        if not names:
            return f"{last}（{new}）"
        # names written one after another are one name: 苏州 + 工业园区 is 苏州工业园区
        start = last.rfind(names[-1])
        end = start + len(names[-1])
        while any(last.endswith(n, 0, start) for n in names):
            start -= max(len(n) for n in names if last.endswith(n, 0, start))
        return last[:start] + new + last[end:]
    pointer = _ZH_PRONOUN.search(question)
    if pointer and pointer.group(0) in ("他", "她") and _ASKS_WHO.search(last) and not person_names(last):
        # "他是哪里人？" after "DeepSeek创始人是谁？": he is the person the last answer gave first
        given = [n for n in person_names(first_answer_sentence(answer)) if n not in last]
        if given:
            return f"{question}（{given[0]}，{last}）"
    if pointer:
        # "那个开发区是哪一年设立的？" after an answer naming 合肥经济技术开发区: the answer's clause
        # that names it says what "that zone" is
        cited = "" if pointer.group(0) in ("它", "他", "她") else first_quote(answer)
        clauses = re.split(r"[，,；;。：:！？]", cited)
        for size in (4, 3, 2):
            noun = question[pointer.end():pointer.end() + size]
            clause = next((c for c in clauses if noun in c), None) if _CJK_RUN.fullmatch(noun) else None
            if clause:
                return f"{question}（{clause.strip()}）"
        return f"{question}（{last}）"
    if len(question) <= _SHORT_FOLLOW_UP and not _NAMES_ITS_OWN.search(question) \
            and not any(name in question for name in KNOWN_NAMES):
        # Chinese drops the subject it goes on about ("首发的时候能在哪些平台上玩？" after a question
        # on Black Myth: Wukong): a short follow-up naming nothing is about what the last question
        # names (not what it asks: 哪天 would make it ask for a date)
        named = _NAMED_IN.findall(last) + [name for name in KNOWN_NAMES if name in last]
        return f"{question}（{'，'.join(dict.fromkeys(named)) or last}）"
    return None


def condense_rule(question: str, history) -> str:
    """Deterministic follow-up rewrite.

    - "What about Shenzhen?" after "Why did DeepSeek appear in Hangzhou?" becomes the
      earlier question with its last name replaced: "Why did DeepSeek appear in Shenzhen?".
    - A follow-up with a pronoun and no name of its own ("How long did it take?") gets the
      earlier question's names appended; so does a longer one that goes on from it ("And which
      place got the second one?").
    - Anything else is left as it is.

    Args:
        question: the latest user message.
        history: earlier turns.

    Returns:
        The standalone question.
    """
    previous = user_turns(history)
    if not previous:
        return question
    last = previous[-1]
    q = question.strip()
    if re.search(r"[\u4e00-\u9fff]", q):
        return _condense_chinese(q, last, last_answer(history)) or question
    about = re.match(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(.+?)\s*\??$", q, re.I) or \
        re.match(r"^\s*(?:[Aa]nd\s+)?(?!(?:Why|How|What|Who|When|Where|Which)\b)([A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*){0,2})\s*\?$", q)
    if about:
        names = _proper_nouns(last)
        if names:
            return last.replace(names[-1], about.group(1).strip(), 1)
        return f"{last} ({about.group(1).strip()})"
    # the first word is a name only if it is no question word, also when contracted ("What's")
    first = re.sub(r"\W", "", re.sub(r"[\u2019']\w*$", "", q.split()[0])) if q.split() else ""
    own_names = _proper_nouns(q) or ([first] if first[:1].isupper() and first.lower() not in _QUESTION_WORDS else [])
    # a last question without capitals ("suzhou industrial park calls which sector its top industry?")
    # is carried by its first six words (dev: four lose "sector"; six answer 2 more follow-ups, eight 1)
    names = _proper_nouns(last) or tokenize(last)[:6]
    pronoun = _PRONOUNS.search(q)
    # "And when did it move to Hangzhou?" after "Who started BrainCo?": "it" comes before the
    # follow-up's own name, so it points back at the last question's
    points_back = bool(pronoun and own_names and pronoun.group(1).lower() in _SUBJECT_PRONOUNS
                       and pronoun.start() < q.find(own_names[0]))
    if pronoun and (not own_names or points_back):
        pointer = _POINTS_BACK.search(q)
        which = _ASKS_WHICH.match(last)
        said = last_answer(history)
        before = names
        if which and not pointer:
            # "How much did the city put in?" after "Which carmaker did Hefei bail out in 2020?":
            # the follow-up is about the one the last answer calls a carmaker ("the electric
            # carmaker NIO"); a refusal names none
            answer = re.sub(r"\s*\[\d+\]", "", said) if first_quote(said) else ""
            given = [n for n in _called(which.group(1), answer) if n.lower() not in last.lower()]
            names = list(dict.fromkeys(given[:1] + names))
        if pointer:
            # "When did that scheme get started?" asks about what the last answer named
            noun = re.match(r"[a-z]+", q[pointer.end() - 1:], re.I).group(0)
            names = list(dict.fromkeys(_answer_names(said, last, noun)[:2] + names))
        elif _ASKS_WHO.match(last) and pronoun.group(1).lower() in _PERSONAL_PRONOUNS and not person_names(last):
            # "Why did he quit his old job?" after "Who's the boss at Game Science?": he is the
            # person the last answer gave first ("... its CEO Feng Ji"; 赵梓森 written in pinyin)
            given = [romanised(n) if is_cjk_text(n) else n for n in person_names(first_answer_sentence(said))]
            names = list(dict.fromkeys([n for n in given if n.lower() not in last.lower()][:1] + names))
        first = first_answer_sentence(said)
        if which and not pointer and names == before and pronoun.group(1).lower() in _SUBJECT_PRONOUNS \
                and _says_much_of(first, last):
            # "What does it call the facility ...?" after "Which Dongguan research lab sits next to
            # ...?": "it" is what the last answer named and the last question did not ("The Songshan
            # Lake Materials Laboratory sits ..."), when that answer is about what was asked
            given = [n for n in _names_in_answer(first) if n.lower() not in last.lower()]
            names = list(dict.fromkeys(given[:2] + names))
        names = [n for n in names if n.lower() not in q.lower()] if points_back else names
        return f"{q} ({', '.join(names)})" if names else question
    if _FOLLOW_UP_START.match(q) and not own_names and len(tokenize(q)) <= 3:
        return f"{q} ({last})"
    if _FRAGMENT.match(q) and not own_names and len(tokenize(q)) <= _FRAGMENT_WORDS:
        return f"{q} ({last})"
    if _GOES_ON.search(q) and not own_names:
        return f"{q} ({', '.join(names)})"
    return question


def condense(question: str, history, model=None) -> str:
    """Standalone question for retrieval.

    Args:
        question: the latest user message.
        history: earlier turns (messages dicts or pairs).
        model: an object with ``stream(messages)`` (see :mod:`rag.llm`), or None.

    Returns:
        The rewritten question; the question itself when there is no history.
    """
    if not user_turns(history):
        return question
    if model is not None:
        lines = []
        for turn in (history or [])[-6:]:
            if isinstance(turn, dict) and isinstance(turn.get("content"), str):
                lines.append(f"{turn.get('role', 'user')}: {turn['content'][:300]}")
            elif isinstance(turn, (list, tuple)) and len(turn) == 2:
                lines.append(f"user: {str(turn[0])[:300]}")
                lines.append(f"assistant: {str(turn[1])[:300]}")
        messages = [{"role": "system", "content": CONDENSE_SYSTEM},
                    {"role": "user", "content": CONDENSE_USER.format(history="\n".join(lines), question=question)}]
        try:
            rewritten = "".join(model.stream(messages, max_tokens=48)).strip().splitlines()[0].strip(' "')
        except Exception:
            rewritten = ""
        own = set(tokenize(question))
        if rewritten and len(rewritten) < 300 and own <= set(tokenize(rewritten)):
            return rewritten
    return condense_rule(question, history)
