"""Forms of the exchange pages. They carry the clerk's input to exchange.services, which validates
(invariant 7), and show its field errors next to the fields with the input kept."""
from django import forms
# Labels carry the context "exchange", so that a word translated otherwise elsewhere ("Reason" as
# the reason of a move) does not change here, nor ours there.
from django.utils.translation import gettext_lazy, pgettext_lazy

from liudong.accounts.forms import BLANK, DivisionPicker, ServiceForm

from .models import Channel, Kind, Topic
from .services import FREE_KINDS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


def moment(label, **kwargs):
    """A date and time whose raw text goes to the service (exchange.services.arrival_of)."""
    return forms.CharField(label=label, required=False, max_length=32, widget=DateTimeInput(), **kwargs)


def body_field(label):
    return forms.CharField(label=label, required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


def attachments_field():
    # The files themselves are read from request.FILES and checked by the service.
    return forms.FileField(label=pgettext_lazy("exchange", "Scans (PDF, JPEG, PNG, TIFF; 2 MB each)"), required=False,
                           widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff"}))


class ChannelFields(ServiceForm):
    """X5: how it went and when it arrived; the evidence kept."""

    channel = forms.ChoiceField(label=pgettext_lazy("exchange", "Channel"), required=False, choices=Channel.choices)
    sent_at = moment(pgettext_lazy("exchange", "Sent at"), help_text=pgettext_lazy("exchange", "letter and fax: when it was posted or faxed"))
    arrived_at = moment(pgettext_lazy("exchange", "Arrived at"), help_text=pgettext_lazy("exchange", "fax: the receiving time marked on it; phone: the call time in the record; letter: the signing date, or leave empty and record it when known"))
    evidence = text(pgettext_lazy("exchange", "Evidence"), 300, help_text=pgettext_lazy("exchange", "registered-mail number, fax report, or the call record"))
    attachments = attachments_field()

    def clean_attachments(self):
        return None  # see the view: request.FILES.getlist("attachments")


class ComposeForm(ChannelFields):
    """X1: write and send a message (exchange.services.send_message)."""

    required = ("kind", "topic", "receiver", "subject")
    field_order = ["kind", "topic", "receiver", "person", "subject", "body", "channel", "sent_at", "arrived_at", "evidence", "attachments"]
    kind = forms.ChoiceField(label=pgettext_lazy("exchange", "Type"), required=False, choices=BLANK + [(k.value, k.label) for k in Kind if k in FREE_KINDS])
    # X1: the closed list of part 3, 三 (a contraception report is about contraception if none is chosen).
    topic = forms.ChoiceField(label=pgettext_lazy("exchange", "Topic"), required=False, choices=BLANK + list(Topic.choices))
    receiver = text(pgettext_lazy("exchange", "Receiver (division code)"), 12, widget=DivisionPicker(scope="all", min_level=3, max_level=4), help_text=pgettext_lazy("exchange", "the 12-digit code of a township or county, or its first 9 or 6 digits"))
    person = text(gettext_lazy("Person no."), 20, help_text=pgettext_lazy("exchange", "the person the message is about (required for verification, notification, report and clue)"))
    subject = text(pgettext_lazy("exchange", "Subject"), 200)
    body = body_field(pgettext_lazy("exchange", "Body"))

    def clean_person(self):
        return (self.cleaned_data.get("person") or "").strip()


class ReplyForm(ChannelFields):
    """X3: the receiver's answer (exchange.services.reply)."""

    required = ("body",)
    field_order = ["body", "channel", "sent_at", "arrived_at", "evidence", "attachments"]
    body = body_field(pgettext_lazy("exchange", "Answer"))


class DispatchForm(ChannelFields):
    """Send a message the system opened on a case (exchange.services.dispatch)."""


class ArrivalForm(ServiceForm):
    """X5: a registered letter's signing date (exchange.services.record_arrival)."""

    required = ("arrived_at",)
    arrived_at = moment(pgettext_lazy("exchange", "Signed for at"), help_text=pgettext_lazy("exchange", "the date and time on the registered-mail receipt"))
    evidence = text(pgettext_lazy("exchange", "Evidence"), 300, help_text=pgettext_lazy("exchange", "registered-mail number or receipt"))
    attachments = attachments_field()

    def clean_attachments(self):
        return None


class ForwardForm(ServiceForm):
    """B2: a county passes a request meant for one of its townships on (exchange.services.forward)."""

    required = ("receiver",)
    receiver = text(pgettext_lazy("exchange", "Township (division code)"), 12, widget=DivisionPicker(min_level=4, max_level=4), help_text=pgettext_lazy("exchange", "a township (乡镇、街道) of your county, 12 digits or the first 9"))
    note = text(pgettext_lazy("exchange", "Note"), 200)


class CloseForm(ServiceForm):
    required = ("reason",)
    reason = text(pgettext_lazy("exchange", "Reason"), 200, help_text=pgettext_lazy("exchange", "e.g. the case was decided or withdrawn"))


class DisputeForm(ServiceForm):
    """Holes 1 and 3: her place disputes an arrival claim or a family link (exchange.claims.dispute)."""

    required = ("reason",)
    reason = text(pgettext_lazy("exchange", "Reason of the dispute"), 200, help_text=pgettext_lazy("exchange", "shown to the place that made the claim"))
