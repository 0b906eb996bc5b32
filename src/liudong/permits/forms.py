"""Forms of the residence permit pages (issue 13). They carry input to permits.services, which
validates (invariant 7) and holds every rule (RP1-RP4); the services' field errors are shown next
to the fields, the input kept, nothing written."""
from django import forms
from django.utils.translation import gettext_lazy as _

from liudong.accounts.forms import ServiceForm, date_field
from liudong.exchange.forms import attachments_field

from .models import Basis
from .services import PROOF_MAX, REASON_MAX


class ApplicationForm(ServiceForm):
    """RP1: the application a police officer fills in at the station (services.apply_permit)."""

    required = ("person_id", "applied_on", "basis", "proof")
    person_id = forms.CharField(label=_("Person no."), required=False, max_length=20, help_text=_("the number on her record in the registry"))
    applied_on = date_field(_("Applied on"))
    basis = forms.ChoiceField(label=_("Basis of the application"), required=False, choices=Basis.choices, widget=forms.RadioSelect)
    proof = forms.CharField(label=_("Proof"), required=False, max_length=PROOF_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("a labour contract and social insurance record, a registered lease or deed, or the school's certificate of enrolment"))
    attachments = attachments_field()

    def clean_attachments(self):
        return None  # the files are read from request.FILES and checked by the service (exchange.services.read_scan)

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {"person_id": (data.get("person_id") or "").strip(), "applied_on": data.get("applied_on"), "basis": data.get("basis") or None,
                "proof": data.get("proof")}


class DecisionForm(ServiceForm):
    """RP2: grant or refuse (services.decide_permit)."""

    prefix = "decide"
    required = ("decided_on", "granted")
    decided_on = date_field(_("Decided on"))
    granted = forms.ChoiceField(label=_("Decision"), required=False, choices=[("1", _("Grant")), ("0", _("Refuse"))], widget=forms.RadioSelect,
                                initial="1")
    reason = forms.CharField(label=_("Reason (for a refusal)"), required=False, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {"decided_on": data.get("decided_on"), "granted": {"1": True, "0": False}.get(data.get("granted")), "reason": data.get("reason")}


class EndorsementForm(ServiceForm):
    """RP3, RP4: an endorsement (services.endorse_permit)."""

    prefix = "endorse"
    required = ("endorsed_on",)
    endorsed_on = date_field(_("Endorsed on"))
