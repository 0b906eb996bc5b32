"""R1-R5, R8: persons, their residence history, families, rental housing and employers.

A person's current residence is derived from her residence periods; `residence_code` and
`floating` on Person are kept in step with them inside the same transaction (invariant 6), so
that subtree counts and searches stay index range scans on millions of rows.
"""
import re

from django.conf import settings
from django.db import models

from liudong.divisions.models import Division

from .choices import (
    ETHNICITIES,
    DocumentType,
    Education,
    HousingUse,
    IntendedStay,
    MaritalStatus,
    MoveReason,
    Relation,
    ResidenceEnd,
    ResidenceStart,
    Sex,
    VisitResult,
)

# Every address field (hukou, residence, rental home, employer), in the models and the services.
ADDRESS_MAX = 200
# What a person's name may contain: Chinese characters, Latin letters, the middle dot, hyphen, point, space.
NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z·•.\- ]+$")


class Person(models.Model):
    id_number = models.CharField("身份证号 ID number", max_length=18, unique=True, null=True, blank=True)
    document_type = models.CharField("证件类型 document", max_length=20, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID)
    document_number = models.CharField("证件号码 document number", max_length=40, blank=True)
    name = models.CharField("姓名 name", max_length=50, db_index=True)
    name_key = models.CharField("拼音 pinyin", max_length=200, blank=True, help_text="toneless pinyin of the usual reading, syllables space-separated")
    sex = models.CharField("性别 sex", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期 birth date", db_index=True)
    ethnicity = models.CharField("民族 ethnicity", max_length=2, choices=ETHNICITIES, default="01")
    education = models.CharField("文化程度 education", max_length=2, choices=Education.choices, blank=True)
    marital_status = models.CharField("婚姻状况 marital status", max_length=2, choices=MaritalStatus.choices, blank=True)
    phone = models.CharField("联系电话 phone", max_length=20, blank=True)
    hukou_division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="户籍地 hukou place")
    hukou_address = models.CharField("户籍地址 hukou address", max_length=ADDRESS_MAX, blank=True)
    # Kept in step with Residence by people.services (invariant 6).
    residence_division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="现居住地 residence")
    floating = models.BooleanField("流动人口 floating", default=False, help_text="J2: lives outside the hukou county now")
    created_on = models.DateField("登记日期 registered on")
    created_by_division = models.CharField(max_length=12, blank=True)
    # R8 (issue 15): a record merged into another one (a twin); it drops out of every scope
    # (people.scope) and its id answers 404 with `merged_into` where the survivor is in scope.
    # Set and cleared only by people.services_merge (liudong.quality merges and undoes).
    # No plain index: nearly every row is NULL, and SQLite, without statistics, took "merged_into_id IS
    # NULL" for a selective equality and read the whole table through it (person_merged_into_set below
    # serves the look-ups of a survivor's twins).
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="已合并到 merged into", db_index=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "人员 person"
        indexes = [
            models.Index(fields=["residence_division", "floating"], name="person_residence_floating"),
            models.Index(fields=["hukou_division", "floating"], name="person_hukou_floating"),
            models.Index(fields=["name_key"], name="person_name_key"),
            # Home page counts (T2, R5) read only these indexes, not the rows: inflow married women
            # of childbearing age by origin, and children / elderly at home by hukou place.
            models.Index(fields=["residence_division", "floating", "sex", "marital_status", "birth_date", "hukou_division"], name="person_residence_women"),
            models.Index(fields=["hukou_division", "floating", "birth_date"], name="person_hukou_floating_birth"),
            # R5 at home without the merged-away records (issue 15): the same range, only live records,
            # so that leaving a merged-away twin out costs no row reads.
            models.Index(fields=["hukou_division", "floating", "birth_date"], condition=models.Q(merged_into__isnull=True), name="person_hukou_home_live"),
            models.Index(fields=["merged_into"], condition=models.Q(merged_into__isnull=False), name="person_merged_into_set"),
            # Issue 9 item 2: a registration whose arrival is not recorded yet is its registering
            # division's (people.scope.registered_by): a range of this index, not a scan.
            models.Index(fields=["created_by_division"], name="person_created_by_division"),
            # T4 (issue 14): a bulletin's "records entered" in a month of a province or the nation
            # reads the month's range of this index (not every record of the province).
            models.Index(fields=["created_on", "created_by_division"], name="person_created_on_division"),
        ]
        constraints = [
            # Every person has a document number (a resident ID number is its own): one record per document (R8).
            models.UniqueConstraint(fields=["document_type", "document_number"], name="person_unique_document"),
        ]

    def __str__(self):
        return self.name


class PersonNameKey(models.Model):
    """Every toneless reading of a name (heteronyms), for same-sound search (Q6)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["key"], name="name_key_key")]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="name_key_unique")]


class RentalHousing(models.Model):
    """R4: 出租房屋 — manage people through housing."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="所在村居 village")
    address = models.CharField("地址 address", max_length=ADDRESS_MAX)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="owned_housing", verbose_name="房主 owner")
    use = models.CharField("用途 use", max_length=20, choices=HousingUse.choices, default=HousingUse.RESIDENTIAL)
    business_category = models.CharField("经营类别 business", max_length=100, blank=True)
    rooms = models.PositiveIntegerField("间数 rooms", default=1)
    registered_on = models.DateField("登记日期 registered on")
    closed_on = models.DateField("停租日期 closed on", null=True, blank=True)

    class Meta:
        ordering = ["division_id", "address"]
        indexes = [models.Index(fields=["division", "closed_on"], name="housing_division")]

    def __str__(self):
        return self.address


class Employer(models.Model):
    """R4: 用工单位."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="所在地 division")
    name = models.CharField("单位名称 name", max_length=200)
    credit_code = models.CharField("统一社会信用代码 credit code", max_length=18, unique=True, null=True, blank=True)
    address = models.CharField("地址 address", max_length=ADDRESS_MAX, blank=True)
    contact_name = models.CharField("联系人 contact", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话 phone", max_length=20, blank=True)
    registered_on = models.DateField("登记日期 registered on")
    closed_on = models.DateField("注销日期 closed on", null=True, blank=True)

    class Meta:
        ordering = ["division_id", "name"]
        indexes = [models.Index(fields=["division", "closed_on"], name="employer_division")]

    def __str__(self):
        return self.name


class Residence(models.Model):
    """One period of living somewhere (R2): opened by an arrival, a move or a return, closed by a
    departure or a move. Periods of one person never overlap; at most one is open."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="residences")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="居住地 division")
    address = models.CharField("居住地址 address", max_length=ADDRESS_MAX, blank=True)
    housing = models.ForeignKey(RentalHousing, null=True, blank=True, on_delete=models.PROTECT, related_name="tenancies", verbose_name="出租房屋 rental home")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="employments", verbose_name="用工单位 employer")
    grid = models.ForeignKey("divisions.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    arrived_on = models.DateField("到达日期 arrived on")
    start_kind = models.CharField("类型 kind", max_length=10, choices=ResidenceStart.choices, default=ResidenceStart.ARRIVAL)
    reason = models.CharField("流动原因 reason", max_length=20, choices=MoveReason.choices, blank=True)
    intended_stay = models.CharField("拟居住时间 intended stay", max_length=10, choices=IntendedStay.choices, blank=True)
    # J2: a short stay (business trip, medical treatment, study, tourism, family visit) with a return
    # expected is recorded but not floating (2009 条例 第二条).
    expects_return = models.BooleanField("预期返回户籍地 expected to return", default=False)
    left_on = models.DateField("离开日期 left on", null=True, blank=True)
    end_kind = models.CharField(max_length=10, choices=ResidenceEnd.choices, blank=True)
    # J2: the person was floating while here (outside her hukou county, not two districts of one
    # city, not a short stay with a return expected), fixed when recorded.
    floating = models.BooleanField(default=True)
    hukou_division_code = models.CharField(max_length=12, help_text="hukou place when recorded, for outflow registers")
    recorded_by_division = models.CharField(max_length=12, blank=True)
    # R2: the day of the latest clean-up check (清理查验, a Visit) while she lived here; with
    # arrived_on it says when the record was last brought up to date (the follow-up to-do).
    checked_on = models.DateField("最近查验 last checked", null=True, blank=True)

    class Meta:
        ordering = ["person_id", "arrived_on"]
        indexes = [
            models.Index(fields=["division", "arrived_on"], name="residence_division_arrived"),
            models.Index(fields=["hukou_division_code", "arrived_on"], name="residence_hukou_arrived"),
            models.Index(fields=["person", "left_on"], name="residence_person_open"),
            # R2 follow-up to-do: open migrant records by division, answered from the index alone.
            models.Index(fields=["division", "left_on", "floating", "arrived_on", "checked_on"], name="residence_open_checked"),
            # T2 (issue 14): the month close's and the report page's grouped passes over the open
            # periods by residence (inflow) and by hukou place (outflow) read the index alone: the
            # person is in it for the join to her (the women) and the review test (R6).
            models.Index(fields=["division", "left_on", "floating", "arrived_on", "person"], name="residence_inflow_open"),
            models.Index(fields=["hukou_division_code", "left_on", "floating", "arrived_on", "person"], name="residence_outflow_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("arrived_on")), name="residence_left_after_arrival"),
        ]


class FamilyLink(models.Model):
    """Family links for left-behind children, empty-nest elderly (R5) and later family work.
    Stored both ways (a child link has its parent link) by people.services."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField("关系 relation", max_length=10, choices=Relation.choices)
    # R5: on a parent-child link (both directions), the parent cannot care for the child
    # (无监护能力, 国发〔2016〕13号): a child with one parent away and this one at home is left behind.
    parent_unable_to_care = models.BooleanField("父母无监护能力 parent unable to care", default=False, db_default=False)  # raw bulk inserts (the demo) leave it out

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="family_link_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("relative")), name="family_link_not_self"),
        ]


class Visit(models.Model):
    """R2: a clean-up check (清理查验): a collector saw the person still living here and checked
    her details, or corrected them. An event on her history, like arrivals and moves; it brings
    the residence record up to date for the follow-up to-do (part 8 四: each quarter)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("查验日期 visited on")
    result = models.CharField("结果 result", max_length=10, choices=VisitResult.choices, default=VisitResult.CHECKED)
    note = models.CharField("说明 note", max_length=200, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_division = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["person_id", "visited_on", "id"]
        indexes = [models.Index(fields=["person", "visited_on"], name="visit_person_day")]
        constraints = [models.UniqueConstraint(fields=["residence", "visited_on"], name="visit_one_a_day")]


class MaritalEvent(models.Model):
    """Issue 14, R2, T2: a change of marital status, recorded from issue 14 on (before it the
    registry kept only the current status): the status on a past day is the `new_status` of the
    latest event on or before it, else the `old_status` of the first event after it, else the
    person's status. Written by people.services in the transaction that changes the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="marital_events")
    changed_on = models.DateField("变更日期 changed on")
    old_status = models.CharField("原婚姻状况 old status", max_length=2, blank=True)
    new_status = models.CharField("新婚姻状况 new status", max_length=2, blank=True)
    recorded_by_division = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["person_id", "changed_on", "id"]
        indexes = [models.Index(fields=["person", "changed_on"], name="marital_event_person_day")]
