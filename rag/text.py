"""Sentence splitting with character offsets, for English and Chinese text.

Every span returned satisfies ``text[start:end] == sentence``: offsets, not copies,
are the contract the chunker and the citations rely on.
"""

from __future__ import annotations

import re
from functools import lru_cache, wraps

# Words before a full stop that do not end a sentence ("No. 1 Project", "U.S. firms").
ABBREVIATIONS = {
    "no", "nos", "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "u.s", "u.k",
    "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "fig", "approx", "est", "gen", "gov", "jr", "sr", "p", "pp", "vol",
}
_END = re.compile(r"[.!?\u3002\uff01\uff1f\uff1b\u2026]+[\"'\u201d\u2019)\]\u300d\u300f\u300b\uff09]*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\w\u2019'-]+")
_OPEN_QUOTES = "\u201c\u300c\u300e\u300a"  # “ 「 『 《
_CLOSE_QUOTES = "\u201d\u300d\u300f\u300b"  # ” 」 』 》
_QUOTE_MARK = re.compile("[%s%s\"]" % (_OPEN_QUOTES, _CLOSE_QUOTES))
_LATIN = re.compile(r"[A-Za-z]")
MAX_QUOTE_CHARS = 400  # a quotation mark left open longer than this is taken as a stray one


def is_cjk(char: str) -> bool:
    """Return True for a Chinese/Japanese ideograph."""
    return bool(_CJK.match(char))


def is_cjk_text(text: str) -> bool:
    """True when Chinese characters make up a real share of the text's letters."""
    if not _CJK.search(text):  # most English text: one scan, no lists
        return False
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return cjk >= 2 and cjk * 4 >= latin


def _quote_opened(text: str, start: int, pos: int) -> int:
    """Offset of the quotation opened before ``pos`` and not closed there (-1 when none).

    Curly and corner quotes nest; a straight double quote toggles.
    """
    stack: list[int] = []
    straight = -1
    for mark in _QUOTE_MARK.finditer(text, start, pos):  # only the quotation marks, found in C
        i, ch = mark.start(), mark.group()
        if ch in _OPEN_QUOTES:
            stack.append(i)
        elif ch in _CLOSE_QUOTES and stack:
            stack.pop()
        elif ch == '"':
            straight = i if straight < 0 else -1
    opened = max(stack[-1] if stack else -1, straight)
    return opened if opened >= 0 and pos - opened <= MAX_QUOTE_CHARS else -1


def _ends_sentence(text: str, match: re.Match, line_start: int = 0) -> bool:
    end = match.end()
    punct = text[match.start()]
    if _quote_opened(text, line_start, match.start()) >= 0:
        # Inside a quotation: Chinese quotes are kept whole; an English "?" or "!" ends the
        # sentence only when the quotation closes and a new sentence starts after it
        # ("The titles were “Why Hangzhou?”, “Why not Nanjing?” and ..." is one sentence).
        closes = any(c in _CLOSE_QUOTES or c == '"' for c in match.group())
        if not closes or is_cjk(punct) or punct in "\u3002\uff01\uff1f\uff1b":
            return False
        rest = text[end:end + 3].lstrip()
        if punct in "!?" and rest and not (rest[0].isupper() or is_cjk(rest[0])):
            return False
    if end < len(text) and not text[end].isspace():
        # "3.5", "example.com" do not end a sentence; CJK full stops need no space.
        return punct in "\u3002\uff01\uff1f" or (end < len(text) and is_cjk(text[end]))
    if punct == ".":
        before = re.search(r"([\w.]+)$", text[max(0, match.start() - 64): match.start()])
        if before:
            word = before.group(1).lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                return False
    return True


# Texts up to this long (passages, sentences, questions) have their sentence spans and tokens
# remembered: the gate and the composer look at the same passages many times per question.
REMEMBERED_TEXT_CHARS = 4000
REMEMBERED_TEXTS = 8192


def remember_short_texts(function):
    """Decorator: remember ``function(text, *args)`` (least recently used dropped) for texts up to
    :data:`REMEMBERED_TEXT_CHARS` long. The result must not be changed by callers."""
    remembered = lru_cache(maxsize=REMEMBERED_TEXTS)(function)

    @wraps(function)
    def call(text: str, *args):
        return remembered(text, *args) if len(text) <= REMEMBERED_TEXT_CHARS else function(text, *args)

    return call


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences (see :func:`_split_sentences`); a whole short text's
    spans are remembered."""
    if start == 0 and end is None:
        return list(_whole_text_sentences(text))
    return _split_sentences(text, start, end)


@remember_short_texts
def _whole_text_sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_split_sentences(text))


def _split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    A sentence ends at ``. ! ? 。 ！ ？`` (with trailing quotes or brackets) followed by
    white space, or at a line break. Leading and trailing white space is not part of a
    sentence.

    Args:
        text: the whole document text.
        start: where to begin (offset into ``text``).
        end: where to stop (default: the end of ``text``).

    Returns:
        ``(start, end)`` offsets into ``text``, in order, each span non-empty and stripped.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start = start + line.start()
        line_end = start + line.end()
        cursor = line_start
        head = text[:line_end]
        for match in _END.finditer(text, line_start, line_end):
            if _ends_sentence(head, match, line_start):
                _add_span(text, cursor, match.end(), spans)
                cursor = match.end()
        _add_span(text, cursor, line_end, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def size_in_words(text: str) -> int:
    """Approximate model tokens: Latin words plus one per CJK character."""
    return len(_WORD.findall(_CJK.sub(" ", text))) + len(_CJK.findall(text))


def split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence into pieces of at most ``max_words``.

    Cuts fall after a comma or semicolon when one is near, else at white space, else
    (unbroken CJK or a very long token) at a fixed character count.

    Args:
        text: the document text.
        start: the sentence start offset.
        end: the sentence end offset.
        max_words: largest piece, as measured by :func:`size_in_words`.

    Returns:
        Consecutive ``(start, end)`` spans covering the sentence.
    """
    pieces = []
    cursor = start
    while cursor < end:
        if size_in_words(text[cursor:end]) <= max_words:
            _add_span(text, cursor, end, pieces)
            break
        # Grow a window word by word until it is full.
        cut = cursor
        words = 0
        for m in re.finditer(r"\S+\s*", text[cursor:end]):
            w = size_in_words(m.group())
            if words + max(w, 1) > max_words and cut > cursor:
                break
            words += max(w, 1)
            cut = cursor + m.end()
            if w > max_words:  # one giant token: cut it by characters
                cut = cursor + m.start() + max(1, min(len(m.group()), max_words * 4))
                break
        window = text[cursor:cut]
        soft = max(window.rfind(", "), window.rfind("; "), window.rfind("\uff0c"), window.rfind("\uff1b"))
        if soft > len(window) // 2:
            cut = cursor + soft + 1
        _add_span(text, cursor, cut, pieces)
        cursor = cut
    return pieces


STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can could did didn't do does doesn't doing don't down during each few for from further had has
have having he her here hers herself him himself his how i if in into is isn't it it's its itself just let's me more
most my myself no nor not of off on once only or other ought our ours ourselves out over own same she should so some
such than that that's the their theirs them themselves then there there's these they this those through to too under
until up very was wasn't we were weren't what what's when where which while who whom why will with won't would you
your yours yourself yourselves according article documents document say says said tell told does doing did
""".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'\u2019][a-z0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]+")
_TOKEN_ANY_CASE = re.compile(_TOKEN.pattern, re.I)


TOKENIZER_VERSION = "5"  # bump when tokens change: persisted keyword indexes are keyed on it

# An acronym as written ("AI", "US", "IT", "BOE"): kept as it is, neither a stopword nor lemmatised
# (simplemma reads "AI" as a form of "be" and "US" as "we").
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,4}(?:['\u2019]s)?")

# Chinese function words and question words: never keywords.
CHINESE_STOPWORDS = frozenset("""
的 了 是 在 和 与 及 或 有 也 都 就 而 之 其 这 那 哪 吗 呢 么 什么 为什么 为何 怎么 怎样 如何 哪些 哪个 哪里
哪一 多少 几 谁 是否 是不是 一个 一些 这个 那个 这些 那些 我们 他们 它们 因为 所以 但是 以及 还是 可以 没有
被 把 从 对 向 于 让 给 等 将 已 又 并 很 更 最 上 中 下 里 后 前 时 年 月 日 个 文章 文档 根据 提到 认为 说
已经 至今 曾经 多大 多久 多长 多远 多高 自己 一共 总共 大约 大概 具体 分别 哪家 哪位 哪天 哪年 哪所 哪座 哪种
那只 那位 那家 那篇 那份 那场 那次 当时 有人 两边 双方 各有 各自 数量
""".split())


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str:
    """Lower-case, strip a possessive, and lemmatise with simplemma ("stuck" -> "stick",
    "cities" -> "city"), so different forms of a word meet."""
    import simplemma

    token = token.lower().replace("\u2019", "'")
    if token.endswith("'s"):
        token = token[:-2]
    if not token.isalpha():
        return token
    return simplemma.lemmatize(token, lang="en").lower()


# Runs of Chinese text already segmented, in this process or (through a saved keyword index) in the
# one that built the index: answering an English question over Chinese passages then needs no jieba,
# whose dictionary takes about 0.5 s to load.
_SEGMENTED: dict[str, tuple[str, ...]] = {}


def chinese_words(text: str) -> list[str]:
    """Chinese words of a run of CJK text (jieba, search mode: "光纤通信" gives "光纤", "通信" and
    "光纤通信"), without function words and single characters.

    Runs given to :func:`remember_segmented` are not segmented again (jieba is only loaded for a
    run it has not seen)."""
    known = _SEGMENTED.get(text)
    return list(known if known is not None else _segment(text))


@lru_cache(maxsize=200_000)
def _segment(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(60)
    return tuple(w for w in jieba.cut_for_search(text) if len(w) >= 2 and w not in CHINESE_STOPWORDS)


def chinese_runs(text: str) -> list[str]:
    """The runs of Chinese characters that :func:`tokenize` segments in ``text``, in order."""
    return [m.group() for m in _TOKEN.finditer(text.lower()) if is_cjk(m.group()[0])]


def segmented(texts) -> dict[str, list[str]]:
    """``run -> words`` for every Chinese run in ``texts`` (to be saved and given to
    :func:`remember_segmented` by another process).

    Args:
        texts: any texts.

    Returns:
        A dict from each distinct run to its :func:`chinese_words`.
    """
    found: dict[str, list[str]] = {}
    for text in texts:
        for run in chinese_runs(text):
            if run not in found:
                found[run] = chinese_words(run)
    return found


def remember_segmented(runs: dict) -> None:
    """Take runs segmented elsewhere (see :func:`segmented`): :func:`chinese_words` returns their
    words without loading jieba. The words must come from this tokenizer version.

    Args:
        runs: ``run -> words``.
    """
    _SEGMENTED.update((run, tuple(words)) for run, words in runs.items())


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Keyword tokens for BM25, overlap scores and the gate (see :func:`_tokenize`); a short text's
    tokens are remembered."""
    return list(_tokens(text, keep_stopwords))


@remember_short_texts
def token_set(text: str) -> frozenset[str]:
    """The set of keyword tokens of ``text`` (:func:`tokenize`), remembered for short texts."""
    return frozenset(_tokens(text, False))


@remember_short_texts
def _tokens(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    return tuple(_tokenize(text, keep_stopwords))


def _tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Keyword tokens for BM25, overlap scores and the gate.

    Latin words are lower-cased and lemmatised, and stopwords are dropped; runs of Chinese
    characters are segmented into words (:func:`chinese_words`).

    Args:
        text: any text.
        keep_stopwords: keep English stopwords.

    Returns:
        The tokens in order.
    """
    tokens: list[str] = []
    for written in _TOKEN_ANY_CASE.findall(text):
        if written[0] >= "\u3400":  # a run of Chinese characters (the only non-ASCII tokens)
            tokens.extend(chinese_words(written.lower()))
        else:
            tokens.extend(_word_tokens(written, keep_stopwords))
    return tokens


@lru_cache(maxsize=200_000)
def _word_tokens(written: str, keep_stopwords: bool) -> tuple[str, ...]:
    """The tokens of one Latin word as written (see :func:`tokenize`); the same words recur in
    every passage, so they are worked out once."""
    if _ACRONYM.fullmatch(written):
        return (normalize_acronym(written),)
    token = written.lower()
    if not keep_stopwords and token.replace("\u2019", "'") in STOPWORDS:
        return ()
    tokens = [normalize_token(token)]
    if "-" in token:  # "three-pronged" also counts as "three" and "pronged"
        tokens.extend(normalize_acronym(p) if _ACRONYM.fullmatch(p) else normalize_token(p)
                      for p in written.split("-") if p and p.lower() not in STOPWORDS)
    return tuple(tokens)


def normalize_acronym(written: str) -> str:
    """An acronym's token: lower-cased, without a possessive ("AI's" -> "ai")."""
    token = written.lower().replace("\u2019", "'")
    return token[:-2] if token.endswith("'s") else token
