"""Forms of the policy and calendar pages. They carry input to policy.services, which validates
(invariant 7), and show the errors it returns next to the fields."""
import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liudong.accounts.forms import DivisionPicker, ServiceForm, date_field

from . import labels
from .rule_sets import RULE_SETS, TEXT_CHOICES


def division_field(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=12,
                           widget=DivisionPicker(min_level=0, max_level=3, attrs={"list": "division-options"}), **kwargs)


class ShowForm(ServiceForm):
    """Which division and date the values in force are shown for (GET)."""

    searches = True

    division = division_field(pgettext_lazy("policy", "Division code"), help_text=_("12 digits; a province's 2 or a county's 6 digits will do"))
    on = date_field(pgettext_lazy("policy", "On"))


class AdoptForm(ServiceForm):
    """P1: a province (or the nation) adopts a shipped rule set from a date."""

    required = ("rule_set", "division", "valid_from")
    prefix = "adopt"
    rule_set = forms.ChoiceField(label=_("Rule set"), required=False)
    division = division_field(_("Province (or nation) code"))
    valid_from = date_field(_("In force from"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].choices = [("", "—")] + [(rs.code, labels.set_label(rs.code)) for rs in RULE_SETS.values()]


class OverrideForm(ServiceForm):
    """P1: override one value for a division (and its subtree) from a date."""

    required = ("name", "value", "division", "valid_from")
    prefix = "set"
    name = forms.ChoiceField(label=_("Policy value"), required=False)
    value = forms.CharField(label=_("New value"), required=False, max_length=200,
                            help_text=_("A whole number such as 10; yes or no; not set; or one of the words shown for a text value."))
    division = division_field(pgettext_lazy("policy", "Division code"))
    valid_from = date_field(_("In force from"))
    source = forms.CharField(label=_("Basis (document)"), required=False, max_length=300)

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [("", "—")] + [(n, labels.name_label(n)) for n in names]

    def clean_value(self):
        """The words the page shows (是, 否, 未设定, 凭本人承诺 …, or yes, no, not set in English) stand
        for their JSON value; anything else goes to the service as typed (JSON: `7`, `true`, `"commitment"`)."""
        raw = (self.cleaned_data.get("value") or "").strip()
        words = {labels.value_label(v): v for v in (True, False, None)}
        words.update({labels.value_label(code): code for codes in TEXT_CHOICES.values() for code in codes})
        for value in (True, False, None):
            words.setdefault(labels.value_label(value).lower(), value)
        if raw in words or raw.lower() in words:
            return json.dumps(words.get(raw, words.get(raw.lower())), ensure_ascii=False)
        return raw


class CalendarUploadForm(ServiceForm):
    """X4: load a year's official schedule from a CSV file (header date,kind)."""

    required = ("file", "year")
    file = forms.FileField(label=_("CSV file"), required=False, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
                           help_text=_("Header date,kind; one row per holiday on a weekday (holiday) or make-up workday on a weekend (workday)."))
    year = forms.CharField(label=pgettext_lazy("policy", "Year"), required=False, max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    source = forms.CharField(label=_("Source (notice)"), required=False, max_length=300,
                             help_text=_("e.g. the State Council General Office's notice on the holidays of the year"))
    replace = forms.BooleanField(label=_("Replace the year if it is loaded already"), required=False)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f is None:
            raise forms.ValidationError(_("Choose a CSV file."))
        return f
