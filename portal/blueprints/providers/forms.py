from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional, Regexp

from ...domain.providers import CITY_AREAS
from ...forms import CheckboxesInput, PortalForm, TextArea, TextInput, strip


class ProviderForm(PortalForm):
    name = StringField(_l("Name"), widget=TextInput(), filters=[strip], validators=[
        DataRequired(message=_l("Enter the provider’s name")),
        Length(max=200, message=_l("Name must be 200 characters or fewer"))])
    description = TextAreaField(_l("What they offer"), widget=TextArea(), validators=[
        Optional(), Length(max=2000, message=_l("Description must be 2,000 characters or fewer"))])
    levels = SelectMultipleField(
        _l("Levels of support they deliver"), widget=CheckboxesInput(), coerce=int,
        choices=[SelectChoice(1, _l("Level 1 – targeted help")), SelectChoice(2, _l("Level 2 – ongoing care"))],
        validators=[InputRequired(message=_l("Select at least one level"))])
    languages = StringField(
        _l("Languages spoken"), widget=TextInput(),
        description=_l("Language codes separated by commas, for example en, ar, ur"),
        validators=[Optional(), Length(max=200, message=_l("Languages must be 200 characters or fewer"))])
    communities = StringField(
        _l("Communities served"), widget=TextInput(), description=_l("Separate with commas"),
        validators=[Optional(), Length(max=500, message=_l("Communities must be 500 characters or fewer"))])
    areas = SelectMultipleField(
        _l("Areas of the city"), widget=CheckboxesInput(),
        choices=[SelectChoice(area, area) for area in CITY_AREAS],
        validators=[InputRequired(message=_l("Select at least one area"))])
    accepting_new_clients = BooleanField(_l("Accepting new clients"))
    # A text field checked by pattern, so the message is ours and in the reader's language.
    typical_wait_weeks = StringField(
        _l("Typical wait, in weeks"), widget=TextInput(), filters=[strip], validators=[
            Optional(), Regexp(r"^(?:[0-9]|[1-9][0-9]|10[0-4])$", message=_l("Enter a number of weeks from 0 to 104"))])
    phone = StringField(_l("Phone"), widget=TextInput(), validators=[
        Optional(), Length(max=32, message=_l("Phone must be 32 characters or fewer"))])
    email = EmailField(_l("Email address"), widget=TextInput(), validators=[
        Optional(), Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        Email(message=_l("Enter an email address in the correct format, like name@example.com"))])
    website = StringField(_l("Website"), widget=TextInput(), validators=[
        Optional(), Length(max=300, message=_l("Website must be 300 characters or fewer")),
        URL(message=_l("Enter a web address in the correct format, like https://www.example.org"))])
