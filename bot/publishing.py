"""Changing the knowledge base without a terminal: stage an uploaded file, preview what it
changes, publish it as a new version (then re-ingest), and roll back to the previous one.

A staged change is a full copy of `knowledge/` with the file applied, validated by the same
loader as `ingest.py`; nothing reaches the live folder unless it is valid and published.
Versions are snapshots of the whole folder under `DATA_DIR/versions/`.
"""

import datetime as dt
import io
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from bot import LANGUAGES, knowledge
from bot.config import Settings
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, entry_file
from bot.language import detect

DOCUMENT_TYPES = (".md", ".markdown", ".txt", ".yaml", ".yml", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 5_000_000
PART_CHARS = 1500
STAGED_FOR = 24 * 3600  # seconds an undecided upload is kept
_SLUG = re.compile(r"[^a-z0-9]+")


class UploadError(Exception):
    """An upload that cannot become knowledge; the message says why, for the organiser."""


@dataclass
class Preview:
    """What publishing a staged change would do, per language."""

    added: dict[str, list[str]] = field(default_factory=dict)  # lang → entry ids
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)  # data files added or changed

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


def document_text(name: str, content: bytes) -> str:
    """The plain text of an uploaded .txt, .pdf or .docx document."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".pdf":
            from pypdf import PdfReader

            pages = PdfReader(io.BytesIO(content)).pages
            return "\n\n".join(page.extract_text() or "" for page in pages).strip()
        if suffix == ".docx":
            from docx import Document

            return "\n\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs if p.text.strip())
        return content.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise UploadError(f"{name}: the file is not UTF-8 text") from exc
    except Exception as exc:  # a broken PDF or DOCX: any parser error means "cannot read it"
        raise UploadError(f"{name}: cannot read the document ({exc})") from exc


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
            "id": entry_id, "lang": lang, "topic": "faq", "title": title,
            "source": f"uploaded document {name} ({by})", "updated": dt.date.today(),
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
    return document_entries(name, document_text(name, content), by)


def _entry_path(name: str, text: str) -> str:
    """Where an uploaded entry goes: named by its own front matter (`<id>.<lang>.md`)."""
    try:
        meta = frontmatter.loads(text).metadata
    except yaml.YAMLError as exc:
        raise UploadError(f"{name}: the front matter is not valid YAML ({exc})") from exc
    entry_id, lang = str(meta.get("id", "")), str(meta.get("lang", ""))
    if not entry_id or lang not in LANGUAGES:
        raise UploadError(f"{name}: the front matter needs an 'id' and a 'lang' ({', '.join(LANGUAGES)})")
    return f"entries/{slug(entry_id)}.{lang}.md"


# --- staging, preview, publishing ---------------------------------------------------------------


def _snapshot(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    return {entry.key: repr((entry.title, entry.body, entry.questions, entry.kind)) for entry in kb.entries}


def _group(keys: set[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for entry_id, lang in sorted(keys):
        grouped.setdefault(lang, []).append(entry_id)
    return grouped


def compare(before: KnowledgeBase, after: KnowledgeBase) -> Preview:
    old, new = _snapshot(before), _snapshot(after)
    return Preview(
        added=_group(set(new) - set(old)),
        changed=_group({key for key in set(old) & set(new) if old[key] != new[key]}),
        removed=_group(set(old) - set(new)),
        data=sorted(name for name, value in after.data.items() if before.data.get(name) != value),
    )


class Publisher:
    """Stages uploads, publishes them as numbered versions and rolls back."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.data_dir / "versions"
        self.staging = settings.data_dir / "staging"

    def stage(self, name: str, content: bytes, by: str) -> Staged:
        """Apply an upload to a copy of the knowledge folder and validate it; `KnowledgeError`
        (with `file:line` problems, named after the uploaded file) if it is not valid."""
        files = upload_files(name, content, by)
        self._sweep()
        key = f"{int(time.time() * 1000)}"
        folder = self.staging / key
        shutil.copytree(self.settings.knowledge_dir, folder)
        for relative, text in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text, encoding="utf-8")
        try:
            after = knowledge.load(folder)
        except KnowledgeError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise KnowledgeError([_renamed(p, folder, files, name) for p in exc.problems]) from None
        preview = compare(knowledge.load(self.settings.knowledge_dir), after)
        return Staged(key, preview)

    def is_staged(self, key: str) -> bool:
        return key.isdigit() and (self.staging / key).is_dir()

    def _sweep(self) -> None:
        """Forget uploads nobody published or discarded within `STAGED_FOR`."""
        for folder in self.staging.glob("*"):
            if folder.name.isdigit() and int(folder.name) / 1000 < time.time() - STAGED_FOR:
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self, key: str) -> None:
        if key.isdigit():
            shutil.rmtree(self.staging / key, ignore_errors=True)

    def publish(self, key: str, by: str, what: str) -> Version:
        """Make the staged upload `key` the live knowledge (the old one is kept as a version)."""
        if not self.is_staged(key):
            raise UploadError("this upload is no longer waiting to be published")
        version = self._save_version(by, what)
        _replace(self.settings.knowledge_dir, self.staging / key)
        shutil.rmtree(self.staging / key, ignore_errors=True)
        return version

    def rollback(self, by: str) -> Version:
        """Undo the last publish: restore the knowledge as it was before it. Each rollback goes one
        publish further back; the replaced knowledge is kept under `versions/undone/`."""
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
            found.append(Version(**json.loads(meta.read_text(encoding="utf-8"))))
        return sorted(found, key=lambda v: v.number)

    def _save_version(self, by: str, what: str) -> Version:
        numbers = [v.number for v in self.versions()]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        version = Version(max(numbers, default=0) + 1, now, by, what)
        folder = self.root / str(version.number)
        shutil.copytree(self.settings.knowledge_dir, folder / "knowledge")
        (folder / "version.json").write_text(json.dumps(version.__dict__), encoding="utf-8")
        return version


def _renamed(problem: Problem, folder: Path, files: dict[str, str], upload: str) -> Problem:
    """Report a problem in the staged copy against the uploaded file (or the live file it clashes with)."""
    try:
        relative = problem.path.relative_to(folder).as_posix()
    except ValueError:
        return problem
    return Problem(Path(upload if relative in files else relative), problem.line, problem.message)


def _replace(target: Path, source: Path) -> None:
    """Make `target` a copy of `source`, swapping whole folders so no reader sees half of it."""
    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(source, fresh)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
