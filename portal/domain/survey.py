"""The feedback questions as data, and the statistics the dashboard reports.

Every text is a plain English msgid wrapped in `N_`, a no-op marker so that `pybabel extract
-k N_` finds it; the views translate with gettext at render time. Nothing here imports Flask.

Sources: the NHS Friends and Family Test wording (shared/notes/domain-facts.md), the outcome
statements of issue 6, and the ONS Census 2021 questions and categories for equality
monitoring (ethnic groups in the GOV.UK list of ethnic groups, England). Census write-in
boxes ("Other, please describe") are left out on purpose: free text could identify someone.
Every equality question is optional and ends with "Prefer not to say".

Statistics: raw numbers only. Anything a commissioner sees goes through
`portal.domain.disclosure` first (percentages and intervals from the rounded counts).
"""
from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark only")
    """Mark a string for translation without translating it (extract with `-k N_`)."""
    return message


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class OptionGroup:
    """A heading over some of a question's options (the five high-level ethnic groups)."""

    code: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: str
    options: tuple[Option, ...] = ()
    groups: tuple[OptionGroup, ...] = ()
    hint: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def label(self, code: str) -> str:
        for option in self.options:
            if option.code == code:
                return option.label
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Statement:
    code: str
    text: str


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(code, label) for code, label in pairs)


# ---------------------------------------------------------------------------------------------
# Friends and Family Test

FFT_VERY_GOOD, FFT_GOOD, FFT_NEITHER, FFT_POOR, FFT_VERY_POOR, FFT_DONT_KNOW = (
    "very_good", "good", "neither", "poor", "very_poor", "dont_know",
)

FFT_QUESTION: Final = Question(
    code="fft",
    text=N_("Overall, how was your experience of our service?"),
    options=_options(
        (FFT_VERY_GOOD, N_("Very good")),
        (FFT_GOOD, N_("Good")),
        (FFT_NEITHER, N_("Neither good nor poor")),
        (FFT_POOR, N_("Poor")),
        (FFT_VERY_POOR, N_("Very poor")),
        (FFT_DONT_KNOW, N_("Don't know")),
    ),
)
FFT_CODES: Final = FFT_QUESTION.codes
FFT_POSITIVE: Final = (FFT_VERY_GOOD, FFT_GOOD)
FFT_NEGATIVE: Final = (FFT_POOR, FFT_VERY_POOR)

FFT_REASON_QUESTION: Final = Question(code="fft_reason", text=N_("What is the main reason for your answer?"))

# ---------------------------------------------------------------------------------------------
# Outcome statements (the report's section 6 outcomes)

OUTCOMES_QUESTION_TEXT: Final = N_("How much do you agree or disagree with each statement?")

OUTCOME_STATEMENTS: Final = (
    Statement("support_when_needed", N_("I get support when I need it and it changes when my needs change")),
    Statement("towards_goals", N_("My support helps me work towards my goals")),
    Statement("life_in_community", N_("My support helps me live the life I want in my community")),
    Statement("listened_to", N_("I am listened to and treated with respect")),
    Statement("know_who_to_contact", N_("I know who to contact if things go wrong")),
    # Outcomes 6.1.5, 6.1.8 and 6.1.9 of the report, in our own words.
    Statement("hope_and_purpose", N_("My support helps me have hope, meaning and purpose in my life")),
    Statement("home_work_and_people", N_("My support helps me with my home, with work or learning, and with seeing people")),
    Statement("less_other_services", N_("Because of my support, I need other health and care services less")),
)
OUTCOME_CODES: Final = tuple(statement.code for statement in OUTCOME_STATEMENTS)

AGREEMENT_SCALE: Final = _options(
    ("strongly_agree", N_("Strongly agree")),
    ("agree", N_("Agree")),
    ("neither", N_("Neither agree nor disagree")),
    ("disagree", N_("Disagree")),
    ("strongly_disagree", N_("Strongly disagree")),
    ("dont_know", N_("Don't know")),
)
AGREEMENT_CODES: Final = tuple(option.code for option in AGREEMENT_SCALE)
AGREE: Final = ("strongly_agree", "agree")
DISAGREE: Final = ("disagree", "strongly_disagree")

OTHER_COMMENTS_QUESTION: Final = Question(
    code="comments", text=N_("Is there anything else you would like to tell us?")
)

# ---------------------------------------------------------------------------------------------
# Equality monitoring (optional; kept apart from the answers' identity)

PREFER_NOT_TO_SAY: Final = Option("prefer_not_to_say", N_("Prefer not to say"))


def _equality(code: str, text: str, *pairs: tuple[str, str], hint: str | None = None) -> Question:
    return Question(code=code, text=text, options=_options(*pairs) + (PREFER_NOT_TO_SAY,), hint=hint)


AGE_QUESTION: Final = _equality(
    "age_band",
    N_("Which age group are you in?"),
    ("age_18_24", N_("18 to 24")),
    ("age_25_34", N_("25 to 34")),
    ("age_35_44", N_("35 to 44")),
    ("age_45_54", N_("45 to 54")),
    ("age_55_64", N_("55 to 64")),
    ("age_65_74", N_("65 to 74")),
    ("age_75_plus", N_("75 or over")),
)

SEX_QUESTION: Final = _equality(
    "sex",
    N_("What is your sex?"),
    ("female", N_("Female")),
    ("male", N_("Male")),
)

GENDER_IDENTITY_QUESTION: Final = _equality(
    "gender_identity",
    N_("Is the gender you identify with the same as your sex registered at birth?"),
    ("yes", N_("Yes")),
    ("no", N_("No")),
)

_ETHNIC_GROUPS: Final = (
    OptionGroup("asian", N_("Asian or Asian British"), _options(
        ("indian", N_("Indian")),
        ("pakistani", N_("Pakistani")),
        ("bangladeshi", N_("Bangladeshi")),
        ("chinese", N_("Chinese")),
        ("other_asian", N_("Any other Asian background")),
    )),
    OptionGroup("black", N_("Black, Black British, Caribbean or African"), _options(
        ("african", N_("African")),
        ("caribbean", N_("Caribbean")),
        ("other_black", N_("Any other Black, Black British or Caribbean background")),
    )),
    OptionGroup("mixed", N_("Mixed or multiple ethnic groups"), _options(
        ("white_and_black_caribbean", N_("White and Black Caribbean")),
        ("white_and_black_african", N_("White and Black African")),
        ("white_and_asian", N_("White and Asian")),
        ("other_mixed", N_("Any other Mixed or multiple ethnic background")),
    )),
    OptionGroup("white", N_("White"), _options(
        ("white_british", N_("English, Welsh, Scottish, Northern Irish or British")),
        ("irish", N_("Irish")),
        ("gypsy_or_irish_traveller", N_("Gypsy or Irish Traveller")),
        ("roma", N_("Roma")),
        ("other_white", N_("Any other White background")),
    )),
    OptionGroup("other", N_("Other ethnic group"), _options(
        ("arab", N_("Arab")),
        ("other_ethnic_group", N_("Any other ethnic group")),
    )),
)

ETHNICITY_QUESTION: Final = Question(
    code="ethnicity",
    text=N_("What is your ethnic group?"),
    options=tuple(o for g in _ETHNIC_GROUPS for o in g.options) + (PREFER_NOT_TO_SAY,),
    groups=_ETHNIC_GROUPS,
)
ETHNIC_GROUP_OF: Final = {o.code: g.code for g in _ETHNIC_GROUPS for o in g.options}
"""Detailed ethnicity code → high-level group code, for breakdowns small enough to show."""

RELIGION_QUESTION: Final = _equality(
    "religion",
    N_("What is your religion?"),
    ("no_religion", N_("No religion")),
    ("christian", N_("Christian")),
    ("buddhist", N_("Buddhist")),
    ("hindu", N_("Hindu")),
    ("jewish", N_("Jewish")),
    ("muslim", N_("Muslim")),
    ("sikh", N_("Sikh")),
    ("other", N_("Any other religion")),
)

SEXUAL_ORIENTATION_QUESTION: Final = _equality(
    "sexual_orientation",
    N_("Which of the following best describes your sexual orientation?"),
    ("straight", N_("Straight or heterosexual")),
    ("gay_or_lesbian", N_("Gay or lesbian")),
    ("bisexual", N_("Bisexual")),
    ("other", N_("Other sexual orientation")),
)

DISABILITY_QUESTION: Final = _equality(
    "disability",
    N_(
        "Are your day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?"
    ),
    ("yes_limited_a_lot", N_("Yes, limited a lot")),
    ("yes_limited_a_little", N_("Yes, limited a little")),
    ("no", N_("No")),
)

EQUALITY_QUESTIONS: Final = (
    AGE_QUESTION,
    SEX_QUESTION,
    GENDER_IDENTITY_QUESTION,
    ETHNICITY_QUESTION,
    RELIGION_QUESTION,
    SEXUAL_ORIENTATION_QUESTION,
    DISABILITY_QUESTION,
)

# ---------------------------------------------------------------------------------------------
# Statistics


def _tally(counts: Mapping[str, int], codes: tuple[str, ...]) -> Mapping[str, int]:
    unknown = set(counts) - set(codes)
    if unknown:
        raise ValueError(f"unknown answer codes: {sorted(unknown)}")
    tally = {}
    for code in codes:
        n = counts.get(code, 0)
        if isinstance(n, bool):
            raise TypeError("a count must be an integer, not a bool")
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"negative count for {code!r}: {n}")
        tally[code] = n
    return MappingProxyType(tally)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson score interval for a proportion, as fractions in [0, 1].

    centre = (p + z²/2n) / (1 + z²/n); half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²).
    With n = 0 there is no estimate at all, so the answer is None (not (0, 0), which would
    look like certainty); callers show "no responses" instead.
    """
    successes, n = operator.index(successes), operator.index(n)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if not (z > 0 and math.isfinite(z)):
        raise ValueError(f"z must be positive, got {z}")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = centre - half, centre + half
    # The exact interval always contains p and stays in [0, 1]; guard against rounding noise.
    low = 0.0 if successes == 0 else max(0.0, min(low, p))
    high = 1.0 if successes == n else min(1.0, max(high, p))
    return low, high


@dataclass(frozen=True, slots=True)
class FftSummary:
    """FFT counts by answer. % positive = (very good + good) / all responses, "Don't know"
    included in the denominator (the NHS England rule); % negative likewise."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def positive(self) -> int:
        return sum(self.counts[c] for c in FFT_POSITIVE)

    @property
    def negative(self) -> int:
        return sum(self.counts[c] for c in FFT_NEGATIVE)

    @property
    def positive_share(self) -> float | None:
        """None when there are no responses."""
        return _share(self.positive, self.total)

    @property
    def negative_share(self) -> float | None:
        return _share(self.negative, self.total)

    def positive_interval(self, z: float = 1.96) -> tuple[float, float] | None:
        return wilson_interval(self.positive, self.total, z)

    def negative_interval(self, z: float = 1.96) -> tuple[float, float] | None:
        return wilson_interval(self.negative, self.total, z)


def fft_summary(counts: Mapping[str, int]) -> FftSummary:
    """Summarise FFT answer counts by code; missing codes count 0, unknown codes are an error."""
    return FftSummary(_tally(counts, FFT_CODES))


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    """One outcome statement's counts. As with the FFT, "Don't know" stays in the
    denominator; a statement someone skipped is no response and is not counted at all."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def agree(self) -> int:
        return sum(self.counts[c] for c in AGREE)

    @property
    def disagree(self) -> int:
        return sum(self.counts[c] for c in DISAGREE)

    @property
    def agree_share(self) -> float | None:
        return _share(self.agree, self.total)

    @property
    def disagree_share(self) -> float | None:
        return _share(self.disagree, self.total)

    def agree_interval(self, z: float = 1.96) -> tuple[float, float] | None:
        return wilson_interval(self.agree, self.total, z)


def agreement_summary(counts: Mapping[str, int]) -> AgreementSummary:
    return AgreementSummary(_tally(counts, AGREEMENT_CODES))


def agreement_share(counts: Mapping[str, int]) -> float | None:
    """(strongly agree + agree) / all answers including "Don't know"; None with no answers."""
    return agreement_summary(counts).agree_share
