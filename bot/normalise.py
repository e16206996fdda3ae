"""Text folding: what phone typing changes and meaning does not (invisible characters, width,
accents, case), applied alike to questions and to the knowledge before they are compared."""

import re
import unicodedata
from functools import lru_cache

# Zero-width spaces and joiners, soft hyphens, word joiners, byte-order marks, bidi controls.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean(text: str) -> str:
    """`text` in Unicode NFKC (full-width letters become ASCII) without invisible characters:
    what the embedder and the language detector see."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=8192)
def strip_accents(text: str) -> str:
    """perché → perche, città → citta; Chinese and other scripts unchanged."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """`clean`ed, lower-cased and without accents: what lexical matching and name lookup compare."""
    return strip_accents(clean(text).lower())
