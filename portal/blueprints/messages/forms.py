"""The messages forms: plain text, bounded, each carrying a key so a double submit stores one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ...domain.messages import MAX_BODY, MAX_SUBJECT
from ...forms import PortalForm, Select, TextArea, TextInput, strip

TOO_LONG = _l("Your message must be 2,000 characters or fewer")


class NewConversationForm(PortalForm):
    subject = StringField(
        _l("What is your message about?"), widget=TextInput(), filters=[strip],
        validators=[DataRequired(message=_l("Enter what your message is about")),
                    Length(max=MAX_SUBJECT, message=_l("This must be 100 characters or fewer"))])
    body = TextAreaField(
        _l("Your message"), widget=TextArea(), filters=[strip],
        validators=[DataRequired(message=_l("Write your message")), Length(max=MAX_BODY, message=TOO_LONG)])
    submission_key = HiddenField()


class ReplyForm(PortalForm):
    body = TextAreaField(
        _l("Your reply"), widget=TextArea(), filters=[strip],
        validators=[DataRequired(message=_l("Write your reply")), Length(max=MAX_BODY, message=TOO_LONG)])
    submission_key = HiddenField()


class AssignForm(PortalForm):
    worker = SelectField(_l("Who will deal with it?"), widget=Select(memoise=False),
                         validators=[InputRequired(message=_l("Select a worker from the team"))])


# The messages rules' refusals (MessageError codes), in plain words.
RULE_MESSAGES = {
    "message_needed": _l("Write your message"),
    "message_too_long": TOO_LONG,
    "subject_needed": _l("Enter what your message is about"),
    "not_in_team": _l("Select a worker from the team"),
    "not_yours": _l("Sorry, that could not be sent. Try again."),
}
