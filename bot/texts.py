"""Every user-facing text, from one catalogue per language that translators edit
(`bot/locales/<lang>.toml`: adding a language's texts is adding a file), and how to say them."""

import tomllib
from pathlib import Path

from bot import DEFAULT_LANGUAGE, LANGUAGES

LOCALES = Path(__file__).with_name("locales")  # one catalogue per language: <lang>.toml


def catalogues(folder: Path = LOCALES) -> dict[str, dict[str, dict[str, str]]]:
    """Each language's catalogue in `folder`: its `[delegates]` and `[staff]` tables of texts."""
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.toml"))
    }


_CATALOGUES = catalogues()
TEXTS: dict[str, dict[str, str]] = {lang: found["delegates"] for lang, found in _CATALOGUES.items()}
# Texts for the staff chat (in STAFF_LANGUAGE) and for organisers (in their own language).
STAFF_TEXTS: dict[str, dict[str, str]] = {lang: found["staff"] for lang, found in _CATALOGUES.items()}


def staff_text(lang: str, key: str, /, **values: object) -> str:
    """A text for staff or organisers in `lang` (English when the language is not supported)."""
    table = STAFF_TEXTS.get(lang, STAFF_TEXTS[DEFAULT_LANGUAGE])
    return table[key].format(**values) if values else table[key]


class Phrase(str):
    """A staff text said in English (it *is* that string, for logs, the CLI and `str()`) that can be
    said again in another language: the core reports problems as phrases (a key and its values),
    the Telegram layer shows them in the reader's language with `Phrase.told`."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, /, **values: object) -> "Phrase":
        phrase = super().__new__(cls, staff_text(DEFAULT_LANGUAGE, key, **values))
        phrase.key, phrase.values = key, values
        return phrase

    def __reduce__(self) -> tuple:  # copies and pickles keep the key and values
        return (_phrase, (self.key, self.values))

    def told(self, lang: str) -> str:
        """The phrase in `lang`, phrases among its values told in `lang` too."""
        return staff_text(lang, self.key, **{name: told(value, lang) for name, value in self.values.items()})


def _phrase(key: str, values: dict[str, object]) -> Phrase:
    return Phrase(key, **values)


def told(value: object, lang: str) -> object:
    """A phrase in `lang`; anything else (a file name, a number, a plain text) as it is."""
    return value.told(lang) if isinstance(value, Phrase) else value


def language_name(lang: str, named: str) -> str:
    """The name of language `named` in language `lang` (e.g. "Italian", "意大利文")."""
    return staff_text(lang, f"lang_{named}")


LANGUAGE_LABELS = {"zh": "中文", "en": "English", "it": "Italiano"}


def text(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English when the language is not supported), filled in."""
    table = TEXTS.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, TEXTS[DEFAULT_LANGUAGE])
    return table[key].format(**values) if values else table[key]
