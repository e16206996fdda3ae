"""Telegram handlers for organisers (`ADMIN_IDS`): upload knowledge with a preview, reload,
index status, versions and rollback, drafts, statistics, knowledge gaps and announcements.

Every action is recorded (who, what, when); anyone else gets a polite refusal. The outcome of
an ingest reaches the organiser even when the progress message cannot be edited, or after a
restart when the bot stopped half-way (it is owed in `data/ingest-owed.json`).
"""

import asyncio
import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import DEFAULT_LANGUAGE, LANGUAGES, index, insight
from bot.config import Settings
from bot.handoff import TicketError
from bot.knowledge import KnowledgeError
from bot.language import detect
from bot.llm import translate
from bot.publishing import MAX_UPLOAD_BYTES, Preview, UploadError
from bot.telegram.common import (
    assistant_of,
    escape,
    publisher_of,
    reingest,
    settings_of,
    store_of,
    tickets_of,
    user_language,
)
from bot.telegram.staff import draft_card, draft_keyboard, error_text, is_admin
from bot.texts import language_name, staff_text, text

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between progress edits
OWED = "ingest-owed.json"  # organisers waiting for an ingest's outcome
GAPS_SHOWN = 15
_VERSION_MARK = ("zh:", "en:", "it:")


def audit(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, detail: str = "") -> None:
    user = update.effective_user
    store_of(context).audit(user.id, user.full_name, action, detail)
    log.info("organiser %s (%s): %s %s", user.full_name, user.id, action, detail)


async def refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An organisers' command from someone else."""
    refusal = text(user_language(update, context), "admin_only")
    if update.callback_query:
        await update.callback_query.answer(refusal, show_alert=True)
    else:
        await update.effective_message.reply_text(refusal)


def buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in pairs]])


def problems_text(exc: KnowledgeError) -> str:
    return escape("\n".join(str(problem) for problem in exc.problems[:20]))


# --- re-ingest with progress -------------------------------------------------------------------


async def ingest_and_report(
    context: ContextTypes.DEFAULT_TYPE, message: Message, title: str, staff_lang: str
) -> bool:
    """Re-ingest while showing progress in `message`; the outcome replaces it (or follows it)."""
    settings = settings_of(context)
    owed = _owe(settings, {"chat_id": message.chat_id, "title": title, "lang": staff_lang})
    state = {"done": 0, "total": 0}
    task = asyncio.create_task(reingest(context, lambda done, total: state.update(done=done, total=total)))
    while not task.done():
        await asyncio.wait([task], timeout=PROGRESS_EVERY)
        if not task.done() and state["total"]:
            await edit(message, staff_text(staff_lang, "ingest_progress", title=title, **state))
    ok, outcome = _outcome(task, title, staff_lang)
    await tell(message, outcome)
    _settle(settings, owed)
    return ok


def _outcome(task: "asyncio.Task[index.IngestReport]", title: str, staff_lang: str) -> tuple[bool, str]:
    try:
        report = task.result()
    except KnowledgeError as exc:
        return False, staff_text(staff_lang, "ingest_failed", title=title, problems=problems_text(exc))
    return True, staff_text(staff_lang, "ingest_done", title=title, summary=escape(report.summary()))


async def edit(message: Message, body: str) -> bool:
    try:
        await message.edit_text(body, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("could not update the progress message: %s", exc)
        return False
    return True


async def tell(message: Message, body: str) -> None:
    """An outcome in place of the progress message, or as a new message if that cannot be edited."""
    if await edit(message, body):
        return
    try:
        await message.get_bot().send_message(message.chat_id, body, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.error("could not tell the organiser the outcome: %s", exc)


def _owed(settings: Settings) -> list[dict]:
    try:
        return json.loads((settings.data_dir / OWED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def _save_owed(settings: Settings, owed: list[dict]) -> None:
    path = settings.data_dir / OWED
    tmp = path.with_suffix(".tmp")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # with PostgreSQL nothing else made it
        tmp.write_text(json.dumps(owed, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # a full disk: the outcome is still shown, only not kept for a restart
        log.warning("could not record the organisers waiting for an ingest: %s", exc)


def _owe(settings: Settings, record: dict) -> dict:
    record = {**record, "id": secrets.token_hex(4)}
    _save_owed(settings, [*_owed(settings), record])
    return record


def _settle(settings: Settings, record: dict) -> None:
    _save_owed(settings, [owed for owed in _owed(settings) if owed.get("id") != record["id"]])


async def catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start: the bot already answers from the last good index; re-ingest in the background if
    the knowledge changed (or an ingest was cut short), then tell the organisers who were waiting."""
    settings = settings_of(context)
    owed = _owed(settings)
    if not owed and not await asyncio.to_thread(index.is_stale, settings):
        return
    log.info("re-ingesting the knowledge in the background after the start")
    task = asyncio.create_task(reingest(context))
    await asyncio.wait([task])
    for record in owed:
        _, outcome = _outcome(task, record["title"], record["lang"])
        try:
            await context.bot.send_message(record["chat_id"], outcome, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.error("could not tell organiser chat %s the outcome: %s", record["chat_id"], exc)
        _settle(settings, record)
    if task.exception():
        log.warning("the knowledge has problems; answering from the last good index:\n%s", task.exception())


def in_background(context: ContextTypes.DEFAULT_TYPE, work: Awaitable[object]) -> None:
    """Long work (ingest, announcements) runs beside the handlers: the bot keeps answering."""
    context.application.create_task(work)


# --- uploads -----------------------------------------------------------------------------------


def preview_text(preview: Preview, staff_lang: str) -> str:
    lines = []
    changes = {"added": preview.added, "changed": preview.changed, "removed": preview.removed}
    for what, grouped in changes.items():
        if grouped:
            details = "; ".join(f"{lang} {len(ids)} ({', '.join(ids[:5])})" for lang, ids in grouped.items())
            lines.append(
                staff_text(
                    staff_lang, "change_line", what=staff_text(staff_lang, what), details=escape(details)
                )
            )
    if preview.data:
        data = ", ".join(preview.data)
        lines.append(
            staff_text(staff_lang, "change_line", what=staff_text(staff_lang, "data_changed"), details=data)
        )
        for name, changes in preview.data_diff.items():
            lines.append(f"<pre>{escape(name)}\n{escape(chr(10).join(changes))}</pre>")
    if preview.retired:
        retired = escape(", ".join(preview.retired))
        lines.append(
            staff_text(staff_lang, "change_line", what=staff_text(staff_lang, "retired"), details=retired)
        )
    return "\n".join(lines)


async def receive_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An organiser sends a file: validate it, show what it would change, wait for "Publish"."""
    staff_lang = user_language(update, context)
    message, document = update.effective_message, update.effective_message.document
    name = document.file_name or "upload.txt"
    audit(update, context, "upload", name)
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        await message.reply_html(
            staff_text(staff_lang, "upload_invalid", error=escape(f"{name}: the file is too large"))
        )
        return
    content = bytes(await (await document.get_file()).download_as_bytearray())
    publisher = publisher_of(context)
    try:
        staged = await asyncio.to_thread(publisher.stage, name, content, update.effective_user.full_name)
    except UploadError as exc:
        await message.reply_html(staff_text(staff_lang, "upload_invalid", error=escape(str(exc))))
        return
    except KnowledgeError as exc:
        await message.reply_html(
            staff_text(staff_lang, "upload_problems", count=len(exc.problems), problems=problems_text(exc))
        )
        return
    if staged.preview.empty:
        publisher.discard(staged.key)
        await message.reply_text(staff_text(staff_lang, "upload_nothing"))
        return
    context.bot_data.setdefault("uploads", {})[staged.key] = name
    await message.reply_html(
        staff_text(
            staff_lang, "upload_preview", name=escape(name), changes=preview_text(staged.preview, staff_lang)
        ),
        reply_markup=buttons(
            (staff_text(staff_lang, "publish"), f"pub:go:{staged.key}"),
            (staff_text(staff_lang, "discard"), f"pub:drop:{staged.key}"),
        ),
    )


ButtonAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, str, str], Awaitable[None]]


def admin_button(act: ButtonAction) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """A handler for an organiser's button such as "pub:go:123": `act(update, context, "go", "123")`;
    anyone else is refused."""

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not is_admin(update, context):
            await refuse_non_admin(update, context)
            return
        await update.callback_query.answer()
        _, action, key = update.callback_query.data.split(":")
        await act(update, context, action, key)

    return press


async def decide_upload(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str) -> None:
    """ "Publish" or "Discard" under an upload preview."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    publisher = publisher_of(context)
    uploads = context.bot_data.setdefault("uploads", {})
    name = uploads.get(key)
    if name is None or not publisher.is_staged(key):
        await query.edit_message_text(staff_text(staff_lang, "upload_gone"))
        return
    audit(update, context, "publish" if action == "go" else "discard", name)
    if action == "drop":
        uploads.pop(key, None)
        publisher.discard(key)
        await query.edit_message_text(staff_text(staff_lang, "upload_discarded", name=name))
        return
    by = update.effective_user.full_name
    try:
        version = await asyncio.to_thread(publisher.publish, key, by, f"upload {name}")
    except UploadError as exc:
        await query.message.reply_html(
            staff_text(staff_lang, "upload_invalid", error=escape(f"{name}: {exc}"))
        )
        return
    except KnowledgeError as exc:
        await query.message.reply_html(
            staff_text(staff_lang, "upload_problems", count=len(exc.problems), problems=problems_text(exc))
        )
        return
    finally:
        if not publisher.is_staged(key):
            uploads.pop(key, None)
    title = staff_text(staff_lang, "published", name=escape(name), version=version.number)
    in_background(context, ingest_and_report(context, query.message, title, staff_lang))


# --- commands ------------------------------------------------------------------------------------


async def reload_knowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reload`: re-ingest `knowledge/` in the background and report."""
    staff_lang = user_language(update, context)
    audit(update, context, "reload")
    title = staff_text(staff_lang, "reloaded")
    message = await update.effective_message.reply_text(staff_text(staff_lang, "ingesting", title=title))
    in_background(context, ingest_and_report(context, message, title, staff_lang))


async def rollback_knowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/rollback`: restore the knowledge as it was before the last publish."""
    staff_lang = user_language(update, context)
    audit(update, context, "rollback")
    try:
        undone = await asyncio.to_thread(publisher_of(context).rollback, update.effective_user.full_name)
    except UploadError as exc:
        await update.effective_message.reply_text(staff_text(staff_lang, "no_rollback", error=str(exc)))
        return
    title = staff_text(staff_lang, "rolled_back", version=undone.number, what=escape(undone.what))
    message = await update.effective_message.reply_text(staff_text(staff_lang, "ingesting", title=title))
    in_background(context, ingest_and_report(context, message, title, staff_lang))


async def knowledge_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/kb`: entries per language, embedder, last ingest, missing translations."""
    staff_lang = user_language(update, context)
    audit(update, context, "kb")
    manifest = index.read_manifest(settings_of(context))
    if manifest is None:
        await update.effective_message.reply_text(staff_text(staff_lang, "kb_none"))
        return
    gaps = manifest.missing_translations.items()
    missing = "; ".join(f"{entry} ({', '.join(langs)})" for entry, langs in gaps)
    problems = index.recorded_problems(settings_of(context))
    shown = escape("\n".join(problems[:20]))
    warning = staff_text(staff_lang, "kb_problems", count=len(problems), problems=shown) if problems else ""
    await update.effective_message.reply_html(
        staff_text(
            staff_lang,
            "kb_status",
            entries=", ".join(f"{lang} {manifest.entries.get(lang, 0)}" for lang in LANGUAGES),
            chunks=manifest.chunks,
            embedder=manifest.embedder,
            built_at=manifest.built_at,
            missing=escape(missing) or "none",
            versions=len(publisher_of(context).versions()),
            drafts=len(tickets_of(context).drafts()),
        )
        + (f"\n\n{warning}" if warning else "")
    )


async def list_drafts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/drafts`: knowledge drafts from staff answers, each with Approve / Reject."""
    staff_lang = user_language(update, context)
    audit(update, context, "drafts")
    drafts = tickets_of(context).drafts()
    if not drafts:
        await update.effective_message.reply_text(staff_text(staff_lang, "no_drafts"))
    for draft in drafts:
        await update.effective_message.reply_html(
            draft_card(draft, staff_lang), reply_markup=draft_keyboard(draft, staff_lang)
        )


async def edit_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/editdraft N` with `zh: …` / `en: …` / `it: …` lines: correct a draft's answers before approving."""
    staff_lang = user_language(update, context)
    message = update.effective_message
    number, _, body = message.text.partition(" ")[2].strip().partition("\n")
    if not number.lstrip("#").isdigit() or not body.strip():
        await message.reply_text(staff_text(staff_lang, "editdraft_usage"))
        return
    audit(update, context, "editdraft", number)
    try:
        draft = tickets_of(context).edit_draft(int(number.lstrip("#")), parse_versions(body))
    except TicketError as exc:
        await message.reply_text(error_text(staff_lang, exc))
        return
    await message.reply_html(draft_card(draft, staff_lang), reply_markup=draft_keyboard(draft, staff_lang))


def _counts(values: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items()) or "–"


async def show_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/stats`: questions, answers, votes and tickets."""
    staff_lang = user_language(update, context)
    audit(update, context, "stats")
    numbers = insight.stats(store_of(context))
    seconds = numbers.pop("median_staff_response_s")
    response = "–" if seconds is None else f"{seconds // 60} min {seconds % 60} s"
    numbers.update(per_language=_counts(numbers["per_language"]), per_day=_counts(numbers["per_day"]))
    await update.effective_message.reply_html(staff_text(staff_lang, "stats", response=response, **numbers))


async def show_gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/gaps` (or `/gaps csv`): unanswered and 👎 questions grouped across languages."""
    staff_lang = user_language(update, context)
    audit(update, context, "gaps", " ".join(context.args))
    found = await asyncio.to_thread(insight.gaps, store_of(context), assistant_of(context).retriever)
    message = update.effective_message
    if not found:
        await message.reply_text(staff_text(staff_lang, "no_gaps"))
        return
    if context.args and context.args[0].lower() == "csv":
        data = insight.gaps_csv(found).encode("utf-8")
        await message.reply_document(InputFile(data, filename=f"gaps-{dt.date.today().isoformat()}.csv"))
        return
    lines = [staff_text(staff_lang, "gaps_title")]
    for gap in found[:GAPS_SHOWN]:
        examples = "".join(f"\n   {lang}: {escape(q)}" for lang, q in sorted(gap.examples.items()))
        topic = f"<code>{gap.topic}</code>" if gap.topic else "(no close entry)"
        lines.append(staff_text(staff_lang, "gap_line", count=gap.count, topic=topic, examples=examples))
    await message.reply_html("\n".join(lines))


# --- announcements -------------------------------------------------------------------------------


@dataclass
class Announcement:
    versions: dict[str, str]  # language → text
    missing: list[str]  # languages that get the fallback version


def parse_versions(body: str) -> dict[str, str]:
    """Texts per language: lines starting with "zh:", "en:", "it:" start a version; a text
    without them is one version in the language it is written in."""
    versions: dict[str, list[str]] = {}
    current = None
    for line in body.splitlines():
        mark = line[:3].lower()
        if mark in _VERSION_MARK:
            current = mark[:2]
            versions[current] = [line[3:].strip()]
        elif current:
            versions[current].append(line)
    if not versions:
        return {detect(body): body.strip()}
    return {lang: "\n".join(lines).strip() for lang, lines in versions.items() if "".join(lines).strip()}


async def prepare_announcement(context: ContextTypes.DEFAULT_TYPE, body: str) -> Announcement:
    versions = parse_versions(body)
    for lang in LANGUAGES:
        if lang not in versions:
            source = versions.get("en") or next(iter(versions.values()))
            translated = await translate(settings_of(context), source, lang)
            if translated:
                versions[lang] = translated
    return Announcement(versions, [lang for lang in LANGUAGES if lang not in versions])


def fallback_language(announcement: Announcement) -> str:
    return "en" if "en" in announcement.versions else next(iter(announcement.versions))


async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/announce <message>`: preview the message per language, then "Send"."""
    staff_lang = user_language(update, context)
    message = update.effective_message
    body = message.text.partition(" ")[2].strip() if message.text else ""
    if not body:
        await message.reply_text(staff_text(staff_lang, "announce_usage"))
        return
    audit(update, context, "announce", body[:200])
    announcement = await prepare_announcement(context, body)
    key = secrets.token_hex(4)
    store_of(context).keep_announcement(key, announcement.versions, announcement.missing)
    fallback = language_name(staff_lang, fallback_language(announcement))
    shown = [
        f"<b>{language_name(staff_lang, lang)}</b>: {escape(body)}"
        for lang, body in announcement.versions.items()
    ]
    shown += [
        staff_text(
            staff_lang, "announce_untranslated", language=language_name(staff_lang, lang), fallback=fallback
        )
        for lang in announcement.missing
    ]
    count = len([d for d in store_of(context).delegates() if not d["blocked"]])
    await message.reply_html(
        staff_text(staff_lang, "announce_preview", count=count, versions="\n\n".join(shown)),
        reply_markup=buttons(
            (staff_text(staff_lang, "send"), f"ann:send:{key}"),
            (staff_text(staff_lang, "cancel"), f"ann:drop:{key}"),
        ),
    )


async def decide_announcement(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str
) -> None:
    """ "Send" or "Cancel" under an announcement preview."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    kept = store_of(context).take_announcement(key)
    if kept is None or action == "drop":
        await query.edit_message_text(staff_text(staff_lang, "announce_cancelled"))
        return
    audit(update, context, "announce-send", key)
    announcement = Announcement(*kept)
    delegates = [d for d in store_of(context).delegates() if not d["blocked"]]
    await query.edit_message_text(staff_text(staff_lang, "announce_sending", count=len(delegates)))
    in_background(context, deliver_announcement(context, query.message, announcement, delegates, staff_lang))


async def deliver_announcement(
    context: ContextTypes.DEFAULT_TYPE,
    report: Message,
    announcement: Announcement,
    delegates: list,
    staff_lang: str,
) -> None:
    """Send to every delegate in their language (the rate limiter paces it); report the counts."""
    counts = {"delivered": 0, "blocked": 0, "failed": 0}
    fallback = fallback_language(announcement)
    for delegate in delegates:
        lang = delegate["language"] if delegate["language"] in announcement.versions else fallback
        try:
            await context.bot.send_message(
                delegate["chat_id"], text(lang, "announcement", text=announcement.versions[lang])
            )
            counts["delivered"] += 1
        except Forbidden:
            store_of(context).mark_blocked(delegate["user_id"])
            counts["blocked"] += 1
        except TelegramError as exc:
            log.warning("announcement to %s failed: %s", delegate["user_id"], exc)
            counts["failed"] += 1
    await report.reply_text(staff_text(staff_lang, "announce_done", **counts))


# --- wiring ----------------------------------------------------------------------------------------


COMMANDS: dict[str, Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]] = {
    "reload": reload_knowledge,
    "kb": knowledge_status,
    "rollback": rollback_knowledge,
    "drafts": list_drafts,
    "editdraft": edit_draft,
    "stats": show_stats,
    "gaps": show_gaps,
    "announce": announce,
}


async def publish_organiser_commands(application: Application, delegate_commands: list[BotCommand]) -> None:
    """Organisers see their commands in the menu of their own chat with the bot (best effort:
    Telegram refuses until the organiser has started the bot)."""
    for admin_id in application.bot_data["settings"].admin_ids:
        staff_lang = application.bot_data["store"].language(admin_id) or DEFAULT_LANGUAGE
        menu = [*delegate_commands, *(BotCommand(c, staff_text(staff_lang, f"cmd_{c}")) for c in COMMANDS)]
        try:
            await application.bot.set_my_commands(menu, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            log.info("no command menu for organiser %s yet: %s", admin_id, exc)


def add_organiser_handlers(application: Application) -> None:
    """Organisers' commands, uploads and buttons; a polite refusal for everyone else."""
    admins = filters.User(user_id=application.bot_data["settings"].admin_ids, allow_empty=False)
    for command, handler in COMMANDS.items():
        application.add_handler(CommandHandler(command, handler, filters=admins))
    application.add_handler(CommandHandler(list(COMMANDS), refuse_non_admin))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL & admins, receive_upload)
    )
    application.add_handler(CallbackQueryHandler(admin_button(decide_upload), pattern=r"^pub:(go|drop):\d+$"))
    application.add_handler(
        CallbackQueryHandler(admin_button(decide_announcement), pattern=r"^ann:(send|drop):[0-9a-f]+$")
    )
    if application.job_queue:
        # however long the start takes (no "misfire" skipping the job)
        application.job_queue.run_once(
            catch_up, when=0, name="catch-up ingest", job_kwargs={"misfire_grace_time": None}
        )
