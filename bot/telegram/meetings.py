"""Meeting requests (matchmaking) over Telegram: the delegate asks (buttons first: their company,
what they look for, the time they prefer), a ticket of kind "meeting" reaches the staff chat
(claim and reply as for questions), staff confirm, propose a time or decline with buttons, the
delegate accepts or cancels; `/meetings` lists a delegate's requests and, for organisers, counts
them per enterprise and sector (`/meetings csv`: a file).

The request's state lives in the database (`bot.meetings`), so a restart loses nothing.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.answer import Answer
from bot.handoff import MEETING, Status, TicketError
from bot.matchmaking import Matchmaker
from bot.meetings import (
    CANCELLABLE,
    LOOKING_FOR,
    SLOTS,
    TYPED,
    Meeting,
    MeetingError,
    Meetings,
    MeetingStatus,
    Step,
    counts,
    meetings_csv,
)
from bot.telegram.common import (
    assistant_of,
    escape,
    parse_id,
    settings_of,
    store_of,
    tickets_of,
    user_language,
)
from bot.telegram.helpdesk import (
    is_staff,
    outbox_of,
    post_card,
    refresh_card,
    refuse_staff_action,
    staff_language,
    staff_name,
    tell_staff,
)
from bot.texts import staff_text, text

log = logging.getLogger(__name__)

MEETING_INPUT = -1  # handler group of typed answers: before the staff relay (same group, added first)
SHOWN_PER_SIDE = 6  # company buttons under a suggestion


def meetings_of(context: ContextTypes.DEFAULT_TYPE) -> Meetings:
    return context.bot_data["meetings"]


def matchmaker_of(context: ContextTypes.DEFAULT_TYPE) -> Matchmaker:
    assistant = assistant_of(context)
    assistant.menu_data  # noqa: B018 - reloads the matchmaker too when the index was rebuilt
    return assistant.matchmaker


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row]
    )


# --- what the delegate reads -----------------------------------------------------------------


def target(meeting: Meeting, matchmaker: Matchmaker, lang: str) -> str:
    """Whom the request is for, in `lang`."""
    if meeting.enterprise:
        return matchmaker.company_name(meeting.enterprise, lang)
    if meeting.sector:
        return text(lang, "meet_target_sector", sector=matchmaker.sector_name(meeting.sector, lang))
    if meeting.side:
        return text(lang, "meet_target_side", side=matchmaker.side_name(meeting.side, lang))
    return text(lang, "meet_target_any")


def when(meeting: Meeting, lang: str) -> str:
    """The confirmed or proposed time: a clock time, or the preferred part of the day."""
    return text(lang, f"meet_slot_{meeting.time}") if meeting.time in SLOTS else meeting.time


def looking(meeting: Meeting, lang: str) -> str:
    found = meeting.looking_for
    return text(lang, f"meet_look_{found}") if found in LOOKING_FOR else found


def status_of(meeting: Meeting, lang: str) -> str:
    return text(lang, f"meet_status_{meeting.status}", time=when(meeting, lang))


def meeting_keyboard(answer: Answer, matchmaker: Matchmaker) -> list[list[InlineKeyboardButton]]:
    """Under the core's answer to a wish to meet: a button per enterprise it names or suggests,
    and "Request a meeting" for any enterprise of the sector (or side)."""
    intent, lang = answer.meeting, answer.language
    if intent is None:
        return []
    if len(intent.companies) == 1:
        return keyboard([(text(lang, "meet_button"), f"meet:co:{intent.companies[0]}")]).inline_keyboard
    companies = list(intent.companies) or [
        company for side in intent.suggestions.values() for company in side[:SHOWN_PER_SIDE]
    ]
    rows = [[(f"🤝 {matchmaker.company_name(c, lang)}", f"meet:co:{c}")] for c in companies]
    if not intent.companies:
        general = f"sec:{intent.sector}" if intent.sector else f"side:{intent.side}" if intent.side else "any"
        rows.append([(text(lang, "meet_button"), f"meet:{general}")])
    return list(keyboard(*rows).inline_keyboard)


# --- the delegate fills in a request -------------------------------------------------------------


async def start_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "🤝 Request a meeting" (on an enterprise card or under an answer): a new draft."""
    query = update.callback_query
    await query.answer()
    _, kind, key = [*query.data.split(":"), ""][:3]
    await begin(update, context, kind, key)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, key: str) -> None:
    """A draft for an enterprise (`co`), a sector (`sec`), a side (`side`) or anyone (`any`);
    then the first question. Also reached from a deep link (`?start=meet_avio`)."""
    lang, user = user_language(update, context), update.effective_user
    settings, message = settings_of(context), update.effective_message
    if settings.staff_chat_id is None:
        contact = settings.organiser_contact
        await message.reply_text(text(lang, "meet_no_staff", contact=f"\n{contact}" if contact else ""))
        return
    matchmaker = matchmaker_of(context)
    fields = {"co": "enterprise", "sec": "sector", "side": "side"}
    known = {"co": matchmaker.companies, "sec": matchmaker.sectors, "side": matchmaker.sides}
    if kind in fields and key not in known[kind]:
        await message.reply_text(text(lang, "button_expired"))
        return
    chosen = {fields[kind]: key} if kind in fields else {}
    if kind == "co":
        chosen.update(sector=matchmaker.sector_of(key) or "", side=matchmaker.side_of(key) or "")
    meeting = meetings_of(context).start(
        user_id=user.id, chat_id=user.id, delegate=user.full_name, language=lang, **chosen
    )
    await ask_next(context, meeting)


async def ask_next(context: ContextTypes.DEFAULT_TYPE, meeting: Meeting) -> None:
    """The question of the draft's current step, with its buttons, in the delegate's private chat
    (also when the request started under an answer in a group)."""
    lang, number = meeting.language, meeting.id
    cancel = [(text(lang, "meet_cancel"), f"mf:{number}:stop")]
    step = Step(meeting.step)
    if step is Step.COMPANY:
        last = meetings_of(context).last_company(meeting.user_id)
        offered = [(f"🏷 {last[:40]}", f"mf:{number}:company:last")] if last else []
        body = text(lang, "meet_ask_company", target=target(meeting, matchmaker_of(context), lang))
        markup = keyboard(offered, [(text(lang, "meet_company_skip"), f"mf:{number}:company:skip")], cancel)
    elif step is Step.LOOKING_FOR:
        options = [(text(lang, f"meet_look_{key}"), f"mf:{number}:looking_for:{key}") for key in LOOKING_FOR]
        other = [(text(lang, "meet_look_other"), f"mf:{number}:looking_for:other")]
        body = text(lang, "meet_ask_looking")
        markup = keyboard(options[:2], options[2:4], options[4:], other, cancel)
    elif step is Step.TYPE_LOOKING_FOR:
        body, markup = text(lang, "meet_type_looking"), keyboard(cancel)
    elif step is Step.SLOT:
        options = [(text(lang, f"meet_slot_{key}"), f"mf:{number}:slot:{key}") for key in SLOTS]
        body, markup = text(lang, "meet_ask_slot"), keyboard(options, cancel)
    else:
        body = summary(meeting, matchmaker_of(context))
        markup = keyboard([(text(lang, "meet_send"), f"mf:{number}:send")], cancel)
    await context.bot.send_message(meeting.chat_id, body, reply_markup=markup)


def summary(meeting: Meeting, matchmaker: Matchmaker) -> str:
    lang = meeting.language
    return text(
        lang,
        "meet_summary",
        target=target(meeting, matchmaker, lang),
        company=meeting.company or text(lang, "meet_company_skip"),
        looking=looking(meeting, lang),
        slot=text(lang, f"meet_slot_{meeting.slot}"),
    )


async def step_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of the draft: an answer, "Send request" or "Cancel"."""
    query = update.callback_query
    lang = user_language(update, context)
    parts = query.data.split(":")
    meeting_id = parse_id(parts[1])
    meetings = meetings_of(context)
    try:
        meeting = meetings.get(meeting_id) if meeting_id else None
        if meeting is None or meeting.user_id != update.effective_user.id:
            raise MeetingError("button_expired")
        if parts[2] == "stop":
            await stop_draft(update, context, meeting)
            return
        if parts[2] == "send":
            if meeting.status is not MeetingStatus.DRAFT or meeting.step != Step.CONFIRM:
                raise MeetingError("button_expired")
            await query.answer()
            await send_request(update, context, meeting)
            return
        value = parts[3]
        if parts[2] == "company":
            value = meetings.last_company(meeting.user_id) if value == "last" else ""
        meeting = meetings.answer(meeting.id, Step(parts[2]), value)
    except (MeetingError, ValueError):
        await query.answer(text(lang, "button_expired"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await ask_next(context, meeting)


async def stop_draft(update: Update, context: ContextTypes.DEFAULT_TYPE, meeting: Meeting) -> None:
    """ "Cancel" while filling in: the draft is dropped, nothing reaches the staff."""
    query = update.callback_query
    if meeting.status is not MeetingStatus.DRAFT:
        await cancel_request(update, context, meeting)
        return
    meetings_of(context).cancel(meeting.id, meeting.user_id)
    await query.answer()
    await query.edit_message_text(text(meeting.language, "meet_draft_cancelled"))


async def typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the delegate types while a draft waits for words (their company, their needs)."""
    meeting = meetings_of(context).draft_of(update.effective_user.id)
    if meeting is None or meeting.step not in TYPED:
        return
    meeting = meetings_of(context).answer(meeting.id, Step(meeting.step), update.effective_message.text)
    await ask_next(context, meeting)
    raise ApplicationHandlerStop


class WaitingForWords(filters.MessageFilter):
    """Private text from a delegate whose draft request waits for typed words (one indexed
    lookup; everyone else's messages go on to the staff relay and the answers)."""

    def __init__(self, meetings: Meetings) -> None:
        super().__init__(name="WaitingForWords")
        self.meetings = meetings

    def filter(self, message: Message) -> bool:
        if message.from_user is None:
            return False
        draft = self.meetings.draft_of(message.from_user.id)
        return draft is not None and draft.step in TYPED


# --- the request reaches the staff ---------------------------------------------------------------


def staff_summary(meeting: Meeting, matchmaker: Matchmaker, staff_lang: str) -> str:
    """The request as staff read it (plain text: the card escapes it)."""
    unknown = staff_text(staff_lang, "unknown_value")
    return staff_text(
        staff_lang,
        "meeting_card",
        target=matchmaker.company_name(meeting.enterprise, staff_lang)
        if meeting.enterprise
        else staff_text(staff_lang, "any_enterprise"),
        sector=matchmaker.sector_name(meeting.sector, staff_lang) if meeting.sector else unknown,
        side=matchmaker.side_name(meeting.side, staff_lang) if meeting.side else unknown,
        company=meeting.company or unknown,
        looking=looking(meeting, staff_lang),
        slot=text(staff_lang, f"meet_slot_{meeting.slot}"),
    )


async def send_request(update: Update, context: ContextTypes.DEFAULT_TYPE, meeting: Meeting) -> None:
    """ "Send request": a ticket of kind meeting, posted to the staff chat by the outbox."""
    lang, message = meeting.language, update.effective_message
    ticket = tickets_of(context).open(
        user_id=meeting.user_id,
        chat_id=meeting.chat_id,
        delegate=meeting.delegate,
        language=lang,
        question=staff_summary(meeting, matchmaker_of(context), staff_language(context)),
        kind=MEETING,
    )
    meetings_of(context).sent_as(meeting.id, ticket.id)
    await message.edit_text(summary(meeting, matchmaker_of(context)), reply_markup=None)
    await message.reply_text(
        text(lang, "meet_sent", number=meeting.id),
        reply_markup=keyboard([(text(lang, "meet_cancel"), f"mtd:cancel:{meeting.id}")]),
    )
    outbox_of(context).post(lambda: post_card(context, ticket.id), ticket.id)


# --- staff decide ----------------------------------------------------------------------------------


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm / Propose a time / a time / Decline, on a meeting request's card in the staff chat."""
    staff_lang, query = staff_language(context), update.callback_query
    if not await is_staff(update, context):
        await refuse_staff_action(update, staff_lang)
        return
    parts = query.data.split(":")
    ticket_id = parse_id(parts[2])
    meeting = meetings_of(context).for_ticket(ticket_id) if ticket_id else None
    try:
        if meeting is None:
            raise MeetingError("meeting_unknown", number=parts[2])
        if parts[1] == "propose":
            await query.answer()
            await offer_times(context, meeting, query.message)
            return
        notice = await decide(update, context, meeting, parts[1], parts[3] if len(parts) > 3 else "")
    except (MeetingError, TicketError) as exc:
        values = dict(exc.values)
        if "status" in values:
            values["status"] = staff_text(staff_lang, f"mstatus_{values['status']}")
        await query.answer(staff_text(staff_lang, exc.key, **values), show_alert=True)
        return
    await query.answer(notice)


async def offer_times(context: ContextTypes.DEFAULT_TYPE, meeting: Meeting, card: Message) -> None:
    """The times staff can propose (`MEETING_TIMES`), as buttons in the request's topic."""
    ticket = tickets_of(context).get(meeting.ticket_id or 0)
    times = settings_of(context).meeting_times
    buttons = [(clock, f"mt:time:{ticket.id}:{clock.replace(':', '')}") for clock in times]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    body = staff_text(staff_language(context), "meeting_pick_time", number=meeting.id)
    await card.get_bot().send_message(
        card.chat_id,
        body,
        message_thread_id=ticket.thread_id,
        reply_to_message_id=None if ticket.thread_id else ticket.staff_message_id,
        reply_markup=keyboard(*rows),
    )


async def decide(
    update: Update, context: ContextTypes.DEFAULT_TYPE, meeting: Meeting, action: str, clock: str
) -> str:
    """Confirm (the preferred time), propose `clock` ("1030") or decline; the staff notice."""
    meetings, tickets = meetings_of(context), tickets_of(context)
    staff_lang, name = staff_language(context), staff_name(update)
    lang = meeting.language
    if action == "time":
        clock = f"{clock[:2]}:{clock[2:]}"
        if clock not in settings_of(context).meeting_times:
            raise MeetingError("meeting_unknown", number=meeting.id)
        ticket = tickets.claim(meeting.ticket_id or 0, update.effective_user.id, name)
        meeting = meetings.propose(meeting.id, clock)
        choice = keyboard(
            [(text(lang, "meet_accept"), f"mtd:accept:{meeting.id}")],
            [(text(lang, "meet_cancel"), f"mtd:cancel:{meeting.id}")],
        )
        key, notice_key = "meet_proposed", "meeting_proposed"
    else:
        confirmed = action == "confirm"
        meeting = meetings.confirm(meeting.id, meeting.slot) if confirmed else meetings.decline(meeting.id)
        ticket = tickets.close(meeting.ticket_id or 0, Status.RESOLVED)
        choice = keyboard([(text(lang, "meet_cancel"), f"mtd:cancel:{meeting.id}")]) if confirmed else None
        key = "meet_confirmed" if confirmed else "meet_declined"
        notice_key = "meeting_confirmed" if confirmed else "meeting_declined"
    outbox_of(context).post(lambda: refresh_card(context, ticket), ticket.id)
    whom = target(meeting, matchmaker_of(context), lang)
    body = text(lang, key, number=meeting.id, target=whom, time=when(meeting, lang))
    await tell_delegate(context, meeting, body, choice)
    notice = staff_text(staff_lang, notice_key, number=meeting.id, name=name, time=when(meeting, staff_lang))
    outbox_of(context).post(lambda: tell_staff_safely(context, ticket.id, notice), ticket.id)
    return notice


async def tell_delegate(
    context: ContextTypes.DEFAULT_TYPE, meeting: Meeting, body: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await context.bot.send_message(meeting.chat_id, body, reply_markup=markup)
    except TelegramError as exc:
        log.warning("could not tell the delegate about meeting request %s: %s", meeting.id, exc)


async def tell_staff_safely(context: ContextTypes.DEFAULT_TYPE, ticket_id: int, body: str) -> None:
    """(From the outbox) a notice in the request's topic; a failure is only logged."""
    try:
        await tell_staff(context, tickets_of(context).get(ticket_id), escape(body))
    except TelegramError as exc:
        log.warning("could not tell staff about meeting ticket %s: %s", ticket_id, exc)


# --- the delegate accepts or cancels -------------------------------------------------------------


async def delegate_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Accept" (a proposed time) or "Cancel" (a request), pressed by the delegate."""
    query = update.callback_query
    lang = user_language(update, context)
    _, action, number = query.data.split(":")
    meeting_id = parse_id(number)
    try:
        meeting = meetings_of(context).get(meeting_id) if meeting_id else None
        if meeting is None or meeting.user_id != update.effective_user.id:
            raise MeetingError("button_expired")
        if action == "cancel":
            await cancel_request(update, context, meeting)
            return
        meeting = meetings_of(context).accept(meeting.id, meeting.user_id)
    except MeetingError as exc:
        await query.answer(delegate_error(exc, lang), show_alert=True)
        return
    await query.answer()
    matchmaker = matchmaker_of(context)
    confirmed = text(lang, "meet_confirmed", number=meeting.id, target=target(meeting, matchmaker, lang),
                     time=when(meeting, lang))
    cancel = keyboard([(text(lang, "meet_cancel"), f"mtd:cancel:{meeting.id}")])
    await query.edit_message_text(confirmed, reply_markup=cancel)
    await close_ticket(context, meeting, Status.RESOLVED, "meeting_accepted")


def delegate_error(exc: MeetingError, lang: str) -> str:
    if exc.key == "meeting_closed":
        status = text(lang, f"meet_status_{exc.values['status']}", time="").rstrip(": ")
        return text(lang, "meet_closed", number=exc.values["number"], status=status)
    return text(lang, "button_expired")


async def cancel_request(update: Update, context: ContextTypes.DEFAULT_TYPE, meeting: Meeting) -> None:
    """The delegate cancels a sent request (also a confirmed one): staff are told in its topic."""
    query = update.callback_query
    meeting = meetings_of(context).cancel(meeting.id, meeting.user_id)
    await query.answer()
    await query.edit_message_text(text(meeting.language, "meet_cancelled", number=meeting.id))
    await close_ticket(context, meeting, Status.ENDED, "meeting_cancelled")


async def close_ticket(
    context: ContextTypes.DEFAULT_TYPE, meeting: Meeting, status: Status, key: str
) -> None:
    """Close the request's ticket (if still active), refresh its card and tell the staff."""
    if meeting.ticket_id is None:
        return
    tickets = tickets_of(context)
    ticket = tickets.get(meeting.ticket_id)
    if ticket.active:
        ticket = tickets.close(ticket.id, status)
        outbox_of(context).post(lambda: refresh_card(context, ticket), ticket.id)
    staff_lang = staff_language(context)
    notice = staff_text(staff_lang, key, number=meeting.id, time=when(meeting, staff_lang))
    outbox_of(context).post(lambda: tell_staff_safely(context, ticket.id, notice), ticket.id)


# --- /meetings ---------------------------------------------------------------------------------------


async def my_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/meetings`: the delegate's requests and their state, with "Cancel" on those still open."""
    lang = user_language(update, context)
    found = meetings_of(context).of(update.effective_user.id)
    if not found:
        await update.effective_message.reply_text(text(lang, "meetings_none"))
        return
    matchmaker = matchmaker_of(context)
    lines = [text(lang, "meetings_title")]
    for m in found:
        whom, status = target(m, matchmaker, lang), status_of(m, lang)
        lines.append(text(lang, "meetings_line", number=m.id, target=whom, status=status))
    cancellable = [m for m in found if m.status in CANCELLABLE][:10]
    rows = [[(f"{text(lang, 'meet_cancel')} #{m.id}", f"mtd:cancel:{m.id}")] for m in cancellable]
    await update.effective_message.reply_text("\n".join(lines), reply_markup=keyboard(*rows))


async def meetings_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/meetings` for organisers: requests per status, enterprise and sector; `/meetings csv`."""
    staff_lang = user_language(update, context)
    store_of(context).audit(update.effective_user.id, update.effective_user.full_name, "meetings",
                            " ".join(context.args))
    found = meetings_of(context).sent()
    message = update.effective_message
    if found and context.args and context.args[0].lower() == "csv":
        data = meetings_csv(found).encode("utf-8")
        await message.reply_document(InputFile(data, filename=f"meetings-{dt.date.today().isoformat()}.csv"))
        return
    await message.reply_html(overview_text(context, found, staff_lang))


def overview_text(context: ContextTypes.DEFAULT_TYPE, found: list[Meeting], staff_lang: str) -> str:
    """Meeting requests per status, enterprise and sector, in `staff_lang` (for the organisers'
    `/meetings` and `/stats`)."""
    if not found:
        return staff_text(staff_lang, "meetings_empty")
    matchmaker = matchmaker_of(context)
    statuses, enterprises, sectors = counts(found)
    unknown = staff_text(staff_lang, "unknown_value")

    def listed(counted: Counter, name: Callable[[str], str]) -> str:
        return "\n".join(f"• {escape(name(key))}: {count}" for key, count in counted.most_common())

    return staff_text(
        staff_lang,
        "meetings_overview",
        total=len(found),
        statuses=", ".join(f"{staff_text(staff_lang, f'mstatus_{s}')} {n}" for s, n in statuses.items()),
        enterprises=listed(enterprises, lambda key: matchmaker.company_name(key, staff_lang)
                           if key else staff_text(staff_lang, "any_enterprise")),
        sectors=listed(sectors, lambda key: matchmaker.sector_name(key, staff_lang) if key else unknown),
    )


# --- wiring --------------------------------------------------------------------------------------------


def add_meeting_handlers(application: Application) -> None:
    """Registered first: typed answers must come before the staff relay (same handler group), and
    organisers' `/meetings` before the delegates'."""
    meetings = application.bot_data["meetings"] = Meetings(application.bot_data["store"])
    private = filters.ChatType.PRIVATE
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND & WaitingForWords(meetings), typed_answer),
        group=MEETING_INPUT,
    )
    admins = filters.User(user_id=application.bot_data["settings"].admin_ids, allow_empty=False)
    application.add_handler(CommandHandler("meetings", meetings_overview, filters=admins & private))
    application.add_handler(CommandHandler("meetings", my_meetings, filters=private))
    application.add_handler(
        CallbackQueryHandler(start_request, pattern=r"^meet:(co|sec|side):[\w-]+$|^meet:any$")
    )
    application.add_handler(CallbackQueryHandler(step_button, pattern=r"^mf:\d+:(stop|send|\w+:[\w-]*)$"))
    application.add_handler(
        CallbackQueryHandler(staff_button, pattern=r"^mt:(confirm|propose|decline):\d+$|^mt:time:\d+:\d{4}$")
    )
    application.add_handler(CallbackQueryHandler(delegate_button, pattern=r"^mtd:(accept|cancel):\d+$"))

