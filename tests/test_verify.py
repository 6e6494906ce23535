"""Citation normalisation and verification with the real embedding model."""

from rag.types import Evidence
from rag.verify import normalize_markers, split_cited, verify_answer


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


def test_supported_sentence_is_verified(embedder):
    checked = verify_answer("Optics Valley stuck to optical fiber communication for twenty years [1].", EVIDENCE,
                            embedder)
    assert [(s.verified, s.citations) for s in checked] == [(True, (1,))]


def test_wrong_citation_is_repaired(embedder):
    checked = verify_answer("Hefei spent heavily to bring in the University of Science and Technology of China [3].",
                            EVIDENCE, embedder)
    assert checked[0].verified and checked[0].citations == (2,)


def test_missing_citation_is_added(embedder):
    checked = verify_answer("Hangzhou iterated its digital economy policies six times in ten years.", EVIDENCE,
                            embedder)
    assert checked[0].verified and checked[0].citations == (3,)


def test_swapped_city_and_invented_number_are_not_verified(embedder):
    # The failure seen with the 0.5B model: Nanjing swapped for Hangzhou, a made-up figure.
    checked = verify_answer("Because Nanjing is a city known for Alibaba [3]. Nanjing has 9 million people [1].",
                            EVIDENCE, embedder)
    assert [s.verified for s in checked] == [False, False]


def test_citation_to_a_number_never_given_is_removed(embedder):
    checked = verify_answer("Hefei spent heavily to bring in the University of Science and Technology of China [7].",
                            EVIDENCE, embedder)
    assert 7 not in checked[0].citations and checked[0].verified
