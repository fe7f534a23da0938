"""The form for asking for an assessment: who it is for, about the person, and (when it is
for someone else) their agreement and the asker's own details."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from ...domain import referrals
from ...forms import PortalForm, RadioInput, TextArea, TextInput, strip
from ...models.plans import ReferralAgreement


# Whether a name, a phone or the agreement is needed depends on other answers: the form's
# validate_* methods decide (an Optional() validator would stop them running).
def _name(label) -> StringField:
    return StringField(label, widget=TextInput(), filters=[strip], validators=[
        Length(max=referrals.MAX_NAME, message=_l("Name must be 200 characters or fewer"))])


def _phone(label) -> StringField:
    return StringField(label, widget=TextInput(), filters=[strip], validators=[
        Length(max=referrals.MAX_PHONE, message=_l("Phone number must be 40 characters or fewer"))])


def _email(label) -> EmailField:
    return EmailField(label, widget=TextInput(), filters=[strip], validators=[
        Optional(), Length(max=referrals.MAX_EMAIL, message=_l("Email address must be 254 characters or fewer")),
        Email(message=_l("Enter an email address in the correct format, like name@example.com"))])


class AskForAssessmentForm(PortalForm):
    for_whom = RadioField(
        _l("Who needs support?"), widget=RadioInput(),
        choices=[SelectChoice("me", _l("Me")), SelectChoice("someone_else", _l("Someone else"))],
        validators=[InputRequired(message=_l("Select who needs support"))],
    )
    person_name = _name(_l("Full name"))
    person_phone = _phone(_l("Phone number (optional if you give an email address)"))
    person_email = _email(_l("Email address (optional if you give a phone number)"))
    about = TextAreaField(
        _l("What is happening, and what would help? (optional)"), widget=TextArea(), filters=[strip],
        description=_l("For example, what has become hard in daily life. Do not wait for an answer here if anyone "
                       "is in danger now: call 999."),
        validators=[Optional(), Length(max=referrals.MAX_ABOUT,
                                       message=_l("Your answer must be 2,000 characters or fewer"))],
    )
    agreement = RadioField(
        _l("Does the person agree to you asking for an assessment for them?"), widget=RadioInput(),
        choices=[SelectChoice("agrees", _l("Yes, they agree")),
                 SelectChoice("cannot_decide", _l("They cannot decide this for themselves")),
                 SelectChoice("not_asked", _l("No, or I have not asked them yet"))],
        validate_choice=False,  # checked by validate_agreement, only when asking for someone else
    )
    referrer_name = _name(_l("Your full name"))
    relationship = StringField(
        _l("How do you know them?"), widget=TextInput(), filters=[strip],
        description=_l("For example, daughter, friend, neighbour or GP"),
        validators=[Length(max=referrals.MAX_RELATIONSHIP, message=_l("This must be 100 characters or fewer"))],
    )
    referrer_phone = _phone(_l("Your phone number (optional if you give an email address)"))
    referrer_email = _email(_l("Your email address (optional if you give a phone number)"))
    submission_key = HiddenField()
    # A field people never see: bots fill it in (an accessible alternative to a CAPTCHA).
    website = StringField(_l("Leave this empty"), widget=TextInput(), validators=[Optional()])

    @property
    def for_someone_else(self) -> bool:
        return self.for_whom.data == "someone_else"

    def validate_person_name(self, field):
        if not field.data:
            raise ValidationError(_l("Enter the full name of the person who needs support") if self.for_someone_else
                                  else _l("Enter your full name"))

    def validate_person_phone(self, field):
        if not self.for_someone_else and self.for_whom.data and not field.data and not self.person_email.data:
            raise ValidationError(_l("Enter a phone number or an email address, so the team can contact you"))

    def validate_agreement(self, field):
        if not self.for_someone_else:
            return
        if field.data not in ("agrees", "cannot_decide", "not_asked"):
            raise ValidationError(_l("Select whether the person agrees"))
        if field.data == "not_asked":
            raise ValidationError(_l("Ask them first. They need to agree, unless they cannot decide for themselves"))

    def validate_referrer_name(self, field):
        if self.for_someone_else and not field.data:
            raise ValidationError(_l("Enter your full name"))

    def validate_relationship(self, field):
        if self.for_someone_else and not field.data:
            raise ValidationError(_l("Enter how you know them"))

    def validate_referrer_phone(self, field):
        if self.for_someone_else and not field.data and not self.referrer_email.data:
            raise ValidationError(_l("Enter your phone number or email address, so the team can contact you"))

    def asking(self) -> referrals.Asking:
        others = self.for_someone_else
        return referrals.Asking(
            for_someone_else=others,
            person=referrals.Contact(self.person_name.data or "", self.person_phone.data or "",
                                     self.person_email.data or ""),
            about=self.about.data or "",
            referrer=referrals.Contact(self.referrer_name.data or "", self.referrer_phone.data or "",
                                       self.referrer_email.data or "") if others else referrals.Contact(),
            relationship=(self.relationship.data or "") if others else "",
            agreement=ReferralAgreement(self.agreement.data) if others else None,
        )
