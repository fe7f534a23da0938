from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
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


class ForgottenPasswordForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        widget=TextInput(),
        description=_l("The address you sign in with"),
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
    )


class CodeForm(PortalForm):
    code = StringField(
        _l("Code from your authenticator app"),
        widget=TextInput(),
        description=_l("Enter the 6-digit code your app shows now, for example 123456"),
        validators=[
            InputRequired(message=_l("Enter the 6-digit code from your authenticator app")),
            Length(max=20, message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


class RecoveryCodeForm(PortalForm):
    recovery_code = StringField(
        _l("Recovery code"),
        widget=TextInput(),
        description=_l("One of the 10 codes you saved when you set up two-step sign-in, for example abcde-23456. "
                       "Each code works once."),
        validators=[
            InputRequired(message=_l("Enter one of your recovery codes")),
            Length(max=40, message=_l("Enter one of your recovery codes")),
        ],
    )
