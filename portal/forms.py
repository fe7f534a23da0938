"""Form building blocks: a base form whose WTForms built-in messages are ours (and so
translated), GOV.UK widgets whose built-in English ("Error:", "Show", "Hide"…) is
translated, and shared filters."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import DateField, FieldList, Form, FormField
from wtforms.validators import StopValidation

from . import rendering

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


class PortalSubform(Form):
    """A repeated part of a PortalForm (FieldList of FormField): no CSRF token of its own."""

    class Meta:
        def get_translations(self, form):
            return _Translations()


class _Translated:
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if field.errors:
            params["errorMessage"] = {"text": field.errors[0], "visuallyHiddenText": _("Error")}
        return params


class _Memoised:
    """Renders the GOV.UK macro once per distinct params in each process, then reuses the
    HTML (portal.rendering): the page is the same byte for byte, and a big form (feedback:
    some 20 radio groups) costs a fraction of the time. Never for a field showing an error
    or holding typed text, nor for a field whose labels name a person (`memoise=False`):
    those are not kept."""

    def __init__(self, *args, memoise: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.memoise = memoise

    def render(self, params):
        if not self.memoise or params.get("errorMessage") or params.get("value"):
            return super().render(params)
        return rendering.remembered(self.template, params, lambda: super(_Memoised, self).render(params))


class TextInput(_Memoised, _Translated, gov.GovTextInput):
    pass


class TextArea(_Memoised, _Translated, gov.GovTextArea):
    pass


class CharacterCount(_Memoised, _Translated, gov.GovCharacterCount):
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


class RadioInput(_Memoised, _Translated, gov.GovRadioInput):
    pass


class CheckboxesInput(_Memoised, _Translated, gov.GovCheckboxesInput):
    pass


class DateInput(_Translated, gov.GovDateInput):
    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None  # a tampered post: show empty boxes rather than fail
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year")), strict=True):
            item["label"] = label
        return params


class GovDateField(DateField):
    """A GOV.UK date (day, month, year boxes of one name). Every part is checked, so a
    half-typed date is an error the person can fix, never silently dropped."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        parts = [str(v).strip() for v in valuelist]
        if len(parts) != 3:
            self.data = None
            raise ValueError(str(_l("Enter a real date")))
        if not any(parts):
            self.data = None
            return
        if not all(parts):
            self.data = None
            raise ValueError(str(_l("Enter a full date, with a day, month and year")))
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            self.data = dt.date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a real date"))) from None


class Select(_Memoised, _Translated, gov.GovSelect):
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
    """A WTForms filter: trim text, and drop NUL characters (nobody types them, and
    PostgreSQL cannot store them in text: such a post was a 503). Other values pass through,
    e.g. an int from `obj=`."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class DateRequired:
    """For GovDateField: WTForms' own required checks look only at the first box."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.errors:
            raise StopValidation(str(self.message))


def error_summary_items(form) -> list[dict]:
    """The error summary's links for any form, repeated parts included (WTForms gives a
    list's own errors and its entries' errors in one list, which a flat walk gets wrong)."""
    items: list[dict] = []

    def walk(field):
        if isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
            first = field.entries[0] if field.entries else None
            while first is not None and isinstance(first, FormField):
                first = next(iter(first.form), None)
            for message in field.errors:
                if isinstance(message, str):
                    items.append({"text": message, "href": f"#{first.id if first is not None else field.id}"})
        elif isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif field.errors:
            href = f"#{field.id}-day" if isinstance(field, GovDateField) else f"#{field.id}"
            items.append({"text": field.errors[0], "href": href})

    for field in form:
        walk(field)
    for message in form.form_errors:
        items.append({"text": message, "href": "#main-content"})
    return items
