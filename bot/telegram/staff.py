"""Telegram handlers for the staff handoff: delegates escalate, staff take over in the staff
chat, messages are relayed both ways (translated when an LLM is configured), and a staff
answer can become knowledge after an organiser approves it.

The ticket logic itself lives in `handoff.py`; this module only speaks Telegram.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
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
from bot.handoff import Draft, Status, Ticket, TicketError, Tickets, draft_files
from bot.knowledge import KnowledgeError
from bot.language import detect
from bot.llm import translate
from bot.publishing import UploadError
from bot.staff_outbox import Line, StaffOutbox
from bot.telegram.common import (
    escape,
    llm_gate_of,
    parse_id,
    publisher_of,
    reingest,
    settings_of,
    store_of,
    tickets_of,
    user_language,
    with_retries,
)
from bot.telegram.limits import clip, split_html, split_text
from bot.texts import language_name, staff_text, text

log = logging.getLogger(__name__)

STAFF_MEMBER = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
MEMBERSHIP_TTL = 300.0
STAFF_RELAY = 1  # handler group: before the bot's own answers
CARD_FIELD = 1500  # characters of the question (and its translation) shown on a ticket card


def outbox_of(context: ContextTypes.DEFAULT_TYPE) -> StaffOutbox:
    return context.bot_data["staff_outbox"]


def to_staff_chat(context: ContextTypes.DEFAULT_TYPE, work: Callable[[], Awaitable[object]]) -> None:
    """Staff-chat work goes to the outbox: the handler returns at once."""
    outbox_of(context).post(work)


def staff_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user else "staff"


# --- who may do what ---------------------------------------------------------------------------


async def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`STAFF_IDS` / `ADMIN_IDS`, or a current member of the staff chat (checked, then cached)."""
    settings, user = settings_of(context), update.effective_user
    if user is None:
        return False
    if user.id in settings.staff_ids or user.id in settings.admin_ids:
        return True
    if settings.staff_chat_id is None:
        return False
    cache: dict[int, tuple[bool, float]] = context.bot_data.setdefault("staff_members", {})
    known = cache.get(user.id)
    if known and time.monotonic() - known[1] < MEMBERSHIP_TTL:
        return known[0]
    try:
        member = await context.bot.get_chat_member(settings.staff_chat_id, user.id)
        allowed = member.status in STAFF_MEMBER
    except TelegramError as exc:
        log.warning("could not check staff membership of %s: %s", user.id, exc)
        allowed = False
    cache[user.id] = (allowed, time.monotonic())
    return allowed


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids


def staff_language(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the staff chat (`STAFF_LANGUAGE`)."""
    return settings_of(context).staff_language


async def refuse_staff_action(update: Update, staff_lang: str, key: str = "not_staff") -> None:
    if update.callback_query:
        await update.callback_query.answer(staff_text(staff_lang, key), show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(staff_text(staff_lang, key))


# --- the ticket card in the staff chat ---------------------------------------------------------


def staff_keyboard(ticket: Ticket, staff_lang: str) -> InlineKeyboardMarkup | None:
    if ticket.active:
        buttons = [("claim", "claim"), ("resolve", "resolve"), ("return", "return")]
        if ticket.status is Status.CLAIMED:
            buttons = buttons[1:]
    elif ticket.status is Status.RESOLVED:
        buttons = [("save", "save")]
    else:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(staff_text(staff_lang, label), callback_data=f"tk:{action}:{ticket.id}")]
            for label, action in buttons
        ]
    )


def status_text(staff_lang: str, status: str, name: str = "") -> str:
    """A ticket's (or draft's) status in the staff's language."""
    return staff_text(staff_lang, f"status_{status}", name=name)


def error_text(staff_lang: str, exc: TicketError) -> str:
    values = dict(exc.values)
    if "status" in values:
        values["status"] = status_text(staff_lang, str(values["status"]))
    return staff_text(staff_lang, exc.key, **values)


def ticket_card(ticket: Ticket, llm: bool, staff_lang: str) -> str:
    status = status_text(staff_lang, ticket.status, ticket.staff_name)
    lines = [
        staff_text(
            staff_lang,
            "ticket",
            number=ticket.id,
            status=escape(status),
            pseudonym=ticket.pseudonym,
            name=escape(clip(ticket.delegate, 100)),
            language=language_name(staff_lang, ticket.language),
        ),
        staff_text(staff_lang, "question", question=escape(clip(ticket.question, CARD_FIELD))),
    ]
    if ticket.rendering:
        lines.append(staff_text(staff_lang, "rendering", text=escape(clip(ticket.rendering, CARD_FIELD))))
    elif ticket.language != staff_lang and not llm:
        lines.append(staff_text(staff_lang, "no_llm"))
    if ticket.bot_answer:
        lines.append(staff_text(staff_lang, "bot_tried", answer=escape(ticket.bot_answer[:300])))
    if ticket.active:
        lines.append(staff_text(staff_lang, "how_to_answer"))
    return "\n".join(lines)


async def for_staff(context: ContextTypes.DEFAULT_TYPE, message: str, lang: str) -> str | None:
    """A delegate's words (in `lang`) translated for the staff chat, when it speaks another language."""
    staff_lang = staff_language(context)
    if lang == staff_lang:
        return None
    return await translate(settings_of(context), message, staff_lang, llm_gate_of(context))


async def post_card(context: ContextTypes.DEFAULT_TYPE, ticket_id: int) -> None:
    """(From the outbox) a new ticket's card in the staff chat; if the staff chat cannot be
    reached, the ticket goes back to the bot and the delegate is told."""
    ticket = tickets_of(context).get(ticket_id)
    if not ticket.active or ticket.staff_message_id:
        return
    try:
        await post_ticket(context, ticket)
    except TelegramError:
        log.exception("could not post ticket %s to the staff chat", ticket.id)
        tickets_of(context).close(ticket.id, Status.RETURNED)
        await tell_delegate(context, ticket, "handoff_unreachable")


async def post_ticket(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> Ticket:
    """Put a new ticket in the staff chat: its own forum topic when the group has topics."""
    settings = settings_of(context)
    chat_id = settings.staff_chat_id
    thread_id = None
    try:
        topic = await context.bot.create_forum_topic(chat_id, f"#{ticket.id} {clip(ticket.question, 100)}")
        thread_id = topic.message_thread_id
    except TelegramError as exc:  # not a forum: one message per ticket instead
        log.info("no forum topic for ticket %s (%s)", ticket.id, exc)
    rendering = await for_staff(context, ticket.question, ticket.language) or ""
    staff_lang = staff_language(context)
    card = await with_retries(
        lambda: context.bot.send_message(
            chat_id,
            ticket_card(replace(ticket, rendering=rendering), settings.llm_enabled, staff_lang),
            parse_mode=ParseMode.HTML,
            message_thread_id=thread_id,
            reply_markup=staff_keyboard(ticket, staff_lang),
        )
    )
    return tickets_of(context).posted(ticket.id, thread_id, card.message_id, rendering)


async def refresh_card(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> None:
    """Show the ticket's new status (and buttons) on its card in the staff chat."""
    if not ticket.staff_message_id:
        return
    try:
        await context.bot.edit_message_text(
            ticket_card(ticket, settings_of(context).llm_enabled, staff_language(context)),
            chat_id=settings_of(context).staff_chat_id,
            message_id=ticket.staff_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=staff_keyboard(ticket, staff_language(context)),
        )
    except TelegramError as exc:
        log.warning("could not update the card of ticket %s: %s", ticket.id, exc)


async def tell_staff(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, body: str) -> Message:
    """A message (HTML, split if too long) in the ticket's topic (or as a reply to its card);
    the last part sent."""
    sent: list[Message] = []
    for part in split_html(body):
        sent.append(
            await with_retries(
                lambda part=part: context.bot.send_message(
                    settings_of(context).staff_chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=ticket.thread_id,
                    reply_to_message_id=None if ticket.thread_id else ticket.staff_message_id,
                )
            )
        )
    return sent[-1]


async def tell_staff_later(context: ContextTypes.DEFAULT_TYPE, ticket_id: int, key: str) -> None:
    """(From the outbox) a notice such as "the delegate ended the conversation" on a ticket."""
    ticket = tickets_of(context).get(ticket_id)
    await refresh_card(context, ticket)
    try:
        await tell_staff(context, ticket, staff_text(staff_language(context), key, number=ticket.id))
    except TelegramError as exc:
        log.warning("could not tell staff about ticket %s: %s", ticket.id, exc)


async def tell_delegate(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, key: str) -> None:
    try:
        await context.bot.send_message(ticket.chat_id, text(ticket.language, key, number=ticket.id))
    except TelegramError as exc:
        log.warning("could not tell the delegate of ticket %s: %s", ticket.id, exc)


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
    """While a delegate has an active ticket, their messages go to the staff, not to the bot."""
    ticket = tickets_of(context).active_for(update.effective_user.id)
    if ticket is None:
        return
    body = update.effective_message.text
    relay_id = tickets_of(context).add_message(ticket.id, "delegate", ticket.delegate, body)
    outbox_of(context).relay(ticket.id, relay_id, body)
    raise ApplicationHandlerStop


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
    await update.effective_message.reply_text(text(lang, "handoff_ended", number=ticket.id))
    outbox_of(context).post(lambda: tell_staff_later(context, ticket.id, "ended"), ticket.id)


# --- staff ---------------------------------------------------------------------------------------


def ticket_of_staff_message(context: ContextTypes.DEFAULT_TYPE, message: Message) -> Ticket | None:
    thread = message.message_thread_id if message.is_topic_message else None
    reply = message.reply_to_message
    reply_to = reply.message_id if reply and reply.message_id != thread else None
    return tickets_of(context).for_staff_message(thread, reply_to)


async def relay_to_delegate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff reply on a ticket (in its topic or replying to it) goes to the delegate."""
    staff_lang = staff_language(context)
    message = update.effective_message
    ticket = ticket_of_staff_message(context, message)
    if ticket is None:
        raise ApplicationHandlerStop  # ordinary talk in the staff chat: not for the bot
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_lang)
        raise ApplicationHandlerStop
    if not ticket.active:
        await message.reply_text(
            staff_text(staff_lang, "closed", number=ticket.id, status=status_text(staff_lang, ticket.status))
        )
        raise ApplicationHandlerStop
    if ticket.status is Status.OPEN:
        claimed = tickets_of(context).claim(ticket.id, update.effective_user.id, staff_name(update))
        to_staff_chat(context, lambda: refresh_card(context, claimed))
        ticket = claimed
    await deliver_staff_reply(context, ticket, message, staff_name(update))
    raise ApplicationHandlerStop


async def deliver_staff_reply(
    context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, message: Message, name: str
) -> None:
    staff_lang = staff_language(context)
    body = message.text
    same_language = detect(body, preferred=ticket.language) == ticket.language
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
    try:
        await with_retries(lambda: context.bot.send_message(ticket.chat_id, "\n".join(parts)))
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
) -> str:
    """Claim, resolve or return a ticket; the confirmation for the staff chat."""
    staff_lang = staff_language(context)
    tickets, name = tickets_of(context), staff_name(update)
    if action == "claim":
        claimed = tickets.claim(ticket_id, update.effective_user.id, name)
        to_staff_chat(context, lambda: refresh_card(context, claimed))
        return staff_text(staff_lang, "claimed", number=ticket_id, name=name)
    status = Status.RESOLVED if action == "resolve" else Status.RETURNED
    ticket = tickets.close(ticket_id, status)
    to_staff_chat(context, lambda: refresh_card(context, ticket))
    resolved = status is Status.RESOLVED
    await tell_delegate(context, ticket, "handoff_resolved" if resolved else "handoff_returned")
    return staff_text(staff_lang, "resolved" if resolved else "returned", number=ticket_id, name=name)


async def ticket_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Claim / Resolve / Return / Save as knowledge, pressed on a ticket card."""
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
    await query.answer(confirmation)


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
    to_staff_chat(context, lambda: message.reply_text(reply))  # after the card's update, in order


async def list_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/tickets`: open and claimed tickets, oldest first."""
    staff_lang = staff_language(context)
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_language(context))
        return
    now = time.time()
    lines = [
        staff_text(
            staff_lang,
            "tickets_line",
            number=t.id,
            status=status_text(staff_lang, t.status, t.staff_name),
            pseudonym=t.pseudonym,
            language=t.language,
            age=int((now - t.created_at) // 60),
            question=clip(t.question, 80),
        )
        for t in tickets_of(context).active()
    ]
    for part in split_text("\n".join(lines)) or [staff_text(staff_lang, "no_tickets")]:
        await update.effective_message.reply_text(part)


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
        if ticket.status is Status.OPEN and not ticket.busy_notified:
            schedule_busy_notice(application, ticket)
        if not ticket.staff_message_id:
            outbox_of(context).post(lambda ticket_id=ticket.id: post_card(context, ticket_id), ticket.id)


# --- knowledge from staff answers ----------------------------------------------------------------


async def draft_versions(context: ContextTypes.DEFAULT_TYPE, question: str, lang: str, answer: str) -> dict:
    """The question and answer in every language the LLM can give (else in the staff's language)."""
    answer_lang = detect(answer, preferred=lang)
    versions = {answer_lang: {"question": question, "answer": answer}}
    if not settings_of(context).llm_enabled:
        return versions
    gate = llm_gate_of(context)
    for target in LANGUAGES:
        q = question if target == lang else await translate(settings_of(context), question, target, gate)
        a = answer if target == answer_lang else await translate(settings_of(context), answer, target, gate)
        if q and a:
            versions[target] = {"question": q, "answer": a}
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


def draft_card(draft: Draft, staff_lang: str) -> str:
    lines = [staff_text(staff_lang, "draft", draft=draft.id, number=draft.ticket_id, entry=draft.entry_id)]
    lines += [
        staff_text(
            staff_lang,
            "draft_version",
            language=language_name(staff_lang, lang),
            question=escape(version["question"]),
            answer=escape(version["answer"]),
        )
        for lang, version in draft.versions.items()
    ]
    return "\n\n".join([*lines, staff_text(staff_lang, "draft_wait", draft=draft.id)])


def draft_keyboard(draft: Draft, staff_lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    staff_text(staff_lang, action), callback_data=f"draft:{action}:{draft.id}"
                )
                for action in ("approve", "reject")
            ]
        ]
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
        problems = exc.problems if isinstance(exc, KnowledgeError) else [exc]
        kept = staff_text(
            staff_lang, "draft_kept", draft=draft.id, problems=escape("\n".join(map(str, problems[:10])))
        )
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
        CallbackQueryHandler(ticket_button, pattern=r"^tk:(claim|resolve|return|save):\d+$")
    )
    application.add_handler(CallbackQueryHandler(decide_draft, pattern=r"^draft:(approve|reject):\d+$"))
    application.add_handler(CommandHandler("tickets", list_tickets))
    application.add_handler(CommandHandler(["claim", "resolve"], ticket_command))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, relay_to_staff), group=-STAFF_RELAY
    )
    if settings.staff_chat_id is not None:
        application.add_handler(
            MessageHandler(
                filters.Chat(settings.staff_chat_id) & filters.TEXT & ~filters.COMMAND, relay_to_delegate
            ),
            group=-STAFF_RELAY,
        )
