"""Chinese text: encodings, sentences, words, names across languages, and answers in Chinese."""

import re
from pathlib import Path

import pytest

from helpers import ROOT, assert_answered, assert_refused
from rag.gate import Gate
from rag.loaders import LoadError, load
from rag.multilingual import NameBridge
from rag.pipeline import Assistant
from rag.question import analyse, with_short_forms_written_out, years_in
from rag.text import split_sentences, tokenize

DATA = Path(__file__).parent / "data"


def test_gb18030_file_is_read_and_latin1_is_not_taken_for_chinese(tmp_path):
    doc = load(DATA / "gb18030_sample.txt", "gb18030_sample.txt")
    assert "合肥" in doc.text and "中国科学技术大学" in doc.text
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 na\xefve r\xe9sum\xe9, a plain Latin-1 file".encode("latin-1"))
    with pytest.raises(LoadError, match="UTF-8 or GB18030"):
        load(latin, "latin.txt")


def test_chinese_sentences_keep_quotes_whole_and_offsets_exact():
    text = "合肥被称为“最牛风投城市”。它先后投资了京东方、长鑫和蔚来！“杭州有DeepSeek，合肥有什么？”成了头版标题；讨论随即展开。"
    spans = split_sentences(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces == ["合肥被称为“最牛风投城市”。", "它先后投资了京东方、长鑫和蔚来！",
                      "“杭州有DeepSeek，合肥有什么？”成了头版标题；", "讨论随即展开。"]


def test_chinese_words_are_keywords_and_question_words_are_not():
    assert tokenize("武汉光谷坚守光纤通信多少年？") == ["武汉", "光谷", "坚守", "光纤", "通信", "光纤通信"]
    assert "什么" not in tokenize("苏州工业园区从新加坡引入了什么机制？")
    assert analyse("武汉光谷坚守光纤通信多少年？").wants == "quantity"
    assert analyse("为什么DeepSeek出现在杭州？").language == "zh"


def test_name_bridge_uses_pairs_written_in_the_documents():
    bridge = NameBridge(["Jiaohuidian (交汇点), the news app", "深度求索（DeepSeek）是一家公司"])
    assert bridge.english_names("交汇点和杭州") == ["Jiaohuidian", "Hangzhou"]
    assert "交汇点" in bridge.chinese_names("What did Jiaohuidian publish?")
    assert bridge.expand("为什么DeepSeek出现在杭州？").endswith("Hangzhou")


def test_name_bridge_reads_british_and_american_spellings_alike():
    bridge = NameBridge(["optical fiber (光纤) carries light", "the Nanjing Center (南京中心)"])
    assert "光纤" in bridge.chinese_names("Who is the father of Chinese optical fibre?")
    assert "南京中心" in bridge.chinese_names("Where is the Nanjing Centre?")
    assert not bridge.chinese_names("What is dietary fibre?")  # a word of the pair alone is not the name


@pytest.fixture(scope="module")
def assistant(corpus_index, embedder):
    return Assistant(corpus_index, embedder=embedder)


def test_chinese_question_over_chinese_documents_quotes_chinese(assistant):
    answer = assistant.answer("合肥被称为什么样的城市？", mode="extractive")
    assert not answer.refused
    assert any("风投" in c.quote for c in answer.citations)
    assert all(c.doc_id.startswith("zh/") for c in answer.citations if any("\u4e00" <= ch <= "\u9fff" for ch in c.quote))


def test_english_question_finds_a_chinese_passage(assistant):
    answer = assistant.answer("Which laboratory did Zhao Zisen work in, next to a toilet?", mode="extractive")
    assert not answer.refused
    assert any(c.doc_id.startswith("zh/") for c in answer.citations)


def test_chinese_follow_ups_are_condensed():
    from rag.condense import condense_rule

    history = [("为什么DeepSeek出现在杭州？", "...")]
    assert condense_rule("那合肥呢？", history) == "为什么DeepSeek出现在合肥？"
    assert condense_rule("它成立于哪一年？", history) == "它成立于哪一年？（为什么DeepSeek出现在杭州？）"
    assert condense_rule("合肥有什么？", history) == "合肥有什么？"
    # names written one after another are one name: 苏州工业园区 is replaced whole, not 工业园区 alone
    park = [("苏州工业园区啥时候建起来的？", "...")]
    assert condense_rule("那武汉东湖开发区呢？", park) == "武汉东湖开发区啥时候建起来的？"


def test_built_up_is_asked_as_founded(assistant):
    # 建起来 is when a zone was set up: 成立于1988年 says it
    assert_answered(assistant, "武汉东湖开发区是什么时候建起来的？", "1988")


@pytest.mark.parametrize("question, frame", [("“国乐改进社”是在哪一年成立的？", "哪一年"),
                                             ("粽子在古代被叫作什么？", "叫作"),
                                             ("门下省把诏令退回，这种做法叫什么？", "做法"),
                                             ("DeepSeek到底是哪年成立的？", "到底"),  # "exactly", "on earth"
                                             ("这家公司究竟有多少员工？", "究竟"),
                                             # "these two bosses", like "two" in English
                                             ("冯骥和杨峰这两个老板，是怎么评价杭州的？", "两个")])
def test_chinese_question_frame_words_are_not_topic_words(question, frame):
    # "in which year", "be called", "this practice" frame the question; a passage need not hold them.
    from rag.question import analyse
    from rag.text import tokenize

    analysed = analyse(question)
    assert not set(tokenize(frame)) & set(analysed.terms), analysed.terms


@pytest.mark.parametrize("question, names", [
    ("DeepSeek的创始人是谁？", ("deepseek",)),
    ("为什么DeepSeek出现在杭州？", ("deepseek",)),
    ("Tesla为什么在上海建厂？", ("tesla",)),
    ("武汉光谷坚守光纤通信多少年？", ()),
])
def test_latin_names_in_a_chinese_question_are_its_names(question, names):
    """No word boundary separates 么 from DeepSeek, and a capital letter opens no Chinese sentence."""
    from rag.question import analyse

    assert analyse(question).names == names


def test_a_chinese_explanation_of_something_the_documents_never_name_is_refused(assistant):
    answer = assistant.answer("Tesla为什么在上海建厂？", mode="extractive")
    assert answer.refused, answer.text


@pytest.mark.parametrize("question", ["长鑫存储的创始人是谁？",  # the corpus names CXMT only in Chinese, no founder
                                      "宇树科技的创始人是谁？"])  # was answered with DEEP Robotics' founder
def test_an_english_sentence_answers_who_holds_a_role_only_when_it_names_the_holder(assistant, question):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused or "Wang Xingxing" in answer.text, answer.text
    # no answer from another company's founders (a refusal may name their section among the closest passages)
    quoted = " ".join(s.text for s in answer.sentences)
    assert "Manycore" not in quoted and "Zhu Qiuguo" not in quoted, answer.text


def test_a_chinese_measure_word_makes_a_figure():
    from rag.question import has_quantity

    assert has_quantity("他一生创作了十首二胡曲。")
    assert has_quantity("这部作品共有三部。")
    assert not has_quantity("他创作了二胡曲。")


@pytest.mark.parametrize("term, text, found", [
    ("投江", "于公元前278年农历五月初五投汨罗江自尽", True),  # two characters between
    ("杨荫", "音乐学家杨荫浏和曹安和用钢丝录音机", True),  # segmented as 杨荫浏 in the passage
    ("古代", "粽子古称“角黍”", False),
    ("市长", "杭州的城市发展得益于长期的政策", False),  # characters too far apart
])
def test_a_chinese_term_is_found_across_segmentations(term, text, found):
    from rag.gate import coverage

    assert coverage([term], text, lambda token: 1.0) == (1.0 if found else 0.0)


def test_a_chinese_compound_is_found_when_the_words_it_is_made_of_are():
    # the segmenter keeps 东湖开发区 whole; the passage writes 东湖新技术开发区
    from rag.gate import found_terms

    text = "武汉东湖新技术开发区成立于1988年。"
    assert found_terms(["东湖", "开发区", "东湖开发区"], text) == ["东湖", "开发区", "东湖开发区"]
    assert found_terms(["东湖开发区"], text) == []  # its parts are not among the question's words
    assert found_terms(["东湖", "开发区", "东湖开发区"], "东湖的风景") == ["东湖"]


def test_a_chinese_question_worded_otherwise_than_its_passage_is_answered(make_settings, embedder, tmp_path):
    # "在古代被叫作" / "古称", "唐朝初年" / "唐初": the passages write the question's words otherwise,
    # so a Chinese question needs less of its topic spelled out (min_term_coverage_zh) than an
    # English one; a question on what the passages do not say is still refused.
    from rag.evaluation import load_squad
    from rag.ingest import Ingester

    items = {i.id: i for i in load_squad(ROOT / "eval" / "squad_zh_dev.json", tmp_path / "corpus")}
    settings = make_settings()
    Ingester(settings, embedder=embedder).run([tmp_path / "corpus"], progress=False)
    assistant = Assistant(settings, embedder=embedder)
    for question, fact in (("粽子在古代被叫作什么？", "角黍"), ("户部在唐朝初年叫什么名字？", "民部")):
        answer = assistant.answer(question, mode="extractive")
        assert not answer.refused and fact in answer.text, answer.text
    assert assistant.answer(items["zhsq-003"].question, mode="extractive").refused


def test_a_chinese_when_question_needs_the_event_it_asks_about(assistant):
    # The corpus gives Zhao Zisen's birth year, not the year he died.
    assert assistant.answer("被誉为“中国光纤之父”的赵梓森在哪一年去世？", mode="extractive").refused
    answered = assistant.answer("中国第一根光纤是哪一年诞生的？", mode="extractive")
    assert not answered.refused and "1976" in answered.text


def test_a_figure_in_english_must_count_what_a_chinese_question_counts(assistant):
    # "about 25 minutes by high-speed train" is a figure about the park, not a count of residents;
    # the residents' sentence scores low across languages (a long sentence holding many facts).
    answer = assistant.answer("苏州工业园区大约有多少居民？", mode="extractive")
    assert not answer.refused and "1.13 million" in answer.text, answer.text
    selection = assistant.select("苏州工业园区大约有多少居民？")
    gate = Gate(assistant.config, assistant.multilingual_encoder())
    by_text = {s.text: gate.counts_what_is_asked(selection.question, s) for s in selection.sentences}
    assert [v for t, v in by_text.items() if "1.13 million residents" in t] == [True]
    assert [v for t, v in by_text.items() if "25 minutes by high-speed train" in t] == [False]


@pytest.mark.parametrize("question, notice", [
    ("苏州工业园区从新加坡引入了什么机制？", "来源为英文，下面引用原文。"),  # every quote is English
    ("武汉光谷坚守光纤通信多少年？", "部分来源为英文，下面引用原文。"),  # one Chinese quote, one English
    ("Which laboratory did Zhao Zisen work in, next to a toilet?", "The sources are in Chinese; they are quoted as written."),
])
def test_the_reader_is_told_when_quotes_are_in_the_other_language(assistant, question, notice):
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and notice in answer.notices, answer.notices


def test_no_language_notice_when_every_quote_is_in_the_readers_language(assistant):
    answer = assistant.answer("How long did Optics Valley stick to fibre?", mode="extractive")
    assert not answer.refused and not answer.notices


@pytest.mark.parametrize("question, role, holder", [
    ("杭州市长是谁？", "市长", "杭州"),
    ("宇树科技的创始人是谁？", "创始人", "宇树科技"),
    ("DeepSeek的创始人是谁？", "创始人", "DeepSeek"),
    ("提出端午节源于吴越地区龙图腾祭祀的学者是谁？", "学者", ""),  # a clause, not a holder
])
def test_a_chinese_who_question_knows_its_role_and_what_holds_it(question, role, holder):
    from rag.question import analyse, role_holder

    analysed = analyse(question)
    assert (analysed.wants, analysed.counted, role_holder(analysed)) == ("person", role, holder)


def test_a_chinese_who_question_is_not_answered_with_another_holder_of_the_role(assistant):
    # The Chinese documents name Nanjing's party secretary (南京市委书记周红波), not Hefei's; an English
    # brief does ("Hefei's party secretary Yu Aihua said ..."), and that is what the answer leads with.
    answer = assistant.answer("合肥市委书记是谁？", mode="extractive")
    assert not answer.refused and "Yu Aihua" in answer.sentences[0].text, answer.text
    assert_refused(assistant, "宇树科技的董事长是谁？")  # no document names Unitree's chairman
    answered = assistant.answer("强脑科技的创始人是谁？", mode="extractive")
    assert not answered.refused and "韩璧丞" in answered.text, answered.text


def test_a_latin_name_in_a_chinese_question_stops_where_the_chinese_begins(assistant):
    # "\w" matches Chinese characters: "DeepSeek-V3的训练花了多少钱" had made "训练" part of a name
    # that every English passage then lacked, and "V3的训练花了多少钱" a model version.
    from rag.gate import names_another_of_its_kind
    from rag.question import analyse

    assert "训练" not in analyse("DeepSeek-V3的训练花了多少钱？").names
    assert not names_another_of_its_kind("DeepSeek-V3的训练花了多少钱？", "The training of DeepSeek-V3 cost money.")
    answer = assistant.answer("DeepSeek-V3的训练花了多少钱？", mode="extractive")
    assert not answer.refused and "5.6 million" in answer.text, answer.text


def test_a_chinese_when_question_over_english_documents_needs_the_event(assistant):
    # 成立 meets "established" in the multilingual space; "In 2015 the park covered 3.4 percent of
    # Suzhou's land" gives a year, but not the year it was set up.
    answer = assistant.answer("苏州工业园区是哪一年成立的？", mode="extractive")
    assert not answer.refused and "1994" in answer.sentences[0].text, answer.text


def test_a_chinese_word_brings_the_collections_english_words_for_it(assistant):
    # Names have their pairs; common words come through the multilingual space (创始人 / "founder").
    from rag.multilingual import word_bridge
    from rag.retrieve import keyword_index

    store = assistant.store
    keywords = keyword_index(store, store.state()["version"])
    bridge = word_bridge(keywords, assistant.multilingual_encoder(), assistant.config.counted_word_similarity)
    assert "founder" in bridge.english_words("DeepSeek的创始人是谁？")
    assert "budget" in bridge.english_words("松山湖材料实验室的总预算是多少？")
    assert bridge.english_words("What is the budget?") == []  # English words are not translated


def test_a_word_brings_the_collections_words_for_it_in_the_other_language(assistant):
    # The word bridge both ways, word by word: "chip" / 芯片, "headquarters" / 总部; 面积 / "area".
    from rag.multilingual import word_bridge
    from rag.question import analyse
    from rag.retrieve import keyword_index

    store = assistant.store
    keywords = keyword_index(store, store.state()["version"])
    similarity = assistant.config.counted_word_similarity
    to_chinese = word_bridge(keywords, assistant.multilingual_encoder(), similarity, chinese=True)
    words = dict(to_chinese.words_across(analyse("Where are NIO's headquarters, and does it make memory chips?")))
    assert "芯片" in words["chip"] and "总部" in words["headquarters"], words
    to_english = word_bridge(keywords, assistant.multilingual_encoder(), similarity)
    words = dict(to_english.words_across(analyse("DeepSeek的办公面积有多大？")))
    assert "area" in words["面积"] and words["deepseek"] == ("deepseek",), words  # a Latin name is itself


def test_an_english_question_answered_by_a_chinese_sentence_alone(assistant):
    # "第二次是2016年布局长鑫存储，进入内存芯片领域。" is the only sentence on Hefei's memory-chip bet; its
    # cosine to the question is low and English sentences on Hefei's other bets outranked it. Its
    # words now meet the question's (内存芯片: "memory chips").
    answer = assistant.answer("With which company did Hefei get into memory chips, and when?", mode="extractive")
    assert not answer.refused and "长鑫" in answer.sentences[0].text and "2016" in answer.sentences[0].text, answer.text


def test_a_chinese_question_answered_by_an_english_sentence_meeting_its_words(assistant):
    # 生物制造 meets "biomanufacturing" in the sentence on the national centre; it was refused.
    answer = assistant.answer("光明科学城在生物制造方面有什么国家级平台？", mode="extractive")
    assert not answer.refused and "National Industrial Innovation Center for Bio-manufacturing" in answer.text, \
        answer.text


def test_a_chinese_question_finds_the_english_passage_on_its_common_word(assistant):
    # DeepSeek的创始人是谁？ ranked "Models and release dates" first and Chinese passages on other
    # companies' founders (创始人) next; the English passages on DeepSeek's founding now lead.
    sections = [p.metadata.get("section", "") for p in assistant.retriever.run("DeepSeek的创始人是谁？", 5).passages]
    assert all("Found" in s for s in sections[:2]), sections


def test_a_chinese_figure_is_said_of_the_name_the_question_writes(assistant):
    # "2024年，合肥GDP……而2022年和2023年分别排第21位和第20位" gives Hefei's rank; its passage names
    # Nanjing too, but the sentence does not.
    refused = assistant.answer("2023年南京的GDP在全国城市中排第几位？", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("2023年合肥的GDP在全国城市中排第几位？", mode="extractive")
    assert not answered.refused and "第20位" in answered.text, answered.text


def test_gdp_is_met_in_its_chinese_forms_and_the_other_way_round(assistant):
    # "GDP" in a Chinese question is a measure that a Chinese passage writes as 地区生产总值 ...
    answer = assistant.answer("2020年东湖高新区的研发投入占GDP多少？", mode="extractive")
    assert not answer.refused and "8.7%" in answer.text, answer.text
    # ... and 经济总量 in a question is the passage's "GDP"
    answer = assistant.answer("合肥2024年的经济总量是多少？", mode="extractive")
    assert not answer.refused and "13507.7亿元" in answer.text, answer.text


def test_how_many_in_any_measure_word_and_a_second_question_is_no_lead_in(assistant):
    # "几台" asks how many (台 counts machines) and is no topic word
    question = analyse("这个节目一共上了几台机器人？")
    assert question.wants == "quantity" and "几台" not in question.terms
    # "……叫什么？台上一共有几台？" asks two things: the first is no lead-in whose words the
    # second may drop
    answer = assistant.answer("宇树扭秧歌的那个春晚节目叫什么？台上一共有几台？", mode="extractive")
    assert not answer.refused and "16台" in answer.text, answer.text


def test_a_passage_in_the_other_language_that_words_cannot_judge_must_be_close_in_meaning(assistant):
    # Wimbledon, "men" and "title" have no Chinese form the collection knows, so no word can be
    # looked for in a Chinese passage; such a passage used to count as holding the whole topic,
    # and a Chinese sentence about Game Science answered the question.
    answer = assistant.answer("Who won the Wimbledon men's title in 2024?", mode="extractive")
    assert answer.refused, answer.text
    # ... nor when the question names what the collection never writes, though a Chinese sentence is
    # about as close to it as a relevant one can be
    for mountain in ("the summit of Mount Everest", "the top of Mount Kilimanjaro"):
        answer = assistant.answer(f"What is the boiling point of water at {mountain}?", mode="extractive")
        assert answer.refused, answer.text
    # a Chinese question over English documents is still answered from them
    answer = assistant.answer("武汉光谷坚守光纤通信多少年？", mode="extractive")
    assert not answer.refused and "twenty years" in answer.text


@pytest.mark.parametrize("question, expected", [
    # a share written as "占GDP的28.8%", not named 比例
    ("2024年杭州数字经济核心产业增加值占GDP的比例是多少？", "28.8%"),
    # a host named by the verb alone: 对话由……王坚主持
    ("世界互联网大会乌镇峰会上六家公司的那场对话，主持人是谁？", "王坚"),
    # 第一次 is as often a plain adjective as "first" (the passage says 首次), and was another
    # sentence's "first meeting of the new year" for lack of it
    ("六家公司的负责人是哪一天第一次同台的？", "11月7日"),
])
def test_a_chinese_question_is_met_by_the_way_chinese_writes_it(assistant, question, expected):
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and expected in answer.sentences[0].text, answer.text


def test_a_chinese_when_question_finds_founding_in_its_other_forms(assistant):
    # founding is said as 创办 as often as 成立
    answer = assistant.answer("游戏科学是哪一年成立的？", mode="extractive")
    assert not answer.refused and "2014" in answer.text, answer.text


def test_which_ones_is_no_count_and_of_which_year_is_no_event(assistant):
    # 哪几座 asks which cities, not how many
    question = "2025年光明科学城论坛开幕时，有哪几座其他科学城的代表到场？"
    assert analyse(question).wants != "quantity"
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and "Huairou" in answer.text, answer.text
    # 哪一年的第几期 asks for a date; "的第几期" is no event the sentence must say
    answer = assistant.answer("《文化纵横》把合肥政府称为“风投发展型”政府的文章发表在哪一年的第几期？", mode="extractive")
    assert not answer.refused and "2024年第2期" in answer.text, answer.text


def test_a_chinese_duration_with_more_than_and_adverbs_that_are_no_topic(assistant):
    # "2200多年" is a length of time; 至今 and 已经 (until now, already) are no topic words
    question = analyse("合肥置县至今已经有多少年了？")
    assert "至今" not in question.terms and "已经" not in question.terms
    answer = assistant.answer("合肥置县至今已经有多少年了？", mode="extractive")
    assert not answer.refused and "2200多年" in answer.text, answer.text


def test_a_question_naming_a_year_is_not_about_now_alone(assistant):
    # 如今 belongs to the first part; the second asks about 2020, and "到2020年" is no plan here
    answer = assistant.answer("如今光谷的规划面积大约有多大？到2020年，东湖高新区的地区生产总值超过了多少？",
                              mode="extractive")
    assert not answer.refused and "518" in answer.text and "2000亿元" in answer.text, answer.text


def test_a_person_an_english_question_writes_in_pinyin_is_found_by_the_chinese_name():
    bridge = NameBridge(chinese_words=lambda: ["胡立山", "党委书记", "高新"])
    assert bridge.chinese_names("What goal did Hu Lishan set for Optics Valley?") == ["光谷", "胡立山"]
    assert bridge.chinese_names("What did Zhao Zisen build?") == []  # no such name in the collection
    assert NameBridge().chinese_names("What goal did Hu Lishan set?") == []  # no Chinese words given


def test_a_person_typed_in_lower_case_pinyin_is_named_as_if_capitalised():
    bridge = NameBridge(chinese_words=lambda: ["赵梓森", "胡立山", "光纤"])
    assert bridge.with_names_capitalised("what did zhao zisen say he was happy about?") == \
        "what did Zhao Zisen say he was happy about?"
    # a name the collection does not hold stays as typed; a question with capitals is left alone
    assert bridge.with_names_capitalised("what did li wei say?") == "what did li wei say?"
    assert bridge.with_names_capitalised("Why did zhao zisen build a lab?") == "Why did zhao zisen build a lab?"


def test_a_person_written_only_in_chinese_is_found_from_lower_case_pinyin(assistant):
    # 赵梓森 is written only in the Chinese Optics Valley document
    answer = assistant.answer("what did zhao zisen say he was happy about?", mode="extractive")
    assert not answer.refused and "赵梓森" in answer.sentences[0].text, answer.text


def test_an_explanation_naming_a_person_only_the_chinese_documents_write_is_answered(assistant):
    # "Zhao Zisen" is in no English text: the bridge writes it 赵梓森, which the Chinese passages hold
    for question in ("How did Zhao Zisen get fibre optics going in China?",
                     "how did zhao zisen get fibre optics going in china?"):
        answer = assistant.answer(question, mode="extractive")
        assert not answer.refused and "赵梓森" in answer.text, answer.text
    assert assistant.answer("How did Zhao Zisen win the World Cup?", mode="extractive").refused


def test_an_english_question_is_answered_from_a_chinese_passage_in_its_own_words(assistant):
    # 胡立山 is written only in Chinese; "culture" and "promote" are said as 文化 and 倡导
    answer = assistant.answer("What culture did Hu Lishan promote for Optics Valley in 2015?", mode="extractive")
    assert not answer.refused and "胡立山" in answer.sentences[0].text, answer.text
    # names alone still do not hold what the question asks about them
    assert assistant.answer("Who is the mayor of Nanjing?", mode="extractive").refused


def test_figures_and_words_of_asking_are_no_words_a_chinese_question_is_about():
    # a figure in Chinese numerals (二十四分之一) is written in digits or words in English passages, and
    # words of asking or pointing (第几, 那会儿) are the reader's; neither says what a question is about
    from rag.gate import _unseen_chinese_words

    words = _unseen_chinese_words(analyse("那会儿九个城市只占全国二十四分之一的人口，排第几？"), lambda word: 9.0)
    assert not [w for w in words if re.search("[一二三四五六七八九十]|那会|第几", w)], words
    assert "盐水鸭" in _unseen_chinese_words(analyse("南京盐水鸭哪家最正宗？"), lambda word: 9.0)


def test_a_chinese_question_is_not_answered_by_english_passages_that_only_name_its_city(assistant):
    # English passages name Nanjing or Wuhan, but no word of the collection is close to two of the
    # question's other words (粉丝汤, 好吃; 热干面, 正宗); an answerable question's are (居民: residents)
    for question in ("南京的鸭血粉丝汤哪家最好吃？", "武汉热干面哪家最正宗啊？"):
        assert_refused(assistant, question)
    assert_answered(assistant, "苏州工业园区约有多少居民？", "1.13 million")
    assert_answered(assistant, "苏州工业园区从新加坡引入了什么机制？", "risk-sharing")


def test_a_chinese_question_on_a_place_the_collection_never_names_is_refused(assistant):
    # 新竹 is one name no chunk holds and no English word is close to; the collection's other words
    # (科学, 园区, 设立) once let Guangming's founding date answer it
    assert_refused(assistant, "台湾新竹科学园区是哪一年设立的？")
    assert_answered(assistant, "光明区是哪一年设立的？", "2018")


def test_a_chinese_question_for_a_city_needs_a_sentence_naming_one(assistant):
    # "Many other cities in China probably don't even have the audacity ..." and "an offshoot of the
    # quantitative hedge fund High-Flyer" name no city
    assert_refused(assistant, "幻方量化的总部在哪座城市？")
    assert_answered(assistant, "梁文锋是哪个省的人？", "Guangdong")


def test_a_length_asked_in_kilometres_is_not_answered_by_an_area(assistant):
    # "The nine cities of the G60 corridor span about 76,200 square kilometres" gives no length
    assert_refused(assistant, "G60高速全程有多少公里？")
    assert_answered(assistant, "G60科创走廊九城总面积约多少平方公里？", "76,200")


def test_a_chinese_answer_leads_with_sentences_naming_what_the_question_names(assistant):
    # 赵梓森's university (上海交通大学) scored highest for 梁文锋毕业于哪所大学？; the answer is the
    # English sentence on Liang Wenfeng
    answer = assistant.answer("梁文锋毕业于哪所大学？", mode="extractive")
    assert not answer.refused and "Zhejiang University" in answer.sentences[0].text, answer.text
    assert not any("赵梓森" in s.text for s in answer.sentences), answer.text


def test_a_chinese_question_names_a_person_in_the_pinyin_the_collection_writes(assistant):
    bridge = NameBridge(english_words={"wang", "xingxing", "unitree"})
    assert "Wang Xingxing" in bridge.english_names("王兴兴创办宇树科技时多大？")
    # no English form is made up for a name the collection does not write in pinyin
    assert NameBridge(english_words={"wang"}).english_names("王兴兴创办宇树科技时多大？") == ["Unitree"]
    # the collection's own keyword index gives the English words
    assert "xingxing" in assistant.select("胡锡进和王兴兴是哪里人？").question.other_terms


def test_a_chinese_verb_is_no_place_written_in_pinyin():
    # 比成 ("compared to") and 联合 ("joint") sound like "Bicheng" (Han Bicheng) and "Lianhe" (Lianhe Zaobao)
    bridge = NameBridge(english_words={"bicheng", "lianhe", "jiuting", "caijing"})
    assert bridge.english_names("把城市之间拼创新比成了哪种比赛？") == []
    assert bridge.english_names("游戏科学的联合创始人是谁？") == ["Game Science"]
    assert bridge.english_names("九亭镇在哪里？") == ["Jiuting"] and bridge.english_names("财经杂志怎么说？") == ["Caijing"]


def test_a_chinese_question_over_an_english_passage_is_not_refused_for_a_false_name(assistant):
    answer = assistant.answer("英文长文收尾的时候，把城市之间拼创新比成了哪种比赛？", mode="extractive")
    assert not answer.refused and "marathon" in answer.text, answer.text


def test_only_a_pinyin_surname_makes_the_bridge_look_for_a_person():
    asked = []
    bridge = NameBridge(chinese_words=lambda: asked.append(1) or ["胡立山"])
    assert bridge.chinese_names("How did the Six Little Dragons grow?") == ["六小龙"]
    assert asked == []  # "Six Little" is no Chinese name: pypinyin is not loaded for it
    assert bridge.chinese_names("What did Hu Lishan say?") == ["胡立山"] and asked == [1]


def test_a_unit_a_chinese_question_asks_in_stands_next_to_the_figure(assistant):
    # 几分钟 and 多少亩 ask a figure in a unit: 16台 or 500亿元 in the right passage does not answer
    assert (analyse("节目一共表演了几分钟？").wants, analyse("节目一共表演了几分钟？").counted) == ("quantity", "分钟")
    answer = assistant.answer("合肥新桥智能电动汽车产业园的面积是多少亩？", mode="extractive")
    assert answer.refused, answer.text
    # ... and an English sentence writes the unit its own way (亩 as "mu")
    answer = assistant.answer("松山湖材料实验室的规划面积是多少亩？", mode="extractive")
    assert not answer.refused and "1,200 mu" in answer.text, answer.text


@pytest.mark.parametrize("question", ["强脑科技的总部在杭州哪个区？", "In which district is BrainCo headquartered?"])
def test_a_district_is_named_in_a_sentence_about_what_the_question_names(assistant, question):
    # the passage naming BrainCo also names Yuhang District, in a sentence about Zhejiang Lab
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused, answer.text


def test_a_question_asking_for_the_day_needs_a_day(assistant):
    # 哪天 asks for a day: "2017年，合肥成为……第二个获批……的城市" gives only the year
    assert analyse("那份批复是哪天下来的？").wants == "time"
    answer = assistant.answer("合肥获批建设综合性国家科学中心的批复是哪天下来的？", mode="extractive")
    assert answer.refused, answer.text
    answer = assistant.answer("中关村是哪天被批准为第一个国家自主创新示范区的？", mode="extractive")
    assert not answer.refused and "March 13, 2009" in answer.text, answer.text


def test_how_big_and_oneself_are_no_topic_words(assistant):
    # 多大 (how old / how big), 自己 (oneself) and 那只 (that one) say how the question is asked:
    # counted as topic they left the XDog sentence short of the question's words
    assert not {"多大", "自己", "那只"} & set(tokenize("他第一次带着自己做的机器狗参会的时候多大？那只机器狗叫什么？"))
    answer = assistant.answer("王兴兴第一次带着自己做的机器狗去乌镇参会时多大？", mode="extractive")
    assert not answer.refused and "27岁" in answer.text, answer.text


def test_an_english_sentence_answering_one_part_is_close_to_that_part(assistant):
    # far from the two questions together, "At that time Zhongguancun was reported to host nearly
    # 20,000 high-tech enterprises" is close to the second
    answer = assistant.answer("中共中央政治局2013年9月30日在中关村举行了什么活动？当时中关村大约有多少家高新技术企业？",
                              mode="extractive")
    assert not answer.refused and "20,000" in answer.text, answer.text


def test_someone_and_both_sides_are_no_topic_words(assistant):
    # 有人 (someone), 两边 (both sides), 各有 (each has), 数量 (the number of): how it is asked
    assert not {"有人", "两边", "各有", "数量"} & set(tokenize("有人拿深圳和杭州比民营企业的数量，两边各有多少家？"))
    answer = assistant.answer("有人拿深圳和杭州比民营企业的数量，两边各有多少家？", mode="extractive")
    assert not answer.refused and "254万家" in answer.text, answer.text


def test_which_time_in_a_row_is_answered_by_an_ordinal(assistant):
    # 第几次 asks for a place in a series: "third consecutive" answers it, as 第几名 is answered by a rank
    answer = assistant.answer("广东2025年的“新春第一会”是连续第几次召开高质量发展大会？", mode="extractive")
    assert not answer.refused and "third consecutive" in answer.text, answer.text
    # ... and 第几版 by a version ("version 8.0", 8.0版)
    answer = assistant.answer("上海最新的优化营商环境行动方案是第几版？", mode="extractive")
    assert not answer.refused and "8.0" in answer.text, answer.text


def test_english_sentences_are_ranked_by_the_english_words_nearest_a_chinese_question(assistant):
    # 出席 / 参加 and 活动 / 会 meet "attended" and "symposium" only through their English neighbours
    question = assistant.select("2025年2月，梁文锋和王兴兴一同出席了什么活动？").question
    assert question.other_words and "attend" in question.other_words, question.other_words
    answer = assistant.answer("2025年2月，DeepSeek的梁文锋和宇树的王兴兴一起参加了什么会？", mode="extractive")
    assert not answer.refused and "symposium" in answer.sentences[0].text, answer.text


def test_who_wrote_it_is_answered_where_the_writing_is_said(assistant):
    # a sentence quoting the People's Daily commentary does not say who wrote it; 张艺谋执导 says who directed
    answer = assistant.answer("称赞江苏敢于自问的那篇《人民日报》评论是谁写的？", mode="extractive")
    assert answer.refused, answer.text
    answer = assistant.answer("宇树机器人表演的节目《秧BOT》是谁执导的？", mode="extractive")
    assert not answer.refused and "张艺谋" in answer.text, answer.text


def test_a_chinese_follow_up_with_a_demonstrative_is_condensed():
    from rag.condense import condense_rule

    history = [{"role": "user", "content": "蔚来中国总部最后落户在合肥的什么地方？"}, {"role": "assistant", "content": "……"}]
    assert "蔚来" in condense_rule("那个开发区是哪一年设立的？", history)
    assert "蔚来" in condense_rule("该基地有多大？", history)
    # 其他 is no pronoun: the follow-up is not given the last question whole, only what it names, as
    # a short follow-up naming nothing of its own is
    assert condense_rule("其他城市呢？还有哪些？", history) == "其他城市呢？还有哪些？（合肥，中国，蔚来）"


def test_a_chinese_follow_up_about_what_the_last_answer_named_gets_its_clause():
    from rag.condense import condense_rule

    history = [{"role": "user", "content": "蔚来中国总部最后落户在合肥的什么地方？"},
               {"role": "assistant", "content": "4月29日双方正式签约，蔚来中国总部落户合肥经济技术开发区，并获得战略投资 [1]。"}]
    assert "合肥经济技术开发区" in condense_rule("那个开发区是哪一年设立的？", history)
    # 那届 points back as 那个 does
    history = [("光明科学城论坛是从哪一年开始办的？", "The annual Guangming Science City Forum, held since 2023 [1].")]
    assert "光明科学城" in condense_rule("那2025年那届论坛是哪天开幕的？", history)


def test_a_one_word_name_an_english_question_writes_in_pinyin_is_found_by_the_chinese_word(assistant):
    bridge = NameBridge(chinese_words=lambda: ["新桥", "维舟", "长鑫", "存储", "俞正声", "正声", "松山", "嵩山"])
    assert "新桥" in bridge.chinese_names("When did building start on Hefei's Xinqiao park?")
    assert "长鑫" in bridge.chinese_names("What stake does Hefei hold in ChangXin Memory?")  # 长 read chang
    # a given name is read with its surname, and a spelling two words share is no bridge
    assert "正声" not in bridge.chinese_names("What did Yu Zhengsheng say?")
    assert bridge.chinese_names("Where is Songshan?") == []
    # the collection's own words: "Weizhou" is the commentator 维舟
    assert "维舟" in assistant.select("What did the commentator Weizhou say about Shenzhen?").question.other_terms


def test_each_part_of_a_two_part_question_gets_its_sentence(assistant):
    """Where the lab was and the year of the first fibre are two sentences: the one answering the
    first part replaces a third sentence that was only close in score."""
    answer = assistant.answer("赵梓森最早把光纤实验室建在了什么地方？中国第一根光纤是哪年诞生的？", mode="extractive")
    assert not answer.refused and "厕所旁" in answer.text and "1976" in answer.text, answer.text


def test_a_second_question_word_is_no_event():
    """"分别是哪年哪月？" asks for a year and a month: 哪月 is no event the sentence must say."""
    from rag.gate import chinese_event

    assert chinese_event(analyse("浙江先后拿过哪两个国家级身份？分别是哪年哪月？")) is None
    assert chinese_event(analyse("苏州工业园区是哪一年成立的？")) == "成立"


def test_an_amount_written_with_a_chinese_magnitude_is_no_year(assistant):
    """"2000亿元" is an amount, not the year 2000: a count for 2000 is not found in a sentence on
    2020 that gives an output of over 200 billion yuan."""
    assert years_in("到2020年，东湖高新区的地区生产总值超过2000亿元") == ("2020",)
    assert years_in("2000多家企业，1.2013万亿元，2000年") == ("2000",)
    answer = assistant.answer("2000年全国有多少个国家级高新区？", mode="extractive")
    assert answer.refused, answer.text


def test_a_when_question_with_a_longer_event_needs_that_event(assistant):
    """哪一年开始量产内存芯片 asks when mass production began (量产): the year Hefei invested in
    CXMT is no answer, nor is a sentence calling Wang Jian director when asked since when he has
    been (担任). Questions whose event the sentence says are still answered."""
    for question in ["长鑫存储是哪一年开始量产内存芯片的？", "王坚是哪一年担任之江实验室主任的？"]:
        answer = assistant.answer(question, mode="extractive")
        assert answer.refused, answer.text
    answered = assistant.answer("合肥是哪一年获批建设综合性国家科学中心的？", mode="extractive")
    assert not answered.refused and "2017" in answered.text


def test_an_english_name_with_a_known_chinese_form_is_found_in_that_form(assistant):
    """"NIO" is written in capitals, yet the Chinese account of the Hefei model writes 蔚来, which
    the name bridge pairs with it: its passage answers an English question on NIO's 2020 deal."""
    answer = assistant.answer("On what day in 2020 did NIO formally sign its China headquarters deal with Hefei?",
                              mode="extractive")
    assert not answer.refused and "4月29日" in answer.text, answer.text


def test_a_chinese_question_is_answered_from_a_sentence_on_the_person_it_names(assistant):
    # The robot dog shown at Wuzhen in 2017 was Wang Xingxing's (王兴兴), and the 2008 "Shanghai
    # question" was Yu Zhengsheng's (俞正声): a sentence that does not name the person a question
    # names does not answer it.
    for wrong, right, expected in [("梁文锋", "王兴兴", "翻车"), ("胡锡进", "俞正声", "落户上海")]:
        question = ("2017年乌镇大会上，{}演示的机器狗出了什么意外？" if expected == "翻车"
                    else "{}在上海市政协会议上说马云曾经想把阿里巴巴落户在哪里？")
        assert_refused(assistant, question.format(wrong))
        assert_answered(assistant, question.format(right), expected)


def test_a_name_bridged_to_english_is_found_in_either_spelling():
    # 光纤 is bridged as "optical fiber"; the briefs write "optical fibre"
    from rag.gate import found_terms
    assert found_terms(["optical", "fiber", "center", "labor"], "an optical fibre research centre for labour") \
        == ["optical", "fiber", "center", "labor"]
    assert found_terms(["fiber"], "a fir tree") == []


def test_a_chinese_who_question_gets_a_sentence_naming_the_role_in_english(assistant):
    # 主任 is a director or a head: the Suzhou brief names neither, a sentence on Guangzhou's
    # "entrepreneur-chief scientist" system is no answer, and the Songshan Lake lab's board chair
    # and deputy directors are not its director
    for question in ("苏州工业园区管委会主任是谁？", "松山湖材料实验室的主任是谁？"):
        assert_refused(assistant, question)
    # 创始人: BrainCo "was founded ... by Han Bicheng"
    assert_answered(assistant, "BrainCo的创始人是谁？", "Han Bicheng")


def test_a_growth_rate_is_not_a_share(assistant):
    # "占GDP的28.8%" is the share of Hangzhou's core digital economy, not its growth
    assert_refused(assistant, "杭州数字经济核心产业增加值2024年同比增长了百分之几？")
    assert_answered(assistant, "杭州数字经济核心产业增加值2024年占GDP的百分之几？", "28.8%")
    assert_answered(assistant, "What was Guangdong's growth rate in 2024?", "3.8 percent")
    # "how fast did it grow" asks a rate too: Nanjing's 2024 GDP in yuan is no growth figure
    assert_refused(assistant, "How fast did Nanjing's economy grow in 2024?")
    assert_answered(assistant, "How fast did Guangdong's economy grow in 2024?", "3.8 percent")


def test_a_chinese_question_picking_the_most_needs_a_ranking(assistant):
    # the G60 briefs give the nine cities' totals, never which city leads
    for question in ("G60走廊的九个城市里，哪个城市的专利最多？", "在G60科创走廊的九座城市中，哪座城市的科创板上市公司最多？"):
        assert_refused(assistant, question)
    # a sentence saying which was first answers 最早
    assert_answered(assistant, "哪个地方最早被叫作“中国硅谷”？", "Zhongguancun")


@pytest.mark.parametrize("question, measure", [
    ("松山湖材料实验室那15家产业化公司里，哪家营收最高？", ["营收"]),
    ("合肥那次云签约的8个项目里，投资额最大的是哪个？", ["投资额"]),  # the measure before the superlative
    ("中关村首批特色产业园当中，哪个园区年产值最高？", ["年产", "产值", "年产值"]),  # 园区 is what is picked
    ("六小龙里头最先火起来的到底是哪家？", []),  # where the group is names no measure
])
def test_a_chinese_question_picking_the_most_names_its_measure(question, measure):
    from rag.gate import picks_the_most_zh

    picks, words, _ = picks_the_most_zh(analyse(question))
    assert picks and words == measure


def test_a_chinese_question_picking_the_most_needs_a_ranking_by_its_measure(assistant):
    # "the first batch of 23 parks" and "cashed out most of the stake" rank nothing by output or investment
    assert_refused(assistant, "中关村首批23个特色产业园当中，哪个园区年产值最高？")
    assert_refused(assistant, "松山湖材料实验室那15家产业化公司当中，营收最高的是哪家？")
    # Suzhou Industrial Park "ranked first" in the overall (综合) evaluation
    assert_answered(assistant, "苏州工业园区和其他国家级经开区比，哪个综合实力最强？", "ranked first")


def test_a_unit_of_one_character_is_what_the_figure_stands_next_to(assistant):
    # 亩 is no token of the segmenter: "占地524亩" is met as written
    assert_answered(assistant, "长飞在光谷那个光纤产业园占地多少亩？", "524亩")


def test_now_in_a_chinese_question_is_no_topic_word(assistant):
    # 现在 asks about the present, as "now" does: "如今已发展到1000多人" answers it
    assert_answered(assistant, "宇树现在有多少人？", "1000多人")


def test_a_place_only_the_english_documents_name_is_bridged_by_its_pinyin(assistant):
    # 辽宁 is written only in the English brief, as "Liaoning": its pinyin finds it
    assert_answered(assistant, "辽宁靠什么样的营商环境招商？", "Liaoning")


def test_a_chinese_question_is_answered_by_english_sentences_naming_what_it_names(assistant):
    # Zhejiang's white paper gives a GDP figure too, but the question asks about Guangdong (广东):
    # English sentences that write its English form come first
    answer = assistant.answer("广东2025年开“新春第一会”，省委书记点名了哪三家科技公司？2024年广东GDP增长了多少？",
                              mode="extractive")
    assert not answer.refused and "3.8 percent" in answer.text, answer.text
    assert "Zhejiang" not in answer.text.split("[1]")[0], answer.text


def test_an_english_definition_is_no_answer_to_a_chinese_question_asking_something_else(assistant):
    # "Suzhou Industrial Park (苏州工业园区, SIP) is a development zone ..." is close to any Chinese
    # question naming the park; the start-up area is in another sentence
    answer = assistant.answer("苏州工业园区最初的起步区有多大面积？", mode="extractive")
    assert "8 square kilometres" in answer.text.split("[1]")[0], answer.text
    # asked what it is, the definition still answers
    answer = assistant.answer("光明科学城是什么？", mode="extractive")
    assert answer.text.startswith("Guangming Science City (光明科学城) is a planned science district"), answer.text


@pytest.mark.parametrize("question, name", [("宇树科技的老板是谁？", "Wang Xingxing"), ("云深处科技的老板是谁？", "Zhu Qiuguo")])
def test_a_company_boss_is_its_founder_or_chief_executive_in_english(assistant, question, name):
    # 老板 (boss) is written in English as a founder, a CEO or a chairman
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and name in answer.text, answer.text


def test_an_english_question_is_not_answered_first_by_a_chinese_sentence_naming_none_of_its_names(assistant):
    # a Chinese sentence on CCTV's Hangzhou report is close in the multilingual space, but writes
    # neither 新加坡 nor 上海: the Suzhou sentences come first
    answer = assistant.answer("what research-spending ratio has the Singapore-partnered park near Shanghai held onto, "
                              "and for how long?", mode="extractive")
    assert not answer.refused and "15%" in answer.text, answer.text
    assert not answer.text.startswith("央视"), answer.text


def test_an_english_when_question_needs_a_chinese_sentence_to_say_its_event(assistant):
    # the Chinese documents give Zhao Zisen's birth (出生), not his death (去世)
    assert assistant.answer("In which year did Zhao Zisen, the father of China's optical fibre, die?",
                            mode="extractive").refused
    # the Chinese sentence on Game Science's founding says 创办
    answer = assistant.answer("In which year was the studio Game Science founded?", mode="extractive")
    assert not answer.refused and "2014" in answer.text, answer.text


@pytest.mark.parametrize("question, expected", [
    ("交汇点的三篇专稿是哪天发表的？", "2月7日"),  # the Chinese sentence says 推出
    ("松山湖材料实验室永久基地一期是哪天动工的？", "2018"),  # the English one, "ground-breaking ceremony"
    ("中关村示范区的发展规划是哪一年获准的？", "2011"),  # the English one, "approved"
])
def test_a_chinese_when_question_hears_its_event_in_the_usual_other_words(assistant, question, expected):
    # A usual event (publishing, breaking ground, approval ...) is said many ways: a sentence saying
    # it in another of its Chinese words, or in the English words a question would name it by, says it.
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and expected in answer.text, answer.text


def test_an_english_sentence_says_a_chinese_questions_event_only_of_what_it_names(assistant):
    # "Game Science was founded in 2014" says founding, but not DeepSeek's.
    answer = assistant.answer("DeepSeek到底是哪年成立的？", mode="extractive")
    assert "2014" not in answer.text, answer.text


@pytest.mark.parametrize("question, event", [
    ("强脑科技创始人韩璧丞是哪一年从哈佛大学博士毕业的？", "毕业"),  # after a preposition and a place
    ("游戏科学是哪一年把公司从深圳搬到杭州的？", "搬到"),
    ("浙江首份数字经济白皮书定下的目标是：到哪一年增加值突破多少？", None),  # asks for a sum too
])
def test_a_usual_event_is_read_wherever_a_chinese_when_question_says_it(question, event):
    from rag.gate import chinese_event

    assert chinese_event(analyse(question)) == event


def test_a_chinese_when_question_is_not_answered_with_the_date_of_another_event(assistant):
    # BrainCo moved its headquarters in 2018; no document says when its founder graduated
    answer = assistant.answer("韩璧丞是哪一年从哈佛毕业的？", mode="extractive")
    assert answer.refused, answer.text


def test_an_english_questions_chinese_sentences_writing_more_of_its_names_come_first(assistant):
    # Both sentences write 南京; only the one giving the reasons also writes 周红波 (Zhou Hongbo).
    answer = assistant.answer("What did Zhou Hongbo, Nanjing's party chief, credit for the rise of the Six Little Dragons?",
                              mode="extractive")
    assert not answer.refused and "营商环境" in answer.text, answer.text


def test_a_chinese_when_question_ranks_english_sentences_by_its_event(assistant):
    # DeepSeek究竟是哪一年成立的？: the English sentence writing "DeepSeek" and "founded" answers it;
    # across languages the multilingual cosine alone ranked it below sentences on other things
    from rag.gate import english_event_words
    from rag.question import analyse

    assert english_event_words(analyse("DeepSeek究竟是哪一年成立的？")) == ("found", "establish")
    assert english_event_words(analyse("DeepSeek总部在哪个城市？")) == ()
    answer = assistant.answer("DeepSeek究竟是哪一年成立的？", mode="extractive")
    assert not answer.refused and "founded in 2023" in answer.text, answer.text


def test_a_chinese_sentence_on_something_else_does_not_outrank_one_naming_the_latin_name(assistant):
    # DeepSeek是哪年成立的？: "武汉东湖新技术开发区成立于1988年" holds the rare word 成立 but its passage
    # never writes DeepSeek; it must not crowd out the English sentence on DeepSeek's founding
    assert_answered(assistant, "DeepSeek是哪年成立的？", "founded in 2023")


def test_a_chinese_where_question_needs_the_event(assistant):
    # 王兴兴出生在哪里？ as "Where was Wang Xingxing born?": the sentence saying he founded Unitree in
    # Hangzhou names a place, not his birthplace; 梁文锋's is given (in English)
    assert_refused(assistant, "王兴兴是在哪儿出生的？")
    assert_answered(assistant, "梁文锋出生在哪里？", "Zhanjiang")


def test_spoken_question_words_are_read_as_the_written_ones(assistant):
    assert with_short_forms_written_out("宇树是啥时候成立的？") == "宇树是什么时候成立的？"
    assert with_short_forms_written_out("杭州排老几？咋回事？") == "杭州排第几？怎么回事？"
    # 啥时候 asks a date: a sentence on what the company does, or on its co-founder, is no answer
    assert_refused(assistant, "酷家乐背后的群核科技是啥时候成立的？")
    assert_answered(assistant, "宇树是啥时候成立的？", "2016")


def test_an_answer_does_not_depend_on_the_questions_asked_before(assistant):
    # the name bridge paired 陈春先 with "Chen Chunxian" from a Chinese question and kept the pair:
    # another reader's English question was then checked against Chinese text for 陈春先
    english = "what year did chen chunxian make the trips to boston and silicon valley that inspired him?"
    before = assistant.answer(english, mode="extractive").text
    chinese = assistant.answer("陈春先在中关村办起中国第一家民营高科技企业之前，是受到了去美国哪些地方考察的启发？",
                               mode="extractive")
    assert "Chen Chunxian" in chinese.text  # the question's own person is still bridged for it
    assert assistant.answer(english, mode="extractive").text == before


def test_a_question_naming_its_sources_language_is_answered_from_them(assistant):
    # "according to the Chinese coverage" asks for what the Chinese documents say: their points lead,
    # where English ones on Hangzhou's policies scored higher; a question setting both side by side
    # prefers neither
    from rag.question import sources_asked

    assert sources_asked("According to the Chinese coverage, what did Hangzhou do right?") == "zh"
    assert sources_asked("那篇英文文章说，城市创新新的“护城河”到底是啥？") == "en"
    assert sources_asked("Do the English and Chinese sources agree on Nanjing's GDP gap?") == ""
    assert sources_asked("交汇点和英文那篇给开的药方一样不？") == ""
    answer = assistant.answer("According to the Chinese coverage, what did Hangzhou do right?", mode="extractive")
    points = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert points and re.search(r"[\u4e00-\u9fff]{6}", points[0]), answer.text


def test_ji_hao_and_ji_yue_ask_a_date(assistant):
    # 几号 asks the day, 几月(份) the month: "In August 2023" does not say on which day of it; 几月份
    # is how the question asks, not a word its answer must hold
    question = analyse("光谷2001年被批成国家光电子产业基地，具体是几月份批的？")
    assert question.wants == "time" and not {"几月", "几月份", "月份"} & set(question.terms)
    assert analyse("那份规划是几号印发的？").wants == "time"
    assert analyse("地铁几号线到光谷？").wants == ""
    assert_refused(assistant, "河套深圳园区那份发展规划，2023年8月具体是几号印发的？")
    assert_answered(assistant, "光谷2001年被批成国家光电子产业基地，具体是几月份批的？", "July 2001")


def test_an_english_factoid_keeps_a_chinese_passage_that_answers_it(assistant):
    # Optics Valley's planned area and Hefei's 2024 rank are given only in Chinese, in passages
    # ranked below English ones on the same places that give neither
    kept = assistant.select("What is the planned area of Optics Valley today?").passages
    assert any("518平方公里" in p.text for p in kept), [p.text[:40] for p in kept]
    assert_answered(assistant, "How big is Optics Valley nowadays?", "518")
    assert_answered(assistant, "Where did Hefei's GDP rank among Chinese cities in 2024?", "第19位")
    # a Chinese sentence naming the company and a count of something else does not answer for it
    assert_refused(assistant, "How big a stake does Manycore Tech's chairman hold?")


def test_an_english_who_question_is_answered_by_the_chinese_sentence_naming_the_person(assistant):
    # The documents name the father of China's optical fibre only in Chinese.
    assert_answered(assistant, "who's known as the father of china's optical fiber?", "赵梓森")


@pytest.mark.parametrize("question, holds", [("Who is known as the father of China's optical fibre?", True),
                                             ("Who founded YOFC?", False),  # 之父 is no founder
                                             ("Who is the CTO of YOFC?", False)])
def test_a_chinese_sentence_names_a_person_for_an_english_question_only_with_the_role_asked(question, holds):
    from dataclasses import replace

    from rag.question import holds_answer_type

    text = "被誉为“中国光纤之父”的赵梓森1932年出生于上海。"
    assert holds_answer_type(replace(analyse(question), other_terms=("光纤",)), text) is holds


def test_a_chinese_who_question_finds_the_english_sentence_naming_the_role(assistant):
    # "deepseek" in lower case is a name in Chinese text too; 创始人 ranks and admits English sentences
    # that say "founder" or "founded" of DeepSeek, however far the multilingual cosine puts them
    from rag.gate import english_event_words

    question = analyse("deepseek创始人是谁")
    assert "deepseek" in question.names and {"founder", "found"} <= set(english_event_words(question))
    answer = assistant.answer("deepseek创始人是谁", mode="extractive")
    assert not answer.refused and "DeepSeek" in answer.text, answer.text


def test_a_chinese_point_sharing_no_word_with_the_question_and_far_from_it_is_left_out(assistant):
    # "民间抱怨也就罢了，江苏官方媒体公开质问本省省会，需要勇气。" scores among the points for any question on
    # DeepSeek (a name most of the collection uses, so no subject is asked of a point); it shares no word
    # with this one and is 0.15 close to it
    answer = assistant.answer("deepseek没拿外面的风投，它起步的钱、招的人、手里的卡都是怎么来的？", mode="extractive")
    assert not answer.refused and "High-Flyer" in answer.text and "民间抱怨" not in answer.text, answer.text
