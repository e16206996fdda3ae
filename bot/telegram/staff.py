"""Telegram handlers for the staff handoff: delegates escalate, staff take over in the staff
chat, messages are relayed both ways (translated when an LLM is configured), and a staff
answer can become knowledge after an organiser approves it.

The ticket logic itself lives in `handoff.py`; this module only speaks Telegram.
"""

import asyncio
import logging
import time

from telegram import BotCommand, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import LANGUAGES
from bot.answer import Answer, Reason
from bot.handoff import QUESTION, Draft, Status, Ticket, TicketError, Tickets, draft_files
from bot.knowledge import KnowledgeError
from bot.language import detect
from bot.llm import translate
from bot.publishing import UploadError
from bot.staff_outbox import Line, StaffOutbox
from bot.telegram.answers import (
    answer_keyboard,
    ask_core,
    format_answer,
    record,
    send_long,
    send_long_to,
)
from bot.telegram.common import (
    escape,
    is_admin,
    llm_gate_of,
    parse_id,
    problems_told,
    publisher_of,
    reingest,
    settings_of,
    store_of,
    tickets_of,
    user_language,
    with_retries,
)
from bot.telegram.drafts import (
    ANSWER_MARKS,
    draft_card,
    draft_keyboard,
    edit_draft,
    error_text,
    parse_marked,
    screen_language,
    status_text,
)
from bot.telegram.helpdesk import (
    RATINGS,
    buttons_for,
    for_staff,
    is_staff,
    outbox_of,
    post_card,
    rating_keyboard,
    refresh_card,
    refuse_staff_action,
    staff_language,
    staff_name,
    tell_delegate,
    tell_staff,
    tell_staff_later,
    to_staff_chat,
)
from bot.telegram.limits import clip, split_html
from bot.texts import language_name, staff_text, text

log = logging.getLogger(__name__)

STAFF_RELAY = 1  # handler group: before the bot's own answers
MENU = ("help", "queue", "claim", "resolve", "reply", "note", "editdraft")  # the staff chat's menu


# --- delegates ---------------------------------------------------------------------------------


def question_to_escalate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, str, str]:
    """(question, the bot's answer, its sources): from `/human <question>`, the answer the button
    was under, or the delegate's last question."""
    store, user = store_of(context), update.effective_user
    if update.callback_query:
        question_id = parse_id(update.callback_query.data.split(":")[1])
        asked = store.question(question_id) if question_id else None
        if asked and asked.user_id == user.id:
            return asked.question, asked.answer, asked.sources
    if context.args:
        return " ".join(context.args), "", ""
    asked = store.last_question(user.id)
    return (asked.question, asked.answer, asked.sources) if asked else ("", "", "")


async def ask_human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/human [question]` or the "Ask a staff member" button: open a ticket for the staff."""
    if update.callback_query:
        await update.callback_query.answer()
    lang = user_language(update, context)
    settings, message, user = settings_of(context), update.effective_message, update.effective_user
    if settings.staff_chat_id is None:
        contact = settings.organiser_contact
        await message.reply_text(text(lang, "contact_organisers", contact=f"\n{contact}" if contact else ""))
        return
    question, answer, sources = question_to_escalate(update, context)
    current = tickets_of(context).active_for(user.id)
    if current and (context.args or update.callback_query) and question:
        add_to_ticket(context, current, question)  # a further question for the same staff
        await message.reply_text(text(lang, "handoff_relayed", number=current.id))
        return
    if current:
        await message.reply_text(text(lang, "handoff_already_open", number=current.id))
        return
    if not question:
        await message.reply_text(text(lang, "handoff_need_question"))
        return
    try:
        ticket = tickets_of(context).open(
            user_id=user.id,
            chat_id=user.id,  # staff answers go to the delegate privately, even from a group
            delegate=user.full_name,
            language=lang,
            question=question,
            bot_answer=answer,
            sources=sources,
        )
    except TicketError as exc:
        await message.reply_text(text(lang, exc.key, **exc.values))
        return
    private = update.effective_chat.type == ChatType.PRIVATE
    opened = "handoff_opened" if private else "handoff_opened_private"
    await message.reply_text(text(lang, opened, number=ticket.id, bot=context.bot.username))
    schedule_busy_notice(context.application, ticket)
    outbox_of(context).post(lambda: post_card(context, ticket.id), ticket.id)


async def relay_to_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A delegate's message while they have an active ticket gets exactly one outcome:

    - ticket claimed (a person is talking with them): relayed to that person;
    - ticket still waiting for a person: the bot answers it when it knows the answer (saying
      the staff will follow up on the ticket), else it is relayed and the delegate told so.
    """
    if await handle_for_ticket(update, context, update.effective_message.text):
        raise ApplicationHandlerStop


async def handle_for_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE, body: str) -> bool:
    """`body` (typed, or heard in a voice note) by the rule of `relay_to_staff`; False when the
    delegate has no active ticket."""
    ticket = tickets_of(context).active_for(update.effective_user.id)
    if ticket is None:
        return False
    message = update.effective_message
    if ticket.status is Status.OPEN:
        answer = await ask_core(context, update.effective_chat.id, ticket.language, body)
        if answer.reason is Reason.ANSWERED and not answer.tentative:
            await send_bot_answer(context, ticket, body, answer, message)
            return True
        told = "handoff_relayed" if answer.reason is Reason.SMALL_TALK else "handoff_added"
        add_to_ticket(context, ticket, body)
        await message.reply_text(text(ticket.language, told, number=ticket.id))
        return True
    add_to_ticket(context, ticket, body)
    return True


def add_to_ticket(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, body: str) -> None:
    """A delegate's message for the staff: kept on the ticket and queued for the staff chat."""
    relay_id = tickets_of(context).add_message(ticket.id, "delegate", ticket.delegate, body)
    outbox_of(context).relay(ticket.id, relay_id, body)


async def send_bot_answer(
    context: ContextTypes.DEFAULT_TYPE,
    ticket: Ticket,
    question: str,
    answer: Answer,
    reply_to: Message | None = None,
    preface: str = "",
) -> None:
    """The bot's own answer to a delegate who has (or had) a ticket, recorded like any answer;
    while the ticket waits for staff, it says the staff will follow up on the rest."""
    question_id = record(context, ticket.user_id, ticket.chat_id, question, answer)
    body = format_answer(answer)
    if preface:
        body = f"{escape(preface)}\n\n{body}"
    if tickets_of(context).get(ticket.id).active:
        body += "\n\n" + escape(text(ticket.language, "handoff_still_open", number=ticket.id))
    keyboard = answer_keyboard(answer, question_id)
    if reply_to is not None:
        await send_long(reply_to, body, keyboard)
    else:
        await send_long_to(context, ticket.chat_id, body, keyboard)


async def answer_waiting(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> None:
    """(After *Return to bot*) the bot answers what the delegate asked that staff left unanswered
    (a question the bot already tried is not asked again)."""
    for question, _ in tickets_of(context).waiting(ticket, tried=False):
        try:
            answer = await ask_core(context, ticket.chat_id, ticket.language, question)
            preface = text(ticket.language, "handoff_pending", question=clip(question, 200))
            await send_bot_answer(context, ticket, question, answer, preface=preface)
        except TelegramError as exc:
            log.warning("could not answer a waiting question of ticket %s: %s", ticket.id, exc)


async def relay_lines(context: ContextTypes.DEFAULT_TYPE, ticket_id: int, lines: list[Line]) -> None:
    """(From the outbox) a delegate's queued messages as one staff message, each with its
    translation for the staff when it is in another language."""
    tickets, staff_lang = tickets_of(context), staff_language(context)
    ticket = tickets.get(ticket_id)
    renderings = await asyncio.gather(*(for_staff(context, line.body, ticket.language) for line in lines))
    name = escape(clip(ticket.delegate, 100))
    body = [staff_text(staff_lang, "delegate_says", pseudonym=ticket.pseudonym, name=name)]
    for line, rendering in zip(lines, renderings, strict=True):
        body.append(escape(line.body))
        if rendering:
            body.append(staff_text(staff_lang, "rendering", text=escape(rendering)))
    try:
        sent = await tell_staff(context, ticket, "\n".join(body))
    except TelegramError as exc:
        log.warning("could not relay messages of ticket %s to staff: %s", ticket.id, exc)
        for line in lines:
            tickets.failed(line.relay_id, str(exc))
        await tell_delegate(context, ticket, "handoff_relay_failed")
        return
    for line, rendering in zip(lines, renderings, strict=True):
        tickets.delivered(line.relay_id, sent.message_id, rendering)


async def end_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/end`: the delegate closes their conversation with the staff."""
    lang = user_language(update, context)
    ticket = tickets_of(context).active_for(update.effective_user.id)
    if ticket is None:
        await update.effective_message.reply_text(text(lang, "handoff_none"))
        return
    ticket = tickets_of(context).close(ticket.id, Status.ENDED)
    helped = tickets_of(context).staff_answer(ticket.id) is not None
    ended = text(lang, "handoff_ended", number=ticket.id)
    if helped:
        ended += "\n" + text(lang, "handoff_rate")
    markup = rating_keyboard(ticket) if helped else None
    await update.effective_message.reply_text(ended, reply_markup=markup)
    outbox_of(context).post(lambda: tell_staff_later(context, ticket.id, "ended"), ticket.id)


# --- staff ---------------------------------------------------------------------------------------


def ticket_of_staff_message(context: ContextTypes.DEFAULT_TYPE, message: Message) -> Ticket | None:
    thread = message.message_thread_id if message.is_topic_message else None
    reply = message.reply_to_message
    reply_to = reply.message_id if reply and reply.message_id != thread else None
    return tickets_of(context).for_staff_message(thread, reply_to)


async def relay_to_delegate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff reply on a ticket (in its topic or replying to it) goes to the delegate."""
    message = update.effective_message
    ticket = ticket_of_staff_message(context, message)
    if ticket is None:
        raise ApplicationHandlerStop  # ordinary talk in the staff chat: not for the bot
    ticket = await take_up(update, context, ticket)
    if ticket is not None:
        await deliver_staff_reply(context, ticket, message, staff_name(update))
    raise ApplicationHandlerStop


async def take_up(update: Update, context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> Ticket | None:
    """A staff member about to write to the delegate: an open ticket becomes theirs, a closed one
    reopens as a follow-up (the delegate is told). None (and staff told why) when they may not."""
    staff_lang, message = staff_language(context), update.effective_message
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_lang)
        return None
    tickets, name = tickets_of(context), staff_name(update)
    if not ticket.active:
        try:
            ticket = tickets.reopen(ticket.id, update.effective_user.id, name)
        except TicketError as exc:
            await message.reply_text(error_text(staff_lang, exc))
            return None
        await tell_delegate(context, ticket, "handoff_reopened")
        reopened = staff_text(staff_lang, "reopened", number=ticket.id, name=name)
        to_staff_chat(context, lambda: refresh_card(context, ticket))
        to_staff_chat(context, lambda: message.reply_text(reopened))
        return ticket
    if ticket.status is Status.OPEN:
        ticket = tickets.claim(ticket.id, update.effective_user.id, name)
        to_staff_chat(context, lambda: refresh_card(context, ticket))
    return ticket


async def deliver_staff_reply(
    context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, message: Message, name: str, body: str | None = None
) -> None:
    """Staff words (`body`, else the message's text) to the delegate, translated when they are in
    another language; the staff chat is told whether they arrived."""
    staff_lang = staff_language(context)
    voice = message.voice  # relayed as voice, with who speaks as its caption
    body = body if body is not None else message.text or "🎤"
    same_language = voice is not None or detect(body, preferred=ticket.language) == ticket.language
    gate = llm_gate_of(context)
    translation = (
        None if same_language else await translate(settings_of(context), body, ticket.language, gate)
    )
    tickets = tickets_of(context)
    relay_id = tickets.add_message(ticket.id, "staff", name, body, translation, message.message_id)
    lang = ticket.language
    parts = [text(lang, "handoff_staff_says", name=name), translation or body]
    if translation:
        parts.append(f"\n— {text(lang, 'handoff_original')}: {body}")
    elif not same_language:
        parts.append(text(lang, "handoff_untranslated"))
    said = "\n".join(parts)
    try:
        if voice is not None:
            await with_retries(lambda: context.bot.send_voice(ticket.chat_id, voice, caption=said))
        else:
            await with_retries(lambda: context.bot.send_message(ticket.chat_id, said))
    except TelegramError as exc:
        error = staff_text(staff_lang, "delegate_blocked") if isinstance(exc, Forbidden) else str(exc)
        tickets.failed(relay_id, error)
        if isinstance(exc, Forbidden):
            store_of(context).mark_blocked(ticket.user_id)
        failed = staff_text(
            staff_lang, "relay_failed", pseudonym=ticket.pseudonym, error=error, number=ticket.id
        )
        to_staff_chat(context, lambda: message.reply_text(failed))
        return
    tickets.delivered(relay_id)
    translated = (
        staff_text(staff_lang, "translated", language=language_name(staff_lang, lang)) if translation else ""
    )
    delivered = staff_text(staff_lang, "delivered", pseudonym=ticket.pseudonym, translated=translated)
    to_staff_chat(context, lambda: message.reply_text(delivered))


async def act_on_ticket(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, ticket_id: int
) -> str | None:
    """Claim, resolve (`force`: resolve even though the delegate waits for an answer), keep open or
    return a ticket; the confirmation for the staff chat (None when a question was posted instead:
    resolve while the delegate's last message has no answer)."""
    staff_lang = staff_language(context)
    tickets, name = tickets_of(context), staff_name(update)
    ticket = tickets.require_active(ticket_id)
    if action == "claim":
        claimed = tickets.claim(ticket_id, update.effective_user.id, name)
        to_staff_chat(context, lambda: refresh_card(context, claimed))
        if ticket.status is Status.OPEN:
            await tell_delegate(context, claimed, "handoff_claimed", name=name)
        return staff_text(staff_lang, "claimed", number=ticket_id, name=name)
    if action == "keep":
        return staff_text(staff_lang, "kept_open", number=ticket_id)
    waiting = tickets.waiting(ticket)
    if action == "resolve" and waiting:
        ask_to_confirm_resolve(context, ticket, waiting[-1][0])
        return None
    status = Status.RETURNED if action == "return" else Status.RESOLVED
    ticket = tickets.close(ticket_id, status)
    to_staff_chat(context, lambda: refresh_card(context, ticket))
    if status is Status.RETURNED:
        await tell_delegate(context, ticket, "handoff_returned")
        context.application.create_task(answer_waiting(context, ticket), update=update)
        return staff_text(staff_lang, "returned", number=ticket_id, name=name)
    await tell_delegate(context, ticket, "handoff_resolved", rate=True)
    return staff_text(staff_lang, "resolved", number=ticket_id, name=name)


def ask_to_confirm_resolve(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, last: str) -> None:
    """"Resolve it anyway?" in the ticket's topic, quoting the delegate's unanswered message."""
    staff_lang = staff_language(context)
    confirm = staff_text(staff_lang, "resolve_unanswered", number=ticket.id, last=escape(clip(last, 300)))
    markup = buttons_for(ticket, staff_lang, [("resolve_anyway", "tk:force"), ("keep_open", "tk:keep")])
    to_staff_chat(context, lambda: tell_staff(context, ticket, confirm, markup))


async def ticket_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Claim / Resolve / Return / Save as knowledge, pressed on a ticket card (and Resolve anyway /
    Keep open under a confirmation)."""
    staff_lang = staff_language(context)
    query = update.callback_query
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_language(context))
        return
    _, action, number = query.data.split(":")
    ticket_id = parse_id(number)
    try:
        if ticket_id is None:
            raise TicketError("unknown", number=number)
        if action == "save":
            await query.answer()
            await propose_draft(update, context, ticket_id)
            return
        confirmation = await act_on_ticket(update, context, action, ticket_id)
    except TicketError as exc:
        await query.answer(error_text(staff_lang, exc), show_alert=True)
        return
    await query.answer(confirmation or None)
    if action in ("force", "keep"):  # the confirmation's buttons have done their job
        await query.edit_message_reply_markup(reply_markup=None)


async def ticket_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/claim N` and `/resolve N` for staff."""
    staff_lang = staff_language(context)
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_language(context))
        return
    command = update.effective_message.text.split()[0].lstrip("/").split("@")[0]
    if len(context.args) != 1 or not context.args[0].lstrip("#").isdigit():
        await update.effective_message.reply_text(staff_text(staff_lang, "usage_number", command=command))
        return
    ticket_id = parse_id(context.args[0].lstrip("#"))
    try:
        if ticket_id is None:
            raise TicketError("unknown", number=context.args[0].lstrip("#"))
        reply = await act_on_ticket(update, context, command, ticket_id)
    except TicketError as exc:
        reply = error_text(staff_lang, exc)
    message = update.effective_message
    if reply:
        to_staff_chat(context, lambda: message.reply_text(reply))  # after the card's update, in order


async def list_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/queue` (or `/tickets`): open and claimed tickets, the delegate waiting longest first,
    each with how long they have waited for staff (or that staff wrote last)."""
    staff_lang = staff_language(context)
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_language(context))
        return
    now, tickets = time.time(), tickets_of(context)
    queue = [(ticket, tickets.waiting(ticket)) for ticket in tickets.active()]
    queue.sort(key=lambda item: item[1][0][1] if item[1] else now)
    lines = [
        staff_text(
            staff_lang,
            "tickets_line",
            number=ticket.id,
            status=status_text(staff_lang, ticket.status, ticket.staff_name),
            pseudonym=ticket.pseudonym,
            language=ticket.language,
            waiting=staff_text(staff_lang, "waiting", minutes=int((now - waiting[0][1]) // 60))
            if waiting
            else staff_text(staff_lang, "answered_last"),
            question=escape(clip(ticket.question, 80)),
        )
        for ticket, waiting in queue
    ]
    if not lines:
        await update.effective_message.reply_text(staff_text(staff_lang, "no_tickets"))
        return
    for part in split_html("\n".join([staff_text(staff_lang, "queue_title"), *lines])):
        await update.effective_message.reply_html(part)


# --- staff tools: notes, saved replies, ratings, help ----------------------------------------------


async def ticket_in_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> Ticket | None:
    """The ticket a staff command is about (sent in its topic or as a reply to it); None, and the
    sender told why, when they are not staff or no ticket is meant."""
    staff_lang = staff_language(context)
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_lang)
        return None
    ticket = ticket_of_staff_message(context, update.effective_message)
    if ticket is None:
        await update.effective_message.reply_text(staff_text(staff_lang, "not_on_ticket", command=command))
    return ticket


async def note_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/note <text>` on a ticket: an internal note for staff, never sent to the delegate."""
    staff_lang, message = staff_language(context), update.effective_message
    ticket = await ticket_in_reply(update, context, "note")
    if ticket is None:
        return
    note = message.text.partition(" ")[2].strip()
    if not note:
        await message.reply_text(staff_text(staff_lang, "note_usage"))
        return
    tickets_of(context).add_note(ticket.id, staff_name(update), note)
    await message.reply_text(staff_text(staff_lang, "note_saved", number=ticket.id))


def reply_names(context: ContextTypes.DEFAULT_TYPE, staff_lang: str) -> str:
    names = sorted(tickets_of(context).saved_replies())
    return ", ".join(names) if names else staff_text(staff_lang, "no_replies")


async def reply_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reply <name>` on a ticket: a saved reply, in the delegate's language, sent as this staff
    member's answer (claiming the ticket, or reopening it, like any staff reply)."""
    staff_lang, message = staff_language(context), update.effective_message
    ticket = await ticket_in_reply(update, context, "reply")
    if ticket is None:
        return
    if len(context.args) != 1:
        names = reply_names(context, staff_lang)
        await message.reply_text(staff_text(staff_lang, "reply_usage", names=names))
        return
    name = context.args[0].lower()
    versions = tickets_of(context).saved_replies().get(name)
    if versions is None:
        names = reply_names(context, staff_lang)
        await message.reply_text(staff_text(staff_lang, "reply_unknown", name=name, names=names))
        return
    if ticket.language not in versions:
        language = language_name(staff_lang, ticket.language)
        untranslated = staff_text(staff_lang, "reply_untranslated", name=name, language=language,
                                  lang=ticket.language)
        await message.reply_text(untranslated)
        return
    ticket = await take_up(update, context, ticket)
    if ticket is not None:
        await deliver_staff_reply(context, ticket, message, staff_name(update), versions[ticket.language])


async def save_reply_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/savereply <name>` with `zh:` / `en:` / `it:` lines (organisers): a reply staff send with
    `/reply <name>`; languages left out keep their earlier text."""
    staff_lang, message = screen_language(update, context), update.effective_message
    if not is_admin(update, context):
        await refuse_staff_action(update, staff_lang, "not_admin")
        return
    head, _, body = message.text.partition("\n")
    words = head.split()
    versions = {lang: value for (lang, _), value in parse_marked(body, ANSWER_MARKS).items()}
    if len(words) != 2 or not versions:
        await message.reply_text(staff_text(staff_lang, "savereply_usage"))
        return
    name = words[1].lower()
    tickets_of(context).save_reply(name, versions, staff_name(update))
    store_of(context).audit(update.effective_user.id, staff_name(update), "savereply", name)
    languages = ", ".join(language_name(staff_lang, lang) for lang in versions)
    await message.reply_text(staff_text(staff_lang, "reply_saved", name=name, languages=languages))


async def rate_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The delegate's 👍 / 👎 for the staff's help on a closed ticket; staff see it on the ticket."""
    query = update.callback_query
    lang = user_language(update, context)
    _, number, value = query.data.split(":")
    ticket_id = parse_id(number)
    if ticket_id is None or not tickets_of(context).rate(ticket_id, update.effective_user.id, int(value)):
        await query.answer(text(lang, "vote_not_yours"))
        return
    await query.answer(text(lang, "handoff_rated"))
    await query.edit_message_reply_markup(reply_markup=None)
    mark = dict((v, m) for m, v in RATINGS)[int(value)]
    outbox_of(context).post(lambda: tell_staff_later(context, ticket_id, "rated", rating=mark), ticket_id)


async def staff_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/help` from organisers (their commands and the staff's) and staff (how to answer, their
    commands); anyone else gets the delegates' help, further on."""
    message = update.effective_message
    if is_admin(update, context):
        lang = screen_language(update, context)
        await message.reply_html(f"{staff_text(lang, 'organiser_help')}\n\n{staff_text(lang, 'staff_help')}")
        raise ApplicationHandlerStop
    if await is_staff(update, context) or update.effective_chat.id == settings_of(context).staff_chat_id:
        await message.reply_html(staff_text(staff_language(context), "staff_help"))
        raise ApplicationHandlerStop


async def staff_edit_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/editdraft` for staff who are not organisers (organisers' own handler serves them)."""
    if is_admin(update, context) or not await is_staff(update, context):
        return
    await edit_draft(update, context)
    raise ApplicationHandlerStop


# --- unclaimed tickets ---------------------------------------------------------------------------


def schedule_busy_notice(application: Application, ticket: Ticket) -> None:
    """Tell the delegate when nobody claims their ticket in `HANDOFF_TIMEOUT_MINUTES`."""
    timeout = application.bot_data["settings"].handoff_timeout_minutes * 60
    delay = max(0.0, ticket.created_at + timeout - time.time())
    application.job_queue.run_once(notify_unclaimed, delay, data=ticket.id, name=f"ticket-{ticket.id}")


async def notify_unclaimed(context: ContextTypes.DEFAULT_TYPE) -> None:
    staff_lang = staff_language(context)
    ticket = tickets_of(context).get(context.job.data)
    if not tickets_of(context).busy_notified(ticket.id):  # claimed, closed, or told by another replica
        return
    await tell_delegate(context, ticket, "handoff_busy")
    minutes = settings_of(context).handoff_timeout_minutes
    try:
        notice = staff_text(staff_lang, "busy_told", number=ticket.id, minutes=minutes)
        await tell_staff(context, ticket, notice)
    except TelegramError as exc:
        log.warning("could not tell staff about unclaimed ticket %s: %s", ticket.id, exc)


async def resume_tickets(application: Application) -> None:
    """After a restart: the busy notices of tickets still waiting are scheduled again, and cards
    that were still queued for the staff chat are posted."""
    context = application.context_types.context(application)
    for ticket in application.bot_data["tickets"].active():
        if ticket.status is Status.OPEN and not ticket.busy_notified and ticket.kind == QUESTION:
            schedule_busy_notice(application, ticket)
        if not ticket.staff_message_id:
            outbox_of(context).post(lambda ticket_id=ticket.id: post_card(context, ticket_id), ticket.id)


# --- knowledge from staff answers ----------------------------------------------------------------


async def draft_versions(
    context: ContextTypes.DEFAULT_TYPE, question: str, lang: str, answer: str
) -> dict[str, dict[str, str]]:
    """The question (asked by a delegate who speaks `lang`) and the staff answer per language: each
    is filed under the language it is written in. With an LLM every language gets
    both (translated); without one, what is missing stays empty for `/editdraft` to fill."""
    question_lang, answer_lang = detect(question, preferred=lang), detect(answer, preferred=lang)
    versions = {question_lang: {"question": question, "answer": ""}}
    versions.setdefault(answer_lang, {"question": "", "answer": ""})["answer"] = answer
    if not settings_of(context).llm_enabled:
        return versions
    gate, settings = llm_gate_of(context), settings_of(context)
    for target in LANGUAGES:
        version = versions.setdefault(target, {"question": "", "answer": ""})
        if not version["question"]:
            version["question"] = await translate(settings, question, target, gate) or ""
        if not version["answer"]:
            version["answer"] = await translate(settings, answer, target, gate) or ""
    return versions


async def propose_draft(update: Update, context: ContextTypes.DEFAULT_TYPE, ticket_id: int) -> None:
    """ "Save as knowledge": a draft entry from the ticket's question and the staff answer."""
    staff_lang = staff_language(context)
    tickets = tickets_of(context)
    ticket = tickets.get(ticket_id)
    reply = tickets.staff_answer(ticket_id)
    if reply is None:
        await update.effective_message.reply_text(staff_text(staff_lang, "no_staff_answer", number=ticket_id))
        return
    versions = await draft_versions(context, ticket.question, ticket.language, reply.text)
    draft = tickets.add_draft(ticket.id, ticket.question, versions, created_by=staff_name(update))
    staff_lang = staff_language(context)
    await update.effective_message.reply_html(
        draft_card(draft, staff_lang), reply_markup=draft_keyboard(draft, staff_lang)
    )


async def publish_draft(context: ContextTypes.DEFAULT_TYPE, draft: Draft, by: str) -> str:
    """Add the approved entry to `knowledge/` as a new version (validated first: nothing is written
    if it is not valid), re-ingest and reload; the summary to show."""
    files = draft_files(draft, approved_by=by)
    await asyncio.to_thread(publisher_of(context).add_files, files, by, f"draft #{draft.id}")
    report = await reingest(context)
    return report.summary()


async def decide_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Approve (publish) or reject a knowledge draft: organisers only. A draft that cannot be
    published stays pending, with what to correct."""
    staff_lang = staff_language(context)
    query = update.callback_query
    if not is_admin(update, context):
        await refuse_staff_action(update, staff_language(context), "not_admin")
        return
    _, action, number = query.data.split(":")
    name = staff_name(update)
    tickets = tickets_of(context)
    try:
        draft_id = parse_id(number)
        if draft_id is None:
            raise TicketError("draft_unknown", number=number)
        draft = tickets.pending_draft(draft_id)
        summary = await publish_draft(context, draft, name) if action == "approve" else ""
        draft = tickets.decide(draft_id, "approved" if action == "approve" else "rejected", name)
    except TicketError as exc:
        await query.answer(error_text(staff_lang, exc), show_alert=True)
        return
    except (KnowledgeError, UploadError) as exc:
        problems = problems_told(exc, staff_lang, 10)
        kept = staff_text(staff_lang, "draft_kept", draft=draft.id, problems=problems)
        await query.answer()
        await query.edit_message_text(
            f"{draft_card(draft, staff_lang)}\n\n{kept}",
            parse_mode=ParseMode.HTML,
            reply_markup=draft_keyboard(draft, staff_lang),
        )
        return
    await query.answer()
    if action == "reject":
        outcome = staff_text(staff_lang, "draft_rejected", draft=draft.id, name=name)
    else:
        outcome = staff_text(staff_lang, "draft_approved", draft=draft.id, name=name, summary=summary)
    await query.edit_message_text(
        f"{draft_card(draft, staff_lang)}\n\n{outcome}", parse_mode=ParseMode.HTML, reply_markup=None
    )


# --- wiring ----------------------------------------------------------------------------------------


def staff_commands(lang: str) -> list[BotCommand]:
    """The staff chat's commands for its menu, described in `lang`."""
    return [BotCommand(command, staff_text(lang, f"cmd_staff_{command}")) for command in MENU]


def add_staff_handlers(application: Application) -> None:
    """Register the handoff handlers (they run before the bot's own answers)."""
    settings = application.bot_data["settings"]
    application.bot_data["tickets"] = Tickets(application.bot_data["store"])
    context = application.context_types.context(application)
    application.bot_data["staff_outbox"] = StaffOutbox(
        lambda ticket_id, lines: relay_lines(context, ticket_id, lines)
    )
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("human", ask_human, filters=private))
    application.add_handler(CommandHandler("end", end_ticket, filters=private))
    application.add_handler(CallbackQueryHandler(ask_human, pattern=r"^human:\d+$"))
    application.add_handler(
        CallbackQueryHandler(ticket_button, pattern=r"^tk:(claim|resolve|force|keep|return|save):\d+$")
    )
    application.add_handler(CallbackQueryHandler(decide_draft, pattern=r"^draft:(approve|reject):\d+$"))
    application.add_handler(CommandHandler(["queue", "tickets"], list_tickets))
    application.add_handler(CommandHandler("note", note_command))
    application.add_handler(CommandHandler("reply", reply_command))
    application.add_handler(CommandHandler("savereply", save_reply_command))
    application.add_handler(CallbackQueryHandler(rate_help, pattern=r"^rate:\d+:-?1$"))
    application.add_handler(CommandHandler("help", staff_help), group=-STAFF_RELAY)
    application.add_handler(CommandHandler("editdraft", staff_edit_draft), group=-STAFF_RELAY)
    application.add_handler(CommandHandler(["claim", "resolve"], ticket_command))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, relay_to_staff), group=-STAFF_RELAY
    )
    if settings.staff_chat_id is not None:
        application.add_handler(
            MessageHandler(
                filters.Chat(settings.staff_chat_id) & (filters.TEXT | filters.VOICE) & ~filters.COMMAND,
                relay_to_delegate,
            ),
            group=-STAFF_RELAY,
        )
