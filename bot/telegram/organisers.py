"""Telegram handlers for organisers (`ADMIN_IDS`): upload knowledge (one file, an album or a .zip
as one publish) with a preview, reload, index status, versions with a confirmed rollback and a
redo, drafts, statistics (text and a PNG chart), knowledge gaps and announcements (which can be
saved as knowledge, and a publish can be announced).

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
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from telegram import (
    BotCommand,
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
from telegram.helpers import create_deep_linked_url

from bot import LANGUAGES, deeplinks, index, insight, knowledge
from bot.config import Settings
from bot.knowledge import KnowledgeError, Problem
from bot.language import detect
from bot.llm import translate
from bot.publishing import (
    MAX_UPLOAD_BYTES,
    Preview,
    UploadError,
    announcement_files,
    headline,
    news,
)
from bot.retrieval import GAP_MIN_DENSE
from bot.telegram.common import (
    assistant_of,
    escape,
    is_admin,
    problems_told,
    publisher_of,
    reingest,
    settings_of,
    store_of,
    tickets_of,
    user_language,
)
from bot.telegram.drafts import draft_card, draft_keyboard, edit_draft
from bot.telegram.meetings import meetings_of, overview_text
from bot.texts import Phrase, language_name, staff_text, text

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between progress edits
OWED = "ingest-owed.json"  # organisers waiting for an ingest's outcome
GAPS_SHOWN = 15
ALBUM_WAIT = 1.5  # seconds without a new file before an album is previewed as one publish
REPLACES_MIN_DENSE = 0.9  # an announcement saved as knowledge replaces a fact this close to it
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


def refusal(exc: UploadError | KnowledgeError, staff_lang: str, name: str = "") -> str:
    """Why an upload (`name`, when the reasons do not say it) cannot be published: every problem."""
    if isinstance(exc, KnowledgeError):
        problems = problems_told(exc, staff_lang)
        return staff_text(staff_lang, "upload_problems", count=len(exc.problems), problems=problems)
    named = f"{escape(name)}: " if name else ""
    return staff_text(staff_lang, "upload_invalid", error=named + problems_told(exc, staff_lang))


# --- re-ingest with progress -------------------------------------------------------------------


async def ingest_and_report(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    title: str,
    staff_lang: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Re-ingest while showing progress in `message`; the outcome replaces it (or follows it),
    with `markup` (e.g. "Announce this change") when the ingest worked."""
    settings = settings_of(context)
    owed = _owe(settings, {"chat_id": message.chat_id, "title": title, "lang": staff_lang})
    state = {"done": 0, "total": 0}
    task = asyncio.create_task(reingest(context, lambda done, total: state.update(done=done, total=total)))
    while not task.done():
        await asyncio.wait([task], timeout=PROGRESS_EVERY)
        if not task.done() and state["total"]:
            await edit(message, staff_text(staff_lang, "ingest_progress", title=title, **state))
    ok, outcome = _outcome(task, title, staff_lang)
    await tell(message, outcome, markup if ok else None)
    _settle(settings, owed)
    return ok


def _outcome(task: "asyncio.Task[index.IngestReport]", title: str, staff_lang: str) -> tuple[bool, str]:
    try:
        report = task.result()
    except KnowledgeError as exc:
        problems = problems_told(exc, staff_lang)
        return False, staff_text(staff_lang, "ingest_failed", title=title, problems=problems)
    summary = staff_text(
        staff_lang,
        "ingest_summary",
        added=report.added,
        updated=report.updated,
        removed=report.removed,
        unchanged=report.unchanged,
        seconds=f"{report.seconds:.1f}",
        embedder=escape(report.embedder),
    )
    return True, staff_text(staff_lang, "ingest_done", title=title, summary=summary)


async def edit(message: Message, body: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    try:
        await message.edit_text(body, parse_mode=ParseMode.HTML, reply_markup=markup)
    except TelegramError as exc:
        log.warning("could not update the progress message: %s", exc)
        return False
    return True


async def tell(message: Message, body: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """An outcome in place of the progress message, or as a new message if that cannot be edited."""
    if await edit(message, body, markup):
        return
    try:
        await message.get_bot().send_message(
            message.chat_id, body, parse_mode=ParseMode.HTML, reply_markup=markup
        )
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


def _titled(preview: Preview, ids: list[str]) -> str:
    return ", ".join(preview.titles.get(entry_id, entry_id) for entry_id in ids)


def _languages(staff_lang: str, langs: list[str]) -> str:
    return ", ".join(language_name(staff_lang, lang) for lang in langs)


def preview_text(preview: Preview, staff_lang: str) -> str:
    """What a publish changes, per language and by entry title; the "not published" entries it
    replaces, the translations still missing and a readable diff of menu data."""
    lines = []

    def line(what: str, details: str) -> None:
        lines.append(
            staff_text(staff_lang, "change_line", what=staff_text(staff_lang, what), details=details)
        )

    changes = {"added": preview.added, "changed": preview.changed, "removed": preview.removed}
    for what, grouped in changes.items():
        if grouped:
            line(
                what,
                escape(
                    "; ".join(
                        f"{language_name(staff_lang, lang)} {len(ids)} ({_titled(preview, ids[:5])})"
                        for lang, ids in grouped.items()
                    )
                ),
            )
    if preview.data:
        line("data_changed", escape(", ".join(preview.data)))
        for name, changes in preview.data_diff.items():
            lines.append(f"<pre>{escape(name)}\n{escape(chr(10).join(changes))}</pre>")
    if preview.retired:
        line("retired", escape(_titled(preview, preview.retired)))
    if preview.missing:
        missing = [
            f"{preview.titles.get(entry_id, entry_id)} ({_languages(staff_lang, langs)})"
            for entry_id, langs in preview.missing.items()
        ]
        line("missing_translations", escape("; ".join(missing)))
    return "\n".join(lines)


@dataclass
class Album:
    """The files of one album (media group) arriving as separate messages."""

    message: Message  # the first one: the preview answers it
    files: list[tuple[int, str, bytes]] = field(default_factory=list)  # (message id, name, content)
    pending: int = 0  # files still downloading
    last: float = field(default_factory=time.monotonic)


async def receive_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An organiser sends a file (or an album of files, or a .zip): validate it, show what it
    would change, wait for "Publish"."""
    staff_lang = user_language(update, context)
    message, document = update.effective_message, update.effective_message.document
    name = document.file_name or "upload.txt"
    audit(update, context, "upload", name)
    if (document.file_size or 0) > MAX_UPLOAD_BYTES:
        too_big = Phrase("up_too_big", name=name, limit=MAX_UPLOAD_BYTES // 1_000_000)
        await message.reply_html(refusal(UploadError(too_big), staff_lang))
        return
    if message.media_group_id is None:
        content = bytes(await (await document.get_file()).download_as_bytearray())
        await stage_and_preview(
            context, message, [(name, content)], update.effective_user.full_name, staff_lang
        )
        return
    album = _album(context, message, update.effective_user.full_name, staff_lang)
    album.pending += 1
    try:
        content = bytes(await (await document.get_file()).download_as_bytearray())
        album.files.append((message.message_id, name, content))
    finally:
        album.pending -= 1
        album.last = time.monotonic()


def _album(context: ContextTypes.DEFAULT_TYPE, message: Message, by: str, staff_lang: str) -> Album:
    """The album `message` belongs to; its first file starts the wait for the others."""
    albums: dict[str, Album] = context.bot_data.setdefault("albums", {})
    group = message.media_group_id
    if group not in albums:
        albums[group] = Album(message)
        in_background(context, _finish_album(context, group, by, staff_lang))
    return albums[group]


async def _finish_album(context: ContextTypes.DEFAULT_TYPE, group: str, by: str, staff_lang: str) -> None:
    """Once no file of the album arrived for `ALBUM_WAIT` seconds: one preview for all of them."""
    album: Album = context.bot_data["albums"][group]
    while album.pending or time.monotonic() - album.last < ALBUM_WAIT:
        await asyncio.sleep(ALBUM_WAIT / 5)
    del context.bot_data["albums"][group]
    uploads = [(name, content) for _, name, content in sorted(album.files, key=lambda f: f[0])]
    await stage_and_preview(context, album.message, uploads, by, staff_lang)


async def stage_and_preview(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    uploads: list[tuple[str, bytes]],
    by: str,
    staff_lang: str,
) -> None:
    """Stage the files as one change and show its preview with "Publish" / "Discard"."""
    publisher = publisher_of(context)
    name = uploads[0][0] if len(uploads) == 1 else staff_text(staff_lang, "album_name", count=len(uploads))
    try:
        staged = await asyncio.to_thread(publisher.stage_many, uploads, by)
    except (UploadError, KnowledgeError) as exc:
        await message.reply_html(refusal(exc, staff_lang))
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
    said = news(publisher.staged_files(key))
    try:
        version = await asyncio.to_thread(publisher.publish, key, by, name)
    except (UploadError, KnowledgeError) as exc:
        await query.message.reply_html(refusal(exc, staff_lang, name))
        return
    finally:
        if not publisher.is_staged(key):
            uploads.pop(key, None)
    title = staff_text(staff_lang, "published", name=escape(name), version=version.number)
    markup = None
    if said:
        store_of(context).keep_announcement(f"news:{key}", said, [], [])  # pressed on any replica
        markup = buttons((staff_text(staff_lang, "announce_news"), f"news:go:{key}"))
    in_background(context, ingest_and_report(context, query.message, title, staff_lang, markup))


# --- commands ------------------------------------------------------------------------------------


async def reload_knowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reload`: re-ingest `knowledge/` in the background and report."""
    staff_lang = user_language(update, context)
    audit(update, context, "reload")
    title = staff_text(staff_lang, "reloaded")
    message = await update.effective_message.reply_text(staff_text(staff_lang, "ingesting", title=title))
    in_background(context, ingest_and_report(context, message, title, staff_lang))


async def rollback_knowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/rollback`: say which publish it would undo, and ask first."""
    staff_lang = user_language(update, context)
    versions = publisher_of(context).versions()
    if not versions:
        await update.effective_message.reply_text(staff_text(staff_lang, "no_versions"))
        return
    last = versions[-1]
    await update.effective_message.reply_text(
        staff_text(
            staff_lang, "rollback_confirm", version=last.number, what=last.what, by=last.by, at=last.at
        ),
        reply_markup=buttons(
            (staff_text(staff_lang, "rollback_yes"), f"rb:go:{last.number}"),
            (staff_text(staff_lang, "cancel"), f"rb:drop:{last.number}"),
        ),
    )


async def decide_rollback(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str) -> None:
    """ "Roll back" (of the publish the question named) or "Cancel"; the outcome offers "Redo"."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    if action == "drop":
        await query.edit_message_text(staff_text(staff_lang, "rollback_cancelled"))
        return
    publisher = publisher_of(context)
    versions = publisher.versions()
    if not versions or str(versions[-1].number) != key:
        await query.edit_message_text(staff_text(staff_lang, "rollback_stale"))
        return
    audit(update, context, "rollback", key)
    try:
        undone = await asyncio.to_thread(publisher.rollback, update.effective_user.full_name)
    except UploadError as exc:
        await query.edit_message_text(staff_text(staff_lang, "no_rollback", error=exc.told(staff_lang)))
        return
    title = staff_text(staff_lang, "rolled_back", version=undone.number, what=escape(undone.what))
    await query.edit_message_text(staff_text(staff_lang, "ingesting", title=title))
    redo = buttons((staff_text(staff_lang, "redo"), f"rf:go:{undone.number}"))
    in_background(context, ingest_and_report(context, query.message, title, staff_lang, redo))


async def redo_rollback(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str) -> None:
    """ "Redo" under a rollback's outcome: roll forward to the publish it undid."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    publisher = publisher_of(context)
    audit(update, context, "redo", key)
    redoable = publisher.redoable()
    if redoable is None or str(redoable.number) != key:
        await query.message.reply_text(staff_text(staff_lang, "no_redo"))
        return
    try:
        version = await asyncio.to_thread(publisher.redo, update.effective_user.full_name)
    except UploadError as exc:
        await query.message.reply_text(staff_text(staff_lang, "no_rollback", error=exc.told(staff_lang)))
        return
    await query.edit_message_reply_markup(reply_markup=None)
    title = staff_text(staff_lang, "redone", version=version.number, what=escape(version.what))
    message = await query.message.reply_text(staff_text(staff_lang, "ingesting", title=title))
    in_background(context, ingest_and_report(context, message, title, staff_lang))


def knowledge_problems(settings: Settings, staff_lang: str) -> list[str]:
    """The knowledge folder's problems now, as `file:line: …` relative to it, in `staff_lang`."""
    root = settings.knowledge_dir
    try:
        knowledge.load(root)
    except KnowledgeError as exc:
        return [
            Problem(p.path.relative_to(root) if p.path.is_relative_to(root) else Path(p.path.name),
                    p.line, p.message).told(staff_lang)
            for p in exc.problems
        ]
    return []


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
    if problems:  # said again in the organiser's language, while the folder still has them
        problems = await asyncio.to_thread(knowledge_problems, settings_of(context), staff_lang) or problems
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
            missing=escape(missing) or staff_text(staff_lang, "none"),
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


def _counts(values: dict, staff_lang: str) -> str:
    return staff_text(staff_lang, "list_sep").join(f"{key} {value}" for key, value in values.items()) or "–"


def _duration(staff_lang: str, seconds: int | None) -> str:
    if seconds is None:
        return "–"
    return staff_text(staff_lang, "response_time", minutes=seconds // 60, seconds=seconds % 60)


def stats_text(numbers: dict, staff_lang: str) -> str:
    """/stats in words: the answer rate, the trend per day, the top questions per language and
    the staff's first-reply times."""
    waits = numbers["staff_response_s"]
    top = "".join(
        "\n   "
        + staff_text(
            staff_lang,
            "change_line",
            what=language_name(staff_lang, lang),
            details="; ".join(f"{escape(q)} ({n}×)" for q, n in asked),
        )
        for lang, asked in sorted(numbers["top_questions"].items())
    )
    rate = "–" if numbers["answer_rate"] is None else f"{numbers['answer_rate']}%"
    return staff_text(
        staff_lang,
        "stats_text",
        questions=numbers["questions"],
        rate=rate,
        per_language=_counts(
            {language_name(staff_lang, k): v for k, v in numbers["per_language"].items()}, staff_lang
        ),
        trend=staff_text(staff_lang, "list_sep").join(
            f"{day[5:]} {asked}/{answered}" for day, (asked, answered) in numbers["trend"].items()
        )
        or "–",
        top=top or " –",
        thumbs_up=numbers["thumbs_up"],
        thumbs_down=numbers["thumbs_down"],
        tickets_opened=numbers["tickets_opened"],
        tickets_resolved=numbers["tickets_resolved"],
        median=_duration(staff_lang, numbers["median_staff_response_s"]),
        slowest=_duration(staff_lang, waits[-1] if waits else None),
        replies=len(waits),
        delegates=numbers["delegates"],
    )


async def show_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/stats`: the numbers and the meeting requests (per enterprise and sector) as text, then the
    numbers as a chart (PNG)."""
    staff_lang = user_language(update, context)
    audit(update, context, "stats")
    numbers = await asyncio.to_thread(insight.stats, store_of(context))
    message = update.effective_message
    meetings = overview_text(context, meetings_of(context).sent(), staff_lang)
    await message.reply_html(f"{stats_text(numbers, staff_lang)}\n\n{meetings}")
    chart = await asyncio.to_thread(insight.stats_chart, numbers)
    await message.reply_photo(
        InputFile(chart, filename=f"stats-{dt.date.today().isoformat()}.png"),
        caption=staff_text(staff_lang, "stats_chart"),
    )


async def show_gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/gaps` (or `/gaps csv`): unanswered and 👎 questions grouped across languages, without
    the ones published knowledge now answers, each under the title of its entry."""
    staff_lang = user_language(update, context)
    audit(update, context, "gaps", " ".join(context.args))
    retriever = assistant_of(context).retriever
    threshold = settings_of(context).min_confidence
    found = await asyncio.to_thread(insight.gaps, store_of(context), retriever, threshold)
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
        title = retriever.title(gap.topic, staff_lang) or retriever.title(gap.topic, "en") or gap.topic
        topic = f"<b>{escape(title)}</b>" if gap.topic else staff_text(staff_lang, "no_close_entry")
        lines.append(staff_text(staff_lang, "gap_line", count=gap.count, topic=topic, examples=examples))
    await message.reply_html("\n".join(lines))


# --- QR codes ------------------------------------------------------------------------------------


def qr_screens(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """The screens a code may open: the menus, and a meeting request with each enterprise."""
    companies = (assistant_of(context).menu_data.get("enterprises") or {}).get("companies") or []
    return [*deeplinks.SCREENS, *(f"{deeplinks.MEET_PREFIX}{c['id']}" for c in companies)]


async def qr_codes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/qr [screen]`: one PNG QR code per language (for posters and badges) that opens the bot in
    that language (and on that screen), with the bot's username from Telegram (`getMe`)."""
    staff_lang = user_language(update, context)
    message = update.effective_message
    screen = context.args[0].lower() if context.args else None
    audit(update, context, "qr", screen or "")
    if screen is not None and (len(context.args) > 1 or screen not in qr_screens(context)):
        topics = ", ".join(qr_screens(context))
        await message.reply_text(staff_text(staff_lang, "qr_usage", topics=topics))
        return
    me = await context.bot.get_me()
    if not me.username:
        await message.reply_text(staff_text(staff_lang, "qr_no_username"))
        return
    for lang in LANGUAGES:
        start = deeplinks.payload(lang, screen)
        url = create_deep_linked_url(me.username, start)
        caption = staff_text(staff_lang, "qr_caption", language=language_name(staff_lang, lang), link=url)
        png = await asyncio.to_thread(deeplinks.qr_png, url)
        await message.reply_document(InputFile(png, filename=f"qr-{start}.png"), caption=caption)


# --- announcements -------------------------------------------------------------------------------


@dataclass
class Announcement:
    versions: dict[str, str]  # language → text
    missing: list[str]  # languages that get the fallback version
    replaces: list[str] = field(default_factory=list)  # entries it corrects, if saved as knowledge


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


async def prepare_announcement(context: ContextTypes.DEFAULT_TYPE, versions: dict[str, str]) -> Announcement:
    """The versions (translated where an LLM can), and what it would replace as knowledge."""
    for lang in LANGUAGES:
        if lang not in versions:
            source = versions.get("en") or next(iter(versions.values()))
            translated = await translate(settings_of(context), source, lang)
            if translated:
                versions[lang] = translated
    replaces = await asyncio.to_thread(corrected_entries, context, versions)
    return Announcement(versions, [lang for lang in LANGUAGES if lang not in versions], replaces)


def corrected_entries(context: ContextTypes.DEFAULT_TYPE, versions: dict[str, str]) -> list[str]:
    """The entries an announcement corrects, if saved as knowledge: the fact saying nearly the
    same (e.g. the shuttle's old time) and the "not published" entry nearest its subject, each
    sharing a word with it (similarity alone also links unrelated texts of this small corpus)
    and nearest over all its language versions together."""
    retriever = assistant_of(context).retriever
    scores: dict[tuple[bool, str], float] = {}
    for lang, body in versions.items():
        hits = retriever.candidates(body, retriever.embed(body), lang).hits
        for hit in hits:
            gap = hit.kind == "gap"
            near = hit.dense >= (GAP_MIN_DENSE if gap else REPLACES_MIN_DENSE)
            if near and hit.coverage > 0 and not hit.entry_id.startswith("announcement-"):
                scores[(gap, hit.entry_id)] = scores.get((gap, hit.entry_id), 0.0) + hit.dense
    found = []
    for gap in (False, True):
        best = max((key for key in scores if key[0] is gap), key=scores.__getitem__, default=None)
        if best is not None:
            found.append(best[1])
    return found


def fallback_language(announcement: Announcement) -> str:
    return "en" if "en" in announcement.versions else next(iter(announcement.versions))


async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/announce <message>`: preview the message per language, then "Send" (or "Announce +
    save as knowledge", so the bot answers what was announced)."""
    staff_lang = user_language(update, context)
    message = update.effective_message
    body = message.text.partition(" ")[2].strip() if message.text else ""
    if not body:
        await message.reply_text(staff_text(staff_lang, "announce_usage"))
        return
    audit(update, context, "announce", body[:200])
    await preview_announcement(context, message, parse_versions(body), staff_lang)


async def preview_announcement(
    context: ContextTypes.DEFAULT_TYPE, message: Message, versions: dict[str, str], staff_lang: str
) -> None:
    announcement = await prepare_announcement(context, versions)
    key = secrets.token_hex(4)
    keep_announcement(context, key, announcement)
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
    if announcement.replaces:
        retriever = assistant_of(context).retriever
        titles = ", ".join(
            retriever.title(i, staff_lang) or retriever.title(i, "en") or i for i in announcement.replaces
        )
        shown.append(staff_text(staff_lang, "announce_replaces", titles=escape(titles)))
    count = len([d for d in store_of(context).delegates() if not d["blocked"]])
    await message.reply_html(
        staff_text(staff_lang, "announce_preview", count=count, versions="\n\n".join(shown)),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(staff_text(staff_lang, "send"), callback_data=f"ann:send:{key}")],
                [
                    InlineKeyboardButton(
                        staff_text(staff_lang, "announce_save"), callback_data=f"ann:save:{key}"
                    )
                ],
                [InlineKeyboardButton(staff_text(staff_lang, "cancel"), callback_data=f"ann:drop:{key}")],
            ]
        ),
    )


def keep_announcement(context: ContextTypes.DEFAULT_TYPE, key: str, announcement: Announcement) -> None:
    """Keep a previewed announcement in the database until "Send" (pressed on any replica)."""
    kept = announcement
    store_of(context).keep_announcement(key, kept.versions, kept.missing, kept.replaces)


async def announce_news(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str) -> None:
    """ "Announce this change" under a publish's outcome: its entries, as an announcement preview."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    kept = store_of(context).take_announcement(f"news:{key}")
    said = kept[0] if kept else None
    if not said:
        await query.message.reply_text(staff_text(staff_lang, "announce_nothing"))
        return
    await query.edit_message_reply_markup(reply_markup=None)
    audit(update, context, "announce-publish", key)
    await preview_announcement(context, query.message, said, staff_lang)


async def decide_announcement(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, key: str
) -> None:
    """ "Send", "Announce + save as knowledge" or "Cancel" under an announcement preview."""
    staff_lang = user_language(update, context)
    query = update.callback_query
    kept = store_of(context).take_announcement(key)
    if kept is None or action == "drop":
        await query.edit_message_text(staff_text(staff_lang, "announce_cancelled"))
        return
    announcement = Announcement(*kept)
    if action == "save" and not await save_announcement(update, context, announcement, key):
        keep_announcement(context, key, announcement)  # the problem was said; the buttons still work
        return
    audit(update, context, "announce-send", key)
    delegates = [d for d in store_of(context).delegates() if not d["blocked"]]
    await query.edit_message_text(staff_text(staff_lang, "announce_sending", count=len(delegates)))
    in_background(context, deliver_announcement(context, query.message, announcement, delegates, staff_lang))


async def save_announcement(
    update: Update, context: ContextTypes.DEFAULT_TYPE, announcement: Announcement, key: str
) -> bool:
    """Publish the announcement as a knowledge entry in each of its languages, replacing the
    entries it corrects, and re-ingest in the background; False (and why) if it cannot be."""
    staff_lang = user_language(update, context)
    by = update.effective_user.full_name
    entry_id = f"announcement-{dt.date.today():%Y%m%d}-{key}"
    files = announcement_files(announcement.versions, entry_id, announcement.replaces, by)
    message = update.callback_query.message
    try:
        what = f"📢 {headline(next(iter(announcement.versions.values())))}"  # no words in one language
        version = await asyncio.to_thread(publisher_of(context).add_files, files, by, what)
    except (UploadError, KnowledgeError) as exc:
        await message.reply_html(refusal(exc, staff_lang))
        return False
    audit(update, context, "announce-save", entry_id)
    title = staff_text(
        staff_lang, "published", name=staff_text(staff_lang, "announcement_saved"), version=version.number
    )
    progress = await message.reply_html(staff_text(staff_lang, "ingesting", title=title))
    in_background(context, ingest_and_report(context, progress, title, staff_lang))
    return True


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
    "qr": qr_codes,
}


MENU = (*COMMANDS, "meetings", "savereply")  # with the overview of meetings.py and saved replies


def organiser_commands(lang: str) -> list[BotCommand]:
    """The organisers' commands for their menu, described in `lang`."""
    return [BotCommand(command, staff_text(lang, f"cmd_{command}")) for command in MENU]


def add_organiser_handlers(application: Application) -> None:
    """Organisers' commands, uploads and buttons; a polite refusal for everyone else."""
    admins = filters.User(user_id=application.bot_data["settings"].admin_ids, allow_empty=False)
    for command, handler in COMMANDS.items():
        application.add_handler(CommandHandler(command, handler, filters=admins))
    application.add_handler(CommandHandler(list(COMMANDS), refuse_non_admin))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL & admins, receive_upload)
    )
    button_handlers: list[tuple[ButtonAction, str]] = [
        (decide_upload, r"^pub:(go|drop):\d+$"),
        (decide_announcement, r"^ann:(send|save|drop):[0-9a-f]+$"),
        (announce_news, r"^news:go:\d+$"),
        (decide_rollback, r"^rb:(go|drop):\d+$"),
        (redo_rollback, r"^rf:go:\d+$"),
    ]
    for act, pattern in button_handlers:
        application.add_handler(CallbackQueryHandler(admin_button(act), pattern=pattern))
    if application.job_queue:
        # however long the start takes (no "misfire" skipping the job)
        application.job_queue.run_once(
            catch_up, when=0, name="catch-up ingest", job_kwargs={"misfire_grace_time": None}
        )
