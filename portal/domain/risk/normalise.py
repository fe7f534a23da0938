"""Text as the risk detector reads it: the same message typed many ways reads the same.

People in distress type fast, on phones, often in a second language or a keyboard that is
not theirs. Two forms of the text are made:

- `normalise`: NFKC, case folded, invisible format characters (zero-width, bidi marks)
  removed, diacritics removed (Polish, Slovak and Romanian are often typed without them;
  Arabic short vowels are diacritics too), the Arabic-script letters that keyboards type
  differently made one (أ إ آ → ا, ى ی → ي, ک → ك, ہ ۃ ة → ه, ھ → ه), tatweel removed,
  every kind of digit made ASCII, the apostrophes phones type (’ ‘ ʼ) made one ('),
  hyphens removed ("m-am" reads as "mam", "is-dilo" as "isdilo": patterns allow both with
  "-?"), dashes made spaces, white space collapsed.
- `squeeze`: the normalised text with every run of one repeated letter made one letter, so
  "diiiie" and "killl" read like "die" and "kil" (patterns are squeezed the same way).
"""
from __future__ import annotations

import re
import unicodedata

# Arabic-script letters that NFKC leaves apart but people type interchangeably.
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ے": "ي", "ۓ": "ي", "ئ": "ي",
    "ک": "ك", "ڪ": "ك", "گ": "گ",
    "ہ": "ه", "ۃ": "ه", "ة": "ه", "ھ": "ه", "ۀ": "ه",
    "ؤ": "و",
    "ـ": None,  # tatweel: a stretched letter
    "\u200c": " ",  # zero-width non-joiner separates words in Urdu and Persian
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
    "-": None, "‐": None, "‑": None,  # "m-am" and "mam", "self-harm" and "selfharm" read alike
    "–": " ", "—": " ", "_": " ",  # dashes are punctuation between words
})
_SPACE = re.compile(r"\s+")
_REPEATS = re.compile(r"(\w)\1+")


def _digits_to_ascii(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() and unicodedata.digit(ch, None) is not None
                   else ch for ch in text)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_ARABIC_FOLD).casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) not in ("Mn", "Cf"))
    # NFD splits Chinese and Arabic letters not at all; Latin letters lose their marks
    # above. ł, ø and đ are letters of their own, not marks: fold them by hand.
    text = unicodedata.normalize("NFC", text).replace("ł", "l").replace("ø", "o").replace("đ", "d")
    return _SPACE.sub(" ", _digits_to_ascii(text)).strip()


def squeeze(normalised: str) -> str:
    return _REPEATS.sub(r"\1", normalised)
