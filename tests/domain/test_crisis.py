"""The portal's own crisis check, which runs before (and without) the assistant."""
import pytest

from portal.domain.crisis import suggests_risk


@pytest.mark.parametrize(
    "message",
    [
        "I want to kill myself",
        "i've taken too many pills",
        "I took an overdose last night",
        "I just want to end it all",
        "I keep self-harming",
        "I don't want to live any more",
        "everyone would be better off without me",
        "my partner is hurting me",
        "I WANT TO KILL MYSELF",
        "I want to k\u200bill myself",  # a zero-width space does not hide it
        "Ｉ want to kill myself",  # full-width letters are folded (NFKC)
    ],
)
def test_messages_suggesting_risk_are_caught(message):
    assert suggests_risk(message)


@pytest.mark.parametrize(
    "message",
    [
        "what is crisis support in Level 1?",
        "How long does Level 1 last?",
        "Can I change my provider?",
        "My cat died and I miss her",  # sadness is not, on its own, a crisis pattern
        "",
    ],
)
def test_ordinary_questions_are_not_crisis(message):
    assert not suggests_risk(message)
