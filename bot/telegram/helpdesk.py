"""The staff chat, shared by the roles that post to it (the question tickets of `staff.py`, the
meeting requests of `meetings.py`): who counts as staff and the chat's language, its outbox,
ticket cards with their buttons, and notices to the staff and to the ticket's delegate.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handoff import MEETING, QUESTION, Status, Ticket
from bot.llm import translate
from bot.staff_outbox import StaffOutbox
from bot.telegram.common import escape, llm_gate_of, settings_of, tickets_of, with_retries
from bot.telegram.drafts import status_text
from bot.telegram.limits import clip, split_html
from bot.texts import language_name, staff_text, text

log = logging.getLogger(__name__)

STAFF_MEMBER = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
MEMBERSHIP_TTL = 300.0
RATINGS = (("👍", 1), ("👎", -1))
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


def staff_language(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the staff chat (`STAFF_LANGUAGE`)."""
    return settings_of(context).staff_language


async def refuse_staff_action(update: Update, staff_lang: str, key: str = "not_staff") -> None:
    if update.callback_query:
        await update.callback_query.answer(staff_text(staff_lang, key), show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(staff_text(staff_lang, key))


# --- the ticket card in the staff chat ---------------------------------------------------------


MEETING_BUTTONS = [("meeting_confirm", "mt:confirm"), ("meeting_propose", "mt:propose"),
                   ("meeting_decline", "mt:decline")]  # handled in telegram/meetings.py


def staff_keyboard(ticket: Ticket, staff_lang: str) -> InlineKeyboardMarkup | None:
    """Claim / Resolve / Return while the ticket is active (a meeting request: Confirm / Propose /
    Decline too); Save as knowledge once a question's ticket is closed (resolved, ended by the
    delegate or returned to the bot)."""
    if ticket.active:
        buttons = [("claim", "tk:claim"), ("resolve", "tk:resolve"), ("return", "tk:return")]
        if ticket.kind == MEETING:
            buttons = [*MEETING_BUTTONS, buttons[0]]
        if ticket.status is Status.CLAIMED:
            buttons = [button for button in buttons if button[1] != "tk:claim"]
    elif ticket.kind == QUESTION:
        buttons = [("save", "tk:save")]
    else:
        return None
    return buttons_for(ticket, staff_lang, buttons)


def buttons_for(ticket: Ticket, staff_lang: str, buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button a row: (label key, callback prefix) → `<prefix>:<ticket>`."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(staff_text(staff_lang, label), callback_data=f"{data}:{ticket.id}")]
            for label, data in buttons
        ]
    )


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
        staff_text(staff_lang, "question", question=escape(clip(ticket.question, CARD_FIELD)))
        if ticket.kind == QUESTION
        else escape(ticket.question),  # a meeting request, already in the staff's language
    ]
    if ticket.rendering:
        lines.append(staff_text(staff_lang, "rendering", text=escape(clip(ticket.rendering, CARD_FIELD))))
    elif ticket.language != staff_lang and not llm and ticket.kind == QUESTION:
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
    question = ticket.kind == QUESTION
    rendering = (await for_staff(context, ticket.question, ticket.language) if question else None) or ""
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


async def tell_staff(
    context: ContextTypes.DEFAULT_TYPE,
    ticket: Ticket,
    body: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """A message (HTML, split if too long; buttons on the last part) in the ticket's topic (or as
    a reply to its card); the last part sent."""
    sent: list[Message] = []
    parts = split_html(body)
    for number, part in enumerate(parts, start=1):
        sent.append(
            await with_retries(
                lambda part=part, number=number: context.bot.send_message(
                    settings_of(context).staff_chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=ticket.thread_id,
                    reply_to_message_id=None if ticket.thread_id else ticket.staff_message_id,
                    reply_markup=markup if number == len(parts) else None,
                )
            )
        )
    return sent[-1]


async def tell_staff_later(
    context: ContextTypes.DEFAULT_TYPE, ticket_id: int, key: str, **values: object
) -> None:
    """(From the outbox) a notice such as "the delegate ended the conversation" on a ticket."""
    ticket = tickets_of(context).get(ticket_id)
    await refresh_card(context, ticket)
    try:
        notice = staff_text(staff_language(context), key, number=ticket.id, **values)
        await tell_staff(context, ticket, notice)
    except TelegramError as exc:
        log.warning("could not tell staff about ticket %s: %s", ticket.id, exc)


async def tell_delegate(
    context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, key: str, rate: bool = False, **values: object
) -> None:
    """A notice to the delegate about their ticket; `rate` asks them to rate the help (👍 / 👎)."""
    words = text(ticket.language, key, number=ticket.id, **values)
    if rate:
        words += "\n" + text(ticket.language, "handoff_rate")
    try:
        markup = rating_keyboard(ticket) if rate else None
        await context.bot.send_message(ticket.chat_id, words, reply_markup=markup)
    except TelegramError as exc:
        log.warning("could not tell the delegate of ticket %s: %s", ticket.id, exc)


def rating_keyboard(ticket: Ticket) -> InlineKeyboardMarkup:
    """👍 / 👎 for the help the delegate got on a closed ticket."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(mark, callback_data=f"rate:{ticket.id}:{value}") for mark, value in RATINGS]]
    )
