"""What staff and organisers share about tickets and knowledge drafts: statuses and errors in
the staff's language, texts written per language (zh:/en:/it: lines), a draft's card with its
Approve / Reject buttons and what it still lacks, and `/editdraft`."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import LANGUAGES
from bot.handoff import Draft, TicketError, missing
from bot.telegram.common import escape, parse_id, settings_of, store_of, tickets_of, user_language
from bot.texts import language_name, staff_text

ANSWER_MARKS = {f"{lang}:": (lang, "answer") for lang in LANGUAGES}
QUESTION_MARKS = {f"{lang}?:": (lang, "question") for lang in LANGUAGES}


def screen_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to speak to staff or an organiser in: the staff chat's, else their own."""
    settings, chat = settings_of(context), update.effective_chat
    if chat is not None and chat.id == settings.staff_chat_id:
        return settings.staff_language
    return user_language(update, context)


def parse_marked(body: str, marks: dict[str, tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Texts that lines starting with a mark (e.g. "zh:", "zh?:") begin; the lines that follow
    belong to the same text. Text before the first mark is ignored; empty texts are left out."""
    found: dict[tuple[str, str], list[str]] = {}
    current = None
    for line in body.splitlines():
        head, colon, rest = line.partition(":")
        mark = head.strip().lower() + colon
        if colon and mark in marks:
            current = marks[mark]
            found[current] = [rest.strip()]
        elif current:
            found[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in found.items() if "".join(lines).strip()}


def status_text(staff_lang: str, status: str, name: str = "") -> str:
    """A ticket's (or draft's) status in the staff's language."""
    return staff_text(staff_lang, f"status_{status}", name=name)


def error_text(staff_lang: str, exc: TicketError) -> str:
    values = dict(exc.values)
    if "status" in values:
        values["status"] = status_text(staff_lang, str(values["status"]))
    return staff_text(staff_lang, exc.key, **values)


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
    lacking = missing(draft)
    if lacking:
        parts = [
            f"{language_name(staff_lang, lang)} ("
            + ", ".join(staff_text(staff_lang, f"missing_{field}") for field in fields)
            + ")"
            for lang, fields in lacking.items()
        ]
        lines.append(staff_text(staff_lang, "draft_missing", missing="; ".join(parts), draft=draft.id))
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


async def edit_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/editdraft N` with `zh: …` (answer) and `zh?: …` (sample question) lines: correct a draft,
    or add the languages it lacks, before an organiser approves it."""
    staff_lang = screen_language(update, context)
    message = update.effective_message
    number, _, body = message.text.partition(" ")[2].strip().partition("\n")
    draft_id = parse_id(number.lstrip("#"))
    changes: dict[str, dict[str, str]] = {}
    for (lang, field), value in parse_marked(body, {**ANSWER_MARKS, **QUESTION_MARKS}).items():
        changes.setdefault(lang, {})[field] = value
    if draft_id is None or not changes:
        await message.reply_text(staff_text(staff_lang, "editdraft_usage"))
        return
    user = update.effective_user
    store_of(context).audit(user.id, user.full_name, "editdraft", number)
    try:
        draft = tickets_of(context).edit_draft(draft_id, changes)
    except TicketError as exc:
        await message.reply_text(error_text(staff_lang, exc))
        return
    await message.reply_html(draft_card(draft, staff_lang), reply_markup=draft_keyboard(draft, staff_lang))
