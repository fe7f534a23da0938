from wtforms import EmailField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ... import labels
from ...forms import CheckboxesInput, PortalForm, RadioInput, TextArea, TextInput, strip
from ...rendering import lazy_gettext as _l

# What a client may let a carer see or do (CarerScope values), in the client's words.
SCOPE_LABELS = {
    "plan": _l("See my support plan"),
    "goals": _l("See my goals and ratings, and rate my goals"),
    "reviews": _l("See my reviews and get review reminders"),
    "arrangement": _l("Ask for a change to how my support is arranged"),
    "feedback": _l("Give feedback for me"),
    "messages": _l("Read and send my messages to my team"),
}

RESPONSE_LABELS = {
    "agree": _l("I agree with this plan"),
    "talk": _l("I want to talk about changes"),
}

# Ratings run 0–10 (domain-facts: goal-based outcome scale).
RATING_CHOICES = [SelectChoice(str(n), str(n)) for n in range(0, 11)]


class PlanResponseForm(PortalForm):
    response = RadioField(
        _l("What do you think of this plan?"), widget=RadioInput(),
        choices=[SelectChoice(code, label) for code, label in RESPONSE_LABELS.items()],
        validators=[InputRequired(message=_l("Select whether you agree or want to talk about changes"))],
    )
    comment = TextAreaField(
        _l("What would you like to change? (needed if you want to talk about changes)"), widget=TextArea(),
        filters=[strip], validators=[Optional(), Length(max=2000, message=_l("This must be 2,000 characters or fewer"))],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.response.data == "talk" and not self.comment.data:
            self.comment.errors = [_l("Tell us what you would like to change")]
            return False
        return valid


class PlanCommentForm(PortalForm):
    """When there is no version waiting for agreement: only the words to the worker."""

    comment = TextAreaField(
        _l("What would you like to talk about or change?"), widget=TextArea(), filters=[strip],
        validators=[DataRequired(message=_l("Tell us what you would like to change")),
                    Length(max=2000, message=_l("This must be 2,000 characters or fewer"))],
    )


class ReviewReasonForm(PortalForm):
    reason = TextAreaField(
        _l("Why would you like a review?"), widget=TextArea(), filters=[strip],
        validators=[DataRequired(message=_l("Tell us why you would like a review")),
                    Length(max=2000, message=_l("This must be 2,000 characters or fewer"))],
    )


class ReviewUrgencyForm(PortalForm):
    urgency = RadioField(
        _l("How soon do you need the review?"), widget=RadioInput(),
        choices=[SelectChoice(code, label) for code, label in labels.urgency_names.items()],
        validators=[InputRequired(message=_l("Select how soon you need the review"))],
    )


class ReplyForm(PortalForm):
    """A worker's reply in the conversation about the plan (the client reads it)."""

    reply = TextAreaField(
        _l("Your reply to the client"), widget=TextArea(), filters=[strip],
        validators=[DataRequired(message=_l("Write your reply")),
                    Length(max=2000, message=_l("This must be 2,000 characters or fewer"))],
    )


class RatingForm(PortalForm):
    rating = RadioField(
        _l("How close are you to this goal?"), widget=RadioInput(), choices=RATING_CHOICES,
        validators=[InputRequired(message=_l("Select a number from 0 to 10"))],
    )
    note = TextAreaField(
        _l("Anything you would like to add (optional)"), widget=TextArea(), filters=[strip],
        validators=[Optional(), Length(max=1000, message=_l("This must be 1,000 characters or fewer"))],
    )


class CarerInviteForm(PortalForm):
    name = StringField(
        _l("Their full name"), widget=TextInput(), filters=[strip],
        validators=[DataRequired(message=_l("Enter their name")),
                    Length(max=200, message=_l("This must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Their email address"), widget=TextInput(), filters=[strip],
        validators=[DataRequired(message=_l("Enter their email address")),
                    Length(max=254, message=_l("This must be 254 characters or fewer")),
                    Email(message=_l("Enter an email address in the correct format, like name@example.com"))],
    )
    relationship = StringField(
        _l("How do they know you? (optional)"), widget=TextInput(), filters=[strip],
        validators=[Optional(), Length(max=100, message=_l("This must be 100 characters or fewer"))],
    )
    scopes = SelectMultipleField(
        _l("What may they see or do?"), widget=CheckboxesInput(),
        choices=[SelectChoice(code, label) for code, label in SCOPE_LABELS.items()],
        validators=[DataRequired(message=_l("Select at least one thing they may see or do"))],
    )


class ScopesForm(PortalForm):
    scopes = SelectMultipleField(
        _l("What may they see or do?"), widget=CheckboxesInput(),
        choices=[SelectChoice(code, label) for code, label in SCOPE_LABELS.items()],
        validators=[DataRequired(message=_l("Select at least one thing, or stop their access instead"))],
    )


class ConfirmForm(PortalForm):
    """A button that changes something (the CSRF token is the only field)."""


# The plan rules' and carer rules' refusals (PlanRuleError / CarerError codes), in plain words.
RULE_MESSAGES = {
    "unknown": _l("Sorry, that could not be saved. Try again."),
    "plan_exists": _l("This person already has an open support plan"),
    "no_goals": _l("Write at least one goal"),
    "too_many_goals": _l("A plan can have up to 10 goals"),
    "bad_level": _l("Select Level 1 or Level 2"),
    "direct_payment_has_no_provider": _l("A direct payment has no council-arranged provider: select no provider"),
    "provider_needed": _l("Select the provider who gives the council-arranged support"),
    "changed_by_someone_else": _l("Someone else changed this plan while you were editing it. Check the plan and make your changes again."),
    "support_changes_at_review": _l("The level, hours, place and provider of agreed support change only at a review"),
    "not_a_draft": _l("This plan has already been shared"),
    "only_the_client_agrees": _l("Only the person the plan is for can answer this"),
    "nothing_to_agree": _l("There is no new plan waiting for your answer"),
    "comment_needed": _l("Tell us what you would like to change"),
    "plan_ended": _l("This plan has ended"),
    "rating_out_of_range": _l("Select a number from 0 to 10"),
    "goal_not_active": _l("This goal is no longer in the plan"),
    "outcome_not_for_level": _l("Select an outcome that fits this level of support"),
    "level_1_limit": _l("Level 1 cannot go past 24 months: move to Level 2 or discharge"),
    "no_review_due": _l("There is no review to record"),
    "date_in_past": _l("The date must be today or in the future"),
    "date_in_future": _l("The date of the review must be today or in the past"),
    "before_block": _l("The review must be on or after the start of this 12-month block"),
    "too_far_after_due": _l("The review must be no more than 3 months after it is due"),
    "hours_out_of_range": _l("Hours a week must be between 0.5 and 168"),
    "too_many_invitations": _l("You cannot send more invitations today. Try again tomorrow."),
    "reply_needed": _l("Write your reply"),
    "no_plan": _l("There is no support plan to review yet"),
    "reason_needed": _l("Tell us why you would like a review"),
    "reason_too_long": _l("This must be 2,000 characters or fewer"),
    "no_scopes": _l("Select at least one thing they may see or do"),
    "budget_out_of_range": _l("The personal budget must be more than £0 and no more than £500,000 a year"),
    "budget_split_needed": _l("For a mix, enter the part of the budget paid as a direct payment"),
    "budget_split_only_mixed": _l("Only a mix of council-arranged support and a direct payment is split: leave the direct payment part empty"),
    "budget_split_out_of_range": _l("The direct payment part must be more than £0 and less than the whole budget"),
    "contribution_out_of_range": _l("What the client pays cannot be more than the budget"),
    "section_117_is_free": _l("Section 117 aftercare is free: the client pays nothing towards it"),
    "budget_changes_at_review": _l("An agreed personal budget changes only at a review"),
    "staying_well_too_long": _l("This must be 2,000 characters or fewer"),
    "too_many_contacts": _l("The staying-well plan can name up to 5 people to contact"),
    "contact_name_needed": _l("Enter the name of the person to contact, or leave both boxes empty"),
    "phone_not_valid": _l("Enter a phone number, like 0114 496 0000"),
}


def rule_message(code: str):
    """The words for a rule's refusal (a generic one for a code without its own)."""
    return RULE_MESSAGES.get(code, RULE_MESSAGES["unknown"])
