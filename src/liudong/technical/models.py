"""S1-S6: the free technical services a migrant woman receives from both ends.

- ServiceItem (S1): the catalogue of free items (1-五-(三)-1), shipped as data (migration 0001).
- DistributionPoint (S1): contraceptive distribution points and vending machines (1-五-(三)-2).
- Institution (S6): qualified service institutions a province publishes (1-六-(一)-6).
- Check (S2, S3): a pregnancy / IUD check (孕情、环情检查) or a women's disease screening, done
  where she lives, with the numbered contraception status report (流动人口避孕节育情况报告单)
  whose stub (存根) is this row, sent to her hukou township as an exchange message; or a report
  mailed back from outside and recorded by the hukou side (S3, origin "mailed").
- DepartureAdvice (S3): before she leaves, the method chosen and that she was told to attend
  checks where she will live (1-四-(三)-1/2).
- ReturneeVisit (S3): the follow-up visit a returnee gets (3-八-3).
- Distribution (S5): contraceptives handed out with the recipient's confirmation (part 11).
"""
from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    CONTRACEPTIVES = "contraceptives", "发放避孕药具 contraceptives"
    CHECK = "check", "孕情、环情检查 pregnancy and IUD checks"
    IUD = "iud", "放置、取出宫内节育器 IUD insertion and removal"
    ABORTION = "abortion", "人工终止妊娠 abortion"
    STERILISATION = "sterilisation", "输卵管、输精管结扎 sterilisation"
    COMPLICATIONS = "complications", "计划生育手术并发症诊治 complications"


class ServiceItem(models.Model):
    code = models.CharField("代码 code", max_length=30, primary_key=True)
    name = models.CharField("项目 item", max_length=60)
    name_en = models.CharField("英文名 English name", max_length=80)
    category = models.CharField("类别 category", max_length=20, choices=Category.choices)
    exams = models.CharField("所含医学检查 exams included", max_length=200, blank=True)
    source = models.CharField("依据 source", max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "免费技术服务项目 free service item"

    def __str__(self):
        return self.name


class PointKind(models.TextChoices):
    POINT = "point", "避孕药具发放点 distribution point"
    MACHINE = "machine", "避孕套自动售货机 vending machine"


class DistributionPoint(models.Model):
    township = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道） township")
    village = models.ForeignKey("divisions.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="村（居） village")
    kind = models.CharField("类型 kind", max_length=10, choices=PointKind.choices)
    name = models.CharField("名称 name", max_length=100)
    address = models.CharField("地址 address", max_length=200)
    opened_on = models.DateField("设立日期 opened on")
    closed_on = models.DateField("撤销日期 closed on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["township_id", "id"]
        verbose_name = "避孕药具发放点 distribution point"


class Institution(models.Model):
    province = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="省 province")
    division = models.ForeignKey("divisions.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在地 located in")
    name = models.CharField("名称 name", max_length=120)
    address = models.CharField("地址 address", max_length=200)
    phone = models.CharField("联系电话 phone", max_length=20)
    published_on = models.DateField("公布日期 published on")
    withdrawn_on = models.DateField("撤销日期 withdrawn on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["province_id", "name", "id"]
        verbose_name = "技术服务机构 qualified institution"

    def __str__(self):
        return self.name


class CheckItem(models.TextChoices):
    PREGNANCY = "pregnancy", "孕情检查 pregnancy check"
    IUD = "iud", "环情检查 IUD check"
    SCREENING = "screening", "妇女病普查 women's disease screening"


class Result(models.TextChoices):
    NORMAL = "normal", "正常 normal"
    ABNORMAL = "abnormal", "异常 abnormal"


class Method(models.TextChoices):
    IUD = "iud", "宫内节育器 IUD"
    FEMALE_STERILISATION = "female_sterilisation", "女性绝育 tubal ligation"
    MALE_STERILISATION = "male_sterilisation", "男性绝育 vasectomy"
    IMPLANT = "implant", "皮下埋植 implant"
    INJECTION = "injection", "避孕针 injection"
    PILL = "pill", "口服避孕药 pill"
    CONDOM = "condom", "避孕套 condom"
    OTHER = "other", "其他 other"
    NONE = "none", "未避孕 none"


class Origin(models.TextChoices):
    RESIDENCE = "residence", "现居住地检查 checked where she lives"
    MAILED = "mailed", "外出寄回的报告单 report mailed back"


class Check(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="妇女 woman")
    origin = models.CharField("来源 origin", max_length=10, choices=Origin.choices, default=Origin.RESIDENCE)
    # The township that recorded it: her residence township (S2), or her hukou township for a
    # report mailed back (S3); `village`: where she lived that day (the register's booklets, S4).
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="登记乡镇 township")
    village = models.CharField("居住村（居） village", max_length=12)
    checked_on = models.DateField("检查日期 checked on")
    pregnancy = models.BooleanField("孕情 pregnancy", default=False)
    iud = models.BooleanField("环情 IUD", default=False)
    screening = models.BooleanField("妇女病普查 screening", default=False)
    result = models.CharField("结果 result", max_length=10, choices=Result.choices)
    method = models.CharField("避孕方法 method", max_length=24, choices=Method.choices, blank=True)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="checks", verbose_name="检查机构 institution")
    institution_text = models.CharField("检查机构（外地） institution elsewhere", max_length=120, blank=True)
    notes = models.TextField("备注 notes", blank=True)
    # S2: the report slip: its number, the unguessable token its QR code carries, where it went.
    report_number = models.CharField("报告单编号 report number", max_length=30, blank=True)
    report_token = models.CharField(max_length=40, blank=True, db_index=True)
    hukou_place = models.ForeignKey("divisions.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="户籍地 hukou place")
    message = models.ForeignKey("exchange.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="通报函件 message")
    received_on = models.DateField("收到日期 received on", null=True, blank=True)  # a mailed report (S3)
    recorded_at = models.DateTimeField("登记时间 recorded at")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = "孕情环情检查 check"
        indexes = [
            models.Index(fields=["division", "checked_on"], name="check_division_day"),
            models.Index(fields=["village", "checked_on"], name="check_village_day"),
            models.Index(fields=["person", "checked_on"], name="check_person_day"),
            # S4: the due list asks, for each woman, whether a check of hers falls in her window;
            # with the items in the index that is answered from the index alone (issue 11 bench).
            models.Index(fields=["person", "checked_on", "pregnancy", "iud", "screening"], name="check_person_day_items"),
        ]
        constraints = [models.UniqueConstraint(fields=["report_number"], condition=~models.Q(report_number=""), name="check_report_number_unique")]

    @property
    def items(self) -> list[str]:
        return [i for i in CheckItem.values if getattr(self, i)]


class ReportCounter(models.Model):
    """S2: the report slips of a township are numbered per year without gaps."""

    township = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="report_counter_unique")]


class DepartureAdvice(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="户籍乡镇 hukou township")
    advised_on = models.DateField("指导日期 advised on")
    method = models.CharField("选择的避孕方法 method chosen", max_length=24, choices=Method.choices)
    told_to_attend_checks = models.BooleanField("已告知在现居住地按时参加孕情环情检查 told to attend checks where she lives")
    notes = models.TextField("备注 notes", blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-advised_on", "-id"]
        verbose_name = "外出前避孕节育指导 advice before leaving"


class ReturneeVisit(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    residence = models.ForeignKey("people.Residence", on_delete=models.PROTECT, related_name="+", verbose_name="返回记录 the return")
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("随访日期 visited on")
    notes = models.TextField("随访情况 notes", blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = "返乡随访 returnee visit"


class Product(models.TextChoices):
    CONDOM = "condom", "避孕套 condoms"
    PILL = "pill", "口服避孕药 pills"
    EMERGENCY = "emergency", "紧急避孕药 emergency pills"
    INJECTION = "injection", "避孕针 injections"
    OTHER = "other", "其他外用药具 other"


class ConfirmationKind(models.TextChoices):
    SIGNATURE = "signature", "手写签名（平板签字） drawn signature"
    SIGNED_LIST = "signed_list", "签字名单扫描件 scanned signed list"


class Confirmation(models.Model):
    """S5: the recipient's signature: an image drawn on a tablet, or the scan of a printed list
    signed by several recipients (one scan confirms each distribution on it)."""

    kind = models.CharField(max_length=12, choices=ConfirmationKind.choices)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")


class Distribution(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="领取人 recipient")
    village = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="村（居） village")
    point = models.ForeignKey(DistributionPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发放点 point")
    distributed_on = models.DateField("发放日期 handed out on")
    product = models.CharField("药具 product", max_length=12, choices=Product.choices)
    quantity = models.PositiveIntegerField("数量 quantity")
    confirmation = models.ForeignKey(Confirmation, on_delete=models.PROTECT, related_name="distributions", verbose_name="领取人确认 confirmation")
    notes = models.CharField("备注 notes", max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-distributed_on", "-id"]
        verbose_name = "避孕药具发放 distribution"
        indexes = [models.Index(fields=["village", "distributed_on"], name="distribution_village_day")]
