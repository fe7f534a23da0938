"""Feedback questions as data, and the FFT / agreement statistics."""
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain import survey
from portal.domain.survey import (
    AGREEMENT_SCALE,
    EQUALITY_QUESTIONS,
    ETHNICITY_QUESTION,
    FFT_QUESTION,
    FFT_REASON_QUESTION,
    OUTCOME_STATEMENTS,
    agreement_share,
    agreement_summary,
    fft_summary,
    wilson_interval,
)


def test_fft_wording_is_exact():
    assert FFT_QUESTION.text == "Overall, how was your experience of our service?"
    assert [(o.code, o.label) for o in FFT_QUESTION.options] == [
        ("very_good", "Very good"),
        ("good", "Good"),
        ("neither", "Neither good nor poor"),
        ("poor", "Poor"),
        ("very_poor", "Very poor"),
        ("dont_know", "Don't know"),
    ]
    assert FFT_REASON_QUESTION.text == "What is the main reason for your answer?"


def test_outcome_statements_and_scale():
    assert [(s.code, s.text) for s in OUTCOME_STATEMENTS] == [
        ("support_when_needed", "I get support when I need it and it changes when my needs change"),
        ("towards_goals", "My support helps me work towards my goals"),
        ("life_in_community", "My support helps me live the life I want in my community"),
        ("listened_to", "I am listened to and treated with respect"),
        ("know_who_to_contact", "I know who to contact if things go wrong"),
        ("hope_and_purpose", "My support helps me have hope, meaning and purpose in my life"),
        ("home_work_and_people", "My support helps me with my home, with work or learning, and with seeing people"),
        ("less_other_services", "Because of my support, I need other health and care services less"),
    ]
    assert [(o.code, o.label) for o in AGREEMENT_SCALE] == [
        ("strongly_agree", "Strongly agree"),
        ("agree", "Agree"),
        ("neither", "Neither agree nor disagree"),
        ("disagree", "Disagree"),
        ("strongly_disagree", "Strongly disagree"),
        ("dont_know", "Don't know"),
    ]


def test_equality_questions():
    for question in EQUALITY_QUESTIONS:
        assert question.codes[-1] == "prefer_not_to_say", question.code
        assert len(set(question.codes)) == len(question.codes), question.code
        assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", c) for c in question.codes), question.code
        assert question.label("prefer_not_to_say") == "Prefer not to say"
    assert [q.code for q in EQUALITY_QUESTIONS] == [
        "age_band", "sex", "gender_identity", "ethnicity", "religion", "sexual_orientation", "disability",
    ]
    assert len(survey.AGE_QUESTION.codes) == 8
    assert survey.SEX_QUESTION.codes == ("female", "male", "prefer_not_to_say")
    assert survey.DISABILITY_QUESTION.codes == (
        "yes_limited_a_lot", "yes_limited_a_little", "no", "prefer_not_to_say",
    )
    assert survey.SEXUAL_ORIENTATION_QUESTION.codes == (
        "straight", "gay_or_lesbian", "bisexual", "other", "prefer_not_to_say",
    )
    assert len(survey.RELIGION_QUESTION.codes) == 9


def test_ethnicity_is_census_2021_five_groups_nineteen_categories():
    groups = ETHNICITY_QUESTION.groups
    assert [g.code for g in groups] == ["asian", "black", "mixed", "white", "other"]
    assert [len(g.options) for g in groups] == [5, 3, 4, 5, 2]
    assert len(ETHNICITY_QUESTION.codes) == 19 + 1
    assert survey.ETHNIC_GROUP_OF["roma"] == "white"
    assert ETHNICITY_QUESTION.label("white_british") == "English, Welsh, Scottish, Northern Irish or British"
    with pytest.raises(KeyError):
        ETHNICITY_QUESTION.label("nope")


def test_texts_are_marked_for_extraction():
    """Every msgid in the module is written as N_("…"), so `pybabel extract -k N_` sees it."""
    source = Path(survey.__file__).read_text(encoding="utf-8")
    marked = set(re.findall(r'N_\(\s*"((?:[^"\\]|\\.)*)"', source))
    for text in [FFT_QUESTION.text, *(s.text for s in OUTCOME_STATEMENTS), "Don't know", "Prefer not to say"]:
        assert text in marked or any(text.startswith(m) for m in marked)
    assert survey.N_("x") == "x"


# --- FFT ----------------------------------------------------------------------------------------

def test_fft_summary_keeps_dont_know_in_denominator():
    s = fft_summary({"very_good": 5, "good": 3, "neither": 1, "poor": 0, "very_poor": 1, "dont_know": 2})
    assert (s.total, s.positive, s.negative) == (12, 8, 1)
    assert s.positive_share == pytest.approx(8 / 12)
    assert s.negative_share == pytest.approx(1 / 12)


def test_fft_summary_edges():
    empty = fft_summary({})
    assert empty.total == 0 and empty.positive_share is None and empty.positive_interval() is None
    all_dont_know = fft_summary({"dont_know": 4})
    assert all_dont_know.positive_share == 0 and all_dont_know.negative_share == 0
    assert all_dont_know.positive_interval() == (0.0, pytest.approx(0.4899, abs=1e-4))
    with pytest.raises(ValueError):
        fft_summary({"excellent": 1})
    with pytest.raises(ValueError):
        fft_summary({"good": -1})


def test_fft_summary_is_immutable():
    s = fft_summary({"good": 1})
    with pytest.raises(TypeError):
        s.counts["good"] = 2  # type: ignore[index]


# --- Wilson interval ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "successes, n, low, high",
    [
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_hand_computed(successes, n, low, high):
    lo, hi = wilson_interval(successes, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_other_z_and_no_data():
    assert wilson_interval(8, 10, z=1.0) == (pytest.approx(0.6491, abs=1e-4), pytest.approx(0.8964, abs=1e-4))
    assert wilson_interval(0, 0) is None
    for bad in [(-1, 10), (11, 10), (0, -1)]:
        with pytest.raises(ValueError):
            wilson_interval(*bad)
    with pytest.raises(ValueError):
        wilson_interval(1, 2, z=0)


@given(st.integers(min_value=1, max_value=10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.floats(min_value=0.1, max_value=4))
def test_wilson_properties(pair, z):
    successes, n = pair
    lo, hi = wilson_interval(successes, n, z)
    p = successes / n
    assert 0 <= lo <= p <= hi <= 1
    if 0 < successes < n:
        assert lo < p < hi


@given(st.integers(min_value=1, max_value=10**4).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_wider_z_gives_wider_interval(pair):
    successes, n = pair
    lo95, hi95 = wilson_interval(successes, n)
    lo68, hi68 = wilson_interval(successes, n, z=1.0)
    assert lo95 <= lo68 + 1e-12 and hi68 <= hi95 + 1e-12


# --- agreement ----------------------------------------------------------------------------------

def test_agreement_share_keeps_dont_know_in_denominator():
    counts = {"strongly_agree": 4, "agree": 2, "neither": 1, "disagree": 1, "dont_know": 2}
    assert agreement_share(counts) == pytest.approx(6 / 10)
    s = agreement_summary(counts)
    assert (s.agree, s.disagree, s.total) == (6, 1, 10)
    assert s.agree_interval() == wilson_interval(6, 10)
    assert agreement_share({}) is None
    assert agreement_share({"dont_know": 3}) == 0
    with pytest.raises(ValueError):
        agreement_share({"very_good": 1})


@given(st.dictionaries(st.sampled_from(survey.AGREEMENT_CODES), st.integers(0, 1000)))
def test_agreement_share_in_unit_interval(counts):
    share = agreement_share(counts)
    if sum(counts.values()) == 0:
        assert share is None
    else:
        assert 0 <= share <= 1
