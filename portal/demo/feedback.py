"""Feedback in the demo: reasons and comments people give, and answers drawn from a score.

Answer codes come from the survey definition, so demo answers are ones the form can give.
"""
from __future__ import annotations

from ..domain import survey

OUTCOME_KEYS = list(survey.OUTCOME_CODES)
PREFER_NOT = survey.PREFER_NOT_TO_SAY.code
EQUALITY_OPTIONS = {q.code: [c for c in q.codes if c != PREFER_NOT] for q in survey.EQUALITY_QUESTIONS}
NAMES_IN_TEXT = ["Dan", "Shazia", "Marek", "Claire", "Abdi", "Mei", "Lee"]
FFT_REASONS = {
    "positive": [
        "My support worker {name} listens and never rushes me.",
        "I can do my shopping on my own now, which I didn't think would happen.",
        "They come when they say they will and explain things clearly.",
        "Having someone who speaks my language made a big difference.",
        "I feel less alone since I started going to the group.",
        "Help with my letters and bills took a weight off my mind.",
        "Staff treat my son with respect and keep me informed.",
        "Good support, friendly people. {name} is brilliant.",
        "Nobody pushes me to 'get better', they just help me live my life.",
    ],
    "neutral": [
        "Some weeks are better than others depending on who comes.",
        "It's alright but the visit times change a lot.",
        "Support is fine but I waited a long time to get it.",
        "OK. I'd like more help with forms.",
    ],
    "negative": [
        "Visits were cancelled three times this month without anyone telling me.",
        "I waited months for a provider and had to take a direct payment instead.",
        "Nobody rang me back when I asked to change my worker.",
        "Too many different workers, I have to tell my story again every time.",
        "The paperwork for the direct payment is stressful.",
        "{name} was kind but there is not enough time in the visits.",
    ],
    "dont_know": ["I've only just started so it's too early to say.", "Not sure yet."],
}
OTHER_COMMENTS = [
    "Please can letters come in large print.", "Would like evening visits.",
    "Thank you to the whole team.", "More groups in the East of the city please.",
    "I'd like information in Arabic.", "The website was easy to use.",
]


def fft_from_score(score: float) -> str:
    if score > 0.8:
        return "very_good"
    if score > 0.55:
        return "good"
    if score > 0.4:
        return "neither"
    if score > 0.25:
        return "poor"
    return "very_poor"


def agreement_from_score(score: float) -> str:
    if score > 0.8:
        return "strongly_agree"
    if score > 0.55:
        return "agree"
    if score > 0.4:
        return "neither"
    if score > 0.25:
        return "disagree"
    return "strongly_disagree"


def mood_of(fft: str) -> str:
    """Which kind of reason fits a Friends and Family Test answer."""
    if fft == "dont_know":
        return "dont_know"
    if fft in ("very_good", "good"):
        return "positive"
    return "neutral" if fft == "neither" else "negative"


def redact(text: str) -> str:
    """Free text as released after review: people's names taken out."""
    for name in NAMES_IN_TEXT:
        text = text.replace(name, "[name]")
    return text
