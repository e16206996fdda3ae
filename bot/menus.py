"""Menus built from the structured knowledge (`knowledge/data/*.yaml`): agenda, enterprises, investment.

Texts are Telegram HTML (escaped); each function takes the delegate's language.
"""

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import text

GROUPS = ("presented", "foreign_invested", "exports_to_europe")
MENU_OF_TOPIC = {"event": "agenda", "people": "agenda", "enterprises": "enterprises", "lishui": "invest"}
MENUS = ("agenda", "enterprises", "invest")


def related_menu(topic: str) -> str | None:
    """The menu that shows more about an entry's topic (None for general questions)."""
    return MENU_OF_TOPIC.get(topic)


def tr(value: Any, lang: str) -> str:
    """A language mapping ({zh, en, it}) in `lang`, escaped for HTML; plain values as they are."""
    if isinstance(value, dict):
        value = value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return html.escape(str(value)) if value is not None else ""


def agenda(data: dict[str, Any], lang: str) -> str:
    """The programme, in the order reported; a missing clock time is said to be unpublished."""
    agenda_data = data.get("agenda") or {}
    event = agenda_data.get("event") or {}
    lines = [f"<b>📅 {text(lang, 'agenda_title')}</b>"]
    if event:
        lines.append(f"<b>{tr(event.get('name'), lang)}</b>")
        when = " · ".join(
            part for part in (tr(event.get("date"), lang), tr(event.get("part_of_day"), lang)) if part
        )
        lines.append(f"🗓 {when}")
        if event.get("venue"):
            lines.append(f"📍 {tr(event['venue'], lang)}")
        if event.get("part_of"):
            lines.append(f"🏛 {tr(event['part_of'], lang)}")
    lines.append("")
    for number, item in enumerate(agenda_data.get("items") or [], start=1):
        time = tr(item.get("time"), lang) or text(lang, "time_unknown")
        lines.append(f"<b>{number}. {tr(item.get('title'), lang)}</b> <i>({time})</i>")
        for speaker in item.get("speakers") or []:
            lines.append(f"   • {tr(speaker.get('name'), lang)}, {tr(speaker.get('role'), lang)}")
        if item.get("details"):
            lines.append(f"   {tr(item['details'], lang)}")
    return "\n".join(lines).strip()


def invest(data: dict[str, Any], lang: str) -> str:
    sections = (data.get("invest") or {}).get("sections") or []
    lines = [f"<b>🏭 {text(lang, 'invest_title')}</b>"]
    for section in sections:
        lines += ["", f"<b>{tr(section.get('title'), lang)}</b>"]
        if section.get("text"):
            lines.append(tr(section["text"], lang))
        lines += [f"• {tr(item, lang)}" for item in section.get("items") or []]
    return "\n".join(lines)


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"ent:{target}") for label, target in row]
            for row in rows
        ]
    )


def enterprises(data: dict[str, Any], lang: str, path: str) -> tuple[str, InlineKeyboardMarkup]:
    """One screen of the enterprise browser: `root`, `side:<id>`, `group:<id>` or `co:<id>`."""
    ent = data.get("enterprises") or {}
    sides = {side["id"]: side for side in ent.get("sides") or []}
    companies = {company["id"]: company for company in ent.get("companies") or []}
    kind, _, key = path.partition(":")
    key, _, came_from = key.partition("@")  # a company remembers the list it was opened from
    if kind == "side" and key in sides:
        return _side_screen(sides[key], companies, lang)
    if kind == "group" and key in GROUPS:
        return _group_screen(key, companies, lang)
    if kind == "co" and key in companies:
        return _company_screen(companies[key], sides, lang, came_from)
    return _root_screen(sides, companies, lang)


def _root_screen(
    sides: dict[str, Any], companies: dict[str, Any], lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>🏢 {text(lang, 'enterprises_title')}</b>"]
    lines += [f"• {tr(side.get('name'), lang)}: {side.get('count', '?')}" for side in sides.values()]
    lines += ["", text(lang, "enterprises_pick")]
    rows = [
        [(f"{tr(side.get('name'), lang)} ({side.get('count', '?')})", f"side:{side_id}")]
        for side_id, side in sides.items()
    ]
    present = {company.get("group") for company in companies.values()}
    rows += [[(text(lang, f"group_{group}"), f"group:{group}")] for group in GROUPS if group in present]
    return "\n".join(lines), _keyboard(rows)


def _side_screen(
    side: dict[str, Any], companies: dict[str, Any], lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>{tr(side.get('name'), lang)}</b> ({side.get('count', '?')})"]
    if side.get("summary"):
        lines.append(tr(side["summary"], lang))
    if side.get("sectors"):
        lines += ["", f"<b>{text(lang, 'sectors')}</b>"]
        lines += [f"• {tr(sector, lang)}" for sector in side["sectors"]]
    named = [(cid, c) for cid, c in companies.items() if c.get("side") == side["id"]]
    rows = [[(tr(c.get("name"), lang), f"co:{cid}@side:{side['id']}")] for cid, c in named]
    return "\n".join(lines), _keyboard([*rows, [(text(lang, "back"), "root")]])


def _group_screen(group: str, companies: dict[str, Any], lang: str) -> tuple[str, InlineKeyboardMarkup]:
    members = [(cid, c) for cid, c in companies.items() if c.get("group") == group]
    lines = [f"<b>{text(lang, f'group_{group}')}</b>"]
    lines += [f"• {tr(c.get('name'), lang)}" for _, c in members]
    rows = [[(tr(c.get("name"), lang), f"co:{cid}@group:{group}")] for cid, c in members]
    return "\n".join(lines), _keyboard([*rows, [(text(lang, "back"), "root")]])


def _company_screen(
    company: dict[str, Any], sides: dict[str, Any], lang: str, came_from: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>{tr(company.get('name'), lang)}</b>"]
    side = sides.get(company.get("side"))
    if side:
        lines.append(f"🏷 {tr(side.get('name'), lang)}")
    if company.get("country"):
        lines.append(f"{text(lang, 'country')}: {tr(company['country'], lang)}")
    if company.get("sector"):
        lines.append(f"{text(lang, 'sector')}: {tr(company['sector'], lang)}")
    if company.get("note"):
        lines += ["", tr(company["note"], lang)]
    kind, _, key = came_from.partition(":")
    known = (kind == "side" and key in sides) or (kind == "group" and key in GROUPS)
    back = came_from if known else "root"
    meet = InlineKeyboardButton(text(lang, "meet_button"), callback_data=f"meet:co:{company['id']}")
    rows = _keyboard([[(text(lang, "back"), back)]]).inline_keyboard
    return "\n".join(lines), InlineKeyboardMarkup([[meet], *rows])
