"""How each commissioners' figure is made, in plain words: what is counted, from which
records, for which period, what is left out, and the national measure it matches, if any.

Texts are English msgids marked with `N_` and translated when shown. A release records the
DEFINITIONS_VERSION it was made with; change the version whenever a definition changes what
a figure counts, so that figures made under older words are never copied into a new release.
"""
from __future__ import annotations

from dataclasses import dataclass

from .survey import N_

DEFINITIONS_VERSION = "2026.12"


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    counts: str
    records: str
    period: str
    excluded: str
    national: str | None = None


_QUARTERS = N_("Each period is made of whole calendar quarters that have ended: the latest quarter, the four "
               "quarters to its end (12 months), and everything from the first record to its end. The dates "
               "are shown beside the figures.")
_RELEASE_DAY = N_("The day the release was made (shown beside the figure).")

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "fft", N_("Friends and Family Test"),
        N_("Feedback responses, and the share who answered \u201cvery good\u201d or \u201cgood\u201d (and \u201cpoor\u201d or "
           "\u201cvery poor\u201d) to \u201cOverall, how was your experience of our service?\u201d. \u201cDon\u2019t know\u201d "
           "stays in the whole, as the NHS counts it. The lines on the bars are 95 per cent intervals (Wilson), worked "
           "out from the rounded numbers."),
        N_("Feedback forms, online or on paper, from people who get support and from carers. Groups come from "
           "the form: level and provider as the person gave them, the form\u2019s language, and the optional "
           "equality questions."),
        _QUARTERS,
        N_("Nothing is left out; a person can answer more than once. Equality questions nobody answered count "
           "as \u201cNot answered\u201d."),
        N_("The NHS Friends and Family Test: the same question, answers and percentages. It is not ASCOF 3A, "
           "which uses the Adult Social Care Survey\u2019s seven-point question about satisfaction."),
    ),
    Definition(
        "outcomes", N_("Outcome statements"),
        N_("For each statement, the people who answered it and the share who agree or strongly agree. "
           "\u201cDon\u2019t know\u201d stays in the whole."),
        N_("The same feedback forms. The statements are our own words for the outcomes in section 6 of the "
           "council\u2019s report (6.1.5 hope, meaning and purpose; 6.1.8 home, work and people; 6.1.9 less "
           "use of other services among them)."),
        _QUARTERS,
        N_("Statements a person skipped are not counted for that statement."),
    ),
    Definition(
        "level_1_endings", N_("How Level 1 support ended"),
        N_("Every time Level 1 support ended in the period: the share who were discharged and the share who "
           "moved to Level 2. The council\u2019s aim is that 20 per cent of people leaving Level 1 are discharged "
           "(report 1.1.5); the line on the chart marks it."),
        N_("Annual and early reviews, by the day the review was held: a review that moved someone to Level 2, "
           "or that discharged someone whose plan was at Level 1."),
        _QUARTERS,
        N_("Reviews that continued Level 1, and discharges from Level 2."),
    ),
    Definition(
        "waits", N_("Wait from referral to support"),
        N_("How many people\u2019s support started in the period, and the middle (median) number of days "
           "from their referral to the day their support started."),
        N_("Referrals: the day of referral and the day support started."),
        _QUARTERS,
        N_("People still waiting (their support has not started). A median of fewer than 8 people is not shown."),
    ),
    Definition(
        "fair_access", N_("Fair access"),
        N_("Waits, Level 1 endings and satisfaction, as above, for each ethnic group, language, area and "
           "provider, so that groups who wait longer or leave Level 1 less often can be seen."),
        N_("Waits and Level 1 endings: the client\u2019s record (ethnic group given at assessment, preferred "
           "language, area) and the provider of their plan. Satisfaction: the feedback form (its equality "
           "question, the form\u2019s language, the provider named). Feedback does not record an area, so "
           "satisfaction by area is not shown."),
        _QUARTERS,
        N_("\u201cNot known\u201d holds people whose group was not recorded or not answered, and plans with no "
           "provider (most direct payments)."),
    ),
    Definition(
        "open_plans", N_("Open support plans"),
        N_("Support plans that have not ended and have been shared with the person or agreed by them."),
        N_("Support plans, as they stand."),
        _RELEASE_DAY,
        N_("Drafts (not yet shared with the person) and ended plans."),
    ),
    Definition(
        "reviews_overdue", N_("Annual reviews overdue"),
        N_("The share of open support plans whose annual review date has passed without a review."),
        N_("Support plans and their review dates."),
        _RELEASE_DAY,
        N_("Drafts and ended plans."),
    ),
    Definition(
        "level_1", N_("People at Level 1"),
        N_("Open support plans at Level 1 (targeted help), and the share of them where Level 1 started more "
           "than 12 months ago (the aim) or more than 24 months ago (the limit)."),
        N_("Support plans: their level and the day Level 1 first started."),
        _RELEASE_DAY,
        N_("Drafts and ended plans."),
    ),
    Definition(
        "arrangement_mix", N_("How support is arranged"),
        N_("The share of open support plans arranged by the council, paid as a direct payment, or a mix. "
           "Each share is rounded on its own, so they may not add up to 100 per cent."),
        N_("Support plans: the arrangement of the plan as it stands, and of each version for the end of each "
           "quarter."),
        N_("The day the release was made; and the last day of each of the last eight quarters that have ended."),
        N_("Drafts and ended plans."),
        N_("ASCOF reports the share of people getting direct payments across all adult social care; this "
           "figure covers this service\u2019s plans only, so the two are not the same."),
    ),
    Definition(
        "goals", N_("Progress towards goals"),
        N_("Goals rated at least twice, the average change from the first rating to the latest (0 to 10), "
           "and the share that moved up 3 points or more."),
        N_("Goals in support plans and their ratings by the person, their carer or staff."),
        N_("Every rating up to the day the release was made."),
        N_("Goals rated once or never. An average of fewer than 8 goals is not shown."),
    ),
    Definition(
        "arrangement_requests", N_("Requests to change how support is arranged"),
        N_("Requests made in each of the last 12 months that have ended, and the middle (median) number of "
           "days from a request to its decision."),
        N_("Requests to change arrangement made by people or their carers."),
        N_("Each whole month; the median uses every decided request up to the day the release was made."),
        N_("Requests not yet decided (from the median). A median of fewer than 8 requests is not shown."),
    ),
    Definition(
        "unmet_languages", N_("Languages no provider with space speaks"),
        N_("Languages asked for in open requests to change arrangement that no provider taking new clients "
           "speaks."),
        N_("Open requests and the providers\u2019 details."),
        _RELEASE_DAY,
        N_("Decided requests."),
    ),
    Definition(
        "comments", N_("What people said"),
        N_("Up to 20 of the latest comments from feedback in the period."),
        N_("Feedback comments that staff have read and released, with anything that could identify someone "
           "taken out."),
        _QUARTERS,
        N_("Comments not yet reviewed, and comments staff withheld."),
    ),
)
BY_CODE = {definition.code: definition for definition in DEFINITIONS}

DISCLOSURE_RULE = N_("Every number is for many people together. Numbers from 1 to 7 show as *, other numbers are "
                     "rounded to the nearest 5, percentages are worked out from the rounded numbers, and a "
                     "percentage also shows as * when the rest of its group is from 1 to 7, so that nobody can be "
                     "identified. Totals are rounded on their own, so the parts may not add up to the total.")
