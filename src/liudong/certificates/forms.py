"""Forms of the certificate pages (issue 10). They carry input to certificates.services, which
validates (invariant 7) and holds every rule (C1-C6, 3-八-1); the services' field errors are shown
next to the fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from liudong.accounts.forms import ServiceForm, date_field

from .models import Applicant, EntryKind, Result


def text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


def area(label, max_length=2000, rows=2, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class CertificateForm(ServiceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.wide = isinstance(field.widget, forms.Textarea)


class IssueForm(CertificateForm):
    """C1, C2: issue to her (services.issue_certificate); the person comes from the page's URL."""

    required = ("issued_on",)
    issued_on = date_field(_("Date of issue"))
    applicant = forms.ChoiceField(label=_("Applicant"), choices=Applicant.choices, initial=Applicant.SELF, widget=forms.RadioSelect)
    applicant_name = text(_("Applicant's name"), 50, help_text=_("when a family member applies (C2)"))
    relationship = text(_("Relationship to her"), 20, help_text=_("when a family member applies (C2)"))
    verification = text(_("How her status was verified"), 200, help_text=_("when a family member applies for a woman already gone (C2)"))
    contraception = text(_("Contraception"), 200)


class VerifyForm(CertificateForm):
    """C6: a verification by her residence township or village (services.verify_certificate)."""

    required = ("verified_on", "result")
    verified_on = date_field(_("Verified on"))
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, initial=Result.OK, widget=forms.RadioSelect)
    notes = area(_("Notes"), help_text=_("what changed, when something did"))


class EntryForm(CertificateForm):
    """C5: an entry, stamped by the actor's unit (services.add_entry)."""

    required = ("entered_on", "kind", "text")
    entered_on = date_field(_("Entered on"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—")] + list(EntryKind.choices), required=False)
    text = area(_("Text"))


class RenewForm(CertificateForm):
    """C3: renewal at expiry (services.renew_certificate) against the old certificate and her resident
    ID card, whose number is read off the card; the term comes from the rules."""

    required = ("issued_on", "id_number")
    issued_on = date_field(_("New issue date"))
    id_number = text(_("Resident ID number"), 18)


class ReissueForm(CertificateForm):
    """补办: a lost or damaged certificate reissued with the same term (services.reissue_certificate)."""

    issued_on = date_field(_("Reissue date"), help_text=_("today when left blank"))
    reason = text(_("Reason"), 200, help_text=_("lost or damaged"))


class RevokeForm(CertificateForm):
    """Revocation by the issuing township, with a reason (services.revoke_certificate)."""

    required = ("reason",)
    revoked_on = date_field(_("Revoked on"), help_text=_("today when left blank"))
    reason = text(_("Reason"), 200)


class StatusProofForm(CertificateForm):
    """3-八-1: the proof of marital and childbearing status (services.issue_status_proof)."""

    required = ("issued_on",)
    issued_on = date_field(_("Date of issue"))
    requested_by = forms.ChoiceField(label=_("Requested by"), choices=[("self", _("herself")), ("residence", _("her residence township"))],
                                     initial="self", widget=forms.RadioSelect)
    contraception = text(_("Contraception"), 200, help_text=_("from her certificate when left blank"))


class DoorApplicationForm(CertificateForm):
    """C1, C2, part 8 四: a village takes her application door to door (services_door.take_application)."""

    required = ("taken_on", "place")
    taken_on = date_field(_("Taken on"))
    place = text(_("Where it was taken"), 200, help_text=_("the address visited"))
    applicant = forms.ChoiceField(label=_("Applicant"), choices=Applicant.choices, initial=Applicant.SELF, widget=forms.RadioSelect)
    applicant_name = text(_("Applicant's name"), 50, help_text=_("when a family member applies (C2)"))
    relationship = text(_("Relationship to her"), 20, help_text=_("when a family member applies (C2)"))
    verification = text(_("How her status was verified"), 200, help_text=_("when a family member applies for a woman already gone (C2)"))
    contraception = text(_("Contraception"), 200)
    notes = area(_("Notes"), 500)


class DoorIssueForm(CertificateForm):
    """The township issues against a door-to-door application (services_door.issue_from_application)."""

    required = ("issued_on",)
    issued_on = date_field(_("Date of issue"))
    contraception = text(_("Contraception"), 200, help_text=_("as the village recorded it when left blank"))


class DoorRefuseForm(CertificateForm):
    """The township refuses a door-to-door application with the reason (services_door.refuse_application)."""

    required = ("reason",)
    refused_on = date_field(_("Refused on"), help_text=_("today when left blank"))
    reason = text(_("Reason"), 200)
