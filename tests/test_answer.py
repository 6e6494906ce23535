"""The answering pipeline in extractive mode over the real corpus index."""

import json
import re
from dataclasses import replace

import pytest

from helpers import assert_answered, assert_refused
from rag.condense import condense_rule
from rag.gate import Gate, coverage, gives_the_words_of, names_or_refers_to, names_something_new, said_the_other_way
from rag.errors import RagError
from rag.evidence import leans_on_previous
from rag.keyword import capitalised_words
from rag.spelling import with_slips_mended
from rag.pipeline import Assistant
from rag.retrieve import capitalise_names
from rag.question import (a_figure_of_the_year, analyse, days_in, either_sides, gives_a_name_for, has_money, has_quantity,
                          has_time,
                          holds_answer_type, holds_the_role, interval_sides, is_of_the_past, part_terms, side_questions,
                          states_a_length_asked, thing_named_asked, with_capitals_named, with_short_forms_written_out,
                          without_figures_of, what_is_set_aside, without_the_questions_figures, without_what_is_set_aside)
from rag.types import REFUSAL_PREFIX, FinalEvent, SourcesEvent, TextEvent


@pytest.fixture(scope="module")
def assistant(corpus_index, embedder):
    return Assistant(corpus_index, embedder=embedder)


def check_citations_point_at_the_documents(answer, settings):
    for citation in answer.citations:
        text = (settings.corpus_dir / citation.doc_id).read_text(encoding="utf-8")
        assert text[citation.start:citation.end] == citation.quote
        assert citation.quote in citation.passage


def test_optics_valley_answer_cites_the_passage(assistant, corpus_index):
    answer = assistant.answer("How long did Wuhan's Optics Valley stick to optical fiber communication?",
                              mode="extractive")
    assert not answer.refused
    assert "twenty years" in answer.text and "[1]" in answer.text
    assert "optical fiber communication for twenty years" in answer.citations[0].quote
    assert all(s.verified for s in answer.sentences)
    check_citations_point_at_the_documents(answer, corpus_index)


def test_json_shape_is_exact(assistant):
    data = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    assert list(data) == ["question", "answer", "refused", "mode", "kind", "lead", "language", "citations",
                          "sentences", "timings_ms", "notices"]
    assert set(data["timings_ms"]) == {"retrieve", "generate", "verify", "total"}
    assert data["citations"] and set(data["citations"][0]) == {"n", "doc_id", "title", "section", "source",
                                                               "chunk_id", "start", "end", "quote"}
    assert set(data["sentences"][0]) == {"text", "citations", "verified"}
    json.dumps(data)
    assert "Hefei" in data["answer"]


@pytest.mark.parametrize("question", ["What is the population of Nanjing?", "Who is the mayor of Hangzhou?",
                                      "Who is the mayor of Nanjing?",  # Chinese passages name 南京, not a mayor
                                      "What is the boiling point of mercury?"])
def test_unanswerable_questions_are_refused_with_closest_passages(assistant, question):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused and answer.text.startswith(REFUSAL_PREFIX)
    assert not answer.citations and not answer.sentences


def test_a_plan_does_not_answer_a_question_about_the_present(assistant):
    # The corpus gives only a 2035 target for Macao residents working in Hengqin.
    now = assistant.answer("How many Macao residents currently work in Hengqin?", mode="extractive")
    assert now.refused, now.text
    planned = assistant.answer("How many Macao residents are expected to work in Hengqin by 2035?", mode="extractive")
    assert not planned.refused and "80,000" in planned.text


def test_a_chinese_passage_must_hold_the_names_chinese_writes_as_they_are(assistant):
    # The only 2023 sum in yuan is Hefei's, in a Chinese passage that names neither G60 nor
    # the nine cities; "G60" is written the same in Chinese, so that passage does not answer.
    answer = assistant.answer("What was the total GDP of the G60 cities in 2023, in yuan?", mode="extractive")
    assert answer.refused, answer.text


def test_an_english_question_is_answered_by_a_chinese_passage_naming_the_place_in_chinese(assistant):
    # Hefei's 2024 GDP is given only in Chinese, as 合肥 (the name bridge's form of Hefei).
    answer = assistant.answer("What was Hefei's GDP in 2024?", mode="extractive")
    assert not answer.refused and "13507.7" in answer.text, answer.text


def test_a_number_with_a_leading_zero_is_part_of_a_name_not_a_figure():
    from rag.question import has_quantity

    assert not has_quantity("香港01的评论注意到")  # the Hong Kong outlet HK01
    assert has_quantity("合肥GDP达13507.7亿元") and has_quantity("0.5 percent")


def test_a_numbered_name_is_no_figure(assistant):
    """The "No. 1 Project" of a 2023 report gives no figure for 2023."""
    assert not has_quantity('Hangzhou Daily described the digital economy as a "No. 1 Project"')
    assert not has_quantity("Shanghai released Version 8.0 of its plan") and has_quantity("Version 8.0 had 58 measures")
    answer = assistant.answer("How much did Hangzhou's core digital-economy industries add to its output in 2023?",
                              mode="extractive")
    assert answer.refused, answer.text


def test_a_question_about_a_year_the_documents_do_not_cover_is_refused(assistant):
    # The corpus gives Hefei's rank in 2000 and 2020 only.
    assert assistant.answer("Where did Hefei rank among Chinese cities by GDP in 2010?", mode="extractive").refused
    answered = assistant.answer("Where did Hefei rank among Chinese cities by GDP in 2020?", mode="extractive")
    assert not answered.refused and "20th" in answered.text


def test_a_who_question_needs_a_name_the_question_does_not_give(assistant):
    # The corpus says Hefei invested in BOE in 2008 but names no party secretary of that year.
    refused = assistant.answer("Who was Hefei's party secretary in 2008, when the city invested in BOE?",
                               mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("Who founded Unitree Robotics?", mode="extractive")
    assert not answered.refused and "Wang Xingxing" in answered.text


@pytest.mark.parametrize("text, holds", [
    ("Unitree Robotics was founded in Hangzhou in 2016 by Wang Xingxing.", True),
    # a party secretary is a person: a body's name is not one (a body may answer "Who built ...?")
    ("The brain facility was proposed by the Shenzhen Institutes of Advanced Technology.", False),
    ("Bloomberg reported that Hefei put billions of yuan into BOE.", False),
    ("On September 30, 2013 Hefei invested in BOE.", False),
    ("Hefei lies between Nanjing and Wuhan.", False),
    # capitals cannot tell a Chinese name: not judged for a Chinese question, not accepted for an English one
    ("合肥市政府投资了京东方。", False),
    ("It benchmarks itself against national laboratories such as Oak Ridge and Argonne.", False),  # a place
])
def test_names_someone_new(text, holds):
    from rag.question import names_someone_new

    question = analyse("Who was Hefei's party secretary when Hefei invested in BOE?")
    assert question.wants == "person"
    assert names_someone_new(question, text) is holds
    if "京东方" in text:
        assert names_someone_new(analyse("合肥投资京东方时的市委书记是谁？"), text)


def test_a_chinese_questions_own_name_in_english_is_no_one_new(assistant):
    # "Liang Wenfeng studied at Zhejiang University ..." names 梁文锋 himself, not his supervisor
    assert_refused(assistant, "梁文锋在浙大读书时的老师是谁？")
    assert_answered(assistant, "宇树科技的创始人是谁？", "Wang Xingxing")
    # "哪位局长" asks for a person: a bureau's name is none
    assert_refused(assistant, "香港和网信办签数据跨境流动备忘录，是哪位局长代表香港签的？")
    assert_answered(assistant, "松山湖材料实验室的理事长是哪位？", "Wang Enge")

@pytest.mark.parametrize("question", ["Which of the Six Little Dragons of Hangzhou runs Kujiale?",
                                      "What is Kujiale, and which of Hangzhou's Six Little Dragons is behind it?"])
def test_a_rare_name_the_embedder_cannot_see_still_reaches_the_answer(assistant, question):
    # "Kujiale" has no useful MiniLM vector: sentences about the Six Little Dragons outscore the
    # one naming it. Keyword search finds its passage, which is kept, and the answer names it.
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused
    assert "Kujiale" in answer.text and "Manycore" in answer.text, answer.text


@pytest.mark.parametrize("question, wants", [
    ("What is the concentration of LiPF6 in the electrolyte?", "quantity"),
    ("What editing efficiency does NHEJ reach?", "quantity"),
    ("What was the growth rate of Hangzhou in 2022?", "quantity"),
    ("What is the energy policy of Zhejiang?", ""),  # "energy" names a kind of policy here
    ("What does energy policy mean for Hangzhou?", ""),
    ("What did it cost to train DeepSeek-V2?", "money"),
    ("How much does Unitree's H1 humanoid cost?", "money"),
    ("What did Hefei give up to pay for its BOE investment?", ""),  # a thing given up, not a sum
    ("How small was Suzhou Industrial Park at the start?", "quantity"),  # a size, asked from below
])
def test_a_question_about_a_measured_quantity_wants_a_figure(question, wants):
    assert analyse(question).wants == wants


def test_a_reader_asking_for_any_figure_wants_a_figure(assistant):
    # "any figure?", "got a number?": the GDP sentence on another city or year is no answer
    assert analyse("jinan's 2024 gdp, any figure?").wants == "quantity"
    assert analyse("shandong's 2025 growth goal - is there a number for it anywhere?").wants == "quantity"
    assert assistant.answer("jinan's 2024 gdp, any figure?", mode="extractive").refused
    answered = assistant.answer("nanjing's 2024 gdp, any figure?", mode="extractive")
    assert not answered.refused and "1.85 trillion" in answered.text, answered.text


def test_a_chat_short_form_for_people_is_read_as_the_word():
    from rag.question import with_short_forms_written_out

    assert with_short_forms_written_out("how many ppl work at SLAB?") == "how many people work at SLAB?"


@pytest.mark.parametrize("text, written", [("合肥24年GDP多少？", "合肥2024年GDP多少？"),
                                           ("中关村09年刚拿到牌子", "中关村2009年刚拿到牌子"),
                                           ("安徽省政府52年在合肥成立", "安徽省政府1952年在合肥成立"),
                                           # a number of years stays one
                                           ("光谷坚守了50年", "光谷坚守了50年"), ("近30年来", "近30年来"),
                                           ("这20年间", "这20年间")])
def test_a_chinese_year_in_two_digits_is_read_as_the_year(text, written):
    assert with_short_forms_written_out(text) == written


def test_a_chinese_year_in_two_digits_is_asked_about(assistant):
    answered = assistant.answer("合肥24年经济总量到底是多少？", mode="extractive")
    assert not answered.refused and "13507.7" in answered.sentences[0].text, answered.text
    # the 20,000 enterprises are a 2013 figure, not one for 2009
    assert assistant.answer("中关村09年刚拿到国家自主创新示范区牌子那会儿，区里有多少家高新技术企业？",
                            mode="extractive").refused


def test_several_years_asked_may_each_have_a_sentence_of_their_own(assistant):
    # 27.1 percent is said for 2022 in one sentence, 28.8% for 2024 in another
    answered = assistant.answer("数字经济在杭州经济里分量多重？22年和24年核心产业分别占了GDP的百分之几", mode="extractive")
    assert not answered.refused and "27.1" in answered.text and "28.8" in answered.text, answered.text
    answered = assistant.answer("What did Zhejiang's first meeting of the new year push in 2023, and what did it push "
                                "in 2025?", mode="extractive")
    assert not answered.refused and "2023" in answered.text and "2025" in answered.text, answered.text
    # a year named only in a follow-up's bracket is the last question's, not one asked
    assert assistant.answer("那2025年的阶段性目标是多少？（它给2027年定了什么目标？）", mode="extractive").refused


@pytest.mark.parametrize("text, holds", [("It orbits its star every 4.2 days.", True),
                                         ("It was announced in 1995.", False),
                                         ("光谷坚守光纤通信二十年。", True),
                                         ("1995年宣布。", False)])
def test_how_long_did_it_take_wants_a_length_of_time(text, holds):
    assert holds_answer_type(analyse("How long does the planet take to complete one orbit?"), text) is holds
    assert holds_answer_type(analyse("How long is the river?"), "It is about 2,000 kilometres long.")


@pytest.mark.parametrize("text, holds", [
    ("被誉为“中国光纤之父”的赵梓森1932年出生于上海。", True),  # a personal name, and the names asked for
    ("中国光纤通信的故事是从武汉开始的。", False),  # the names, and nobody
    ("南京市委书记周红波表示，杭州的营商环境是重要原因。", False),  # somebody, not on Chinese optical fibre
    ("2015年，东湖高新区提出了中国光纤的目标。", False)])  # a district is no person
def test_an_english_who_question_is_answered_by_a_chinese_sentence_naming_a_person(text, holds):
    question = replace(analyse("Who is known as the father of China's optical fibre?"), other_terms=("中国", "光纤"))
    assert holds_answer_type(question, text) is holds
    assert not holds_answer_type(analyse("Who won the 2024 Nobel Prize in Physics?"), text)  # nothing bridged


@pytest.mark.parametrize("text, holds", [("It is about 2,000 kilometres long.", True),
                                         ("The ride takes about 25 minutes.", True),
                                         ("The guide segment is 20 nucleotides.", True),
                                         ("The expressway links nine cities.", False),
                                         ("这条路全长约2000公里。", True)])
def test_how_long_is_it_wants_a_length_or_a_length_of_time(text, holds):
    # "How long is the G60 expressway?" is not answered by "The G60 corridor covers nine cities".
    assert holds_answer_type(analyse("How long is the expressway?"), text) is holds


@pytest.mark.parametrize("question", ["What rank did the city hold in 2023?", "Where did the city rank in 2023?",
                                      "2023年该市在全国排第几？", "the city's gdp ranking in 2023 - where was it?",
                                      "the city's gdp ranking for 2023?"])
@pytest.mark.parametrize("text, holds", [("It ranked tenth among Chinese cities.", True),
                                         ("It was the 20th largest city.", True),
                                         ("该市居全国城市第10位。", True),
                                         ("The nine cities hold one-eighth of the country's firms, or 44,200.", False),
                                         ("该市GDP为1.85万亿元。", False)])
def test_a_rank_question_wants_a_place_in_a_ranking(question, text, holds):
    # "What rank did Nanjing's GDP hold in 2023?" is not answered by a sentence with any figure.
    assert holds_answer_type(analyse(question), text) is holds


def test_a_rank_the_documents_give_only_for_another_year_is_refused(assistant):
    # The corpus ranks Nanjing for 2024 and Hefei for 2023, not Nanjing for 2023.
    for question in ("What rank did Nanjing's GDP hold among Chinese cities in 2023?", "2023年南京GDP在全国城市里排第几？"):
        answer = assistant.answer(question, mode="extractive")
        assert answer.refused, answer.text
    assert "tenth" in assistant.answer("Where did Nanjing rank among Chinese cities by GDP in 2024?", mode="extractive").text
    # ... also when a reader names the ranking and asks where it stood
    assert assistant.answer("hefei's gdp ranking in 2021 - where was it?", mode="extractive").refused
    assert "20th" in assistant.answer("hefei's gdp ranking in 2020 - where was it?", mode="extractive").text


def test_a_growth_rate_question_wants_a_rate(assistant):
    # A GDP's or an added value's growth rate is a percentage, not a sum ("added 3.57 trillion yuan")
    # nor any figure ("光谷GDP创下近五年最快增速" names five years, not the growth).
    assert analyse("What was Nanjing's GDP growth rate in 2024?").wants == "quantity"
    answered = assistant.answer("What was the growth rate of the value added of Hangzhou's core digital-economy "
                                "industries in January-November 2022?", mode="extractive")
    assert not answered.refused and "3.5 percent" in answered.text.split("[1]")[0], answered.text
    refused = assistant.answer("2026年第一季度光谷的GDP同比增长了多少？", mode="extractive")
    assert refused.refused, refused.text


@pytest.mark.parametrize("question, wants, present", [
    ("In which month of 2009 was the zone approved?", "time", False),
    ("What valuation was Manycore seeking in its Hong Kong listing?", "money", False),
    ("What was the film's box office take?", "money", False),
    ("How many residents lived there as of 2023?", "quantity", True),
])
def test_question_words_that_name_their_answers_kind(question, wants, present):
    analysed = analyse(question)
    assert (analysed.wants, analysed.present) == (wants, present)


def test_a_month_a_sum_or_a_state_of_affairs_the_documents_do_not_give_is_refused(assistant):
    # "In 2009 the State Council approved ..." gives the year, not the month; a filing's date is no
    # valuation; a plan for 2035 does not say how many lived there as of 2023.
    for question in ("In which month of 2009 was the Wuhan East Lake zone approved as a National Independent "
                     "Innovation Demonstration Zone?",
                     "What valuation was Manycore seeking in its Hong Kong listing application?",
                     "How many Macao residents lived in Hengqin as of 2023?"):
        answer = assistant.answer(question, mode="extractive")
        assert answer.refused, (question, answer.text)
    answered = assistant.answer("In which month of 1994 was Suzhou Industrial Park established?", mode="extractive")
    assert not answered.refused and "February 1994" in answered.text, answered.text


def test_how_long_is_a_road_the_documents_do_not_measure_is_refused(assistant):
    answer = assistant.answer("How long is the G60 expressway from Shanghai to Kunming?", mode="extractive")
    assert answer.refused, answer.text


def test_a_question_in_a_readers_own_words_is_answered(assistant):
    # "years in a row" and "post-holiday" are nowhere in the corpus, but the sentence giving
    # "four consecutive years" of the "first meeting of the new year" is very close to the question.
    answer = assistant.answer("How many years in a row has Anhui given its first post-holiday meeting over to innovation?",
                              mode="extractive")
    assert not answer.refused and "four" in answer.text, answer.text
    # a close sentence does not answer what it does not hold
    assert assistant.answer("How much revenue did DeepSeek make in 2024?", mode="extractive").refused


def test_which_university_needs_a_sentence_naming_a_university(assistant):
    # The corpus names Liang Wenfeng's university, not Wang Xingxing's.
    answered = assistant.answer("Which university did Liang Wenfeng study at?", mode="extractive")
    assert not answered.refused and "Zhejiang University" in answered.text
    refused = assistant.answer("At which university did Wang Xingxing study?", mode="extractive")
    assert refused.refused, refused.text
    assert analyse("Which lab did they join?").wants == "institution"
    assert holds_answer_type(analyse("Which lab did they join?"), "They joined Zhejiang Lab in 2017.")
    assert not holds_answer_type(analyse("Which lab did they join?"), "They joined a team in 2017.")


@pytest.mark.parametrize("question, text, holds", [
    ("Who is the director of the lab?", "The lab was built by the Institute of Physics and the Chinese Academy of "
                                        "Sciences near Hefei High-tech Zone.", False),
    ("Who is the director of the lab?", "The lab's director is Wang Enge, a physicist.", True),
    ("Who co-founded the firm with Guo Guangcan?", "Guo Guangcan and Guo Guoping co-founded it.", True),
    ("Who co-founded the firm with Guo Guangcan?", "Guo Guangcan set it up on Yunfei Road.", False),
    ("Who built the lab?", "It was built by the Institute of Physics.", True),  # a body may build a lab
])
def test_a_role_only_a_person_holds_is_answered_by_a_persons_name(question, text, holds):
    assert holds_answer_type(analyse(question), text) is holds


def test_a_sum_given_after_the_sentence_naming_its_subject_is_found(assistant):
    # "Sources differ on the size of its budget. The Institute of Physics ... put the total budget
    # at about 12 billion yuan": the sum's sentence does not name the lab, so it ranks twelfth.
    answered = assistant.answer("How much money does the Songshan Lake Materials Laboratory have to spend?",
                                mode="extractive")
    assert not answered.refused and "billion yuan" in answered.text, answered.text  # sources differ: 12 or 5
    assert "billion yuan" in answered.text.split("[1]")[0], answered.text  # the answering sentence leads


def test_a_persons_role_is_said_of_what_the_question_names(assistant):
    # DEEP Robotics' documents name its CTO and mention Unitree; they do not name Unitree's CTO.
    refused = assistant.answer("Who is Unitree's chief technology officer?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("Who is the CTO of DEEP Robotics?", mode="extractive")
    assert not answered.refused and "Li Chao" in answered.text, answered.text
    # The sentence closest to the question names only the co-founder the question gives: being
    # close in meaning is no name.
    alone = assistant.answer("Who co-founded Origin Quantum with Guo Guangcan?", mode="extractive")
    assert alone.refused, alone.text


def test_asking_which_articles_gets_their_titles(assistant):
    assert analyse("Which two books did she write?").wants == "quote"
    answered = assistant.answer("What three articles did the Jiaohuidian app publish in two days?", mode="extractive")
    assert "Why Did DeepSeek Appear in Hangzhou?" in answered.text, answered.text  # not only that it published


@pytest.mark.parametrize("question, text, holds", [
    ("Who is the director of the lab?", "The lab's executive deputy director Chen Dongmin spoke.", False),
    ("Who is the president of USTC?", "Its vice-president Li spoke.", False),
    ("Who is the president of USTC?", "Its vice president Li and its president Bao spoke.", True),
    ("Who is the director of the lab?", "Chen Dongmin leads the lab.", True),  # said in other words
    # a title is named where its holder is given: Xinhua Daily's app is no mayor of Nanjing
    ("Who was Nanjing's mayor when the articles came out?", "Its news app Jiaohuidian published them.", False),
    ("Who is Manycore's CEO?", "Chen Hang has served as chief executive.", True),
])
def test_a_deputys_role_is_not_the_role(question, text, holds):
    assert holds_the_role(analyse(question), text) is holds


def test_a_deputy_does_not_answer_who_the_director_is(assistant):
    refused = assistant.answer("Who is the director of Dongguan's Songshan Lake Materials Laboratory?",
                               mode="extractive")
    assert refused.refused, refused.text  # the documents name its executive deputy director only


@pytest.mark.parametrize("text, named", [
    ("The academician Wang Enge chairs the laboratory's board.", True),  # "the laboratory" refers back
    ("The academician Wang Enge chairs the board.", False),
    ("Wang Enge chairs the Dongguan laboratory board.", False),  # no "the laboratory": a laboratory
    ("Wang Enge chairs the board of Dongguan's Songshan Lake Materials Laboratory.", True),
])
def test_a_role_may_be_said_of_a_body_named_by_its_last_word(text, named):
    question = analyse("Who heads the board of Dongguan's Songshan Lake Materials Laboratory?")
    assert names_or_refers_to(question, set(question.names), text) is named


@pytest.mark.parametrize("question, text, holds", [
    ("屈原投汨罗江时多少岁？", "于公元前278年农历五月初五投汨罗江。", False),  # a date is not an age
    ("屈原投汨罗江时多少岁？", "他62岁时投江。", True),
    ("How old was Wang Xingxing when he founded Unitree?", "Wang Xingxing, who was 26 years old at the time", True),
    ("How old was Wang Xingxing when he founded Unitree?", "He managed 5 firms in 2016.", False),
    ("端午节放假几天？", "自2008年起，端午节成为国家法定节假日。", False),  # a year is not a number of days
    ("端午节放假几天？", "端午节放假三天。", True),
    ("How many days did the festival last?", "It lasted 3 days.", True),
])
def test_an_age_or_a_count_of_days_needs_one(question, text, holds):
    assert holds_answer_type(analyse(question), text) is holds


def test_a_lead_in_before_the_question_does_not_hide_the_answer(assistant):
    answer = assistant.answer("The article says Zhongguancun took thirty years to turn from an electronics market "
                              "into a hard-tech powerhouse. On what date was it approved as China's first national "
                              "high-tech zone?", mode="extractive")
    assert not answer.refused, answer.text
    assert "May 10, 1988" in answer.text


def test_a_figure_only_a_chinese_document_gives_answers_an_english_question(assistant):
    answer = assistant.answer("What was the first-phase investment in the 524-mu optical fibre and cable industrial "
                              "park that YOFC announced in Optics Valley in 2014?", mode="extractive")
    assert not answer.refused, answer.text
    assert "4.3亿" in answer.text


def test_every_part_of_a_multi_part_question_gets_its_sentence(assistant):
    answer = assistant.answer("Which three major facilities were put into use at Guangming Science City on April 27, "
                              "2023, and which institute proposed and led the brain facility?", mode="extractive")
    assert "materials genome" in answer.text and "Shenzhen Institutes of Advanced Technology" in answer.text
    assert all(s.verified for s in answer.sentences)


def test_a_figure_answering_one_part_is_no_count_for_another(assistant):
    # "25 minutes" answers how long the ride is; the count of residents is in another sentence
    answer = assistant.answer("How long does the high-speed train from Shanghai to Suzhou take, and how many "
                              "residents does the industrial park have?", mode="extractive")
    assert "25 minutes" in answer.text and "1.13 million" in answer.text, answer.text
    assert not has_quantity(without_figures_of({"duration"}, "about 25 minutes by high-speed train"))
    assert has_quantity(without_figures_of({"money"}, "4.3亿元 for a park of 524 mu"))


def test_who_is_a_named_person_asks_what_the_documents_say_of_them(assistant):
    # "Who was Chen Chunxian?" asks who he is (a physicist who set up a firm), not for a name
    answer = assistant.answer("Who was Chen Chunxian?", mode="extractive")
    assert not answer.refused and "physicist" in answer.text, answer.text
    assert analyse("Who's Wang Hao?").wants == ""
    assert analyse("Who is the chairman of BOE?").wants == "person"
    assert assistant.answer("Who is the chairman of BOE?", mode="extractive").refused


def test_a_chinese_age_question_asked_with_duoda(assistant):
    # "……的时候多大？" asks an age, which a year of birth and the event's year tell
    answer = assistant.answer("梁文锋创办DeepSeek那年多大？", mode="extractive")
    assert not answer.refused and "1985" in answer.text, answer.text
    assert analyse("光谷的规划面积有多大？").wants == "quantity"


@pytest.mark.parametrize("question, sides", [
    ("How many days after DeepSeek-V3 came out did the R1 reasoning model follow?",
     ("DeepSeek-V3 came out", "the R1 reasoning model follow")),
    ("How many years after DeepSeek was founded did Liang Wenfeng step down?", ("DeepSeek was founded", "Liang Wenfeng step down")),
    ("How many years passed between the first fibre and the State Council approval?",
     ("the first fibre", "the State Council approval")),
    ("东湖开发区从成立到获批国家光电子产业基地，用了几年？", ("成立", "获批国家光电子产业基地")),
    ("中国科大搬到合肥以后，又过了多少年合肥才拿到批复？", ("中国科大搬到合肥", "合肥才拿到批复")),
    ("中国科大搬到合肥以后，又等了多少年合肥才拿到批复？", ("中国科大搬到合肥", "合肥才拿到批复")),
    # the same event of two things: "A比B早成立几年？"
    ("长飞比光谷早成立几年？", ("长飞成立", "光谷成立")),
    ("合肥的GDP从2012年到2024年涨了几倍？", ()),  # a ratio, not a time apart
    ("How long did Optics Valley stick to fibre?", ()),
    # what separated two things' same event, and how long after one thing another came
    ("How many months seperated the release of DeepSeek-V2 from DeepSeek-V3?",
     ("the release of DeepSeek-V2", "the release of DeepSeek-V3")),
    ("Once Hefei won its science centre, how long was it before NIO moved there?",
     ("Hefei won its science centre", "NIO moved there")),
    # how long it took a thing to go from one state to another; how far apart two events were
    ("how many years did it take QuantumCTek to go from being founded to being listed?", ("being founded", "being listed")),
    ("How many years apart were the first fibre and the Optics Valley name?", ("the first fibre", "the Optics Valley name")),
    ("How long did it take from the Torch Program's approval to the zone's listing as a demonstration zone?",
     ("the Torch Program's approval", "the zone's listing as a demonstration zone")),
    # Chinese without 从, said in so many words ("苏州到上海坐高铁要多久？" asks a ride's length)
    ("deepseek的V3发布到R1发布，中间隔了几个礼拜？", ("deepseek的V3发布", "R1发布")),
    ("杭州搞雏鹰计划，到把信息经济定成“一号工程”，中间隔了几年？", ("杭州搞雏鹰计划", "把信息经济定成“一号工程”")),
    ("苏州到上海坐高铁要多久？", ()),
    # how long one thing had been when another happened
    ("长飞宣布在光谷建新产业园那会儿，离中国第一根光纤诞生过去多少年了？", ("长飞宣布在光谷建新产业园", "中国第一根光纤诞生")),
    ("胡立山喊出“中国有光谷，美国有硅谷”的时候，东湖当国家级高新区已经多少年了？",
     ("东湖当国家级高新区", "胡立山喊出“中国有光谷，美国有硅谷”")),
    # ... since it was founded, as written
    ("宇树上春晚那会儿，云深处成立多少年了？", ("云深处成立", "宇树上春晚")),
    ("长飞建新园那年，东湖开发区已经办了几年？", ("东湖开发区已经办", "长飞建新园")),
])
def test_the_two_events_of_a_question_asking_the_time_between_them(question, sides):
    assert interval_sides(question) == sides


def test_a_question_asking_the_time_between_two_events_gets_both_dates(assistant):
    answer = assistant.answer("How many days passed between the release of DeepSeek-V3 and the release of "
                              "DeepSeek-R1?", mode="extractive")
    assert "December 26, 2024" in answer.text and "January 20, 2025" in answer.text, answer.text
    answer = assistant.answer("光谷从诞生第一根光纤到获批国家自主创新示范区，用了多少年？", mode="extractive")
    assert "1976" in answer.text and "2009" in answer.text, answer.text
    assert side_questions(analyse("东湖开发区从成立到获批国家光电子产业基地，用了几年？"))[0] == "东湖开发区成立是哪一年？"
    answer = assistant.answer("游戏科学比宇树早成立几年？", mode="extractive")
    assert "2014" in answer.text and "2016" in answer.text, answer.text
    # the time between them is worked out from the two dates quoted, and said above them
    answer = assistant.answer("How many days passed between the release of DeepSeek-V3 and the release of "
                              "DeepSeek-R1?", mode="extractive")
    assert answer.lead == "By the dates quoted: December 26, 2024 to January 20, 2025, 25 days.", answer.text
    assert answer.text.startswith(answer.lead)
    answer = assistant.answer("中国第一根光纤做出来以后，又等了多少年东湖开发区才成立？", mode="extractive")
    assert answer.lead == "按引文中的日期推算：1976年到1988年，相隔12年。", answer.text
    answer = assistant.answer("习近平考察光谷和湖北印发“世界光谷”行动计划，这两件事前后隔了多长时间？", mode="extractive")
    assert "相隔450天" in answer.lead, answer.text  # "how long": the finest unit both dates give
    # the unit is the one asked in (多少年), not a word naming another (那天)
    answer = assistant.answer("中国第一根光纤做出来那天以后，又等了多少年东湖开发区才成立？", mode="extractive")
    assert answer.lead == "按引文中的日期推算：1976年到1988年，相隔12年。", answer.text
    # one sentence dating both events: each event's date is the one of its own clause
    answer = assistant.answer("《黑神话：悟空》火起来那会儿，游戏科学成立多少年了？", mode="extractive")
    assert answer.lead == "按引文中的日期推算：2014年到2024年，相隔10年。", answer.text
    # a Chinese side keeps its own Latin names (XDog is not in the sentence on Game Science)
    answer = assistant.answer("王兴兴带XDog去乌镇出糗的那年，游戏科学已经办了几年？", mode="extractive")
    assert answer.lead == "按引文中的日期推算：2014年到2017年，相隔3年。", answer.text
    # no sentence gives the years between them as a figure: the two dates are the answer
    answer = assistant.answer("How long after Black Myth: Wukong came out did DeepSeek release R1?", mode="extractive")
    assert not answer.refused and "August 20, 2024" in answer.text and "January 20, 2025" in answer.text, answer.text


def test_each_event_of_a_time_between_keeps_its_own_passage(assistant):
    # the passage dating People's Daily's report is found by the search for that event alone, and kept
    # beyond the five passages a factoid keeps
    answer = assistant.answer("How many years after China's first optical fibre did People's Daily announce the "
                              "Optics Valley plan?", mode="extractive")
    assert answer.lead == "By the dates quoted: 1976 to 2000, 24 years.", answer.text


def test_an_event_is_dated_by_a_sentence_naming_it(assistant):
    # "Manycore apply to list in Hong Kong" is dated by the sentence on Manycore's listing application,
    # not by one on Hong Kong's data rules (June 29, 2023) that says "Hong Kong" and "list" too
    answer = assistant.answer("How many days after DeepSeek put out R1 did Manycore apply to list in Hong Kong?",
                              mode="extractive")
    assert answer.lead == "By the dates quoted: January 20, 2025 to February 14, 2025, 25 days.", answer.text


def test_a_time_between_two_events_not_both_dated(assistant):
    # a length the documents give as it is answers, when an event has no date of its own
    answer = assistant.answer("how long did it take Zhongguancun to go from an electronics market to a hard-tech "
                              "powerhouse?", mode="extractive")
    assert "thirty years" in answer.text and not answer.lead, answer.text
    # else each event's date is quoted, without reckoning the time between dates the check did not confirm
    answer = assistant.answer("how many years did it take QuantumCTek to go from being founded to being listed?",
                              mode="extractive")
    assert "2009" in answer.text and "2020" in answer.text and not answer.lead, answer.text
    # one sentence found to date both events (the East Lake zone's founding is told only in Chinese) is
    # quoted once
    answer = assistant.answer("How many years passed between China's first optical fibre and the founding of the "
                              "East Lake zone?", mode="extractive")
    quotes = [q.strip(" .。") for q in re.findall(r"([^\[\]]+?)\s*\[\d+\]", answer.text)]
    assert "1976" in answer.text and len(quotes) == len(set(quotes)), answer.text


@pytest.mark.parametrize("question, text, states", [
    ("How many years did it take X to go from A to B?", "it took thirty years", True),
    ("How many years did it take X to go from A to B?", "three articles in two days", False),
    ("How long did it take X to go from A to B?", "three articles in two days", True),  # any unit
    # a year written in the question is no unit asked: 几个月 is
    ("2025年2月的三问到11月同台，中间隔了几个月？", "three articles in two days", False),
    ("2025年2月的三问到11月同台，中间隔了几个月？", "nine months later", True),
])
def test_a_length_of_time_in_the_unit_asked(question, text, states):
    assert states_a_length_asked(question, text) is states


def test_an_event_is_dated_by_the_sentence_saying_its_words_together(assistant):
    # "China Daily summarised the series on February 12", not "... written into China's 14th Five-Year Plan"
    answer = assistant.answer("how many days after jiaohuidian's nanjing pieces came out did china daily run its "
                              "write-up of them?", mode="extractive")
    assert "February 12" in answer.text, answer.text


@pytest.mark.parametrize("question, sides", [
    ("Which came first: China's first optical fibre or China's first private high-tech company?",
     (("China's first optical fibre", "China's first private high-tech company"), "order")),
    ("Which covers more ground, the Hengqin zone or the Qianhai zone?", (("the Hengqin zone", "the Qianhai zone"),
                                                                          "quantity")),
    ("Bigger on paper: the Songshan Lake lab site, or the Yuhang AI park?",
     (("the Songshan Lake lab site", "the Yuhang AI park"), "quantity")),
    ("Which city, Hangzhou or Nanjing, has more universities?", ((), "")),  # one city asked for, by a count
    ("Which company did Hefei back, NIO or BOE?", ((), "")),
    # in Chinese: the two things, then who or which came first; how much earlier asks the time between
    ("宇树跟强脑，哪家成立得更早？", (("宇树", "强脑"), "order")),
    ("中国科大参与的墨子号和九章，哪个先亮相？", (("中国科大参与的墨子号", "九章"), "order")),
    ("东湖开发区和光明区谁先成立？早了几年？", (("东湖开发区", "光明区"), "time")),
    ("杭州和南京哪个城市的民企更多？", ((), "")),  # one city asked for, by a count
    # in English, two events set in order and asked as yes or no
    ("Was Game Science set up before or after BrainCo?", (("Game Science set up", "BrainCo"), "order")),
    ("Was that before or after Micius went up?", ((), "")),  # what "that" is, the history says
    ("Did Hangzhou invest before 2018?", ((), "")),  # a date, not a second thing
])
def test_the_two_things_an_either_or_question_sets_side_by_side(question, sides):
    assert either_sides(question) == sides


def test_an_either_or_question_gets_a_sentence_for_each_side(assistant):
    # the first private high-tech enterprise is in a passage on Zhongguancun, below five on optical fibre
    assert_answered(assistant, "Which is older: China's first optical fibre or Zhongguancun's first private "
                    "high-tech enterprise?", "1976", "1980")
    # by size: a figure for each, not a sentence on the Hetao zone's policies
    answer = assert_answered(assistant, "Which is larger: the Hetao zone or the start-up area of Suzhou Industrial "
                             "Park?", "3.89 square kilometres", "8 square kilometres")
    assert not answer.lead  # no time between them is asked
    assert_refused(assistant, "Which is bigger: the Hetao zone or Lujiazui?")


def test_an_explanation_naming_two_things_gets_a_point_on_each(assistant):
    # the best points are all on Guangming Science City; the last gives way to one on Songshan Lake
    answer = assistant.answer("松山湖和光明科学城都想靠大科研平台带出产业，两边思路有什么不同？", mode="extractive")
    assert not answer.refused and "Songshan Lake" in answer.text and "Guangming" in answer.text, answer.text
    # a passage on Optics Valley saying it came "after Zhongguancun" (继中关村之后) is not on Zhongguancun:
    # the evidence keeps one that is
    kept = assistant.select("中关村跟光谷各自是怎么发展起来的？两边有什么不同？").passages
    assert any(p.metadata["doc_id"] == "briefs/beijing-zhongguancun.md" for p in kept), [p.metadata for p in kept]


def test_a_name_opening_the_question_is_a_name():
    # the first word of an English question is no name by its capital alone ("What", "Did")
    assert analyse("Guangdong and Anhui both held meetings. How did they differ?", {"guangdong"}).names == \
        ("guangdong", "anhui")
    assert analyse("Guangdong and Anhui both held meetings. How did they differ?").names == ("anhui",)
    assert analyse("DeepSeek's rise: why Hangzhou?").names == ("deepseek", "hangzhou")
    assert analyse("Did Hefei's bets pay off? Were they risky?", {"hefei"}).names == ("hefei",)


def test_an_explanation_opening_with_a_name_gets_a_point_on_it(assistant):
    # "guangdong" opens the question: it was no name, and all the points were on Anhui
    answer = assistant.answer("guangdong and anhui both opened 2025 with a meeting on innovation. how did what "
                              "they stressed differ?", mode="extractive")
    assert not answer.refused and "Guangdong" in answer.text and "Anhui" in answer.text, answer.text


def test_a_chinese_either_or_question_gets_when_each_began(assistant):
    # each side is dated by the English sentence saying it was founded, which ranks low against the
    # Chinese question as a whole (not by a sentence on Unitree at the Spring Festival Gala)
    answer = assert_answered(assistant, "宇树跟强脑，哪家成立得更早？", "2016", "BrainCo was founded in 2015")
    assert "春晚" not in answer.text
    # how much earlier is reckoned from the two dates
    answer = assert_answered(assistant, "武汉东湖开发区和深圳光明区，谁成立得早？早了几年？", "1988")
    assert answer.lead.startswith("按引文中的日期推算"), answer.lead


def test_each_side_of_a_comparison_gets_the_figure_that_is_compared(assistant):
    # which is older: when each began, not a 2021 profile of the park's area
    assert_answered(assistant, "Which is older: Suzhou Industrial Park or the Beijing New Technology Industry "
                    "Development Experimental Zone?", "established in February 1994", "1988")
    # which covers more ground: each one's area, not the park's share of Suzhou's land
    assert_answered(assistant, "Which covers more ground, the Hengqin cooperation zone or Suzhou Industrial Park?",
                    "106 square kilometres", "278 square kilometres")


def test_a_contracted_question_word_asks_as_the_full_one(assistant):
    assert with_short_forms_written_out("What's the budget of Project Eagle?") == "What is the budget of Project Eagle?"
    assert with_short_forms_written_out("Who\u2019s Yu Aihua?") == "Who is Yu Aihua?"
    # a sum is asked: the year Project Eagle started is none
    assert_refused(assistant, "What's the budget of Project Eagle?")


def test_a_question_for_institutions_in_the_plural_needs_one_named(assistant):
    assert analyse("Which Hong Kong universities have set up labs in Hetao?").wants == "institution"
    assert analyse("What role have universities played in China's innovation hubs?").wants == ""
    # the Hetao passages name parks and land ports, no university
    assert_refused(assistant, "Which universities have opened labs in the Hetao zone's Hong Kong Park?")
    assert_answered(assistant, "Which universities did Liang Wenfeng study at?", "Zhejiang University")


def test_a_date_something_was_so_by_does_not_say_when_it_began(assistant):
    # "By December 2025, the completed facilities in operation also included ..." is no opening date
    assert_refused(assistant, "When was the Guangming Life Science Big Data Center put into operation?")
    # ... while for something said or done, "By 2024 ... described" is what the documents give
    assert_answered(assistant, "When did Chen Dongmin describe the Songshan Lake model?", "By 2024")


def test_a_question_asking_the_name_of_a_thing_needs_a_sentence_naming_one(assistant):
    # a sentence on Origin Quantum names no computer of it
    assert assistant.answer("What's the name of the quantum computer Origin Quantum built?", mode="extractive").refused
    answer = assistant.answer("What's the name of the studio behind Black Myth: Wukong?", mode="extractive")
    assert not answer.refused and "Game Science" in answer.text, answer.text
    assert thing_named_asked(analyse("What were the names of the five Hefei-linked companies in BOE's placement?")) \
        == "companies"
    assert gives_a_name_for("platform", "Its online news platform \u201cJiaohuidian\u201d fired the first shots")
    assert not gives_a_name_for("park", "the planning of a 1,000-mu AI industrial park in Hangzhou's Yuhang District")


def test_a_when_question_about_overtaking_needs_a_sentence_saying_so(assistant):
    # the 2024 gap between Nanjing and Hangzhou does not say when one overtook the other
    assert assistant.answer("In which year did Hangzhou overtake Nanjing economically?", mode="extractive").refused
    answer = assistant.answer("When did Hefei's GDP pass one trillion yuan?", mode="extractive")
    assert not answer.refused and "2020" in answer.text, answer.text


def test_part_terms():
    assert part_terms("How much did Hefei invest in NIO, and how big a stake did it get?")[1] == ("stake",)  # "how big" is how it asks
    assert part_terms("How much did Hefei invest in NIO?") == ()


@pytest.mark.parametrize("text, figure", [
    ("were inaugurated on September 17, 2021.", False), ("on 17 September 2021", False), ("在2月7日晚间", False),
    ("about 80,000 Macao residents", True), ("三篇专稿", True), ("in May 2020 it had 5 labs", True),
])
def test_the_day_of_a_date_is_not_a_figure(text, figure):
    assert has_quantity(text) is figure


@pytest.mark.parametrize("question, counted", [
    ("DeepSeek有多少员工？", "员工"), ("南京的人口是多少？", "人口"), ("武汉光谷坚守光纤通信多少年？", ""),
    ("How many Macao residents work in Hengqin?", "resident"),
    # the noun a verb follows ("How many people attended ...?"), but not a span of time
    ("How many people attended Guangdong's high-quality development conference?", "people"),
    ("How many Jueying X30 robot dogs are working in Singapore's power tunnels?", "dog"),
    ("How many years passed between the first fibre and the name 'Optics Valley'?", ""),
    # a part of a whole ("how many of ...") counts the whole's plural noun
    ("How many of Zhongguancun's 23 distinctive industrial parks are in Haidian?", "park"),
    ("How big was DeepSeek-V2, and how many of them are active for each token?", ""),
])
def test_what_a_how_many_question_counts(question, counted):
    assert analyse(question).counted == counted


@pytest.mark.parametrize("text, counted, found", [
    ("A People's Daily Online report gave the investment as 5 billion yuan.", "people", False),
    ("The park employs 2,000 people.", "people", True),
    ("She won two Nobel Prizes.", "prize", True),
])
def test_a_word_inside_a_name_counts_only_as_its_last_word(text, counted, found):
    from rag.gate import counted_words

    assert (counted in counted_words(text)) == found


def test_how_many_people_is_not_answered_by_a_figure_from_peoples_daily(assistant):
    answer = assistant.answer("How many people work at the Songshan Lake Materials Laboratory?", mode="extractive")
    assert answer.refused, answer.text


def test_a_when_question_is_not_answered_by_a_date_of_something_else_of_that_name(assistant):
    """The corpus dates Alibaba's "Shanghai Question" (2008), never its founding."""
    answer = assistant.answer("What year was Alibaba founded?", mode="extractive")
    assert answer.refused, answer.text
    dated = assistant.answer("When did Hangzhou launch Project Eagle?", mode="extractive")
    assert not dated.refused and "2010" in dated.text
    # the event in other words: "relocated" for "move", "established" for "set up"
    for question, year in [("When did USTC move to Hefei?", "1970"), ("When was Suzhou Industrial Park set up?", "1994")]:
        answer = assistant.answer(question, mode="extractive")
        assert not answer.refused and year in answer.text, answer.text


def test_a_figure_in_a_sentence_saying_the_question_in_other_words_answers_it(assistant):
    """"get rid of its old industry" is "shedding 75% of its traditional industries": few words
    meet, the meaning does (cosine 0.78)."""
    answer = assistant.answer("How much of its old industry did Shenzhen have to get rid of to become an innovation "
                              "capital?", mode="extractive")
    assert not answer.refused and "75%" in answer.text, answer.text


@pytest.mark.parametrize("text, counted", [
    ("DeepSeek-V3 was trained on 14.8 trillion tokens.", True),
    ("Nanjing has 12 \"Double First-Class\" universities.", True),
    ("Its employees numbered about 3,000 in 2024.", True),
    ("It has 236 billion parameters, of which 21 billion are active for each token.", False),
    ("In 2024 its employees moved to a new campus.", False),
])
def test_a_count_stands_next_to_what_it_counts(text, counted):
    from rag.gate import counted_by_a_figure

    assert counted_by_a_figure("token" if "token" in text else "university" if "universit" in text else "employee",
                               text) is counted


def test_a_figure_the_question_states_is_no_answer_to_it(assistant):
    question = analyse("How many of the 23 parks are in Haidian?")
    assert without_the_questions_figures(question, "the first batch of 23 parks had 700 billion yuan") == \
        "the first batch of    parks had 700 billion yuan"
    # the sentence giving the 23 parks' output says nothing of how many are in Haidian ...
    assert_refused(assistant, "How many of the 23 distinctive industrial parks in Zhongguancun's first batch are "
                   "in Haidian?")
    # ... and it answers how many parks the first batch had
    assert_answered(assistant, "How many distinctive industrial parks were in Zhongguancun's first batch?", "23")


def test_a_figure_beside_another_word_does_not_count_what_the_question_counts(assistant):
    """V2's parameters "active for each token" do not say how many tokens it was trained on; V3's
    "trained on 14.8 trillion tokens" does say it for V3."""
    refused = assistant.answer("On how many tokens was DeepSeek-V2 pre-trained?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("How many tokens was DeepSeek-V3 trained on?", mode="extractive")
    assert not answered.refused and "14.8 trillion tokens" in answered.text, answered.text


@pytest.mark.parametrize("question, text, gives", [
    ("How much does Unitree's H1 humanoid cost?",
     "Unitree launched its H1 humanoid in August 2023 and its G1 humanoid in May 2024 at a price of 99,000 yuan.", False),
    ("How much does Unitree's G1 humanoid cost?",
     "Unitree launched its H1 humanoid in August 2023 and its G1 humanoid in May 2024 at a price of 99,000 yuan.", True),
    ("When did Unitree launch its H1 humanoid?",
     "Unitree launched its H1 humanoid in August 2023 and its G1 humanoid in May 2024 at a price of 99,000 yuan.", True),
    ("Who designed the H1 humanoid?",  # a name is not placed; other checks judge it
     "Unitree launched its H1 humanoid in August 2023 and its G1 humanoid in May 2024 at a price of 99,000 yuan.", True),
    ("When was DeepSeek-R1 released?",
     "DeepSeek-R1, a reasoning model built on the DeepSeek-V3 base model, was released on January 20, 2025.", True),
    ("How many tokens was DeepSeek-V2 trained on?",
     "DeepSeek-V2 came out in May 2024; DeepSeek-V3 was trained on 14.8 trillion tokens.", False),
    ("What is the starting price of DEEP Robotics' DR02 humanoid?",  # only siblings named
     "Unitree launched its H1 humanoid in August 2023 and its G1 humanoid in May 2024 at a price of 99,000 yuan.", False),
    ("What is the starting price of DEEP Robotics' DR02 humanoid?",  # no code name at all
     "DEEP Robotics sells its humanoid at a price of 99,000 yuan.", True),
])
def test_a_figure_belongs_to_the_code_name_before_it(question, text, gives):
    from rag.gate import gives_the_figure_of_what_is_named

    assert gives_the_figure_of_what_is_named(analyse(question), text) is gives


def test_the_price_of_one_model_is_not_the_price_of_its_sibling(assistant):
    assert_refused(assistant, "What is the price of Unitree's H1 robot?")
    assert_answered(assistant, "What is the price of Unitree's G1 robot?", "99,000 yuan")


def test_which_has_the_most_needs_a_sentence_ranking_by_that_measure(assistant):
    """A list of the six companies does not say which has the most staff; a sentence saying that
    Suzhou Industrial Park "ranked first" in the overall evaluation does say which ranked highest."""
    refused = assistant.answer("Which of the Six Little Dragons has the most staff?", mode="extractive")
    assert refused.refused and "no passage ranks them by staff" in refused.text, refused.text
    answered = assistant.answer("Which of China's development zones had the highest overall competitiveness in the "
                                "Ministry of Commerce's evaluation?", mode="extractive")
    assert not answered.refused and "Suzhou Industrial Park ranked first" in answered.text, answered.text


def test_a_person_question_is_not_answered_from_a_word_sharing_the_names_first_letters(assistant):
    """"quantum" shares five letters with QuantumCTek: Origin Quantum's co-founder is not its founder."""
    from rag.gate import names_or_refers_to

    question = analyse("Who founded QuantumCTek?")
    assert not names_or_refers_to(question, set(question.names), "Origin Quantum was co-founded by Guo Guangcan.")
    assert names_or_refers_to(question, set(question.names), "QuantumCTek was founded by USTC.")
    assert assistant.answer("Who founded QuantumCTek?", mode="extractive").refused


def test_whose_is_a_question_word_not_a_topic_word():
    assert "whose" not in analyse("Which outlet ran the articles, and whose app is it?").terms
    # "who's" becomes "who" through the possessive rule, after the stopwords were checked
    assert analyse("who's the boss at DEEP Robotics?").terms == ("boss", "deep", "robotics")


def test_a_readers_own_wording_is_not_the_topic():
    terms = analyse("If I send code to an Apache-licensed project without saying anything, what must someone do?").terms
    assert "apache" in terms and "license" in terms and "apache-licensed" not in terms
    assert not {"someone", "must", "anything", "without"} & set(terms)


def test_an_initialism_of_a_name_counts_as_that_name():
    text = "GNU General Public License. The Free Software Foundation may publish new versions."
    assert coverage(["gplv3", "fsf"], text, lambda t: 1.0) == 1.0
    assert coverage(["gplv3", "mayor"], text, lambda t: 1.0) == 0.5


@pytest.mark.parametrize("text, date", [("The Foundation may publish new versions.", False), ("In May 2020 it opened.", True),
                                        ("during the Spring Festival", True), ("2月7日晚间", True)])
def test_the_verb_may_is_not_a_month(text, date):
    assert has_time(text) is date


def test_answers_without_a_number():
    assert has_money("access at no further charge") and has_money("free of charge") and not has_money("free software")
    how_long = analyse("For how long are the rights granted?")
    assert holds_answer_type(how_long, "a perpetual, worldwide license")
    assert not holds_answer_type(analyse("How many articles were there?"), "a perpetual license")


def test_question_focus_and_present():
    lead_in = analyse("The article says Zhongguancun took thirty years to turn from an electronics market. "
                      "On what date was it approved?")
    assert "zhongguancun" in lead_in.focus and "approve" in lead_in.focus and "market" not in lead_in.focus
    assert analyse("What is it? Why?").focus == analyse("What is it? Why?").terms
    assert analyse("How many people live there now?").present and analyse("目前有多少人在横琴工作？").present
    assert not analyse("How many people lived there in 2020?").present


def test_streaming_sends_sources_first_then_text_then_final(assistant):
    events = list(assistant.stream("Why did DeepSeek appear in Hangzhou?", mode="extractive"))
    assert isinstance(events[0], SourcesEvent) and isinstance(events[-1], FinalEvent)
    assert any(isinstance(e, TextEvent) for e in events[1:-1])
    final = events[-1].answer
    assert not final.refused and final.citations
    cited = {(e.chunk_id, e.start) for e in final.citations}
    assert cited <= {(e.chunk_id, e.start) for e in events[0].evidence}


def test_follow_up_is_condensed_and_answered(assistant):
    history = [{"role": "user", "content": "Why did DeepSeek appear in Hangzhou?"},
               {"role": "assistant", "content": "..."}]
    answer = assistant.answer("And what about Hefei?", history, mode="extractive")
    assert "Hefei" in answer.standalone_question
    assert not answer.refused and "Hefei" in answer.text


def test_a_follow_up_about_him_after_a_who_question_is_about_the_person_the_answer_gave():
    answer = "Game Science was founded in 2014 by former Tencent staff including its CEO Feng Ji [1]."
    history = [{"role": "user", "content": "Who's the boss at Game Science?"},
               {"role": "assistant", "content": answer}]
    assert "Feng Ji" in condense_rule("Why did he quit his old job?", history)
    chinese = [{"role": "user", "content": "谁被称为中国光纤之父？"},
               {"role": "assistant", "content": "被誉为“中国光纤之父”的赵梓森1932年出生于上海 [1]。"}]
    assert "赵梓森" in condense_rule("他在哪里教书？", chinese)
    assert "Zhao Zisen" in condense_rule("Where did he teach?", chinese)  # in the pinyin English writes
    # a last question naming its person: "his" is that person, not another the answer names first
    named = [{"role": "user", "content": "Who's Chen Hang?"},
             {"role": "assistant", "content": "Manycore's co-founders include Huang Xiaohuang and Chen Hang [1]."}]
    assert "Huang" not in condense_rule("When did his company list?", named)


def test_a_follow_up_about_it_after_a_which_question_is_about_what_the_answer_named():
    """"it" after "Which Dongguan research lab ...?" is the lab the answer named, when that answer is
    about what was asked; an answer about something else names no referent."""
    last = "Which Dongguan research lab sits right next to the China Spallation Neutron Source?"
    said = ("The Songshan Lake Materials Laboratory sits in the Songshan Lake high-tech zone next to the "
            "China Spallation Neutron Source, a large national neutron facility [1].")
    follow_up = "What does it call the facility where researchers turn materials into prototype products?"
    assert "Songshan Lake Materials Laboratory" in condense_rule(follow_up, [(last, said)])
    elsewhere = "In the 1980s the area became known as Zhongguancun Electronics Avenue [1]."
    assert "Zhongguancun" not in condense_rule(follow_up, [(last, elsewhere)])


def test_an_event_is_no_persons_name():
    from rag.question import person_names

    said = "They met at the World Internet Conference Wuzhen Summit, moderated by the academician Wang Jian."
    assert person_names(said) == ["Wang Jian"]


def test_a_who_question_asking_for_a_boss_is_answered_by_the_ceo(assistant):
    # "its CEO Feng Ji" names the boss of Game Science: "boss" need not be written
    assert_answered(assistant, "Who's the boss at Game Science?", "Feng Ji")


def test_condense_rule():
    history = [("Why did DeepSeek appear in Hangzhou?", "...")]
    assert condense_rule("What about Shenzhen?", history) == "Why did DeepSeek appear in Shenzhen?"
    assert "DeepSeek" in condense_rule("How long did it take?", history)
    assert condense_rule("What did Hefei do?", []) == "What did Hefei do?"
    assert condense_rule("And which place got the second one?", history).endswith("(DeepSeek, Hangzhou)")
    # a new question typed in lower case names nothing by capitals, and is not about the last one
    other = [("How large an area does the Guangdong-Macao In-Depth Cooperation Zone on Hengqin cover?", "...")]
    assert condense_rule("what diseases is guangming's brain facility working on?", other) == \
        "what diseases is guangming's brain facility working on?"
    # Chinese drops the subject a follow-up goes on about: it is asked about what the last question
    # names, not with what it asked (哪天 would ask for a date)
    wukong = [("《黑神话：悟空》是哪天正式上线的？", "...")]
    assert condense_rule("首发的时候能在哪些平台上玩？", wukong) == "首发的时候能在哪些平台上玩？（《黑神话：悟空》，黑神话）"
    assert condense_rule("深圳做了什么？", wukong) == "深圳做了什么？"  # it names its own subject
    # a name may hold digits (G60, V3)
    assert "G60" in condense_rule("Which cities does it link?", [("When did the G60 corridor start?", "...")])
    # a month is no name to carry over ("in July 2014")
    dated = [("What became Hangzhou's top policy priority in July 2014?", "...")]
    assert "July" not in condense_rule("How much did it add to growth?", dated)
    # a question that opens with a preposition and asks little more goes on from the last one; one
    # saying what it is about is a new question, in lower case too
    ranked = [("how did suzhou industrial park do in the commerce ministry's 2018 ranking?", "...")]
    assert condense_rule("out of how many zones?", ranked).endswith(f"({ranked[0][0]})")
    assert condense_rule("in which year was deepseek founded?", ranked) == "in which year was deepseek founded?"


def test_who_started_a_company_is_answered_by_who_founded_it(assistant):
    answer = assistant.answer("Who started BrainCo?", mode="extractive")
    assert not answer.refused and answer.text.startswith("BrainCo was founded in 2015 by Han Bicheng"), answer.text


def test_a_distributive_question_is_split_into_what_it_asks_of_each_thing():
    from rag.question import distributive_pieces

    assert distributive_pieces("When did Zhongguancun and Songshan Lake each get national high-tech zone status?") == [
        "When did Zhongguancun get national high-tech zone status?",
        "When did Songshan Lake get national high-tech zone status?"]
    assert distributive_pieces("Did Hefei and Hangzhou both invest in AI?") == ["Did Hefei invest in AI?",
                                                                                 "Did Hangzhou invest in AI?"]
    assert distributive_pieces("When were Unitree and BrainCo founded, respectively?") == [
        "When were Unitree founded?", "When were BrainCo founded?"]
    assert distributive_pieces("Which DeepSeek model and which Unitree robot both came out in May 2024?") == [
        "Which DeepSeek model came out in May 2024?", "Which Unitree robot came out in May 2024?"]
    # a list of three or four, commas between the first ones
    assert distributive_pieces("What did Zhongguancun, Optics Valley and Shenzhen each have to go through?") == [
        "What did Zhongguancun have to go through?", "What did Optics Valley have to go through?",
        "What did Shenzhen have to go through?"]
    # the year before the list is asked of every thing in it
    assert distributive_pieces("中文文档里，2017年合肥、杭州和宇树各有什么事？") == [
        "中文文档里，2017年合肥有什么事？", "中文文档里，2017年杭州有什么事？", "中文文档里，2017年宇树有什么事？"]
    assert distributive_pieces("长三角G60科创走廊里，研发、中试和量产分别放在哪里？")[2] == "长三角G60科创走廊里，量产放在哪里？"
    for other in ["Why did DeepSeek appear in Hangzhou?", "各地政府都做了什么？", "Which came first, A or B?",
                  "How many firms does each park have?", "杭州和南京哪个更大？"]:
        assert distributive_pieces(other) == [], other


def test_a_distributive_question_gets_a_sentence_for_each_thing_it_lists(assistant):
    """The sentence on Unitree's founding scores below the Chinese one on BrainCo's move against the
    whole question; asked of Unitree alone, it is the best."""
    answer = assistant.answer("When were Unitree and BrainCo founded, respectively?", mode="extractive")
    assert not answer.refused and "2016" in answer.text and "2015" in answer.text, answer.text


def test_a_chinese_follow_up_without_a_subject_is_about_the_last_question(assistant):
    earlier = "《黑神话：悟空》是哪天正式上线的？"
    said = assistant.answer(earlier, mode="extractive")
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": said.text}]
    answer = assistant.answer("首发时能在哪些平台玩？", history, mode="extractive")
    assert not answer.refused and "PlayStation 5" in answer.text, answer.text


def test_a_follow_up_about_what_the_last_answer_named_is_asked_about_it(assistant):
    """"that scheme" is what the last answer named ("Project Eagle"), not a word of the last question."""
    earlier = "Which Hangzhou start-up support scheme gave Unitree a leg up early on?"
    said = assistant.answer(earlier, mode="extractive")
    assert "Project Eagle" in said.text, said.text
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": said.text}]
    answer = assistant.answer("When did that scheme get started?", history, mode="extractive")
    assert "Project Eagle" in answer.standalone_question
    assert not answer.refused and "2010" in answer.text, answer.text
    # a refusal names nothing, and a quoted name the last question already asked about is no referent
    refusal = [("Which scheme?", 'The documents don\'t say (no passage mentions "Project Eagle").')]
    assert "Project Eagle" not in condense_rule("When did that scheme start?", refusal)
    # an earlier answer of any shape is read without error
    for odd in ["- - -", "", None, 42, ["a list"]]:
        assert condense_rule("When did that scheme start?", [("Which scheme?", odd)]).startswith("When did")
        assert condense_rule("When did that scheme start?", [{"role": "user", "content": "Which scheme?"},
                                                               {"role": "assistant", "content": odd}]).startswith("When")
    asked = [("Who are the 'Six Little Dragons of Hangzhou'?", 'The "Six Little Dragons of Hangzhou" is a nickname [1].')]
    assert condense_rule("Where did that nickname come from?", asked).count("Six Little Dragons") == 1


def test_a_follow_up_is_asked_about_the_one_the_last_answer_gave(assistant):
    """After "Which carmaker ...?" the follow-up is about the carmaker the answer named; "that city"
    is the one the answer calls a city; "Who's" and "What's" are question words, not names."""
    def follow(first, then):
        said = assistant.answer(first, mode="extractive")
        history = [{"role": "user", "content": first}, {"role": "assistant", "content": said.text}]
        return assistant.answer(then, history, mode="extractive")

    answer = follow("Which carmaker did Hefei rescue in 2020?", "How much money did the city invest?")
    assert "NIO" in answer.standalone_question, answer.standalone_question
    assert not answer.refused and "787 million" in answer.text, answer.text
    answer = follow("Where is the Songshan Lake lab?", "What's that city known as?")
    assert "Dongguan" in answer.standalone_question, answer.standalone_question
    assert not answer.refused and "world factory" in answer.text, answer.text
    asked = [("When was Zhejiang Lab set up?", "Zhejiang Lab was set up in 2017 [1].")]
    assert "Zhejiang Lab" in condense_rule("Who's in charge of it?", asked)


def test_a_follow_up_that_goes_on_from_the_last_question_is_answered_about_its_names(assistant):
    # no pronoun, more than three words: "and" and "the second one" lean on the last question
    history = [("When did Zhongguancun become China's first National Independent Innovation Demonstration Zone?",
                "...")]
    answer = assistant.answer("And which place got the second one?", history, mode="extractive")
    assert "Zhongguancun" in answer.standalone_question
    assert not answer.refused and "Wuhan" in answer.text, answer.text


def test_a_follow_up_to_a_lowercase_question_carries_its_words_beyond_the_first_four(assistant):
    # a question typed in lower case names nothing by capitals: its words stand for its names, and
    # "sector" (the fifth) says what "that cluster" is
    history = [("suzhou industrial park calls which sector its top industry?", "...")]
    answer = assistant.answer("How big is that cluster in terms of output?", history, mode="extractive")
    assert "sector" in answer.standalone_question
    assert not answer.refused and "117.7 billion yuan" in answer.text, answer.text


def test_bad_questions_raise_one_line_errors(assistant):
    for question in ["", "   ", None]:
        with pytest.raises(RagError):
            assistant.answer(question, mode="extractive")
    with pytest.raises(RagError, match="unknown mode"):
        assistant.answer("Why Hangzhou?", mode="poetry")


def test_very_long_question_is_truncated_with_a_notice(assistant):
    question = "Why did DeepSeek appear in Hangzhou? " + "padding " * 3000
    answer = assistant.answer(question, mode="extractive")
    assert any("cut" in n for n in answer.notices)


def test_answers_are_deterministic(assistant):
    first = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    second = assistant.answer("What did Hefei do to become an innovation hub?", mode="extractive").to_dict()
    first.pop("timings_ms"), second.pop("timings_ms")
    assert first == second


def test_chinese_question_over_english_documents_is_answered_from_the_english_passage(assistant, corpus_index):
    answer = assistant.answer("武汉光谷坚守光纤通信多少年？", mode="extractive")
    assert not answer.refused and answer.language == "zh"
    assert any("twenty years" in c.quote or "二十" in c.quote for c in answer.citations)
    check_citations_point_at_the_documents(answer, corpus_index)


def test_chinese_unanswerable_question_is_refused_in_chinese(assistant):
    answer = assistant.answer("南京的人口是多少？", mode="extractive")
    assert answer.refused and answer.text.startswith("文档中没有相关内容")


@pytest.mark.parametrize("question, text, holds", [
    ("Who heads the board of the Songshan Lake Materials Laboratory?",
     "The academician Wang Enge chairs the laboratory's board.", True),
    ("Who heads the board of the Songshan Lake Materials Laboratory?",
     "By 2024 the laboratory's executive deputy director Chen Dongmin described a model.", False),
    ("Who is the boss of Game Science?", "Feng Ji is the CEO of Game Science.", True),
])
def test_a_role_may_be_named_in_other_words(question, text, holds):
    # whoever chairs the board heads it; a deputy director does not
    assert holds_the_role(analyse(question), text) is holds


def test_a_country_may_be_written_in_another_form(assistant):
    # "American national laboratories" are "national laboratories ... in the United States"; "China's
    # State Council" is "the State Council" in a passage that never writes China. A country the
    # collection never writes is still required.
    answer = assistant.answer("Which American national laboratories does the Songshan Lake Materials Laboratory "
                              "hold up as its benchmarks?", mode="extractive")
    assert not answer.refused and "Oak Ridge" in answer.text, answer.text
    answer = assistant.answer("When did China's State Council issue the development plan for the Shenzhen Park "
                              "of the Hetao zone?", mode="extractive")
    assert not answer.refused and "August 2023" in answer.text, answer.text
    refused = assistant.answer("How much did the German government invest in Hefei?", mode="extractive")
    assert refused.refused, refused.text


def test_a_multi_part_question_is_answered_part_by_part(assistant):
    # The sentence giving the stake holds little of the shelved project's words; a lead-in that
    # asks nothing ("作为……最大的支流") is no part to answer.
    from rag.gate import each_part

    question = ("What public project did Hefei shelve to pay for its BOE bet, and how big a stake in BOE did the "
                "city hold by 2011?")
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and "18 percent" in answer.text, answer.text
    # (it leads into the part that asks: the question has one part)
    assert each_part(analyse("作为雅鲁藏布江流域面积最大的支流，拉萨河全长多少公里？")) == []


@pytest.mark.parametrize("question, kind", [
    # "big" as an adjective is no "how big": the question asks how, in several points
    ("How is Guangming Science City trying to connect its big labs with companies?", "explanation"),
    ("How did Hefei grow, and how big is its economy now?", "factoid"),
    ("How many companies did the park attract?", "factoid"),
])
def test_a_how_question_asking_no_measure_is_an_explanation(question, kind):
    assert analyse(question).kind == kind


@pytest.mark.parametrize("question, kind", [
    # a clause setting the scene comes before the "how" or "why"
    ("With three legal systems in play, how does the Bay Area get researchers moving across its borders?", "explanation"),
    ("Given its poor start, why did Hefei bet on display panels?", "explanation"),
    # ... but a clause that asks something itself is no scene
    ("How many reform measures were in the 2025 plan, and how did that compare with 2024?", "factoid"),
])
def test_a_how_or_why_after_a_scene_setting_clause_is_an_explanation(question, kind):
    assert analyse(question).kind == kind


@pytest.mark.parametrize("question, kind", [
    # how two things stand to each other, and the several points something comes to, are told in points
    ("What is the relationship between DeepSeek and High-Flyer?", "explanation"),
    ("文章把合肥模式的经验归成了哪几条？", "explanation"),
    ("哪一年合肥投资了京东方？", "factoid"),
    # ... and so are examples, what a thing means, the turning points of a story and all a thing has had
    ("新质生产力这个词跟宇树有啥关系？", "explanation"),
    ("文章能举几个例子吗？", "explanation"),
    ("这种合作对一座城市意味着什么？", "explanation"),
    ("合肥这些年有哪几个关键年份？", "explanation"),
    ("光谷都有过哪些名字？", "explanation"),
    ("杭州有哪些高校？", "factoid"),
])
def test_a_relationship_or_several_points_asked_for_is_an_explanation(question, kind):
    assert analyse(question).kind == kind


@pytest.mark.parametrize("question, kind", [
    ("2016年都发生了哪些事？", "explanation"),  # a year's events, not a time
    ("2020 looks like a big year for Hefei. What happened there that year?", "explanation"),
    ("What happened to NIO's stake?", "factoid"),  # no year named
])
def test_what_happened_in_a_year_is_told_in_points(question, kind):
    analysed = analyse(question)
    assert analysed.kind == kind and (kind == "factoid" or analysed.wants == "")


def test_the_points_of_what_happened_in_a_year_are_that_years_events(assistant):
    answer = assistant.answer("What happened in Hefei in 2020?", mode="extractive")
    points = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(points) >= 2 and all("2020" in p for p in points), answer.text
    assert "NIO" in answer.text and "QuantumCTek" in answer.text, answer.text


@pytest.mark.parametrize("question, kind", [
    ("How did Suzhou Industrial Park rank in the 2022 national competitiveness report on biomedical parks?", "factoid"),
    ("How has Hefei's ranking among Chinese cities changed?", "explanation"),
])
def test_how_did_it_rank_asks_for_a_place(question, kind):
    assert analyse(question).kind == kind


def test_a_readers_frame_words_are_not_topic_words(assistant):
    # "what explanations were given", "the essay", "firms like DeepSeek" say how the reader asks
    question = ("In the 'Why not Nanjing?' debate, what explanations were given for why Hangzhou rather than "
                "Nanjing produced firms like DeepSeek?")
    assert not {"explanation", "like"} & set(analyse(question).terms)
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused, answer.text


def test_hedges_and_a_readers_self_are_frame_words(assistant):
    # "roughly how many", "reportedly", "what should a reader keep in mind", 去年, 排老几 say how the
    # reader asks; a passage need not hold them.
    assert not {"roughly", "reportedly"} & set(analyse("Roughly how many Nvidia chips had Liang reportedly "
                                                       "stockpiled?").terms)
    assert not {"reader", "keep", "mind"} & set(analyse("What should a reader keep in mind about the V3 "
                                                        "training cost?").terms)
    assert not {"ok", "suppose"} & set(analyse("ok, and how many are supposed to be living there?").terms)
    question = "合肥去年（2024年）经济总量多少？在全国排老几？"
    assert not {"去年", "老几"} & set(analyse(question).terms)
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and "13507.7" in answer.text, answer.text


def test_linking_phrases_are_not_topic_words(assistant):
    # "in order to rebuild" is about rebuilding: "order" is no word a passage must hold.
    question = "What changes in approach does the article say cities need in order to rebuild their innovation ecosystems?"
    assert "order" not in analyse(question).terms
    assert "order" in analyse("What did the State Council's order say?").terms
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused, answer.text


def test_a_question_naming_an_ordinal_needs_a_sentence_naming_it(assistant):
    # Suzhou Industrial Park "ranked first" does not say which zone ranked second; the first phase's
    # investment (首期投资) is not the second's (二期). A sentence naming the ordinal answers.
    for question in ("Which development zone ranked second in the Ministry of Commerce's May 2018 evaluation "
                     "of state-level economic development zones?", "长飞光纤光缆主题产业园的二期投资是多少？",
                     # a zone "second in overall competitiveness" in another ranking, with no year, does not say
                     "Which zone ranked second in the Ministry of Commerce's May 2018 evaluation?"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, refused.text
    answered = assistant.answer("Which zone became China's second National Independent Innovation Demonstration "
                                "Zone?", mode="extractive")
    assert not answered.refused and "Wuhan East Lake" in answered.text, answered.text
    answered = assistant.answer("长飞光纤光缆主题产业园的首期投资是多少？", mode="extractive")
    assert not answered.refused and "4.3亿元" in answered.text, answered.text
    # a rank (第18名): Hefei's 19th place, and its 20th and 21st, do not say who was 18th
    assert analyse("2024年GDP排全国第18名的是哪座城市？").ordinals == ("第18",)
    assert_refused(assistant, "2024年GDP排全国第18名的是哪座城市？")
    assert_answered(assistant, "2024年GDP排全国第19位的是哪座城市？", "合肥")


def test_a_question_naming_a_version_needs_a_sentence_naming_it(assistant):
    # The G60 corridor's versions 1.0-3.0 have years; version 4.0 has none, and Shanghai's version
    # 6.0 plan has no count. A version the documents describe is answered from the sentence naming it.
    assert analyse("When did the G60 corridor move to its version 4.0?").ordinals == ("4.0",)
    assert analyse("上海8.0版营商环境行动方案有多少项措施？").ordinals == ("8.0",)
    for question in ("When did the G60 corridor move to its version 4.0?",
                     "How many reform measures were in Shanghai's version 6.0 business environment plan?"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, refused.text
    answered = assistant.answer("Which cities did version 2.0 of the G60 corridor connect?", mode="extractive")
    assert not answered.refused and "version 2.0 (2017)" in answered.sentences[0].text, answered.text


def test_an_opening_period_must_be_the_one_asked(assistant):
    # Black Myth: Wukong "sold 10 million copies within its first week": that says nothing of its
    # first month or first year, and answers its first week in either language.
    assert analyse("How many copies had it sold after its first month?").periods == ("month",)
    assert analyse("《黑神话：悟空》首周卖出了多少份？").periods == ("week",)
    for question in ("How many copies of Black Myth: Wukong had been sold after its first month?",
                     "How many copies did Black Myth: Wukong sell in its first year on sale?"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, refused.text
    for question in ("How many copies did Black Myth: Wukong sell in its first week?", "《黑神话：悟空》首周销量是多少？"):
        answered = assistant.answer(question, mode="extractive")
        assert not answered.refused and "10 million" in answered.text, answered.text


def test_a_question_about_now_is_not_answered_by_a_sentence_about_then(assistant):
    # "At that time Zhongguancun was reported to host nearly 20,000 high-tech enterprises" speaks of
    # 2013; a sentence saying 如今 (today) answers a question about now.
    assert is_of_the_past("At that time Zhongguancun was reported to host nearly 20,000 high-tech enterprises.")
    assert not is_of_the_past("如今光谷的规划面积约为518平方公里。")
    refused = assistant.answer("How many high-tech companies are based in Zhongguancun today?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("光谷现在的规划面积有多大？", mode="extractive")
    assert not answered.refused and "518" in answered.text, answered.text
    # "nowadays" asks about now; "an early outline of the zone counted ..." says it speaks of then
    assert analyse("how many national key labs does optics valley have nowadays?").present
    assert is_of_the_past("Optics Valley sits in a district with many universities and research institutes; an early "
                          "outline of the zone counted 18 universities, 56 research institutes and 10 national key "
                          "laboratories in the area.")
    assert not is_of_the_past("Early in 2025 the zone counted 40 laboratories.")
    refused = assistant.answer("how many national key labs does optics valley have nowadays?", mode="extractive")
    assert refused.refused, refused.text


def test_an_english_who_question_needs_a_name_it_can_read(assistant):
    # A Chinese sentence cannot be checked for a name by capitals: it answers 谁 questions, not "who".
    english, chinese = analyse("Who founded Yangtze Optical Fibre and Cable?"), analyse("长飞是谁创办的？")
    assert not holds_answer_type(english, "中国光纤通信的故事是从武汉开始的。")
    assert holds_answer_type(chinese, "长飞由邮电部等各方合资创办。")
    refused = assistant.answer("Who founded Yangtze Optical Fibre and Cable?", mode="extractive")
    assert refused.refused, refused.text


def test_what_did_it_charge_asks_for_a_sum(assistant):
    # "What did Unitree charge for its H1?" asks for a price, so the sentence's 99,000 yuan must be
    # the H1's: it is the G1's ("... its G1 humanoid in May 2024 at a starting price of 99,000 yuan").
    assert analyse("What did Unitree charge for its H1 humanoid when it came out?").wants == "money"
    assert analyse("How much does the G1 sell for?").wants == "money"
    refused = assistant.answer("What did Unitree charge for its H1 humanoid when it came out?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("What did Unitree charge for its G1 humanoid?", mode="extractive")
    assert not answered.refused and "99,000 yuan" in answered.text, answered.text


def test_how_much_put_in_asks_for_a_sum(assistant):
    # "How much is X putting into Y?" asks for money, as "How much did X invest?" does: the sentence
    # planning Yuhang's "1,000-mu" AI park holds an area, not a sum.
    assert analyse("How much is Hangzhou pouring into its AI park?").wants == "money"
    assert analyse("How much did the city put into the carmaker?").wants == "money"
    assert analyse("宇树科技的注册资本是多少？").wants == "money"
    refused = assistant.answer("How much is Hangzhou putting into the AI industrial park in Yuhang?",
                               mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("How much did the Hefei government put into NIO in 2020?", mode="extractive")
    assert not answered.refused and "787" in answered.text, answered.text


def test_what_did_someone_say_needs_their_words(assistant):
    # "What did Wang Xingxing say ...?" asks for his words: a sentence saying he was invited to a
    # symposium does not give them, nor one in which a newspaper "reported that" he attended.
    assert not gives_the_words_of("Liang Wenfeng", "People's Daily Online reported that Liang Wenfeng "
                                                    "of DeepSeek attended a Beijing symposium.")
    assert gives_the_words_of("Liang Wenfeng", "Liang, who founded High-Flyer, said the company would stay small.")
    # in Chinese: a quoted term is nobody's words, nor is another person's (韩璧丞回忆)
    assert not gives_the_words_of("Wang Xingxing", "王兴兴带着自研机器狗XDog参会，演示时还出过“翻车”的意外。", ("王兴兴",))
    assert not gives_the_words_of("Wang Xingxing", "强脑科技创始人韩璧丞回忆，团队最初在哈佛大学的地下室起步。", ("王兴兴",))
    assert gives_the_words_of("Wang Xingxing", "王兴兴说：“机器人会走进家庭。”", ("王兴兴",))
    refused = assistant.answer("What did Wang Xingxing say about his robots?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("What did Yu Aihua say about making money for the government?", mode="extractive")
    assert not answered.refused and "making money for the people" in answered.text, answered.text


def test_what_someone_in_a_role_said_needs_the_words_of_that_role(assistant):
    # "What did NIO's chief executive say ...?": the Hefei party secretary's words are not his
    assert gives_the_words_of("NIO's chief executive ", "NIO chief executive William Li said Hefei saved the firm.")
    assert not gives_the_words_of("NIO's founder ", "Bloomberg reported that Hefei cashed out most of the NIO stake "
                                                    "within a year, and Hefei's party secretary Yu Aihua said so.")
    refused = assistant.answer("What did NIO's chief executive say about the money from Hefei?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("What did Hefei's party secretary say about the NIO profit?", mode="extractive")
    assert not answered.refused and "making money for the people" in answered.text, answered.text


def test_a_city_named_as_its_province_capital_is_looked_for_by_name(assistant):
    # "the Jiangsu capital" is Nanjing: the question is searched and checked with the city's name
    assert with_capitals_named("Which fast rail line runs through the Jiangsu capital?").endswith("(Nanjing)")
    assert with_capitals_named("安徽的省会靠什么起家？").endswith("（合肥）")
    assert with_capitals_named("Why Nanjing, the capital of Jiangsu?") == "Why Nanjing, the capital of Jiangsu?"
    answer = assistant.answer("Which fast rail line goes through the Jiangsu capital?", mode="extractive")
    assert not answer.refused and "Nanjing" in answer.text, answer.text


def test_what_a_question_sets_aside_is_not_what_it_asks(assistant):
    # "除了高校多，南京在交通上……" asks about transport: the sentences on universities match its words
    # best, and the clause naming them is left out of the search
    assert without_what_is_set_aside("Besides being an academician, what post did Wang Jian hold?") \
        == "what post did Wang Jian hold?"
    assert without_what_is_set_aside("光谷除了做光纤，还怎么往外拓展？") == "光谷还怎么往外拓展？"
    assert without_what_is_set_aside("Besides that?") == "Besides that?"
    answer = assistant.answer("除了高校多，南京在交通上是个什么样的地位？", mode="extractive")
    assert not answer.refused and "transport hub" in answer.text.split("[1]")[0], answer.text


def test_a_question_asking_for_the_others_needs_another_named(assistant):
    # "Besides X, which other ...?" is not answered by a sentence naming only X ("... and two other
    # companies"; "with Hangzhou named as one of its pilot cities"); one naming another is an answer
    assert what_is_set_aside("besides Hefei Construction Investment, which other two firms ...?") \
        == "Hefei Construction Investment"
    assert what_is_set_aside("16年浙江成了示范区，除了杭州，还有哪些城市是试点？") == "杭州"
    assert what_is_set_aside("Which other firms invested?") == ""
    assert names_something_new("which other cities? Hangzhou", "In 2016 Zhejiang named Hangzhou a pilot city.")
    assert not names_something_new("which other Zhejiang cities? Hangzhou", "In 2016 China named Hangzhou a pilot.")
    assert_refused(assistant, "besides hefei construction investment, which other two firms put money into nio in 2020?")
    assert_refused(assistant, "2016年浙江成了国家信息经济示范区，除了杭州，还有哪些城市是试点？")
    assert_answered(assistant, "Apart from R1 itself, which other R1-family model did DeepSeek put out at the "
                               "same time?", "R1-Zero")


def test_and_inside_one_name_compares_nothing(assistant):
    # "the G60 Science and Innovation Corridor" is one name: "Why was Hefei dropped from it?" is no
    # comparison, and is checked as a "why did it happen" question (no passage says Hefei left)
    from rag.question import compares

    assert not compares("Why was Hefei dropped from the G60 Science and Innovation Corridor in 2021?")
    assert compares("How do Shenzhen and Hangzhou differ?")
    assert compares("Why did Nanjing and Hefei react so differently?")
    # ... and a sentence naming it by a short form, after the sentence naming it in full, names no
    # other zone
    from rag.gate import names_another_of_its_kind

    full = "The Hetao Shenzhen-Hong Kong Science and Technology Innovation Cooperation Zone lies on the river."
    short = "The Hetao zone covers 3.89 square kilometres."
    assert not names_another_of_its_kind("How large is the Hetao Shenzhen-Hong Kong Science and Technology "
                                         "Innovation Cooperation Zone?", f"{full} {short}", short)
    answer = assistant.answer("Why did the G60 Science and Innovation Corridor expel Hefei in 2022?", mode="extractive")
    assert answer.refused, answer.text


def test_why_did_it_fall_needs_a_fall(assistant):
    # "Why did ... fall?" is answered by a sentence saying a fall, not by one giving the figure
    refused = assistant.answer("Why did output at Zhongguancun's distinctive industrial parks drop in 2024?",
                               mode="extractive")
    assert refused.refused, refused.text
    # ... also asked as "how come" or "what caused", and in other words of falling ("slid")
    refused = assistant.answer("How come Hefei's GDP ranking slid between 2022 and 2024?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("Why did Nvidia's shares fall in January 2025?", mode="extractive")
    assert not answered.refused and "17 percent" in answered.text, answered.text
    # ... and asked in Chinese, of a quarter in which Optics Valley grew fastest in five years
    refused = assistant.answer("光谷一季度GDP为什么下降了？", mode="extractive")
    assert refused.refused, refused.text


def test_why_did_it_stop_needs_a_stop(assistant):
    # "Why did ... give up / abandon ...?" takes a stop as given: a sentence on the project says none
    for question in ("Why did Dongguan abandon the Songshan Lake lab project?", "Why did Hangzhou give up on Project Eagle?"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, refused.text
    # a stop the documents tell is explained
    answered = assistant.answer("Why did Hefei cancel its first subway line?", mode="extractive")
    assert not answered.refused and "BOE" in answered.text, answered.text
    # ... in Chinese too, the name met in either language
    for question in ("东莞为什么放弃了松山湖材料实验室？", "杭州为啥不再搞雏鹰计划了？"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, refused.text
    answered = assistant.answer("合肥为什么取消了第一条地铁？", mode="extractive")
    assert not answered.refused and "BOE" in answered.text, answered.text



def test_why_did_it_move_sell_or_leave_out_needs_that_said(assistant):
    # "Why did ... move / sell / leave ... out?" takes the event as given: sentences on the names
    # that never say it are no reasons
    for question in ("合肥为什么把京东方的股份卖光了？", "为什么蔚来把中国总部从合肥搬去了上海？",
                     "浙江为啥把数字经济一号工程撤掉了？", "王坚为什么批评了DeepSeek？",
                     "Why did Guangdong's party secretary leave Unitree out at the 2025 meeting?",
                     "赵梓森为什么离开了武汉？",
                     # a stop said of another thing: Hefei cancelling a subway line to fund BOE
                     "Why did BOE shut down its Hefei plant?"):
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused, (question, refused.text)
    # Hefei cashing out of NIO is told, and VC firms' reluctance to fund DeepSeek
    answered = assistant.answer("合肥为什么卖掉了蔚来的股份？", mode="extractive")
    assert not answered.refused and "NIO" in answered.text, answered.text
    answered = assistant.answer("为什么风投不愿意投DeepSeek？", mode="extractive")
    assert not answered.refused and "High-Flyer" in answered.text, answered.text

def test_a_comparison_or_a_move_the_documents_state_the_other_way_is_refused(assistant):
    # the premise is the reverse of what a sentence on what the question names says
    for question, said in [
            ("How did Guangdong manage to grow faster than the national average in 2024?", "below the national average"),
            ("Why did USTC move out of hefei to beijing in 1970?", "from Beijing to Hefei")]:
        refused = assistant.answer(question, mode="extractive")
        assert refused.refused and said in refused.text, (question, refused.text)
    assert_refused(assistant, "维舟为什么认为深圳民企数量比杭州少？")  # "深圳的民营企业远多于杭州"
    # ... and a premise the documents bear out, or a comparison denied, is answered
    assert_answered(assistant, "维舟为什么说深圳民企比杭州多，却没出六小龙？")
    assert_answered(assistant, "南京的高校一点不比杭州差，为什么没长出六小龙？")


def test_a_rank_the_documents_give_otherwise_is_refused(assistant):
    # "2009年获批为继中关村之后全国第二个国家自主创新示范区": Optics Valley's zone was the second
    assert_refused(assistant, "光谷是怎么拿下全国第一个国家自主创新示范区的？")
    # ... and a sentence ranking another thing second after what the question names does not deny it
    assert_answered(assistant, "How did Zhongguancun become China's first national independent innovation "
                               "demonstration zone?")
    assert_answered(assistant, "中关村是怎么成为全国第一个国家自主创新示范区的？")  # "继中关村之后全国第二个"
    # typed in lower case, "Innovation Demonstration Zone" is a name, of what is ranked: the East Lake "zone" is
    # no name of the question's
    assert_answered(assistant, "how did zhongguancun turn into china's first innovation demonstration zone?")
    assert not said_the_other_way(analyse("Why was Hangzhou the first city to host it?"),
                                  ["In 2009 Wuhan became the second city after Hangzhou to host it."])


def test_something_not_done_that_the_documents_say_was_done_is_refused(assistant):
    # "宇树科技则在2025年除夕夜登上央视春晚" says Unitree's robots did get on the Gala stage
    assert_refused(assistant, "宇树的机器人为啥没能登上2025年春晚？")
    # ... while a city that produced no such firm is asked about, though another city did
    assert_answered(assistant, "南京为什么没冒出像六小龙这样的公司？")


def test_a_stop_is_said_in_words_of_stopping_not_in_the_asking_phrase(assistant):
    # "walk away from" is how it is asked: "who left after Tencent restructured" says it
    assert_answered(assistant, "What made Feng Ji walk away from Tencent?", "left after Tencent restructured")
    # dropping out is a stop no passage on Suzhou and the G60 corridor speaks of
    assert_refused(assistant, "Why did Suzhou drop out of the G60 corridor?")


def test_a_salary_asks_for_a_sum_and_a_party_chief_for_a_person(assistant):
    assert analyse("What is the average salary at DeepSeek?").wants == "money"
    assert_refused(assistant, "What's the average salary at DeepSeek?")  # no sentence gives pay
    # a sentence on the G60 corridor's start, 0.76 close, names no one
    assert_refused(assistant, "who was songjiang's party chief when the g60 corridor idea was first floated?")


def test_a_headcount_asks_for_a_figure(assistant):
    # Origin Quantum's founding date is no headcount
    assert analyse("what's origin quantum's headcount these days?").wants == "quantity"
    assert_refused(assistant, "what's origin quantum's headcount these days?")


def test_a_readers_short_form_is_written_out(assistant):
    # "the Dongguan materials lab" is the Songshan Lake Materials Laboratory; "Zhejiang Lab" is a name
    assert with_short_forms_written_out("How big is the Dongguan materials lab?") \
        == "How big is the Dongguan materials laboratory?"
    assert with_short_forms_written_out("When was Zhejiang Lab founded?") == "When was Zhejiang Lab founded?"
    answer = assistant.answer("By 2020, how many companies had the Dongguan materials lab registered to turn its "
                              "research into products?", mode="extractive")
    assert not answer.refused and "15 industrialisation companies" in answer.text, answer.text


def test_a_readers_words_for_the_account_are_no_topic(assistant):
    # "Zhejiang's story ... how do they fit together?": "story", "fit" and "together" say how the
    # reader asks, and no passage needs to hold them
    from rag.question import QUESTION_FRAME

    assert {"story", "together", "fit", "big"} <= QUESTION_FRAME
    answer = assistant.answer("Zhejiang's story has lots of 'No. 1 Projects'. Which ones, and how do they fit "
                              "together?", mode="extractive")
    assert not answer.refused and "No. 1" in answer.text, answer.text


def test_a_price_question_needs_a_price(assistant):
    # "What was Nvidia's share price at the close ...?": a one-day loss in market value is a sum but
    # no price; Unitree's G1 has a starting price
    assert_refused(assistant, "What was Nvidia's share price at the close on January 27, 2025?")
    assert_answered(assistant, "What is the starting price of Unitree's G1 humanoid?", "99,000 yuan")
    # "What was it worth?" asks a sum: sentences on Zhejiang's digital policies give none for 2023
    assert_refused(assistant, "What was Zhejiang's digital economy worth in 2023?")
    # a price tag is what something costs, said in any words
    assert_answered(assistant, "What was the price tag of BOE's sixth-generation LCD line?", "17.5 billion")


def test_where_did_it_happen_needs_the_event(assistant):
    # "Where was Wang Xingxing born?": the sentence saying he founded Unitree in Hangzhou names a
    # place, but not where he was born; Liang Wenfeng's birthplace is given
    assert_refused(assistant, "Where was the Unitree founder Wang Xingxing born?")
    assert_answered(assistant, "Where was Liang Wenfeng born?", "Zhanjiang")


def test_added_value_asks_for_a_sum(assistant):
    # "What was the added value of ... in 2023?" asks for a sum for 2023: a 2023 sentence on the
    # "No. 1 development project" holds a number, not a sum; the 2021 figure answers 2021.
    assert analyse("What was the added value of Zhejiang's digital economy in 2023?").wants == "money"
    refused = assistant.answer("What was the added value of Zhejiang's digital economy in 2023?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("What was the added value of Zhejiang's digital economy in 2021?", mode="extractive")
    assert not answered.refused and "3.57 trillion" in answered.text, answered.text


def test_a_chinese_added_value_or_gdp_question_asks_for_a_sum(assistant):
    # "……增加值是多少？" asks for a sum, as "What was the added value ...?" does: a 2023 sentence on
    # policies iterated "six times" holds a number, not a sum; "占GDP多少" asks for a share.
    assert analyse("杭州2023年数字经济核心产业增加值是多少？").wants == "money"
    assert analyse("2024年合肥GDP是多少？").wants == "money"
    assert analyse("研发投入占GDP多少？").wants == "quantity"
    refused = assistant.answer("杭州2023年数字经济核心产业增加值是多少？", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("2024年杭州数字经济核心产业增加值是多少？", mode="extractive")
    assert not answered.refused and "6305亿元" in answered.text, answered.text


def test_a_chinese_sentence_answers_which_university_only_naming_one(assistant):
    # "宇树2016年创立时只有3个人" names no university: it does not answer where Unitree's founder studied.
    question = analyse("Which university did Unitree's founder go to?")
    assert not holds_answer_type(question, "宇树2016年创立时只有3个人，如今已发展到1000多人。")
    assert holds_answer_type(question, "梁文锋毕业于浙江大学。")
    refused = assistant.answer("Which university did Unitree's founder go to?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("Which university did DeepSeek's founder go to?", mode="extractive")
    assert not answered.refused and "Zhejiang University" in answered.text, answered.text


def test_the_name_of_a_role_asks_for_a_person(assistant):
    # "the Guangdong party secretary singled out ... Huawei, DeepSeek and Unitree" never names him.
    assert analyse("What's the name of the Guangdong party boss who singled out Huawei in 2025?").wants == "person"
    assert analyse("What is the name of the lab?").wants == ""
    refused = assistant.answer("What's the name of the Guangdong party boss who singled out Huawei, DeepSeek and "
                               "Unitree in 2025?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("What was the name of the Zhejiang party secretary who spoke at the 2025 meeting?",
                                mode="extractive")
    assert not answered.refused and "Wang Hao" in answered.text, answered.text


def test_a_chief_scientist_is_a_person_named_with_the_title(assistant):
    # A sentence describing the "entrepreneur-chief scientist" system names no one, and an executive
    # deputy director is no chief scientist.
    for question in ("Who is the chief scientist under Guangzhou Huangpu District's entrepreneur-chief scientist system?",
                     "Who is the chief scientist of the Songshan Lake Materials Laboratory?"):
        answer = assistant.answer(question, mode="extractive")
        assert answer.refused, (question, answer.text)


def test_a_sentence_naming_years_of_its_own_is_about_those_years(assistant):
    # "The 2025 Shanghai plan contained 58 reform measures" follows "a series issued every year
    # since 2018": it gives no count for 2018. A sentence naming an asked year still reads the one
    # before ("The Hangzhou action plan targeted ... by 2022" after "an action plan for 2018-2022").
    refused = assistant.answer("How many reform measures did Shanghai's first business-environment action plan "
                               "in 2018 contain?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("How many reform measures did Shanghai's 2025 business-environment plan contain?",
                                mode="extractive")
    assert not answered.refused and "58 reform measures" in answered.text, answered.text
    answered = assistant.answer("How big did Hangzhou's 2018-2022 action plan aim for the city's digital economy "
                                "to be by 2022?", mode="extractive")
    assert not answered.refused and "1.2 trillion" in answered.text, answered.text


def test_an_answer_to_a_question_naming_a_year_quotes_a_sentence_naming_that_year(assistant):
    # The best sentence gives Hangzhou's digital-economy figure for 2024; the question asks about
    # 2018, so the answer also quotes the best sentence that names 2018 and holds a figure.
    answer = assistant.answer("2018年杭州数字经济核心产业的规模有多大？", mode="extractive")
    assert not answer.refused
    assert any("2018" in s.text and has_quantity(s.text) for s in answer.sentences), answer.text


@pytest.mark.parametrize("question, other, found", [
    ("Which organisation may publish revised versions of the Apache License?",
     "The Free Software Foundation may publish revised versions of the GNU General Public License.", True),
    ("How many tokens was DeepSeek-V2 trained on?", "DeepSeek-V3 was trained on 14.8 trillion tokens.", True),
    ("How many tokens was DeepSeek-V2 trained on?", "DeepSeek-V2, like DeepSeek-V3, was trained on many tokens.", False),
    # a question naming two versions is answered by a sentence on either
    ("How many more parameters does DeepSeek-V3 switch on than DeepSeek-V2?",
     "DeepSeek-V3 activates 37 billion parameters per token.", False),
    ("What is the budget of the Songshan Lake Materials Laboratory?",
     "The Songshan Lake Materials Laboratory has a budget of 12 billion yuan.", False),
    ("How long does the licence granted under the Apache License last?",
     "Apache License 2.0. Each Contributor grants You a perpetual Copyright License.", False),  # its own title
    ("How many Hong Kong residents are expected to work in Qianhai by 2035?",
     "A later plan expects that by 2035 about 80,000 Macao residents will work in Hengqin.", True),
    ("How many Macao residents are expected to work in Hengqin by 2035?",
     "A later plan expects that by 2035 about 80,000 Macao residents will work in Hengqin.", False),
    # a capitalised word between the name and the kind: the same thing ("H800 hours")
    ("How much compute went into V3, in H800 hours?", "Training took about 2.788 million H800 GPU hours.", False),
    ("How much compute went into V3, in H800 hours?", "Training took about 2.8 million A100 GPU hours.", True),
    # a verb after the name is no kind: the Cyberspace Administration signing is no other thing signed
    ("When was the data memorandum for the Greater Bay Area signed?",
     "Hong Kong's bureau and the Cyberspace Administration of China signed a memorandum on June 29, 2023.", False),
])
def test_a_sentence_naming_another_thing_of_the_kind_asked_about(question, other, found):
    from rag.gate import names_another_of_its_kind

    assert names_another_of_its_kind(question, other) is found


def test_a_when_question_on_a_document_about_doing_something_asks_when_the_document_was_made(assistant):
    # "a memorandum on moving data" names what was signed: the sentence need not say that anything moved
    assert_answered(assistant, "When was the memorandum on moving data across the Greater Bay Area signed?",
                    "June 29, 2023")


def test_the_sentence_before_does_not_lend_its_name_to_a_sentence_naming_another_of_the_kind(assistant):
    # "... a Hong Kong Park on the southern bank and a Shenzhen Park on the northern bank" comes just
    # before "In August 2023 the State Council issued a development plan for the Shenzhen Park".
    from rag.gate import names_another_of_its_kind

    before = "The Hetao zone covers a Hong Kong Park and a Shenzhen Park."
    plan = "In August 2023 the State Council issued a development plan for the Shenzhen Park of the Hetao zone."
    question = "When did the State Council issue a plan for the Hong Kong Park of the Hetao zone?"
    assert names_another_of_its_kind(question, f"{before} {plan}", f"Greater Bay Area. {plan}")
    assert not names_another_of_its_kind(question, f"{before} {plan}")  # named in the sentence before
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused, answer.text


def test_an_untyped_question_is_not_answered_from_a_passage_about_another_thing(make_settings, embedder, tmp_path):
    # Two licences; the GPL's sentence on who publishes new versions does not say who publishes
    # the Apache License's, though it shares every other word of the question.
    from helpers import ROOT
    from rag.evaluation import load_squad
    from rag.ingest import Ingester

    load_squad(ROOT / "eval" / "squad_licenses.json", tmp_path / "corpus")
    settings = make_settings()
    Ingester(settings, embedder=embedder).run([tmp_path / "corpus"], progress=False)
    assistant = Assistant(settings, embedder=embedder)
    refused = assistant.answer("Which organisation may publish revised versions of the Apache License?",
                               mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("Which organisation may publish revised versions of the GNU General Public License?",
                                mode="extractive")
    assert not answered.refused and "Free Software Foundation" in answered.text, answered.text


def test_initialisms_join_names_across_of_and_and(assistant):
    # "Institute of Physics" is one run of capitalised words ("IOP"); a later regex of the same
    # module-level name had silently replaced the one this relies on.
    from rag.gate import initialisms

    assert {"ip", "iop"} <= initialisms("the Institute of Physics")  # with "of" or without
    assert "gpl" in initialisms("the GNU General Public License")
    # a reader's "MOU" for a "memorandum of understanding"
    assert "mou" in initialisms("signed a memorandum of understanding on data")
    assert_answered(assistant, "On what date did Hong Kong and the Cyberspace Administration of China sign their "
                    "data MOU?", "June 29, 2023")


@pytest.mark.parametrize("question, named", [
    ("Which district of Shanghai did the G60 corridor start in?", "Songjiang District"),
    ("Which university did DeepSeek's founder attend?", "Zhejiang University"),
])
def test_a_question_for_a_district_university_or_exchange_is_answered_by_a_sentence_naming_one(assistant, question,
                                                                                               named):
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and named in answer.text, answer.text


@pytest.mark.parametrize("question", [
    "Which district of Hangzhou is Game Science based in?",  # "based in Hangzhou" names no district
    "On which stock exchange is Unitree listed?",  # another company's listing did answer
    "游戏科学总部在杭州哪个区？",
])
def test_a_question_for_a_district_university_or_exchange_no_sentence_names_is_refused(assistant, question):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused, answer.text


@pytest.mark.parametrize("question, named", [
    ("Which six companies are called Hangzhou's Six Little Dragons?", "Unitree"),
    ("Which three companies did Guangdong's party secretary single out at the 2025 meeting?", "Huawei"),
])
def test_a_question_for_companies_is_answered_by_a_sentence_naming_them(assistant, question, named):
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and named in answer.text, answer.text


@pytest.mark.parametrize("question", [
    # "On April 27, 2023, three major facilities were formally put into use ..." names no company
    "Which firms have registered to use the synthetic biology facility in Guangming?",
    "光明科学城的合成生物大设施，有哪几家企业在用？",
    "合肥引进京东方时，还有哪几家公司一起竞争？",
])
def test_a_question_for_companies_no_sentence_names_is_refused(assistant, question):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused, answer.text


def test_a_sum_is_said_of_the_year_nearest_to_it():
    ranks = "2024年，合肥GDP达13507.7亿元，在全国城市中排第19位，而2022年和2023年分别排第21位和第20位。"
    assert not a_figure_of_the_year(analyse("What was Hefei's GDP in 2023?"), ranks)
    assert a_figure_of_the_year(analyse("合肥2024年的GDP是多少亿元？"), ranks)
    grew = "合肥GDP从2012年的4167.98亿元增至2022年的1.2013万亿元。"
    assert has_money("1.2013万亿元")
    assert a_figure_of_the_year(analyse("What was Hefei's GDP in 2022?"), grew)
    assert not a_figure_of_the_year(analyse("What was Hefei's GDP in 2017?"), grew + "2017年合肥排第20位。")
    english = "Hefei's GDP rose from 36.9 billion yuan in 2000, when it ranked 80th, to more than 1 trillion yuan in 2020."
    assert a_figure_of_the_year(analyse("What was Hefei's GDP in 2020?"), english)


def test_a_figure_before_a_semicolon_is_said_of_the_year_of_its_clause(assistant):
    """"In September 2021 ... to about 120 square kilometres; the December 2023 plan gives its area as
    120.56 square kilometres": 120 is said of 2021, though 2023 stands nearer to it."""
    planned = ("In September 2021 the central government announced a plan to expand the zone more than "
               "eightfold to about 120 square kilometres; the December 2023 plan gives its area as 120.56 square kilometres.")
    assert a_figure_of_the_year(analyse("How large was the zone to become under the 2021 plan, in square kilometres?"),
                                planned)
    answer = assistant.answer("2021年的扩区方案让前海合作区扩到多少平方公里？", mode="extractive")
    assert not answer.refused and "120" in answer.text, answer.text


def test_a_question_for_a_years_sum_is_refused_when_the_sum_given_is_another_years(assistant):
    # the only Chinese sentence naming 2023 gives Hefei's 2024 GDP and its 2023 rank
    assert assistant.answer("合肥2023年GDP多少？", mode="extractive").refused
    answer = assistant.answer("What was Hefei's GDP in 2022, in yuan?", mode="extractive")
    assert not answer.refused and "1.2013万亿元" in answer.text, answer.text


def test_a_share_is_a_percentage_or_a_fraction_not_a_sum():
    share = analyse("What share of Nanjing's GDP came from the digital economy in 2024?")
    assert not holds_answer_type(share, "In 2024 Nanjing's GDP was 1.85 trillion yuan, tenth among Chinese cities.")
    assert holds_answer_type(share, "2024年杭州数字经济核心产业增加值达6305亿元，占GDP的28.8%。")
    assert holds_answer_type(share, "The nine cities produced one-fifteenth of national GDP.")
    assert holds_answer_type(analyse("数字经济占杭州GDP的比重是多少？"), "占GDP的28.8%")
    # 占地 is the land a place takes up, not a share of something
    assert holds_answer_type(analyse("松山湖材料实验室规划占地多少亩？"), "It has a planned area of 1,200 mu.")


def test_a_share_of_a_year_is_not_answered_by_a_sum_of_that_year(assistant):
    answer = assistant.answer("What share of Nanjing's GDP came from the digital economy in 2024?", mode="extractive")
    assert answer.refused, answer.text


def test_a_factoid_naming_a_year_keeps_the_best_passage_naming_it(assistant):
    # five English passages on Hangzhou's digital economy in other years outrank the Chinese one
    # that gives 2024's figure; the gate then found no 2024 figure among the kept passages
    answer = assistant.answer("What was the value added of Hangzhou's core digital economy industries in 2024?",
                              mode="extractive")
    assert not answer.refused and "6305亿元" in answer.text, answer.text


@pytest.mark.parametrize("question", [
    # the apposition's "founder" is no event: Unitree's founding date does not say when he married
    "When did Wang Xingxing, the founder of Unitree, get married?",
    # a Chinese sentence must say the event too: 出生 (born) is not retiring
    "In what year did Zhao Zisen, the father of China's optical fibre, retire?",
])
def test_a_when_question_needs_its_event_not_the_words_describing_its_subject(assistant, question):
    assert assistant.answer(question, mode="extractive").refused


def test_a_when_question_is_answered_by_a_chinese_sentence_saying_its_event(assistant):
    answer = assistant.answer("In what year was Zhao Zisen, the father of Chinese optical fibre, born?",
                              mode="extractive")
    assert not answer.refused and "1932" in answer.text, answer.text


def test_an_english_count_of_what_a_chinese_question_counts_answers_it(assistant):
    # a long English sentence giving many facts is far from the short question as a whole; its count
    # of the thing asked ("39 key research tasks" for 重点科研任务), of the place asked, answers it
    answer = assistant.answer("光明科学城总规里一共列了多少项重点科研任务？", mode="extractive")
    assert not answer.refused and "39" in answer.text, answer.text


def test_a_chinese_bet_is_an_investment_whichever_verb_says_it(assistant):
    # 押 in the question, 布局 in the Hefei document: both say that the city put money in
    answer = assistant.answer("合肥什么时候押的长鑫？", mode="extractive")
    assert not answer.refused and "2016" in answer.text.split("[1]")[0], answer.text


@pytest.mark.parametrize("question, refused", [
    # the corpus gives only the first week's sales
    ("How many copies of Black Myth: Wukong have been sold in total?", True),
    ("How many copies did Black Myth: Wukong sell in its first week?", False),
    ("How many copies did Black Myth: Wukong sell in its opening week?", False),
])
def test_a_count_for_an_opening_span_answers_only_a_question_about_that_span(assistant, question, refused):
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused == refused, answer.text
    assert refused or "10 million" in answer.text


def test_a_hyphenated_modifier_is_not_a_name():
    # "R1-family" names R1; "family" is no name a passage must hold
    assert "family" not in analyse("Which R1-family model did DeepSeek release alongside DeepSeek-R1?").names
    assert "hangzhou" in analyse("Which Hangzhou-based firm makes robot dogs?").names


def test_a_count_may_name_what_it_counts_by_a_near_synonym(assistant):
    # the passage offers shares "to five companies"; the question counts firms
    answer = assistant.answer("How many firms were offered BOE shares in the placement tied to the Hefei government?",
                              mode="extractive")
    assert not answer.refused and "five companies" in answer.text, answer.text
    # ... but not by a word merely related: "jobs" are not "workers" (0.79 < synonym_similarity)
    selection = assistant.select("How many jobs were offered BOE shares in the placement tied to the Hefei government?")
    gate = Gate(assistant.config, assistant.multilingual_encoder())
    assert selection.question.counted == "job"
    assert gate._close_words("job", "five workers", assistant.config.synonym_similarity) == []


def test_a_sentence_dated_only_long_ago_does_not_answer_a_question_about_today(assistant):
    assert is_of_the_past("there were only 11 high-tech firms on the avenue in 1983 and 148 by the end of 1987")
    assert not is_of_the_past("In 2024 the zone hosted about 25,000 high-tech firms.")
    assert not is_of_the_past("The zone hosts about 25,000 high-tech firms.")
    answer = assistant.answer("How many high-tech companies are based in Zhongguancun today?", mode="extractive")
    assert answer.refused, answer.text


@pytest.mark.parametrize("question, refused", [
    # a figure for 2024 only; a sentence naming 2019 for another thing does not give one
    ("What was the total annual output value of the 23 distinctive Zhongguancun industrial parks in 2019?", True),
    ("What was the combined annual output value of the first batch of 23 distinctive industrial parks in "
     "Zhongguancun by 2024?", False),
])
def test_an_output_value_after_several_modifiers_asks_for_a_figure(assistant, question, refused):
    assert analyse(question).wants == "quantity"
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused == refused, answer.text
    assert refused or "700 billion yuan" in answer.text


@pytest.mark.parametrize("text, leans", [
    ("同一天，济南的“爱济南”客户端发表《杭州“六小龙”出圈，给济南什么启示？》。", True),
    ("The same day, the Hefei Daily asked what Hefei has.", True),
    ("A year later the park was listed.", True),
    ("On February 10, 2025 the Jinan news app asked what Jinan should learn.", False),
    ("2月10日，《新华日报》又刊发了一篇文章。", False),
])
def test_a_sentence_dated_by_the_one_before_leans_on_it(text, leans):
    # "同一天" (the same day) gives no date of its own: quoted alone it would answer "which day?"
    # with nothing
    assert leans_on_previous(text) == leans


def test_a_population_question_needs_a_sentence_naming_the_population(assistant):
    # a 2024 sentence on the park gives no population (the corpus gives 1.13 million residents
    # for 2021 only)
    assert analyse("What was Suzhou Industrial Park's population in 2024?").counted == "population"
    assert assistant.answer("What was Suzhou Industrial Park's population in 2024?", mode="extractive").refused
    answer = assistant.answer("What is the population of Suzhou Industrial Park?", mode="extractive")
    assert not answer.refused and "1.13 million" in answer.text, answer.text


def test_a_count_said_of_another_name_does_not_answer(assistant):
    # "one-24th of China's population" (the G60 cities' share) is no figure for Hangzhou
    assert assistant.answer("What is Hangzhou's population?", mode="extractive").refused
    # ... while a count owned by what the question names still answers
    answer = assistant.answer("How many residents does Suzhou Industrial Park have?", mode="extractive")
    assert not answer.refused and "1.13 million" in answer.text, answer.text


def test_a_word_of_the_same_stem_is_no_synonym_of_what_is_counted(assistant):
    # "four routes: transferring research results" counts no researchers ("research" is within the
    # synonym distance of "researcher"; the corpus gives no head count for the laboratory)
    answer = assistant.answer("How many researchers work at the Songshan Lake Materials Laboratory in Dongguan?",
                              mode="extractive")
    assert answer.refused, answer.text


@pytest.mark.parametrize("question", ["Who is the chairman of BOE?", "Who directed the film Ne Zha 2?",
                                      "Who wrote Journey to the West?"])
def test_a_chair_or_a_work_s_maker_is_named_with_the_role(assistant, question):
    # "BOE overtook Samsung Electronics" names a company, and "the novel Journey to the West" no
    # author: a chair, a director or a writer is named where the sentence says chair, directed, wrote
    answer = assistant.answer(question, mode="extractive")
    assert answer.refused, answer.text


def test_a_which_city_answer_names_a_city(assistant):
    # the best sentences on Digital Zhejiang name only Zhejiang; the one naming Hangzhou leans on them
    answer = assistant.answer("Which city served as the chief testing ground of Digital Zhejiang?", mode="extractive")
    assert not answer.refused and "Hangzhou" in answer.text, answer.text


def test_how_many_years_running_is_answered_by_a_place_in_the_run(assistant):
    # "its third consecutive conference" says how many years running; no figure counts "years" there
    assert analyse("How many years running has Guangdong held it?").counted == ""
    answer = assistant.answer("In 2025, how many years running had Guangdong made its first meeting of the new year "
                              "a high-quality development conference?", mode="extractive")
    assert not answer.refused and "third consecutive" in answer.text, answer.text


def test_a_country_named_by_its_people_is_met_by_the_country():
    # "Dutch" in a question is the Netherlands in a passage, as "American" is the United States
    from rag.gate import _names_its_countries

    question = analyse("In which Dutch city was the anammox process first found?")
    assert _names_its_countries(question, "It was discovered in a reactor in Delft, in the Netherlands.")
    assert not _names_its_countries(question, "It was discovered in a reactor in Bremen.")


def test_a_when_question_naming_an_event_needs_that_event_said(assistant):
    """"When was Origin Quantum listed?" is not answered by the day Origin Quantum was established,
    though that sentence holds its name, a date and the question's other words; the day it was
    established answers the question that asks for it."""
    listed = assistant.answer("When was Origin Quantum listed on the stock market?", mode="extractive")
    assert listed.refused, listed.text
    founded = assistant.answer("When was Origin Quantum established?", mode="extractive")
    assert not founded.refused and "2017" in founded.text
    opened = assistant.answer("When did Hefei open its first metro line?", mode="extractive")
    assert opened.refused, opened.text
    # a centre that opened was as often founded or set up: the day it was founded answers
    centre = assistant.answer("When did the Chinese Academy of Sciences open its quantum centre in Hefei?",
                              mode="extractive")
    assert not centre.refused and "January 15, 2014" in centre.text, centre.text


def test_a_who_did_it_question_needs_what_was_done_said(assistant):
    """"Who funded Jiaohuidian's articles?" is not answered by the sentence saying whose news app
    Jiaohuidian is, though it holds a new name: nothing there says anyone funded anything. The one
    saying who called R1 a Sputnik moment answers the question that asks it."""
    refused = assistant.answer("Who funded Jiaohuidian's articles on Nanjing?", mode="extractive")
    assert refused.refused, refused.text
    called = assistant.answer("Who called DeepSeek-R1 AI's Sputnik moment?", mode="extractive")
    assert not called.refused and "Andreessen" in called.text


def test_a_count_is_given_by_the_sentence_itself_not_the_one_before(assistant):
    """"By 2024 ... four routes: ... joint research between the laboratory and companies" follows a
    sentence on 15 companies registered by 2020: the count is the earlier sentence's, and the 2024
    sentence counts no companies. The 2020 sentence still answers the question it answers."""
    refused = assistant.answer("How many companies had the Songshan Lake lab set up by 2024?", mode="extractive")
    assert refused.refused, refused.text
    answered = assistant.answer("How many industrialisation companies did the Songshan Lake Materials Laboratory "
                                "register in Dongguan?", mode="extractive")
    assert not answered.refused and "15" in answered.text


def test_a_number_in_a_name_is_no_day_and_the_date_of_is_a_when_question(assistant):
    """"一号发展工程" (the "No. 1 development project") gives no day, while "2月25号" does; and
    "What was the exact date of ...?" asks for a date, which the sentence on Zhejiang's 2023 meeting
    ("held after the Spring Festival") does not give."""
    from rag.question import holds_answer_type

    on_what_day = analyse("On what date did the meeting take place?")
    assert not holds_answer_type(on_what_day, 'Zhejiang proposed the "一号发展工程" with greater force.')
    assert holds_answer_type(on_what_day, "2月25号，蔚来参加了云签约。")
    assert analyse("What was the exact date of Zhejiang's 2023 first meeting of the new year?").wants == "time"
    answer = assistant.answer("What was the exact date of Zhejiang's 2023 first meeting of the new year?",
                              mode="extractive")
    assert answer.refused, answer.text


def test_a_figure_for_one_day_is_no_figure_for_another(assistant):
    # Nvidia's shares fell about 17 percent on January 27, 2025; the documents give no fall for
    # another day, and a sentence that follows the dated one speaks of that day too.
    assert_answered(assistant, "How many percent did Nvidia's share price lose on January 27, 2025?", "17 percent")
    for day in ("January 30", "January 26"):
        assert_refused(assistant, f"How many percent did Nvidia's share price lose on {day}, 2025?")
    assert_refused(assistant, "How big was Nvidia's one-day loss on January 26, 2025?")
    assert days_in("On 27 January and 2020年2月25日, then May 3") == {(1, 27), (2, 25), (5, 3)}


def test_a_multi_part_question_is_answered_when_one_part_is_supported(assistant):
    # asked whole, the sentence on Jiuzhang had to give a figure "in 2020" for a question that also
    # asks what was unveiled; asked part by part, each part finds its sentence
    assert_answered(assistant, "What did a USTC team unveil in December 2020, and how many photons did it detect?",
                    "Jiuzhang", "76-photon")
    assert_answered(assistant, "How long does the high-speed train from Suzhou to Shanghai take, and roughly how many "
                    "residents does the industrial park have?", "25 minutes")
    # a part that asks for what the documents never give is still refused alone
    for question in ("How rich is Liang Wenfeng?", "What is Liang Wenfeng's net worth?"):
        assert_refused(assistant, question)


def test_question_pieces_are_parts_that_ask_something():
    from rag.question import question_pieces
    assert question_pieces("How long is the ride, and about how many people live there?") == \
        ["How long is the ride", "how many people live there?"]
    # a question mark closing a quotation ends no part; a clause that asks nothing leads into the next
    assert len(question_pieces("Who was Nanjing's mayor during the 2025 'Why not Nanjing?' debate?")) == 1
    assert question_pieces("合肥手里那18%的京东方股份，后来是哪一年卖掉的？") == ["合肥手里那18%的京东方股份，后来是哪一年卖掉的？"]
    assert len(question_pieces("长飞是哪年成立的？它哪一年建起了研发中心？")) == 2


def test_an_age_at_an_event_is_told_by_a_year_of_birth(assistant):
    # no document gives Liang Wenfeng's age when DeepSeek was founded, but "born in 1985" and the
    # founding date tell it
    assert_answered(assistant, "How old was Liang Wenfeng when DeepSeek was founded?", "born in 1985")
    assert_answered(assistant, "How old was Zhao Zisen when China's first optical fibre was made?", "1932")


def test_a_when_question_needs_the_event_it_names(assistant):
    # Chen Deli is named only as DeepSeek's man at the 2025 Wuzhen dialogue, and the Changfei chip
    # base only by its yearly output: neither sentence says when he joined or it began producing
    assert_refused(assistant, "When did Chen Deli join the company DeepSeek?")
    assert_refused(assistant, "When did the Changfei chip base in Wuhan begin production?")
    assert_answered(assistant, "In what year was Liang Wenfeng born?", "1985")


def test_a_readers_own_word_weighs_less_than_the_collections(assistant):
    # "weigh in" is in no chunk; the Huangpu sentence gives business leaders a say in tech decisions
    assert_answered(assistant, "Which part of Guangzhou lets business leaders weigh in on tech decisions?", "Huangpu")
    # a word no chunk holds still counts: the documents name no mayor
    assert_refused(assistant, "Who is the mayor of Hangzhou?")


@pytest.mark.parametrize("term, text, found", [
    ("costing", "The laboratory will cost about 12 billion yuan.", True),  # the lemmatiser keeps "costing"
    ("fund", "Its funding came from the city government.", True),
    ("listing", "About one-fifth of the companies listed on the STAR Market.", True),
    ("planning", "The city plans a new park.", True),  # a doubled consonant
    ("thing", "The things they sell.", True),  # its lemma ("thing") is there as it is
    ("building", "They build robots.", True),
    ("meeting", "The ministers met in March.", True),  # "met" is read as "meet"
    ("costing", "The coast is near.", False),
])
def test_a_word_in_ing_meets_its_verb(term, text, found):
    from rag.gate import found_terms

    assert bool(found_terms([term], text)) is found


def test_an_event_said_of_another_name_does_not_date_the_one_asked_about(assistant):
    # "DeepSeek was founded in 2023 as an offshoot of ... High-Flyer" dates DeepSeek, not High-Flyer
    import re

    from rag.gate import _EVENTS, _happened_to_another

    founded = next(forms for asked, forms, _ in _EVENTS if re.search(asked, "founded"))
    text = "Most accounts say DeepSeek was founded in 2023 as an offshoot of the quantitative hedge fund High-Flyer."
    assert _happened_to_another(analyse("When was the High-Flyer fund founded?"), founded, text)
    assert not _happened_to_another(analyse("When was DeepSeek founded?"), founded, text)
    answer = assistant.answer("When was the High-Flyer fund founded?", mode="extractive")
    assert not answer.text.startswith("Most accounts say DeepSeek was founded"), answer.text


@pytest.mark.parametrize("last, follow_up, standalone", [
    # "it" comes before the follow-up's own name: it points back at the last question's
    ("Who started BrainCo?", "And when did it move to Hangzhou?", "And when did it move to Hangzhou? (BrainCo)"),
    # the follow-up's own name comes first: "its" is Hefei's
    ("Why did DeepSeek appear in Hangzhou?", "How did Hefei fund its bets?", "How did Hefei fund its bets?"),
    # "Has" opens a question; it is no name of the follow-up's own
    ("Why did Unitree become famous?", "Has it made anything besides robot dogs?",
     "Has it made anything besides robot dogs? (Unitree)"),
])
def test_a_pronoun_before_the_follow_ups_own_name_points_back(last, follow_up, standalone):
    assert condense_rule(follow_up, [[last, ""]]) == standalone


def test_a_name_after_a_bodys_word_is_no_persons_name():
    from rag.question import person_names

    assert person_names("Most accounts say DeepSeek began as an offshoot of the hedge fund High-Flyer.") == []
    assert person_names("DeepSeek's founder Liang Wenfeng was born in 1985.") == ["Liang Wenfeng"]


@pytest.mark.parametrize("question", ["deepseek创始人是谁", "Who founded DeepSeek?"])
def test_a_who_question_leads_with_the_sentence_naming_the_person(assistant, question):
    # the founder of another company (群核科技's 黄晓煌), or a sentence naming only the fund DeepSeek
    # came from, does not lead an answer to who founded DeepSeek
    answer = assistant.answer(question, mode="extractive")
    assert not answer.refused and "Liang Wenfeng" in answer.text.split("[1]")[0], answer.text


def test_each_year_a_question_asks_a_figure_for_gets_a_sentence_giving_it(assistant):
    # 2024's rank is in a Chinese sentence, 2000's in an English one far below it in score: both are shown
    answer = assistant.answer("合肥的GDP在全国排第几？2000年呢，2024年呢？", mode="extractive")
    assert not answer.refused and "80th" in answer.text and "第19位" in answer.text, answer.text


def test_hours_of_compute_are_no_length_of_time_and_days_spent_are_no_sum():
    # "2.788 million H800 GPU hours" counts work, not time: it does not say how long V3 took to train,
    # nor how long its context window is; "花了多少天" asks for days, not money
    from rag.question import holds_type

    assert not holds_type("duration", "Training took about 2.788 million H800 GPU hours.")
    assert holds_type("duration", "The relay lasted 48 hours.")
    assert analyse("DeepSeek-V3从开训到训完，前后一共花了多少天？").wants != "money"
    assert analyse("合肥为京东方花了多少？").wants == "money"


def test_a_context_window_is_not_answered_by_gpu_hours(assistant):
    answer = assistant.answer("DeepSeek-V3支持多长的上下文窗口？", mode="extractive")
    assert answer.refused, answer.text


def test_the_words_the_documents_write_as_names_are_mined_with_their_runs():
    written = capitalised_words([
        "The academician Wang Enge chairs the board of the Songshan Lake Materials Laboratory. "
        "In May the lab opened; DeepSeek and the G60 corridor joined, and the US chip maker left.",
        "May you find it. Its lake is small, and so is the university next to it."])
    assert written["wang enge"] == "Wang Enge" and written["enge"] == "Enge" and written["deepseek"] == "DeepSeek"
    assert written["songshan lake"] == "Songshan Lake" and written["g60"] == "G60"
    # an ordinary word is a name only inside a run; "US" is also the pronoun "us"; "May" is no pinyin
    assert "lake" not in written and "university" not in written and "us" not in written and "may" not in written
    # one capitalised word no English word list holds is a company's name; a common word is none
    written = capitalised_words(["The robots of Unitree danced at the Summit, and shares of Nvidia fell."])
    assert written["unitree"] == "Unitree" and written["nvidia"] == "Nvidia"
    assert "summit" not in written and "shares" not in written


def test_a_certain_typing_slip_is_mended_from_the_collections_words():
    collection = {"facility", "corridor", "research", "zhangjiang", "grade", "rally", "valley"}
    common = {"faculty", "router", "route", "really", "real", "rely"}
    mend = lambda text: with_slips_mended(text, collection, common, {"zhangjiang"}, lambda w: w.endswith("jiang"))  # noqa: E731
    # the collection's word before a common one; a letter left out, added, changed or two swapped
    assert mend("Is the brain facilty open?") == "Is the brain facility open?"
    assert mend("the G60 coridor's reserach parks") == "the G60 corridor's research parks"
    assert mend("Coridor?") == "Corridor?"
    # a common word, a short word, a word with two readings, and a pinyin name are left as typed
    assert mend("my router") == "my router" and mend("fresh grads") == "fresh grads"
    assert mend("optics vallley or ralley") == "optics valley or ralley"
    assert mend("the changjiang cloud") == "the changjiang cloud"


def test_a_question_refused_as_typed_is_asked_again_with_its_slips_mended(assistant):
    # "biolgy" is no word of the documents: as typed the question is refused
    assert_answered(assistant, "just how much of china's synthetic biolgy start-up scene ended up in guangming?",
                    "80 percent")


def test_a_question_typed_in_lower_case_gets_the_longest_runs_of_names_back():
    written = {"songshan lake": "Songshan Lake", "wang enge": "Wang Enge", "enge": "Enge",
               "songshan lake materials laboratory": "Songshan Lake Materials Laboratory"}
    assert capitalise_names("is wang enge the director of the songshan lake materials lab?", written) == \
        "is Wang Enge the director of the Songshan Lake materials lab?"
    assert capitalise_names("the songshan lake materials laboratory's board", written) == \
        "the Songshan Lake Materials Laboratory's board"
    assert capitalise_names("which lake?", written) == "which lake?"


@pytest.mark.parametrize("question", ["Why did the mayor of Hangzhou resign in 2024?",
                                      "How many national laboratories does Hefei have?",
                                      "Who is the chief technology officer of Unitree Robotics?",
                                      "What was Wuhan's GDP in 2024?"])
def test_a_question_typed_in_lower_case_is_refused_as_the_same_question_with_capitals(assistant, question):
    # a reader's lower case once hid the names the gate checks ("hangzhou", "unitree"), and these were answered
    assert_refused(assistant, question)
    assert_refused(assistant, question.lower())


def test_a_question_typed_in_lower_case_is_answered_with_the_names_it_asks_about(assistant):
    # "kujiale" once named nothing, and the answer stopped at the sentence listing the six dragons
    assert_answered(assistant, "which of hangzhou's six little dragons is behind the kujiale platform, and what kind "
                               "of platform is it?", "Manycore", "interior design")


def test_an_author_asked_for_is_a_person_not_the_newspaper_that_ran_the_piece(assistant):
    # the essay names Xinhua Daily and Jiaohuidian, never its own author
    assert_refused(assistant, "Who's the author of the DeepSeek Storm piece about urban innovation anxiety?")


def test_a_sentence_going_on_from_a_chosen_one_is_quoted_with_it(assistant):
    # "That figure assumes rented GPUs ..." goes on from "... priced at roughly 5.6 million US dollars"
    answer = assistant.answer("which GPUs did deepseek say it used to train v3, and were they bought or rented in its "
                              "cost estimate?", mode="extractive")
    assert "H800" in answer.text and "rented GPUs" in answer.text, answer.text
    assert "5.6 million US dollars. That figure assumes rented GPUs" in answer.citations[0].quote, answer.citations
