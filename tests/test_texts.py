"""Every user-facing text exists in Chinese, English and Italian, with the same placeholders."""

import re

import pytest

from bot import LANGUAGES
from bot.texts import LOCALES, STAFF_TEXTS, TEXTS, catalogues, language_name, staff_text, text

PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")
TAG = re.compile(r"</?(b|i|code|pre)>")


@pytest.mark.parametrize("table", [TEXTS, STAFF_TEXTS], ids=["delegates", "staff and organisers"])
def test_every_text_in_every_language_with_the_same_placeholders_and_tags(table):
    assert set(table) == set(LANGUAGES)
    for key, english in table["en"].items():
        for lang in ("zh", "it"):
            assert key in table[lang], f"{lang} lacks {key}"
            translated = table[lang][key]
            for pattern in (PLACEHOLDER, TAG):
                assert sorted(pattern.findall(translated)) == sorted(pattern.findall(english)), (lang, key)
    assert set(table["zh"]) == set(table["en"]) == set(table["it"])


def test_unsupported_languages_fall_back_to_english():
    assert text("de", "dont_know") == TEXTS["en"]["dont_know"]
    assert staff_text("fr", "no_tickets") == STAFF_TEXTS["en"]["no_tickets"]


def test_language_names_are_given_in_the_readers_language():
    assert [language_name(reader, "it") for reader in LANGUAGES] == ["意大利文", "Italian", "italiano"]


def test_each_language_is_one_catalogue_file_and_a_new_file_is_a_new_language(tmp_path):
    assert sorted(path.stem for path in LOCALES.glob("*.toml")) == sorted(LANGUAGES)
    for lang in LANGUAGES:
        assert catalogues()[lang] == {"delegates": TEXTS[lang], "staff": STAFF_TEXTS[lang]}
    for lang in LANGUAGES:
        (tmp_path / f"{lang}.toml").write_text((LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))
    english = (LOCALES / "en.toml").read_text(encoding="utf-8")
    (tmp_path / "de.toml").write_text(english.replace('source = "Source"', 'source = "Quelle"'))
    found = catalogues(tmp_path)
    assert sorted(found) == ["de", "en", "it", "zh"]
    assert found["de"]["delegates"]["source"] == "Quelle"
    assert found["de"]["staff"] == STAFF_TEXTS["en"]
