from flask_babel import lazy_gettext as _l
from ...forms import PortalForm, RadioInput, TextInput
from wtforms import EmailField, RadioField, StringField
from wtforms.validators import Email, InputRequired, Length
from wtforms.fields.choices import SelectChoice

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

    def __init__(self, roles: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in roles]
