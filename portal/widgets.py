"""GOV.UK form widgets whose built-in English ("Error:", "Show", "Hide"…) is translated."""
from __future__ import annotations

from flask_babel import gettext as _
from govuk_frontend_wtf import wtforms_widgets as gov


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
