"""Changing the knowledge base without a terminal: stage uploaded files (one, an album, or a
.zip unpacked within limits), preview what they change, publish them as one new version (then
re-ingest), roll back to the previous one and redo a rollback. Documents become one entry per
heading; an announcement can become an entry that replaces what it corrects.

A staged upload keeps only its own files (and the document parts it replaces); publishing
applies them onto the *current* knowledge folder, validated by the same loader as `ingest.py`,
so two organisers' publishes never undo each other. Every change to the folder happens under
one file lock (across processes) and swaps whole folders; a crash half-way is recovered.
Versions are snapshots of the whole folder under `DATA_DIR/versions/`, written under a
temporary name and renamed, so an incomplete one is never taken for a version.
"""

import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import frontmatter
import yaml
from filelock import FileLock, Timeout

from bot import knowledge
from bot.config import Settings
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, entry_file
from bot.language import detect
from bot.texts import Phrase, told

log = logging.getLogger(__name__)

DOCUMENT_TYPES = (".md", ".markdown", ".txt", ".yaml", ".yml", ".pdf", ".docx")
UPLOAD_TYPES = (*DOCUMENT_TYPES, ".zip")  # a .zip of documents is published as one version
MAX_UPLOAD_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 30_000_000  # a .docx whose parts declare more is refused before reading
MAX_DOCUMENT_CHARS = 100_000  # text taken from one document
MAX_PDF_PAGES = 200
PART_CHARS = 1500
STAGED_FOR = 24 * 3600  # seconds an undecided upload is kept
LOCK_WAIT = 30.0  # seconds a publish waits for another one to finish
DIFF_LINES = 12  # menu data changes listed in a preview
MAX_ARCHIVE_FILES = 50  # files in one .zip or album
MAX_RATIO = 100  # a zip member unpacking to more than this many times its packed size is a bomb
HEADING_CHARS = 80  # a line this short without closing punctuation, followed by text, is a heading
_HEADING_END = tuple(".!?;:,。！？；：，、…)")
_SENTENCE_END = tuple(".!?。！？")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*$")
REDOABLE = "redoable.json"  # in an undone snapshot: the version a rollback undid, until redone
_SLUG = re.compile(r"[^a-z0-9]+")
_ERRNO = re.compile(r"\[Errno \d+\] (?P<reason>[^:]+)")
_UPLOADED_AS = re.compile(r"^uploaded document (?P<name>.+) \(")


class UploadError(Exception):
    """An upload that cannot become knowledge: every reason, as phrases for the organiser (`told`
    in their language); `str()` gives them in English."""

    def __init__(self, *reasons: Phrase) -> None:
        self.reasons = list(reasons)
        super().__init__("\n".join(reasons))

    def told(self, lang: str) -> str:
        return "\n".join(str(told(reason, lang)) for reason in self.reasons)


@dataclass
class Preview:
    """What publishing a staged change would do, per language."""

    added: dict[str, list[str]] = field(default_factory=dict)  # lang → entry ids
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)  # data files added or changed
    data_diff: dict[str, list[str]] = field(default_factory=dict)  # data file → readable changes
    retired: list[str] = field(default_factory=list)  # gap entries a new fact `replaces`
    missing: dict[str, list[str]] = field(default_factory=dict)  # new or changed entry → languages it lacks
    titles: dict[str, str] = field(default_factory=dict)  # entry id → its title (English if it has one)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.data)


@dataclass(frozen=True)
class Staged:
    """A validated copy of the knowledge folder with one upload applied, waiting under `key`."""

    key: str
    preview: Preview


@dataclass(frozen=True)
class Version:
    number: int
    at: str
    by: str
    what: str


def slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:40] or "document"


# --- turning an upload into knowledge files ---------------------------------------------------


def _docx_text(name: str, content: bytes) -> str:
    """The paragraphs of a .docx, after checking what its zip declares it unpacks to."""
    from docx import Document

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // 1_000_000
        raise UploadError(Phrase("up_docx_unpacks", name=name, size=unpacked // 1_000_000, limit=limit))
    paragraphs, size = [], 0
    for paragraph in Document(io.BytesIO(content)).paragraphs:
        if paragraph.text.strip():
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            heading = style.startswith(("Heading", "Title"))
            paragraphs.append(f"# {paragraph.text.strip()}" if heading else paragraph.text)
            size += len(paragraph.text)
            _check_length(name, size)
    return "\n\n".join(paragraphs)


def _pdf_text(name: str, content: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    if len(pages) > MAX_PDF_PAGES:
        raise UploadError(Phrase("up_pdf_pages", name=name, pages=len(pages), limit=MAX_PDF_PAGES))
    texts, size = [], 0
    for page in pages:
        texts.append(page.extract_text() or "")
        size += len(texts[-1])
        _check_length(name, size)
    return "\n\n".join(texts)


def _check_length(name: str, chars: int) -> None:
    if chars > MAX_DOCUMENT_CHARS:
        raise UploadError(Phrase("up_too_long", name=name, limit=MAX_DOCUMENT_CHARS))


def document_text(name: str, content: bytes) -> str:
    """The plain text of an uploaded .txt, .pdf or .docx document (a UTF-8 BOM is accepted)."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf_text(name, content).strip()
        if suffix == ".docx":
            return _docx_text(name, content).strip()
        return content.decode("utf-8-sig").strip()
    except UploadError:
        raise
    except UnicodeDecodeError as exc:
        raise UploadError(Phrase("up_not_utf8", name=name)) from exc
    except Exception as exc:  # a broken PDF or DOCX: any parser error means "cannot read it"
        log.info("cannot read the uploaded %s: %r", name, exc)
        raise UploadError(Phrase("up_unreadable", name=name)) from exc


def _parts(text: str) -> list[str]:
    """Paragraph-aligned pieces of at most `PART_CHARS` characters."""
    parts, current = [], ""
    for paragraph in (p.strip() for p in re.split(r"\n\s*\n", text)):
        while len(paragraph) > PART_CHARS:
            parts.append(paragraph[:PART_CHARS])
            paragraph = paragraph[PART_CHARS:]
        if current and len(current) + len(paragraph) + 2 > PART_CHARS:
            parts.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}".strip() if paragraph else current
    return [*parts, current] if current else parts


def _heading(lines: list[str], number: int, loose: bool) -> str | None:
    """The title when line `number` is a heading: a Markdown `# Title` (as .docx headings are
    written), or a short line without closing punctuation that starts a block followed by longer
    text (`loose`, for PDF text without blank lines: a line after a finished sentence starts one)."""
    line = lines[number].strip()
    marked = _MARKDOWN_HEADING.match(line)
    if marked:
        return marked["title"].strip()
    previous = lines[number - 1].strip() if number else ""
    starts_block = not previous or (loose and previous.endswith(_SENTENCE_END))
    following = next((later.strip() for later in lines[number + 1 :] if later.strip()), "")
    plain = 0 < len(line) <= HEADING_CHARS and not line.endswith(_HEADING_END) and not line[0].islower()
    return line if plain and starts_block and len(following) > len(line) else None


def sections(text: str, loose: bool = False) -> list[tuple[str | None, str]]:
    """(heading or None, text) for each section of a plain document, in order; text before the
    first heading is a section without a heading."""
    lines = text.splitlines()
    found: list[tuple[str | None, list[str]]] = [(None, [])]
    for number, line in enumerate(lines):
        title = _heading(lines, number, loose)
        if title is not None:
            found.append((title, []))
        else:
            found[-1][1].append(line)
    return [(title, "\n".join(body).strip()) for title, body in found if "\n".join(body).strip()]


def _section_id(stem: str, title: str | None, number: int, used: set[str]) -> str:
    named = slug(title or "")
    entry_id = f"doc-{stem}-{named}" if title and named != "document" else f"doc-{stem}-{number}"
    while entry_id in used:
        entry_id = f"{entry_id}-{number}"
    used.add(entry_id)
    return entry_id


def document_entries(name: str, text: str, by: str) -> dict[str, str]:
    """A plain document as entries in the language it is written in: one per heading (titled from
    it), a long section split into parts; a document without headings is titled after the file."""
    if not text:
        raise UploadError(Phrase("up_no_text", name=name))
    lang = detect(text[:2000])
    stem, label = slug(Path(name).stem), Path(name).stem
    pieces = [
        (title, part, number, len(parts))
        for title, body in sections(text, loose=Path(name).suffix.lower() == ".pdf")
        for parts in [_parts(body)]
        for number, part in enumerate(parts, start=1)
    ]
    files, used = {}, set()
    for count, (title, part, number, total) in enumerate(pieces, start=1):
        if len(pieces) == 1 and title is None:
            entry_id = f"doc-{stem}"
        else:
            entry_id = _section_id(stem, title, count, used)
        meta = {
            "id": entry_id,
            "lang": lang,
            "topic": "faq",
            "title": (title or label) + (f" ({number}/{total})" if total > 1 else ""),
            "source": f"uploaded document {name} ({by})",
            "updated": dt.date.today(),
        }
        files[f"entries/{entry_id}.{lang}.md"] = entry_file(meta, part)
    return files


def upload_files(name: str, content: bytes, by: str) -> dict[str, str]:
    """Knowledge files (path relative to `knowledge/` → text) made from one uploaded file."""
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise UploadError(Phrase("up_type", name=name, types=", ".join(UPLOAD_TYPES)))
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(Phrase("up_too_big", name=name, limit=MAX_UPLOAD_BYTES // 1_000_000))
    if suffix in (".yaml", ".yml"):
        return {f"data/{slug(Path(name).stem)}.yaml": document_text(name, content)}
    if suffix in (".md", ".markdown"):
        text = document_text(name, content)
        if text.startswith("---"):
            return {_entry_path(name, text): text + "\n"}
        return document_entries(name, text, by)
    text = document_text(name, content)
    _check_length(name, len(text))
    return document_entries(name, text, by)


def _unsafe(member: str) -> bool:
    path = PurePosixPath(member.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in member


def _skipped(member: str) -> bool:
    """Folders and what file managers add to archives (`__MACOSX/`, `.DS_Store`)."""
    parts = PurePosixPath(member).parts
    hidden = [part for part in parts if part != ".." and part.startswith((".", "__MACOSX"))]
    return member.endswith("/") or bool(hidden)


def _member_problem(name: str, info: zipfile.ZipInfo) -> Phrase | None:
    member = info.filename
    if _unsafe(member):
        return Phrase("up_outside", name=name, member=member)
    if Path(member).suffix.lower() == ".zip":
        return Phrase("up_nested", name=name, member=member)
    if info.file_size > MAX_UPLOAD_BYTES:
        return Phrase("up_member_big", name=name, member=member, limit=MAX_UPLOAD_BYTES // 1_000_000)
    if info.file_size and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return Phrase("up_bomb", name=name, member=member, ratio=MAX_RATIO)
    return None


def archive_members(name: str, content: bytes) -> list[tuple[str, bytes]]:
    """The files of an uploaded .zip as `("<zip>/<member>", content)`, after checking the count,
    the declared sizes and ratios and the paths; a member is read no further than it declares."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(Phrase("up_bad_zip", name=name)) from exc
    members = [info for info in archive.infolist() if not _skipped(info.filename)]
    if not members:
        raise UploadError(Phrase("up_empty_zip", name=name))
    if len(members) > MAX_ARCHIVE_FILES:
        raise UploadError(Phrase("up_zip_count", name=name, count=len(members), limit=MAX_ARCHIVE_FILES))
    unpacked = sum(info.file_size for info in members)
    problems = [problem for info in members if (problem := _member_problem(name, info))]
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // 1_000_000
        problems.append(Phrase("up_zip_unpacks", name=name, size=unpacked // 1_000_000, limit=limit))
    if problems:
        raise UploadError(*problems)
    found = []
    for info in members:
        try:
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as exc:
            log.info("cannot unpack %s from %s: %r", info.filename, name, exc)
            raise UploadError(Phrase("up_cannot_unpack", name=name, member=info.filename)) from exc
        if len(data) > info.file_size:
            raise UploadError(Phrase("up_member_lies", name=name, member=info.filename))
        found.append((f"{name}/{info.filename}", data))
    return found


@dataclass
class Batch:
    """The knowledge files made from one publish's uploaded files (an album, a .zip, one file)."""

    files: dict[str, str]  # path relative to `knowledge/` → text
    origin: dict[str, str]  # path → the uploaded file it came from

    def documents(self) -> dict[str, dict[str, str]]:
        """Uploaded file → the files made from it."""
        grouped: dict[str, dict[str, str]] = {}
        for path, name in self.origin.items():
            grouped.setdefault(name, {})[path] = self.files[path]
        return grouped


def _expanded(uploads: list[tuple[str, bytes]], errors: list[Phrase]) -> list[tuple[str, bytes]]:
    expanded = []
    for name, content in uploads:
        try:
            is_zip = Path(name).suffix.lower() == ".zip"
            expanded += archive_members(name, content) if is_zip else [(name, content)]
        except UploadError as exc:
            errors += exc.reasons
    if len(expanded) > MAX_ARCHIVE_FILES:
        errors.append(Phrase("up_publish_count", count=len(expanded), limit=MAX_ARCHIVE_FILES))
    return expanded


def batch_files(uploads: list[tuple[str, bytes]], by: str) -> Batch:
    """Knowledge files from several uploaded files (a .zip counts as its files); `UploadError`
    listing every file that cannot become knowledge, all at once."""
    errors: list[Phrase] = []
    batch = Batch({}, {})
    for name, content in _expanded(uploads, errors):
        try:
            made = upload_files(name, content, by)
        except UploadError as exc:
            errors += exc.reasons
            continue
        clashes = [path for path in made if path in batch.files]
        errors += [Phrase("up_clash", name=name, path=path, other=batch.origin[path]) for path in clashes]
        batch.files.update(made)
        batch.origin.update(dict.fromkeys(made, name))
    if errors:
        raise UploadError(*errors)
    return batch


def _entry_path(name: str, text: str) -> str:
    """Where an uploaded entry goes: named by its own front matter (`<id>.<lang>.md`).

    A front matter that cannot be read, or lacks a valid `id` or `lang`, is not refused here: the
    file is staged under a name made from what it has, and the validator reports every problem
    with its line at once."""
    try:
        meta = knowledge.load_yaml(frontmatter.YAMLHandler().split(text)[0])
    except (ValueError, yaml.YAMLError, RecursionError):
        return f"entries/{slug(Path(name).stem)}.md"
    meta = meta if isinstance(meta, dict) else {}
    entry_id = slug(str(meta.get("id") or Path(name).stem))
    lang = str(meta.get("lang", ""))
    return f"entries/{entry_id}.{lang if re.fullmatch('[a-z]{2}', lang) else 'xx'}.md"


def replaced_parts(name: str, files: dict[str, str], folder: Path) -> list[str]:
    """The parts of an earlier upload of the same document (same name and language) that its new
    version does not have: a document is replaced as a whole."""
    stem = slug(Path(name).stem)
    if not files or not all(path.startswith(f"entries/doc-{stem}") for path in files):
        return []  # an entry or data file, not a document
    langs = "|".join(sorted({path.rsplit(".", 2)[-2] for path in files}))
    pattern = re.compile(rf"^doc-{re.escape(stem)}(?:-[a-z0-9-]+)?\.(?:{langs})\.md$")
    return sorted(
        f"entries/{path.name}"
        for path in folder.glob("entries/doc-*.md")
        if pattern.match(path.name) and f"entries/{path.name}" not in files and _uploaded_as(path) == stem
    )


def _uploaded_as(path: Path) -> str:
    """The slug of the document an uploaded part came from ("" for any other entry)."""
    try:
        meta = knowledge.load_yaml(frontmatter.YAMLHandler().split(path.read_text(encoding="utf-8"))[0])
        found = _UPLOADED_AS.match(str(meta.get("source", "")))
    except (OSError, ValueError, UnicodeDecodeError, AttributeError, yaml.YAMLError):
        return ""
    return slug(Path(found["name"]).stem) if found else ""


def headline(text: str, limit: int = 60) -> str:
    """The first line of a text, cut at a word within `limit` characters."""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(",;:") + "…"


def announcement_files(
    versions: dict[str, str], entry_id: str, replaces: list[str], by: str
) -> dict[str, str]:
    """An announcement (language → text) as a knowledge entry in each of its languages; it
    `replaces` the entries it corrects, so the bot answers the announced fact."""
    files = {}
    for lang, body in versions.items():
        meta = {
            "id": entry_id,
            "lang": lang,
            "topic": "event",
            "title": headline(body),
            "source": f"announcement ({by}, {dt.date.today().isoformat()})",
            "updated": dt.date.today(),
        }
        if replaces:
            meta["replaces"] = replaces
        files[f"entries/{entry_id}.{lang}.md"] = entry_file(meta, body)
    return files


def news(files: dict[str, str], limit: int = 3000) -> dict[str, str]:
    """What a publish's entries say, per language ("title: text" each), to announce it."""
    said: dict[str, list[str]] = {}
    for path, text in sorted(files.items()):
        if not path.startswith("entries/"):
            continue
        try:
            entry = frontmatter.loads(text)
        except (ValueError, yaml.YAMLError):
            continue
        lang = str(entry.get("lang", ""))
        if entry.get("kind", "fact") == "fact" and entry.content.strip() and lang:
            said.setdefault(lang, []).append(f"{entry.get('title', '')}: {entry.content.strip()}")
    return {lang: "\n\n".join(parts)[:limit] for lang, parts in said.items()}


# --- staging, preview, publishing ---------------------------------------------------------------


def _snapshot(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    return {entry.key: repr((entry.title, entry.body, entry.questions, entry.kind)) for entry in kb.entries}


def _group(keys: set[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for entry_id, lang in sorted(keys):
        grouped.setdefault(lang, []).append(entry_id)
    return grouped


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """`path → value` for every scalar; list items are named by their `id` when they have one."""
    if isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [
            (str(item.get("id")) if isinstance(item, dict) and item.get("id") else str(number), item)
            for number, item in enumerate(value, start=1)
        ]
    else:
        return {prefix or "(value)": "–" if value is None else str(value)}
    flat: dict[str, str] = {}
    for key, item in items:
        flat.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
    return flat


def data_changes(before: Any, after: Any) -> list[str]:
    """A readable diff of one menu data file: `+ path: new`, `- path: old`, `~ path: old → new`."""
    old, new = _flatten(before) if before is not None else {}, _flatten(after)
    lines = [f"~ {key}: {old[key]} → {new[key]}" for key in new if key in old and old[key] != new[key]]
    lines += [f"+ {key}: {new[key]}" for key in new if key not in old]
    lines += [f"- {key}: {old[key]}" for key in old if key not in new]
    shorten = [line if len(line) <= 120 else line[:119] + "…" for line in lines]
    more = len(shorten) - DIFF_LINES
    return shorten[:DIFF_LINES] + ([f"… {more} more"] if more > 0 else [])


def compare(before: KnowledgeBase, after: KnowledgeBase) -> Preview:
    old, new = _snapshot(before), _snapshot(after)
    changed = {key for key in set(old) & set(new) if old[key] != new[key]}
    touched = {entry_id for entry_id, _ in (set(new) - set(old)) | changed}
    data = sorted(name for name, value in after.data.items() if before.data.get(name) != value)
    retired = sorted(_replaced(after) - _replaced(before))
    named = {entry_id for entry_id, _ in set(old) ^ set(new)} | touched | set(retired)
    return Preview(
        added=_group(set(new) - set(old)),
        changed=_group(changed),
        removed=_group(set(old) - set(new)),
        data=data,
        data_diff={name: data_changes(before.data.get(name), after.data[name]) for name in data},
        retired=retired,
        missing={key: langs for key, langs in after.missing_translations().items() if key in touched},
        titles={entry_id: _title(before, after, entry_id) for entry_id in named},
    )


def _title(before: KnowledgeBase, after: KnowledgeBase, entry_id: str) -> str:
    entry = after.get(entry_id, "en") or before.get(entry_id, "en")
    return entry.title if entry else entry_id


def _replaced(kb: KnowledgeBase) -> set[str]:
    return set(knowledge.gaps_filled(kb.entries))


@dataclass(frozen=True)
class Change:
    """What one upload or draft does to the knowledge folder (paths relative to it)."""

    write: dict[str, str]
    remove: tuple[str, ...] = ()
    origin: dict[str, str] = field(default_factory=dict)  # written path → the uploaded file

    @property
    def paths(self) -> list[str]:
        return sorted({*self.write, *self.remove})


def _change(batch: Batch, folder: Path) -> Change:
    """The batch's files, and the parts of earlier uploads of its documents they replace."""
    remove = {
        path
        for name, files in batch.documents().items()
        for path in replaced_parts(name, files, folder)
    }
    return Change(batch.files, tuple(sorted(remove)), batch.origin)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


@contextmanager
def _disk_errors() -> Iterator[None]:
    """A full disk (or any file system error) as a message for the organiser, without paths."""
    try:
        yield
    except OSError as exc:
        log.exception("writing the knowledge failed")
        reason = exc.strerror or _first_reason(exc)
        raise UploadError(Phrase("up_disk", reason=reason)) from exc


def _first_reason(exc: OSError) -> str:
    """What went wrong first in a `shutil.Error` (a list of per-file errors), without the paths."""
    found = _ERRNO.search(str(exc.args[0][0][2])) if isinstance(exc, shutil.Error) and exc.args[0] else None
    return found["reason"] if found else "file system error"


class Publisher:
    """Stages uploads, publishes them as numbered versions and rolls back."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.publish_dir / "versions"
        self.staging = settings.publish_dir / "staging"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One change to the knowledge folder at a time, across threads and processes."""
        self.settings.publish_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.settings.publish_dir / "knowledge.lock", timeout=LOCK_WAIT)
        try:
            lock.acquire()
        except Timeout as exc:
            raise UploadError(Phrase("up_busy")) from exc
        try:
            recover(self.settings.knowledge_dir)
            yield
        finally:
            lock.release()

    def stage(self, name: str, content: bytes, by: str) -> Staged:
        """One uploaded file (or .zip) waiting for "Publish"; see `stage_many`."""
        return self.stage_many([(name, content)], by)

    def stage_many(self, uploads: list[tuple[str, bytes]], by: str) -> Staged:
        """Keep uploaded files waiting for "Publish" as one change and preview them on the current
        knowledge; `KnowledgeError` (with `file:line` problems, named after the uploaded files) if
        not valid, `UploadError` listing every file that cannot become knowledge."""
        batch = batch_files(uploads, by)
        label = ", ".join(name for name, _ in uploads)
        with self._locked(), _disk_errors():
            self._sweep()
            key = str(time.time_ns() // 1000)
            while (self.staging / key).exists():
                key = str(int(key) + 1)
            folder = self.staging / key
            try:
                change = _change(batch, self.settings.knowledge_dir)
                preview = self._preview(change)
                base = {path: _digest(self.settings.knowledge_dir / path) for path in change.paths}
                folder.mkdir(parents=True)
                record = {"name": label, "write": batch.files, "origin": batch.origin, "base": base}
                _write_json(folder / "upload.json", record)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        return Staged(key, preview)

    def staged_files(self, key: str) -> dict[str, str]:
        """The knowledge files a staged upload writes ({} when it is no longer staged)."""
        try:
            return json.loads((self.staging / key / "upload.json").read_text(encoding="utf-8"))["write"]
        except (OSError, ValueError, KeyError):
            return {}

    def is_staged(self, key: str) -> bool:
        return key.isdigit() and (self.staging / key / "upload.json").is_file()

    def _sweep(self) -> None:
        """Forget uploads nobody published or discarded within `STAGED_FOR`, and half-written ones."""
        for folder in self.staging.glob("*"):
            expired = folder.name.isdigit() and int(folder.name) / 1e6 < time.time() - STAGED_FOR
            if expired or not (folder / "upload.json").is_file():
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self, key: str) -> None:
        if key.isdigit():
            shutil.rmtree(self.staging / key, ignore_errors=True)

    def _preview(self, change: Change) -> Preview:
        with self._applied(change) as after:
            return compare(knowledge.load(self.settings.knowledge_dir), after[1])

    @contextmanager
    def _applied(self, change: Change) -> Iterator[tuple[Path, KnowledgeBase]]:
        """The current knowledge with `change` applied, in a scratch folder, validated."""
        folder = self.staging / f".work-{uuid.uuid4().hex}"
        try:
            shutil.copytree(self.settings.knowledge_dir, folder)
            for relative in change.remove:
                (folder / relative).unlink(missing_ok=True)
            for relative, text in change.write.items():
                (folder / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / relative).write_text(text, encoding="utf-8")
            try:
                after = knowledge.load(folder)
            except KnowledgeError as exc:
                problems = [_renamed(p, folder, change.origin) for p in exc.problems]
                raise KnowledgeError(problems) from None
            yield folder, after
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def check(self, files: dict[str, str], name: str) -> None:
        """Raise `KnowledgeError` (paths relative to the knowledge folder) if adding `files` to the
        current knowledge would not be valid."""
        with self._locked(), _disk_errors(), self._applied(Change(files, origin=dict.fromkeys(files, name))):
            pass

    def publish(self, key: str, by: str, what: str) -> Version:
        """Apply the staged upload `key` to the current knowledge (the old one is kept as a version).

        Refused (`UploadError`) when a file it changes was changed by someone else since its
        preview; `KnowledgeError` when it no longer fits the current knowledge."""
        with self._locked(), _disk_errors():
            if not self.is_staged(key):
                raise UploadError(Phrase("up_gone"))
            upload = json.loads((self.staging / key / "upload.json").read_text(encoding="utf-8"))
            live = self.settings.knowledge_dir
            stale = [path for path, was in upload["base"].items() if _digest(live / path) != was]
            if stale:
                self.discard(key)
                raise UploadError(Phrase("up_stale", paths=", ".join(stale), name=upload["name"]))
            origin = upload.get("origin") or dict.fromkeys(upload["write"], upload["name"])
            batch = Batch(upload["write"], origin)
            version = self._apply(_change(batch, live), by, what)
            self.discard(key)
        return version

    def add_files(self, files: dict[str, str], by: str, what: str) -> Version:
        """Add (or replace) knowledge files, e.g. an approved draft, as a new version."""
        with self._locked(), _disk_errors():
            return self._apply(Change(files, origin=dict.fromkeys(files, what)), by, what)

    def _apply(self, change: Change, by: str, what: str) -> Version:
        with self._applied(change) as (folder, _):
            version = self._save_version(by, what)
            _replace(self.settings.knowledge_dir, folder)
        for marker in (self.root / "undone").glob(f"*/{REDOABLE}"):  # a new publish: no redo
            marker.unlink()
        return version

    def rollback(self, by: str) -> Version:
        """Undo the last publish: restore the knowledge as it was before it. Each rollback goes one
        publish further back; the replaced knowledge is kept under `versions/undone/`, from where
        `redo` brings it back until something new is published."""
        with self._locked(), _disk_errors():
            versions = self.versions()
            if not versions:
                raise UploadError(Phrase("up_no_version"))
            last = versions[-1]
            undone = self.root / "undone" / f"{last.number}-{time.time_ns()}"
            shutil.copytree(self.settings.knowledge_dir, undone / "knowledge")
            (undone / "rolled-back-by.txt").write_text(by, encoding="utf-8")
            _write_json(undone / REDOABLE, last.__dict__)
            _replace(self.settings.knowledge_dir, self.root / str(last.number) / "knowledge")
            shutil.rmtree(self.root / str(last.number))
        return last

    def redoable(self) -> Version | None:
        """The publish the last rollback undid, while it can still be redone."""
        found = self._undone()
        return Version(**json.loads((found / REDOABLE).read_text(encoding="utf-8"))) if found else None

    def _undone(self) -> Path | None:
        marked = [path.parent for path in (self.root / "undone").glob(f"*/{REDOABLE}")]
        return max(marked, key=lambda folder: int(folder.name.rpartition("-")[2]), default=None)

    def redo(self, by: str) -> Version:
        """Roll forward: publish again what the last rollback undid (as the version it was)."""
        with self._locked(), _disk_errors():
            folder = self._undone()
            if folder is None:
                raise UploadError(Phrase("up_no_redo"))
            undone = Version(**json.loads((folder / REDOABLE).read_text(encoding="utf-8")))
            version = self._save_version(undone.by, undone.what)
            _replace(self.settings.knowledge_dir, folder / "knowledge")
            (folder / REDOABLE).unlink()
            (folder / "redone-by.txt").write_text(by, encoding="utf-8")
        return version

    def versions(self) -> list[Version]:
        found = []
        for meta in self.root.glob("*/version.json"):
            if meta.parent.name.isdigit():
                found.append(Version(**json.loads(meta.read_text(encoding="utf-8"))))
        return sorted(found, key=lambda v: v.number)

    def _save_version(self, by: str, what: str) -> Version:
        """Snapshot the current knowledge as the next version: written under a temporary name and
        renamed when complete; leftovers of an interrupted snapshot are removed first."""
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in self.root.iterdir():
            incomplete = folder.name.isdigit() and not (folder / "version.json").is_file()
            if folder.name.startswith(".partial-") or incomplete:
                log.warning("removing an incomplete version snapshot %s", folder.name)
                shutil.rmtree(folder, ignore_errors=True)
        numbers = [int(folder.name) for folder in self.root.iterdir() if folder.name.isdigit()]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        version = Version(max(numbers, default=0) + 1, now, by, what)
        partial = self.root / f".partial-{version.number}"
        try:
            shutil.copytree(self.settings.knowledge_dir, partial / "knowledge")
            _write_json(partial / "version.json", version.__dict__)
            partial.rename(self.root / str(version.number))
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return version


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _renamed(problem: Problem, folder: Path, origin: dict[str, str]) -> Problem:
    """Report a problem in the scratch copy against the uploaded file (or the live file it clashes
    with, relative to the knowledge folder: no server path)."""
    try:
        relative = problem.path.relative_to(folder).as_posix()
    except ValueError:
        return Problem(Path(problem.path.name), problem.line, problem.message)
    return Problem(Path(origin.get(relative, relative)), problem.line, problem.message)


def recover(target: Path) -> None:
    """Finish or undo a folder swap that a crash interrupted (see `_replace`)."""
    fresh, old, partial = (target.with_name(target.name + suffix) for suffix in (".new", ".old", ".partial"))
    shutil.rmtree(partial, ignore_errors=True)
    if not target.exists():
        for candidate in (fresh, old):  # `.new` is complete once it has its name
            if candidate.is_dir():
                log.warning("recovering the knowledge folder from %s", candidate.name)
                candidate.rename(target)
                break
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _replace(target: Path, source: Path) -> None:
    """Make `target` a copy of `source`, swapping whole folders so no reader sees half of it:
    copy to `.partial`, rename to `.new` when complete, then `target` → `.old`, `.new` → `target`."""
    partial, fresh = target.with_name(target.name + ".partial"), target.with_name(target.name + ".new")
    recover(target)
    shutil.copytree(source, partial)
    partial.rename(fresh)
    old = target.with_name(target.name + ".old")
    target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
