"""Forms of the web UI. Services validate (invariant 7); a form only carries the input back to
the page with the service's field errors next to the fields."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from liudong import fields
from liudong.accounts.templatetags.liudong_ui import pick_label, pick_message
from liudong.divisions.queries import divisions_below
from liudong.errors import Invalid

# The empty choice of every select.
BLANK = [("", "—")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, **kwargs):
    """A YYYY-MM-DD date input whose raw text goes to the service, which checks it."""
    return forms.CharField(label=label, required=False, max_length=10, widget=DateInput(), **kwargs)


class DayField(forms.CharField):
    """A date that a filter form reads itself (a search, the audit log): read by the field kit as
    the services and the API read one, with its message in the user's language."""

    def __init__(self, label, **kwargs):
        super().__init__(label=label, required=False, widget=DateInput(), **kwargs)

    def to_python(self, value):
        errors: dict[str, list[str]] = {}
        day = fields.date({"day": super().to_python(value)}, "day", errors)
        if errors:
            raise ValidationError([pick_message(m) for m in errors["day"]])
        return day
def division_choices(actor, *, min_level=4, max_level=5):
    """The actor's division and those below it, indented by level, for a select."""
    return BLANK + divisions_below(actor=actor, min_level=min_level, max_level=max_level)


class DivisionPicker(forms.TextInput):
    """A division code typed as before (without JavaScript), offered as a picker by
    liudong-divisions.js (issue 9, item 7): search by code, name or pinyin, narrowed to the user's
    area (`scope="mine"`) or the whole country (`"all"`, a hukou place or a receiver elsewhere),
    between two levels, each answer with its code and full name (territory.views_pick)."""

    def __init__(self, *, scope="mine", min_level=1, max_level=5, attrs=None):
        super().__init__(attrs={"data-division-pick": scope, "data-min-level": min_level, "data-max-level": max_level,
                                "data-pick-url": reverse_lazy("division_pick"), "autocomplete": "off", "spellcheck": "false", **(attrs or {})})


def say_lengths(form) -> None:
    """Issue 9 item 5: a text longer than its field allows is refused with the field's name and
    limit ("姓名最多 50 个字符，现有 10000 个"), never cut by the browser: no `maxlength` attribute,
    which silently drops what is typed or pasted past the limit."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not isinstance(field, forms.CharField) or not limit:
            continue
        field.widget.attrs.pop("maxlength", None)
        message = _("%(field)s can be at most %(limit)s characters long; this one has %(show_value)s.") % {
            "field": field.label, "limit": limit, "show_value": "%(show_value)s"}
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)] + [MaxLengthValidator(limit, message=message)]


class ServiceForm(forms.Form):
    """Base of every form that feeds a service. `required` lists fields marked with a star
    (the service still decides); `aliases` maps a service's error key to a form field.
    `searches`: a form that finds rather than saves (its error notice says nothing of saving)."""

    required: tuple[str, ...] = ()
    aliases: dict[str, str] = {}
    searches = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        say_lengths(self)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                field.choices = [(c, pick_label(lbl)) for c, lbl in field.choices]
            if name in self.required:
                field.widget.attrs["required"] = True
                field.widget.is_required = True

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()}

    def add_invalid(self, exc: Invalid):
        """Put the service's field errors (in the user's language) next to the fields."""
        for key, messages in exc.errors.items():
            target = self.aliases.get(key, key)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, pick_message(message))


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=200, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AuditFilterForm(forms.Form):
    searches = True

    person_id = forms.IntegerField(label=_("Person no."), required=False, min_value=1, max_value=2**62)
    actor = forms.CharField(label=_("Staff username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = DayField(_("From"))
    date_to = DayField(_("To"))

    def __init__(self, *args, **kwargs):
        from . import labels

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        say_lengths(self)
        # Issue 9 item 4: the actions by their labels (the codes stay the values sent).
        self.fields["action"].choices = [("", _("All"))] + sorted(((code, labels.action_label(code)) for code in labels.ACTIONS), key=lambda c: c[0])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
