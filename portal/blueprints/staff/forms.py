import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from ... import labels
from ...domain import staying_well
from ...forms import (
    DateRequired,
    GovDateField,
    PortalForm,
    PortalSubform,
    RadioInput,
    Select,
    TextArea,
    TextInput,
    strip,
)
from ..choice.forms import ARRANGEMENT_LABELS

ROLE_LABELS = {
    "client": _l("Client – a person who gets support"),
    "carer": _l("Carer – acts with a client's consent"),
    "staff": _l("Care staff – writes plans with clients"),
    "commissioner": _l("Commissioner – sees figures, never names"),
    "admin": _l("Administrator"),
}


class InviteForm(PortalForm):
    role = RadioField(
        _l("Who are you inviting?"),
        widget=RadioInput(),
        validators=[InputRequired(message=_l("Select who you are inviting"))],
    )
    given_name = StringField(
        _l("First name"),
        widget=TextInput(),
        validators=[
            InputRequired(message=_l("Enter their first name")),
            Length(max=100, message=_l("First name must be 100 characters or fewer")),
        ],
    )
    family_name = StringField(
        _l("Last name"),
        widget=TextInput(),
        validators=[
            InputRequired(message=_l("Enter their last name")),
            Length(max=100, message=_l("Last name must be 100 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        widget=TextInput(),
        validators=[
            InputRequired(message=_l("Enter their email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(message=_l("Enter an email address in the correct format, like name@example.com")),
        ],
    )

    team = SelectField(_l("Team (for care staff and clients)"), widget=Select(), default="")

    # Who works in (or is supported by) a team: an administrator chooses it; staff invite
    # into their own team.
    NEEDS_TEAM = ("client", "staff")

    def __init__(self, roles: list[str], *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in roles]
        if teams is None:
            delattr(self, "team")
        else:
            self.team.choices = [SelectChoice("", _l("Choose a team"))] + [
                SelectChoice(str(team.id), team.name) for team in teams]

    def validate_team(self, field):
        if self.role.data in self.NEEDS_TEAM and not field.data:
            raise ValidationError(_l("Choose the team they work in or get support from"))


# -- Writing a plan with the client, and reviews ------------------------------------------

LEVEL_LABELS = {str(level): name for level, name in labels.level_names.items()}
LOCATION_LABELS = {
    "own_home": _l("In their own home"),
    "supported_accommodation": _l("In supported accommodation"),
    "elsewhere": _l("Somewhere else"),
}
OUTCOME_LABELS = {
    "continue_level_1": _l("Continue Level 1 – targeted help for another 12 months"),
    "move_to_level_2": _l("Move to Level 2 – ongoing care"),
    "continue_level_2": _l("Continue Level 2 – ongoing care for another 12 months"),
    "discharge": _l("Discharge: support ends"),
}
MAX_TEXT = 2000


def hours_a_week(required: bool):
    """Hours as a number like 6 or 7.5, from 0.5 to 168."""
    def check(form, field):
        text = (field.data or "").strip().replace(",", ".")
        if not text:
            if required:
                raise ValidationError(_l("Enter the hours of support a week"))
            field.parsed = None
            return
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(_l("Enter hours a week as a number, like 6 or 7.5")) from None
        if not 0.5 <= value <= 168:
            raise ValidationError(_l("Hours a week must be between 0.5 and 168"))
        field.parsed = value
    return check


def pounds(*, required: bool, label_needed=None):
    """An amount of money as staff type it (like 12480, 12,480 or £240.50), kept as whole
    pence in `field.parsed` (None when left empty)."""
    def check(form, field):
        text = (field.data or "").strip().replace("£", "").replace(",", "").replace(" ", "")
        field.parsed = None
        if not text:
            if required:
                raise ValidationError(label_needed)
            return
        if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,2})?", text):
            raise ValidationError(_l("Enter an amount in pounds, like 12480 or 240.50"))
        whole, _dot, part = text.partition(".")
        field.parsed = int(whole) * 100 + int(part.ljust(2, "0") or 0)
    return check


class GoalEntry(PortalSubform):
    goal_id = HiddenField()
    description = TextAreaField(
        _l("The goal, in the client’s own words"), widget=TextArea(), filters=[strip],
        # No Optional(): it would stop the check that a goal's other boxes are not orphaned.
        validators=[Length(max=500, message=_l("The goal must be 500 characters or fewer"))],
    )
    steps = TextAreaField(
        _l("Steps towards it"), widget=TextArea(), filters=[strip],
        validators=[Optional(), Length(max=MAX_TEXT, message=_l("Steps must be 2,000 characters or fewer"))],
    )
    who_helps = StringField(
        _l("Who helps"), widget=TextInput(), filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("This must be 500 characters or fewer"))],
    )
    target_date = GovDateField(_l("Target date (optional)"))

    def validate_description(self, field):
        if not field.data and (self.steps.data or self.who_helps.data or self.target_date.data):
            raise ValidationError(_l("Write the goal, or leave all of its boxes empty"))


class ContactEntry(PortalSubform):
    """Someone the client wants contacted if they become unwell: the name and number they choose."""

    # No Optional(): it would stop the checks that a name has its number and a number its name.
    name = StringField(_l("Name"), widget=TextInput(), filters=[strip],
                       validators=[Length(max=100, message=_l("The name must be 100 characters or fewer"))])
    phone = StringField(_l("Phone number"), widget=TextInput(), filters=[strip],
                        validators=[Length(max=25, message=_l("Enter a phone number, like 0114 496 0000"))])

    def validate_name(self, field):
        if not field.data and self.phone.data:
            raise ValidationError(_l("Enter the name of the person to contact, or leave both boxes empty"))

    def validate_phone(self, field):
        if field.data and staying_well.phone_problem(field.data):
            raise ValidationError(_l("Enter a phone number, like 0114 496 0000"))
        if not field.data and self.name.data:
            raise ValidationError(_l("Enter the phone number of the person to contact, or leave both boxes empty"))


def _staying_well_text(label):
    return TextAreaField(label, widget=TextArea(), filters=[strip], validators=[
        Optional(), Length(max=MAX_TEXT, message=_l("This must be 2,000 characters or fewer"))])


class PlanForm(PortalForm):
    level = RadioField(_l("Level of support"), widget=RadioInput(),
                       choices=[SelectChoice(k, v) for k, v in LEVEL_LABELS.items()],
                       validators=[InputRequired(message=_l("Select the level of support"))])
    arrangement = RadioField(_l("How the support is arranged"), widget=RadioInput(),
                             choices=[SelectChoice(k, v) for k, v in ARRANGEMENT_LABELS.items()],
                             validators=[InputRequired(message=_l("Select how the support is arranged"))])
    provider = SelectField(_l("Provider (not for a direct payment)"), widget=Select(), validators=[Optional()])
    hours_per_week = StringField(_l("Hours of support a week"), widget=TextInput(), validators=[hours_a_week(required=True)])
    location = RadioField(_l("Where the support happens"), widget=RadioInput(),
                          choices=[SelectChoice(k, v) for k, v in LOCATION_LABELS.items()],
                          validators=[InputRequired(message=_l("Select where the support happens"))])
    what_matters_to_me = TextAreaField(
        _l("What matters to the client, in their words"), widget=TextArea(), filters=[strip],
        validators=[InputRequired(message=_l("Write what matters to the client")),
                    Length(max=MAX_TEXT, message=_l("This must be 2,000 characters or fewer"))],
    )
    goals = FieldList(FormField(GoalEntry), min_entries=1, max_entries=10)
    # The personal budget (Care Act 2014 s.25): amounts from the assessment, never made up.
    budget_a_year = StringField(_l("Personal budget a year"), widget=TextInput(),
                                validators=[pounds(required=False)])
    direct_payment_a_year = StringField(_l("For a mix: the part paid as a direct payment, a year"),
                                        widget=TextInput(), validators=[pounds(required=False)])
    contribution_a_week = StringField(_l("What the client pays towards it a week (leave empty if nothing)"),
                                      widget=TextInput(), validators=[pounds(required=False)])
    # The staying-well plan, in the client's words.
    warning_signs = _staying_well_text(_l("My early warning signs"))
    what_helps = _staying_well_text(_l("What helps me"))
    what_i_will_do = _staying_well_text(_l("What I will do"))
    in_a_crisis = _staying_well_text(_l("What I want to happen in a crisis"))
    contacts = FieldList(FormField(ContactEntry), min_entries=2, max_entries=staying_well.MAX_CONTACTS)
    change_summary = StringField(
        _l("What changed, in a sentence (for the version history)"), widget=TextInput(), filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("This must be 300 characters or fewer"))],
    )
    lock_version = HiddenField()

    SUPPORT_FIELDS = ("level", "arrangement", "provider", "hours_per_week", "location")
    BUDGET_FIELDS = ("budget_a_year", "direct_payment_a_year", "contribution_a_week")

    def __init__(self, *args, providers=(), support_editable=True, budget_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not budget_editable:  # an agreed budget changes only at a review
            for name in self.BUDGET_FIELDS:
                delattr(self, name)
        if support_editable:
            self.provider.choices = [SelectChoice("", _l("No provider"))] + [
                SelectChoice(str(p.id), p.name) for p in providers]
        else:  # agreed support changes only at a review
            for name in self.SUPPORT_FIELDS:
                delattr(self, name)

    def validate_goals(self, field):
        if not any(entry.form.description.data for entry in field.entries):
            raise ValidationError(_l("Write at least one goal"))

    def validate_direct_payment_a_year(self, field):
        if (field.data or "").strip() and not (self.budget_a_year.data or "").strip():
            raise ValidationError(_l("Enter the personal budget a year first"))

    def validate_contribution_a_week(self, field):
        if (field.data or "").strip() and not (self.budget_a_year.data or "").strip():
            raise ValidationError(_l("Enter the personal budget a year first"))


class ScheduleReviewForm(PortalForm):
    scheduled_for = GovDateField(_l("Date of the review"), validators=[DateRequired(_l("Enter the date of the review"))])


class RecordReviewForm(PortalForm):
    held_on = GovDateField(_l("Date the review was held"), validators=[DateRequired(_l("Enter the date the review was held"))])
    outcome = RadioField(_l("What was decided?"), widget=RadioInput(),
                         validators=[InputRequired(message=_l("Select what was decided"))])
    hours_per_week = StringField(_l("Hours of support a week from now on (leave empty if they stay the same)"),
                                 widget=TextInput(), validators=[hours_a_week(required=False)])
    notes = TextAreaField(_l("Notes from the review"), widget=TextArea(), filters=[strip],
                          validators=[Optional(), Length(max=4000, message=_l("Notes must be 4,000 characters or fewer"))])
    # A new personal budget from the review (the boxes empty: it stays the same).
    budget_a_year = StringField(_l("Personal budget a year from now on (leave empty if it stays the same)"),
                                widget=TextInput(), validators=[pounds(required=False)])
    direct_payment_a_year = StringField(_l("For a mix: the part paid as a direct payment, a year"),
                                        widget=TextInput(), validators=[pounds(required=False)])
    contribution_a_week = StringField(_l("What the client pays towards it a week (leave empty if nothing)"),
                                      widget=TextInput(), validators=[pounds(required=False)])

    def validate_direct_payment_a_year(self, field):
        if (field.data or "").strip() and not (self.budget_a_year.data or "").strip():
            raise ValidationError(_l("Enter the personal budget a year first"))

    def validate_contribution_a_week(self, field):
        if (field.data or "").strip() and not (self.budget_a_year.data or "").strip():
            raise ValidationError(_l("Enter the personal budget a year first"))

    def __init__(self, outcomes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [SelectChoice(o.value, OUTCOME_LABELS[o.value]) for o in outcomes]


REFERRAL_STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "assessment_booked": _l("Assessment booked"),
    "not_eligible": _l("Not eligible"),
    "passed_to_team": _l("Passed to a team"),
}


class TriageForm(PortalForm):
    """Move a referral on and/or give it to a team (both optional; the rules are the domain's)."""

    status = RadioField(_l("What happened?"), widget=RadioInput(), validators=[Optional()])
    reason = TextAreaField(
        _l("Why they are not eligible"), widget=TextArea(), filters=[strip],
        description=_l("Needed when they are not eligible. Say what else may help them."),
        validators=[Optional(), Length(max=2000, message=_l("The reason must be 2,000 characters or fewer"))],
    )
    team = SelectField(_l("Team"), widget=Select(), validators=[Optional()])

    def __init__(self, statuses, teams, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice(s.value, REFERRAL_STATUS_LABELS[s.value]) for s in statuses]
        self.team.choices = [SelectChoice("", _l("No team yet"))] + [
            SelectChoice(str(team.id), team.name) for team in teams]

    def validate_reason(self, field):
        if self.status.data == "not_eligible" and not field.data:
            raise ValidationError(_l("Enter why they are not eligible"))

    def validate_team(self, field):
        if self.status.data == "passed_to_team" and not field.data:
            raise ValidationError(_l("Choose the team it is passed to"))
