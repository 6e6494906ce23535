"""Tuning constants of the answer path, in one frozen object.

Every component takes an :class:`AnswerConfig` at construction, so ``rag eval`` can try other
values (``dataclasses.replace(config, gate_threshold=0.3)``) without touching module state.
The defaults were chosen on the dev split of ``eval/qa.jsonl`` (see ``eval/RESULTS.md``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerConfig:
    """Tuning constants, grouped by the component that reads them."""

    # Retriever
    candidates: int = 20  # passages fetched from each channel before fusion
    rrf_k: int = 60  # the constant in 1 / (rrf_k + rank) (Cormack et al., 2009)
    bridge_names: bool = True  # a Chinese question also searches its names in English (杭州 -> Hangzhou)
    bridge_words: bool = True  # ... and the English words nearest its other words (创始人 -> founder)
    # EvidenceSelector
    rerank_depth: int = 24  # fused candidates whose sentences are scored (factoids)
    explanation_depth: int = 24  # ... for explanation questions, which gather points across documents
    explanation_k: int = 12  # passages kept for an explanation
    # ... and for a question on the time between two events, each of which may be dated in a passage of
    # its own (dev: 10 and 15 both answer 1 more, nothing lost)
    sides_k: int = 10
    # a Chinese question's Chinese sentence in a passage writing none of its Latin names (DeepSeek)
    # keeps this share of its keyword score (dev: 0.5 and 0.7 both +1 factoid, no loss)
    unnamed_overlap_factor: float = 0.7
    semantic_weight: float = 0.6  # share of a sentence's score from embedding similarity; the rest is keywords
    question_penalty: float = 0.1  # subtracted from sentences that are themselves questions
    instruction_penalty: float = 1.0  # sentences addressing the assistant are never quoted
    type_bonus: float = 0.05  # a quantity/time question meeting a sentence with a number/date
    explanatory_bonus: float = 0.06  # an explanation question meeting a sentence that gives a reason or means
    # ... and one asking how something came to be meeting a sentence that names a year (a dated step;
    # dev: 0.03-0.06 reach `need` on 2 more explanations, 0.1 on 1 more)
    history_bonus: float = 0.05
    # ... and one asking for figures ("going by the numbers") meeting a sentence with one (dev: 0.05-0.08 reach
    # `need` on 1 more explanation)
    figures_bonus: float = 0.05
    # a question about how a document ends ("according to the conclusion") meeting a sentence in a closing
    # section ("Conclusion", 结语) (dev: 0.1-0.3 answer 2 more; the tuning set reaches one more explanation
    # from 0.2)
    closing_section_bonus: float = 0.2
    definition_penalty: float = 0.1  # ... or a sentence that only defines something ("X is a ...")
    # a Chinese factoid's English sentence that defines something (dev: 0.1 answers 5 more, 1 fewer;
    # 0.05 4 more, 1 fewer; 0.15 and 0.2 lose more; for English questions it loses: see RESULTS)
    cross_definition_penalty: float = 0.1
    # a sentence in the other language than the documents the question names as its sources ("going by
    # the Chinese coverage", "那篇英文文章说") (dev: 0.05 and 0.1 reach `need` on 2 more explanations,
    # 0.2 on 4 more, each losing one)
    other_sources_penalty: float = 0.2
    heading_weight: float = 0.15  # ... times the cosine of the passage's section heading to the question
    rank_by_bridged_words: bool = True  # words nearest a question's own in the other language rank its sentences
    # Gate
    gate_threshold: float = 0.28  # the best sentence must score at least this
    min_term_coverage: float = 0.6  # IDF-weighted share of topic words one passage must hold ...
    unseen_word_weight: float = 0.7  # ... where an English question's word no chunk holds counts this much of its weight
    # (dev: 0.7 +2 factoids, no loss; 0.5 +3 and -1 unanswerable; 0.25 +4 and -3)
    min_term_coverage_zh: float = 0.5  # ... for a Chinese question, whose words a passage often writes otherwise (唐初 / 唐朝初年)
    unspoken_words_zh: int = 2  # a Chinese factoid with this many words the collection never speaks of is refused ...
    spoken_of_similarity: float = 0.55  # ... unless a word or phrase of its evidence is this close to each of them
    min_support_coverage: float = 0.45  # ... or this much, when a sentence is close to the question
    support_similarity: float = 0.5  # what "close" means (cosine of the best sentence)
    paraphrase_similarity: float = 0.6  # a sentence this close to the question, in other words ...
    min_paraphrase_coverage: float = 0.2  # ... needs only this much of its words (similarity 0.58: a dev unanswerable lost)
    described_similarity: float = 0.7  # a sentence this close answers "who" without a name ("the security guard patrols ...")
    counted_word_similarity: float = 0.6  # ... in the other language, a word this close to it (居民 / residents)
    synonym_similarity: float = 0.8  # a word this close in the multilingual space may count what is asked
    counted_similarity: float = 0.75  # a figure sentence this close need not name what is counted ("firms" / "enterprises")
    counted_noun_similarity: float = 0.5  # ... when a noun its figures count is this close to it (residents / population)
    min_sentence_coverage: float = 0.5  # the sentence giving a figure or date must hold this much of the topic
    type_check_sentences: int = 15  # a figure/date question needs one in this many best sentences (10: dev -1)
    # a figure from a sentence in the other language needs this multilingual cosine: a long English
    # sentence holding many facts scores low against a short Chinese question (0.28 for "... with
    # about 1.13 million residents according to a 2021 profile" and 苏州工业园区约有多少居民？)
    cross_similarity: float = 0.25
    # Composer
    extractive_max_sentences: int = 3
    extractive_margin: float = 0.12  # further sentences must score within this of the best one
    extractive_max_words: int = 110
    explanation_min_points: int = 5  # an explanation is made up to this many points ...
    explanation_fill_floor: float = 0.35  # ... points below the margin make up the least number if they score this
    explanation_max_points: int = 6
    explanation_margin: float = 0.34  # points must score within this of the best one ...
    explanation_floor: float = 0.45  # ... or at least this
    subject_idf: float = 1.2  # a name in more than ~30% of the chunks ("China", "DeepSeek") does not say what
    # an explanation's point is about, and its explanation is also searched for without that name
    explanation_mmr: float = 0.2  # weight of redundancy against relevance when picking points (0.5 until the
    # 48 dev explanations of the ninth session: 0.2 reaches `need` on 39, 0.5 on 35; repeats are also dropped outright)
    explanation_same_section: float = 0.03  # a point in the first point's section is picked as if it scored this
    # much higher: a document tells its reasons in one place (dev: 0.03-0.08 reach `need` on 5-8 more explanations)
    # a point in the other language than the question's is picked as if it scored this much lower: an
    # English reader gets English quotes when they are about as good (dev: 0.05-0.2 reach `need` on 2 more
    # explanations than only filling a short list with them, 0.0 on 1 more)
    explanation_other_language: float = 0.05
    unshared_point_similarity: float = 0.3  # a Chinese point sharing no word with a Chinese question must be this close
    restatement_novelty: float = 0.4  # a sentence with less than this share of new words restates the question
    llm_max_tokens: int = 120
    llm_explanation_max_tokens: int = 200
    llm_evidence: int = 5  # sentences shown to a language model (factoids)
    min_verified_share: float = 0.5  # below this share of verified sentences, show the extractive answer
    # Verifier
    min_similarity: float = 0.45  # cosine between an answer sentence and the evidence it cites
    min_coverage: float = 0.6  # share of its content words found in that evidence
    max_citations: int = 3  # per sentence, as in ALCE

    def replace(self, **changes) -> "AnswerConfig":
        """A copy with some constants changed."""
        return dataclasses.replace(self, **changes)
