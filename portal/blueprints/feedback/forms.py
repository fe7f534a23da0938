"""The feedback form, built from the questions in portal.domain.survey."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ...domain import survey
from ...domain.feedback import MAX_TEXT
from ...forms import PortalForm, RadioInput, Select, TextArea, TextInput, strip


def _choices(question_or_options) -> list[SelectChoice]:
    options = getattr(question_or_options, "options", question_or_options)
    return [SelectChoice(option.code, _l(option.label)) for option in options]


def _text(label) -> TextAreaField:
    return TextAreaField(label, widget=TextArea(), filters=[strip], validators=[
        Optional(), Length(max=MAX_TEXT, message=_l("Your answer must be 2,000 characters or fewer"))])


class FeedbackForm(PortalForm):
    fft = RadioField(
        _l(survey.FFT_QUESTION.text), widget=RadioInput(), choices=_choices(survey.FFT_QUESTION),
        validators=[InputRequired(message=_l("Select how your experience of our service was"))],
    )
    fft_reason = _text(_l(survey.FFT_REASON_QUESTION.text))
    other_comments = _text(_l(survey.OTHER_COMMENTS_QUESTION.text))
    submission_key = HiddenField()

    def outcome_fields(self):
        return [getattr(self, f"outcome_{statement.code}") for statement in survey.OUTCOME_STATEMENTS]

    def equality_fields(self):
        return [getattr(self, f"equality_{question.code}") for question in survey.EQUALITY_QUESTIONS]

    def outcomes(self) -> dict[str, str]:
        return {s.code: getattr(self, f"outcome_{s.code}").data for s in survey.OUTCOME_STATEMENTS
                if getattr(self, f"outcome_{s.code}").data}

    def equality(self) -> dict[str, str]:
        return {q.code: getattr(self, f"equality_{q.code}").data for q in survey.EQUALITY_QUESTIONS
                if getattr(self, f"equality_{q.code}").data}


for _statement in survey.OUTCOME_STATEMENTS:
    setattr(FeedbackForm, f"outcome_{_statement.code}", RadioField(
        _l(_statement.text), widget=RadioInput(), choices=_choices(survey.AGREEMENT_SCALE), validators=[Optional()]))
for _question in survey.EQUALITY_QUESTIONS:
    setattr(FeedbackForm, f"equality_{_question.code}", RadioField(
        _l(_question.text), widget=RadioInput(), choices=_choices(_question), validators=[Optional()]))


class SignedInFeedbackForm(FeedbackForm):
    about = RadioField(_l("What is your feedback about?"), widget=RadioInput(), validators=[
        InputRequired(message=_l("Select what your feedback is about"))])
    # Its second choice names the client: rendered afresh each time, never kept (portal.forms).
    answering = RadioField(_l("Who is answering?"), widget=RadioInput(memoise=False), validators=[Optional()])


class PublicFeedbackForm(FeedbackForm):
    respondent = RadioField(
        _l("Who is answering?"), widget=RadioInput(),
        choices=[SelectChoice("client", _l("I get support")), SelectChoice("carer", _l("I am a carer for someone who gets support"))],
        validators=[InputRequired(message=_l("Select who is answering"))],
    )
    level = RadioField(
        _l("Which level of support is it?"), widget=RadioInput(),
        choices=[SelectChoice("1", _l("Level 1 – targeted help")), SelectChoice("2", _l("Level 2 – ongoing care")),
                 SelectChoice("", _l("I do not know"))],
        validators=[Optional()],
    )
    provider = SelectField(_l("Which provider is it about?"), widget=Select(), validators=[Optional()])
    # A field people never see: bots fill it in (an accessible alternative to a CAPTCHA).
    website = StringField(_l("Leave this empty"), widget=TextInput(), validators=[Optional()])
