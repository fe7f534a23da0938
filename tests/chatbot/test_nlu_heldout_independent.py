"""The NLU gate's held-out questions (chatbot/tests/nlu/) and the blind questions
(chatbot/tests/nlu-blind/) are phrasings the assistant has never seen: none is a training example (chatbot/data/nlu/, of any language) with a word or two
changed, or the same text again. Pure file check: needs neither Rasa nor the model."""
from __future__ import annotations

import difflib

import pytest

from portal.i18n import LANGUAGES
from tests.domain.test_chatbot_learn import CHATBOT, _learn_module

LEARN = _learn_module()  # chatbot/bin/learn: read_examples, _norm and the 0.85 cut-off staff's examples meet
# SequenceMatcher ratio on the normalised texts. At 0.85 two questions share all but a word or two
# (a changed ending, a swapped article, "hi" and "hii"); genuinely different wordings of the same
# question sit well below it. The same cut-off keeps staff's new training examples away from the
# held-out questions (make chatbot-learn), so both directions are judged alike.
SIMILAR = LEARN.SIMILAR


def _norm(text: str) -> str:
    """Lower case, no punctuation, single spaces."""
    return " ".join(LEARN._norm(text).split())


HELD_OUT_SETS = ("nlu", "nlu-blind")


def near_duplicates(lang: str, held_out_set: str = "nlu") -> list[str]:
    # Training in every language: the model is one for all of them, and people write English
    # (or a neighbour language's words) on any page, so "ok bye" in the Somali examples is seen.
    training = sorted({_norm(text) for language in LANGUAGES
                       for text, _ in LEARN.read_examples(CHATBOT / "data" / "nlu" / f"{language}.yml")})
    found = []
    for text, intent in LEARN.read_examples(CHATBOT / "tests" / held_out_set / f"{lang}.yml"):
        held = _norm(text)
        matcher = difflib.SequenceMatcher(b=held, autojunk=False)
        best, closest = 0.0, ""
        for candidate in training:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                ratio = 1.0 if candidate == held else matcher.ratio()
                if ratio > best:
                    best, closest = ratio, candidate
        if best >= SIMILAR:
            found.append(f"{lang} {intent}: {text!r} ~ training {closest!r} ({best:.2f})")
    return found


@pytest.mark.parametrize("held_out_set", HELD_OUT_SETS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_held_out_question_is_a_near_duplicate_of_a_training_example(lang, held_out_set):
    found = near_duplicates(lang, held_out_set)
    assert not found, f"{len(found)} held-out question(s) within {SIMILAR} of training:\n" + "\n".join(found)


def test_every_language_keeps_enough_held_out_questions():
    for lang in LANGUAGES:
        assert len(LEARN.read_examples(CHATBOT / "tests" / "nlu" / f"{lang}.yml")) >= 30, lang
