"""Code lists for people (GB 3304 ethnicity, GB/T 4658 education, GB/T 2261.2 marital status)."""
from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "男 male"
    FEMALE = "F", "女 female"


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证 resident ID"
    PASSPORT = "passport", "护照 passport"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证 HK/Macao permit"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证 Taiwan permit"
    OTHER = "other", "其他 other"


# GB/T 2261.2-2003
class MaritalStatus(models.TextChoices):
    UNMARRIED = "10", "未婚 unmarried"
    MARRIED = "20", "已婚 married"
    FIRST_MARRIAGE = "21", "初婚 first marriage"
    REMARRIED = "22", "再婚 remarried"
    RESTORED = "23", "复婚 remarried to former spouse"
    WIDOWED = "30", "丧偶 widowed"
    DIVORCED = "40", "离婚 divorced"
    UNSPECIFIED = "90", "未说明的婚姻状况 not stated"


# GB/T 4658-2006 (top-level codes)
class Education(models.TextChoices):
    GRADUATE = "10", "研究生 graduate"
    UNDERGRADUATE = "20", "大学本科 university"
    COLLEGE = "30", "大学专科和专科学校 college"
    SECONDARY_VOCATIONAL = "40", "中等专业学校 secondary vocational"
    TECHNICAL = "50", "技工学校 technical school"
    HIGH_SCHOOL = "60", "高中 senior high"
    JUNIOR_HIGH = "70", "初中 junior high"
    PRIMARY = "80", "小学 primary"
    NONE = "90", "其他 other / none"


# GB 3304-1991: the 56 ethnic groups.
ETHNICITIES = [
    ("01", "汉族"), ("02", "蒙古族"), ("03", "回族"), ("04", "藏族"), ("05", "维吾尔族"), ("06", "苗族"),
    ("07", "彝族"), ("08", "壮族"), ("09", "布依族"), ("10", "朝鲜族"), ("11", "满族"), ("12", "侗族"),
    ("13", "瑶族"), ("14", "白族"), ("15", "土家族"), ("16", "哈尼族"), ("17", "哈萨克族"), ("18", "傣族"),
    ("19", "黎族"), ("20", "傈僳族"), ("21", "佤族"), ("22", "畲族"), ("23", "高山族"), ("24", "拉祜族"),
    ("25", "水族"), ("26", "东乡族"), ("27", "纳西族"), ("28", "景颇族"), ("29", "柯尔克孜族"), ("30", "土族"),
    ("31", "达斡尔族"), ("32", "仫佬族"), ("33", "羌族"), ("34", "布朗族"), ("35", "撒拉族"), ("36", "毛南族"),
    ("37", "仡佬族"), ("38", "锡伯族"), ("39", "阿昌族"), ("40", "普米族"), ("41", "塔吉克族"), ("42", "怒族"),
    ("43", "乌孜别克族"), ("44", "俄罗斯族"), ("45", "鄂温克族"), ("46", "德昂族"), ("47", "保安族"), ("48", "裕固族"),
    ("49", "京族"), ("50", "塔塔尔族"), ("51", "独龙族"), ("52", "鄂伦春族"), ("53", "赫哲族"), ("54", "门巴族"),
    ("55", "珞巴族"), ("56", "基诺族"),
]


class ResidenceStart(models.TextChoices):
    ARRIVAL = "arrival", "流入 arrival"
    MOVE = "move", "迁移 move"
    RETURN = "return", "返回户籍地 return"


class ResidenceEnd(models.TextChoices):
    DEPARTURE = "departure", "离开 departure"
    MOVE = "move", "迁往他处 moved on"


class MoveReason(models.TextChoices):
    WORK = "work", "务工经商 work or business"
    FAMILY = "family", "随迁家属 family"
    STUDY = "study", "学习培训 study"
    MARRIAGE = "marriage", "婚姻嫁娶 marriage"
    CARE = "care", "投亲靠友 with relatives"
    MEDICAL = "medical", "治病疗养 medical"
    TRIP = "trip", "出差 business trip"
    TOURISM = "tourism", "旅游 tourism"
    VISIT = "visit", "探亲访友 family visit"
    OTHER = "other", "其他 other"


# J2 (2009 条例 第二条): people away "因出差、就医、上学、旅游、探亲、访友等事由 … 预期将返回户籍所在地居住"
# are recorded but not floating, when the collector records that they are expected to return.
SHORT_STAY_REASONS = frozenset({MoveReason.TRIP, MoveReason.MEDICAL, MoveReason.STUDY, MoveReason.TOURISM, MoveReason.VISIT})


class IntendedStay(models.TextChoices):
    UNDER_1M = "lt1m", "一个月以下 under a month"
    M1_6 = "1to6m", "一至六个月 1-6 months"
    M6_12 = "6to12m", "六个月至一年 6-12 months"
    OVER_1Y = "gt1y", "一年以上 over a year"
    UNKNOWN = "unknown", "不确定 unknown"


class VisitResult(models.TextChoices):
    """R2: what a clean-up check (清理查验) found; she is seen still living here either way."""

    CHECKED = "checked", "在住，信息核实无误 still here, details checked"
    CORRECTED = "corrected", "在住，信息已更正 still here, details corrected"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶 spouse"
    CHILD = "child", "子女 child"
    PARENT = "parent", "父母 parent"


INVERSE_RELATION = {Relation.SPOUSE: Relation.SPOUSE, Relation.CHILD: Relation.PARENT, Relation.PARENT: Relation.CHILD}


class HousingUse(models.TextChoices):
    RESIDENTIAL = "residential", "居住 residential"
    SHOP = "shop", "商铺 shop"
    FACTORY = "factory", "厂房 factory"
    DORMITORY = "dormitory", "集体宿舍 dormitory"
    MIXED = "mixed", "商住两用 mixed"
    OTHER = "other", "其他 other"
