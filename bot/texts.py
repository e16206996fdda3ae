"""Every user-facing text, one table per language (zh, en, it)."""

from bot import DEFAULT_LANGUAGE, LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dont_know": (
            "Sorry, I don't know that: it is not in the information I have about the "
            "docking meeting. A staff member can help you."
        ),
        "gap_hint": "A staff member can help you with this.",
        "refuse": (
            "I can only answer questions about the Europe–Lishui enterprise docking meeting: "
            "the programme, the speakers, the participating enterprises and Lishui's "
            "investment environment."
        ),
        "empty": "Please type a question, for example: “When is the docking meeting?”",
        "no_text": ("I can only read text questions. Try, for example: “Where is the meeting held?”"),
        "too_long": "That message is too long for me ({length} characters). "
        "Please ask in at most {limit} characters.",
        "source": "Source",
        "sources": "Sources",
        "unavailable": "Sorry, I can't answer right now. Please try again in a moment.",
        "welcome": (
            "Welcome{name}! I answer questions about the Europe–Lishui enterprise docking "
            "meeting (Nanjing) in 中文, English and Italiano: the programme, the speakers, "
            "the enterprises and Lishui's investment environment. Just ask, or use the menu "
            "below."
        ),
        "privacy": "Privacy: I keep your language, your questions and your 👍/👎 to improve "
        "my answers. /forget deletes all of it.",
        "choose_language": "Choose your language:",
        "language_set": "OK, I will answer in English.",
        "help": (
            "Ask me a question in your own words, for example “Who is Hans Song?”.\n\n"
            "/agenda – the programme\n/enterprises – browse the participating enterprises\n"
            "/invest – Lishui's investment environment\n/lang – change language\n"
            "/human – ask a staff member\n/forget – delete what I store about you"
        ),
        "agenda_title": "Programme",
        "time_unknown": "time not published",
        "enterprises_title": "Participating enterprises",
        "enterprises_pick": "Choose a side or a group of companies:",
        "sectors": "Sectors",
        "companies": "Companies",
        "country": "Country",
        "sector": "Sector",
        "back": "« Back",
        "invest_title": "Lishui's investment environment",
        "group_presented": "Presented at the meeting",
        "group_foreign_invested": "European companies already in Lishui",
        "group_exports_to_europe": "Lishui products sold in Europe",
        "vote_thanks": "Thanks for your feedback!",
        "vote_not_yours": "You can only rate your own answers.",
        "ask_staff": "🙋 Ask a staff member",
        "browse_agenda": "📅 Browse the agenda",
        "contact_organisers": "Staff cannot be reached through the bot at the moment. "
        "Please contact the organisers directly.{contact}",
        "unsupported": "I can only read text. Ask me a question in 中文, English or "
        "Italiano, or try /agenda, /enterprises and /invest.",
        "rate_limited": "You are asking very quickly. Please wait a few seconds and ask again.",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
        "forget_done": "Done: I deleted your language choice, your questions, your votes and your "
        "conversations with the staff.",
        "cmd_start": "Welcome and language",
        "cmd_help": "What I can do",
        "cmd_agenda": "The programme",
        "cmd_enterprises": "Participating enterprises",
        "cmd_invest": "Lishui's investment environment",
        "cmd_lang": "Change language",
        "cmd_human": "Ask a staff member",
        "cmd_forget": "Delete my data",
        "handoff_opened": "I passed your question to the staff (ticket #{number}). A person will answer "
        "here; just keep writing. /end closes the conversation.",
        "handoff_need_question": "What should I ask the staff? Send /human followed by your question.",
        "handoff_already_open": "You already have an open conversation with the staff (ticket #{number}). "
        "Just write here; /end closes it.",
        "handoff_unreachable": "Sorry, I could not reach the staff just now. Please try again in a moment.",
        "handoff_relay_failed": "Sorry, your message did not reach the staff. Please send it again.",
        "handoff_staff_says": "👤 {name} (staff):",
        "handoff_original": "Original",
        "handoff_untranslated": "(not translated)",
        "handoff_resolved": "The staff marked your question (ticket #{number}) as answered. "
        "Ask me anything else whenever you like.",
        "handoff_returned": "The staff handed the conversation back to me. Ask me anything about the meeting.",
        "handoff_ended": "You ended the conversation with the staff (ticket #{number}).",
        "handoff_none": "You have no open conversation with the staff.",
        "handoff_busy": "The staff are busy and nobody has picked up your question (ticket #{number}) yet. "
        "It stays in the queue and the answer will arrive here; meanwhile you can ask me other questions.",
        "cmd_end": "End the conversation with staff",
        "only_in": "(This information is only available in {language} for now.)",
        "admin_only": "Sorry, only the organisers can use that command.",
        "announcement": "📢 {text}",
    },
    "zh": {
        "dont_know": "抱歉，我不知道：我掌握的对接会资料中没有这条信息。工作人员可以为您解答。",
        "gap_hint": "工作人员可以为您解答这个问题。",
        "refuse": "我只能回答与欧洲企业·溧水产业对接会有关的问题：议程、发言嘉宾、参会企业以及溧水的投资环境。",
        "empty": "请输入您的问题，例如：“对接会是哪一天？”",
        "no_text": "我只能读取文字问题。您可以试试：“对接会在哪里举行？”",
        "too_long": "这条消息太长了（{length} 个字符）。请将问题控制在 {limit} 个字符以内。",
        "source": "来源",
        "sources": "来源",
        "unavailable": "抱歉，我暂时无法回答，请稍后再试。",
        "welcome": (
            "欢迎{name}！我可以用中文、English 和 Italiano 回答关于欧洲企业·溧水产业对接会（南京）"
            "的问题：议程、发言嘉宾、参会企业以及溧水的投资环境。直接提问，或使用下方菜单。"
        ),
        "privacy": "隐私说明：我会保存您的语言、提问和 👍/👎 评价，用于改进回答。发送 /forget 即可全部删除。",
        "choose_language": "请选择语言：",
        "language_set": "好的，我将用中文回答。",
        "help": (
            "请直接用自己的话提问，例如“Hans Song 是谁？”。\n\n"
            "/agenda – 议程\n/enterprises – 浏览参会企业\n/invest – 溧水投资环境\n"
            "/lang – 切换语言\n/human – 联系工作人员\n/forget – 删除我保存的您的数据"
        ),
        "agenda_title": "议程",
        "time_unknown": "具体时间未公布",
        "enterprises_title": "参会企业",
        "enterprises_pick": "请选择一方或一组企业：",
        "sectors": "领域",
        "companies": "企业",
        "country": "国家",
        "sector": "领域",
        "back": "« 返回",
        "invest_title": "溧水投资环境",
        "group_presented": "在会上作介绍的企业",
        "group_foreign_invested": "已落户溧水的欧洲企业",
        "group_exports_to_europe": "产品已进入欧洲市场的溧水企业",
        "vote_thanks": "感谢您的反馈！",
        "vote_not_yours": "您只能评价自己收到的回答。",
        "ask_staff": "🙋 联系工作人员",
        "browse_agenda": "📅 查看议程",
        "contact_organisers": "目前无法通过机器人联系工作人员，请直接联系主办方。{contact}",
        "unsupported": "我只能读取文字。请用中文、English 或 Italiano 提问，或试试 /agenda、/enterprises 和 /invest。",
        "rate_limited": "您提问太快了，请稍等几秒再问。",
        "error": "抱歉，我这边出了点问题，请稍后再试。",
        "forget_done": "已完成：您的语言设置、提问、评价以及与工作人员的对话均已删除。",
        "cmd_start": "欢迎与语言",
        "cmd_help": "我能做什么",
        "cmd_agenda": "议程",
        "cmd_enterprises": "参会企业",
        "cmd_invest": "溧水投资环境",
        "cmd_lang": "切换语言",
        "cmd_human": "联系工作人员",
        "cmd_forget": "删除我的数据",
        "handoff_opened": "已将您的问题转给工作人员（工单 #{number}）。工作人员会在这里回复您，您可以继续留言。发送 /end 结束对话。",
        "handoff_need_question": "请告诉我要问工作人员什么：发送 /human 加上您的问题。",
        "handoff_already_open": "您已有一个与工作人员的对话（工单 #{number}）。直接在这里留言即可；发送 /end 结束。",
        "handoff_unreachable": "抱歉，暂时无法联系到工作人员，请稍后再试。",
        "handoff_relay_failed": "抱歉，您的消息没有送达工作人员，请重新发送。",
        "handoff_staff_says": "👤 {name}（工作人员）：",
        "handoff_original": "原文",
        "handoff_untranslated": "（未翻译）",
        "handoff_resolved": "工作人员已将您的问题（工单 #{number}）标记为已解答。如有其他问题，随时问我。",
        "handoff_returned": "工作人员已将对话交还给我。关于对接会的问题，请随时问我。",
        "handoff_ended": "您已结束与工作人员的对话（工单 #{number}）。",
        "handoff_none": "您目前没有与工作人员的对话。",
        "handoff_busy": "工作人员正忙，您的问题（工单 #{number}）暂时还没有人接手。问题会保留在队列中，答复会发到这里；"
        "在此期间您可以继续问我其他问题。",
        "cmd_end": "结束与工作人员的对话",
        "only_in": "（此信息目前只有{language}版本。）",
        "admin_only": "抱歉，只有主办方可以使用这个命令。",
        "announcement": "📢 {text}",
    },
    "it": {
        "dont_know": (
            "Mi dispiace, non lo so: non è tra le informazioni che ho sull'incontro tra le "
            "imprese europee e Lishui. Un membro dello staff può aiutarti."
        ),
        "gap_hint": "Un membro dello staff può aiutarti con questa domanda.",
        "refuse": (
            "Posso rispondere solo a domande sull'incontro tra le imprese europee e Lishui: "
            "il programma, i relatori, le imprese partecipanti e l'ambiente per gli "
            "investimenti di Lishui."
        ),
        "empty": "Scrivi una domanda, per esempio: «Quando si tiene l'incontro?»",
        "no_text": ("Posso leggere solo domande scritte. Prova per esempio: «Dove si tiene l'incontro?»"),
        "too_long": "Il messaggio è troppo lungo ({length} caratteri). "
        "Fai la domanda in al massimo {limit} caratteri.",
        "source": "Fonte",
        "sources": "Fonti",
        "unavailable": "Mi dispiace, ora non riesco a rispondere. Riprova tra un momento.",
        "welcome": (
            "Benvenuto{name}! Rispondo alle domande sull'incontro tra le imprese europee e "
            "Lishui (Nanchino) in 中文, English e Italiano: il programma, i relatori, le "
            "imprese e l'ambiente per gli investimenti di Lishui. Chiedi pure, oppure usa il "
            "menu qui sotto."
        ),
        "privacy": "Privacy: conservo la tua lingua, le tue domande e i tuoi 👍/👎 per "
        "migliorare le risposte. /forget cancella tutto.",
        "choose_language": "Scegli la lingua:",
        "language_set": "Va bene, risponderò in italiano.",
        "help": (
            "Fammi una domanda con parole tue, per esempio «Chi è Hans Song?».\n\n"
            "/agenda – il programma\n/enterprises – le imprese partecipanti\n"
            "/invest – l'ambiente per gli investimenti di Lishui\n/lang – cambia lingua\n"
            "/human – parla con lo staff\n/forget – cancella i tuoi dati"
        ),
        "agenda_title": "Programma",
        "time_unknown": "orario non pubblicato",
        "enterprises_title": "Imprese partecipanti",
        "enterprises_pick": "Scegli una parte o un gruppo di aziende:",
        "sectors": "Settori",
        "companies": "Aziende",
        "country": "Paese",
        "sector": "Settore",
        "back": "« Indietro",
        "invest_title": "L'ambiente per gli investimenti di Lishui",
        "group_presented": "Hanno presentato all'incontro",
        "group_foreign_invested": "Aziende europee già a Lishui",
        "group_exports_to_europe": "Prodotti di Lishui venduti in Europa",
        "vote_thanks": "Grazie per il tuo parere!",
        "vote_not_yours": "Puoi valutare solo le tue risposte.",
        "ask_staff": "🙋 Chiedi allo staff",
        "browse_agenda": "📅 Vedi il programma",
        "contact_organisers": "Al momento lo staff non è raggiungibile tramite il bot. "
        "Contatta direttamente gli organizzatori.{contact}",
        "unsupported": "Posso leggere solo testo. Fammi una domanda in 中文, English o "
        "Italiano, oppure prova /agenda, /enterprises e /invest.",
        "rate_limited": "Stai facendo domande molto velocemente. Aspetta qualche secondo e riprova.",
        "error": "Mi dispiace, qualcosa è andato storto da parte mia. Riprova tra un momento.",
        "forget_done": "Fatto: ho cancellato la tua lingua, le tue domande, i tuoi voti e le "
        "conversazioni con lo staff.",
        "cmd_start": "Benvenuto e lingua",
        "cmd_help": "Cosa so fare",
        "cmd_agenda": "Il programma",
        "cmd_enterprises": "Imprese partecipanti",
        "cmd_invest": "Investire a Lishui",
        "cmd_lang": "Cambia lingua",
        "cmd_human": "Parla con lo staff",
        "cmd_forget": "Cancella i miei dati",
        "handoff_opened": "Ho passato la tua domanda allo staff (ticket #{number}). Una persona ti "
        "risponderà qui; puoi continuare a scrivere. /end chiude la conversazione.",
        "handoff_need_question": "Cosa devo chiedere allo staff? Invia /human seguito dalla tua domanda.",
        "handoff_already_open": "Hai già una conversazione aperta con lo staff (ticket #{number}). "
        "Scrivi pure qui; /end la chiude.",
        "handoff_unreachable": "Mi dispiace, ora non riesco a raggiungere lo staff. Riprova tra un momento.",
        "handoff_relay_failed": "Mi dispiace, il tuo messaggio non è arrivato allo staff. Invialo di nuovo.",
        "handoff_staff_says": "👤 {name} (staff):",
        "handoff_original": "Originale",
        "handoff_untranslated": "(non tradotto)",
        "handoff_resolved": "Lo staff ha segnato la tua domanda (ticket #{number}) come risolta. "
        "Chiedimi pure altro quando vuoi.",
        "handoff_returned": "Lo staff mi ha ripassato la conversazione. Chiedimi pure qualsiasi cosa sull'incontro.",
        "handoff_ended": "Hai chiuso la conversazione con lo staff (ticket #{number}).",
        "handoff_none": "Non hai conversazioni aperte con lo staff.",
        "handoff_busy": "Lo staff è occupato e nessuno ha ancora preso la tua domanda (ticket #{number}). "
        "Resta in coda e la risposta arriverà qui; intanto puoi farmi altre domande.",
        "cmd_end": "Chiudi la conversazione con lo staff",
        "only_in": "(Per ora questa informazione è disponibile solo in {language}.)",
        "admin_only": "Mi dispiace, solo gli organizzatori possono usare questo comando.",
        "announcement": "📢 {text}",
    },
}


# The staff chat works in English; delegates' words reach it with an English rendering.
STAFF_TEXTS: dict[str, str] = {
    "ticket": "🎫 <b>Ticket #{number}</b> · {status}\nDelegate {pseudonym} ({name}) · language: {language}",
    "question": "<b>Question:</b> {question}",
    "english": "<b>English:</b> {english}",
    "bot_tried": "<b>The bot said:</b> {answer}",
    "no_llm": "<i>(no LLM configured: messages are not translated)</i>",
    "how_to_answer": "Reply to this message (or write in this topic) to answer the delegate.",
    "claim": "✋ Claim",
    "resolve": "✅ Resolve",
    "return": "🤖 Return to bot",
    "save": "💾 Save as knowledge",
    "claimed": "Ticket #{number} claimed by {name}.",
    "claimed_by": "Ticket #{number} is already claimed by {name}.",
    "resolved": "Ticket #{number} resolved by {name}.",
    "returned": "Ticket #{number} returned to the bot by {name}.",
    "ended": "The delegate ended ticket #{number}.",
    "closed": "Ticket #{number} is already {status}.",
    "unknown": "There is no ticket #{number}.",
    "not_staff": "Only members of the staff chat can act on tickets.",
    "delegate_says": "💬 {pseudonym} ({name}):",
    "delivered": "✓ Delivered to {pseudonym}{translated}.",
    "translated": " (translated into {language})",
    "relay_failed": "⚠️ Could not deliver to {pseudonym}: {error}. The message is kept on ticket #{number}.",
    "busy_told": "⏰ Nobody claimed ticket #{number} within {minutes:g} minutes; the delegate was told staff are busy.",
    "no_tickets": "No open tickets.",
    "tickets_line": "#{number} · {status} · {pseudonym} · {language} · {age} min · {question}",
    "usage_number": "Usage: /{command} <ticket number>",
    "no_staff_answer": "Ticket #{number} has no staff answer to save yet.",
    "draft": "📝 <b>Knowledge draft #{draft}</b> from ticket #{number} (entry <code>{entry}</code>):",
    "draft_version": "<b>{language}</b> · Q: {question}\nA: {answer}",
    "draft_wait": "An organiser (ADMIN_IDS) approves it before the bot uses it; /editdraft {draft} corrects "
    "it first.",
    "approve": "👍 Approve and publish",
    "reject": "🗑 Reject",
    "not_admin": "Only organisers (ADMIN_IDS) can approve or reject drafts.",
    "draft_approved": "Draft #{draft} approved by {name} and published: the bot now answers this itself "
    "({summary}).",
    "draft_rejected": "Draft #{draft} rejected by {name}.",
    "draft_failed": "Draft #{draft} could not be published: {error}",
    "draft_decided": "Draft #{number} is already {status}.",
    "draft_unknown": "There is no draft #{number}.",
    # organisers
    "cmd_reload": "Re-ingest the knowledge base",
    "cmd_kb": "Knowledge base status",
    "cmd_rollback": "Undo the last publish",
    "cmd_drafts": "Knowledge drafts from staff answers",
    "cmd_editdraft": "Correct a draft: /editdraft N + zh:/en:/it: lines",
    "cmd_stats": "Usage statistics",
    "cmd_gaps": "Unanswered questions, grouped (csv: as a file)",
    "cmd_announce": "Message every delegate",
    "upload_invalid": "⚠️ {error}\nNothing was changed.",
    "upload_problems": "⚠️ The upload has {count} problem(s); nothing was changed:\n<pre>{problems}</pre>",
    "upload_nothing": "This file changes nothing in the knowledge base.",
    "upload_preview": "📥 <b>{name}</b> would change the knowledge base:\n{changes}\n\nPublish it?",
    "publish": "✅ Publish",
    "discard": "✖️ Discard",
    "upload_gone": "This upload is no longer waiting (published or discarded already).",
    "upload_discarded": "Discarded {name}; nothing was changed.",
    "change_line": "{what}: {details}",
    "added": "added",
    "changed": "changed",
    "removed": "removed",
    "data_changed": "menu data",
    "ingesting": "⏳ {title}: re-ingesting the knowledge base (the bot keeps answering meanwhile)…",
    "ingest_progress": "⏳ {title}: {done}/{total} chunks embedded…",
    "ingest_done": "✅ {title}: {summary}",
    "ingest_failed": "⚠️ {title}: the knowledge base has problems; the bot still answers from the previous "
    "index.\n<pre>{problems}</pre>",
    "published": "Published {name} (the previous knowledge is kept as version {version}; /rollback restores it)",
    "reloaded": "Reloaded",
    "rolled_back": "Rolled back (the replaced knowledge is kept as version {version})",
    "no_rollback": "⚠️ {error}",
    "kb_status": "📚 <b>Knowledge base</b>\nEntries: {entries}\nChunks: {chunks} · embedder: {embedder}\n"
    "Last ingest: {built_at}\nMissing translations: {missing}\nVersions kept: {versions} · drafts waiting: {drafts}",
    "kb_none": "📚 There is no index yet: send /reload.",
    "no_drafts": "No knowledge drafts are waiting.",
    "editdraft_usage": "Usage: /editdraft N, then on the next lines the corrected answers, each "
    "starting with zh:, en: or it:.",
    "stats": "📊 <b>Questions</b>: {questions} ({answered} answered, {abstained} abstained)\n"
    "Per language: {per_language}\nPer day: {per_day}\n👍 {thumbs_up} · 👎 {thumbs_down}\n"
    "Tickets: {tickets_opened} opened, {tickets_resolved} resolved · median staff response: {response}\n"
    "Delegates who started the bot: {delegates}",
    "no_gaps": "No unanswered or 👎 questions yet.",
    "gaps_title": "🕳 <b>Knowledge gaps</b>, most asked first (send <code>/gaps csv</code> for a file):",
    "gap_line": "{count}× {topic}{examples}",
    "announce_usage": "Usage: /announce followed by the message. Write one text (translated when an LLM is "
    "configured) or three, each on lines starting with zh:, en: and it:.",
    "announce_preview": "📢 Announcement to {count} delegate(s):\n\n{versions}\n\nSend it?",
    "announce_untranslated": "(no {language} version: those delegates get the {fallback} one)",
    "send": "📤 Send",
    "cancel": "✖️ Cancel",
    "announce_cancelled": "Announcement cancelled.",
    "announce_sending": "📤 Sending to {count} delegate(s)…",
    "announce_done": "📢 Announcement sent: {delivered} delivered, {blocked} blocked the bot, {failed} failed.",
}


def staff_text(key: str, **values: object) -> str:
    """A text for the staff chat (English)."""
    return STAFF_TEXTS[key].format(**values) if values else STAFF_TEXTS[key]


LANGUAGE_LABELS = {"zh": "中文", "en": "English", "it": "Italiano"}


def text(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English when the language is not supported), filled in."""
    table = TEXTS.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, TEXTS[DEFAULT_LANGUAGE])
    return table[key].format(**values) if values else table[key]
