"""Presenting an answer: the verified composition becomes the :class:`Answer` a reader sees.

Cited evidence is renumbered 1..m in order of first use, markers are placed, an explanation
gets its lead and one point per line, and a refusal is worded in the question's language with
the closest passages named.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.compose import Composition, explanation_lead, inert_markers, to_evidence
from rag.evidence import Selection
from rag.prompts import REFUSAL, REFUSAL_CLOSEST, SOME_SOURCES_IN_OTHER_LANGUAGE, SOURCES_IN_OTHER_LANGUAGE
from rag.text import is_cjk_text
from rag.types import Answer, AnswerSentence


def present(asked: str, standalone: str, mode: str, composition: Composition, selection: Selection, timings: dict,
            notices: list) -> Answer:
    """The answer shown for a verified composition.

    Args:
        asked: the question as asked.
        standalone: the condensed question.
        mode: the mode that produced the composition.
        composition: the composition, its sentences checked.
        selection: the evidence it was drawn from.
        timings: retrieve, generate, verify and total milliseconds.
        notices: notes for the reader (a copy is kept).

    Returns:
        The :class:`Answer`.
    """
    notices = list(notices)
    verified = [s for s in composition.sentences if s.verified]
    by_number = {e.n: e for e in composition.evidence}
    order = list(dict.fromkeys(n for s in verified for n in s.citations))
    renumber = {old: new for new, old in enumerate(order, 1)}
    citations = tuple(replace(by_number[old], n=new) for old, new in renumber.items())
    sentences = tuple(AnswerSentence(s.text, tuple(renumber.get(n, n) for n in s.citations
                                                   if n in renumber or not s.verified), s.verified)
                      for s in composition.sentences)
    shown = [with_markers(s) for s in sentences if s.verified]
    explanation = composition.kind == "explanation" and len(shown) >= 2
    lead = (composition.lead or explanation_lead(selection.question, len(shown))) if explanation else ""
    text = lead + "\n" + "\n".join(f"- {line}" for line in shown) if explanation else " ".join(shown)
    if not explanation and composition.lead and len(shown) == len(composition.sentences):
        # a line worked out from the quotes (the time between two dated events), shown above them
        # only when every quote it was worked out from is shown
        lead = composition.lead
        text = f"{lead} {text}"
    language = selection.question.language
    # A reader is told when quotes are in the other language (all of them, or some).
    other = [e for e in citations if is_cjk_text(e.quote) != (language == "zh")]
    if other:
        notices.append((SOURCES_IN_OTHER_LANGUAGE if len(other) == len(citations)
                        else SOME_SOURCES_IN_OTHER_LANGUAGE)[language])
    return Answer(asked, standalone, text, False, mode, citations, sentences, timings, (), tuple(notices),
                  kind="explanation" if explanation else "factoid", lead=lead, language=language,
                  passages=selection.passages)


def refusal(asked: str, mode: str, selection: Selection, reason: str, timings: dict, notices: list) -> Answer:
    """A refusal in the question's language, naming what the closest passages are about.

    Args:
        asked: the question as asked.
        mode: the mode requested.
        selection: the evidence that did not answer it.
        reason: the gate's one-line reason (shown in English refusals).
        timings: retrieve, generate, verify and total milliseconds.
        notices: notes for the reader.

    Returns:
        The refusing :class:`Answer` (no citations; ``closest`` holds the closest sentences).
    """
    language = selection.question.language if selection.question.language in REFUSAL else "en"
    best_per_passage = {}
    for s in selection.sentences:
        best_per_passage.setdefault(s.chunk_id, s)
    closest = to_evidence(list(best_per_passage.values())[:3])
    topics = list(dict.fromkeys(f"{e.title} ({e.section})" if e.section else e.title for e in closest))
    text = REFUSAL[language]
    if language == "en":
        text += f" ({reason})." if reason else "."
    else:
        text += "\u3002"
    if topics:
        text += REFUSAL_CLOSEST[language].format(topics="; ".join(topics))
    return Answer(asked, selection.question.text, text, True, mode, (), (), timings, closest, tuple(notices),
                  kind="refusal", language=language, passages=selection.passages)


def with_markers(sentence: AnswerSentence) -> str:
    """The sentence as shown, with its ``[n]`` markers; markers that were part of the quoted
    text become ``［n］`` so they cannot be read (or linked) as citations."""
    markers = "".join(f"[{n}]" for n in sentence.citations)
    text = inert_markers(sentence.text)
    if markers and text and text[-1] in ".!?\u3002\uff01\uff1f":
        return f"{text[:-1]} {markers}{text[-1]}"
    if markers and text and not _ENDED.search(text):
        # a model's sentence written without its full stop ("... 开始的 [1] Wuhan's ...") gets one,
        # so that the next sentence does not run on; so does a clause cut at a semicolon
        text = text.rstrip(";,:\uff1b\uff0c\uff1a\u3001 ") or text
        stop = "\u3002" if is_cjk_text(text) else "."
        return f"{text} {markers}{stop}"
    return f"{text} {markers}".strip()


# A sentence that ends, possibly inside closing quotation marks or brackets ('mechanism."').
_ENDED = re.compile(r"[.!?\u3002\uff01\uff1f\u2026][\"'\u201d\u2019\u300d\u300f)\uff09]*$")
