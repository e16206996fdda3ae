"""What staff and organisers share about tickets and knowledge drafts: statuses and errors in
the staff's language, and a draft's card with its Approve / Reject buttons."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handoff import Draft, TicketError
from bot.telegram.common import escape
from bot.texts import language_name, staff_text


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
