"""Plain-language names for the codes the pages show (levels, statuses, scopes, outcomes).

Lazy strings, so each is translated when a page renders it, in that page's language. (As
`{% set %}` in an imported template they were translated once, in whichever language the
process happened to render first, because Jinja caches imported template modules.)
"""
from __future__ import annotations

from .domain import survey
from .rendering import lazy_gettext as _l

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
    "messages": _l("Read and send messages to the team"),
}
section_names = {
    "plans.my_support": _l("Support"), "plans.my_plan": _l("Plan"), "plans.goals": _l("Goals"),
    "plans.reviews": _l("Reviews"), "choice.start": _l("How support is arranged"),
    "feedback.signed_in_form": _l("Give feedback"), "plans.carers": _l("Carers"),
    "plans.who_has_looked": _l("Who has looked"), "plans.my_data_page": _l("Your data"),
    "messages.conversations": _l("Messages"),
}
alert_source_names = {
    "feedback": _l("Feedback"), "plan_comment": _l("A comment on a support plan"),
    "goal_note": _l("A note with a goal rating"), "arrangement_request": _l("A request about how support is arranged"),
    "review_request": _l("A request for a review"), "message": _l("A message to the team"),
    "referral": _l("A request for an assessment"),
}
urgency_names = {"urgent": _l("Very soon – things have changed a lot"), "soon": _l("In the next few weeks"),
                 "when_possible": _l("When it suits – there is no rush")}
risk_kind_names = {"self": _l("Risk to themselves"), "others": _l("Risk to others"),
                   "from_others": _l("Being hurt by someone")}

# What each action of the audit trail was (portal.domain.audit.ACTIONS), in "Who has looked"
# and the data download, from the record holder's side.
audit_action_names = {
    # reads
    "view_support": _l("Looked at your support"), "view_plan": _l("Looked at your plan"),
    "view_goals": _l("Looked at your goals"), "view_reviews": _l("Looked at your reviews"),
    "view_arrangement": _l("Looked at how your support is arranged"),
    "view_arrangement_request": _l("Looked at your request about how support is arranged"),
    "view_carers": _l("Looked at your carers"), "view_audit": _l("Looked at who has seen your record"),
    "view_feedback_form": _l("Opened the feedback form for you"),
    "assistant_answer": _l("Asked the assistant about your support"), "view_messages": _l("Read your messages"),
    "staying_well_in_chat": _l("Was shown your staying-well plan in the chat"),
    "download_data": _l("Downloaded your data"),
    "request_arrangement_change": _l("Opened the form to change how your support is arranged"),
    # the plan, goals and reviews
    "plan_started": _l("Started your support plan"), "plan_rewritten": _l("Changed your support plan"),
    "plan_shared": _l("Shared your support plan for you to agree"), "plan_agreed": _l("Agreed the support plan"),
    "plan_changes_asked": _l("Asked to talk about changes to the plan"),
    "plan_comment_answered": _l("Replied about your support plan"), "goal_rated": _l("Rated how a goal is going"),
    "review_scheduled": _l("Booked a review"), "review_recorded": _l("Recorded a review"),
    "review_asked": _l("Asked for a review"),
    # carers
    "carer_access_granted": _l("Invited a carer"), "carer_access_accepted": _l("Accepted the invitation to be a carer"),
    "carer_access_changed": _l("Changed what a carer can see or do"),
    "carer_access_revoked": _l("Stopped a carer's access"),
    # how support is arranged
    "arrangement_requested": _l("Asked to change how support is arranged"),
    "arrangement_in_discussion": _l("Started talking about the request to change how support is arranged"),
    "arrangement_agreed": _l("Agreed the request to change how support is arranged"),
    "arrangement_declined": _l("Said no to the request to change how support is arranged"),
    # asking for an assessment
    "referral_received": _l("The request for an assessment arrived"),
    "referral_opened": _l("Looked at the request for an assessment"),
    "referral_team_set": _l("Passed the request for an assessment to a team"),
    "referral_new": _l("Marked the request for an assessment as new"),
    "referral_contacted": _l("Contacted you about the request for an assessment"),
    "referral_assessment_booked": _l("Booked an assessment"),
    "referral_not_eligible": _l("Decided the request for an assessment is not for this service"),
    "referral_passed_to_team": _l("Passed the request for an assessment to a team"),
    # messages and safety
    "conversation_assigned": _l("Gave a conversation to a worker"), "conversation_closed": _l("Closed a conversation"),
    "safeguarding_alert_handled": _l("Dealt with a safety alert"),
    # accounts and signing in
    "invite_sent": _l("Sent an invitation to set up an account"), "invitation_accepted": _l("Set up the account"),
    "sign_in": _l("Signed in"), "sign_out": _l("Signed out"),
    "password_reset_requested": _l("Asked to reset the password"), "password_reset_completed": _l("Reset the password"),
    "two_factor_on": _l("Turned on two-step sign-in"), "two_factor_off": _l("Turned off two-step sign-in"),
    "two_factor_reset": _l("Two-step sign-in was reset by the council"),
    "recovery_code_used": _l("Signed in with a recovery code"), "recovery_codes_renewed": _l("Made new recovery codes"),
    # not about one person's record
    "feedback_text_reviewed": _l("Checked the words of some feedback"), "provider_created": _l("Added a provider"),
    "provider_updated": _l("Changed a provider's details"),
}
# Survey options are marked for translation where they are declared (portal.domain.survey).
ethnicity_names = {option.code: _l(option.label) for option in survey.ETHNICITY_QUESTION.options}

# The readable copy of "Download my data" (templates/plans/my_data.html): every name the
# export uses (portal.domain.my_data.export_client), in the reader's language. The file
# itself keeps these names as they are, for programs.
data_names = {
    # sections
    "about_you": _l("About you"), "support_plans": _l("Support plans"), "referrals": _l("Referrals"),
    "carers": _l("Carers"), "review_requests": _l("Reviews asked for"),
    "arrangement_requests": _l("Requests to change how support is arranged"),
    "who_has_looked_at_your_record": _l("Who has looked at your record"),
    # about you
    "given_name": _l("First name"), "family_name": _l("Last name"), "preferred_language": _l("Language"),
    "email": _l("Email address"), "phone": _l("Phone number"), "address": _l("Address"), "area": _l("Area"),
    "date_of_birth": _l("Date of birth"), "section_117_aftercare": _l("Section 117 aftercare"),
    "ethnicity": _l("Ethnic group"),
    # plans, versions, goals, reviews
    "level": _l("Level"), "status": _l("Status"), "arrangement": _l("How it is arranged"),
    "block_start": _l("Start of the 12-month block"), "block_end": _l("End of the 12-month block"),
    "next_review_due": _l("Next review due"), "level_1_started_on": _l("Level 1 started on"),
    "started_on": _l("Started on"), "ended_on": _l("Ended on"), "provider": _l("Provider"),
    "versions": _l("Versions"), "version_no": _l("Version"), "hours_per_week": _l("Hours a week"),
    "location": _l("Where"), "what_matters_to_me": _l("What matters to me"), "goals_snapshot": _l("Goals"),
    "change_summary": _l("What changed"), "created_at": _l("Date"), "agreed_by_client_at": _l("Agreed on"),
    "written_by": _l("Written by"), "budget_pence_a_year": _l("Personal budget a year"),
    "budget_direct_payment_pence_a_year": _l("Part paid as a direct payment, a year"),
    "contribution_pence_a_week": _l("What I pay towards it a week"), "staying_well": _l("My staying-well plan"),
    "warning_signs": _l("My early warning signs"), "what_helps": _l("What helps me"),
    "what_i_will_do": _l("What I will do"), "in_a_crisis": _l("What I want to happen in a crisis"),
    "contacts": _l("Who to contact"), "name": _l("Name"),
    "conversation": _l("Talking about changes"), "from_client": _l("From you"), "text": _l("Message"),
    "goals": _l("Goals"), "position": _l("Number"), "description": _l("Goal"), "steps": _l("Steps"),
    "who_helps": _l("Who helps"), "target_date": _l("Target date"), "ratings": _l("Ratings"),
    "rating": _l("Rating"), "rated_by": _l("Rated by"), "rated_on": _l("Rated on"), "note": _l("Note"),
    "reviews": _l("Reviews"), "due_on": _l("Due on"), "scheduled_for": _l("Booked for"),
    "completed_on": _l("Held on"), "outcome": _l("What was decided"), "notes": _l("Notes"),
    "referred_on": _l("Referred on"), "assessed_on": _l("Assessed on"), "support_started_on": _l("Support started on"),
    # carers, requests, views
    "carer_name": _l("Name"), "invited_email": _l("Email address"), "scopes": _l("What they can see or do"),
    "relationship_to_client": _l("Relationship to you"), "granted_at": _l("Invited on"),
    "accepted_at": _l("Accepted on"), "revoked_at": _l("Stopped on"),
    "reason": _l("Why"), "urgency": _l("How soon"), "answered_at": _l("Answered on"),
    "reference": _l("Reference"), "from_arrangement": _l("From"), "to_arrangement": _l("Asked for"),
    "preferences": _l("Preferences"), "language": _l("Language"), "worker_gender": _l("Worker"),
    "cultural_or_faith_needs": _l("Cultural or faith needs"), "times_of_day": _l("Times of day"),
    "preferred_provider_id": _l("Provider"), "contact_method": _l("Contact"),
    "decision_reason": _l("Reason for the decision"), "decided_at": _l("Decided on"),
    "who": _l("Who"), "actor_role": _l("Role"), "action": _l("What they did"), "occurred_at": _l("When"),
    # secure messages
    "messages": _l("Messages"), "subject": _l("Subject"), "urgent": _l("Urgent"), "closed_at": _l("Closed on"),
    "author_role": _l("Written by"), "body": _l("Message"),
}
# Codes in the export, by the name they are kept under, as the reader's words.
data_codes = {
    "arrangement": arrangement_names, "from_arrangement": arrangement_names, "to_arrangement": arrangement_names,
    "location": location_names, "outcome": outcome_names, "rated_by": rated_by_names, "author_role": rated_by_names,
    "urgency": urgency_names,
    "scopes": scope_names, "action": audit_action_names, "ethnicity": ethnicity_names, "status": {**plan_status_names, **status_names,
                                      "active": _l("Active"), "reached": _l("Reached"), "stopped": _l("Stopped"),
                                      "open": _l("Open"), "closed": _l("Closed")},
}
