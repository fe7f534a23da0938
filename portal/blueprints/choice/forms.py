from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...forms import CheckboxesInput, PortalForm, RadioInput, Select, TextArea, TextInput, strip

ARRANGEMENT_LABELS = {
    "council_arranged": _l("Council-arranged support"),
    "direct_payment": _l("A direct payment"),
    "mixed": _l("A mix of both"),
}
ARRANGEMENT_HINTS = {
    "council_arranged": _l("The council arranges and pays a provider for you."),
    "direct_payment": _l("The council pays money to you, or to someone you choose, and you arrange your support."),
    "mixed": _l("Some support arranged by the council, some paid for with a direct payment."),
}
GENDER_LABELS = {"no_preference": _l("No preference"), "woman": _l("A woman"), "man": _l("A man")}
TIME_LABELS = {"mornings": _l("Mornings"), "afternoons": _l("Afternoons"), "evenings": _l("Evenings"), "weekends": _l("Weekends")}
CONTACT_LABELS = {"email": _l("Email"), "phone": _l("Phone")}


class WhatForm(PortalForm):
    to_arrangement = RadioField(
        _l("How would you like your support to be arranged?"), widget=RadioInput(),
        validators=[InputRequired(message=_l("Select how you would like your support to be arranged"))],
    )

    def __init__(self, current: str | None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_arrangement.choices = [
            SelectChoice(code, label) for code, label in ARRANGEMENT_LABELS.items() if code != current
        ]


class PreferencesForm(PortalForm):
    language = SelectField(_l("Language you would like your support in"), widget=Select(), validators=[Optional()])
    worker_gender = RadioField(
        _l("Would you prefer a worker who is a man or a woman?"), widget=RadioInput(),
        choices=[SelectChoice(code, label) for code, label in GENDER_LABELS.items()],
        validators=[InputRequired(message=_l("Select a preference, or no preference"))],
    )
    times_of_day = SelectMultipleField(
        _l("When would support suit you best?"), widget=CheckboxesInput(),
        choices=[SelectChoice(code, label) for code, label in TIME_LABELS.items()], validators=[Optional()],
    )
    cultural_or_faith_needs = TextAreaField(
        _l("Cultural or faith needs we should know about (optional)"), widget=TextArea(), filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("This must be 500 characters or fewer"))],
    )
    preferred_provider = SelectField(_l("A provider you would like (optional)"), widget=Select(), validators=[Optional()])


class ContactForm(PortalForm):
    contact_method = RadioField(
        _l("How should we contact you about this?"), widget=RadioInput(),
        choices=[SelectChoice(code, label) for code, label in CONTACT_LABELS.items()],
        validators=[InputRequired(message=_l("Select how we should contact you"))],
    )
    contact_detail = StringField(
        _l("Email address or phone number"), widget=TextInput(), filters=[strip],
        validators=[
            DataRequired(message=_l("Enter an email address or phone number")),
            Length(max=254, message=_l("This must be 254 characters or fewer")),
        ],
    )


class SubmitForm(PortalForm):
    submission_key = HiddenField()
