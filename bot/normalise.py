"""Text folding: what phone typing changes and meaning does not (invisible characters, width,
accents, case), applied alike to questions and to the knowledge before they are compared."""

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from text_to_num import alpha2digit

# Zero-width spaces and joiners, soft hyphens, word joiners, byte-order marks, bidi controls.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


_O_IN_A_NUMBER = re.compile(r"(?<=\d)[Oo]+(?=\d)")


def clean(text: str) -> str:
    """`text` in Unicode NFKC (full-width letters become ASCII) without invisible characters:
    what the embedder and the language detector see; a letter O typed inside a number is a zero
    ("2O23")."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _O_IN_A_NUMBER.sub(lambda found: "0" * len(found.group()), text)


@lru_cache(maxsize=8192)
def strip_accents(text: str) -> str:
    """perché → perche, città → citta; Chinese and other scripts unchanged."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """`clean`ed, lower-cased and without accents: what lexical matching and name lookup compare."""
    return strip_accents(clean(text).lower())


# Who is asking, before what they ask ("I work for a supplier in Brescia and …", "sono un agente
# commerciale che … .", "我是溧水本地报社的记者，"): context for a person, noise for the search.
# Emoji and pictographs, which close a sentence ("… a Lishui? 🤔") and ask nothing themselves.
EMOJI = "\U0001F300-\U0001FAFF\u2600-\u27bf"
_EMOJI_SIGNS = f"{EMOJI}\u200d\ufe0f"  # with the joiners of "🙋‍♀️"
_INTRODUCTION = (
    r"(?:i['’]?m|i am|we['’]?re|we are) (?:\w+ (?=from |with ))?"  # "I'm Marco from …"
    r"(?:a|an|the|from|with|working|writing|doing|assisting|interpreting|translating|based|part|helping|"
    r"volunteering) "
    r"[^,.;:!?，。]{1,80}?(?=[,.;:!]| and | [-–—] )(?: and)?|"
    # "I'm Anna, volunteer at gate B.", "I am Pierre Dubois, responsable of R&D …"
    r"(?:i['’]?m|i am) [a-z'’]+(?: [a-z'’]+){0,2}(?=, )|"
    # "Pierre here from Toulouse, nice bot.", "Marco here, we make brake components in Anagni."
    r"[a-z]+(?: [a-z]+)? here(?: from [^,.;:!?]{1,40}?)?(?=\s*[,.;:!])|"
    rf"(?:[\w-]+ ){{0,2}}(?:volunteer|intern)\b[^,.;:!?]{{0,40}}?(?=\s*[,.;:!{_EMOJI_SIGNS}])|"
    r"(?:i|we) (?:work|works) (?:for|at|in|with) [^,.;:!?]{1,80}?(?=[,.;:!]| and )(?: and)?|"
    r"(?:i|we) (?:make|produce|build|sell|supply|import|export|distribute) "
    r"[^,.;:!?]{1,60}?(?=[,.;:!]| and | [-–] )(?: and)?|"
    r"(?:importo|esporto|importiamo|esportiamo|vendo|vendiamo|distribuisco|distribuiamo) "
    r"[^,.;:!?]{1,60}?(?=[,.;:!]| e )(?: e)?|"
    # whom the writer serves: "ho un cliente nei freni, …", "I have a client in batteries: …",
    # "我有个客户做电池的，"
    r"(?:i have|i['’]?ve got|we have|ho|abbiamo) (?:a |one |un |una )?(?:client|customer|cliente)s?"
    r"(?: [^,.;:!?]{1,30}?)?(?=\s*[,:;])|我们?有(?:个|一个|位)?客户[^，,。？?：:]{0,12}(?=[，,：:])|"
    r"(?:io |noi )?(?:sono|siamo) (?:(?:un|una|uno|il|la|lo|di|da) |un'|l')"
    r"[^,.;:!?]{1,160}?(?=[,.;:!]| e )(?: e)?|"
    r"(?:lavoro|lavoriamo) (?:per|presso|in|nel|nella|con|come) [^,.;:!?]{1,80}?(?=[,.;:!]| e )(?: e)?|"
    r"faccio (?:il|la|l') ?\w+(?: (?:per|a|di|del|della|dei) [^,.;:!?]{1,40}?)?(?=[,.;:!]| e )(?: e)?|"
    r"(?:(?:i['’]?ve|i have|we['’]?ve|we have) )?just (?:landed|arrived)\b[^,.;:!?]{0,40}?(?=[,.;:!])|"
    r"(?:sono|siamo) appena (?:arrivat[oaie]|atterrat[oaie])\b[^,.;:!?]{0,40}?(?=[,.;:!])|"
    r"(?:scrivo|sto scrivendo|stiamo scrivendo) (?:per|un|una|un') ?[^,.;:!?]{1,60}?(?=[,.;:!]| e )(?: e)?|"
    r"(?:正在|在)写(?:稿|文章|报道|报告)[^，,。；;：:！!？?]{0,10}?(?=[，,。；;：:！!])|"
    r"(?:(?:he|she|they|we|i)(?:['’]d| would) like|(?:he|she|they) wants?) to know|"
    r"(?:could|can) you (?:please )?tell me|"
    r"(?:[\w-]+ ){0,2}(?:journalist|reporter|consultant|interpreter|buyer|procurement|analyst|"
    rf"investor|assistant|volunteer|intern) here(?=\s*[,.;:!{_EMOJI_SIGNS}])|"
    r"(?:giornalista|consulente|interprete|assistente|buyer|imprenditore|imprenditrice|analista|"
    rf"volontari[oa]|stagista)\b[^,.;:!?{_EMOJI_SIGNS}]{{0,60}}?(?=\s*[,;:!{_EMOJI_SIGNS}])|"
    r"(?:我是|我们是|本人是|本人为|本人系)[^，,。.；;：:！!？?]{1,30}?(?=[，,。；;：:！!])|"
    # a letter's signature line first: "my name is Klaus Weber,", "I am senior engineer by a supplier …."
    r"(?:my name is|mi chiamo|je m'appelle) [^,.;:!?]{1,40}?(?=[,.;:!]| and | e )(?: and| e)?|"
    r"(?:i['’]?m|i am) (?:a |an |the )?(?:[\w-]+ ){0,2}(?:engineer|ingénieur|ingenieur|manager|director|"
    r"officer|responsable|head|researcher|student|professor|founder|owner|buyer)s? "
    r"(?:by|at|in|for|of|with|from|near|chez) [^,.;:!?]{1,80}?(?=[,.;:!]| and )(?: and)?|"
    r"(?:i|we) (?:want|wanted|wish|would like|'d like) to know(?: (?:if|whether))?|"
    r"我们?在[^，,。？?]{1,20}?(?:工作|上班)(?=[，,。；;！!])"
)
# What the writer will do with the answer, which asks nothing: "老板让我写个会议纪要……", "…？我要写报告",
# "devo fare il report per il capo, …", "…, I must write him/her a thank you mail".
_DOCUMENT = (
    r"(?:mail|e-?mail|letter|note|report|memo|article|summary|minutes|post|recap|deck|slides?|presentation|"
    r"rapporto|relazione|verbale|resoconto|articolo|lettera|riassunto|presentazione)"
)
_PURPOSE = (
    r"(?:(?:老板|领导|上司)(?:让|叫)我|我们?)(?:要|得|需要|正在|在)?(?:写|做|整理|出)"
    r"(?:个|一个|份|一份|篇|一篇)?(?:会议)?(?:纪要|报告|汇报|报道|稿子?|文章|总结|简报|感谢信|邮件)|"
    r"(?:i|we) (?:must|need to|have to|got to|gotta|want to|will|am going to|'m going to) "
    r"(?:write|send|prepare|draft|do|finish) (?:(?:him|her|them)(?:/(?:him|her|them))? )?"
    rf"(?:a |an |the |my |our )?(?:[\w-]+ ){{0,2}}{_DOCUMENT}|"
    rf"(?:i['’]?m|i am|we['’]?re|we are) (?:writing|preparing|drafting|doing) (?:a |an |the |my |our )?"
    rf"(?:[\w-]+ ){{0,2}}{_DOCUMENT}|"
    r"(?:i |we )?need (?:the |these |those )?(?:names|info|it|this|them|numbers) "
    rf"for (?:a|an|my|the|our) {_DOCUMENT}|"
    # an errand: "booking flights for my boss - …", "prenoto l'albergo per il capo, …", "在给老板订机票，"
    r"(?:i['’]?m |i am )?(?:booking|arranging|organi[sz]ing) (?:the )?"
    r"(?:flights?|hotels?|travel|tickets?|trip|cars?)"
    r"(?: for [^,.;:!?]{1,30}?)?(?=\s*[,.;:!]|\s[-–]\s|$)|"
    r"prenoto (?:i |il |l['’])?(?:voli|volo|albergo|hotel|viaggio)(?: per [^,.;:!?]{1,30}?)?(?=\s*[,.;:!]|$)|"
    r"我?在?(?:给|帮)[^，,。？?：:]{1,6}订(?:机票|酒店|车票|房间)|"
    r"(?:devo|dobbiamo|sto per) (?:fare|scrivere|preparare|mandare|inviare) (?:il |un |una |la |l'|lo )?"
    rf"{_DOCUMENT}(?: (?:per|al|alla) [^,.;:!?]{{1,30}}?(?=\s*[,.;:!?，。…]|$))?"
)
# Where the writer is, or why they missed something, which asks nothing: "in a taxi, …", "…, stuck in
# traffic lol.", "在出租车上 …", "刚出去接了个电话 …", "sono in taxi, …"
_SITUATION = (
    r"(?:i['’]?m |i am |i was |we['’]?re |we are |we were )?(?:stuck in traffic|in (?:a|the) (?:taxi|cab)|"
    r"running late)"
    r"(?: lol)?|我?(?:在出租车上|在车上|堵车了?|刚才?出去接了?个电话)|"
    r"(?:sono |siamo )?(?:in taxi|bloccat[oaie] nel traffico|nel traffico)|"
    # about to go into a meeting: "veloce che sto entrando in riunione", "马上要开会"
    r"(?:veloce (?:che|perché) )?(?:sto (?:entrando|per entrare) in riunione)|"
    r"(?:i['’]?m )?(?:about to go|going) into a meeting|马上(?:要)?开会了?|我在开会|"
    # could not hear: "刚才会场太吵没听清", "it was too loud in the hall"
    r"(?:刚才)?(?:会场|现场)?太吵(?:了)?(?:没听清楚?)?|没听清楚?|"
    r"(?:it was )?too (?:loud|noisy)(?: in the (?:hall|room))?|i couldn['’]?t hear(?: well)?|"
    r"non (?:ho sentito|sentivo) bene|c['’]era troppo rumore|"
    # late: "我迟到了没听到", "I was late and missed it", "sono arrivato tardi"
    r"我?迟到了?(?:没听到|错过了)?|i (?:was|got there|arrived) late(?: and missed (?:it|them))?|"
    r"sono arrivat[oa] (?:tardi|in ritardo)|(?:i )?missed the (?:start|beginning|first part)|"
    r"mi sono pers[oa] l['’]inizio|没赶上开头|"
    # before leaving: "prima di partire vorrei capire: …", "before i fly out, …"
    r"prima di partire|before (?:i|we) (?:leave|fly out|head out|go)|出发前|"
    # on the way: "flying in from munich for sourcing, …", "第一次来南京，…", "arrivo da Milano per lavoro, …"
    r"(?:i['’]?m |i am |we['’]?re |we are )?(?:flying|coming|travel+ing|driving) in from [^,.;:!?]{1,30}?"
    r"(?: for [^,.;:!?]{1,30}?)?(?=\s*[,.;:!])|"
    r"(?:arrivo|arriviamo|vengo|veniamo) da [^,.;:!?]{1,30}?(?: per [^,.;:!?]{1,30}?)?(?=\s*[,.;:!])|"
    r"(?:我们?)?(?:第一次来|刚到|刚来)[\u4e00-\u9fff]{1,6}(?=[，,。！!])"
)
# What the writer saw the words on, before the words ("sulla slide c'era scritto European Space
# Capital, di chi parlava?", "横幅上写着36 这个数字啥意思")
_SEEN_ON = (
    r"(?:on )?(?:(?:the|a|my|his|her) )?(?:slides?|banner|badge|screen|big screen|poster|name ?card|sign|"
    r"backdrop) (?:said|says|read|reads|showed|shows)|"
    r"(?:sul|sulla|sullo|nel|nella) (?:slide|banner|badge|cartellone|schermo|maxischermo|striscione|"
    r"biglietto da visita|cartello|manifesto) (?:c['’ ]?(?:era|è|e) scritto|diceva|dice|si leggeva)|"
    r"(?:横幅|幻灯片|ppt|大屏幕?|屏幕|胸牌|名牌|名片|海报|展板|背景板)上?(?:写着|写的|显示|印着)"
)
# The bot addressed in a group chat ("il bot sa dirci chi …", "can the bot tell us who spoke", "bot,
# …"), and a colleague's question passed on ("Marco asks: …", "转发：…", "+1, also …")
_PASSED_ON = (
    r"(?:can|could) (?:the|this|you) bot tell (?:us|me)|(?:il|questo) bot (?:sa|può|puo) dir(?:ci|mi)|"
    r"(?:@?bot|机器人)(?=\s*[,，:：])|"
    r"[\w-]+ (?:asks|chiede|domanda)(?=\s*[:：])|转发(?=\s*[:：])|\+1"
)
# The writer's annoyance, which asks nothing: "nobody told us anything, WHERE is …", "… thanks for
# nothing so far", "ma possibile che nessuno sappia quando …", "il tassista non capisce niente", "快说"
_COMPLAINT = (
    r"(?:no ?one|nobody) (?:has )?(?:ever )?(?:tells?|told) (?:us|me) (?:anything|nothing)|"
    r"thanks for nothing(?: so far)?|(?:it )?makes? (?:zero|no) sense|(?:as usual|like always)|"
    r"two questions,? one answer|(?:the|my) badge says (?:something|sth) (?:different|else)|"
    r"this is (?:ridiculous|useless|unbelievable)|"
    r"thanks to your \W?directions\W?|(?:ma )?(?:è )?possibile che nessuno (?:lo )?sappia|"
    r"(?:ma )?(?:è )?possibile che|nessuno (?:ci |mi )?(?:dice|ha detto) (?:mai )?niente|"
    r"grazie per (?:niente|nulla)(?: finora)?|(?:nessuno )?come al solito|che vergogna|(?:è )?assurdo|"
    r"(?:il|l['’]) ?(?:tassista|autista) non capisce niente(?: e io neanche)?|due domande[:.]?|"
    r"(?:真是)?(?:急死了?|气死了?|无语了?|服了|搞什么(?:鬼|飞机)?)|快说|快点说?"
)
# What a chatty question says besides the question: "ok so …", "sorry if dumb question but …",
# "… just curious 🙂", "… in sostanza? riassunto veloce pls", "scusate ma …", "请问一下哈". It weighs
# on the embedding as much as the words that ask, so it is left out of what is searched (the language
# is told from the whole question).
_OPENERS = re.compile(
    r"^(?:(?:@\w+|ok(?:ay)?(?: but| so)?|so(?: like)?|(?:hey+|hi|hello) again|ciao di nuovo|eccomi di nuovo|"
    r"hey+|hi there|hello there|hi|hello|hmm+|um+|uh+|yo|"
    r"sorry(?: to bother(?: you)?)?|well|btw|also|good (?:morning|afternoon|evening)|"
    r"buongiorno|buonasera|salve|lol|bonjour|guten tag|"
    # a letter's salutation and its politeness: "Dear Sir or Madam,", "Gentile Segreteria,", "尊敬的主办方："
    r"dear [^,:;!?]{1,40}?(?=\s*[,:;!])|to whom it may concern|"
    r"(?:gentil[ei]|egregi[oa]?|spettabile|spett\.le|cortese) [^,:;!?]{1,40}?(?=\s*[,:;!])|"
    r"尊敬的[^，,：:]{1,20}|敬启者|"
    # "欲询问", "我们几个老同志想了解一下": who asks, and that they ask
    r"欲(?:询问|咨询|了解|请教)(?:一下)?|我们?(?:几个|几位)?[^，,。？?！!]{0,6}?想(?:了解|咨询|请教)(?:一下|下)?|"
    r"i have (?:one|a|two|some|a few|a couple of) (?:short |quick |small )?questions?\b[^:.?]{0,40}[:.]|"
    r"(?:i would|i'd) like to (?:know|ask)(?: (?:you )?(?:if|whether))?|"
    r"(?:le|vi|ti) sarei (?:molto )?grat[oa] se (?:potesse|poteste|potessi|volesse) "
    r"(?:(?:cortesemente|gentilmente) )?(?:indicarmi|dirmi|comunicarmi|confermarmi|specificarmi)|"
    r"vorrei (?:sapere|chiederLe|chiederVi|chiedere|capire)(?: (?:se|quale|quali))?(?=\s)|"
    # what the answer should be: "riassunto veloce: data e luogo", "quick summary: …"
    r"(?:riassunto|sintesi|summary|quick summary)(?: veloce| breve| rapid[oa])?(?=\s*[:：])|"
    # "io volere sapere quando …", "volevo sapere se …"
    r"(?:io )?(?:voglio|volere|volevo|volevamo) sapere(?: (?:se|quale|quali))?(?=\s)|"
    # a form's request: "si chiede di precisare quali …", "si prega di indicare …"
    r"si (?:chiede|prega) di (?:precisare|indicare|specificare|comunicare|chiarire)|si richiede|"
    r"(?:你好|您好|大家好|老师(?:您)?好|早上好|上午好|下午好|晚上好)[呀啊哈]?|"
    # a polite letter's opening: "打扰了，实在不好意思这么晚还发消息", "Dear Sir/Madam, I hope this message
    # finds you well.", "apologies for the late message", "Gentili organizzatori, buonasera."
    r"尊敬的(?:工作人员|主办方|老师)(?:您好|你好)?|(?:工作人员|主办方)(?:您好|你好)|打扰(?:了|一下|您了)|"
    r"抱歉打扰(?:了)?|"
    r"(?:实在|真的|非常)?不好意思(?:这么晚(?:还)?(?:发消息|打扰(?:您)?))?|(?:想)?请教一下|"
    r"dear (?:sir(?: or |/)madam|organi[sz]ers?|team|all)|"
    r"i hope (?:this|my) (?:message|e-?mail) finds you well|"
    r"(?:my )?apologies for (?:the|this) late (?:message|reply|hour)|"
    r"sorry for (?:the|this) late (?:message|hour)|"
    r"(?:gentili|cari|egregi) (?:organizzatori|signori|colleghi)|"
    rf"{_INTRODUCTION}|{_PURPOSE}|{_SITUATION}|{_COMPLAINT}|{_SEEN_ON}|{_PASSED_ON}|"
    # the writer's point of view: "from an investment angle, …", "从投资角度来看，…"
    r"from an? (?:\w+ ){1,2}(?:angle|perspective|point of view|standpoint)|"
    r"(?:dal|da un) punto di vista (?:\w+ ){1,2}|"
    r"(?:从|站在)[^，,。？?]{1,8}(?:角度|立场)(?:来看|看|讲|来说)?|"
    r"(?:quick|random|dumb|silly) (?:q(?:uestion)?|one)|(?:two|2) (?:things|questions|qs)|"
    r"due (?:cose|domande)|(?:两|俩)个问题|just (?:confirming|checking)|fact[- ]?checking|"
    r"(?:quote|fact)[- ]?check|true or false|vero o falso|对还是错|"
    r"(?:posso|vorrei) verificare|"
    r"(?:(?:mi )?conferm(?:ate|i|a)|potete confermare|(?:can|could) you (?:please )?confirm|please confirm)"
    r"(?: that| che)?|请确认一下|"
    # a formal request: "I would be grateful if you could confirm …", "Could you kindly advise …",
    # "Le sarei grato se potesse riassumermi …"
    r"i (?:would|'d) be (?:most |very )?grateful if you could (?:kindly )?(?:confirm|tell me|let me know|"
    r"advise(?: me)?(?: on)?|indicate|provide|share|summari[sz]e)(?: whether| if)?|"
    r"(?:could|would|can) you (?:kindly|please) (?:advise(?: me)?(?: on)?|tell me|let me know|indicate|"
    r"provide|share)(?: whether| if)?|"
    r"(?:le|vi) sarei (?:molto )?grat[oa] se (?:potesse|poteste) (?:gentilmente )?(?:indicarmi|confermarmi|"
    r"dirmi|comunicarmi|riassumermi|precisarmi|specificarmi)(?: se)?|"
    # what the writer recalls or was told, to be checked ("我记得是32家欧洲企业来的 没错吧", "mi hanno
    # detto che Brembo sta a Lishui, vero?")
    r"我?记得是|我印象中是?|if i remember (?:correctly|right)|iirc|se (?:ricordo bene|non sbaglio)|我?忘了|"
    r"(?:mi hanno detto|ho sentito(?: dire)?|ho letto) che|i (?:heard|read|was told) that|"
    r"(?:sorry )?(?:if|for the) (?:this is a |a )?(?:dumb|stupid|silly) question(?: but)?|just wondering|"
    r"(?:scusate|scusa|scusi)(?: ma)?|allora|senti|ciao|ehi|dunque|boh|comunque|cmq|una domanda|"
    r"(?:raga|ragazzi|guys|uaglio|uaglio'|guaglio)(?: ma)?|"
    r"domanda veloce|"
    # whose question it is: "question from our CEO:", "domanda dal dottore:", "forwarding from my boss:"
    r"(?:(?:a |one )?(?:question|q|request)s? from|forwarding(?: this)? from|forwarded from) "
    r"(?:(?:my|our|the) )?[\w-]+(?: [\w-]+)?\s*(?=[:：-])|"
    r"(?:una )?(?:domanda|richiesta) (?:di|dal|della|del|dalla|da parte del(?:la)?) "
    r"[\w-]+(?: [\w-]+)?\s*(?=[:：-])|"
    rf"麻烦问一下|麻烦问下|麻烦您|请问一下|请问下|请问|我?想问(?:问|一下|下)?|问一下|问下|我想知道|我?想(?:核实|确认)一?下|哎+|嗯+|话说|那个|哈+)(?:[\s,，.。!！:：…{_EMOJI_SIGNS}-]+|(?=\S)(?<=[^\x00-\x7f])|$))+",
    re.IGNORECASE,
)
_CLOSER = (
    r"(?:just curious|i forgot|thanks|thank you|thx|pls|please|lol|grazie(?: mille)?|per favore|"
    # haste: "… pls asap", "… subito!!", "…急急急", "在线等"
    r"asap|urgent(?:e|ly)?|(?:molto )?urgente|subito|急+|在线等|速回|"
    # the writer's memory: "…，我老记混", "i always mix them up"
    r"我?(?:老|总|总是|老是)(?:记混|搞混|弄混|记不住)|i always mix (?:them|it) up|le confondo sempre|"
    r"(?:a )?(?:quick |short |brief )?summary|in short|in brief|tl;?dr|in a nutshell|"
    # a letter's close, with the name signed under it: "With kind regards, Klaus", "Distinti saluti"
    r"(?:(?:with )?(?:kind|best|warm|many) regards|regards|sincerely|yours (?:faithfully|sincerely|truly)|"
    r"cordiali saluti|distinti saluti|cordialmente|cordialement|merci(?: beaucoup)?|danke(?: sch[öo]n)?|"
    r"mit freundlichen gr[üu](?:ß|ss)en|grazie (?:per l'attenzione|anticipatamente|in anticipo)|"
    r"vi ringrazio(?: anticipatamente| in anticipo)?|"
    r"(?:and )?have a (?:nice|good|great) (?:day|evening|weekend)|"
    r"thank you (?:so|very) much)"
    r"(?:[,\s]+[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?(?=[?？!！.。]*$))?|"
    r"此致敬礼|不胜感激|感激不尽|万分感谢[～~]*|非常感谢|祝(?:您)?工作顺利|盼复|顺颂商祺|(?:敬请|尽请|烦请|恳请|望|请)(?:告知|回复|赐教|指教)|"
    r"以便[^？?!！。]{1,30}|(?:两个|俩)(?:数|数字)?都要|in un colpo solo|in one go|一次性说|"
    r"both (?:numbers|figures)(?: please)?|(?:名字|姓名)(?:和|跟)?(?:职务|职位|头衔)都要|"
    r"(?:entrambi|tutti e due) i numeri|"
    # "…, qualora lo abbia specificato", "…, if specified": whether the answer is known, which it says
    r"qualora (?:lo )?(?:abbia|abbiano|sia|siano) (?:specificat|indicat|not|disponibil)\w*|"
    r"ove (?:disponibile|specificato|noto)|if (?:specified|available|known|any)|如有的话|"
    # what the answer is for: "ai fini della verbalizzazione", "我写稿要用", "(give me) a few examples"
    r"ai fini (?:del|della|dello|dei|delle|di) \w+|(?:我)?写(?:稿|报告|材料)(?:子)?要用|"
    r"(?:给|请)?(?:我)?举(?:几|一|两)?个例子|(?:give me )?(?:some|a few) examples|"
    r"(?:fammi |mi faccia )?qualche esempio|in my notes|nei miei appunti|"
    r"(?:in )?(?:due|tre|poche) righe(?: per (?:il|la) (?:mio |mia )?\w+)?|"
    r"(?:(?:for|per) (?:my|the|our|il|la) (?:boss|ceo|capo|direttore|direttrice|manager))|"
    r"(?:给)?(?:领导|老板|上司)(?:汇报|报告)?要用|(?:给|向)(?:领导|老板)汇报(?:用)?|"
    r"(?:(?:i|we) )?(?:need|have|must|want) to (?:list|mention|include|thank|cite|quote) (?:him|her|them|it)"
    rf"(?: in (?:a|an|the|my|our) (?:[\w-]+ ){{0,2}}{_DOCUMENT})?|"
    r"l['’]ho letto da qualche parte|i (?:read|saw) it somewhere|帮我核实一下|帮忙核实一下|"
    r"(?:non (?:mi )?ricordo|i (?:don['’]?t|do not|can['’]?t) remember|记不清了?)|"
    # what the writer looked at: "… perché sul badge non c'è scritto", "… because it's not on my badge"
    r"(?:perch[eé]|because|since|as) (?:sul|sulla|nel|nella|on the|on my|in the|in my) "
    r"(?:badge|pass|invito|invitation|ticket|biglietto|programma|programme|flyer|volantino)\b[^?？]{0,30}|"
    # a lost invitation: "non trovo più la mail", "can't find the email anymore", "邮件找不到了"
    r"non (?:trovo|ritrovo) pi[uù] (?:la |il |l['’])?(?:mail|e-?mail|invito|messaggio|programma)|"
    r"(?:i )?(?:can['’]?t|cannot|can not) find the (?:e-?mail|invitation|invite|message) (?:any ?more)?|"
    r"(?:i )?missed the (?:e-?mail|invitation|invite|message|briefing)|"
    r"(?:邮件|通知|邀请函)找不到了|找不到(?:邮件|通知|邀请函)了|"
    r"(?:e |and )?(?:(?:il|la|my|the|our) )?(?:mio |mia )?(?:capo|boss|direttore|direttrice) "
    r"(?:mi )?(?:chiede|lo chiede|asks|is asking|wants to know)|"
    rf"{_PURPOSE}|{_SITUATION}|{_COMPLAINT}|"
    r"(?:un )?riassunto(?: veloce| breve)?|in breve|in sintesi|in sostanza|in poche parole|"
    rf"简单说说|简单讲讲|简单说一下|简单介绍一下|谢谢[啦了呀哈]?|谢[啦了]|多谢|哈+|呀|啊|(?:快|麻烦)?帮我(?:看|查)(?:一)?下|[{EMOJI}])"
)
# Closers, also after the question mark ("… in sostanza? riassunto veloce pls"): the question keeps its own.
_CLOSERS = re.compile(
    rf"[\s,，.!！…-]*{_CLOSER}(?:[\s,，.!！?？…-]*{_CLOSER})*\s*(?=[?？!！.。]*$)",
    re.IGNORECASE,
)


# Whom the question is asked for, before or after it: "boss asks where …", "il mio capo chiede: …",
# "老板问 …", "… ? boss cant remember lol", "…？我老板要写报告". The boss asks nothing of a boss
# ("who is Avio's boss?" keeps its boss: no word of asking or needing follows it).
_BOSS = (
    r"(?:(?:my|our|the) )?(?:boss|ceo|chairman|chairwoman|manager|client|director|gm)|"
    r"(?:(?:il|la) )?(?:mio |mia |nostro |nostra )?"
    r"(?:capo|titolare|direttore|direttrice|cliente|dottore|dottoressa)|"
    r"(?:替|帮|代)?我?们?的?(?:老板|领导|上司|客户|董事长|老总)|"
    # a guest at the desk, for whom a volunteer asks ("guest asks …", "un ospite di Roma chiede", "客人问的")
    r"(?:(?:a|an|the|one|our|my|this) )?(?:guest|visitor|lady|gentleman|journalist|reporter)"
    r"(?: from [^,.;:!?]{1,40}?)?|"
    r"(?:(?:un|una|il|la|l'|questo|questa) ?)?(?:ospite|visitatore|visitatrice|signora|signore|giornalista)"
    r"(?: \w+)?(?: di [^,.;:!?]{1,30}?)?|"
    r"(?:有位|有个|一位|这位|那位)?[\u4e00-\u9fff]{0,4}?(?:客人|访客|老外|记者|司机|师傅)|"
    # the driver who takes them there ("…？司机要导航", "my driver needs the address")
    r"(?:(?:my|our|the) )?driver|(?:(?:il|l') ?)?(?:mio |nostro )?autista"
)
_BOSS_ASKS = (
    r"(?:asks?|asked|is asking|says|said|heard|wants to know|would like to know|needs to know|wonders|"
    r"thinks|believes|wants to quote|mi chiede|chiede|ha chiesto|vuole sapere|dice|ha sentito|"
    r"vuole citare|"
    r"问(?:问|一下|下)?|(?:想|希望)(?:知道|了解|问问?)(?:一下)?|让我(?:问问?|了解|整理|核实)(?:一下|下)?|说|听说|"
    r"觉得|认为)"
)
_BOSS_NEEDS = (
    rf"(?:{_BOSS_ASKS}|wants?|would like|needs?|cant|can't|cannot|can not|doesn'?t|does not|forgot|"
    r"is writing|has to|pensa a|is thinking of|vuole|deve|ha bisogno|"
    r"non (?:se |si )?(?:lo )?ricorda|ha dimenticato|"
    r"要|让|想|需要|记不清|不记得|叫我)"
)
# What follows asks nothing ("… 老板记不清了", not "老板让我问一下哪些欧洲企业落户了")
_ASKS_NOTHING = (
    r"(?![^?？]*(?:吗|呢|什么|哪|几|多少|谁|怎么|\b(?:what|which|who|when|where|how|why|quale|quali|quando|"
    r"dove|chi|cosa|come|perch[eé]|quant\w*)\b))"
)
# After the question, to the end ("… ? boss wants the gist")
_AFTER_FOR_THE_BOSS = re.compile(
    rf"(?:(?<=[?？!！…~])|(?<=[^\x00-\x7f])\s)\s*(?:{_BOSS})\s*{_BOSS_NEEDS}(?![a-z']){_ASKS_NOTHING}[^?？]*$",
    re.IGNORECASE,
)
# Before it ("boss asks where …"), in the writer's own words, which are the language to answer in
_BEFORE_FOR_THE_BOSS = re.compile(
    rf"(?:^|(?<=[:：,，;；.。!！?？]))\s*(?:{_BOSS})\s*"
    rf"(?:{_BOSS_ASKS}|(?:wants?|needs?|would like)(?! to (?!know)))"
    r"(?: me)?(?: to know| that)?(?:的\s*$|\s*[:：,，]\s*|\s+|(?=[^\x00-\x7f]))|"
    # "明天要给老板做简报：": what the writer will do with the answer
    r"(?:明天|今天|回头)?(?:要|得|需要)?(?:给|向|跟)(?:我们?的?)?(?:老板|领导|上司|董事长|老总)"
    r"(?:做|写|汇报|报告|介绍)[^:：,，。.?？]{0,6}[:：,，]?",
    re.IGNORECASE,
)


def without_the_asker(question: str, before: bool = True) -> str:
    """`question` without whom it is asked for ("… firmati? my boss needs the numbers"), which says
    nothing of what is asked. Without `before`, what comes before the question stays ("la signora
    chiede if …": the language the writer asks in, which is the one to answer in)."""
    stripped = _AFTER_FOR_THE_BOSS.sub(" ", question)
    if before:
        stripped = _BEFORE_FOR_THE_BOSS.sub(" ", stripped)
    return stripped.strip() if len(stripped.strip()) >= 2 else question


def without_chatter(question: str) -> str:
    """`question` without the greetings, apologies and fillers around what it asks, and whom it is
    asked for; unchanged when nothing else would be left."""
    stripped = _CLOSERS.sub("", without_the_asker(_OPENERS.sub("", question.strip()))).strip()
    stripped = _LEFT_OVER_STOP.sub("", stripped)  # "…之一？尽请告知。": the closer's full stop
    return stripped if len(stripped) >= 2 else question


def only_chatter(text: str) -> bool:
    """Whether `text` says nothing but greetings, who asks, that they ask and closing words ("我们几个
    老同志想了解一下", "buongiorno,", "给举几个例子"): a part of a message that is no question of its own."""
    return not _CLOSERS.sub("", _OPENERS.sub("", text.strip())).strip()


_LEFT_OVER_STOP = re.compile(r"(?<=[?？])[\s。.!！]+$")


# Phone shorthand that no typo mending reaches (too short, or more than a slip from its word): "the
# german exhibition co boss", "what did the company reps say", "hw many ppl", "nn mi ricordo".
_SHORTHAND = {
    "co": "company", "cos": "companies", "reps": "representatives", "rep": "representative",
    "mtg": "meeting", "ppl": "people", "abt": "about", "yr": "year", "yrs": "years", "intl": "international",
    "govt": "government", "biz": "business", "#": "number", "nev": "new energy vehicle",
    "nevs": "new energy vehicles", "ev": "electric vehicle", "evs": "electric vehicles",
    "fdi": "foreign direct investment", "fie": "foreign-invested enterprise",
    "fies": "foreign-invested enterprises", "eu": "european",  # "any big EU brands already in lishui?"
    "hw": "how", "nr": "number", "u": "you", "ur": "your", "r": "are", "w/": "with", "thru": "through",
    "nn": "non", "ke": "che", "qnd": "quando", "cmq": "comunque", "xke": "perché", "xké": "perché",
    "xche": "perché", "moq": "minimum order quantity",
    "cerano": "c'erano", "reunion": "meeting",  # a French delegate's "réunion"
    "attracco": "matchmaking",  # 对接 put word for word into Italian: "la riunione di attracco"
    # question words misspelt too short for typo mending: "wich hall", "wat did he say"
    "wich": "which", "whic": "which", "wat": "what", "wht": "what", "wher": "where", "whr": "where",
    "ther": "there", "teh": "the",
    # the countries as German and French engineers write them in English
    "deutschland": "germany", "frankreich": "france", "allemagne": "germany", "italien": "italy",
    "italie": "italy",
    # and the German words of their English ("datum of the Veranstaltung pls", "which Firmen presented")
    "datum": "date", "veranstaltung": "event", "veranstalter": "organiser", "stadt": "city",
    "unternehmen": "companies", "firmen": "companies", "firma": "company", "branchen": "sectors",
    "branche": "sector", "programm": "programme", "vertrieb": "sales", "handynummer": "mobile number",
    "telefonnummer": "phone number", "umsatz": "revenue", "ausrüstung": "equipment", "wann": "when",
    "leitindustrien": "leading industries", "kollege": "colleague", "kollegin": "colleague",
    "bürgermeister": "mayor", "vizebürgermeister": "deputy mayor", "rede": "speech",
    # months as English texts shorten them ("it was dec 1st?")
    "jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july", "aug": "august",
    "sept": "september", "oct": "october", "dec": "december",
}  # fmt: skip
# a word of its own: not the "r" of "R&D", the "cos" of "cos'è", the "co" of "co-operation"
_SHORTHAND_WORD = re.compile(
    rf"(?<![\w&'’/-])({'|'.join(re.escape(short) for short in _SHORTHAND)})(?![\w&'’/-])", re.IGNORECASE
)


# Pinyin initials Chinese chat writes for the district, beside Chinese characters too ("lsq欧洲企业…"),
# and for other words beside Chinese characters only ("hy是sw开的还是xw开的")
_PINYIN_INITIALS = re.compile(r"(?<![A-Za-z])lsq(?![A-Za-z])", re.IGNORECASE)
_INITIALS_BESIDE_HAN = {
    "sw": "上午", "xw": "下午", "hy": "会议", "djh": "对接会", "qy": "企业", "oz": "欧洲", "wz": "外资",
    "ld": "领导"
}  # fmt: skip
_INITIAL = f"(?:{'|'.join(_INITIALS_BESIDE_HAN)})"
# beside Chinese characters, a space between at most, or beside another such initial ("wz qy 多少家")
_INITIALS_WORD = re.compile(
    rf"(?:(?<=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]\s))({_INITIAL})(?![A-Za-z])|"
    rf"(?<![A-Za-z])({_INITIAL})(?=(?:\s{_INITIAL})*\s?[\u4e00-\u9fff])",
    re.IGNORECASE,
)


def without_shorthand(question: str) -> str:
    """`question` with phone shorthand written out ("euro co that presented?" → "euro company …",
    "lsq" → 溧水区)."""
    question = _PINYIN_INITIALS.sub("溧水区", question)
    question = _INITIALS_WORD.sub(lambda found: _INITIALS_BESIDE_HAN[found.group().lower()], question)
    return _SHORTHAND_WORD.sub(lambda found: _SHORTHAND[found.group().lower()], question)


# Spoken Roman and central Italian as typed ("ndo se fa l'incontro?", "er sindaco der distretto",
# "quante aziende de lishui ce stanno", "vonno anda all'estero"): read as standard Italian, in an
# Italian message only ("de" and "er" are pinyin syllables, "so" an English word).
_ROMAN = {
    "ndo": "dove", "'ndo": "dove", "quanno": "quando", "de": "di", "der": "del", "dela": "della",
    "er": "il", "ar": "al", "dar": "dal", "ner": "nel", "sur": "sul", "cor": "col", "quer": "quel",
    "pe": "per", "nun": "non", "vonno": "vogliono", "anda": "andare", "annà": "andare",
    "semo": "siamo", "so'": "sono", "c'hanno": "hanno", "gnente": "niente", "'na": "una",
    "dimme": "dimmi", "ce stanno": "ci sono", "ce sta": "c'è", "ce so": "ci sono",
    "se chiama": "si chiama", "se fa": "si fa", "se trova": "si trova", "se tiene": "si tiene",
    "de la": "della", "de lo": "dello", "de le": "delle", "de li": "degli",
    # and Neapolitan ("comme se chiamma o vicesindaco … ca ce steva?")
    "comme": "come", "se chiamma": "si chiama", "chiamma": "chiama", "ce steva": "c'era", "steva": "stava",
    # and Sicilian ("unni si fici? in quali parcu")
    "unni": "dove", "si fici": "si è fatto", "fici": "fece", "parcu": "parco",
    # and Neapolitan from Campania's helpers ("addo sta stu incontro?")
    "addo": "dove", "addò": "dove", "stu": "questo",
}  # fmt: skip
_ROMAN_WORD = re.compile(
    rf"(?<![\w'’])({'|'.join(re.escape(word) for word in sorted(_ROMAN, key=len, reverse=True))})(?![\w'’])"
    r"|(?:(?<=\bche )|(?<=\bchi )|(?<=\bdove )|(?<=\bcome ))so\b|(?<!\blo )(?<!\bnon )\bso(?=\s*[?？!]*\s*$)",
    re.IGNORECASE,
)


# "dove si fa?", "quando si fa l'incontro": where or when an event is held, said the everyday way
_HELD = re.compile(r"\b(dove|dov[eè]|quando|a che ora) si fa\b", re.IGNORECASE)


def standard_italian(question: str) -> str:
    """An Italian `question` with Roman spoken forms in standard Italian ("de che campi so?" → "di
    che campi sono?"), and an event's "si fa" as "si tiene"."""
    standard = _ROMAN_WORD.sub(lambda found: _ROMAN.get(found.group().lower(), "sono"), question)
    return _HELD.sub(r"\1 si tiene", standard)


# "who else came besides the mayor?", "oltre alla sindaca", "除了区长还有谁", "the other vice mayor,
# not Liu Jia, who was it": the one left out is not what is asked about, so it is not searched for.
_EXCLUDED = re.compile(
    r"\b(?:besides|apart from|other than|except(?: for)?|oltre (?:a|al|alla|allo|ai|agli|alle)|a parte|"
    r"tranne|eccetto)\s+[^,，?？.!！]{1,40}?(?=[,，?？.!！]|$|\s+(?:which|what|who|where|when|how|are|is|did|does|do|"
    r"any|chi|quali?|che|cosa|dove|quando|come|ci|c['’]\w*)\b)|除了[^，,？?还]{1,12}?(?:以外|之外)?(?=[，,还])|"
    r"(?<=[,，])\s*(?:not|non|不是)\s+[^,，?？.!！]{1,30}?(?=[,，])",
    re.IGNORECASE,
)


def without_excluded(question: str, named: Callable[[str], Sequence[str]]) -> str:
    """`question` without the parts that leave out someone or something `named` finds a name or
    role in ("besides the mayor"; not "besides space", which says what is asked about)."""
    stripped = _EXCLUDED.sub(lambda part: " " if named(part.group()) else part.group(), question)
    return stripped.strip(" ,，")


_NUMBER = re.compile(r"\d+")
_YEAR_IN_TWO = re.compile(r"\b(19|20) (\d{2})\b")  # a year said as two numbers: "twenty twenty three"


# A number written in Chinese characters with its tens or hundreds ("二十二家", "三十六", "三百"); not
# the single digits of words ("四大", "一下")
_HAN_NUMBER = re.compile(
    "([一二两三四五六七八九]?百(?:[零一二三四五六七八九]?十?[一二三四五六七八九]?)|[一二三四五六七八九]?十[一二三四五六七八九]?)"
    "(?=[家个位名多来余])"  # a count ("二十二家"), not a date ("十二月一号")
)
_HAN_DIGITS = {character: value for value, character in enumerate("零一二三四五六七八九")} | {"两": 2}


def _han_number(written: str) -> int:
    """"二十二" → 22, "三百" → 300, "十五" → 15."""
    hundreds, _, rest = written.rpartition("百") if "百" in written else ("", "", written)
    tens, _, units = rest.rpartition("十") if "十" in rest else ("", "", rest)
    value = (_HAN_DIGITS.get(hundreds, 1) * 100 if "百" in written else 0)
    value += (_HAN_DIGITS.get(tens.strip("零"), 1) * 10 if "十" in rest else 0)
    return value + _HAN_DIGITS.get(units.lstrip("零"), 0)


def with_digits(text: str, lang: str) -> str:
    """`text` with the numbers it spells out in digits: those of ten and more in their place, as the
    texts write them ("thirty Lishui firms" → "30 Lishui firms", "三十六家" → "36家"); smaller ones
    added at the end, the words kept for the texts that spell them ("quattro aspetti … 4")."""
    if lang == "zh":  # a count in characters has its tens or hundreds: ten and more
        return _HAN_NUMBER.sub(lambda found: str(_han_number(found.group())), text)
    if lang not in ("en", "it"):
        return text
    written = _with_years(alpha2digit(text, lang, threshold=10), text)
    small = set(_NUMBER.findall(_with_years(alpha2digit(text, lang), text))) - set(_NUMBER.findall(written))
    return f"{written} {' '.join(sorted(small))}" if small else written


def _with_years(written: str, text: str) -> str:
    """"twenty twenty three", which reads as "20 23", as the year 2023 (not where `text` wrote it so)."""
    return written if _YEAR_IN_TWO.search(text) else _YEAR_IN_TWO.sub(r"\1\2", written)
