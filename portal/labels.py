"""Plain-language names for the codes the pages show (levels, statuses, scopes, outcomes).

Lazy strings, so each is translated when a page renders it, in that page's language. (As
`{% set %}` in an imported template they were translated once, in whichever language the
process happened to render first, because Jinja caches imported template modules.)
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

arrangement_names = {
    "council_arranged": _l("Council-arranged support"),
    "direct_payment": _l("A direct payment"),
    "mixed": _l("A mix of council-arranged support and a direct payment"),
}
status_names = {"requested": _l("Requested"), "in_discussion": _l("In discussion"), "agreed": _l("Agreed"),
                "declined": _l("Not agreed")}
status_classes = {"requested": "govuk-tag--blue", "in_discussion": "govuk-tag--yellow", "agreed": "govuk-tag--green",
                  "declined": "govuk-tag--red"}

level_names = {1: _l("Level 1 – targeted help"), 2: _l("Level 2 – ongoing care")}
level_explanations = {
    1: _l("Short-term help to get back skills for everyday life. The aim is to finish within 12 months."),
    2: _l("Support for as long as you need it, to live as independently as you can."),
}
level_pages = {1: "level-1-targeted-help", 2: "level-2-ongoing-care"}
location_names = {"own_home": _l("In your own home"), "supported_accommodation": _l("In supported accommodation"),
                  "elsewhere": _l("Somewhere else")}
outcome_names = {
    "continue_level_1": _l("Continue Level 1 – targeted help"),
    "move_to_level_2": _l("Move to Level 2 – ongoing care"),
    "discharge": _l("Discharge: support ends"),
    "continue_level_2": _l("Continue Level 2 – ongoing care"),
}
plan_status_names = {"draft": _l("Draft"), "shared": _l("Waiting for agreement"), "agreed": _l("Agreed"),
                     "ended": _l("Ended")}
plan_status_classes = {"draft": "govuk-tag--grey", "shared": "govuk-tag--yellow", "agreed": "govuk-tag--green",
                       "ended": "govuk-tag--grey"}
rated_by_names = {"client": _l("You"), "carer": _l("A carer"), "staff": _l("Your worker")}
scope_names = {
    "plan": _l("See the support plan"),
    "goals": _l("See goals and ratings, and rate goals"),
    "reviews": _l("See reviews and get review reminders"),
    "arrangement": _l("Ask for a change to how support is arranged"),
    "feedback": _l("Give feedback for them"),
}
section_names = {
    "plans.my_support": _l("Support"), "plans.my_plan": _l("Plan"), "plans.goals": _l("Goals"),
    "plans.reviews": _l("Reviews"), "choice.start": _l("How support is arranged"),
    "feedback.signed_in_form": _l("Give feedback"), "plans.carers": _l("Carers"),
    "plans.who_has_looked": _l("Who has looked"), "plans.my_data_page": _l("Your data"),
}
alert_source_names = {
    "feedback": _l("Feedback"), "plan_comment": _l("A comment on a support plan"),
    "goal_note": _l("A note with a goal rating"), "arrangement_request": _l("A request about how support is arranged"),
}
risk_kind_names = {"self": _l("Risk to themselves"), "others": _l("Risk to others"),
                   "from_others": _l("Being hurt by someone")}
