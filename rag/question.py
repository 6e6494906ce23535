"""What a question asks for: its language, its kind (fact or explanation), the type of answer
it expects (a figure, a date), its topic words and its names.

A leaf module: every component of the answer path reads a :class:`Question`, none of them
re-parses the question text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.multilingual import chinese_person_names, is_pinyin
from rag.text import is_cjk_text, token_set, tokenize

# Phrases that link a question's parts, or frame it ("what should a reader keep in mind"), and say
# nothing of its topic.
_LINKING_PHRASE = re.compile(r"\b(?:in order|so as) (?:to|that)\b|\bin terms of\b|\bwith (?:regard|respect) to\b|"
                             r"\b(?:keep|bear) in mind\b|"
                             # "Why was Black Myth: Wukong such a big deal?" asks why it mattered
                             r"\b(?:such|so) (?:a )?big (?:a )?deal\b", re.I)

# Words that say how a question is asked rather than what it is about.
QUESTION_FRAME = frozenset(tokenize(
    "many much long name named called kind type exactly currently now today presently main mean means happen happened according "
    "article articles documents document text way month year years date day period time number share total "
    "amount make take use mention mentioned describe describes refer list call say propose involve compare "
    "differ argue matter get include contain example specific role particular give given find tell know "
    "reason reasons explain explains explanation explanations lesson lessons point points factor factors "
    # a reader's names for the documents, and "firms like DeepSeek"
    "essay essays piece pieces like "
    # generic words a reader adds in their own phrasing ("If I hand out ..., what must someone ...")
    "must may might shall need needs needed within without rather else instead apart besides also still even "
    "just simply really actually someone somebody something anyone anybody anything everyone everything thing "
    "things people person one two three come comes came go goes went able whether either ever whose reader readers "
    # hedges: "roughly how many", "reportedly stockpiled"
    "roughly approximately approximate around nearly almost reportedly apparently supposedly suppose supposed "
    # a chat's fillers: "ok, and how many ...?"
    "ok okay thanks please hmm "
    # a reader's words for the documents' account and its parts ("in the G60 story", "how do they
    # fit together", "the big provinces")
    "story stories big small tiny along together among fit"
)) | frozenset(
    # "who's", "where's": the possessive rule turns these into "who", "where", which are stopwords
    # only as written
    "who what where when why how".split()
) | frozenset(
    # the same frame in Chinese ("……是在哪一年成立的？", "……被叫作什么？", "这种做法叫什么？"), written as
    # the tokens segmentation gives (segmenting here would load jieba for every English question)
    "一年 哪一年 哪年 叫作 叫做 称作 名字 名称 这种 做法 大约 大概 一共 总共 分别 当时 加以 进行 何时 时候 期间 哪位 "
    # "去年（2024年）", "排老几" (which place), "左右" (about), "到底 / 究竟是哪年" (exactly, on earth), "几月份"
    "去年 今年 老几 左右 到底 究竟 月份 几月份 现在 目前 如今 当前".split()
) | frozenset(
    # "几个", "几台", "几家": how many, in any measure word
    "几" + measure for measure in "个名位家座所项种条篇首部件只头张本册支棵株枚颗辆架艘间层块根份台年次天岁周倍月号日"
) | frozenset(
    # "这两个老板", "三家公司": a count of what the question names, like "two" and "three" above
    number + measure for number in "两三" for measure in "个名位家座所项种条篇部本")
_QUANTITY_Q = re.compile(r"\bhow (?:many|much|large|big|small|tiny|old|far|long)\b|\bwhat (?:percentage|share|proportion|"
                         r"number|amount|size|population|budget|cost|value|figure)\b|\bpopulation\b|"
                         # "jinan's 2024 gdp, any figure?", "... - got a number?", "is there a number for it?"
                         r"\b(?:any|got an?|is there an?|give me an?)\s+(?:figures?|numbers?)\b|"
                         # 几个 counts, 那几个 / 这几家 point at things already named, 的几家 and 好几家 are "several of them"
                         r"多少|(?<![哪那这的好])几[个年家座所次位项天岁周台名种条篇首部件只张本辆架艘间层块根份倍]|"
                         r"几(?:分钟|小时|秒钟|亩|公里|米|吨)|多大|多长|多久|人口|比例|百分之", re.I)
_MONEY_Q = re.compile(r"\bhow much (?:money|funding|capital)\b|\bhow rich\b|\bnet worth\b|身家|多有钱|"
                      # "What valuation was it seeking?", "What was the film's box office take?"
                      r"\bwhat (?:valuation|price|budget|revenue|salary|fee)\b|\bbox[- ]office\b|票房|估值|"
                      r"\bhow much (?:did|does|do|will|would|is|are|was|were|has|have|had)\b.{0,80}\b(?:cost|spend|spent|spending|"
                      r"invest|invested|investing|pay|paid|raise|raised|receive|earn|charge|sell for|go for|put|putting|"
                      r"pour|poured|pouring|inject|injected|injecting|lose|lost|losing)\b|"
                      r"\bwhat (?:did|does|do|will)\b.{0,80}\b(?:cost|charge|sell for|go for)\b|\b(?:what|how (?:large|big|high)) (?:is|was|were) (?:[\w'\u2019-]+\s+){0,5}?"
                      r"(?:total |annual |overall |construction )?(?:budget|cost|price|revenue|valuation|gdp|investment|"
                      r"salary|salaries|wages?|income|earnings|"
                      r"added value|value added|market value|turnover|profits?)\b|"
                      r"\bwhat (?:is|was|are|were) [^?]{1,60}\bworth\b|"  # "What was the digital economy worth ...?"
                      r"多少(?:钱|资金|美元|元|亿元|万元)|(?:投资|投入|出资)了?(?:大约|约)?多少|注册资本|营业收入是多少|预算是多少|"
                      r"花了多少(?!天|年|个?月|周|星期|小时|分钟|时间)|"  # (花了多少天 asks a length of time)
                      # "……增加值是多少？", "GDP有多少？" (not "占GDP多少", a share)
                      r"(?<!占)(?:增加值|产值|营收|营业额|收入|利润|市值|估值|GDP|经济总量|生产总值|总投资|投资额|融资额)"
                      r"(?:是|为|有|达到?|共|一共|总共)?(?:大约|大概|约)?多少", re.I)
_DURATION_Q = re.compile(r"\b(?:over|in|during|within|for) what (?:period|time|span)\b|\bhow long\b|多久|多长时间|多少年", re.I)
# "How long did ... take?" asks for a length of time, not any figure ("How long is the river?" may not).
_TAKES_TIME_Q = re.compile(r"\bhow long (?:did|does|do|has|have|had|will|would|can|could|should|must)\b|"
                           r"\bhow long\b.{0,60}\b(?:take|took|takes|last|lasted|lasts|stay|stayed|stick|stuck|"
                           r"remain|remained|wait|waited)\b|\bfor how long\b|\bhow many (?:days|weeks|months|years|"
                           r"decades|hours|minutes)\b|多久|多长时间|多少年|(?:多少|几)个?(?:天|周|星期|月|小时|分钟)", re.I)
# "How long is the G60 expressway?" asks for a length or a length of time, not any figure ("nine
# cities"); "How long did ... take?" only for a length of time (above).
_HOW_LONG_Q = re.compile(r"\bhow long\b|多长(?!时间)", re.I)
_HAS_LENGTH = re.compile(r"\d[\d,.]*\s*-?\s*(?:km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|m|cm|mm|nm|feet|foot|ft|"
                         r"inch(?:es)?|nucleotides?|bases?|base[ -]pairs?|bp|kb|residues?|amino acids?|characters?|"
                         r"words?|pages?|lines?|letters?|bytes?|bits?)\b|\d\s*(?:公里|千米|米|厘米|毫米|里)", re.I)
# "What rank ...?", "How did it rank?", "……排第几？": a place in a ranking, given as an ordinal
# ("ranked tenth", "20th", "第10位"), not any figure.
_RANK_Q = re.compile(r"\bwhat (?:rank|ranking)\b|\b(?:how|where) (?:did|does|do|is|was|were|has|have|had)\b"
                     r".{1,80}\brank(?:s|ed)?\b|"
                     # "hefei's gdp ranking in 2021 - where was it?", "... ranking for 2025?"
                     r"\b(?:where|what)\b.{0,60}\brankings?\b|\brankings?\b.{0,40}\b(?:where|what)\b|"
                     r"\brankings?\s+(?:for|in)\s+(?:19|20)\d\d\b|排第几|排名第几|第几|排老几|排名多少", re.I)
# a fraction is no place ("one-eighth", "one-24th", "a fifth of")
_HAS_RANK = re.compile(r"(?<!-)(?<!\ba )\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                       r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
                       r"twentieth|top|No\.\s?\d+|number (?:one|\d+)|version \d+(?:\.\d+)*)\b|第\s*[\d一二三四五六七八九十百]+|"
                       r"\d+(?:\.\d+)*\s*版|首位|榜首|居首", re.I)
# "What was the GDP growth rate ...?", "……同比增长了多少？": a rate of change, given as a percentage
# or a multiple ("3.5 percent", "8.7%", "百分之五", "两倍"), not any figure ("the fastest in five years").
# ("By how much did it fall?" may be answered by a sum.)
_RATE_Q = re.compile(r"\bgrowth rate\b|\bhow (?:fast|quickly)\b[^?]{0,60}\b(?:grow|grew|grown|growing|expand|expanded|"
                     r"rise|rose|risen|increase|increased)\b|\brate of (?:growth|increase|decline)\b|\bby what percent|"
                     r"\byear[- ]on[- ]year\b|"
                     r"同比|增速|增长率|增幅|百分之几", re.I)
_HAS_RATE = re.compile(r"\d[\d.,]*\s*(?:%|％|percent\b|per cent\b|percentage points?\b|个?百分点|倍)|"
                       r"\b(?:doubled|tripled|halved|(?:two|three|four|five|ten)fold)\b|百分之|[一二两三四五六七八九十]+(?:倍|成)", re.I)
# "In which month ...?", "……是几月？": a month (not a year alone).
_MONTH_Q = re.compile(r"\b(?:which|what) month\b|哪个月|哪一个月|几月", re.I)
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_HAS_MONTH = re.compile(rf"\b(?:{_MONTH_NAMES}|(?:{_MONTH_ABBREVIATIONS})\.)|[\d一二三四五六七八九十]+\u6708")
# "On what date ...?", "……是哪天……？": a day (not a month or a year alone).
_DAY_Q = re.compile(r"\b(?:what|which) (?:exact )?(?:date|day)\b|\bexact date\b|哪一?天|几月几[日号]|"
                    r"(?<!第)几号(?![线楼院])|哪个日子", re.I)
_HAS_DAY = re.compile(rf"\b(?:{_MONTH_NAMES}|(?:{_MONTH_ABBREVIATIONS})\.?)\s+\d{{1,2}}\b|"
                      rf"\b\d{{1,2}}\s+(?:{_MONTH_NAMES})\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|[\d一二三四五六七八九十]+\s*日|"
                      # 号 is a day after a month or standing alone ("25号"), not in a name ("一号工程", "1号线")
                      r"(?<=月)[\d一二三四五六七八九十]+\s*号|[\d一二三四五六七八九十]+\s*号(?![\u4e00-\u9fff\"“”])|"
                      r"除夕|元旦|大年初[一二三四五六七]|New Year's (?:Eve|Day)|Christmas (?:Eve|Day)|Boxing Day", re.I)
# "How old ...?", "……时多少岁？": an age.
_AGE_Q = re.compile(r"\bhow old\b|\bwhat age\b|多少岁|几岁|年龄|多大年纪|多大岁数|(?:那年|当年|当时|时候|之时)(?:才|已经|有)?多大(?![面规])", re.I)
# an age is also told by a year of birth ("born in 1985", "1932年出生"), from which the age at a
# dated event follows
_HAS_AGE = re.compile(r"\bborn (?:in|on) (?:\w+ )?(?:\d{1,2}, )?(?:1[89]|20)\d\d\b|(?:1[89]|20)\d\d\s*年[^，。]{0,6}(?:出生|生于)|"
                      r"生于\s*(?:1[89]|20)\d\d|\b\d{1,3}\s*(?:years?[ -]old|-year-old)\b|\baged?\s+(?:of\s+)?\d{1,3}\b|\bage of \d{1,3}\b|"
                      r"[\d一二两三四五六七八九十百]+\s*岁", re.I)
# "Who founded ...?" is answered by a name: a person's ("Wang Xingxing") or a body's ("the Shenzhen
# Institutes of Advanced Technology").
# "杭州市长是谁？", "DeepSeek的创始人是谁？": the role (group 1) after what holds it.
_CHINESE_ROLE_Q = re.compile(r"(?:的|市|省|区)?([\u4e00-\u9fff]{2,4}?)(?:是谁|叫什么名字)")
_WHO_Q = re.compile(r"(?:^|[.?!]\s+)who\b|是谁|谁是|哪位", re.I)
# "Who's Wang Hao?" asks who a named person is (the provincial party secretary), not for a name.
_WHO_IS_NAMED = re.compile(r"^\W*(?i:(?:and\s+)?who(?:\u2019s|'s|\s+is|\s+was))\s+(?:[A-Z][\w\u2019'-]*\s*){1,4}\W*$")
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:of |for )?[A-Z][a-z]+)+\b")
CALENDAR = frozenset("january february march april may june july august september october november december "
                      "monday tuesday wednesday thursday friday saturday sunday spring summer autumn winter".split())
# "Who is the director of ...?", "Who co-founded ...?": a role only a person holds. Its answer is a
# person's name, not a body's or a place's ("the Institute of Physics", "Hefei High-tech Zone"), and it
# is said of what the question names (Unitree's CTO is not DEEP Robotics' CTO).
_PERSON_ROLE_Q = re.compile(r"\b(?:director|ceo|cto|cfo|chief [a-z]+ officer|founders?|co-?found(?:ed|er|ers)?|"
                            r"found(?:ed|s)|chair(?:man|woman|person)?|president|mayor|governor|secretary|party chief|"
                            r"head(?:s|ed)?|boss|dean|professor|inventor|father|mother|wife|husband|son|daughter|"
                            r"(?:chief )?scientists?|engineers?|researchers?|economists?|architects?|editors?|"
                            r"spokes(?:man|woman|person)|direct(?:ed|s)|wrote|written|authored|authors?|writers?|"
                            r"composed|painted|"
                            r"invented)\b",
                            re.I)
# "What's the name of the Guangdong party boss who ...?" asks for a person as "who" does.
_NAME_OF_A_ROLE_Q = re.compile(r"\bwhat(?:'s|\u2019s| is| was| are| were) the names? of (?:the |its |their |his |her )?"
                               r"(?:[\w'\u2019-]+ ){0,3}?" + _PERSON_ROLE_Q.pattern, re.I)
_PLACES = frozenset("""beijing shanghai tianjin chongqing hangzhou nanjing suzhou wuxi ningbo hefei wuhan shenzhen
    guangzhou dongguan foshan zhuhai hong kong macao chengdu changsha zhengzhou qingdao xiamen fuzhou jinan shenyang
    dalian harbin kunming guiyang songjiang guangming songshan xiong zhejiang jiangsu anhui hubei guangdong fujian
    shandong sichuan henan hunan singapore america american united states europe european asia silicon
    yangtze pearl greater zhongguancun""".split())
# "Which city ...?", "In which province ...?": answered by a sentence naming a place the question does not.
_PLACE_Q = re.compile(r"\b(?:which|what) (?:other |chinese )?(?:city|cities|province|provinces)\b", re.I)


def names_a_place_asked_for(question: "Question", text: str) -> bool | None:
    """Does ``text`` name a city or province (:data:`_PLACES`) the question does not name? None
    when the question asks for no place (an English "which city / province" question) or the text
    is Chinese (not judged)."""
    if question.language != "en" or not _PLACE_Q.search(question.text) or is_cjk_text(text):
        return None
    return bool(_PLACES.intersection(tokenize(text)) - set(question.terms) - set(question.names))


# "总部设在哪个城市？", "梁文锋是哪个省的人？": a Chinese question asking for a city or province
_PLACE_Q_ZH = re.compile(r"哪(?:个|座|一个|一座)?(?:城市|省份?)")


def asks_for_a_place(question: "Question") -> bool:
    """Does a Chinese factoid ask which city or province (哪个城市, 哪个省)? (An English one's answer
    leads with a sentence naming one: :func:`names_a_place_asked_for`.)"""
    return question.language == "zh" and not question.is_explanation and bool(_PLACE_Q_ZH.search(question.text))


def names_a_place(question: "Question", text: str) -> bool:
    """Does ``text`` name a city or province the question does not: one of :data:`_PLACES` or a
    province or its capital (:data:`PROVINCIAL_CAPITALS`) in an English text; in a Chinese one, a
    province, a capital or another city of :data:`_CHINESE_CITIES`, or a place jieba tags (it tags the
    collection's own words, 合肥 among them, as nouns)?"""
    if is_cjk_text(text):
        import jieba.posseg

        return any(place not in question.text for place in _CHINESE_CITIES.findall(text)) or any(
            pair.flag == "ns" and pair.word not in question.text for pair in jieba.posseg.cut(text))
    places = _PLACES | {name.lower() for province, (city, _, _) in PROVINCIAL_CAPITALS.items()
                        for name in (province, city)}
    # ... or a word in pinyin a place is said to be ("born in 1985 in Zhanjiang")
    places |= {w.lower() for w in _IN_A_PLACE.findall(text) if is_pinyin(w.lower())}
    return bool(places.intersection(tokenize(text)) - set(question.terms) - set(question.names)
                - set(question.other_terms))


_IN_A_PLACE = re.compile(r"\b(?:in|from|at|near)\s+([A-Z][a-z]+)\b")


# Words of a body's or a place's name, never of a person's.
_NOT_A_PERSON = frozenset("""institute institutes academy sciences science university college school laboratory lab
    labs park road street avenue zone district city province county town village lake river mountain valley bay
    delta island company group corporation corp inc ltd technology technologies tech robotics bank fund capital
    government committee party daily news times post review press association center centre ministry bureau
    council office store app model network foundation society museum hospital airport station port
    festival gala prize award program programme project plan initiative league team club studio games
    industrial innovation development economic economy national international china chinese
    laboratories exchange ridge heights springs harbor harbour forest gardens square plaza tower towers
    boulevard campus electronics semiconductor semiconductors motors motor pharmaceutical pharmaceuticals
    summit conference forum expo congress""".split())
# ... and the words a body's name may follow ("the startup Manycore", "the hedge fund High-Flyer")
_BEFORE_A_BODYS_NAME = _NOT_A_PERSON | frozenset("firm firms startup brand platform outlet newspaper magazine "
                                                 "funds".split())
# "At which university ...?": in English an institution's name, or its description, says what it is
# ("Zhejiang University", "the Institute of Physics", "a makeshift laboratory"): the answer holds that word.
# "Which Hong Kong universities ...?": up to two words before the kind, none of them a verb ("What role
# have universities played ...?" asks no name)
_INSTITUTION_Q = re.compile(r"\b(?:which|what) (?:(?!(?:is|are|was|were|has|have|had|do|does|did)\b)[\w-]+ ){0,2}?"
                            r"(universit(?:y|ies)|institutes?|colleges?|schools?|laborator(?:y|ies)|labs?|hospitals?|"
                            r"museums?|observator(?:y|ies)|academ(?:y|ies))\b", re.I)
_INSTITUTION_WORDS = {"university": r"University", "institute": r"Institutes?", "college": r"College",
                      "school": r"School", "laboratory": r"Lab(?:oratory)?", "lab": r"Lab(?:oratory)?",
                      "hospital": r"Hospital", "museum": r"Museum", "observatory": r"Observatory",
                      "academy": r"Academy"}
# ... and as Chinese writes it: a Chinese sentence answers "which university" only by naming a 大学.
_CHINESE_INSTITUTION_WORDS = {"university": "大学", "institute": "研究所|研究院", "college": "学院",
                              "school": "学校|学院|中学|小学", "laboratory": "实验室", "lab": "实验室",
                              "hospital": "医院", "museum": "博物馆", "observatory": "天文台", "academy": "科学院|学院"}
# "What is the concentration of ...?", "What editing efficiency ...?": a measured quantity.
_MEASURE_Q = re.compile(
    r"\bwhat (?:(?:is|was|are|were) )?(?:the |its |their )?(?:(?!(?:do|does|did|is|was|are|were|has|have|had|can|"
    r"could|will|would)\b)[\w-]+ ){0,3}(?:concentration|efficiency|length|height|depth|width|thickness|weight|mass|speed|"
    r"velocity|rate|temperature|density|capacity|voltage|energy|power|distance|area|volume|frequency|precision|age|"
    r"diameter|radius|altitude|elevation|pressure|wavelength|yield|output|lifespan|value)\b"
    r"(?=\s+(?:of|in|for|at|on|by|does|do|did|is|was|are|were|has|have|had|can|could|will|would|to)\b|\s*[?,]|$)", re.I)
_QUOTE_Q = re.compile(r"\b(?:titles?|headlines?|slogans?|mottos?|catchphrases?|titled|headlined)\b|标题|口号|题为"
                      # "Which three articles did ... publish?" asks for their titles
                      r"|\b(?:which|what)\s+(?:(?:two|three|four|five|six|\d+)\s+)?(?:articles|essays|editorials"
                      r"|commentaries|columns|reports|books|poems|songs|films)\b", re.I)
_TIME_Q = re.compile(r"^\s*when\b|\b(?:what|which|in what|in which) (?:year|month|date|day|decade)\b|\bsince when\b|"
                     r"\bwhat (?:is|was|were) the (?:exact |precise )?(?:date|year|day|month)s? (?:of|on|when)\b|"
                     r"什么时候|哪一?年|何时|哪个月|哪一?天|几月|(?<!第)几号(?![线楼院])", re.I)
# A question may open with a scene: up to three clauses, each ending with a comma or a dash ("With three
# legal systems in play, how does ...?", "Hong Kong, Macao and the mainland run different systems - so how
# do things cross between them?"); one that asks something itself ("How many ..., and how did ...?") is none.
_SCENE = (r"(?:(?:(?!\b(?:how|what|which|who|whom|whose|when|where|why)\b)[^?,\uff0c\u2013\u2014]){1,80}"
          r"(?:,|\s[-\u2013\u2014]),?\s*){0,3}")
# A sentence setting the scene before the one that asks ("Shenzhen has two special zones facing Hong
# Kong, Hetao and Qianhai. How are they different?")
_LEAD_IN = r"(?:[^?.!\uff1f\u3002]{3,200}[.!]\s+)?"
_EXPLANATION_Q = re.compile(
    r"^\s*" + _LEAD_IN + _SCENE + r"(?:and\s+|so\s+|but\s+)?(?:why|how come)\b|^\s*" + _LEAD_IN + r"how\s*\?\s*$|"
    r"\bwhy (?:did|does|do|is|was|are|were|has|have|can|could|couldn|can't|won't|didn't|doesn't|isn't)\b|"
    r"^\s*" + _LEAD_IN + _SCENE
    + r"(?:and\s+|so\s+|but\s+)?how (?:did|does|do|has|have|had|can|could|should|might|would|is|was|are|were)\b"
    r"(?!.*\bhow (?:many|much|long|large|big|old|far)\b)(?!.*\brank(?:s|ed)?\b)|"  # "How did it rank?" asks for a place
    # a second part asking how something works or came about ("What is X, and how does it work?")
    r",?\s+and how (?:does|did|do|has|have|is|was|are|were) (?:it|they|this|that)\b(?!.*\bhow (?:many|much|long|large|big|old|far)\b)|"
    r"\bwhat\b.{0,60}\b(?:should|must|can|could|ought to|need to|needs to)\b.{0,40}\b(?:do|learn|change|take|try)\b|"
    r"\bwhat (?:are|were|was|is) the (?:\w+ )?(?:reasons?|lessons?|causes?|factors?|arguments?|"
    r"explanations?|advantages?|strengths?|drivers?|ingredients?|secrets?|keys?|differences?|similarities)\b|"
    r"\bwhat (?:\w+ly )?(?:explains|made|makes|drove|drives|led|caused|lies behind|lay behind|enabled|allowed|helped|"
    r"shows|showed)\b|\bwhat (?:\w+ly )?(?:changed|turned|transformed) .{1,80}\binto\b|"
    # a summary, and the case for and against something, are told in several points
    r"\bin a nutshell\b|\b(?:case|arguments?) for and against\b|\bpros and cons\b|"
    # what went wrong (or right), and the thread several things share, are told in several points
    r"\bwhat went (?:wrong|right)\b|\b(?:common|shared) thread\b|"
    # what a place did (or got) right or wrong, and what it has going for it
    r"\b(?:get|gets|got|gotten|getting|do|does|did|done|doing)\s+(?:\w+\s+)?(?:right|wrong)\b|"
    r"\bgoing for (?:it|them|itself)\b|"
    # what a writer is getting at, what something was like, what places are doing, and a request to be
    # walked through something
    r"\bgetting at\b|\bstory behind\b|"
    r"\bwhat (?:was|were|is|are) (?:[\w'\u2019]+\s+){1,5}like\s*\?|"
    r"\bwhat (?:are|were|is) (?:\w+\s+){1,3}(?:actually |really )?(?:doing|trying)\b|"
    r"^\s*(?:(?:can|could) you\s+|please\s+)?(?:walk|talk|take) (?:me|us) through\b|"
    # what something takes, and the examples or steps that show it, are told in several points
    r"\bwhat (?:does|did|will|would) it take\b|\bwhat (?:examples?|evidence|steps)\b|"
    r"\bwhat (?:did|does|do|has|have|had) .{1,40}\bdo(?:ne)?\b(?! with)|\bwhat lessons?\b|\bfor what reasons?\b|\bin what ways?\b|\bexplain\b|"
    # a part played, or how much something matters, is told in several points
    r"\bwhat (?:\w+ )?(?:role|part)\b.{0,80}\bplay(?:s|ed|ing)?\b|\bhow (?:important|significant|central|crucial|vital)\b|"
    # what a phrase or a slogan means, or what a named thing is for, is told in several points
    r"\bwhat (?:does|do|did) .{1,80}\bmean\b|\bsupposed to mean\b|"
    r"\bwhat(?:'s|\u2019s| is| are) (?:an? |the )?['\u2018\"\u201c][^?]{2,60}['\u2019\"\u201d] for\s*\?|"
    # a yes-no question asking for a judgement ("Is Optics Valley still just about fibre?", "Did the
    # bet actually pay off?", "Did they agree on why ...?") is answered with the points bearing on it
    r"^\s*" + _LEAD_IN + r"(?:is|are|was|were|did|does|do|has|have)\b.{3,200}?\b(?:still|really|actually|fair|"
    r"pay(?:s|ed)? off|paid off|agreed?|agrees|the same way|all)\b|"
    # what several things share, or where one does better than another, is told in several points
    r"\bwhat (?:\w+ )?themes?\b|\b(?:have|had|has) in common\b|\b(?:does|do|did) (?:\w+ )?better than\b|"
    # in Chinese: examples, what a thing is for, what a meeting or a piece talked about, and why / how
    r"什么例子|哪些例子|干什么的|做什么的|有什么用|(?:聊|谈|说|讲)了(?:些|哪些)什么|主要说了什么|主要讲了什么|"
    # where one wins or falls short ("输在哪儿"), what was done or laid down, and what has happened since
    r"(?:输|赢|差|强|好|胜|败|难|优势|问题|短板|关键)在哪|(?:做|干|铺垫|准备)了(?:哪些|些什么|什么)|"
    r"(?:有|取得了?)(?:哪些|什么)新?(?:进展|变化|动作)|哪些.{0,6}大事|(?:什么|哪些)变化|"
    # ... said in a reader's own words (啥, which the pipeline writes out as 什么 before analysing): what was done,
    # talked about or said in several things (说了什么 alone asks for one person's words), what it is like
    r"(?:搞|做|干|聊)了(?:些|哪些)?(?:啥|什么)|(?:说|讲|提)了(?:些|哪些)(?:啥|什么)|"
    r"有(?:啥|什么)(?:特点|说法|不同|区别|讲究|门道|用|变化|动作|进展)|"
    r"(?:什么|哪些|有何)特点|"
    r"(?:应该|该|要|需要)(?:反思|学习|借鉴|改变|改进|吸取)(?:些)?什么|"
    r"(?<![称成作认以视])为什么|(?<![称成作认以视])为何|怎样|怎么|如何|咋|什么原因|原因是什么|哪些原因|凭什么|靠什么|应该做什么|应当|该怎么|"
    # what several things did each, and how one compares with another, are told in several points
    r"\b(?:and|both)\b.{1,80}\beach\b(?! other)|\beach (?:one|of them)\b|\bcompared (?:with|to)\b|\bversus\b|"
    r"(?:什么|哪些)方向|什么条件|(?:打|从)?哪(?:儿|里)?来的|"
    # what to keep in mind, how else something happened, and what people say made something what it is
    r"\b(?:keep|bear) in mind\b|\bhow else\b|"
    # what is being done about something, what the documents suggest, what things made something happen,
    # and what about the way something was done
    r"\bwhat(?:'s|\u2019s| is| are| was| were| has been| have been) being done\b|"
    r"\bwhat (?:does|do|did) (?:the |this |that )?(?:material|documents?|article|essay|piece|sources?|texts?|briefs?) "
    r"(?:suggest|indicate|imply|tell us)\b|"
    r"\bwhat (?!(?:kind|sort|type)s? of\b)(?:[\w-]+ ){0,3}[\w-]+s (?:made|make|led|drove|helped|let|allowed|caused|got)\b"
    r"(?! up\b)|"
    r"\bwhat about (?:the way|how)\b|"
    # a judgement asked with a negative yes-no question ("isn't that a sign they're failing?"), and in
    # Chinese whether it counts as one thing or another (当它是家丑还是好事), and what drew someone (冲着啥)
    r"\b(?:isn't|aren't|wasn't|weren't|doesn't|don't|didn't) (?:that|this|it|they)\b.{0,80}\ba sign\b|"
    r"\bis (?:that|this|it) a sign\b|当(?:它|这|成)?是.{1,12}还是|冲着(?:什么|啥)|"
    r"\bwhat (?:do|does|did) .{1,60}\b(?:say|think|believe|argue)s? (?:made|makes|explains|drove|led|caused)\b|"
    # how two things differ is told in several points
    r"有什么不同|有何不同|有哪些不同|有什么区别|有何区别|有哪些区别|不同在哪|区别在哪|有什么不一样|有哪些不一样|不一样在哪|"
    # ... and the lessons one draws from something
    r"(?:什么|哪些)(?:经验|教训|启示|启发)|"
    # examples asked for, what something means, how two things relate, the turning points of a story and
    # everything a thing has had, as in English ("what examples", "what does it mean", "relationship")
    r"举(?:几个|些|了哪些)例子|举几个|说几个|意味着(?:什么|啥)|(?:有|是)(?:啥|什么)关系|"
    r"(?:关键|重要)(?:节点|年份|时间点)|都有(?:过)?哪些|"
    # how two things stand to each other, and the several points (哪几条, 哪几点) something comes to
    r"\b(?:relationship|relation|ties) between\b|哪几(?:条|点|个方面)", re.I)
# An open question for several things of a kind ("What tools do ... use ...?", "What sorts of industries is
# ... meant to grow?") is answered in points, as an explanation is; a counted one ("What two ...") is a list,
# "What dates / years ...?" asks when, and "What kind of ...?" asks for one kind.
_OPEN_LIST_Q = re.compile(
    r"^\s*" + _SCENE + r"(?:and\s+|so\s+)?what\s+(?!(?:sort|kind|type)\s+of\b)(?:(?:sorts|kinds|types)\s+of\s+)?"
    r"(?!(?:two|three|four|five|six|seven|eight|nine|ten|\d+|dates|years|months|days|times)\b)"
    r"(?:[a-z-]+\s+){0,2}?[a-z-]+(?<!ss)(?<!us)(?<!is)s"
    r"(?:\s+(?:of|in|and)\s+[a-z-]+)?\s+(?:are|were|do|did|does|has|have|had|is|was)\b", re.I)
# A question about the present ("How many ... currently work there?"): a plan or a forecast does not answer it.
_PRESENT_Q = re.compile(r"\b(?:currently|now|nowadays|today|at present|presently|these days|so far|to date|"
                        r"as of(?: now)?)\b|目前|现在|当前|如今|至今|迄今", re.I)
_PROJECTION = re.compile(r"\b(?:will|would|expects?|expected|plans?|planned|aims?|aiming|targets?|goals?|forecasts?|"
                         r"projected|intends?|by (?:the end of )?20\d\d)\b|计划|预计|目标|力争|将|到20\d\d年", re.I)
# The sentence that asks, after any lead-in ("The article says ... . On what date was it ...?").
_LAST_QUESTION = re.compile(r"(?:^|(?<=[.!?\u3002\uff01\uff1f])\s*)([^.!?\u3002\uff01\uff1f]+[?\uff1f])\s*$")
# Capitalised Latin words after an English question's first ("Who founded DeepSeek?" names DeepSeek).
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][A-Za-z0-9_\u00c0-\u024f\u2019'-]+")
# ... and the first word of a sentence of it, which :func:`analyse` takes for a name when it is shaped as
# one ("DeepSeek", "G60") or the collection writes it as one ("Guangdong and Anhui both ...?").
_OPENING_WORD = re.compile(r"(?:^|(?<=[.?!]\s))[\"'\u201c\u2018(]*([A-Z][A-Za-z0-9_\u00c0-\u024f\u2019'-]+)")
_SHAPED_AS_A_NAME = re.compile(r"[A-Za-z][a-z]*[A-Z0-9][A-Za-z0-9]*")
# In Chinese a capital letter opens no sentence, and a Latin name sits between Chinese characters
# with no word boundary: every Latin word is a name ("DeepSeek的创始人是谁？"), in lower case too
# ("deepseek创始人是谁").
_NAME_IN_CHINESE = re.compile(r"(?<![A-Za-z0-9_\u00c0-\u024f\u2019'-])[A-Za-z][A-Za-z0-9_\u00c0-\u024f\u2019'-]+")
# Each country the analysis knows: the words that name it ("dutch"), then other ways a text may write it.
COUNTRIES = {
    "china": (("chinese",), ()),
    "america": (("american",), ("united states", r"(?-i:US|USA|U\.S)")),
    "britain": (("british",), ("united kingdom", "uk")), "japan": (("japanese",), ()),
    "germany": (("german",), ()), "france": (("french",), ()), "india": (("indian",), ()),
    "netherlands": (("dutch",), ("holland",)), "korea": (("korean",), ()), "russia": (("russian",), ()),
    "italy": (("italian",), ()), "spain": (("spanish",), ()), "switzerland": (("swiss",), ()),
    "sweden": (("swedish",), ()), "israel": (("israeli",), ()), "canada": (("canadian",), ()),
    "australia": (("australian",), ()), "singapore": (("singaporean",), ()), "taiwan": (("taiwanese",), ()),
    "europe": (("european",), ()), "asia": (("asian",), ()), "africa": (("african",), ()),
}
# Nationality adjectives name no subject: "How are Chinese cities trying ...?" asks about cities,
# and a point about Hefei need not say "Chinese".
DEMONYMS = frozenset(word for words, _ in COUNTRIES.values() for word in words) | {"english"}
# ... and the words that name a country or its people ("china", "chinese")
COUNTRY_WORDS = frozenset(COUNTRIES) | frozenset(word for words, _ in COUNTRIES.values() for word in words)
# Chinese measure words that count things ("十首", "三部", "多少家"): a numeral before one is a figure.
_CLASSIFIERS = "个名位家座所项种条篇首部件只头张本册支棵株枚颗辆架艘间层块根份台"
_COMPARATIVE = re.compile(r"\b(?:compare|compared|comparison|differ|differs|difference|both|common|versus|vs)\b|"
                          r"\b[A-Z][\w\u2019']*(?:'s|\u2019s)? and [A-Z]|比较|区别|不同|相比", re.I)
# "the G60 Science and Innovation Corridor": "and" between two runs of capitalised words inside one
# name compares nothing
AND_INSIDE_A_NAME = re.compile(r"\b[A-Z][\w-]*\s+[A-Z][\w-]*\s+and\s+[A-Z][\w-]*\s+[A-Z][\w-]*")


def compares(text: str) -> bool:
    """Does the question compare things ("How do Shenzhen and Hangzhou differ?"), beyond an "and"
    inside one name?

    Args:
        text: the question.

    Returns:
        True for a comparison.
    """
    return bool(_COMPARATIVE.search(AND_INSIDE_A_NAME.sub("the name", text)))


@dataclass(frozen=True)
class Question:
    """A standalone question, analysed once.

    Attributes:
        text: the standalone question.
        language: "zh" when it is written in Chinese, else "en".
        kind: "explanation" (why, how did, what should ...) or "factoid".
        wants: "quantity", "money", "time", "quote" (a title, headline or slogan), "person" (a name),
            "institution" (a university, institute, lab ...) or "" (no particular answer type).
        years: the years the question names ("in 2024"): evidence for a figure must name them too.
        ordinals: the ordinals it names other than "first" ("ranked second", 二期), and versions'
            numbers ("version 4.0"): evidence must name them too.
        periods: the units of the opening periods it names ("in its first month" -> "month", 首周 ->
            "week"): a first week's sales are not a first month's.
        parts: answer types of every part of a multi-part question ("How many articles, and over
            what period?" -> ("quantity", "duration")); empty for a one-part question.
        counted: what a "how many" question counts, or what a "……是多少" question measures, as a
            keyword token ("employees" -> "employee", "南京的人口是多少" -> "人口"): the figure must
            be a count or measure of that.
        terms: topic words (tokens without stopwords and question framing).
        names: tokens of the capitalised names it mentions.
        comparative: it compares places or things (its topic may span passages).
        bridged: the question with the other-language forms of its names appended
            ("为什么DeepSeek出现在杭州？ Hangzhou"); set by :meth:`with_names`.
        other_terms: tokens of those other-language names.
        chinese_names: the names a Chinese question writes that the bridge knows (南京, 光谷).
        english_of_names: for each of ``chinese_names``, the tokens of its English form (("nanjing",),
            ("optics", "valley")).
        paired_names: tokens of the names an English question writes that the bridge knows a
            Chinese form of ("nio" for 蔚来, "zhao" and "zisen" for 赵梓森): a Chinese passage writes
            those in Chinese.
        sides: the two events whose time apart it asks (:func:`interval_sides`), or the two things an
            either-or question compares (:func:`either_sides`).
        side_wants: what the sides are asked for: "time" (the time between them), "order" (which
            came first: the date of each) or "quantity" (which is bigger: the size of each); "dates"
            when the time between is answered by the date of each, not reckoned (the gate could not
            confirm both).
        other_words: English words of the collection nearest a Chinese question's other words (交通 ->
            "transport"), which rank English sentences (see :class:`rag.multilingual.WordBridge`).
        words_across: the question's words, each with the collection's words nearest it in the other
            language and, for a name the bridge knows, its other-language form ("chip": 芯片;
            "hefei": 合肥; 面积: "area"), which rank a factoid's sentences in that language
            (:meth:`rag.multilingual.WordBridge.words_across`).
        event_words: the English words of the usual event a Chinese "when" question asks about (成立:
            "founded", "established"), or of the role a "who" question asks about (创始人: "founder"),
            which rank English sentences with its Latin names.
        present: it asks about the present ("currently", "目前"): a plan or a forecast does not
            answer it.
        focus: the topic words of the sentence that asks, when a lead-in comes before it, plus the
            question's names ("The article says Zhongguancun took thirty years ... . On what date
            was it approved ...?" -> approve, first, national, zone ..., zhongguancun); else
            ``terms``.
        part_words: for each part of a multi-part question, its topic words no other part has
            (see :func:`part_terms`); empty for a one-part question.
        set_aside: what the question sets aside ("Besides Yancheng, ...": "Yancheng"), with its
            other-language forms once the name bridge has seen it (:func:`what_is_set_aside`).
        sources: the language of the documents it names as its sources ("going by the Chinese
            coverage": "zh"; :func:`sources_asked`).
    """

    text: str
    language: str
    kind: str
    wants: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    comparative: bool
    years: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    counted: str = ""
    bridged: str = ""
    other_terms: tuple[str, ...] = ()
    chinese_names: tuple[str, ...] = ()
    english_of_names: tuple[tuple[str, ...], ...] = ()
    paired_names: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    side_wants: str = ""
    other_words: tuple[str, ...] = ()
    words_across: tuple[tuple[str, tuple[str, ...]], ...] = ()
    event_words: tuple[str, ...] = ()
    present: bool = False
    focus: tuple[str, ...] = ()
    part_words: tuple[tuple[str, ...], ...] = ()
    ordinals: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    set_aside: str = ""
    sources: str = ""

    @property
    def is_explanation(self) -> bool:
        return self.kind == "explanation"

    def with_names(self, bridge) -> "Question":
        """A copy knowing its names in the other language.

        Args:
            bridge: a :class:`rag.multilingual.NameBridge`.
        """
        from dataclasses import replace

        bridged = bridge.expand(self.text)
        extra = tuple(t for t in dict.fromkeys(tokenize(bridged[len(self.text):])) if t not in self.terms)
        chinese = tuple(bridge.names_in_chinese(self.text)) if self.language == "zh" else ()
        paired = tuple(t for name in bridge.known_english_names(self.text) + bridge.romanised_persons(self.text)
                       for t in tokenize(name)) if self.language == "en" else ()
        english = tuple(tuple(tokenize(" ".join(bridge.english_names(name)))) for name in chinese)
        return replace(self, bridged=bridged, other_terms=extra, chinese_names=chinese, english_of_names=english,
                       paired_names=paired)


# A year: four digits not inside a longer figure ("1.2013万亿元") and not followed by a Chinese
# magnitude, unit or counter word ("2000亿元", "2000多家" are amounts, not years).
_A_YEAR = re.compile(r"(?<![\d.])(?:1[89]\d\d|20\d\d)(?![\d]|\.\d|\s*(?:亿|万|千|多|余|元|美元|个|家|人|名|台|件|项|亩|平方|米|吨|辆|座|所|倍|%))")
_YEAR_BOUND = ("money", "quantity")  # the kinds of figure said of the year nearest to them
# An ordinal other than "first" (第一次), which is as often a plain adjective ("the first meeting of the new year"),
# or a version's number ("version 4.0", "8.0版"): version 1.0's year is not version 4.0's.
_ORDINAL = re.compile(r"\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(?!1st)\d+(?:st|nd|rd|th))\b|"
                      r"第(?![一1][届期次批轮])[一二三四五六七八九十百\d]+[届期次批轮]|(?<![第一二三四五六七八九十])[二三四五六七八九十]期|"
                      r"第(?!1[名位])\d+(?=[名位])|"
                      r"(?<=\bversion )\d+(?:\.\d+)*\b|(?<![\d.])\d+(?:\.\d+)+(?= version\b|版)", re.I)


# An opening period: "in its first month", "the first three years", 首周, 第一个月.
_FIRST_PERIOD = re.compile(r"\b(?:first|opening|launch)\s+(?:(?:\w+|\d+)\s+)?(day|week|month|quarter|year|decade)s?\b|"
                           r"(?:首|第一个?|头一?个?)(天|日|周|星期|月|季度|年)", re.I)
_CHINESE_UNITS = {"天": "day", "日": "day", "周": "week", "星期": "week", "月": "month", "季度": "quarter", "年": "year"}
# How a sentence writes a period of each unit, in either language.
PERIOD_WORDS = {"day": r"\bdays?\b|天|日", "week": r"\bweeks?\b|周|星期", "month": r"\bmonths?\b|个月",
                "quarter": r"\bquarters?\b|季度", "year": r"\byears?\b|年", "decade": r"\bdecades?\b|十年"}


# A count said for a short opening span ("sold 10 million copies within its first week", 首周销量)
_OPENING_SPAN = re.compile(r"\b(?:within|in|during|over)\s+(?:its|their|the)\s+(?:first|opening|launch)\s+"
                           r"(?:\w+\s+)?(?:days?|weeks?|months?)\b|首(?:日|周|月)", re.I)


def counts_an_opening_span(text: str) -> bool:
    """Does ``text`` give a figure for a short opening span (its first days, weeks or months)?"""
    return bool(_OPENING_SPAN.search(text))


def periods_in(text: str) -> tuple[str, ...]:
    """The units of the opening periods ``text`` names ("its first month" -> ("month",)), each once."""
    return tuple(dict.fromkeys((english or _CHINESE_UNITS[chinese]).lower()
                               for english, chinese in _FIRST_PERIOD.findall(text)))


_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(_MONTH_NAMES.split("|"), 1)}
_A_DAY = re.compile(rf"\b({_MONTH_NAMES})\s+(\d{{1,2}})\b|\b(\d{{1,2}})\s+({_MONTH_NAMES})\b|(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]")


def days_in(text: str) -> frozenset[tuple[int, int]]:
    """The days of the year ``text`` names, as (month, day): "January 28", "28 January", "1月28日"."""
    days = set()
    for m in _A_DAY.finditer(text):
        if m.group(1):
            days.add((_MONTH_NUMBER[m.group(1).lower()], int(m.group(2))))
        elif m.group(4):
            days.add((_MONTH_NUMBER[m.group(4).lower()], int(m.group(3))))
        else:
            days.add((int(m.group(5)), int(m.group(6))))
    return frozenset(days)


def years_in(text: str) -> tuple[str, ...]:
    """The years ``text`` names ("2024", "2024年"), in order, each once."""
    return tuple(dict.fromkeys(_A_YEAR.findall(text)))


def detect_language(text: str) -> str:
    """"zh" when most letters of ``text`` are Chinese characters, else "en"."""
    return "zh" if is_cjk_text(text) else "en"


# a Chinese clause, quotes whole ("喊出“中国有光谷，美国有硅谷”的时候"), and a length of time asked
_CLAUSE_ZH = r"(?:[^，。？?“”]|“[^”]*”)"
_HOW_LONG_ZH = r"(?:(?:几|多少)个?(?:年|天|月|周|礼拜|星期)|多长时间|多久)"
# "How many days after V3 came out did R1 follow?", "从成立到挂牌用了几年？": the time between two
# events, which two dates tell as well as a length of time does. Group "a" and "b" are the events.
_INTERVAL_Q = (
    re.compile(r"\bhow (?:many|much) (?:\w+ )?(?:days|weeks|months|years|time)\b(?: \w+){0,2}? (?:after|before) "
               r"(?P<a>[^?]+) (?:did|was|were|had|could) (?P<b>[^?]+)", re.I),
    re.compile(r"\bhow (?:many|much) (?:\w+ )?(?:days|weeks|months|years|time) (?:passed|elapsed|went by|were there|"
               r"separated?|lay|lie) (?:between|from) (?P<a>[^?]+?) (?:and|to|until) (?P<b>[^?]+)", re.I),
    re.compile(r"\bhow long (?:after|before) (?P<a>[^?]+) (?:did|was|were|had|could) (?P<b>[^?]+)", re.I),
    # "How many months separated the release of V2 from V3?", "Once the outline ..., how long was it before ...?"
    # ("How long did it take Zhongguancun to turn from a market into a powerhouse?" asks a length the
    # documents may give as it is: "thirty years")
    re.compile(r"\bhow (?:many|much) (?:\w+ )?(?:days|weeks|months|years|time) (?:sep[ae]rated?|divided?) "
               r"(?P<a>[^?]+?) (?:from|and) (?P<b>[^?]+)", re.I),
    re.compile(r"^\W*(?:once|after) (?P<a>[^,?]+), how long (?:was it|did it take) (?:before|until|for) "
               r"(?P<b>[^?]+)", re.I),
    # "How long did it take QuantumCTek to go from being founded to being listed?" (when the documents
    # date neither event, a length they give as it is answers: "thirty years")
    re.compile(r"\bhow (?:long|many (?:days|weeks|months|years)|much time) did it take (?:for )?[^?]+? to "
               r"(?:\w+ )?from (?P<a>[^?]+?) (?:to|into|until|till) (?P<b>[^?]+)", re.I),
    # "How long did it take from the approval of the Torch Program to Zhongguancun being made ...?"
    re.compile(r"\bhow (?:long|many (?:days|weeks|months|years)|much time) did it take (?:for [\w-]+ )?from "
               r"(?P<a>[^?]+?) (?:to|until|till) (?P<b>[^?]+)", re.I),
    re.compile(r"\bhow (?:many (?:days|weeks|months|years)|long|far) apart (?:were|are|was|is) (?P<a>[^?]+?) and "
               r"(?P<b>[^?]+)", re.I),
    re.compile(r"从(?P<a>[^，。？?]{2,40}?)[，,]?(?:算起)?[，,]?(?:一直)?到(?P<b>[^？?]{2,60}?)[，,]?"
               rf"(?:中间|前后|一共|总共|共)?(?:隔了|相隔|用了|花了|过了|经过了|历时)?(?:大概|大约)?{_HOW_LONG_ZH}"),
    # "V3发布到R1发布，中间隔了几个礼拜？" (without 从, the time between must be asked in so many words:
    # "苏州到上海要多久？" asks a ride's length)
    re.compile(rf"(?P<a>{_CLAUSE_ZH}{{2,40}}?)[，,]?到(?P<b>{_CLAUSE_ZH}{{2,60}}?)[，,]?(?:中间|前后)?(?:大概|大约)?"
               rf"(?:隔了|相隔|过了|经过了)(?:大概|大约)?{_HOW_LONG_ZH}"),
    # "长飞宣布建新园那会儿，离中国第一根光纤诞生过去多少年了？", "胡立山喊出……的时候，东湖当国家级高新区已经多少年了？"
    re.compile(rf"(?P<a>{_CLAUSE_ZH}{{2,50}}?)(?:的时候|那会儿?|那天|那年)[，,]?(?:离|距离?)(?P<b>{_CLAUSE_ZH}{{2,40}}?)"
               rf"(?:已经|已)?(?:过去|过了|有)?了?{_HOW_LONG_ZH}"),
    re.compile(rf"(?P<b>{_CLAUSE_ZH}{{2,50}}?)(?:的时候|那会儿?|那天|那年)[，,]?(?P<a>{_CLAUSE_ZH}{{2,40}}?)"
               rf"(?:已经|已)(?:过去|过了|有)?了?{_HOW_LONG_ZH}"),
    # "黑神话悟空上线那会儿，游戏科学成立多少年了？": the first event is the founding (group "founded")
    re.compile(rf"(?P<b>{_CLAUSE_ZH}{{2,50}}?)(?:的时候|那会儿?|那天|那年)[，,]?(?P<a>{_CLAUSE_ZH}{{2,40}}?)"
               rf"(?:已经|已)?(?P<founded>成立|创办|创立|办|建)(?:了|起来)?{_HOW_LONG_ZH}"),
    re.compile(r"(?P<a>[^，。？?]{2,40}?)(?:以后|之后|后)[，,]?(?:又|再)?(?:过了|隔了|等了)(?:几|多少)(?:年|天|个月)?(?P<b>[^？?]{2,60})"),
    # "游戏科学比宇树早成立几年？": the same event ("成立") of two things
    re.compile(r"(?P<a>[^，。？?比]{2,20}?)比(?P<b>[^，。？?]{2,20}?)(?:早|晚)(?P<event>[^，。？?几多]{0,6}?)(?:了)?"
               r"(?:几|多少)个?(?:年|天|月|周)"),
    re.compile(r"(?P<a>[^，。？?]{2,40}?)和(?P<b>[^，。？?]{2,60}?)[，,]?(?:这两件事)?(?:前后|中间)?(?:隔了|相隔|相差)(?:(?:几|多少)个?(?:年|天|月|周)|多长时间|多久)"),
)


def interval_sides(text: str) -> tuple[str, str] | tuple[()]:
    """The two events whose time apart a question asks ("How many days after DeepSeek-V3 came out
    did the R1 reasoning model follow?" -> ("DeepSeek-V3 came out", "the R1 reasoning model
    follow")); empty for any other question."""
    for pattern in _INTERVAL_Q:
        found = pattern.search(text)
        if found:
            event = found.groupdict().get("event") or ""
            a = found.group("a").strip() + event
            if found.groupdict().get("founded"):  # "游戏科学已经办": as written, a piece of the question
                a = text[found.start("a"):found.end("founded")].strip()
            b = found.group("b").strip() + event
            # "the release of V2 from V3": the second event is the same one, of the other thing
            shared = re.match(r"the [\w-]+ of ", a, re.I)
            if shared and not re.match(r"the\b", b, re.I):
                b = shared.group(0) + b
            return a, b
    return ()


# "Which came first: China's first optical fibre or China's first private high-tech company?", "Which
# covers more ground, the Hengqin zone or the Qianhai zone?", "Bigger on paper: A, or B?": two things
# set side by side, by their dates or by their size. Group "a" and "b" are the two things.
_EITHER_Q = re.compile(r"^\W*(?P<ask>(?:which|who|what)\b[^:?]{0,80}?|[^:?,]{0,40}?\b(?:bigger|larger|smaller|older|"
                       r"newer|earlier|later|more|less)\b[^:?,]{0,20}?)[:,]\s*(?P<a>[^?]+?),?\s+or\s+(?P<b>[^?]+?)\s*\?\s*$",
                       re.I)
_EARLIER = re.compile(r"\b(?:first|earlier|earliest|older|oldest|younger|youngest|newer|newest|later|sooner)\b", re.I)
_GREATER = re.compile(r"\b(?:bigger|biggest|larger|largest|smaller|smallest|more|less|fewer|higher|lower|longer|"
                      r"shorter|greater|wider)\b", re.I)


# "强脑和宇树哪家先成立的？", "国盾量子和本源量子，谁成立得更早？早了几年？": two things, then who or
# which of them came first (先, 更早); "参与" is no "与" joining two things
_EITHER_ZH = re.compile(r"^(?:[^，,？?]{0,24}[，,])?\s*(?P<a>(?:[^，,？?和跟与]|(?<=参)与){2,24}?)(?:和|跟|(?<!参)与)"
                        r"(?P<b>[^，,？?]{2,24}?)(?:相比|比起来|比)?[，,]?\s*(?:谁|哪个|哪一个|哪家|哪一家|哪座|哪一座|哪项)"
                        r"(?P<ask>[^，,？?]{0,12}?(?:先|早))(?P<after>[^，,？?]{0,8})")


# "Was Shenzhen's Guangming District set up before or after Hangzhou's 2018 rally ...?", "Did BrainCo
# move to Hangzhou before Unitree was founded?": two events set in order, asked as yes or no
_BEFORE_OR_AFTER = re.compile(r"^\W*(?:was|were|did|is|are|had|has)\s+(?P<a>[^?]+?)\s+(?:before or after|after or before|"
                              r"earlier or later|before|earlier than|ahead of)\s+(?P<b>[^?]+?)\s*\?", re.I)


def sets_two_things_side_by_side(text: str) -> bool:
    """Are a question's sides two things it names ("强脑和宇树哪家先成立的", "Which is older: A or B?"),
    not two events ("从成立到挂牌用了几年？")?"""
    return bool(_EITHER_ZH.search(text) or _EITHER_Q.search(text))


def either_sides(text: str) -> tuple[tuple[str, ...], str]:
    """The two things an either-or question sets side by side, and what tells them apart: "order" for
    which came first (older, earlier, 先, 更早: their dates), "quantity" for which is bigger (more,
    larger); "time" for a Chinese one that also asks how much earlier (早了几年); ((), "") for any
    other question ("Which city, Hangzhou or Nanjing, ...?" asks neither)."""
    chinese = _EITHER_ZH.search(text)
    if chinese:
        sides = (chinese.group("a").strip(), chinese.group("b").strip())
        return sides, "time" if re.search(_HOW_LONG_ZH, text[chinese.end():]) else "order"
    ordered = _BEFORE_OR_AFTER.search(text)
    # each side says something of its own: not a pronoun ("Was that before ...?") nor a bare date ("... before 2018?")
    if ordered and all(re.search(r"[A-Za-z]{3}", side) and not re.fullmatch(r"(?:that|this|it|they|he|she)", side, re.I)
                       for side in ordered.group("a", "b")):
        return (ordered.group("a").strip(), ordered.group("b").strip()), "order"
    found = _EITHER_Q.search(text)
    if not found:
        return (), ""
    ask = found.group("ask")
    wants = "order" if _EARLIER.search(ask) else "quantity" if _GREATER.search(ask) else ""
    return ((found.group("a").strip(), found.group("b").strip()), wants) if wants else ((), "")


# a run of capitalised words, as an English question writes a name ("Songshan Lake", "Unitree")
_CAPITALISED_NAME = re.compile(r"(?<![\w'\u2019-])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")
# Countries, in Chinese: they place a question (中国 in a question on Chinese cities); they are not
# one of the things it names or compares
CHINESE_COUNTRIES = frozenset("中国 美国 新加坡 日本 英国 德国 法国 印度 韩国 俄罗斯".split())


def named_things(question: Question) -> list[list[str]]:
    """The things an explanation names, each as the words a passage names it by: an English
    question's names, a run of capitalised words being one ("Songshan Lake": "songshan", "lake"); a
    Chinese question's names, each with its English forms (松山湖: 松山湖, "songshan", "lake").
    Nationalities and countries are none.

    Args:
        question: the analysed question (its names in the other language known: :meth:`Question.with_names`).

    Returns:
        One list of words per thing, in the question's order.
    """
    if question.language == "zh":
        return [[name, *forms] for name, forms in zip(question.chinese_names, question.english_of_names)
                if name not in CHINESE_COUNTRIES]
    things = []
    for run in _CAPITALISED_NAME.findall(question.text):
        words = [t for t in tokenize(run) if t in question.names and t not in DEMONYMS]
        if words and words not in things:
            things.append(words)
    return things


def own_words_of_the_sides(question: Question) -> list[list[str]]:
    """Each side's topic words that the other side does not have ("private", "high", "tech",
    "company" for the second side of "Which came first: China's first optical fibre or China's
    first private high-tech company?"); empty for a question without sides."""
    words = [[t for t in dict.fromkeys(tokenize(side)) if t not in QUESTION_FRAME] for side in question.sides]
    return [[t for t in mine if t not in other] for mine, other in zip(words, words[::-1])]


# what a Chinese interval question says before its first event: its subject (东湖开发区从成立到……)
_SUBJECT_BEFORE = re.compile(r"[^从，,？?\s]{2,20}?(?=从)")


def side_questions(question: Question) -> list[str]:
    """Each event of a question asking the time between two (:attr:`Question.sides`) as a question
    asking its date, about what the question says before the events ("东湖开发区从成立到……用了几年？"
    -> "东湖开发区成立是哪一年？"; "How many days after V3 came out did R1 follow?" -> "When V3 came
    out?"); each thing an either-or question compares by size as a question asking its size ("How
    big is the Hetao zone?")."""
    rest = question.text
    for side in question.sides:
        rest = rest.replace(side, " ")
    subject = _SUBJECT_BEFORE.match(rest)
    subject = subject.group(0) if subject else ""
    if question.side_wants == "quantity":  # an English either-or question
        return [f"How big is {side}?" for side in question.sides]
    # a Chinese either-or question says what each thing did after its sides ("强脑和宇树哪家先成立的")
    either = _EITHER_ZH.search(question.text)
    event = ""
    if either:  # 成立得更早 -> 成立, 先批下来的 -> 批下来, 谁家媒体先跟上的 -> 跟上
        asked = either.group("ask") + either.group("after")
        event = asked.split("先", 1)[1] if "先" in asked else re.sub(r"得?更?早.*$", "", asked)
        event = re.sub(r"[的了得呢吗]+$", "", event)
    if event:  # "强脑是哪一年成立的？": asked so, the event is read as the one asked about
        return [f"{subject}{side}是哪一年{event}的？" for side in question.sides]
    return [f"{subject}{side}是哪一年？" if question.language == "zh" else f"When {side}?" for side in question.sides]


# Provincial capitals, for questions that name a city by its province ("Anhui's capital", "the Jiangsu
# capital", 江苏那座省会): a gazetteer, not the documents, says which city that is.
PROVINCIAL_CAPITALS = {
    "Anhui": ("Hefei", "安徽", "合肥"), "Fujian": ("Fuzhou", "福建", "福州"), "Gansu": ("Lanzhou", "甘肃", "兰州"),
    "Guangdong": ("Guangzhou", "广东", "广州"), "Guizhou": ("Guiyang", "贵州", "贵阳"), "Hainan": ("Haikou", "海南", "海口"),
    "Hebei": ("Shijiazhuang", "河北", "石家庄"), "Heilongjiang": ("Harbin", "黑龙江", "哈尔滨"),
    "Henan": ("Zhengzhou", "河南", "郑州"), "Hubei": ("Wuhan", "湖北", "武汉"), "Hunan": ("Changsha", "湖南", "长沙"),
    "Jiangsu": ("Nanjing", "江苏", "南京"), "Jiangxi": ("Nanchang", "江西", "南昌"), "Jilin": ("Changchun", "吉林", "长春"),
    "Liaoning": ("Shenyang", "辽宁", "沈阳"), "Qinghai": ("Xining", "青海", "西宁"), "Shaanxi": ("Xi'an", "陕西", "西安"),
    "Shandong": ("Jinan", "山东", "济南"), "Shanxi": ("Taiyuan", "山西", "太原"), "Sichuan": ("Chengdu", "四川", "成都"),
    "Yunnan": ("Kunming", "云南", "昆明"), "Zhejiang": ("Hangzhou", "浙江", "杭州"),
}
_PROVINCE = "|".join(PROVINCIAL_CAPITALS)
_CAPITAL_OF = re.compile(rf"\b(?:capital(?:\s+city)?\s+of\s+(?:the\s+)?({_PROVINCE})\b|({_PROVINCE})(?:[\u2019']s)?"
                         rf"(?:\s+province[\u2019']s)?\s+(?:provincial\s+)?capital\b)", re.I)
_CHINESE_CITY = {chinese: city for _, chinese, city in PROVINCIAL_CAPITALS.values()}
# Chinese provinces, their capitals and other cities, as a Chinese text names them
_CHINESE_CITIES = re.compile("|".join([*_CHINESE_CITY, *_CHINESE_CITY.values(), *"""北京 上海 天津 重庆 香港 澳门 深圳 苏州 杭州
    宁波 无锡 东莞 佛山 泉州 厦门 青岛 大连 珠海 芜湖 宣城 嘉兴 湖州 金华 绍兴 常州 南通 温州 湛江 昆明 济南""".split()]))
_CHINESE_CAPITAL_OF = re.compile("(" + "|".join(_CHINESE_CITY) + ")省?(?:的|那座|这座|那个|这个)?省会")


def with_capitals_named(text: str) -> str:
    """The question with the city it names only as a province's capital added in brackets ("How did
    the top official in Anhui's capital ...?" -> "... (Hefei)", "江苏那座省会……" -> "……（南京）"), so
    that retrieval and the checks see the name; the question itself when it names none so or
    already names the city.

    Args:
        text: the standalone question.

    Returns:
        The question, with the capitals' names added.
    """
    cities = [PROVINCIAL_CAPITALS[(found.group(1) or found.group(2)).capitalize()][0]
              for found in _CAPITAL_OF.finditer(text)]
    english = [city for city in dict.fromkeys(cities) if city.lower() not in text.lower()]
    chinese = [_CHINESE_CITY[p] for p in dict.fromkeys(_CHINESE_CAPITAL_OF.findall(text)) if _CHINESE_CITY[p] not in text]
    if english:
        text = f"{text} ({', '.join(english)})"
    if chinese:
        text = f"{text}（{'、'.join(chinese)}）"
    return text


# "Besides optoelectronics, what other national base did the zone become?", "光谷除了做光纤，……":
# what the question sets aside is not what it asks about
_SET_ASIDE = re.compile(r"^\W*(?:besides|apart from|aside from|other than|except for)\s+[^,?]{1,80},\s*|"
                        r"除了[^，,？?。]{1,30}?(?:之外|以外)?[，,]", re.I)


def without_what_is_set_aside(text: str) -> str:
    """The question without the clause naming what it sets aside ("Besides being an academician, what
    post did Wang Jian hold ...?" -> "what post did Wang Jian hold ...?"), so that sentences about
    that are not taken for its answer; the question itself when it sets nothing aside or when
    nothing would be left.

    Args:
        text: the standalone question.

    Returns:
        The question to search and check with.
    """
    rest = _SET_ASIDE.sub("", text, count=1)
    return rest if len(tokenize(rest)) >= 2 else text


def what_is_set_aside(text: str) -> str:
    """What the question sets aside ("Besides Yancheng, which other cities ...?" -> "Yancheng";
    "除了杭州，还有哪些城市是试点？" -> "杭州"); "" when it sets nothing aside (see
    :func:`without_what_is_set_aside`).

    Args:
        text: the standalone question.

    Returns:
        The clause's words, without "besides", 除了 and the like.
    """
    found = _SET_ASIDE.search(text)
    if not found or without_what_is_set_aside(text) == text:
        return ""
    return re.sub(r"^\W*(?:besides|apart from|aside from|other than|except for|除了)\s*|(?:之外|以外)?[，,]\s*$", "",
                  found.group(0), flags=re.I).strip()


# "which other two firms ...?", "who else ...?", "还有哪些城市……？", "另外两家叫什么？": other things of a
# kind, named, are asked for ("what else did the boom leave behind?" may be answered by "a pool of talent")
ASKS_FOR_OTHERS = re.compile(r"\bwhich other\b|\bwho else\b|\bother (?:two|three|four)\b|"
                             r"还有(?:哪|谁)|另外.{0,4}(?:叫什么|是什么|是谁|是哪)|其他.{0,6}(?:哪|谁)", re.I)


# A reader's short forms, written in lower case (a name's own word, "Zhejiang Lab", is kept), and the
# spoken Chinese question words (啥 for 什么, 咋 for 怎么, 排老几 for 排第几, 是干嘛的 for 是干什么的).
_SHORT_FORMS = ((re.compile(r"(?<![\w-])labs\b"), "laboratories"), (re.compile(r"(?<![\w-])lab\b"), "laboratory"),
                (re.compile(r"(?<![\w-])govt\b"), "government"),
                (re.compile(r"(?<![\w-])ppl\b"), "people"), (re.compile(r"(?<![\w-])HQ\b"), "headquarters"),
                (re.compile("啥"), "什么"), (re.compile("咋"), "怎么"), (re.compile("老几"), "第几"),
                (re.compile("干嘛的"), "干什么的"),
                # 干嘛 before what is done asks why ("干嘛还要建个光明科学城？"); "下一步干嘛？" asks what
                (re.compile("干嘛(?=[还非要不跑老总偏就])"), "为什么"),
                # a year in two digits ("合肥24年GDP", "09年", "90年代"), not a number of years ("坚守了50年")
                (re.compile(r"(?<![\d.了近过整约每第达满用花几十多有])(\d{2})(?=年(?!间|来|内|里|后|前|多|左右|时间|的时间))"),
                 lambda found: ("19" if int(found.group(1)) > 40 else "20") + found.group(1)),
                # "What's the budget ...?" asks as "What is the budget ...?" does
                (re.compile(r"\b(what|who|where|when|how|which|why)['\u2019]s\b", re.I), r"\1 is"))


def with_short_forms_written_out(text: str) -> str:
    """The question with a reader's lower-case short forms written out ("the Dongguan materials lab"
    -> "... laboratory"), as the documents write them, and spoken Chinese question words in their
    written form ("是啥时候成立的" -> "是什么时候成立的"), a year in two digits in four ("24年" -> "2024年").

    Args:
        text: the standalone question.

    Returns:
        The question.
    """
    for pattern, long in _SHORT_FORMS:
        text = pattern.sub(long, text)
    return text


# A reader naming the documents of one language ("according to the Chinese coverage", "中文材料里",
# "那篇英文文章说"): their passages are what is asked about
_CHINESE_SOURCES = re.compile(r"\bchinese[- ](?:language )?(?:media|reports?|coverage|documents?|sources?|press|"
                              r"accounts?|pieces?|materials?|articles?|outlets|texts?|version)\b|"
                              r"中文(?:材料|媒体|资料|文档|报道|那篇|版)", re.I)
_ENGLISH_SOURCES = re.compile(r"\benglish[- ](?:language )?(?:article|essay|documents?|sources?|briefs?|reports?|"
                              r"materials?|text|version)\b|英文(?:文章|资料|材料|文档|那篇|简报|报道|版)", re.I)


# What happened, came out or was done, asked of a time ("2020 looks like a big year for Hefei. What
# happened there that year?", "2016年……都发生了哪些事？"): every point is an event of that time.
_WHAT_HAPPENED_Q = re.compile(r"\bwhat (?:else )?(?:happened|came out|took place|went on)\b|"
                              r"\bwhat did .{1,60}\b(?:each )?do\b|(?:发生|出|推出|干|做)了(?:哪些|些)|"
                              # (出了什么意外 asks for one mishap)
                              r"(?:发生|出|干|做)了(?:什么|啥)(?:大?事|事情)?(?=[？?，,。！]|$)|(?:哪些|什么|啥)大事", re.I)


def asks_what_happened_then(question: Question) -> bool:
    """Does the question ask what happened in the years it names?"""
    return bool(question.years) and bool(_WHAT_HAPPENED_Q.search(question.text))


def sources_asked(text: str) -> str:
    """The language of the documents the question names as its sources: "zh", "en", or "" when it
    names none or both, or sets one beside another ("Do the English and Chinese sources agree ...?",
    "交汇点和英文那篇给开的药方一样不？").

    Args:
        text: the standalone question.
    """
    if re.search(r"\b(?:english and chinese|chinese and english|agree|differ|same)\b|中英文|中文和英文|英文和中文|一样|对得上|"
                 r"不同|区别", text, re.I):
        return ""  # both sides are asked about
    chinese, english = bool(_CHINESE_SOURCES.search(text)), bool(_ENGLISH_SOURCES.search(text))
    return "zh" if chinese and not english else "en" if english and not chinese else ""


_ASKS_FOR_SOME = re.compile(r"(?:举|说|列)(?:出)?几(?:个|条|点)")


def _bare(word: str) -> str:
    """A word without its hyphenated tail or possessive ("Hangzhou-based", "DeepSeek's": the name)."""
    return re.sub(r"-[a-z][\w\u2019'-]*$|[\u2019']s$", "", word)


def analyse(text: str, known_names=frozenset()) -> Question:
    """Analyse a standalone question.

    Args:
        text: the question.
        known_names: single words (lower case) the collection writes as names
            (:attr:`rag.keyword.KeywordIndex.capitalised`): one opening a sentence of the question is a
            name too.

    Returns:
        A :class:`Question`.
    """
    # "能举几个例子吗？" asks for examples, not for a number
    amount = _QUANTITY_Q.search(_ASKS_FOR_SOME.sub(" ", text))
    wants = "quantity" if amount or _RANK_Q.search(text) else "time" if _TIME_Q.search(text) else ""
    if _RATE_Q.search(text):  # a GDP's growth is a rate, not a sum
        wants = "quantity"
    elif _MONEY_Q.search(text):
        wants = "money"
    elif not wants and _QUOTE_Q.search(text):
        wants = "quote"
    elif not wants and (_WHO_Q.search(text) or _NAME_OF_A_ROLE_Q.search(text)) and not _WHO_IS_NAMED.match(text):
        wants = "person"
    elif not wants and _INSTITUTION_Q.search(text):
        wants = "institution"
    if not wants and (_MEASURE_Q.search(text) or _MEASURED_NOUN.search(text)):  # "what's its headcount?"
        wants = "quantity"
    # "2016年……都发生了哪些事？" asks for that year's events, not for a time, and they are told in points
    happened = bool(years_in(text)) and bool(_WHAT_HAPPENED_Q.search(text))
    wants = "" if happened else wants
    kind = "explanation" if (_EXPLANATION_Q.search(text) or _OPEN_LIST_Q.search(text) or happened) and wants == "" \
        else "factoid"
    worded = _LINKING_PHRASE.sub(" ", text)  # "in order to rebuild" is about rebuilding, not order
    terms = tuple(t for t in dict.fromkeys(tokenize(worded)) if t not in QUESTION_FRAME)
    # "apache-licensed" is checked through its parts, which are terms too ("apache", "license").
    terms = tuple(t for t in terms if "-" not in t or not all(p in terms for p in tokenize(t.replace("-", " "))))
    language = detect_language(text)
    # "R1-family", "Hangzhou-based": the name is the capitalised part before the hyphen
    found = _NAME_IN_CHINESE.findall(text) if language == "zh" else [
        word for word in _OPENING_WORD.findall(text) if _SHAPED_AS_A_NAME.fullmatch(_bare(word))
        or _bare(word).lower() in known_names] + _NAME.findall(text)
    written_names = [re.sub(r"-[a-z][\w\u2019'-]*$", "", name) for name in found]
    names = tuple(dict.fromkeys(tokenize(" ".join(written_names))))
    years = years_in(text)
    counted = re.search(r"\bhow many ((?:[\w\u2019'-]+\s+){0,2}?[\w\u2019'-]+?)(?=\s+(?:did|does|do|has|have|had|is|are|"
                        r"was|were|will|can|could|would|should|in|of|at|on|for|from|per|currently|now)\b|\s*[?,]|$)",
                        text, re.I)
    # "how many years running" counts a run, which "its third consecutive conference" gives
    counted_token = _counted_noun(counted.group(1)) if counted and not _IN_A_ROW_Q.search(text) else ""
    # "How many people attended ...?", "How many companies settled in ...?": the plural noun the
    # verb follows (a span of time, "How many years passed ...", is a duration, not a count)
    subject = None if counted else _HOW_MANY_DID.search(text)
    if subject and not _IN_A_ROW_Q.search(text):
        counted_token = _counted_noun(subject.group(1), plural_only=True)
    # "How many of Zhongguancun's 23 distinctive industrial parks are in Haidian?" counts parks
    share = None if counted_token else _HOW_MANY_OF.search(text)
    if share:
        counted_token = _counted_noun(share.group(1), plural_only=True)
    # "What is Suzhou Industrial Park's population?", "What was the population of Nanjing?"
    measure = _MEASURED_NOUN.search(text)
    if measure and not counted_token:
        counted_token = measure.group(1).lower()
    measured = re.search(r"的([\u4e00-\u9fff]{1,6}?)(?:是|有|为|达到?|共有?)(?:大约|大概|约)?多少", text)
    # "杭州市长是谁？", "DeepSeek的创始人是谁？": the role asked about must be named where the answer is.
    role = _CHINESE_ROLE_Q.search(text) if wants == "person" else None
    if role and not counted_token:
        counted_token = (tokenize(role.group(1)) or [""])[-1]
    if measured and not counted_token:
        counted_token = (tokenize(measured.group(1)) or [""])[-1]
    # "DeepSeek有多少员工？": what follows 多少 at the end counts (not a unit of time: 多少年 is a duration).
    counts = re.search(rf"多少[{_CLASSIFIERS}]?([\u4e00-\u9fff]{{1,6}})[？?。！]?\s*$", text)
    if counts and not counted_token and not re.match(r"[年天月日次倍岁小分秒钱]", counts.group(1)):
        counted_token = (tokenize(counts.group(1)) or [""])[-1]
    # "占地多少亩？", "表演了几分钟？": a unit of measure is what the figure must stand next to
    unit = _CHINESE_UNIT_ASKED.search(text)
    if unit and not counted_token:
        counted_token = unit.group(1)
    asking = _LAST_QUESTION.search(worded)
    focus = terms
    # after a lead-in that states something, not after another question ("节目叫什么？一共有几台？")
    if asking and asking.start(1) > 0 and not worded[:asking.start(1)].rstrip().endswith(("?", "\uff1f")):
        focus = tuple(dict.fromkeys(t for t in (*tokenize(asking.group(1)), *names) if t not in QUESTION_FRAME))
        focus = focus if set(focus) - set(names) else terms  # "... . Why?" names no topic of its own
    sides, side_wants = interval_sides(text), "time"
    if not sides:
        sides, side_wants = either_sides(text)
        wants = "" if sides else wants  # the answer is one of the two things it names
    return Question(text, language, kind, wants, terms, names, compares(text) or bool(sides), years,
                    question_parts(text), counted_token, present=bool(_PRESENT_Q.search(text)), focus=focus,
                    sources=sources_asked(text),
                    part_words=part_terms(text), ordinals=tuple(dict.fromkeys(_ORDINAL.findall(text))),
                    periods=periods_in(text), sides=sides, side_wants=side_wants if sides else "")


# "How many <up to four words>" whatever follows (a verb: "How many people attended ..."), and the
# units of time a span is counted in
_HOW_MANY_DID = re.compile(r"\bhow many ((?:[\w\u2019'-]+\s+){0,3}[\w\u2019'-]+)", re.I)
_TIME_UNITS = re.compile(r"(?:year|month|week|day|hour|minute|second|time|decade|centur(?:y|ie))s", re.I)
# A Chinese question asking for a figure in a unit of length, area, weight or time under a day.
_CHINESE_UNIT_ASKED = re.compile(r"(?:多少|几)个?(分钟|小时|秒钟|亩|平方公里|公里|平方米|米|吨)")
# A measure a "what is ...?" question asks the figure of, which its sentence must name.
_MEASURED_NOUN = re.compile(r"\bwhat(?:['\u2019]s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:[A-Z][\w\u2019'-]*"
                            r"(?:\s+[A-Z][\w\u2019'-]*)*['\u2019]s\s+)?(population|workforce|headcount)\b", re.I)


# "how many of the/its/Zhongguancun's ... <plural noun>" before the verb: a count of part of a whole
_HOW_MANY_OF = re.compile(r"\bhow many of\s+((?:[\w\u2019'.,-]+\s+){0,5}?[\w\u2019'-]+)(?=\s+(?:did|does|do|has|"
                          r"have|had|is|are|was|were|will|can|could|would|in|at|on|from|per|came|come)\b|\s*[?,]|$)",
                          re.I)


def _counted_noun(span: str, plural_only: bool = False) -> str:
    """The noun a "how many" span counts, as a keyword token: its plural noun ("Macao residents
    work" -> "resident"), else its last word; with ``plural_only`` (a span running on into its
    verb: "people attended Guangdong's"), its first plural noun, else nothing."""
    words = span.split()
    plural = [w for w in words if re.fullmatch(r"[A-Za-z-]{3,}s|people|staff|children|personnel|men|women", w, re.I)
              and not re.fullmatch(r"\w+(?:ss|us|is)", w, re.I)]
    if plural_only and (not plural or _TIME_UNITS.fullmatch(plural[0])):
        return ""
    return (tokenize(plural[0] if plural_only else plural[-1] if plural else span) or [""])[-1]


def is_projection(text: str) -> bool:
    """Does the sentence state a plan, a target or a forecast ("expects that by 2035 ...")?"""
    return bool(_PROJECTION.search(text))


_OF_THE_PAST = re.compile(r"\b(?:at that time|at the time|back then|in those days|initially|originally|at first|"
                          r"in (?:its|their|the) early days|an early (?:outline|plan|survey|count|report))\b|当时|那时|彼时|"
                          r"最初|起初", re.I)


OLD_YEARS = 15  # a sentence dated only this many years ago or more speaks of the past


def is_of_the_past(text: str) -> bool:
    """Does the sentence say it speaks of a past moment ("At that time Zhongguancun was reported to
    host ...", "an early outline of the zone counted ...", 当时, 最初), or name only years long gone
    ("11 high-tech firms on the avenue in 1983, 40 in 1984 ...", :data:`OLD_YEARS` or more before
    this one)? It gives no figure for today."""
    import datetime

    years = [int(year[:4]) for year in years_in(text)]
    return bool(_OF_THE_PAST.search(text)) or (bool(years) and max(years) <= datetime.date.today().year - OLD_YEARS)


def _answer_type(part: str) -> str:
    if _MONEY_Q.search(part):
        return "money"
    if _RANK_Q.search(part):
        return "rank"
    if _DURATION_Q.search(part):
        return "duration"
    if _QUANTITY_Q.search(part):
        return "quantity"
    if _TIME_Q.search(part):
        return "time"
    return "other"


_ASKS = re.compile(r"\b(?:what|how|which|who|whom|whose|when|where|why)\b|^\W*(?:is|are|was|were|did|does|do|has|have|can|could)\b|"
                   r"多少|哪|什么|几|谁|怎|如何|为何|吗|呢|是否|多久|多长|多大|啥", re.I)


# "When did Zhongguancun and Songshan Lake each get ...?", "A, B and C, respectively": one thing asked
# of each of two or more named things
_EACH_EN = re.compile(r"^(?P<left>.+?)\s+and\s+(?P<right>.+?)\s+(?:each|both)\s+(?P<post>.+)$", re.I)
_RESPECTIVELY = re.compile(r",?\s+respectively\b", re.I)
# ... and a list of them ("Zhongguancun, Optics Valley" before "and Shenzhen each ...")
_CAPITALISED_RUN = r"(?:[A-Z][\w\u2019'.-]*\s+)*[A-Z][\w\u2019'.-]*"
_TRAILING_NAME = re.compile(r"(?:(?:the|which|what)\s+)?(?:" + _CAPITALISED_RUN + r",\s+)*" + _CAPITALISED_RUN + "$")
_LEADING_NAME = re.compile(r"^(?:(?:the|which|what)\s+)?(?:[A-Z][\w\u2019'.-]*\s*)+")
# 光谷的长飞和杭州的游戏科学各有啥动静？ 研发、中试和量产分别放在哪里？ (各地, 各省 are "every place")
_EACH_ZH = re.compile(r"(?P<list>[^，,：:；;。？?！!“”]{1,40}?(?:和|与|跟|及|、)[^，,：:；;。？?！!“”]{1,30}?)[，,]?(?:又|也)?"
                      r"(?:分别|各自|各(?=[有是拿在做干学说办用花占排达得获成出发推被为自]))")
_LEADING_TIME = re.compile(r"^(?:\d{4}年(?:那一年|那会儿|那年)?|[一二三四五六七八九十]+月)")


def distributive_pieces(text: str) -> list[str]:
    """The questions a distributive question asks of each thing it lists ("When did Zhongguancun and
    Songshan Lake each get national high-tech zone status?" -> "When did Zhongguancun get ...?",
    "When did Songshan Lake get ...?"; "2015年，光谷和云深处各有啥事？" -> "2015年，光谷有啥事？",
    "2015年，云深处有啥事？"); empty for any other question."""
    if is_cjk_text(text):
        found = _EACH_ZH.search(text)
        if not found:
            return []
        items = [i.strip() for i in re.split(r"和|与|跟|以及|及|、", found.group("list")) if i.strip()]
        pre, post = text[:found.start()], text[found.end():]
        post = re.sub(r"分别|各自|各(?=是)", "", post)
        time = _LEADING_TIME.match(items[0]) if items else None
        if time:  # "2017年合肥、杭州和宇树各有什么事？": the year is asked of all three
            pre, items[0] = pre + time.group(0), items[0][time.end():]
        return [pre + i + post for i in items] if 2 <= len(items) <= 4 and all(items) else []
    plain = _RESPECTIVELY.sub("", text)
    found = _EACH_EN.match(plain)
    if found:
        left, right, post = found.group("left"), found.group("right"), found.group("post")
    elif plain != text and " and " in plain:  # "When were A and B founded, respectively?"
        left, rest = plain.rsplit(" and ", 1)
        right = _LEADING_NAME.match(rest)
        if not right:
            return []
        right, post = right.group(0).strip(), rest[right.end():].strip()
    else:
        return []
    if re.match(r"(?:which|what)\b", right, re.I):  # "Which DeepSeek model and which Unitree robot both ...?"
        first_item, pre = left, ""
    else:
        first = _TRAILING_NAME.search(left) if _LEADING_NAME.fullmatch(right.strip()) else None
        if not first:
            return []
        first_item, pre = first.group(0), left[:first.start()]
        opening = re.match(r"(?:(?:when|where|what|which|who|how|why|did|does|do|is|are|was|were|has|have|had|can|could)"
                           r"\b\s*)+", first_item, re.I)
        if opening:  # "Did Hefei": "Did" opens the question, it is no name
            pre, first_item = pre + opening.group(0), first_item[opening.end():]
    items = [i.strip() for i in re.split(r",\s*", first_item)] + [right.strip()]
    if len(items) > 4 or not all(items):
        return []
    return [f"{pre}{i} {post}".strip() if pre else f"{i[:1].upper()}{i[1:]} {post}" for i in items]


def question_pieces(text: str) -> list[str]:
    """A multi-part question split at ", and", "and what/how/which ..." or a second question mark
    (not one closing a quotation: "... during the 'Why not Nanjing?' debate?"). A piece that asks
    nothing ("合肥手里那18%的京东方股份，" before "后来是哪一年卖掉的？") is the lead-in of the next
    piece, not a part."""
    each = distributive_pieces(text)
    if each:
        return each
    pieces = [p for p in re.split(r",?\s+and\s+(?:(?:about|roughly|approximately|around|also|then)\s+)?"
                                  r"(?=(?:what|how|which|who|when|where|over|in what|for how)\b)|"
                                  r"[?\uff1f](?![\'\"\u2019\u201d\u300d\u300f])\s*(?=\S)|"
                                  r"\uff0c(?=.{0,6}(?:多少|哪|什么|几))", text, flags=re.I) if p.strip()]
    joined: list[str] = []
    for piece in pieces:
        if joined and not _ASKS.search(joined[-1]):
            joined[-1] = joined[-1] + ("\uff0c" if is_cjk_text(piece) else " ") + piece
        else:
            joined.append(piece)
    return joined


def question_parts(text: str) -> tuple[str, ...]:
    """Answer types of the parts of a multi-part question (see :func:`question_pieces`); empty when there
    is one part."""
    pieces = question_pieces(text)
    return tuple(_answer_type(p) for p in pieces) if len(pieces) > 1 else ()


def part_terms(text: str) -> tuple[tuple[str, ...], ...]:
    """For each part of a multi-part question, its topic words that no other part has ("Which
    company is behind Kujiale, and what kind of platform is it?" -> (("company", "behind"),
    ("platform",))); empty when there is one part."""
    pieces = [[t for t in dict.fromkeys(tokenize(p)) if t not in QUESTION_FRAME] for p in question_pieces(text)]
    if len(pieces) < 2:
        return ()
    return tuple(tuple(t for t in piece if not any(t in other for other in pieces if other is not piece))
                 for piece in pieces)


_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
                 r"thousand|million|billion|trillion|half|dozen")
# Digits not glued to Latin letters ("G60", "H800" are names) nor opening with a zero ("香港01" is
# the outlet HK01); English number words ("one" mostly means "a"; a capitalised number word inside a
# sentence is part of a name, as in "Four Great Ancient Capitals"); Chinese numerals of two or
# more characters or with a measure word ("一篇" is "an article", not a figure).
_A_DIGIT = r"(?<![A-Za-z\d.,])(?!0\d)\d"
_HAS_QUANTITY = re.compile(_A_DIGIT + r"|\b(?:" + _NUMBER_WORDS + r")\b|^\W*(?:" + _NUMBER_WORDS.title() + r")\b|"
                           r"[一二两三四五六七八九十百千万亿]{2,}|[二三四五六七八九十百千万亿]"
                           rf"[{_CLASSIFIERS}年次台人倍成款批届轮句段章节场期米克吨亩岁天周]")
# Month names are capitalised ("may publish" is not a date), seasons need not be.
_HAS_TIME = re.compile(rf"\b(?:1[89]\d\d|20\d\d)\b|\b(?:{_MONTH_NAMES})\b|(?i:\b(?:spring|summer|autumn|winter)\b)|\d{{4}}\s*\u5e74|"
                       r"[\d一二三四五六七八九十]+\u6708")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b|\d{4}\s*\u5e74")
# The day of a date ("September 17", "17 September", "9月17日") is not a figure.
_DAY = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|"
                  r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
                  r"[\d一二三四五六七八九十]+\u6708[\d一二三四五六七八九十]+[日号]", re.I)


# a name with a number in it is no quantity: the "No. 1 Project", "Version 8.0"
_NUMBERED = re.compile(r"\b(?:No|Number|Version)\.?\s?\d+(?:\.\d+)?\b", re.I)


def _without_dates_and_numbered_names(text: str) -> str:
    """``text`` with its days of dates, bare years and numbered names blanked out, offsets kept:
    what is left of its numbers are figures."""
    blank = lambda match: " " * len(match.group())  # noqa: E731
    return _NUMBERED.sub(blank, _YEAR.sub(blank, _DAY.sub(blank, text)))


def has_quantity(text: str) -> bool:
    """A number or number word other than a bare year, the day of a date or a numbered name."""
    return bool(_HAS_QUANTITY.search(_without_dates_and_numbered_names(text)))


# A figure written in digits ("23", "76,200", "1.5"): the question's own are compared without commas.
_DIGIT_FIGURE = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")


def without_the_questions_figures(question: Question, text: str) -> str:
    """``text`` with the figures the question itself states blanked out: "the first batch of 23
    distinctive industrial parks ... more than 700 billion yuan" gives no count for "How many of
    Zhongguancun's 23 distinctive industrial parks are in Haidian?", since 23 is the question's own.

    Args:
        question: the analysed question.
        text: a sentence.

    Returns:
        The text, with each figure the question writes (in digits, commas aside) replaced by spaces.
    """
    stated = {m.group().replace(",", "") for m in _DIGIT_FIGURE.finditer(question.text)}
    if not stated:
        return text
    return _DIGIT_FIGURE.sub(lambda m: " " * len(m.group()) if m.group().replace(",", "") in stated else m.group(), text)


def has_figure(text: str) -> bool:
    """A number written in digits other than a bare year, the day of a date or a numbered name ("3.89
    square kilometres", not "the two parks")."""
    return bool(re.search(_A_DIGIT, _without_dates_and_numbered_names(text)))


def has_time(text: str) -> bool:
    """A year, month or season."""
    return bool(_HAS_TIME.search(text))


_HAS_MONEY = re.compile(r"\d[\d,.]*\s*(?:million|billion|trillion|mn|bn)?\s*(?:(?:us|u\.s\.|hong kong)\s+)?(?:yuan|dollars?|usd|rmb|euros?)\b|"
                        r"[$\u00a5\u20ac]\s*\d|\d[\d,.]*\s*(?:\u4e07\u4ebf|\u4e07|\u4ebf)?\s*(?:\u5143|\u7f8e\u5143)|"
                        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundreds?|thousands?|tens)\s+(?:of\s+)?"
                        r"(?:million|billion|trillion)", re.I)


# A cost of nothing is a sum too ("at no further charge", "free of charge", "免费").
_NO_CHARGE = re.compile(r"\b(?:free of charge|(?:at\s+)?no (?:further |additional |extra )?(?:charge|cost|fee)|"
                        r"without (?:any )?(?:charge|cost|fee)|royalty-free|for free)\b|免费", re.I)


# A question asking a price, and the words a sentence giving one uses.
_ASKS_A_PRICE = re.compile(r"\bprices?\b(?! tags?\b)|价格|股价|售价|价钱|定价|票价", re.I)
_SAYS_A_PRICE = re.compile(r"\bpric\w*|\bcosts?\b|\bcosting\b|\bsells?\b|\bsold\b|\bselling\b|\bcharg\w*|"
                           r"\bfees?\b|价|售|卖|费", re.I)


def has_money(text: str) -> bool:
    """An amount of money (or of land, for budgets given in area): "5.6 million dollars", "70亿元",
    or none ("at no further charge")."""
    return bool(_HAS_MONEY.search(text) or _NO_CHARGE.search(text))


# (compute or labour counted in hours is an amount of work, not a length of time: "2.788 million H800 GPU hours")
_HAS_DURATION = re.compile(r"\b(?!(?:GPU|CPU|TPU|machine|man|person|core|node)\s+hours?\b)(?:\w+|\d+)\s+"
                           r"(?:days?|weeks?|months?|years?|decades?|hours?|minutes?|seconds?|"
                           r"centuries)\b|\bsince\s+(?:1[89]|20)\d\d\b|"
                           r"(?<!\d)(?:\d{1,3}(?:\.\d+)?|\d{4,}(?=[多余])|[一二两三四五六七八九十百几]+)\s*[多余]?\s*(?:天|周|个月|年|十年|小时|分钟)", re.I)


# the unit of time a question counts a length in ("How many years ...?", 隔了几个月), and how a text writes it
_LENGTH_ASKED = re.compile(r"\bhow many (years|decades|months|weeks|days)\b|(?:几|多少)个?(年|月|周|礼拜|星期|天)", re.I)
_UNITS_OF_TIME = {"year": r"\b(?:years?|decades?)\b|年", "month": r"\bmonths?\b|个月",
                  "week": r"\bweeks?\b|周|礼拜|星期", "day": r"\bdays?\b|天"}
_UNIT_WORDS = {"years": "year", "decades": "year", "年": "year", "months": "month", "月": "month", "weeks": "week",
               "周": "week", "礼拜": "week", "星期": "week", "days": "day", "天": "day"}


def unit_asked(question: str) -> str:
    """The unit of time ``question`` counts a length in, read from its asking words: "year" for "How
    many years ...?" or 隔了几年, "month" for 几个月 (not "year" for the 2025年 it writes); "" for "How long ...?"."""
    found = _LENGTH_ASKED.search(question)
    return _UNIT_WORDS[(found.group(1) or found.group(2)).lower()] if found else ""


def states_a_length_asked(question: str, text: str) -> bool:
    """Does ``text`` give a length of time in the unit ``question`` counts in ("thirty years" for
    "How many years did it take ...?", not "in two days" for "2025年……隔了几个月？"; any length for
    "How long ...?")?"""
    unit = unit_asked(question)
    asked = _UNITS_OF_TIME[unit] if unit else ""
    return any(not asked or re.search(asked, m.group(0), re.I) for m in _HAS_DURATION.finditer(text))


def without_figures_of(kinds, text: str) -> str:
    """``text`` with its figures of these kinds ("duration": "25 minutes", "三年"; "money": "70亿元";
    "rank": "10th", "第19位") blanked out."""
    for kind, pattern in (("duration", _HAS_DURATION), ("money", _HAS_MONEY), ("rank", _HAS_RANK)):
        if kind in kinds:
            text = pattern.sub(" ", text)
    return text


# A length of time given without a number ("perpetual", "for the term of copyright").
_OPEN_DURATION = re.compile(r"\b(?:perpetual(?:ly)?|permanent(?:ly)?|indefinite(?:ly)?|forever|irrevocabl[ey]|"
                            r"for the (?:term|duration|life) of)\b|永久|无限期", re.I)


_HAS_QUOTE = re.compile(r"[\"\u201c\u300c\u300e\u300a][^\"\u201d\u300d\u300f\u300b]{3,}[\"\u201d\u300d\u300f\u300b]")


# Measures Chinese text writes in Latin capitals or in Chinese, either way ("GDP", 生产总值, 经济总量).
# a share is written as "X占Y的8.7%" as often as named
_SHARE = r"占[^，。；！？]{0,24}?\d+(?:\.\d+)?\s*[%％]"
_OTHER_FORMS = {"gdp": "生产总值|经济总量", "生产总值": "GDP|经济总量", "经济总量": "GDP|生产总值",
                "ai": "人工智能", "人工智能": r"(?<![A-Za-z])AI(?![A-Za-z])",
                "比例": _SHARE, "比重": _SHARE, "占比": _SHARE}
# founding is written many ways (游戏科学……于2014年创办 answers 哪一年成立的？)
_FOUNDED = "成立|创办|创立|创建|设立|组建|建立"
_OTHER_FORMS.update({word: _FOUNDED for word in _FOUNDED.split("|")})
# ... and in English ("Who started BrainCo?": "BrainCo was founded in 2015 by Han Bicheng")
_FOUNDED_EN = (r"\b(?:co-?)?found(?:ed|s|ing|ers?)?\b|\bestablish(?:ed|es|ing|ment)?\b|\bset(?:s|ting)? up\b|"
               r"\bstart(?:ed|s)?\b")
_OTHER_FORMS.update({word: _FOUNDED_EN for word in ("start", "found", "establish")})
# units a Chinese question asks a figure in (_CHINESE_UNIT_ASKED), as English writes them
_OTHER_FORMS.update({"亩": r"\bmu\b", "分钟": r"\bminutes?\b", "小时": r"\bhours?\b", "秒钟": r"\bseconds?\b",
                     "平方公里": r"\bsquare kilomet(?:re|er)s?\b|\bkm2\b|km\u00b2|\bsq\.? ?km\b",
                     "公里": r"\bkilomet(?:re|er)s?\b|\bkm\b", "平方米": r"\bsquare met(?:re|er)s?\b",
                     "米": r"\bmet(?:re|er)s?\b", "吨": r"\bton(?:ne)?s?\b"})


def written_otherwise(term: str, text: str) -> bool:
    """Is ``term`` (a token) in ``text`` in another form ("GDP" for 经济总量, 人工智能 for "AI")?"""
    form = _OTHER_FORMS.get(term)
    return form is not None and re.search(form, text) is not None


def figure_near(word: str, text: str, window: int = 15) -> bool:
    """A figure within ``window`` characters of ``word`` (or another form of it, see
    :func:`written_otherwise`) in ``text`` (Chinese states a measure next to what it measures:
    "人口达931万")."""
    pattern = re.escape(word) + ("|" + _OTHER_FORMS[word] if word in _OTHER_FORMS else "")
    for m in re.finditer(pattern, text):
        if has_quantity(text[max(0, m.start() - window): m.end() + window]):
            return True
    return False


def answer_starts(kind: str, text: str) -> list[int]:
    """Where answers of this type ("quantity", "money", "time") start in ``text`` (none for another
    type); a year, the day of a date or a numbered name ("No. 1 Project") is no quantity."""
    if kind == "quantity":
        return [m.start() for m in _HAS_QUANTITY.finditer(_without_dates_and_numbered_names(text))]
    pattern = {"money": _HAS_MONEY, "time": _HAS_TIME}.get(kind)
    return [m.start() for m in pattern.finditer(text)] if pattern else []


def holds_type(kind: str, text: str) -> bool:
    """Does ``text`` hold an answer of this type ("quantity", "money", "time", "duration",
    "rank", "quote"; any other type: True)?"""
    if kind == "quote":
        return bool(_HAS_QUOTE.search(text))
    if kind == "rank":
        return bool(_HAS_RANK.search(text))
    if kind == "duration":
        return bool(_HAS_DURATION.search(text) or _OPEN_DURATION.search(text))
    if kind == "money":
        return has_money(text)
    if kind == "quantity":
        return has_quantity(text)
    if kind == "time":
        return has_time(text)
    return True


# A figure of a narrower kind than any number: an age, a place in a ranking, a rate of change.
# "What share of GDP ...?": a percentage or a fraction, not a sum
_SHARE_Q = re.compile(r"\bwhat (?:share|percentage|proportion|fraction|portion|per ?cent)\b|"
                      r"\bhow (?:large|big|much) (?:a |of a )?(?:share|proportion|fraction|portion|slice)\b|"
                      r"比例|比重|占比|百分比|占(?![地用领])[^，。？?]{0,20}(?:多少|几)", re.I)  # not 占地 (land)
_HAS_SHARE = re.compile(r"\d[\d.,]*\s*(?:%|％|percent\b|per cent\b)|百分之|分之|[一二两三四五六七八九十]成|"
                        r"\b(?:one|two|three|four|five|a)[- ](?:half|halves|thirds?|quarters?|fifths?|sixths?|sevenths?|"
                        r"eighths?|ninths?|tenths?|\w+teenths?|\w+ieths?|\d+(?:st|nd|rd|th)s?)\b|\bhalf\b|"
                        r"\bone (?:in|of) (?:every )?\w+\b", re.I)
# "……是谁写的？", "谁执导了……？": a work's maker is named where the sentence says it was made, in
# either language.
_MADE_BY_WHOM = re.compile(r"谁(写|撰写|执导|导演|发明|设计|创作)|(写|撰写|执导|导演|发明|设计|创作)(?:了|的)?(?:人)?(?:是谁|是哪位)")
_WRITING = r"wr(?:ote|itten|iter|iters)|author(?:ed|s)?"  # how English says a text was written, and by whom
_WRITTEN = rf"写|撰|著|作者|执笔|\b(?:{_WRITING})"
_DIRECTED = r"导演|执导|\bdirect"
_MADE_BY_WHOM_SAID = {"写": _WRITTEN, "撰写": _WRITTEN, "执导": _DIRECTED, "导演": _DIRECTED, "发明": r"发明|\binvent",
                      "设计": r"设计|\bdesign", "创作": r"创作|\bcreat|" + _WRITTEN}
# "How many years running ...?", "连续几年……？": a place in a run ("third consecutive") answers it too.
_IN_A_ROW_Q = re.compile(r"\bhow many (?:[\w-]+ ){0,2}?(?:running|in a row|straight|consecutive(?:ly)?)\b|连续(?:几|多少)", re.I)
# a length asked in kilometres is not answered by an area ("多少公里" by "76,200 square kilometres")
_LENGTH_Q = re.compile(r"(?<!平方)(?:多少|几)(?:千米|公里)|\bhow many (?:kilomet(?:re|er)s|km|miles)\b", re.I)
_HAS_LENGTH_UNIT = re.compile(r"(?<!平方)(?:公里|千米)|(?<!square )\b(?:kilomet(?:re|er)s?|km|miles?)\b(?![²2])", re.I)
_NARROW_QUANTITIES = ((_AGE_Q, _HAS_AGE), (_RANK_Q, _HAS_RANK), (_RATE_Q, _HAS_RATE), (_SHARE_Q, _HAS_SHARE),
                      (_LENGTH_Q, _HAS_LENGTH_UNIT))


# a percentage that is a share of something ("占GDP的28.8%", "accounted for 28 percent of output")
_SHARE_BEFORE = re.compile(r"(?:占|比重|占比|份额|\bshare\b|\baccount(?:s|ed)? for\b|\bproportion\b|\bmade up\b)[^，,；;。]{0,12}$", re.I)
_SHARE_AFTER = re.compile(r"^\s*of (?:[\w'\u2019-]+\s+){0,2}(?:GDP|total|economy|output|population|market)\b", re.I)


def has_a_rate(text: str) -> bool:
    """Does ``text`` give a rate of change ("grew 3.5 percent", "同比增长8.7%", "doubled"), not only a
    share ("占GDP的28.8%": the growth of what makes up that share is not said)?"""
    return any(not _SHARE_BEFORE.search(text[max(0, m.start() - 24):m.start()])
               and not _SHARE_AFTER.search(text[m.end():m.end() + 40])
               for m in _HAS_RATE.finditer(text))


# A date something was so by ("by December 2025", "as of 2024", 截至2025年底), and a question asking
# when something began (started operating, opened, was founded): "By December 2025 ... in operation"
# does not say when it began, while "By 2024 ... described" may be all there is on when it was said.
_BY_A_DATE = re.compile(rf"\b(?:[Bb]y|[Aa]s of)\s+(?:the end of\s+|early\s+|mid-|late\s+)?(?:(?:{_MONTH_NAMES})\s+)?"
                        r"(?:\d{1,2},?\s+)?(?:1[89]\d\d|20\d\d)\b|截至\d{4}年(?:\d{1,2}月)?(?:底|末)?")
_WHEN_BEGAN_Q = re.compile(r"^\W*when (?:did|was|were|had)\b.*\b(?:start\w*|beg[ai]n\w*|open\w*|launch\w*|found(?:ed)?|"
                           r"establish\w*|set up|operat\w*|come into|went into|go into)\b|"
                           r"(?:什么时候|哪一?年|何时).*(?:开始|成立|开业|开通|启用|投用|运营|投入使用|落成)", re.I)


def holds_answer_type(question: Question, text: str) -> bool:
    """Does ``text`` hold the kind of answer the question asks for (always True when it asks for
    no particular kind)?"""
    if question.wants == "quote":
        return holds_type("quote", text)
    if question.wants == "money":
        # "What was Nvidia's closing share price?" asks a price: a sum lost in market value is none
        return has_money(text) and (not _ASKS_A_PRICE.search(question.text) or bool(_SAYS_A_PRICE.search(text)))
    if question.wants == "quantity":
        if _IN_A_ROW_Q.search(question.text) and _HAS_RANK.search(text):
            return True  # "how many years running": "its third consecutive conference"
        if _RATE_Q.search(question.text) and not _SHARE_Q.search(question.text):
            return has_a_rate(text)
        for asked, answered in _NARROW_QUANTITIES:
            if asked.search(question.text):
                return bool(answered.search(text))
        if question.sides:  # the time between two events: a length of time, or the dates of both
            return holds_type("duration", text) or has_time(text)
        # "For how long ...?" may be answered without a number ("perpetual").
        if _TAKES_TIME_Q.search(question.text):
            return holds_type("duration", text)
        if _HOW_LONG_Q.search(question.text):
            return holds_type("duration", text) or bool(_HAS_LENGTH.search(text))
        return has_quantity(text) or bool(_DURATION_Q.search(question.text) and _OPEN_DURATION.search(text))
    if question.wants == "time":
        text = _BY_A_DATE.sub(" ", text) if _WHEN_BEGAN_Q.search(question.text) else text
        if _DAY_Q.search(question.text):
            return bool(_HAS_DAY.search(text))
        return bool(_HAS_MONTH.search(text)) if _MONTH_Q.search(question.text) else has_time(text)
    if question.wants == "person":
        made = _MADE_BY_WHOM.search(question.text)
        if made and not re.search(_MADE_BY_WHOM_SAID[made.group(1) or made.group(2)], text, re.I):
            return False  # "谁写的？": a sentence quoting the commentary does not say who wrote it
        return names_someone_new(question, text)
    if question.wants == "institution":
        kind = _singular(_INSTITUTION_Q.search(question.text).group(1).lower())
        if is_cjk_text(text):
            return re.search(_CHINESE_INSTITUTION_WORDS[kind], text) is not None
        return re.search(r"\b" + _INSTITUTION_WORDS[kind] + r"\b", text, re.I) is not None
    return True


def _singular(noun: str) -> str:
    """"universities" -> "university", "labs" -> "lab" (the kinds of :data:`_INSTITUTION_WORDS`)."""
    return re.sub(r"ies$", "y", noun) if noun.endswith("ies") else re.sub(r"s$", "", noun)


def a_figure_of_the_year(question: Question, text: str) -> bool:
    """Is one of the sums (or figures) ``text`` gives nearest to the one year the question names, when
    the text names several? "2024年，合肥GDP达13507.7亿元……而2022年和2023年分别排第21位和第20位" gives
    2024's GDP, not 2023's. True when there is nothing to check."""
    if question.wants not in _YEAR_BOUND or len(question.years) != 1:
        return True
    years = [(m.start(), m.group()) for m in _A_YEAR.finditer(text)
             if not re.match(r"\s*(?:[亿万千百多余]|[.,]\d|billion|million)", text[m.end():])]  # not 2000亿元
    if len({y for _, y in years}) < 2:
        return True
    clauses = [m.span() for m in re.finditer(r"[^;\uff1b]+", text)]
    for start in answer_starts(question.wants, text):
        # a clause after a semicolon says a figure of its own year ("... 120 square kilometres; the
        # December 2023 plan gives ..."): the years of the figure's clause come first
        clause = next(((a, b) for a, b in clauses if a <= start < b), (0, len(text)))
        own = [year for year in years if clause[0] <= year[0] < clause[1]] or years
        nearest = min(own, key=lambda year: abs(year[0] - start))
        if nearest[1] == question.years[0]:
            return True
    return False


def names_someone_new(question: Question, text: str) -> bool:
    """Does ``text`` hold a name of two or more capitalised words that the question does not
    already give? A Chinese text cannot be judged by capitals: it passes for a Chinese question;
    for an English one it must write every name the question gives in its Chinese form
    (``other_terms``) and the role asked about (:func:`holds_the_role_in_chinese`), and hold a
    Chinese personal name (:func:`chinese_person_names`): "Who's known as the father of China's
    optical fibre?" is answered by "被誉为“中国光纤之父”的赵梓森……"; "Who founded YOFC?" is not, by that
    sentence nor by 中国光纤通信的故事是从武汉开始的.
    When the question asks for a role only a person holds (see :func:`asks_for_a_person`), a
    body's or a place's name does not count."""
    if is_cjk_text(text):
        return question.language == "zh" or (bool(question.other_terms) and all(
            term in text for term in question.other_terms) and holds_the_role_in_chinese(question, text)
            and bool(chinese_person_names(text)))
    # a Chinese question's names are known in their English form too (梁文锋: "Liang Wenfeng")
    known = set(question.names) | set(question.other_terms) | CALENDAR
    person = asks_for_a_person(question) or bool(_A_PERSON_ZH.search(question.text))
    for m in _FULL_NAME.finditer(text):
        if not set(tokenize(m.group(0))) - known:
            continue
        if not person or _may_be_a_persons_name(m, text):
            return True
    return False


# A Chinese question asking for a person: "which person" (哪位), or a role only a person holds (局长是谁?)
_A_PERSON_ZH = re.compile(r"哪位|哪个人|(?:局长|市长|省长|书记|校长|院长|导师|老师|董事长|总裁|部长|院士|教授)(?:是谁|叫什么|叫啥)")


def _may_be_a_persons_name(match, text: str) -> bool:
    """Is the capitalised run ``match`` of ``text`` free of a body's or a place's word, and opens no
    compound ("High-tech")? A person's name is."""
    words = {w.lower() for w in re.split(r"[ -]", match.group(0))}
    # ... nor follows a body's word: "the hedge fund High-Flyer" names the fund
    before = re.search(r"([A-Za-z]+)\s+$", text[:match.start()])
    return not (words & _NOT_A_PERSON or words & _PLACES or text[match.end():match.end() + 1] == "-"
                or (before and before.group(1).lower() in _BEFORE_A_BODYS_NAME))


def person_names(text: str) -> list[str]:
    """The personal names ``text`` gives: capitalised runs with no body's or place's word ("Feng
    Ji", not "Game Science" nor "Hangzhou"), or in a Chinese text those of
    :func:`chinese_person_names`; in order, each once."""
    if is_cjk_text(text):
        return list(chinese_person_names(text))
    names = [m.group(0) for m in _FULL_NAME.finditer(text) if _may_be_a_persons_name(m, text)
             and not {w.lower() for w in re.split(r"[ -]", m.group(0))} & CALENDAR]
    return list(dict.fromkeys(names))


# Kinds of place or body whose name carries the kind's word ("Yuhang District", 余杭区, "Zhejiang
# University", "the Shanghai Stock Exchange"): a question asking "which district" is answered by a
# sentence naming one, in either language.
_NAMED_KINDS = {
    "district": (r"\b(?:which|what)\s+district\b|哪(?:个|一个?)?(?:区|开发区)(?![域])",
                 r"\b[A-Z][\w-]*\s+[Dd]istrict\b|[\u4e00-\u9fff]{1,5}区"),
    "university": (r"\b(?:which|what)\s+university\b|哪(?:所|个|一所)?大学",
                   r"\bUniversity\b|\bInstitute of Technology\b|大学"),
    "stock exchange": (r"\b(?:which|what)\s+(?:stock\s+)?exchange\b|哪(?:个|家)?(?:证券)?交易所",
                       r"\b(?:Stock )?Exchange\b|Nasdaq|NYSE|STAR Market|交易所|港交所|上交所|深交所|科创板"),
}


# "What's the name of Origin Quantum's quantum computer?": the thing whose name is asked (its last
# word). A person's name is asked otherwise (:data:`_NAME_OF_A_ROLE_Q`).
_PLACE_WORDS = r"behind|about|near|under|after|before|during|since|along"  # they open a phrase after the thing
_NAME_OF_Q = re.compile(r"\b(?i:what(?:'s|\u2019s|\s+is|\s+was|\s+are|\s+were)\s+the\s+names?\s+of)\s+"
                        r"(?:the\s+|its\s+|their\s+|that\s+|this\s+|those\s+|these\s+)?(?:[\w\u2019'-]+\s+){0,6}?"
                        r"(?!(?:" + _NUMBER_WORDS + "|" + _PLACE_WORDS + r")\b)([a-z][a-z-]{2,})"
                        r"(?=\s+(?:that|which|who|whose|did|does|do|was|were|is|are|has|had|in|at|on|from|for|with|by|"
                        r"to|of|" + _PLACE_WORDS + r"|planned|released|launched|built|set|founded|named|called)\b|"
                        r"\s+[A-Z]|\s*[?,]|\s*$)")


def thing_named_asked(question: Question) -> str | None:
    """The word for the thing an English "What's the name of ...?" question asks the name of
    ("computer" in "What's the name of Origin Quantum's quantum computer?"); None for a person
    or another question."""
    if question.language != "en" or question.wants == "person":
        return None
    found = _NAME_OF_Q.search(question.text)
    return found.group(1).lower() if found else None


def gives_a_name_for(thing: str, text: str) -> bool:
    """Does ``text`` give the name of a ``thing``: a capitalised or quoted name just before the word
    ("the Jiuzhang quantum computer"), or after it, quoted or introduced ("its online news platform
    “Jiaohuidian”", "a model called ...")? An acronym of common words ("AI industrial park") is no name."""
    stem = re.escape(thing[:5])
    name = r"(?:[A-Z][\w.-]*[a-z][\w.-]*|[\u201c\"\u300a][^\u201d\"\u300b]{2,60}[\u201d\"\u300b])"
    before = rf"{name}(?:\s+[A-Z0-9][\w.-]*)*\s+(?:[a-z][\w-]*\s+){{0,2}}?{stem}\w*"
    after = rf"\b{stem}\w*\s*,?\s*(?:(?:called|named|known as|dubbed|titled)\s+(?:the\s+)?[A-Z\u201c\"\u300a]|[(\u201c\"\u300a])"
    return bool(re.search(before, text) or re.search(after, text, re.I))


# A factoid asking which companies or firms ("Which venture capital firms turned DeepSeek down?",
# 哪几家整车厂): its answer names one (:func:`names_a_body`).
_BODIES_Q = re.compile(r"\b(?:which|what)\s+(?:other\s+)?(?:(?!(?:kinds?|types?|sorts?)\b)[\w-]+\s+){0,3}?"
                       r"(?:compan(?:y|ies)|firms?|start-?ups?|"
                       r"enterprises?|(?:car|auto)?makers?|manufacturers?|investors?|banks?)\b|"
                       r"哪(?:几|些|一)?家(?:公司|企业|车企|整车厂|厂商|银行|机构|创投|投资机构)?", re.I)
# a capitalised run after a sentence's first word: a name
_CAPITALISED_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)*")


def asks_for_bodies(question: Question) -> bool:
    """Does a factoid ask which companies or firms (:data:`_BODIES_Q`), so that an answer must name one?
    Not when it asks which of two it names (宇树跟强脑，哪家成立得更早？)."""
    return not question.is_explanation and not question.sides and bool(_BODIES_Q.search(question.text))


def names_a_body(question: Question, text: str) -> bool:
    """Does ``text`` name a company or another body the question does not name: a capitalised name
    with no place's word ("High-Flyer", "Huawei"; not "Beijing" nor "Silicon Valley")? A Chinese text
    cannot be judged by capitals, and passes."""
    if is_cjk_text(text):
        return True
    known = set(question.terms) | set(question.names) | set(question.other_terms) | CALENDAR | _PLACES | COUNTRY_WORDS
    for run in _CAPITALISED_RUN.findall(text):
        words = tokenize(run)
        if set(words) - known and not set(words) & _PLACES and not (len(words) > 1 and all(map(is_pinyin, words[-2:]))):
            return True  # (a run ending in two pinyin words is a person's name: "President Xi Jinping")
    return False


def named_kind_asked(text: str) -> tuple[str, str] | None:
    """The kind of place or body a question asks for by name ("Which district ...?", 哪所大学), and
    how a sentence names one; None when it asks for none of :data:`_NAMED_KINDS`."""
    for kind, (asked, named) in _NAMED_KINDS.items():
        if re.search(asked, text, re.I):
            return kind, named
    return None


def is_a_body_word(word: str) -> bool:
    """Is ``word`` one that ends a body's or a place's name ("Laboratory", "Company", "Park")?"""
    return word.lower() in _NOT_A_PERSON


# Words that make a role another one: a deputy director is not the director.
_OTHER_ROLE = frozenset("deputy vice assistant associate honorary acting former".split())
# A role a text may name in other words: whoever "chairs the board" or is its director heads it.
_SAME_ROLE = {"head": r"heads?|headed|chairs?|chaired|chair(?:man|woman|person)|director|leads?|led|leader",
              "boss": r"boss|ceo|chief executive|chair(?:man|woman|person)|head"}


# Titles an office holder is given by name: a text telling who holds one says the title (a founder
# may instead have "set up" the firm, a director "leads" the lab).
_TITLES = {"ceo": r"ceo|chief executive", "cto": r"cto|chief technology officer",
           "cfo": r"cfo|chief financial officer", "mayor": "mayor", "governor": "governor",
           "secretary": "secretary", "president": "president", "dean": "dean",
           "chief scientist": "chief scientist", "spokesman": "spokes(?:man|woman|person)",
           "spokeswoman": "spokes(?:man|woman|person)", "spokesperson": "spokes(?:man|woman|person)"}
# a chair, and a work's maker asked by the verb ("Who directed ...?"), are named with the role
_TITLES.update({word: r"chair(?:s|ed|man|woman|person)?" for word in ("chair", "chairman", "chairwoman", "chairperson")})
_TITLES.update({word: r"direct(?:ed|s|or|ors|ing)" for word in ("directed", "directs")})
_TITLES.update({word: _WRITING for word in ("wrote", "written", "authored", "author", "authors", "writer", "writers")})
_TITLES.update({"composed": r"compos(?:ed|er|ers)", "painted": r"paint(?:ed|er|ers)", "invented": r"invent(?:ed|or|ors)"})


def holds_the_role(question: Question, text: str) -> bool:
    """Does ``text`` name the role a person question asks about, other than as a deputy's, a vice-
    or an assistant's role ("executive deputy director" is not "director")? When it does not name
    the role at all: True, as the role may be told in other words, except for a title (mayor,
    CEO, governor ...), which a text giving its holder names."""
    role = _PERSON_ROLE_Q.search(question.text)
    if role is None:
        return True
    asked = role.group(0).lower()
    written = _SAME_ROLE.get("head" if asked.startswith("head") else asked, re.escape(asked))
    found = list(re.finditer(r"\b(?:" + written + r")\b", text, re.I))
    title = _TITLES.get(asked)
    if not found and title:
        return re.search(r"\b(?:%s)\b" % title, text, re.I) is not None
    return not found or any(_not_another_role(text, m) for m in found)


def role_said_otherwise(question: Question, text: str) -> tuple[str, ...]:
    """The tokens of the role a person question asks about ("boss") when ``text`` names that role
    in another of its forms ("its CEO Feng Ji"): the role is then said, though its word is not.
    Empty otherwise."""
    role = _PERSON_ROLE_Q.search(question.text) if asks_for_a_person(question) else None
    if role is None:
        return ()
    asked = role.group(0).lower()
    written = _SAME_ROLE.get("head" if asked.startswith("head") else asked)
    if written is None or re.search(r"\b" + re.escape(asked) + r"\b", text, re.I):
        return ()
    return tuple(tokenize(asked)) if re.search(r"\b(?:" + written + r")\b", text, re.I) else ()


def _not_another_role(text: str, match) -> bool:
    """Is the role ``match`` found in ``text`` not a deputy's, a vice- or an assistant's (one of
    :data:`_OTHER_ROLE` in the two words before it)?"""
    return not _OTHER_ROLE & {w.lower() for w in re.findall(r"\w+", text[:match.start()])[-2:]}


def asks_for_a_person(question: Question) -> bool:
    """Does the question ask who holds a role only a person holds ("Who is the director of ...?",
    "Who co-founded ...?")?"""
    return question.wants == "person" and question.language == "en" and bool(_PERSON_ROLE_Q.search(question.text))


def role_holder(question: Question) -> str:
    """What holds the role a Chinese "who" question asks about ("杭州市长是谁？" -> "杭州",
    "DeepSeek的创始人是谁？" -> "DeepSeek"); empty when there is none."""
    if question.language != "zh" or question.wants != "person":
        return ""
    if not question.counted or question.counted not in question.text:
        return ""
    before = question.text[:question.text.rfind(question.counted)]
    # only a short subject right before the role ("宇树科技的", "合肥市委"), not a clause
    # ("提出端午节源于……的学者是谁？")
    before = re.sub(r"\d+\s*[年月日]|的$", "", before).strip()
    return before if re.fullmatch(r"[A-Za-z][A-Za-z0-9 -]*|[\u4e00-\u9fff]{2,6}", before) else ""


# How an English text names a role a Chinese "who" question asks about (主任 is a director or a
# head; 创始人 a founder, or whoever set the firm up): the pattern that checks a sentence, then the
# plain words that rank English sentences.
_RUNS_IT = r"ceo|chief executive|found(?:ed|er|ers)|co-?found\w*|chair(?:man|woman|person)?|boss|owner"
_ROLE_IN_ENGLISH = {
    "主任": (r"director|head(?:s|ed)?|leads?|led", "director head"),
    "院长": (r"president|director|dean|head(?:s|ed)?", "president director"),
    "校长": (r"president|principal|head(?:s|ed)?", "president"),
    "市长": (r"mayor", "mayor"), "省长": (r"governor", "governor"), "书记": (r"secretary", "secretary"),
    "创始人": (r"found(?:ed|er|ers|ing)?|co-?found\w*|set up|started|launched", "founder founded"),
    "创办人": (r"found(?:ed|er|ers|ing)?|co-?found\w*|set up|started|launched", "founder founded"),
    "董事长": (r"chair(?:s|ed|man|woman|person)?", "chairman"),
    "总裁": (r"president|ceo|chief executive", "president ceo"), "首席执行官": (r"ceo|chief executive", "ceo"),
    "首席科学家": (r"chief scientist", "chief scientist"),
    "总经理": (r"general manager|managing director|ceo|chief executive", "ceo manager"),
    # who runs a company, said plainly ("游戏科学的老板是谁？")
    "老板": (_RUNS_IT, "ceo founder boss"), "老总": (_RUNS_IT, "ceo boss"), "掌门人": (_RUNS_IT, "ceo head"),
    "负责人": (_RUNS_IT + r"|director|head(?:s|ed)?|leads?|led", "head director ceo"),
}


# Roles an English "who" question asks about that Chinese writes in words of its own, beyond
# those of :data:`_ROLE_IN_ENGLISH` ("the father of China's optical fibre": 中国光纤之父).
_ROLE_IN_CHINESE = {"father": "之父", "mother": "之母", "directed": "执导|导演", "directs": "执导|导演",
                    "director": "导演|执导", "professor": "教授", "inventor": "发明", "invented": "发明"}


def holds_the_role_in_chinese(question: Question, text: str) -> bool:
    """Does a Chinese text name the role an English person question asks about ("Who founded
    ...?": 创始人 or 创办人; "the father of ...": 之父)? True when the question asks for no role."""
    role = _PERSON_ROLE_Q.search(question.text) if asks_for_a_person(question) else None
    if role is None:
        return True
    asked = role.group(0).lower()
    forms = [zh for zh, (en, _) in _ROLE_IN_ENGLISH.items() if re.fullmatch(rf"(?:{en})", asked)]
    forms += [_ROLE_IN_CHINESE[asked]] if asked in _ROLE_IN_CHINESE else []
    return bool(forms) and re.search("|".join(forms), text) is not None


def holds_the_role_in_english(question: Question, text: str) -> bool:
    """Does an English text name the role a Chinese "who" question asks about (苏州工业园区第一任管委会
    主任是谁？ needs a director or a head, not an "entrepreneur-chief scientist" system, nor a deputy
    director)? True for a Chinese text, another question, or a role not in :data:`_ROLE_IN_ENGLISH`."""
    role = english_role(question)
    return role is None or is_cjk_text(text) or any(
        _not_another_role(text, m) for m in re.finditer(rf"\b(?:{role})\b", text, re.I))


def _role_asked(question: Question) -> tuple[str, str] | None:
    """The :data:`_ROLE_IN_ENGLISH` entry (pattern, plain words) of the role a Chinese "who"
    question asks about; None for other questions and roles."""
    if question.language != "zh" or question.wants != "person":
        return None
    return next((forms for role, forms in _ROLE_IN_ENGLISH.items() if role in question.text), None)


def english_role_words(question: Question) -> str:
    """The plain English words of the role a Chinese "who" question asks about (创始人: "founder
    founded"); "" for other questions and roles."""
    asked = _role_asked(question)
    return asked[1] if asked else ""


def english_role(question: Question) -> str | None:
    """How English writes the role a Chinese "who" question asks about (a pattern from
    :data:`_ROLE_IN_ENGLISH`); None for other questions and roles."""
    asked = _role_asked(question)
    return asked[0] if asked else None


def holds_the_role_of(question: Question, text: str) -> bool:
    """In a Chinese text, is the role said of what the question names ("深度求索创始人梁文锋" does not
    answer 宇树科技的创始人是谁？; "宇树科技创始人王兴兴" does)? True when there is nothing to check."""
    holder = role_holder(question)
    if not holder or not question.counted or not is_cjk_text(text):
        return True
    return any(holder in text[max(0, m.start() - 12): m.start()] for m in re.finditer(re.escape(question.counted), text))
