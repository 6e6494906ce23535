"""Citation normalisation and verification with the real embedding model."""

import pytest

from rag.types import Evidence
from rag.verify import Verifier, chinese_number, normalize_markers, numbers_in, split_cited


@pytest.fixture(scope="module")
def verify(embedder):
    return lambda text, evidence: Verifier(embedder).run(text, evidence)


def evidence(n, quote, chunk="c"):
    return Evidence(n, "doc.md", "Doc", "", 0, "/doc.md", f"{chunk}{n}", 0, len(quote), quote, quote, 0)


EVIDENCE = [
    evidence(1, "Wuhan's Optics Valley stuck to the field of optical fiber communication for twenty years."),
    evidence(2, "Hefei spent heavily to bring in the University of Science and Technology of China."),
    evidence(3, "Hangzhou has iterated its digital economy policies six times in ten years."),
]


def test_normalize_markers_handles_common_malformed_forms():
    text = "A \u30101\u3011. B (2). C [1, 3]. D [Source 2]. E [ID:3]. F [1-2]. G [9]."
    assert normalize_markers(text, 3) == "A [1]. B [2]. C [1][3]. D [2]. E [3]. F [1][2]. G ."


def test_split_cited_attaches_markers_after_the_full_stop():
    assert split_cited("It grew. [1] Then it fell [2].") == [("It grew.", (1,)), ("Then it fell.", (2,))]


def test_supported_sentence_is_verified(verify):
    checked = verify("Optics Valley stuck to optical fiber communication for twenty years [1].", EVIDENCE)
    assert [(s.verified, s.citations) for s in checked] == [(True, (1,))]


def test_wrong_citation_is_repaired(verify):
    checked = verify("Hefei spent heavily to bring in the University of Science and Technology of China [3].",
                            EVIDENCE)
    assert checked[0].verified and checked[0].citations == (2,)


def test_missing_citation_is_added(verify):
    checked = verify("Hangzhou iterated its digital economy policies six times in ten years.", EVIDENCE)
    assert checked[0].verified and checked[0].citations == (3,)


def test_swapped_city_and_invented_number_are_not_verified(verify):
    # The failure seen with the 0.5B model: Nanjing swapped for Hangzhou, a made-up figure.
    checked = verify("Because Nanjing is a city known for Alibaba [3]. Nanjing has 9 million people [1].",
                            EVIDENCE)
    assert [s.verified for s in checked] == [False, False]


def test_citation_to_a_number_never_given_is_removed(verify):
    checked = verify("Hefei spent heavily to bring in the University of Science and Technology of China [7].",
                            EVIDENCE)
    assert 7 not in checked[0].citations and checked[0].verified


def test_two_unrelated_sentences_glued_into_one_claim_fail(verify):
    # The 0.5B model once wrote a sentence from pieces of two evidence sentences and cited both;
    # support is per claim, never pooled across citations.
    evidence_list = [evidence(1, "Wuhan's Optics Valley developed hollow-core optical fibre."),
                     evidence(2, "Hefei's companies make silicon carbide (SiC) chips for electric cars.")]
    checked = verify("Wuhan's Optics Valley developed hollow-core optical fibre and SiC chips for electric cars "
                     "[1][2].", evidence_list)
    assert [s.verified for s in checked] == [False]
    # Each half on its own, with its own citation, is supported.
    checked = verify("Wuhan's Optics Valley developed hollow-core optical fibre [1]. Hefei's companies make "
                     "silicon carbide chips for electric cars [2].", evidence_list)
    assert [(s.verified, s.citations) for s in checked] == [(True, (1,)), (True, (2,))]


def test_chinese_numerals_are_numbers():
    assert chinese_number("二十") == 20 and chinese_number("十二") == 12 and chinese_number("三千") == 3000
    assert numbers_in("光谷坚守了二十年") == {"20"} and numbers_in("twenty years") == {"20"}
    assert numbers_in("两者都有") == set()


def test_chinese_answer_with_a_wrong_number_fails_against_english_evidence(verify):
    checked = verify("武汉光谷坚守光纤通信三十年 [1]。", EVIDENCE)
    assert [s.verified for s in checked] == [False]


@pytest.mark.parametrize("text, shown", [
    ("中国光纤通信的故事是从武汉开始的", "中国光纤通信的故事是从武汉开始的 [1]。"),  # a model's sentence without its stop
    ("Optics Valley stuck to fibre for twenty years", "Optics Valley stuck to fibre for twenty years [1]."),
    ("It localised Singapore's “risk-sharing mechanism.”", "It localised Singapore's “risk-sharing mechanism.” [1]"),
    ("Hefei invested in BOE.", "Hefei invested in BOE [1]."),
    ("首期投资4.3亿元；", "首期投资4.3亿元 [1]。"),  # a clause quoted up to its semicolon
])
def test_a_shown_sentence_ends_after_its_citation(text, shown):
    from rag.present import with_markers
    from rag.types import AnswerSentence

    assert with_markers(AnswerSentence(text, (1,), True)) == shown


CONTESTED = [evidence(1, "Sources differ on the exact founding date: a SentiSight.ai profile says Liang Wenfeng founded "
                         "DeepSeek in December 2023, while an analysis by the Jamestown Foundation states that the "
                         "registered company was founded in Hangzhou in 2019.")]


def test_a_claim_that_drops_whose_claim_it_is_fails(verify):
    # Every word is in the evidence, but one source's date is now stated as fact.
    dropped = verify("Liang Wenfeng founded DeepSeek in December 2023, while an analysis by the Jamestown "
                     "Foundation states that the registered company was founded in Hangzhou in 2019 [1].", CONTESTED)
    assert [s.verified for s in dropped] == [False]
    kept = verify("A SentiSight.ai profile says Liang Wenfeng founded DeepSeek in December 2023, while the Jamestown "
                  "Foundation states that the registered company was founded in Hangzhou in 2019 [1].", CONTESTED)
    assert [s.verified for s in kept] == [True]
