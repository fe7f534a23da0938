"""Form building blocks: a base form whose WTForms built-in messages are ours (and so
translated), GOV.UK widgets whose built-in English ("Error:", "Show", "Hide"…) is
translated, and shared filters."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as gov

# WTForms' own messages, reworded in GOV.UK style; they show when a posted value is not one
# the form offered (a tampered or stale form).
_WTFORMS_MESSAGES = {
    "Not a valid choice.": _l("Select one of the options"),
    "Not a valid choice": _l("Select one of the options"),
    "Invalid Choice: could not coerce.": _l("Select one of the options"),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Select from the options"),
    "'%(value)s' is not a valid choice for this field.": _l("Select from the options"),
    "'%(value)s' are not valid choices for this field.": _l("Select from the options"),
    "Not a valid date value.": _l("Enter a real date"),
    "Not a valid integer value.": _l("Enter a whole number"),
    "This field is required.": _l("Answer this question"),
    "Invalid email address.": _l("Enter an email address in the correct format, like name@example.com"),
}


class _Translations:
    def gettext(self, message: str) -> str:
        return str(_WTFORMS_MESSAGES.get(message, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = singular if n == 1 else plural
        return str(_WTFORMS_MESSAGES.get(message, message))


class PortalForm(FlaskForm):
    """Every form in the portal derives from this."""

    class Meta:
        def get_translations(self, form):
            return _Translations()


class _Translated:
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0], "visuallyHiddenText": _("Error")}
        return params


class TextInput(_Translated, gov.GovTextInput):
    pass


class TextArea(_Translated, gov.GovTextArea):
    pass


class CharacterCount(_Translated, gov.GovCharacterCount):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("charactersUnderLimitText", {
            "one": _("You have %(count)s character remaining", count="%{count}"),
            "other": _("You have %(count)s characters remaining", count="%{count}"),
        })
        params.setdefault("charactersOverLimitText", {
            "one": _("You have %(count)s character too many", count="%{count}"),
            "other": _("You have %(count)s characters too many", count="%{count}"),
        })
        params.setdefault("charactersAtLimitText", _("You have 0 characters remaining"))
        return params


class RadioInput(_Translated, gov.GovRadioInput):
    pass


class CheckboxesInput(_Translated, gov.GovCheckboxesInput):
    pass


class DateInput(_Translated, gov.GovDateInput):
    pass


class Select(_Translated, gov.GovSelect):
    pass


class PasswordInput(_Translated, gov.GovPasswordInput):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.update(
            showPasswordText=_("Show"),
            hidePasswordText=_("Hide"),
            showPasswordAriaLabelText=_("Show password"),
            hidePasswordAriaLabelText=_("Hide password"),
            passwordShownAnnouncementText=_("Your password is visible"),
            passwordHiddenAnnouncementText=_("Your password is hidden"),
        )
        return params


def strip(value):
    """A WTForms filter: trim text (other values pass through, e.g. an int from `obj=`)."""
    return value.strip() if isinstance(value, str) else value
