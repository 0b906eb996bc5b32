"""Forms of the case pages. They carry input to cases.services, which validates (invariant 7), and
show the errors it returns next to the fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from liudong.accounts.forms import BLANK, DivisionPicker, ServiceForm, date_field
from liudong.exchange.models import Channel

from .models import Decision, Document, SecondBirthDecision


def text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


def area(label, max_length=4000, rows=3, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def money(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


def moment(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=20, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **kwargs)


def documents_field():
    return forms.MultipleChoiceField(
        label=_("Documents received"), required=False, choices=Document.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("From 2016 (national-2016) the applicant's signed commitment replaces the hukou place's proof."))


def scan_field():
    """F4: the scan of a letter or fax (its original record with evidential force)."""
    return forms.FileField(label=_("Scan of the letter or record"), required=False,
                           help_text=_("a letter or fax: the scan of the paper sent (PDF, JPEG, PNG or TIFF, at most 2 MB)"))


def send_now_field(label):
    return forms.BooleanField(label=label, required=False, initial=True)


class CaseForm(ServiceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Text areas and checklists take the whole row (cases/_form_fields.html).
            field.wide = isinstance(field.widget, (forms.Textarea, forms.CheckboxSelectMultiple))


class BirthRegistrationForm(CaseForm):
    """B1, B2: a birth service registration (cases.services.create_birth_registration)."""

    required = ("woman", "received_on", "child_order")
    woman = text(_("Woman (person no. or ID number)"), 18)
    husband = text(_("Husband (person no. or ID number)"), 18, help_text=_("if he is registered in your area"))
    husband_hukou = text(_("or the husband's hukou division code"), 12, widget=DivisionPicker(scope="all", min_level=3), help_text=_("12-digit code, or the 6-digit county code"))
    woman_hukou_township = text(_("Woman's hukou township code"), 12, help_text=_("only when her record knows just the county (B2 asks the township)"))
    husband_hukou_township = text(_("Husband's hukou township code"), 12, help_text=_("only when just his county is known"))
    via_county = forms.BooleanField(label=_("Township not known: send the request to the county to forward"), required=False)
    received_on = date_field(_("Materials received on"), help_text=_("the case is judged by the rules in force on this day"))
    child_order = text(_("Child order"), 2, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    expected_birth_on = date_field(_("Expected birth date"))
    birth_on = date_field(_("Actual birth date"))
    documents = documents_field()
    status_proof = text(_("Status proof number (cited)"), 40, help_text=_("the hukou township's proof of marital and childbearing status held in the system: cited, the paper is not asked for (B1)"))
    notes = area(_("Notes"), 2000)
    send_now = send_now_field(_("Send the verification requests now (system)"))


class DecideForm(CaseForm):
    """B4: register / postpone / refuse (cases.services.decide_birth_registration)."""

    required = ("decision", "decided_on")
    decision = forms.ChoiceField(label=_("Decision"), required=False, choices=BLANK + list(Decision.choices))
    decided_on = date_field(_("Decision date"))
    reasons = area(_("Reasons or missing papers"), 4000, rows=4, help_text=_("postpone: what is missing or wrong; refuse: the reasons printed on the letter, one per line"))
    documents = documents_field()
    status_proof = text(_("Status proof number (cited)"), 40, help_text=_("the hukou township's proof of marital and childbearing status held in the system: cited, the paper is not asked for (B1)"))
    complete_on = date_field(_("Materials complete on"), help_text=_("register: the day the missing paper came in, if before today's decision (B4, registered at once)"))
    send_now = send_now_field(_("Send the notifications now (system)"))


class SecondBirthForm(CaseForm):
    """B6: a second-birth result at the hukou township (cases.services.record_second_birth)."""

    required = ("woman", "decision", "decided_on")
    woman = text(_("Woman (person no. or ID number)"), 18)
    decision = forms.ChoiceField(label=_("Decision"), required=False, choices=BLANK + list(SecondBirthDecision.choices))
    child_order = text(_("Child order"), 2, widget=forms.TextInput(attrs={"inputmode": "numeric"}), initial="2")
    decided_on = date_field(_("Decision date"))
    certificate_number = text(_("Certificate number"), 40)
    notes = area(_("Notes"), 2000)
    send_now = send_now_field(_("Send the notification now (system)"))


class ArrivalFields(CaseForm):
    """X5 / F4: how a letter went and when it arrived, with its evidence."""

    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=Channel.choices, initial=Channel.SYSTEM)
    sent_at = moment(_("Sent at"), help_text=_("letter, fax: when it was sent"))
    arrived_at = moment(_("Arrived at"), help_text=_("fax: the marked receiving time; phone: the call time; letter: the signing date when known"))
    evidence = text(_("Evidence"), 300, help_text=_("mail number, fax report, call record"))


class FeeConsultationForm(ArrivalFields):
    """F1, F3, F4 (cases.services.create_fee_consultation)."""

    required = ("person", "started_on", "basic_facts", "actual_income", "urban_income", "rural_income", "proposed_levy")
    field_order = ("person", "started_on", "basic_facts", "actual_income", "urban_income", "rural_income", "proposed_levy", "other_matters",
                   "channel", "sent_at", "arrived_at", "evidence", "attachment")
    person = text(_("Party (person no. or ID number)"), 18)
    started_on = date_field(_("Consultation started on"))
    basic_facts = area(_("Basic facts of the party"), 4000, rows=4)
    actual_income = money(_("Actual income (yuan a year)"))
    urban_income = money(_("Local urban per-capita disposable income (yuan)"))
    rural_income = money(_("Local rural per-capita net income (yuan)"))
    proposed_levy = money(_("Proposed levy (yuan)"))
    other_matters = area(_("Other matters"), 4000)
    attachment = scan_field()
    aliases = {"attachments": "attachment"}

    def data_for_service(self):
        data = dict(self.cleaned_data)
        data.pop("attachment", None)
        return data


class FeeAnswerForm(ArrivalFields):
    """F2: the hukou county's answer (cases.services.answer_fee_consultation)."""

    required = ("agrees", "opinion")
    field_order = ("agrees", "opinion", "channel", "sent_at", "arrived_at", "evidence", "attachment")
    agrees = forms.ChoiceField(label=_("Answer"), required=False, choices=BLANK + [("agree", "同意 agree"), ("disagree", "不同意 disagree")])
    opinion = area(_("Opinion"), 4000, rows=4)
    attachment = scan_field()   # F4: the answer keeps its original record as the consultation does
    aliases = {"attachments": "attachment"}

    def data_for_service(self):
        data = dict(self.cleaned_data)
        data.pop("attachment", None)
        return data
