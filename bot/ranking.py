"""The answer decision: gradient-boosted trees over a few signals of each candidate entry, fitted on
development questions written the way delegates type (`python -m bot fit`), never on the public set.

The model says how likely an entry holds the answer; a "not published" entry is never a
candidate answer (it is the fallback when no fact entry is likely enough), so whatever an
organiser publishes wins over it as soon as it answers the question.
"""

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import lightgbm
import numpy as np

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("ranking_model.json")

# Signals of one candidate entry for one question (see `Signals`), in the model's order.
FEATURES = (
    "dense",  # the best cosine similarity of the question to one of the entry's chunks
    "dense_question",  # to one of its sample questions (0 when it has none near)
    "dense_body",  # to its text (0 when not among the nearest chunks)
    "dense_gap",  # how far that is below the best candidate's
    "lexical",  # BM25 of the entry's best chunk, scaled so the best entry has 1
    "coverage",  # IDF-weighted share of the question's words that occur in the entry
    "asked_coverage",  # the same for the words besides names: what is asked about them
    "unseen",  # IDF-weighted share of the question's words the knowledge never uses
    "names_hit",  # share of the names in the question that the entry mentions
    "names_miss",  # the question names someone or something and the entry none of them
    "time_missing",  # the question asks for a clock time and the entry gives none
    "figure_missing",  # it asks for a figure or detail (how many, since when, which country…) the entry lacks
    "detail_elsewhere",  # it lacks the figure, time or detail asked, and an entry about as near gives it
    "gap_dense",  # how much closer in meaning the nearest "not published" entry is (0 if farther)
    "gap_coverage",  # how many more of the question's words that entry holds (0 if fewer)
    "gap_asked",  # how many more of the words besides names (0 if fewer)
    "dense_x_coverage",
)

# "What time …", "几点", "a che ora": a clock time is wanted, not a date.
_ASKS_TIME = re.compile(
    r"\b(what (exact |precise )?time|which time|at what time|(exact |precise )?start(ing)? time|schedule|"
    r"timetable|a che ora|che ora|orari\w*|"
    r"ora di inizio|at \d)\b|几点|时间表|什么时间|哪个时间|何时开始",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2} ?(am|pm)\b|\d{1,2}点|\d{1,2}时", re.IGNORECASE)


# Digits, or a Chinese number ("二十二家", "四大"); a lone 一 ("一家企业") is an article, not a figure.
_HAN_DIGITS = "一二两三四五六七八九十百千万亿"
_HAN_NUMBER = f"(?:[{_HAN_DIGITS[1:]}]|一[十百千万亿])[{_HAN_DIGITS}]*[个家位年名项大%]"
_PEOPLE = r"people|persons|employees|workers|residents|inhabitants|persone|dipendenti|abitanti|人|名员工|员工"


# "Is Hans Song German or Chinese?", "è tedesco o cinese?"
_NATION = r"(german|chinese|italian|french|european)\b"
_NAZIONE = r"(tedesc|cines|italian|frances|europe)[oaie]\b"

_MONTHS = (
    r"(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|"
    r"october|oct|november|nov|december|dec|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|"
    r"settembre|ottobre|novembre|dicembre)\b\.?"
)
# A number that counts something: not a date's day, month or year ("30 November 2023", "11月30日")
_COUNT = (
    r"(?<![\d./])(?!(?:19|20)\d\d(?!\d))\d+(?!\d)(?![/.]\d)(?!\s*(?:月|日|号|年)|(?:st|nd|rd|th)\b)"
    rf"(?!\s+{_MONTHS})(?<!ember \d)(?<!ember \d\d)|{_HAN_NUMBER}|百分之"
)


@dataclass(frozen=True)
class Figure:
    """A kind of figure or detail a question can ask for: the words that ask it, and what in a text
    gives it. "How much did Brembo invest?" wants an amount of money: "nearly 300 firms" does not
    give one; "Which country is Avio from?" wants a country: "one of the European enterprises"
    does not give one."""

    asks: re.Pattern[str]
    gives: re.Pattern[str]


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# The other districts of Nanjing, and places a question may compare Lishui with.
_NANJING_DISTRICT = r"(jiangning|pukou|liuhe|gaochun|qixia|yuhuatai|jianye)\w*"
_NANJING_DISTRICT_HAN = "江宁|浦口|六合|高淳|栖霞|雨花台"
_PLACE = rf"(jiangsu|{_NANJING_DISTRICT}|suzhou|wuxi|changzhou|kunshan|shanghai|hefei)\b"

# The morning named ("morning or afternoon session?"; the date entry gives it)
_MORNING = _words(r"\b(morning|mattin\w*)\b|上午|早上")

# What an honour is given to ("what title did his town get from europe")
_HONOURED = r"(town|city|comune|citt[aà]|paese|colleferro|europ\w*|space|spazio)"

# The congress by a word of its name, and a year other than its 2023 edition's (not one offered
# beside 2023: "the 2023 or 2024 WIMC?" asks which)
_CONGRESS = "(wimc|congress|congresso|智能制造大会|智造大会)"
_OR = r"\s*(or|o|oppure|或|还是|/)\s*"
# This meeting as part of something ("这是…的配套活动对吧", "is this one of the canton fair side events")
_THIS_MEETING = (
    r"(这是|这次|本次|该活动|配套|专场|专项|\b(this|side) (event|meeting)s?|\bpart of|"
    r"\b(parte|nell'ambito) del|quest[oa] (evento|incontro))"
)
_OTHER_YEAR = (
    r"(?<!\d)(?<!2023 or )(?<!2023 o )(?<!2023或)(?<!2023 或 )(?<!2023还是)(?<!2023/)"
    rf"20(1\d|2[4-9])(?!\d)(?!{_OR}2023)"
)

# The word that stands for each person or company a question names when its figures are read
# (`Retriever._wanted`): "who spoke for Kaiwu?" is read as "who spoke for someone?"
SOMEONE = "someone"
# "the company that spoke was X?": whether someone spoke or presented
SPOKE_FIGURE = "spoke"

FIGURES = {
    "money": Figure(
        _words(
            r"\b(revenue|turnover|sales(?! (guy|man|manager|people|person|rep|team|director))|"
            r"profit|cost|costs|price|prices|fee|fees|budget|salary|amount|minimum order( quantity)?|"
            r"price list|quotation|listino( prezzi)?|ordine minimo|"
            r"how much (money|capital)|"
            r"how much (did|has|have|does|do|will)\b.*\binvest\w*|investment (amount|volume|size|value)|"
            r"how much (\w+ )?(investment|capital|money)|total investment|in (dollars|euros?|yuan|rmb)|"
            r"fatturato|ricavi|vendite|costo|costa|prezzo|importo|quanto (denaro|capitale|soldi)|"
            r"quanto (ha|hanno|avete|abbiamo)? ?investit\w*|quanto investe\w*|"
            r"how many (euros|dollars|yuan|rmb|millions)|"
            r"quant[ie] (euro|euri|soldi|dollari|yuan|milioni)(?! (aziende|imprese|societ)))\b|"
            r"多少钱|起订量|报价|投资额|投资总额|多少亿|几个亿|投资了多少|投了多少|投资多少|金额|营收|营业额|销售额|产值|利润|费用|价格|收费|多少资金|"
            r"(?<![a-z])(gdp|pil)(?![a-z])|生产总值|"
            r"(annual output|output value|market share|quota di mercato|valore della produzione)|"
            r"市场份额|市占率|市值|估值|贸易额|进出口额|"
            r"\b(trade volume|volume of trade|interscambio|volume d'affari)\b|"
            r"\b(export|sales) (figures?|volume|value)|\bquanto esport\w+|"
            r"\b(volume|valore) (delle|di) esportazion\w+|"
            r"出口额|出口量|出口了?多少|"
            r"\b(market (cap|capitali[sz]ation|value)|valuation|capitalizzazione|valutazione)\b"
        ),
        _words(r"€|\$|¥|\b(euros?|dollars?|yuan|rmb|million|billion|milioni|miliardi)\b|元|亿"),
    ),
    "year": Figure(
        _words(
            r"\b(what year|which year|since when|how long ago|in che anno|da quando|anno di fondazione|"
            r"when (was|were|did|has|have)\b.*\b(found\w*|establish\w*|set up|creat\w*|start\w*|open\w*|"
            r"arriv\w*|came|come|invest\w*|enter\w*|settle\w*)|"
            r"quando (è|e|sono|fu) stat[aoie] (fondat|creat|apert)\w*|"
            r"quando ha(nno)? (investito|aperto)|"
            r"quando (\w+ ){0,2}(è|e|sono) (arrivat|entrat|venut|insediat)\w*)\b|"
            r"哪一?年|几几年|(什么|啥)时候\S{0,6}?(来|开|成立|落户|建|进入|投资)|何时[来开成落建]|成立于?何时|哪年成立"
        ),
        _words(r"\b(1[89]|20)\d\d\b|\d{4}年"),
    ),
    "month": Figure(
        _words(r"\b(which|what) month\b|\bin (che|quale) mese\b|哪个月|哪一个月|几月份"),
        _words(
            r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
            r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\b|"
            r"\d{1,2}月|[一二三四五六七八九十]{1,2}月"
        ),
    ),
    "date": Figure(
        _words(
            r"\b(what date|which date|which day|what day|on what day|che giorno|in che data|quale giorno|"
            r"data dell'?\w*|data (evento|incontro|meeting)|dates of|le date (di|del|dell)|"
            r"(?<=[-:–] )dates?|dates? (pls|please)|"
            r"^\W*dates?\W*$|\b(venue|place|location|time|luogo|ora) (and|&|e) (date|data)\b|"
            r"\b(date|data) (and|&|e) (venue|place|location|time|luogo|ora)\b|"
            r"when (does|did|will|is)\b[^?]{0,60}\b(finish|end|close|over)|"
            r"quando (finisce|termina|chiude))\b|哪天|哪一天|几号|几月几[日号]|日期|什么时候结束"
        ),
        _words(
            rf"\b\d{{1,2}}(st|nd|rd|th)? ({_MONTHS})|\b({_MONTHS}) \d{{1,2}}\b|\d{{1,2}}月\d{{1,2}}[日号]|"
            r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
        ),
    ),
    "duration": Figure(
        _words(
            r"\b(how many days|how long (does|did|will|is) (it|the \w+)( \w+)? (last|take|run)|"
            r"quanti giorni|quanto dura\w*|durata|(second|another|next) day|day (two|2)|"
            r"how long (is|was|will) (he|she|they|\w+) (be )?(stay|staying|here|there|in)|"
            r"(secondo|un altro) giorno|giorno successivo)\b|"
            r"(讲|说|发言|致辞|演讲)了?(多长时间|多久)|"
            r"\bhow long (did|was) [\w' ]{1,30}? (speak|talk|speech|presentation)\b|"
            r"\bquanto (ha parlato|(e|è) durat[oa] (il |l['’] ?|la )?(suo |sua )?"
            r"(discorso|intervento|presentazione))|"
            r"多少天|(开|办|持续|要|共)几天|几天时间|持续多久|开多久|办多久|第二天|[待呆住](几天|多久)"
        ),
        _words(r"\d+\s*(days?|giorni|天)|\b(one|two|three|four|five|un|due|tre|quattro)[- ](days?|giorni)\b"),
    ),
    # "guadagno e sposato?": a person's family, which no entry gives
    "family": Figure(
        _words(
            r"\b(married|(his|her) (wife|husband|family|children|kids)|sposat[oa]|(sua|la) moglie|"
            r"(suo|il) marito|ha (dei )?figli|(la )?sua famiglia)\b|"
            r"结婚|已婚|老婆|妻子|丈夫|[他她]的?(家人|家庭|孩子)|有孩子|几个孩子"
        ),
        _words(r"(?!)"),
    ),
    "age": Figure(
        _words(r"\b(how old|age|et[àa]|quanti anni)\b|多大年纪|几岁|年龄|多大岁数"),
        _words(r"\d+ ?(years? old|anni\b|岁)"),
    ),
    "headcount": Figure(
        _words(
            r"\b(population|inhabitants|residents|employees|workers|staff numbers|headcount|popolazione|"
            r"abitanti|"
            r"dipendenti|lavoratori|operai|addetti|how many (people|persons|delegates|visitors|guests)|"
            r"quante persone|quanti (partecipanti|delegati|visitatori|ospiti|giornalisti)|jobs|"
            r"posti di lavoro|how many (journalists|reporters|media))\b|"
            r"人口|员工|职工|工人|多少人|几个人|多少位?(嘉宾|代表|来宾)|就业|岗位"
        ),
        _words(rf"(\d[\d,.]*|{_HAN_NUMBER})\s*({_PEOPLE})"),
    ),
    "count": Figure(
        _words(
            r"\b(how many|how much|number of|quant[ieoa]|numero di)\b|多少|(?<![哪几])几[个家位年人名]|"
            r"的(?:数量|数目)"
        ),
        _words(_COUNT),
    ),
    "size": Figure(
        _words(
            r"\b(how big|how large|size|surface|square met\w*|hectares?|acres?|quanto [eè] grande|"
            r"dimensioni|superficie|ettari|grandezza)\b|面积|占地|多大(?!年纪|岁)|几亩|多少亩|规模多大"
        ),
        _words(r"\d\s*(m2|m²|km2|km²|sq\w*|square|hectares?|acres?|ettari|mq|亩|平方|公顷)"),
    ),
    "country": Figure(
        _words(
            r"\b((which|what) (european |eu )?countr(y|ies)|from which country|where is \w+ from|"
            r"(quali|in quali|che) paesi|"
            r"where (are|is) (it|they) from|country of origin|"
            r"di (che|quale) (paese|nazione)|da (che|quale) paese|"
            r"is (it|\w+) an? (italian|german|french|chinese|european) (company|firm)|"
            r"[eè] (un'?\s?)?(azienda|impresa|societ[aà]) (italiana|tedesca|francese|cinese))\b|"
            r"(哪个|哪些|哪几个)\S{0,3}国家|哪国|哪一国|哪个国的|"
            r"\b(country|paese|nazione)\W*$|"
            r"\b(da dove viene|da dove vengono|di dove [eè])\b"
        ),
        _words(
            r"\b(ital\w*|german\w*|france|french|francia|frances\w|tedesc\w*|china|chinese|cina|cinese|"
            r"spain|spagna|austria|switzerland|svizzera)\b|意大利|德国|法国|中国|西班牙|奥地利|瑞士"
        ),
    ),
    # "where is Messe Stuttgart based?", "sede di Avio?", "Avio总部在哪": a company's seat, which the
    # sources never give (they give at most its country)
    "headquarters": Figure(
        _words(
            r"\b((?<!our )(?<!my )headquarter\w*|hq|head office|sede (centrale|principale|legale))\b|"
            r"总部(设)?在(哪|什么|何)|总部地址|总部位于|"
            rf"\bsede (di|della|del|dell['’]) ?{SOMEONE}|\b{SOMEONE} (\w+ ){{0,2}}sede\W*(dove)?\W*$|"
            r"\bdove ha (la )?sede\b|"
            r"\bwhere (is|are) [\w' ]{1,30}? ?based\b|\bbased where\b"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "kaiwu zai ouzhou you gongchang ma", "does Kaiwu have a factory in Europe?": sites abroad, which
    # no fact gives (Brembo's and Siemens' presence in Lishui is given)
    "site_abroad": Figure(
        _words(
            r"\b(plants?|factor(y|ies)|offices?|branch(es)?|subsidiar(y|ies)|stabiliment[oi]|fabbrich?[ea]|"
            r"uffic[io]|filial[ei]|sedi) (\w+ )?(in|a|ad|nel|nella|negli) "
            r"(europe|europa|italy|italia|germany|germania|france|francia|abroad|overseas|all['’ ]estero)\b|"
            r"(欧洲|意大利|德国|法国|海外|国外|境外)\S{0,3}(有|设|建|开)?(没有)?\S{0,2}"
            r"(工厂|厂房|分公司|子公司|办事处|生产基地|分支机构)"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "is avio listed on the stock exchange", "开沃是上市公司吗": a listing, which no fact gives
    "listing": Figure(
        _words(
            r"\b(listed|quoted|traded) (on|in) (the |a )?(\w+ )?(stock|exchange|market|borsa|nasdaq|nyse)|"
            r"\b(stock (exchange|market|price|ticker|symbol)|share price|ticker|publicly (traded|listed)|"
            r"ipo|quotat[ao] (in|alla) borsa|in borsa|titolo in borsa)\b|"
            r"上市公司|(是否|有没有|是不是|已经|在哪(里|儿)?)上市|上市(了)?(吗|没|没有)|股票代码|股价"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "dazi UE sulle auto elettriche cinesi quanto sono", "明年电池出口欧盟有啥新规", "how to open a WFOE":
    # trade rules, duties and setting up a company, which no fact gives
    "trade_rules": Figure(
        _words(
            r"\b(tariffs?|customs (dut(y|ies)|clearance|rules)|(import|export) dut(y|ies)|anti-?subsidy|"
            r"countervailing|dazi|dazio|dogan\w+|antisovvenzion\w*|ce marking|marcatura ce|"
            r"eu (rules|regulations?)|regolamento (ue|europeo)|normativa (ue|europea)|"
            r"wfoe|(open|set up|register|registering|opening) an? (company|business|subsidiary|entity)|"
            r"company registration|business licen[cs]e|"
            r"(aprire|costituire|registrare) una (società|azienda|filiale))\b|"
            r"注册公司|开公司|开办企业|营业执照|外商独资|关税|反补贴|清关|(出口|进口|欧盟)\S{0,8}(新规|法规|新规定|认证要求|准入)"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "南京哪家医院能看外国人", "is there a pharmacy near the park?": medical help, which no fact gives
    # (not the medicine of the leading industries)
    "medical": Figure(
        _words(
            r"\b(hospitals?|clinics?|doctors?|pharmac(y|ies)|first aid|ambulance|ospedal[ei]|clinica|"
            r"(un|il) medico|dottore|farmacia|pronto soccorso|ambulanza)\b|"
            r"医院|诊所|看病|看医生|药店|药房|急救|救护车"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "gift etiquette for chinese business partners?", "送什么礼物给中国客户合适": customs and manners,
    # which no fact gives
    "etiquette": Figure(
        _words(
            r"\b(etiquette|galateo|business cards?|biglietti da visita|tipping|mance|mancia|"
            r"(what|which) gifts?|gifts? (to|for) (bring|give|my|our|the|chinese)|"
            r"(che|quale|quali) regal[oi]|regal[oi] (da|per) (portare|fare|i|ai|clienti|partner))\b|"
            r"礼仪|送礼|送什么礼|礼物送|名片礼仪|给小费|(什么|啥)\S{0,4}(礼物|礼品|伴手礼)"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "2024年世界智能制造大会在哪开", "WIMC next year?": another year's congress, which no fact gives
    # (not a wrong year in "这是2024世界智能制造大会的配套活动对吧", which asks about this meeting)
    "other_edition": Figure(
        _words(
            rf"^(?!.*{_THIS_MEETING}).*({_OTHER_YEAR}[^?？]{{0,45}}{_CONGRESS}|{_CONGRESS}[^?？]{{0,45}}{_OTHER_YEAR}|"
            r"(明年|下一届|下届|next year|l'anno prossimo|prossima edizione)[^?？]{0,10}"
            rf"({_CONGRESS}|世界智能制造|world intelligent)|"
            rf"{_CONGRESS}[^?？]{{0,6}}(明年|下一届|下届|next year|l'anno prossimo|prossim[oa] anno))"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "意大利现任总理是谁", "who is the german chancellor": heads of state and government, whom no
    # source names
    "head_of_state": Figure(
        _words(
            r"\b(prime minister|premier|head of state|chancellor|president of (italy|china|germany|france)|"
            r"presidente della repubblica|capo del governo(?! del distretto)|primo ministro|cancelliere)\b|"
            r"总理|国家主席|总统|首相"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "capitale europea della cultura 2025?": another title than Colleferro's European Space Capital
    "other_title": Figure(
        _words(
            r"\b(capital|capitale) (europea |european )?(of|della|del|dello) "
            r"(cultur\w*|sport|green|giovani|youth)|"
            r"\beuropean (green|youth|culture|cultural|sport) capital|欧洲(文化|体育|绿色|青年)之都"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "what title did his town get from europe?", "che titolo ha avuto il suo comune": the honour a
    # place was given (Colleferro's European Space Capital), not a person's title
    "honour": Figure(
        _words(
            r"\b(title|titolo)\b[^.?!]{0,60}\b(get|got|receive[sd]?|won|win|awarded|given|ricevut\w|avuto|"
            r"ottenut\w|vint\w|assegnat\w|europe\w*|europa|space|spazio)\b|"
            rf"\b{_HONOURED}\b[^.?!]{{0,40}}\b(got|received|won|was given|was awarded|(ha )?(ricevuto|"
            r"avuto|ottenuto|vinto))\b[^.?!]{0,40}\b(title|titolo)\b|"
            r"\b(european|europeo) (award|title|titolo)\b|称号"
        ),
        _words(r"\bspace capital\b|\bcapitale (europea )?dello spazio\b|航天之都"),
    ),
    # "colleferro calcio in che serie gioca", "溧水有足球队吗": sport, which no fact gives
    "sport": Figure(
        _words(
            r"\b(calcio|football|soccer|squadra|serie [a-d]|basket\w*|stadi(o|um)|national team|"
            r"nazionale di)\b|"
            r"足球|球队|体育场|国家队|踢球|踢谁|比赛"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "best EV brand in china?", "qual e la migliore auto elettrica cinese": an opinion, which no fact gives
    # (not the best-known firms)
    "opinion": Figure(
        _words(
            # (not a letter's close: "Best greetings", "Con i migliori saluti")
            r"\b(best(?![- ](known|selling)|\s+(greetings|regards|wishes)|\W*$)|worst|peggiore|"
            r"(?<!i )migliori(?! saluti)|migliore)\b|"
            r"最好的|最强的|哪个最好|哪家最好"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "Messe Stuttgart Asia在中国办过哪些展", "fanno fiere in cina?": what a company does elsewhere,
    # which no fact gives
    "their_fairs": Figure(
        _words(
            r"\b(organi[sz]e|hold|run|host|held|organi[sz]ed|fanno|organizza\w*|tengono) (\w+ ){0,2}"
            r"(fairs?|expos?|exhibitions?|trade shows?|fiere|mostre|esposizioni)\b|"
            r"办过?(哪些|什么|啥|几个|多少)\S{0,2}展|举办过\S{0,4}展|在中国办\S{0,3}展|"
            # other fairs' dates: "when is the canton fair this year", "斯图加特车展明年几月"
            r"\b(((when|wen) (is|are|was)|whens|when['’]s) (the )?(\w+ ){0,3}"
            r"(fairs?|expos?|exhibitions?|trade shows?|motor shows?)|"
            r"(fairs?|expos?|exhibitions?|trade shows?) (calendar|schedule|dates?)|"
            r"quando (è|e|c'è|c e|ce|sono|ci sono|si tiene|si svolge|si fa) (la |le )?(\w+ ){0,2}"
            r"(fiera|fiere|expo|mostra)|"
            r"calendario (delle )?fiere)\b|"
            rf"^(?!.*{_THIS_MEETING}).*\b(hann?over messe|canton fair|fiera di canton|eicma|automechanika|"
            r"ciie|china international import expo)\b|(进博会|广交会)\S{0,8}(参展|展商|展位)|"
            r"\b(prossim[aoei]|next|upcoming) (trade )?(fiera|fiere|fairs?|expos?|messe|shows?)\b|"
            r"\bwhat['’]?s on at [\w ]{1,30}?\b(next|this) (week|month|year)\b|"
            r"(明年|今年|下半年|最近)\S{0,4}(有|办)\S{0,3}(啥|什么|哪些)\S{0,2}展|"
            r"(车展|展会|博览会|广交会|进博会|展览会|设计周|时装周)[^?？。]{0,6}?"
            r"(几月|几号|哪天|什么时候|啥时候|何时|日期|时间|日程|在哪)"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    "nationality": Figure(
        _words(
            r"\b(nationality|citizenship|nazionalit[aà]|cittadinanza)\b|"
            rf"\b{_NATION} or {_NATION}|\b{_NAZIONE} o {_NAZIONE}|国籍|[德中华]国?人还是|是不是[德中华]国?人|"
            r"哪国人|哪里人|哪个国家的人|哪国的人|"
            # where someone comes from: "is miao xiumei originally from lishui?", "老家是哪里的"
            r"\b(originally from|where (was|is) (he|she) born|born in|hometown|(è|e) originari[oa] di|"
            r"dove (è|e) nat[oa])\b|老家|籍贯|在哪出生|哪里出生"
        ),
        _words(r"\b(nationality|citizen|nazionalit[aà]|cittadin\w+)\b|国籍"),
    ),
    # "of the 22 european firms how many were german", "quante erano italiane?",
    # "那300家外资里欧洲企业占几成": how many of a group came from a country, or its share, which no
    # entry gives (unlike "subset": "20 of the 36" plan to go abroad)
    "share": Figure(
        _words(
            r"\bhow many (of (them|those|the [\w~ ]{1,30}?) )?(were|are|came|come) (from )?"
            r"(german|italian|french|spanish|dutch|european|from (germany|italy|france|spain|europe))|"
            r"\bquant[ei] (di (loro|queste) )?(erano|sono|venivano|vengono) "
            r"(tedesch|italian|frances|spagnol|europe|dalla (germania|francia|spagna)|"
            r"dall'(italia|europa))\w*|"
            r"\b(what|which) (share|percentage|proportion|fraction)\b|\bpercentuale\b|"
            r"(几家|多少家)(是|来自)?(德国|意大利|法国|西班牙|荷兰)|占(几成|多少|比例|百分之)|比例是多少"
        ),
        _words(r"(?!)"),  # no entry gives one
    ),
    # "does Lishui have more foreign firms than Jiangning?", "排第几", "in tutto il Jiangsu": how Lishui
    # compares with other places, or a figure of the whole province, which no entry gives
    "comparison": Figure(
        _words(
            r"\b(rank|ranks|ranked|ranking|rankings|classifica|in (che|quale) posizione|si colloca)\b|"
            rf"\b(compar\w*|versus|vs|than|rispetto|confront\w*|di quell[oa] di)\b[^?？.!]{{0,40}}\b{_PLACE}|"
            rf"\b{_PLACE}[^?？.!]{{0,40}}\b(compar\w*|versus|vs)\b|\b{_NANJING_DISTRICT}|"
            r"\b(other|altri|altre) (nanjing )?(districts|distretti|cities|citt[aà]|provinces|province)\b|"
            r"\b(whole|entire|all of|tutta|tutto|intera|in tutto) (of )?(the |la |il )?"
            r"(province of |provincia del )?jiangsu\b|"
            r"\b(how many|total|number of|quant[ie])\b[^?？]{0,60}\b(in|nel|of|del) (the )?jiangsu\b|"
            r"排名|排第几|第几名|(其他|别的)(区|城市|省)|江苏省?(一共|总共|全省|总数)|全省|"
            rf"{_NANJING_DISTRICT_HAN}|鼓楼区|玄武区|秦淮区|建邺|"
            # not the two sides' enterprises ("欧洲企业比溧水本地的少几家": a count the article gives)
            rf"(?<!企业)(?<!公司)比溧水(?!\S{{0,3}}(?:企业|公司))\S{{0,3}}(多|少|大|小|强|好|高|低)|"
            r"(多|少|大|强|高|低)于溧水"
        ),
        _words(r"(?!)"),  # no entry compares
    ),
    "room": Figure(
        _words(
            r"\b(which|what) (room|hall|floor)\b|\bmeeting room|"
            r"\b(in|quale|che|in quale) (sala|aula|piano)\b|(哪个|哪间|几号|什么)会议室|会议室在哪|"
            r"哪个[厅听]|几号[厅听]|几楼|几层|哪个房间|房间号|房号|门牌号|"
            r"\broom (number|no\b|#)|\bnumero (della|di) (sala|stanza|aula)\b|\b(which|what) (booth|stand)\b|"
            r"\bbooth (number|no\b)|\b(ha|hanno) (uno |lo |un )?stand\b|(哪个|几号|什么)展位|展台|展位号"
        ),
        _words(r"\b(room|hall|sala|aula)\s+[A-Z0-9]|\d+\s*(楼|层|号厅)|[A-Z0-9]\s*会议室|\b(floor|piano) \d"),
    ),
    "parking": Figure(
        _words(
            r"\b(parking|car park|park (my |the |a |our |\w+[’']s )?cars?|(where|can) (can |do )?(i|we) park|"
            r"where (can|do|does|should|could) (\w+ )?(?!find |see |reach |visit |get )\w+ park\b(?! is)|"
            r"parcheggi\w*|"
            r"posteggi\w*)\b|停车"
        ),
        _words(
            r"\b(parking|car park|parcheggi\w*|posteggi\w*|"
            r"park(s|ed)? (for free|free of charge|behind|next to|near|at the|in the|on the))\b|停车"
        ),
    ),
    # "how do I get there?" wants a way to travel: the venue's name and district give none
    "directions": Figure(
        _words(
            r"\b(how (do|can|should|could) (i|we|you) get (to|there|from|a taxi)|how to get (to|there)|"
            r"directions|come (ci )?arriv\w*|come si arriva|indicazioni stradali)\b|"
            r"怎么去|怎么走|怎么过去|如何前往|如何到达|怎么到达|班车|接驳车|\b(shuttles?|navett[ae])\b|"
            r"[坐做乘搭](地铁|公交|高铁|火车|出租车?)|(如何|怎么|怎样)(乘车|坐车|搭车)|乘车路线|"
            r"(地铁|公交|高铁|火车)(能|可以)?(直接)?(到|直达|通)|"
            r"\b(metro|subway|train) (go(es)? |runs? )?(to|reach(es)?) (lishui|the venue|the park)|"
            r"\b(metro|metropolitana) (arriva|va) (a|fino)\b|"
            r"\b(by (metro|subway|bus|train|taxi)|(take|get|catch) (the|a) (metro|subway|bus|train|taxi)|"
            r"(which|what) (metro|subway|bus) (line|stop|station)|"
            r"in (metro|metropolitana|autobus|treno|taxi)|(quale|che) (metro|linea|fermata)|"
            r"didi|uber|ride[- ]hailing|(direct )?flights? (to|from)|vol[oi] (diretto|diretti|per))\b|"
            r"滴滴|网约车|打车软件|航班|直飞"
        ),
        _words(
            r"\b(metro|subway|bus|buses|shuttle|taxi|train|metropolitana|navetta|autobus|treno|"
            r"line \d+|linea \d+)\b|地铁|公交|班车|出租车|打车|火车|高铁|[0-9一二三四五六七八九十]+号线"
        ),
    ),
    # "how far is the park from the airport?": a distance, which no fact gives
    "distance": Figure(
        _words(r"\b(how far|quanto dista\w*|quanti (km|chilometri))\b|多远|几公里"),
        _words(r"\d+\s*(km|kilomet\w+|chilometri|公里)"),
    ),
    "address": Figure(
        _words(
            # an address at all ("venue address", "indirizzo sede", "会场地址"): only a park is named
            r"\b(address(es)?|house number|building number|which building|"
            r"indirizz[oi]|numero civico|quale edificio)\b|门牌|地址|"
            r"几号楼|哪栋楼|哪个楼|(工厂|厂房|厂区|办公室|办事处)\S{0,4}(在哪|地址|位置)|"
            r"\b(where (is|are) (its|their|the|\w+['’]s) (\w+ )?offices?|offices? (address|location)|"
            r"(dove (si trova|[eè]|sono) |dov['’ ] ?[eè] )(l['’ ] ?|gli )(ufficio|uffici))\b|"
            r"\b(where is (its|their|the) (plant|factory)|(plant|factory)('s)? (address|location)|"
            r"dove (si trova|[eè]) (lo|il|la) (stabilimento|fabbrica))\b"
        ),
        _words(r"\d+\s*(号|号楼|栋)|路\d|\b\d+,? \w+ (road|street|avenue)\b|\bvia \w+,? \d+"),
    ),
    "speech": Figure(
        _words(
            r"\b(what did [\w' ]{1,60}? (say|said|talk about|speak about)|"
            r"(his|her|their|the) (speech|remarks|talk)|welcome (speech|remarks)|cosa ha detto|"
            r"(main|key) message|(the|his|her|their) message (from|of)|"
            r"what (did|does) [\w' ]{1,40}? (hope|wish|want|expect)|"
            r"(che )?cosa (spera|si augura|si aspetta|auspica)|"
            r"che cosa ha detto|(?<!chi )che ha detto(?! che)|"
            r"(il suo|nel suo|nel|durante il) (discorso|intervento)|di cosa ha parlato|"
            r"ha(nno)? parlato di (quali|che|cosa)|"
            r"(che|quale) (discorso|intervento) ha (fatto|tenuto)|"
            r"\w+['’]s (speech|remarks|talk)|(speech|talk|remarks) (about|on|of|by)|quotes?|citazion[ei]|"
            r"summary of [\w' ]{1,40}?(speech|remarks|talk)|"
            r"(speech|remarks|talk) summary|\w{3,}['’]?s? speech(?=\W*$)|"
            r"riassunto del (suo )?(discorso|intervento)|"
            r"di cosa parlava|"
            r"(il|l['’]) ?(discorso|intervento) (di|del|della)|"
            r"parole (esatte|testuali)|"
            r"(did|has|have|does) (he|she|they|someone|\w+) (give|make|deliver|hold) (a |any )?(talk|speech|"
            r"presentation)|ha(nno)? (fatto|tenuto) (un |una |un['’])"
            r"(intervento|discorso|presentazione))\b|"
            r"[说讲谈聊]了(一)?[些点]?(什么|啥|哪些)|(讲话|演讲|发言|致辞)的?(内容|重点|要点)|希望什么|"
            r"有什么期望|原话"
        ),
        _words(
            r"\b(said|says|stated|pointed out|presented|promoted|ha detto|ha affermato|ha presentato|"
            r"presentando|ha promosso)\b|表示|指出|介绍了|推介了"
        ),
    ),
    # "did they sign anything?", "签约了吗": an agreement, which no fact reports
    "agreement": Figure(
        _words(
            r"\b(sign(ed|ing)?|agreements?|contracts?|deals|(any|a) deal|mou|memorand\w+|firmat\w*|firmare|"
            r"(?<!d')(?<!d’)accord[oi]|contratt[oi]|intes[ae]|gemellat\w*|twinn(ed|ing)|twin (cit|town)\w*|"
            r"sister[- ]cit\w*)\b|签约|签了|签署|签订|合同|协议|合作项目|友好城市|姐妹城市|结对"
        ),
        _words(r"\b(signed|firmat[oiae])\b|签约|签署|签订了"),
    ),
    # "where can I eat near the park?": food, which the venue's entry does not give
    "food": Figure(
        _words(
            r"\b(eat|eating|food|restaurants?|lunch|dinner|breakfast|snacks?|canteen|mangiare|cibo|"
            r"ristorant[ei]|pranzo|cena|colazione|mensa|banquet|gala dinner|cena di gala|dumplings?|noodles?|"
            r"hot ?pot|ravioli|place to eat|"
            r"book (me |us )?a table|prenot\w+ (un )?tavolo)\b|订(个)?(餐厅|位子|桌)|"
            r"(哪|哪里|哪儿|在哪)\S{0,3}吃|吃(什么|啥)|管饭|包饭|供饭|午饭|午餐|晚饭|晚餐|早餐|餐厅|饭店|饭馆|食堂|小吃|餐饮|用餐|晚宴|宴会|"
            r"好吃的|馆子|菜馆|饺子|面馆|火锅"
        ),
        _words(r"\b(lunch|dinner|restaurant|canteen|meals?|pranzo|cena|ristorante|mensa|pasti)\b|午餐|晚餐|餐厅|食堂|用餐"),
    ),
    # "can I take a photo with him?", "有直播吗": photos, streams and recordings, which no fact mentions
    "media": Figure(
        _words(
            r"\b(photos?|pictures?|selfies?|foto|fotografi\w*|fotografare|live ?stream\w*|streaming|"
            r"in diretta|video|recorded|recording|interview\w*|intervist\w*)\b|"
            r"合影|照片|拍照|合照|合个影|合张影|拍个照|拍张照|直播|录像|录播|视频|回放|采访"
        ),
        _words(r"\b(photos?|pictures?|foto|fotografi\w*|streamed|video)\b|合影|照片|拍照|直播|录像"),
    ),
    # "posso avere le slide di zhai xiaoli?": the speakers' slides or texts, which no fact gives
    "materials": Figure(
        _words(
            r"\b((?<!mie )slides?|ppt|pptx|powerpoint|deck|handouts?|"
            r"(presentation|speech) (file|pdf|text)|"
            r"(download|copy of) the (presentation|speech)|dispense)\b|"
            r"幻灯片|课件|演示文稿|讲稿|ppt"  # "的PPT": no word boundary after a Chinese character
        ),
        _words(r"\b(slides?|pptx?|pdf|download)\b|幻灯片|课件|下载"),
    ),
    # "che tempo fa?": the weather, which no fact gives (a coat alone may be for the cloakroom)
    "weather": Figure(
        _words(
            r"\b(weather|temperatures?|forecast|rain(ing|y)?|meteo|che tempo|temperatura|piove|pioggia|"
            r"previsioni)\b|天气|气温|下雨|冷不冷"
        ),
        _words(r"\b(weather|meteo|temperatures?)\b|天气|气温"),
    ),
    # "意大利副市长住哪个酒店？": a hotel, which no fact names
    "lodging": Figure(
        _words(
            r"\b((which|what|any|a|good|nearby|cheap|recommended) hotels?|hotels? (near|close|recommend\w*|"
            r"booking|deals?|for (delegates|participants|guests))|hotels?\W*$|accommodation|lodging|"
            r"where (is|are) (he|she|they|\w+) staying|where (do|does|did|will|should|can) (\w+ ){1,2}stay|"
            r"(quale|qualche|un|che) (hotel|albergo)|alloggio|pernott\w+|"
            r"(hotel|alberghi|albergo) (vicin\w*|nei pressi|in zona|consigliat\w*|economic\w*)|"
            r"dove (alloggia|alloggiano|dorme|dormono|soggiorna|soggiornano))\b|"
            r"(哪个|哪家|什么|推荐\S{0,2})(酒店|宾馆)|住哪(个|家)(酒店|宾馆)|住在哪|住哪(里|儿)|住宿|"
            r"住的(酒店|宾馆)|(酒店|宾馆)(叫什么|叫啥|名字|是哪)"
        ),
        _words(r"\b(hotels?|accommodation|albergh?[oi]|alloggi\w*)\b|酒店|宾馆|住宿"),
    ),
    # "mi prenoti un treno per shanghai", "帮我写一份合作意向书": an errand, which the bot does not run
    "errand": Figure(
        _words(
            r"\b((book|reserve|get) (me |us )?(a |an )?(train|flight|taxi|cab|ticket|car)s?|"
            r"(mi|ci) (prenoti|prenota|prenotate|compri)|prenotami|"
            r"(scrivimi|scrivici|mi scriva) (una|un['’]) ?(lettera|e-?mail|mail)|"
            r"write (me |us )?(a|an) (letter|e-?mail|memo|proposal))\b|"
            r"(帮我|给我|替我)(订|买|预订|叫车|写\S{0,12}(信|意向书|邮件|合同|协议|申请))|"
            # a translation: "how do you say thank you in chinese", "合作愉快用意大利语怎么说"
            # (not the event's own words: "the slogan in english?", "che titolo ha colleferro, come si dice")
            r"^(?!.*(slogan|title|titolo|nome|name|口号|主题|称号|名))"
            r".*(\bhow (do|would|can) (you|i|we) say\b|\bhow to say\b|\btranslate\b|"
            r"\bcome si dice\b|\bcome (si )?traduc\w*|\btraduc(i|imi)\b|"
            r"(语|文)怎么(说|讲|写)|怎么翻译|翻译(一下|成))"
        ),
        _words(r"(?!)"),  # no entry runs one
    ),
    # "c'è un ATM?": what is at or around the venue, which no fact gives
    "facilities": Figure(
        _words(
            r"\b(atms?|cash machines?|cashpoint|bancomat|change (\w+ )?(money|soldi|cash|currency)|"
            r"currency exchange|cambiare (i )?soldi|cambio valuta|toilets?|restrooms?|bathrooms?|wc|bagni|"
            r"smok\w+|fumare|fumatori|pharmac(y|ies)|farmaci[ae]|wheelchairs?|sedia a rotelle|"
            r"supermarkets?|supermercat[oi]|shops|negozi|wi-?fi|wlan|hotspot|e-?sim|sim( card)?|scheda sim|"
            r"roaming|seating (plan|chart|arrangements?)|(piano|disposizione) dei posti( a sedere)?|"
            r"posti a sedere|(sat|sitting|seated) (next to|beside)|sedut[oa] (accanto|vicino)|front row|"
            r"prima fila)\b|坐在\S{0,8}(旁边|边上)|第一排|"
            r"取款机|取钱|换钱|兑换|厕所|洗手间|卫生间|吸烟|抽烟|药店|轮椅|无障碍|超市|便利店|无线网|上网|"
            r"电话卡|流量卡|座位(表|图|安排)|座次"
        ),
        _words(
            r"\b(atms?|bancomat|toilets?|pharmac(y|ies)|farmaci[ae]|supermarkets?|wi-?fi)\b|"
            r"厕所|洗手间|药店|超市|无线网"
        ),
    ),
    # "does the mayor speak English?": the languages someone speaks, which no fact gives
    "languages": Figure(
        _words(
            # who interpreted: "chi ha tradotto il discorso di guadagno", "谁当的翻译"
            r"\b(who (translated|interpreted)|chi (ha tradotto|traduceva|faceva da interprete))\b|"
            r"谁(做|当|担任)?的?翻译|翻译是谁|"
            r"\b(speaks?|speaking) (english|chinese|italian|german|french)|"
            r"\bparla (inglese|italiano|cinese|tedesco|francese)|"
            r"会说(英语|英文|中文|意大利语|德语)|会讲(英语|中文)"
        ),
        _words(r"\b(speaks|parla) (english|chinese|italian|inglese|italiano|cinese)\b|会说|会讲"),
    ),
    # "come ci si iscrive?", "怎么报名": registering, which no fact tells
    "registration": Figure(
        _words(
            r"\b(register|registration|sign(ing)? up|enrol\w*|iscri(ve|vo|versi|vermi|zione|zioni)|"
            r"registrazione)\b|报名|注册"
        ),
        _words(r"\b(regist\w+|iscri\w+)\b|报名|注册"),
    ),
    # "anything on this afternoon?": the programme after the morning meeting, which no fact gives
    # (not "morning or afternoon?", which the date answers)
    "afternoon": Figure(
        _words(
            r"\b(anything|what['’]?s|what is|what|programme|program|agenda|activit\w+|events?|sessions?) "
            r"(\w+ ){0,3}(this |in the |the )?(afternoon|evening)\b|"
            # not the meeting's own time of day ("so it was an afternoon session right")
            r"(?<!was an )(?<!it an )(?<!it's an )(?<!is an )"
            r"\b(afternoon|evening) (programme|program|session|sessions|agenda|activities|events?)\b|"
            r"\b(che c['’]?[eè]|cosa c['’]?[eè]|programma|attivit[aà]|eventi|evento|sessioni|sessione) "
            r"(\w+ ){0,3}(nel |di |il |questo )?(pomeriggio|sera)\b|"
            r"下午(还)?有(啥|什么|哪些)|下午的?(安排|活动|议程|日程|节目)|晚上(还)?有(啥|什么)"
        ),
        _words(r"\b(afternoon|pomeriggio)\b|下午"),
    ),
    # "the euro companies meeting was in the afternoon right?", "上午还是下午": the part of the day,
    # which the date gives
    "part_of_day": Figure(
        _words(
            r"\b(was|is|were) (it|the \w+( \w+){0,2}) (in the |di |nel )?(morning|afternoon|evening|mattina|"
            r"pomeriggio)\b|\b(was|were) in the (morning|afternoon|evening)\b|"
            r"\b(era|[eè]) (di|nel) (mattina|pomeriggio)\b|"
            r"\b(morning or (the )?afternoon|afternoon or (the )?morning)\b|"
            r"\b(di )?(mattina o (di |nel )?pomeriggio|pomeriggio o (di )?mattina)\b|"
            r"上午还是下午|下午还是上午"
        ),
        _MORNING,
    ),
    # "which EU markets is Kaiwu targeting?": markets, which only the exporters' entry names
    "markets": Figure(
        _words(
            r"\b(which|what) (\w+ ){0,2}markets?\b|\b(quali|a quali|che|in quali) mercati\b|"
            r"(哪些|什么|哪个)市场"
        ),
        _words(r"\b(markets?|mercat[oi])\b|市场"),
    ),
    # "skyworth ha distributore in italia?", "avio cerca fornitori cinesi?": a company's trading
    # partners, which the sources never name
    "trade_partners": Figure(
        _words(
            r"\b((look\w*|search\w*|seek\w*|need\w*|want\w*) (for )?|(who|which) (are|is) |"
            r"(cerca|cercano|cercando|cerchiamo|vuole|vogliono|chi sono|quali sono|ha|hanno) |\w+['’]s |"
            r"(does|do|has|have) (\w+ ){1,2})(\w+ ){0,3}"
            r"(distributors?|dealers?|resellers?|importers?|suppliers?|distributor[ei]|rivenditor[ei]|"
            r"importator[ei]|fornitor[ei])\b|"
            r"(找|寻找|有没有|有哪些|谁是|是谁|哪些|哪家)\S{0,6}(经销商|代理商|分销商|供应商|供货商)|"
            r"(经销商|代理商|分销商|供应商|供货商)(是谁|是哪|有哪些|有没有)"
        ),
        _words(r"(?!)"),  # no entry names one
    ),
    # "is he staying tomorrow too?", "did he announce a new expo?": someone's plans, which no fact gives
    "plans": Figure(
        _words(
            r"\b(resta|rimane|restano|rimangono|stays?|staying|still here) "
            r"(anche |also |on )?(domani|tomorrow)\b|"
            r"\b(quando riparte|quando torna in (italia|cina)|when (is|does) (he|she) (leave|leaving|fly)|"
            r"announc(e|ed|es|ing)|annunciat[oaie]|ha annunciato|(is|are) (he|she|they) planning|"
            r"far[àa] (una|un)|ha in programma|"
            # "when is he visiting China again?", "ci sarà un altro incontro?": what comes next
            r"(visit\w*|come|coming|be back|go|going|travel\w*) [\w ]{0,25}\bagain|(coming|come|comes) back|"
            r"\b(torna|tornano|ritorna|ritornano) (a|in) |"
            r"(next|another|a second|a similar|similar) (\w+ ){0,2}"
            r"(visit|trip|meeting|event|edition|docking)|"
            r"(another|a second|one more) (talk|speech|presentation)|"  # not the programme's "next speech"
            r"(next|prossim[oa]) (\w+ ){0,3}(congress|congresso|fair|fiera|expo|exhibition|mostra)|"
            r"(un altro|un secondo) (intervento|discorso|talk)|"
            r"(tornerà|torneranno|ritornerà)|(un altro|un nuovo|una nuova|un secondo|prossim[oa]) "
            r"(incontro|evento|edizione|visita|viaggio|meeting|docking|forum)|di nuovo in (cina|italia))\b|"
            r"明天还在|明天还来|明天还有(什么)?安排|(什么|啥)时候回国|何时回国|宣布|(什么时候|何时|还会|会不会)再来|"
            r"下次|下一次|下一届|下届|还会(再)?(办|举办|来|讲|发言)|再办|再(讲|发言|演讲|致辞)一次|(明年|以后|今后|将来)还(办|有|举办|开)|还办|"
            r"还去了哪|去了哪些(城市|地方)|(明年|今年)\S{0,8}(办|举办)什么|之前来过|以前来过|来过几次|"
            r"\bnext years?\b|\bl['’ ]?anno prossimo\b|\b(si rif[aà]|rifanno|si ripete|si ripeterà)\b|"
            r"\b(been|come|came) to \w+ before\b|\b(già|gia) stat[oa] a\b|"
            r"\b(other cities|where else (did|will|is)|altre citt[aà]|dove altro)\b|"
            r"\b(flights? (back|home)|return flight|volo di ritorno)\b|回程|返程|回国的航班|"
            # "is the Messe Stuttgart guy's company opening an office in Lishui?"
            r"\b(open(s|ing)?|set(ting)? up|establish(ing)?) (an? |its |their )?(new )?"
            r"(office|branch|rep office)\b|"
            r"\b(apr(e|ono|ire|irà)|aprirà) (un |una )?(ufficio|filiale|sede)\b|"
            r"设(立)?办事处|开设办事处|设分公司|"
            # "does Messe Stuttgart plan a trade fair in Lishui?", "Avio打算在溧水建厂吗"
            r"\b(plan|plans|planning|intends?|intending) (to )?(\w+ ){0,3}"
            r"(trade fairs?|fairs?|expos?|exhibitions?|plants?|factory|factories|facility|invest\w*|"
            r"offices?|branch)\b|"
            r"\b(run|held|hold|happen|take place|organi[sz]ed) again\b|"
            r"\b(intende|pensa di|ha intenzione di|progetta di) (\w+ ){0,2}"
            r"(aprire|costruire|investire|organizzare)\b|"
            r"(打算|计划|准备|会不会|要)\S{0,6}(建厂|设厂|办厂|投资|落户|办展|扩产)|"
            # not "溧水有没有意大利企业落户", which asks who is there
            r"(是否|有没有)\S{0,6}(建厂|设厂|办厂|办展|扩产)"
        ),
        _words(
            r"\b(tomorrow|domani|announced|annunciat[oaie]|plan(s|ned)? to|intend\w*)\b|明天|宣布|打算|计划"
        ),
    ),
    # "why did Siemens pull out of Lishui?", "perché Brembo ha lasciato Lishui?": a company leaving,
    # which the sources never report (they name the firms that are there)
    "departure": Figure(
        _words(
            r"\b(pull(ed|ing|s)? out|withdr[ae]w\w*|"
            r"(left|leav(e|es|ing)|quit|exit(ed)?) (lishui|china|the district)|"
            r"clos(e|ed|es|ing) (down |its |their |the )?(plant|factory|office)|"
            r"(ha|hanno) lasciato|lascia(no)? (lishui|la cina)|si (è|e|sono) ritirat\w*|ritir\w+ da|"
            r"(ha|hanno) chiuso)\b|撤出|撤资|撤离|离开(了)?溧水|退出(了)?溧水|关闭了?(工厂|厂|办事处)"
        ),
        _words(r"(?!)"),  # no entry reports one
    ),
    # "which sector was NOT represented among the 36 local firms?": what was missing, which the
    # sources never list (they name what was there)
    "absent": Figure(
        _words(
            r"\b(not|n['’]t) (been )?represented\b|\bnon (era|erano|è|e|sono) (stat[oaie] )?rappresentat\w*|"
            r"(哪个|哪些|什么)(行业|领域|产业)没有(代表|企业)?|没有(代表|企业)的(行业|领域)"
        ),
        _words(r"(?!)"),  # no entry lists one
    ),
    # "where is the Congress's main venue?": the Congress's own venue, which no fact gives
    "main_venue": Figure(
        _words(
            r"主会场|主论坛|开幕式|\bmain forum\b|"
            r"\b(main venue|main (hall|site) of the congress|sede principale del congresso|"
            r"opening ceremony|cerimonia (di |d['’])?apertura|main ceremony|cerimonia principale|"
            r"(congress|congresso|wimc)\b.{0,60}\b(opens?|si apre))\b"
        ),
        _words(r"主会场|\b(main venue|sede principale)\b"),
    ),
    # "chi è il sindaco di Colleferro?": a mayor, which a deputy mayor's profile does not give
    "mayor": Figure(
        _words(
            r"(?<!vice )(?<!deputy )(?<!vice-)(?<!deputy-)\bmayor of\b|"
            r"(?<!vice)(?<!vice-)(?<!vice )\bsindac[oa] (di|del|della|dello)\b|"
            r"(?<!副)(市长|区长)是谁|谁是(市长|区长)"
        ),
        _words(r"(?<!vice )(?<!deputy )\b(mayor)\b|(?<!vice)(?<!vice )\bsindac[oa]\b|(?<!副)(市长|区长)"),
    ),
    # "the european company that spoke was brembo right?", "Hans Song ha parlato?": a speech or a
    # presentation, which Lishui's list of foreign firms, or a profile that only says who attended, does
    # not give
    SPOKE_FIGURE: Figure(
        _words(
            r"\b(that|who|which) (spoke|presented|gave (a|the) (talk|speech|presentation|pitch))\b|"
            r"\b(did|does|has) (\w+ ){1,2}(speak|present|give (a|the) (talk|speech|presentation))\b|"
            r"\bche (ha|hanno) (parlato|presentato)\b|\b(ha|hanno) (parlato|fatto (la|una) presentazione)\b|"
            r"发言的|上台(的|发言|讲)|有没有发言|发言了[吗没]|讲话了[吗没]"
        ),
        _words(
            r"\b(spoke|presented|presenting|gave a speech|speech|promoted|discorso|intervenut\w+|"
            r"(ha|hanno) (parlato|presentato)|presentando)\b|发言|致辞|推介|介绍了"
        ),
    ),
    # "did Brembo send anyone to the meeting?": attendance, which a company's mention among Lishui's
    # foreign firms does not give
    "attendance": Figure(
        _words(
            r"\b(did|does|was|were|has|have) (someone|\w+)( \w+)? (attend|come to|participate|take part|"
            r"send (anyone|someone|a rep\w*|people))\b|\b(ha|hanno) (partecipato|mandato qualcuno)\b|"
            r"\b(era|erano) (present[ei]|all['’]incontro)\b|"
            r"(参加|出席|参会)了?(吗|没有|没)|有没有(参加|出席|参会|派人)"
        ),
        _words(
            r"\b(attend\w*|took part|take part|participat\w+|partecipat\w+|present[ei]|"
            r"at the (docking )?meeting|all['’]incontro)\b|出席|参加|参会|与会|对接会上|会上"
        ),
    ),
    # "布雷博溧水工厂的卡钳年产量是多少", "开沃有没有 IATF 16949 认证？", "Xipu e una joint venture?",
    # "西门子在溧水有研发中心吗": a plant's output, a certification, a joint venture, an R&D centre,
    # which no fact gives
    "capacity": Figure(
        _words(
            r"\b(capacity|capacit[aà] produttiva|(units|pieces|calipers|cars|vehicles) (per|a) year|"
            r"output per year|(annual|yearly) (\w+ ){0,3}(output|production)|(production|output) volume|"
            r"produzione annua|all['’]anno)\b|年产量|产能|年产"
        ),
        _words(r"\b(capacity|capacit[aà] produttiva|per year|all['’]anno)\b|年产|产能"),
    ),
    "certification": Figure(
        _words(r"\b(certif\w+|iatf|iso ?\d{4,5})\b|认证|资质"),
        _words(r"\b(certif\w+|iatf|iso ?\d{4,5})\b|认证|资质"),
    ),
    "joint_venture": Figure(
        _words(r"\b(joint[- ]?ventures?|jv|jvs)\b|合资"),
        _words(r"\b(joint[- ]?ventures?)\b|合资"),
    ),
    "research_centre": Figure(
        _words(
            r"\b(r&d|research) (cent(er|re)s?|facilit\w+|labs?|base)\b|\bcentr[oi] (di )?(ricerca|r&s)\b|"
            r"研发中心|研发基地|研究院"
        ),
        _words(
            r"\b(r&d|research) (cent(er|re)s?|facilit\w+|labs?)\b|\bcentro (di )?ricerca\b|研发中心|研究院"
        ),
    ),
    # "which party is he in?": a person's politics, which no fact gives
    "party": Figure(
        _words(
            r"\b(political party|(which|what) party|(che|quale) partito|partito politico)\b|"
            r"党派|哪个党|什么党"
        ),
        _words(r"\b(party member|member of the \w+ party|partito)\b|党派|党员"),
    ),
    "subset": Figure(
        _words(
            r"\bhow many (of|among) (the|those|these|them)\b(?! (are|were) there)|"
            r"\bhow many (of )?(the )?\d+\b|"
            r"\bhow many (italian|german|french|spanish|chinese)\b|"
            r"\bquant[ie] (delle|dei|tra le|tra i|fra le|fra i|di queste|di loro)\b|"
            r"\bquant[ie] (aziende|imprese|societ[aà]) (italian|tedesch|frances|spagnol)\w*|"
            r"\b(italian|german|french|tedesch|frances|spagnol)\w*\b[^?？.!,]{0,12}?\b(tra|fra|among|of) "
            r"(le |i |the )?(circa |about |around |nearly |almost |quasi )?\d+\b|"
            r"\d+\s*家?\S{0,6}[里中](面)?\S{0,6}?有?(几|多少)家|(几|多少)家是(意大利|德国|法国|西班牙)|"
            r"(意大利|德国|法国|西班牙)的?(企业|公司)\S{0,4}?(几|多少)家|"
            r"有(几|多少)家(意大利|德国|法国|西班牙)|"
            # "exactly how many European companies already operate in Lishui?": the ones among its
            # nearly 300 foreign firms, not the 22 at the meeting
            r"\bhow many european (companies|firms|enterprises)\b[^?]{0,25}\b(already|operate|operating|"
            r"based|located|settled|invested)|"
            r"\bquant[ie] (aziende|imprese) europee\b[^?]{0,25}\b(gi[aà]|sede|operano|insediat\w+)|"
            r"落户的?欧洲?(企业|公司|欧企)\S{0,6}(多少|几)家|欧企\S{0,6}落户\S{0,4}(多少|几)家"
        ),
        _words(
            r"\b\d+ (of them|di queste|di loro|of the \d+|(delle|dei|degli) \d+)\b|中，?有\d+多?家|"
            r"\b\d+ (are |sono )?(italian|german|french|tedesch|frances)\w*|"
            r"\d+家(是)?(意大利|德国|法国)"
        ),
    ),
    # "hengtian what business they do", "喜普是做什么的公司": a company's line of business, which the
    # sources give for few of the companies they name
    "business": Figure(
        _words(
            r"\b(what (does|do) [\w' ]{1,30}? do|what (business|line of business|industry|sector) (is|are) "
            r"[\w' ]{1,30}? in|what business|what (kind|type|sort) of (company|firm|business)|"
            r"(che )?cosa fa|che cosa fanno|di cosa si occupa|in che settore (opera|lavora)|"
            r"che (tipo di )?(azienda|societ[aà]|impresa) [eè])\b|"
            r"[做干]什么的|[做干]啥的|是什么(样的)?(公司|企业)|(哪个|什么)行业|做什么业务"
        ),
        _words(
            r"\b(automobile|automotive|aerospace|trade fair|car ?maker|automobil\w*|aerospazial\w*|"
            r"new energy vehicle|veicoli a nuova energia)\b|汽车|航天|展览"
        ),
    ),
    "products": Figure(
        _words(
            r"\bwhat ((does|do|did) )?[\w' ]{1,30}? ?(make|produce|manufacture|sell)\b|"
            r"\b(which|what) (\w+ )?(products?|goods|models) (does|do|did|is|are|go|went|reach\w*|entered)\b|"
            r"\bmain products?\b|product (range|line|list|catalog(ue)?|portfolio)|"
            r"\blist of (its |their )?products\b|"
            r"\b(elenco|lista|catalogo) (dei )?prodotti\b|^\W*prodotti \w+\W*$|产品(清单|目录)|"
            r"\bcosa (produce|producono|fabbrica|vende|vendono)\b|\b(quali|che) (prodotti|modelli)\b|"
            r"prodotti principali|best[- ]?sell\w*|top[- ]sell\w*|most (popular|sold) (product|model)\w*|"
            r"(prodott[oi]|modell[oi]) (\w+ )?pi[uù] vendut\w*|(?<![a-z])chanpin(?![a-z])|"
            r"卖得最好|最畅销|畅销|爆款|主打产品|"
            r"(哪些|什么|啥|哪个|哪款)型号|生产(什么|啥)|做(什么|啥)产品|主要产品|什么产品|哪些产品|主营|生产哪些|产品是什么|啥产品|卖什么|卖的是什么"
        ),
        _words(
            r"\b(makes|produces|manufactures|manufacturer of|maker of|products? (include|such as|like|are)|"
            r"produce|producono|fabbrica|produttore di|prodotti come|"
            # what a company makes, told by its name ("Kaiwu …, as its name says, a new energy vehicle group")
            r"as its name says|come dice il nome)\b|生产\w|主要产品(有|为|是|包括)|主营"
        ),
    ),
    "career": Figure(
        _words(
            r"\bhow long (has|have|had) [\w ]{1,30}? ?(been|served|held)|\bin office\b|\bprevious(ly)? "
            r"(job|work|role|position|post)|before (being|becoming )?(the )?(vice |deputy )?mayor|"
            r"\bcareer\b|\bbefore (that|this|becoming)\b|\bresponsib\w+ for\b|"
            r"\bin charge of\b|\bportfolio\b|\bbackground\b|\bda quanto tempo\b|\bprima (lavorava|era|di)\b|"
            r"\bcarriera\b|\bdi cosa si occupa\b|\bresponsabile (di|del|della)\b|\bdeleghe\b|"
            r"\b(stud(y|ied|ies)|degree|graduated?|alma mater|education|studiato|laurea\w*|"
            r"da quanti anni|(go|went) to uni|che studi|quali studi|"
            r"(vice)?sindac[oa] da quando|da quando (è|e|fa) (il |la )?(vice)?sindac[oa]|"
            r"since when (is|has) [\w' ]{1,30}? ?(been )?(the )?(district |vice |deputy )?(mayor|president)|"
            r"when did [\w' ]{1,40}? become (the )?(district |vice |deputy )?(mayor|president))\b|"
            r"分管|负责什么|负责哪些|负责哪|任职|上任|之前在|以前在|履历|工作经历|干了多久|当了多久|多久了|"
            r"几年了|多少年了|毕业|学历|留学|(什么时候|哪年|何时)当(?![^?？]{0,10}(之都|称号))"
        ),
        _words(
            r"\b(since (19|20)\d\d|appointed|previously|formerly|in charge of|responsible for|graduated|"
            r"dal (19|20)\d\d|nominat[oa]|in precedenza|responsabile (di|del|della)|delega|laureat[oa])\b|"
            r"分管|负责|曾任|任职|上任|毕业于"
        ),
    ),
    "leader": Figure(
        _words(
            r"\b(ceo|cfo|cto|coo|chief (executive|financial|technology|operating) officer|"
            r"chairman|chairwoman|managing director|general manager|founder|direttore finanziario|"
            r"boss|who founded|chi ha fondato|amministratore delegato|"
            r"presidente del consiglio|direttore( generale)? (di|del|della|dello)|direttore generale|"
            r"fondatore|capo|l['’ ]ad|ad di)\b|"
            r"董事长|懂事长|总经理|老总|老板(?!让|叫我|问)|创始人|创办人|谁创办|谁创立|负责人|财务总监|ceo|局长|会长"
        ),
        _words(
            r"\b(ceo|chief executive|chairman|chairwoman|president\w*|managing director|general manager|"
            r"founder|amministratore delegato|direttore generale|fondatore)\b|董事长|总裁|总经理|创始人"
        ),
    ),
    "organiser": Figure(
        _words(
            # "organised" alone is no organiser: "in the frame of which congress was it organised?"
            r"\b(organi[sz]er|organi[sz]ers|organi[sz]ed by|(?<!park )(?<!venue )(?<!place )host(ed)? by|"
            r"who (hosted|ran|runs|organi[sz]\w+)|"
            r"organizzator\w+|organizzat[oaie] da|chi (organizza|l'ha organizzat\w|ha organizzato)|"
            r"mc|emcee|master of ceremonies|moderat(or|ed by)|presenter of the (event|meeting)|"
            r"moderator[ei]|presentator[ei]|conduttor[ei]|"
            r"chi (ha )?(moderato|presentato l['’]\s?(evento|incontro)))\b|"
            r"主办|承办|组织者|谁办的|谁组织|主持人|谁主持|主持的"
        ),
        _words(
            r"\b(organi[sz]ed by|hosted by|organizzat[oa] da|organi[sz]er (is|was))\b|"
            r"由\S{1,30}(主办|承办)|(主办|承办)(单位|方)(是|为)"
        ),
    ),
    "other_events": Figure(
        _words(
            r"\b(other events?|what else is on|any other (events?|sessions?|activities)|"
            r"altri eventi|eventi collaterali|altre attivit[aà]|other (forums?|sessions)|altri forum|"
            r"(what|which) (trade )?fairs|(che|quali) fiere)\b|办(哪些|什么)展|哪些展会|"
            # a visit besides the meeting: "did he visit also the Kaiwu factory after the meeting?"
            r"\b(visit(ed|ing)?|tour(ed)?) (also |the |a |any )*(\w+ )?"
            r"(factory|factories|plant|plants|site)\b|"
            r"\b(visitato|visita(re)?) (anche )?(la |lo |una |uno |le |qualche |delle |alcune )?"
            r"(fabbrica|fabbriche|stabilimento|stabilimenti)\b|"
            r"别的活动|其他活动|还有什么活动|其他分论坛|别的分论坛|其他论坛|参观(了)?\S{0,6}(工厂|厂区|企业)|(工厂|厂区)\S{0,2}参观"
        ),
        _words(r"\b(other events|also (held|hosted)|altri eventi)\b|其他活动"),
    ),
    "contact": Figure(
        _words(
            # not "translate this email": a message at hand
            r"\b(phone|telephone|tel|mobile number|(?<!this )(?<!questa )e-?mail|(la|sua|his|her|the) mail|"
            r"(?<!una )mail (di|del|della|dell['’ ])(?!ringraziamento|auguri|conferma)|"
            r"wechat|websites?|web ?site|"
            r"sito (web|internet|ufficiale)|homepage|"
            r"contact (details|number|info\w*)|telefono|"
            r"cellulare|numero di telefono|contatt\w*|contact person|point of contact|referente|"
            r"il (suo )?numero del(la)?|il suo numero|"
            # someone named, or a company's person: "how can I contact Siemens?", "avio's rep"
            rf"(contact(ing)?|reach|get in touch with) (\w+ ){{0,2}}{SOMEONE}|"
            r"contact (\w+['’]s? )?(rep|reps|representatives?|team|people|someone|anyone|somebody)|"
            r"who (do|should|can|could) (i|we) contact)\b|"
            rf"电话|手机号|邮箱|电邮|(?<=[\u4e00-\u9fff])e-?mail|e-?mail(?=[\u4e00-\u9fff])|微信|官网|网站|网址|联系方式|联络方式|联系人|对接人|联系谁|[怎如]\S?联系|联系\S{{0,3}}{SOMEONE}"
        ),
        # a number, an address or a link; "send /human" is a way to reach the staff, not the details
        _words(r"\+?\d[\d \-]{6,}\d|@\w|https?://"),
    ),
    # "which university?" wants a university's name: "supports universities" gives none. A name is
    # told in its Latin form (the entry's versions count together): "当地企业和大学" is no name.
    "university": Figure(
        _words(
            r"\b((which|what) universit(y|ies)|qual[ei] universit[aà]|che universit[aà]|"
            r"(name|names) of the universit(y|ies)|nome dell'universit[aà])\b|"
            r"哪所大学|哪些大学|哪个大学|哪家大学|哪所高校|哪些高校"
        ),
        re.compile(
            r"\b(University|Universit[àa]|Politecnico|Polytechnic)\s+(of|di|degli|della|del)\s+[A-Z]|"
            r"\b[A-Z]\w+ (University|Polytechnic)\b"
        ),
    ),
}


# "Which exactly are the 20-plus firms?", "叫什么名字", "come si chiamano": names wanted, which an
# entry gives when it names a person or a company of the names list (not a pattern of its text).
NAMES_FIGURE = "names"
NAMED_KINDS = frozenset({"person", "company", "organisation"})
FIRM_KINDS = NAMED_KINDS - {"person"}  # what a company or an organisation does, sells, is called
_ASKS_NAMES = _words(
    r"\b(which ones|which exactly|exactly which|what are (their|the) names|names of (the|those|these|all)|"
    r"(give|tell|send) me (the|their) names|"
    r"name (them|those|these|the)|can you name|(full|complete) list|list of (the|all)|"
    r"list all( the)?( \d+)?( \w+)? (companies|firms|enterprises)|"
    r"elenca\w* (tutte )?(le )?(\d+ )?(\w+ )?(aziende|imprese)|quali sono i nomi|"
    r"come si chiamano|i nomi (delle|dei|degli|di)|elenco (completo|delle|dei)|by name|per nome|"
    r"their names|i loro nomi|(which|what) (companies|firms|enterprises|brands|businesses)|"
    r"(which|what) (\w+ ){1,2}(company|firm|enterprise|brand)|"
    r"name of the (\w+ ){0,4}(company|firm|enterprise)|"
    r"quale (azienda|impresa|societ[aà]|marchio)|"
    r"which (company|firm) (is|does|makes|has|produces)|"
    r"qual\s?['’]?\s?[eè] (l['’] ?|la )(azienda|impresa|societ[aà])|"
    r"quali? (aziende|imprese|societ[aà]|marchi)|which of the \d+|"
    # one company described by what it did: "which European aerospace firm presented"
    r"(which|what) (\w+ ){0,2}(company|firm|enterprise) (presented|spoke|gave)|"
    r"(quale|l['’]) ?(azienda|impresa) (\w+ ){1,2}che ha (presentato|parlato)|"
    r"(quale|che) (azienda|impresa)( \w+)? ha (presentato|parlato|fatto)|"
    r"quali (delle|dei|tra le) \d+|quali sono le [^?]{0,20}\b(aziende|imprese)|which are the [^?]{0,20}\b"
    r"(companies|firms|enterprises)|come si chiama l['’]azienda|names\W*$|nomi\W*$|"
    r"\b(compan(y|ies)|firms?)\b.*\bname( pls| please)?\W*$)\b|"
    r"哪些(企业|公司|品牌)|哪家\S{0,4}?(企业|公司)|[是有]哪一?家\W*$|叫什么名字|具体是哪些|"
    r"what (are )?they(['’]re| are)? called|"
    r"(?<!产业)(?<!行业)(?<!领域)(?<!方面)都是哪些(?:企业|公司|家)?(?=[？?。！!\s]|$)|具体是哪几家|具体有哪些|是哪几家|哪几家企业|名单|"
    r"(企业|公司|集团)\S{0,2}叫(啥|什么)"
)
# "name of the Kaiwu rep who spoke?", "Avio发言的代表叫什么": a speaker's name, which an entry gives
# when it names a person (the companies' profiles name no one who spoke for them)
SPEAKER_FIGURE = "speaker"
_REPRESENTATIVE = r"(reps?|representatives?|speakers?|presenters?|spokes(man|woman|person))"
_RAPPRESENTANTE = r"(rappresentante|relatore|relatrice|oratore|oratrice|portavoce|speaker)"
_ASKS_SPEAKER = _words(
    # "who said Colleferro was the European space capital?": whose words, which a speech names
    r"\bwho (said|says|told us|mentioned|claimed|stated)\b|\bchi (ha detto|dice|ha affermato|ha ricordato)\b|"
    r"谁说|是谁说的|说\S{0,24}的(人)?是谁|"
    rf"\bname of (the|their|its|that) (\w+ ){{0,3}}{_REPRESENTATIVE}\b|\b{_REPRESENTATIVE}('s|s')? names?\b|"
    rf"\bwho (was|is|were) (the|their|its) (\w+ ){{0,2}}{_REPRESENTATIVE} (of|from|for)\b|"
    rf"\bwho (spoke|presented|talked|gave the (talk|presentation|speech)) (for|on behalf of) {SOMEONE}\b|"
    # "who is the guy from Avio", "chi è il tizio di Avio": whoever came for a company
    rf"\bwho (is|was) the (guy|man|woman|lady|person|one|bloke|chap) (from|of) {SOMEONE}\b|"
    rf"\bchi (è|e|era) (il|la|lo|l['’]) ?(tizio|tizia|signore|signora|uomo|donna|tipo|persona) "
    rf"(di|della|del|dell['’] ?|da) {SOMEONE}\b|"
    rf"\bcome si chiama(no)? (il|la|l['’]|i) ?(\w+ )?{_RAPPRESENTANTE}|"
    rf"\bnome del(la|l['’])? ?(\w+ )?{_RAPPRESENTANTE}|"
    rf"\bchi (ha parlato|[eè] intervenut[oa]|ha presentato) (per|a nome di) {SOMEONE}\b|"
    r"(代表|发言人|发言的人|讲话的人|演讲的人|上台的人)\S{0,2}(叫|是)(谁|什么|啥|哪位)|"
    rf"谁代表{SOMEONE}(发言|讲话|演讲|介绍)|(代表|发言人)的?(名字|姓名)|"
    rf"{SOMEONE}(是|由|派了?)?(哪位|哪个人|谁)\S{{0,4}}?(上台|来)?(发言|讲话|演讲|致辞)"
)
# "这个会叫什么名字", "what's the event called": the event's own name, which names no company
_ASKS_EVENT_NAME = _words(
    r"(这个会|这次会|本次会|对接会|会议|活动|大会)的?(全称|名字|名称)?(叫|是)(啥|什么)|"
    r"\b(meeting|event|conference|congress)('s)? (called|named|full name|official name)\b|"
    r"\bcome si chiama (l'|il )?(evento|incontro|conferenza|congresso)\b"
)


# "un'azienda europea o cinese?": a company's side, which its profile gives (not its country, nor a
# person's nationality)
_COMPANY_WORD = r"\b(compan(y|ies)|firms?|enterprises?|aziend[ae]|impres[ae]|societ[aà])\b"
_COMPANY_SIDE = _words(
    rf"{_COMPANY_WORD}.*\beurop|\beurop.*{_COMPANY_WORD}|(企业|公司|外企).*欧洲|欧洲.*(企业|公司|外企)"
)


# The country of someone's company ("is his company german or chinese?"): no person's nationality
_COMPANY_COUNTRY = _words(
    r"\b(company|firm|employer|organi[sz]ation|institution) (is |was )?"
    r"(german|chinese|italian|french|european)\b|"
    r"\b(azienda|impresa|societ[aà]|ditta|ente|organizzazione) (è |e )?"
    r"(tedesc[ao]|cinese|italian[ao]|frances[ea]|europe[ao])\b|"
    r"(公司|企业)是(德国|中国|意大利|法国|欧洲)"
)


# A company's side asked ("is Avio a Chinese firm?", "un'azienda cinese?", "是中国企业吗")
_SIDE_ASKED = _words(
    r"\b(chinese|european|local) (company|firm|enterprise)|"
    r"\b(azienda|impresa|societ[aà]|ditta) (cinese|europea|locale)\b|"
    r"是(不是)?(一家)?(中国|欧洲|本地|溧水)的?(企业|公司)"
)


# "le aziende europee erano tipo tutte food e fashion?": a field, not a meal
_FOOD_AS_A_SECTOR = _words(
    r"\bfood (and|e|&|or|o) (fashion|moda|textiles?|tessil\w*|luxury|lusso|wine|vino)\b|"
    r"\bfood (industry|sector|compan(y|ies)|firms?|industria|settore|aziend[ae])\b|"
    r"\b(settore|industria|aziend[ae]|imprese) (del |dell['’] ?)?(food|agroalimentar\w*)\b|"
    r"食品(企业|行业|公司|产业)"
)
_SIZE_AS_COUNT = _words(r"\bhow (big|large)\b.*\b(number of|how many)\b")
# "密码是多少", "电话多少": a value asked as "how much", not a count; nor is "quanto conta …?"
_NOT_A_COUNT = _words(
    r"(密码|号码|电话|手机号?|账号|编号|网址|邮编)\S{0,2}多少|"
    r"\b(quanto (conta|importa|vale|[eè] importante)|how much (does|do|did) \w+( \w+)? matter|"
    r"(secondo|per|in) quanto)\b"  # "secondo quanto ha detto Guadagno": according to what he said
)


# "有几位区领导来了？都是谁", "how many came and who were they": who, which a list of names gives
_WHO_TOO = _words(
    r"\b(and who|who (are|were) (they|them)|e chi|chi (sono|erano))\b|"
    r"都是谁|分别是谁|是哪几位|都有谁|都有哪些人"
)


def figure_words() -> frozenset[str]:
    """The whole Latin words the figures are asked with ("second", "booth", "calipers"), to which a
    slip in a question is mended before the figures are read."""
    asking = [*(figure.asks for figure in FIGURES.values()), _ASKS_SPEAKER, _ASKS_NAMES]
    patterns = [pattern.pattern for pattern in asking]
    text = re.sub(r"\\[a-zA-Z]", " ", " ".join(patterns))  # "\bsecond" is "second"
    return frozenset(re.findall(r"(?<![a-z])[a-z]{5,}(?![a-z(\[?*+{])", text))


# "was the meeting at Xingzhuang science park or in Jiangning?": where, not a comparison
_PLACE_CHOICE = _words(
    rf"\b(or|o|oppure)( in| a| at)? ({_NANJING_DISTRICT}|{_NANJING_DISTRICT_HAN})|"
    rf"还是(在)?({_NANJING_DISTRICT_HAN})|"
    rf"({_NANJING_DISTRICT}|{_NANJING_DISTRICT_HAN})\s*(or|o|oppure|还是)\s*(in |a |在)?(lishui|溧水)"
)
# "so the meeting was in nanjing jiangning right", "会是在江宁开的吧": where it was held, checked with
# another place; no comparison
_HELD_IN = _words(
    r"\b(meeting|incontro|event|evento|conference|docking)\b[^?？.!]{0,20}\b(was|is|era|held|tenuto|"
    r"took place)\s+(in|a|at|nel|nella|presso)\b|在\S{1,12}(开|举办|举行|召开)|"
    # where Lishui or the venue is: "confermate che Lishui e un distretto di Shanghai?", "溧水是上海的
    # 一个区吧", "会场是在江宁那边的科技园对吧"
    r"\b(lishui|venue)\s+(is|was|è|e|era|sta)\s+[^?？.!]{0,20}\b(of|in|di|del|a|nel|nella)\b|"
    r"溧水(是|属于|在)|(会场|场地|地点)(就)?是?在"
)
# "was the meeting in shanghai?", "会是在江宁开的吧": a wrong place to confirm, which the venue answers
_HELD_IN_ASKED = _words(
    r"\b(was|is|era|fu)\s+(the |l['’])?([\w-]+ ){0,2}(meeting|incontro|event|evento|conference|docking)\s+"
    r"(held\s+|tenut[oa]\s+)?(in|a|at)\b"
)
_OTHER_PLACE = _words(
    rf"\b{_PLACE}|\b(beijing|hangzhou|shenzhen|guangzhou)\b|"
    rf"{_NANJING_DISTRICT_HAN}|上海|北京|杭州|苏州|无锡|常州|合肥|深圳|广州|昆山|"
    # a congress or fair venue guessed for it ("at the nanjing intl expo center", "河西国际博览中心")
    r"\b((intl|international) )?(expo|exhibition|convention|congress) cent(er|re)\b|"
    r"\bcentro (fieristico|congressi|esposizioni)\b|(国际)?(博览|会展|展览)中心"
)


def where_it_was_held(question: str) -> str:
    """`question` with another place it says the meeting was held in read as "where" ("quindi
    l'incontro era a shanghai giusto" → "… era a where giusto"): the venue answers it, and corrects
    the place."""
    if not (_HELD_IN.search(question) or _HELD_IN_ASKED.search(question)):
        return question
    return _OTHER_PLACE.sub(lambda place: "where" if place.group().isascii() else "哪里", question)


_COMPARES = _words(
    r"\b(compar\w*|than|rank\w*|versus|vs|rispetto|classifica|more|less|fewer|più|meno)\b|比|排名"
)
# "non ero in sala, guadagno cosa ha detto?": where the writer was, no room asked
_WRITER_AWAY = _words(
    r"\b(non (ero|c['’]ero|sono riuscit[oa] a (stare|restare|entrare)) (in|nella) sala|"
    r"i (was|wasn['’]?t|was not|couldn['’]?t (stay|get)) (in|out of) the (room|hall))\b|"
    r"我(当时)?(不在|没在|没进)会场"
)
_COLLEFERRO = _words(r"\bcoll?e ?ferr?o\b|科莱费罗")
# "we need smart home suppliers, any in lishui?", "我们在找电芯供应商": the writer seeks a field's firms,
# which the industries answer; no company's trading partners asked
_WRITER_SEEKS = _words(
    r"\b(we|i)( are|['’]re|['’]m| am)? (need|look(ing)? for|search(ing)? for|seek(ing)?|want)\b|"
    r"\b(cerco|cerchiamo|stiamo cercando|sto cercando)\b|(我们|我)(在|想|要|正在)?(找|寻找)|^想找"
)
# "… just checking before I email them": what the writer will do, no contact asked
_WRITER_CONTACTS = _words(
    r"\b(before|so|then|and) (i|we)( can| will|['’]ll)? (e-?mail|call|contact|write to|message|phone) "
    r"(them|him|her)\b|\bprima di (contattarl\w*|scrivergli|scriverle|chiamarl\w*)|"
    r"(忘了|忘记|想|要|好)加(他|她|他们)?的?微信"
)

# The writer's own people and the document the writer prepares, which ask for no figure ("my boss
# wants …" asks no chief executive, "per le slide del mio capo" no slides, "我们总经理问…", "做PPT")
_THE_WRITERS_OWN = _words(
    r"\b(my|our) ([\w-]+ )?(boss|ceo|manager|colleague|director|chairman|chairwoman|gm|supervisor|head|"
    r"client|team|slides?|deck|ppt|report|newsletter|minutes|notes|letter|e-?mail|form|article|"
    r"presentation)s?\b|"
    r"\b(prepar\w*|making|doing|writing|drafting|for) ((the|a|an|his|her) )?"
    r"(slides?|deck|ppt|report|newsletter|minutes|letter|form|memo|article)\b|"
    r"\b(il|al|del) capo (vuole|chiede|dice|deve|mi ha chiesto|ha chiesto)\b|"
    r"\b(mio|mia|miei|mie|nostro|nostra|nostri|nostre) (capo|responsabile|direttore|direttrice|collega|"
    r"colleghi|colleghe|socio|cliente|titolare|manager|ceo|slide|report|verbale|relazione|lettera|mail|"
    r"modulo|presentazione|newsletter)\b|"
    r"\b(per|nel|nella|nelle|prepara\w*|fare|scrive\w*) (il|la|le|lo|l['’]|un|una) ?(slide|report|verbale|"
    r"relazione|lettera|modulo|presentazione|newsletter|resoconto)\b|"
    r"我们?的?(老板|领导|上司|总经理|经理|同事|主任|老总|董事长)|"
    r"(做|写|准备|整理)[^，,。？?\s]{0,8}(ppt|幻灯片|报告|纪要|汇报|简报)"
)


# … with what they do or want, and what the writer needs the answer for ("my boss wants", "il mio capo
# deve scriverle", "for the thank you letter", "per il verbale", "我们老板想知道")
_FOR_THE_WRITERS_OWN = _words(
    rf"(?:{_THE_WRITERS_OWN.pattern})(?: (?:keeps |also |really )?(?:wants?|needs?|asks?|asked|thinks|says|"
    r"said|is (?:preparing|writing|asking)|wrote|deve|vuole|chiede|dice|pensa|ha detto|prepara)"
    r"(?: to know| sapere)?)?|"
    r"\b(?:for|per) (?:the|a|an|il|la|le|lo|l['’]|his|her) (?:[\w-]+ )?(?:thank you )?"
    r"(?:letter|minutes|form|newsletter|report|slides?|verbale|modulo|lettera|slide|resoconto)"
    r"(?: di ringraziamento)?\b"
)


def without_the_writers_own(question: str) -> str:
    """`question` without the writer's own people, what they want and what the answer is for."""
    without = _FOR_THE_WRITERS_OWN.sub(" ", question)
    return " ".join(without.split()) if without != question else question


def figures_asked(question: str) -> frozenset[str]:
    """The kinds of figure (`FIGURES`, and names) the question asks for."""
    question = _THE_WRITERS_OWN.sub(SOMEONE, question)
    kinds = {kind for kind, figure in FIGURES.items() if figure.asks.search(question)}
    if (_PLACE_CHOICE.search(question) or _HELD_IN.search(question)) and not _COMPARES.search(question):
        kinds.discard("comparison")
    if "afternoon" in kinds and _MORNING.search(question):  # "morning or afternoon session?"
        kinds.discard("afternoon")
    if "room" in kinds and not FIGURES["room"].asks.search(_WRITER_AWAY.sub(" ", question)):
        kinds.discard("room")
    rest = _WRITER_CONTACTS.sub(" ", question)
    if rest != question and not FIGURES["contact"].asks.search(rest):
        kinds.discard("contact")
    if _COLLEFERRO.search(question):  # "Colleferro is the capital of culture, right?": its title corrects it
        kinds.discard("other_title")
    if _WRITER_SEEKS.search(question):
        kinds.discard("trade_partners")
    if _COMPANY_SIDE.search(question) or _COMPANY_COUNTRY.search(question):
        kinds.discard("nationality")
    if _SIDE_ASKED.search(question):  # "avio - is that a chinese firm?": the side its entry gives
        kinds -= {"country", "nationality"}
    if where_it_was_held(question) != question:  # another place for this meeting, not the congress's
        kinds.discard("main_venue")
    if "country" in kinds:  # "messe stuttgart asia hq country?": the seat's country, which is given
        kinds.discard("headquarters")
    if _FOOD_AS_A_SECTOR.search(question):  # "le aziende erano tutte food e fashion?": a field
        kinds.discard("food")
    if _SIZE_AS_COUNT.search(question):  # "how big is the foreign business community, like number of …?"
        kinds.discard("size")
    if _NOT_A_COUNT.search(question):
        kinds.discard("count")
    if "count" in kinds and _WHO_TOO.search(question):  # the names counted give how many
        kinds.discard("count")
        kinds.add(NAMES_FIGURE)
    if _ASKS_SPEAKER.search(question):  # who spoke for it asks a name: whether it spoke is given
        kinds.add(SPEAKER_FIGURE)
        kinds.discard(SPOKE_FIGURE)
    names = _ASKS_NAMES.search(question) and not _ASKS_EVENT_NAME.search(question)
    return frozenset(kinds | ({NAMES_FIGURE} if names else set()))


def figures_given(text: str) -> frozenset[str]:
    """The kinds of figure the text gives."""
    return frozenset(kind for kind, figure in FIGURES.items() if figure.gives.search(text))


# "mattina o pomeriggio?", "what time of day": the part of the day is enough, which the date gives.
_ASKS_PART_OF_DAY = re.compile(
    r"\b(time of (the )?day|morning|afternoon|evening|mattin\w*|pomeriggio|sera)\b|上午|下午|早上|晚上",
    re.IGNORECASE,
)


def asks_time(question: str) -> bool:
    return bool(_ASKS_TIME.search(question)) and not _ASKS_PART_OF_DAY.search(question)


def has_time(text: str) -> bool:
    return bool(_HAS_TIME.search(text))


@dataclass
class Signals:
    dense: float = 0.0
    dense_question: float = 0.0
    dense_body: float = 0.0
    dense_gap: float = 0.0
    lexical: float = 0.0
    coverage: float = 0.0
    asked_coverage: float = 0.0
    unseen: float = 0.0
    names_hit: float = 0.0
    names_miss: float = 0.0
    time_missing: float = 0.0
    figure_missing: float = 0.0
    detail_elsewhere: float = 0.0
    gap_dense: float = 0.0
    gap_coverage: float = 0.0
    gap_asked: float = 0.0

    def vector(self) -> list[float]:
        """The signals in `FEATURES` order: the fields as declared, then their one product."""
        # not `astuple`, which deep-copies each of the ~20 floats: a millisecond a question
        return [*(getattr(self, name) for name in FEATURES[:-1]), self.dense * self.coverage]


assert (*(f.name for f in fields(Signals)), "dense_x_coverage") == FEATURES, "Signals and FEATURES differ"


@dataclass(frozen=True, eq=False)
class Model:
    """Gradient-boosted trees (LightGBM) over `FEATURES`: the probability that an entry answers.
    `threshold` is the fitted probability above which an entry answers; `tentative` the
    confidence under which an answer says it may not be exactly what was asked."""

    booster: lightgbm.Booster | None  # None: a model that weighs nothing (0.5 everywhere)
    threshold: float = 0.5
    tentative: float = 0.5

    def confidences(self, signals: Sequence[Signals]) -> list[float]:
        """0..1 per candidate, with 0.5 at the fitted threshold: MIN_CONFIDENCE moves the line."""
        if not signals:
            return []
        if self.booster is None:
            return [0.5] * len(signals)
        rows = np.array([row.vector() for row in signals])
        p = np.clip(self.booster.predict(rows, num_threads=1), 1e-6, 1 - 1e-6)
        z = np.log(p / (1 - p)) - math.log(self.threshold / (1 - self.threshold))
        return (1.0 / (1.0 + np.exp(-z))).tolist()

    def save(self, path: Path = MODEL_PATH, **about: object) -> None:
        assert self.booster is not None
        data = {
            "features": FEATURES,
            "threshold": self.threshold,
            "tentative": self.tentative,
            **about,
            "booster": self.booster.model_to_string(),
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def load_model(path: Path = MODEL_PATH) -> Model:
    """The fitted model; one fitted on other features (only while developing them) is replaced by
    a model that weighs nothing, until `python -m bot fit` fits it again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        log.error("%s was fitted on other features: run `python -m bot fit`", path)
        return Model(None)
    booster = lightgbm.Booster(model_str=data["booster"])
    return Model(booster, data["threshold"], data["tentative"])
