"""Text as the risk detector reads it: the same message typed many ways reads the same.

People in distress type fast, on phones, often in a second language or a keyboard that is
not theirs. Three forms of the text are made:

- `normalise`: NFKC, case folded, invisible format characters (zero-width, bidi marks)
  removed, diacritics removed (Polish, Slovak and Romanian are often typed without them;
  Arabic short vowels are diacritics too), the Arabic-script letters that keyboards type
  differently made one (أ إ آ → ا, ى ی → ي, ک → ك, ہ ۃ ة → ه, ھ → ه), tatweel removed,
  every kind of digit made ASCII, the apostrophes phones type (’ ‘ ʼ) made one ('),
  hyphens removed ("m-am" reads as "mam", "is-dilo" as "isdilo": patterns allow both with
  "-?"), dashes made spaces, white space collapsed.
- `squeeze`: the normalised text with every run of one repeated letter made one letter, so
  "diiiie" and "killl" read like "die" and "kil" (patterns are squeezed the same way).
- `decode`: the normalised text with look-alike digits and signs read as the Latin letters
  they stand for inside words that also have letters ("k1ll", "d1e", "w4nt", "$elf") and
  letters typed apart joined ("k i l l"): ways of typing round a filter. Only inside such
  words, so Arabizi's digits ("bidi 2mout", "7abasni") and numbers ("20 tablets") keep
  theirs in the other two forms, which are read too.
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


_LOOK_ALIKE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_WORD = re.compile(r"[\w@$]+")
_LETTER = re.compile(r"[^\W\d_]")
_LOOK_ALIKES = re.compile(r"[013457@$]")
# Three or more single letters typed apart: "k i l l", "d i e".
_SPACED_LETTERS = re.compile(r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?!\S)")


def _decode_word(match: re.Match) -> str:
    word = match.group(0)
    return word.translate(_LOOK_ALIKE) if _LETTER.search(word) and _LOOK_ALIKES.search(word) else word


def decode(normalised: str) -> str:
    return _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), _WORD.sub(_decode_word, normalised))
