"""Forms of the people pages. They carry input to people.services and people.queries, which
validate (invariant 7), and show the errors those return next to the fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from liudong.accounts.forms import BLANK, DayField, DivisionPicker, ServiceForm, date_field, division_choices
from liudong.codes import Level

from .choices import ETHNICITIES, DocumentType, Education, HousingUse, IntendedStay, MaritalStatus, MoveReason, Relation, Sex, VisitResult


def text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


def choice(label, choices, blank=True):
    return forms.ChoiceField(label=label, required=False, choices=(BLANK if blank else []) + list(choices))


class PersonForm(ServiceForm):
    """R1: register a person (people.services.register_person)."""

    required = ("id_number", "name", "hukou_division")
    id_number = text(_("Resident ID number"), 18, help_text=_("18 characters; birth date and sex are read from it"))
    name = text(_("Name"), 50)
    hukou_division = text(_("Hukou place (division code)"), 12, widget=DivisionPicker(scope="all", min_level=3), help_text=_("12-digit statistical code, or the 6-digit county code (often the first 6 digits of the ID number)"))
    hukou_address = text(_("Hukou address"), 200)
    ethnicity = choice(_("Ethnicity"), ETHNICITIES, blank=False)
    marital_status = choice(_("Marital status"), MaritalStatus.choices)
    education = choice(_("Education"), Education.choices)
    phone = text(_("Phone"), 20)
    sex = choice(_("Sex"), Sex.choices)
    birth_date = date_field(_("Birth date"), help_text=_("only needed without a resident ID number"))
    document_type = choice(_("Document"), DocumentType.choices, blank=False)
    document_number = text(_("Other document number"), 40, help_text=_("only for a passport or permit"))

    def add_invalid(self, exc):
        # With a resident ID the sex is read from the number: while the number is wrong, a
        # "sex must be M or F" for the empty select is noise, not help.
        if "id_number" in exc.errors and not self.cleaned_data.get("sex") and self.cleaned_data.get("document_type") == "resident_id":
            exc = type(exc)({k: v for k, v in exc.errors.items() if k != "sex"})
        super().add_invalid(exc)


class PersonEditForm(ServiceForm):
    """Descriptive fields only (people.services.update_person); the phone only for roles that see it."""

    required = ("name",)
    name = text(_("Name"), 50)
    ethnicity = choice(_("Ethnicity"), ETHNICITIES, blank=False)
    education = choice(_("Education"), Education.choices)
    marital_status = choice(_("Marital status"), MaritalStatus.choices)
    phone = text(_("Phone"), 20)
    hukou_address = text(_("Hukou address"), 200)

    def __init__(self, *args, show_phone=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_phone:
            del self.fields["phone"]


class ResidenceForm(ServiceForm):
    """R2: an arrival or a move (people.services.record_arrival / record_move)."""

    required = ("division", "arrived_on")
    division = forms.ChoiceField(label=_("Place of residence"), required=False)
    division_other = text(_("or another division code"), 12, widget=DivisionPicker(scope="all", min_level=3), help_text=_("for a place outside your area, e.g. where an outflow person went"))
    address = text(_("Address"), 200)
    arrived_on = date_field(_("Date"))
    reason = choice(_("Reason"), MoveReason.choices)
    intended_stay = choice(_("Intended stay"), IntendedStay.choices)
    expects_return = forms.BooleanField(label=_("Short stay, expected to return home"), required=False,
                                        help_text=_("business trip, medical treatment, study, tourism or a family visit: recorded, not counted as floating (J2)"))
    housing_id = text(_("Rental home no."), 12, widget=forms.TextInput(attrs={"list": "housing-options", "inputmode": "numeric"}))
    employer_id = text(_("Employer no."), 12, widget=forms.TextInput(attrs={"list": "employer-options", "inputmode": "numeric"}))

    def __init__(self, *args, actor, own_default=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = division_choices(actor)
        if own_default and actor.division.level == Level.VILLAGE and "division" not in self.initial:
            # Issue 9 item 7: a collector records arrivals in her own community first of all.
            self.initial["division"] = actor.division_id

    def data_for_service(self):
        data = dict(self.cleaned_data)
        other = data.pop("division_other", "")  # the service reads a short code (J1) as the kit does
        if other:
            data["division"] = other
        return data


class ArrivalClaimForm(ResidenceForm):
    """Hole 1: the arrival of a person found by her document (exchange.claims.submit_arrival_claim):
    recorded at once when her place is the clerk's, otherwise claimed from her place."""

    aliases = {"document_type": None, "document_number": None}  # shown above the form: the fields are hidden
    document_type = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    document_number = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    created = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def data_for_service(self):
        data = super().data_for_service()
        data.pop("created", None)
        return data


class FamilyProposalForm(ServiceForm):
    """Hole 3: a link to a relative recorded by another place, proposed to it (exchange.claims)."""

    aliases = {"relative_document_type": None, "relative_document_number": None}
    relation = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    relative_document_type = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    relative_document_number = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


class ReturnForm(ServiceForm):
    """R2: she comes back to her hukou place (people.services.record_return)."""

    required = ("arrived_on",)
    arrived_on = date_field(_("Date of return"))
    address = text(_("Address (default: hukou address)"), 200)


class DepartureForm(ServiceForm):
    """R2: she left this place (people.services.record_departure)."""

    required = ("left_on",)
    left_on = date_field(_("Date of departure"))


class FamilyForm(ServiceForm):
    """R5: a family link (people.services.link_family); the relative by ID number or person no."""

    required = ("relative", "relation")
    aliases = {"relative_id": "relative"}
    relation = choice(_("The relative is her/his"), Relation.choices)
    relative = text(_("Relative's ID number or person no."), 18)


class VisitForm(ServiceForm):
    """R2: a clean-up check (people.services_visits.record_visit)."""

    required = ("visited_on",)
    visited_on = date_field(_("Date of the visit"))
    result = choice(_("Result"), VisitResult.choices, blank=False)
    note = text(_("Note (what was corrected)"), 200)


class SearchForm(ServiceForm):
    """Q6-style search of the actor's people (people.queries.search_persons)."""

    searches = True
    FLOW_CHOICES = [("all", _("All in my area")), ("inflow", _("Inflow (living here)")), ("outflow", _("Outflow (hukou here, away)")), ("both", _("Inflow or outflow"))]
    MATCH_CHOICES = [("exact", _("Exact")), ("same_char", _("Same characters (同字)")), ("same_sound", _("Same sound (同音)"))]
    ORDER_CHOICES = [("name", _("Name")), ("-name", _("Name, descending")), ("birth_date", _("Birth date")), ("-birth_date", _("Birth date, descending")), ("-id", _("Latest registered first"))]

    name = text(_("Name"), 50)
    match = forms.ChoiceField(label=_("Name match"), required=False, choices=MATCH_CHOICES)
    id_number = text(_("ID number"), 40, help_text=_("all 18 characters, or its first 6 or more to find the numbers that begin so"))
    sex = choice(_("Sex"), Sex.choices)
    birth_date = DayField(_("Birth date"))
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)
    on = DayField(_("On date"), help_text=_("who was here on that day"))
    division = forms.ChoiceField(label=_("Division"), required=False)
    flow = forms.ChoiceField(label=_("Flow"), required=False, choices=FLOW_CHOICES)
    order = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDER_CHOICES)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = division_choices(actor, min_level=actor.division.level, max_level=min(actor.division.level + 2, 5))

    def criteria(self) -> dict:
        data = dict(self.cleaned_data)
        data["match"] = data.get("match") or "same_sound"
        data["flow"] = data.get("flow") or "all"
        data["order"] = data.get("order") or "name"
        return data


class HousingForm(ServiceForm):
    """R4: a rental home (people.services.register_housing); the owner by ID number."""

    required = ("division", "address", "owner_id_number")
    aliases = {"owner_id": "owner_id_number"}
    division = forms.ChoiceField(label=_("Village or township"), required=False)
    address = text(_("Address"), 200)
    owner_id_number = text(_("Owner's ID number"), 18, help_text=_("the owner must be registered first"))
    use = choice(_("Use"), HousingUse.choices, blank=False)
    business_category = text(_("Business category"), 100)
    rooms = forms.IntegerField(label=_("Rooms"), required=False, min_value=1, max_value=10000, initial=1)
    registered_on = date_field(_("Registered on"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = division_choices(actor)


class EmployerForm(ServiceForm):
    """R4: an employer (people.services.register_employer)."""

    required = ("division", "name")
    division = forms.ChoiceField(label=_("Division"), required=False)
    name = text(_("Employer name"), 200)
    credit_code = text(_("Unified social credit code"), 18)
    address = text(_("Address"), 200)
    contact_name = text(_("Contact person"), 50)
    contact_phone = text(_("Contact phone"), 20)
    registered_on = date_field(_("Registered on"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = division_choices(actor, min_level=3)


class HousingEditForm(ServiceForm):
    """R4: correct a rental home (people.services.update_housing); a new owner by ID number."""

    required = ("address", "use", "rooms")
    aliases = {"owner_id": "owner_id_number"}
    address = text(_("Address"), 200)
    owner_id_number = text(_("Owner's ID number"), 18, help_text=_("a new owner must be registered first; leave blank to keep the owner"))
    use = choice(_("Use"), HousingUse.choices, blank=False)
    business_category = text(_("Business category"), 100)
    rooms = forms.IntegerField(label=_("Rooms"), required=False, min_value=1, max_value=10000)


class EmployerEditForm(ServiceForm):
    """R4: correct an employer (people.services.update_employer); an empty credit code removes it."""

    required = ("name",)
    name = text(_("Employer name"), 200)
    credit_code = text(_("Unified social credit code"), 18)
    address = text(_("Address"), 200)
    contact_name = text(_("Contact person"), 50)
    contact_phone = text(_("Contact phone"), 20)


class CloseForm(ServiceForm):
    """R4: close a rental home (停租) or an employer (注销) from a date (services_places)."""

    required = ("closed_on",)
    closed_on = date_field(_("Date"))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["closed_on"].label = label
