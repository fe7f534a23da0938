from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from ...domain.accounts import MAX_PASSWORD_LENGTH
from ...forms import PasswordInput, PortalForm, TextInput


class SignInForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        widget=TextInput(),
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=PasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("Password must be 256 characters or fewer")),
        ],
    )


class SetPasswordForm(PortalForm):
    password = PasswordField(
        _l("Create a password"),
        widget=PasswordInput(),
        description=_l("Use at least 8 characters. A few unrelated words is easy to remember and hard to guess."),
        validators=[InputRequired(message=_l("Enter a password"))],
    )
    confirm = PasswordField(
        _l("Type the password again"),
        widget=PasswordInput(),
        validators=[InputRequired(message=_l("Type the password again"))],
    )
