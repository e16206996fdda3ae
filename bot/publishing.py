"""Changing the knowledge base without a terminal: stage an uploaded file, preview what it
changes, publish it as a new version (then re-ingest), and roll back to the previous one.

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
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from filelock import FileLock, Timeout

from bot import LANGUAGES, knowledge
from bot.config import Settings
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, entry_file
from bot.language import detect

log = logging.getLogger(__name__)

DOCUMENT_TYPES = (".md", ".markdown", ".txt", ".yaml", ".yml", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 30_000_000  # a .docx whose parts declare more is refused before reading
MAX_DOCUMENT_CHARS = 100_000  # text taken from one document
MAX_PDF_PAGES = 200
PART_CHARS = 1500
STAGED_FOR = 24 * 3600  # seconds an undecided upload is kept
LOCK_WAIT = 30.0  # seconds a publish waits for another one to finish
DIFF_LINES = 12  # menu data changes listed in a preview
_SLUG = re.compile(r"[^a-z0-9]+")
_ERRNO = re.compile(r"\[Errno \d+\] (?P<reason>[^:]+)")
_UPLOADED_AS = re.compile(r"^uploaded document (?P<name>.+) \(")


class UploadError(Exception):
    """An upload that cannot become knowledge; the message says why, for the organiser."""


@dataclass
class Preview:
    """What publishing a staged change would do, per language."""

    added: dict[str, list[str]] = field(default_factory=dict)  # lang → entry ids
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)  # data files added or changed
    data_diff: dict[str, list[str]] = field(default_factory=dict)  # data file → readable changes
    retired: list[str] = field(default_factory=list)  # gap entries a new fact `replaces`

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
        raise UploadError(
            f"{name}: the document unpacks to {unpacked // 1_000_000} MB; "
            f"the limit is {MAX_UNPACKED_BYTES // 1_000_000} MB"
        )
    paragraphs, size = [], 0
    for paragraph in Document(io.BytesIO(content)).paragraphs:
        if paragraph.text.strip():
            paragraphs.append(paragraph.text)
            size += len(paragraph.text)
            _check_length(name, size)
    return "\n\n".join(paragraphs)


def _pdf_text(name: str, content: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    if len(pages) > MAX_PDF_PAGES:
        raise UploadError(f"{name}: the document has {len(pages)} pages; the limit is {MAX_PDF_PAGES}")
    texts, size = [], 0
    for page in pages:
        texts.append(page.extract_text() or "")
        size += len(texts[-1])
        _check_length(name, size)
    return "\n\n".join(texts)


def _check_length(name: str, chars: int) -> None:
    if chars > MAX_DOCUMENT_CHARS:
        raise UploadError(
            f"{name}: the document has more than {MAX_DOCUMENT_CHARS} characters of text; split it"
        )


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
        raise UploadError(f"{name}: the file is not UTF-8 text") from exc
    except Exception as exc:  # a broken PDF or DOCX: any parser error means "cannot read it"
        raise UploadError(f"{name}: cannot read the document ({type(exc).__name__})") from exc


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


def document_entries(name: str, text: str, by: str) -> dict[str, str]:
    """A plain document as entries (one per part), in the language it is written in."""
    if not text:
        raise UploadError(f"{name}: the document has no text")
    lang = detect(text[:2000])
    stem = slug(Path(name).stem)
    parts = _parts(text)
    files = {}
    for number, part in enumerate(parts, start=1):
        entry_id = f"doc-{stem}" + (f"-{number}" if len(parts) > 1 else "")
        title = Path(name).stem + (f" ({number}/{len(parts)})" if len(parts) > 1 else "")
        meta = {
            "id": entry_id,
            "lang": lang,
            "topic": "faq",
            "title": title,
            "source": f"uploaded document {name} ({by})",
            "updated": dt.date.today(),
        }
        files[f"entries/{entry_id}.{lang}.md"] = entry_file(meta, part)
    return files


def upload_files(name: str, content: bytes, by: str) -> dict[str, str]:
    """Knowledge files (path relative to `knowledge/` → text) made from one uploaded file."""
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise UploadError(f"{name}: send a {', '.join(DOCUMENT_TYPES)} file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: the file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB")
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


def _entry_path(name: str, text: str) -> str:
    """Where an uploaded entry goes: named by its own front matter (`<id>.<lang>.md`).

    A front matter that cannot be read is not refused here: the file is staged under its own
    name and the validator reports every problem with its line."""
    try:
        meta = knowledge.load_yaml(frontmatter.YAMLHandler().split(text)[0])
    except (ValueError, yaml.YAMLError, RecursionError):
        return f"entries/{slug(Path(name).stem)}.md"
    meta = meta if isinstance(meta, dict) else {}
    entry_id, lang = meta.get("id"), str(meta.get("lang", ""))
    if not entry_id or lang not in LANGUAGES:
        raise UploadError(f"{name}: the front matter needs an 'id' and a 'lang' ({', '.join(LANGUAGES)})")
    return f"entries/{slug(str(entry_id))}.{lang}.md"


def replaced_parts(name: str, files: dict[str, str], folder: Path) -> list[str]:
    """The parts of an earlier upload of the same document (same name and language) that its new
    version does not have: a document is replaced as a whole."""
    stem = slug(Path(name).stem)
    if not files or not all(path.startswith(f"entries/doc-{stem}") for path in files):
        return []  # an entry or data file, not a document
    langs = "|".join(sorted({path.rsplit(".", 2)[-2] for path in files}))
    pattern = re.compile(rf"^doc-{re.escape(stem)}(?:-\d+)?\.(?:{langs})\.md$")
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
    data = sorted(name for name, value in after.data.items() if before.data.get(name) != value)
    return Preview(
        added=_group(set(new) - set(old)),
        changed=_group({key for key in set(old) & set(new) if old[key] != new[key]}),
        removed=_group(set(old) - set(new)),
        data=data,
        data_diff={name: data_changes(before.data.get(name), after.data[name]) for name in data},
        retired=sorted(_replaced(after) - _replaced(before)),
    )


def _replaced(kb: KnowledgeBase) -> set[str]:
    return set(knowledge.gaps_filled(kb.entries))


@dataclass(frozen=True)
class Change:
    """What one upload or draft does to the knowledge folder (paths relative to it)."""

    write: dict[str, str]
    remove: tuple[str, ...] = ()

    @property
    def paths(self) -> list[str]:
        return sorted({*self.write, *self.remove})


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
        raise UploadError(f"the server could not write the files ({reason}); nothing was changed") from exc


def _first_reason(exc: OSError) -> str:
    """What went wrong first in a `shutil.Error` (a list of per-file errors), without the paths."""
    found = _ERRNO.search(str(exc.args[0][0][2])) if isinstance(exc, shutil.Error) and exc.args[0] else None
    return found["reason"] if found else "file system error"


class Publisher:
    """Stages uploads, publishes them as numbered versions and rolls back."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.data_dir / "versions"
        self.staging = settings.data_dir / "staging"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One change to the knowledge folder at a time, across threads and processes."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.settings.data_dir / "knowledge.lock", timeout=LOCK_WAIT)
        try:
            lock.acquire()
        except Timeout as exc:
            raise UploadError("another organiser is publishing right now; try again in a minute") from exc
        try:
            recover(self.settings.knowledge_dir)
            yield
        finally:
            lock.release()

    def stage(self, name: str, content: bytes, by: str) -> Staged:
        """Keep an upload's files waiting for "Publish" and preview them on the current knowledge;
        `KnowledgeError` (with `file:line` problems, named after the uploaded file) if not valid."""
        files = upload_files(name, content, by)
        with self._locked(), _disk_errors():
            self._sweep()
            key = str(time.time_ns() // 1000)
            while (self.staging / key).exists():
                key = str(int(key) + 1)
            folder = self.staging / key
            try:
                change = Change(files, tuple(replaced_parts(name, files, self.settings.knowledge_dir)))
                preview = self._preview(change, name)
                base = {path: _digest(self.settings.knowledge_dir / path) for path in change.paths}
                folder.mkdir(parents=True)
                _write_json(folder / "upload.json", {"name": name, "write": files, "base": base})
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        return Staged(key, preview)

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

    def _preview(self, change: Change, name: str) -> Preview:
        with self._applied(change, name) as after:
            return compare(knowledge.load(self.settings.knowledge_dir), after[1])

    @contextmanager
    def _applied(self, change: Change, name: str) -> Iterator[tuple[Path, KnowledgeBase]]:
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
                problems = [_renamed(p, folder, change.write, name) for p in exc.problems]
                raise KnowledgeError(problems) from None
            yield folder, after
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def check(self, files: dict[str, str], name: str) -> None:
        """Raise `KnowledgeError` (paths relative to the knowledge folder) if adding `files` to the
        current knowledge would not be valid."""
        with self._locked(), _disk_errors(), self._applied(Change(files), name):
            pass

    def publish(self, key: str, by: str, what: str) -> Version:
        """Apply the staged upload `key` to the current knowledge (the old one is kept as a version).

        Refused (`UploadError`) when a file it changes was changed by someone else since its
        preview; `KnowledgeError` when it no longer fits the current knowledge."""
        with self._locked(), _disk_errors():
            if not self.is_staged(key):
                raise UploadError("this upload is no longer waiting to be published")
            upload = json.loads((self.staging / key / "upload.json").read_text(encoding="utf-8"))
            live = self.settings.knowledge_dir
            stale = [path for path, was in upload["base"].items() if _digest(live / path) != was]
            if stale:
                self.discard(key)
                raise UploadError(
                    f"{', '.join(stale)} changed since this upload was previewed (another publish); "
                    f"send {upload['name']} again to see what it changes now"
                )
            files = upload["write"]
            change = Change(files, tuple(replaced_parts(upload["name"], files, live)))
            version = self._apply(change, upload["name"], by, what)
            self.discard(key)
        return version

    def add_files(self, files: dict[str, str], by: str, what: str) -> Version:
        """Add (or replace) knowledge files, e.g. an approved draft, as a new version."""
        with self._locked(), _disk_errors():
            return self._apply(Change(files), what, by, what)

    def _apply(self, change: Change, name: str, by: str, what: str) -> Version:
        with self._applied(change, name) as (folder, _):
            version = self._save_version(by, what)
            _replace(self.settings.knowledge_dir, folder)
        return version

    def rollback(self, by: str) -> Version:
        """Undo the last publish: restore the knowledge as it was before it. Each rollback goes one
        publish further back; the replaced knowledge is kept under `versions/undone/`."""
        with self._locked(), _disk_errors():
            versions = self.versions()
            if not versions:
                raise UploadError("there is no earlier version to roll back to")
            last = versions[-1]
            undone = self.root / "undone" / f"{last.number}-{int(time.time())}"
            shutil.copytree(self.settings.knowledge_dir, undone / "knowledge")
            (undone / "rolled-back-by.txt").write_text(by, encoding="utf-8")
            _replace(self.settings.knowledge_dir, self.root / str(last.number) / "knowledge")
            shutil.rmtree(self.root / str(last.number))
        return last

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


def _renamed(problem: Problem, folder: Path, files: dict[str, str], upload: str) -> Problem:
    """Report a problem in the scratch copy against the uploaded file (or the live file it clashes
    with, relative to the knowledge folder: no server path)."""
    try:
        relative = problem.path.relative_to(folder).as_posix()
    except ValueError:
        return Problem(Path(problem.path.name), problem.line, problem.message)
    return Problem(Path(upload if relative in files else relative), problem.line, problem.message)


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
