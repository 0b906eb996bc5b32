"""Q2, Q3: the documents a requester presents and the fields of a person the desk may tell, with
their labels (Chinese first). Which category needs what is policy data (policy/rule_sets.py,
`query-desk-2010`), not code."""
from django.db import models

DOCUMENTS = {
    "introduction_letter": "介绍信（单位人事或保卫部门出具，注明查询事由） / introduction letter from the unit's personnel or security department, stating the reason",
    "work_card": "工作证或军官证 / work card or officer card",
    "id_card": "居民身份证 / resident ID card",
    "unit_proof": "单位证明（检察院、法院、纪检监察） / the unit's proof (procuratorate, court, discipline inspection)",
    "police_line": "公安专线电话 / the police line",
    "police_card": "人民警察证 / police officer card",
    "faxed_letter": "单位介绍信的电话传真件 / the unit's letter by fax",
    "confidentiality_agreement": "保密协议书（附件1，已签订） / signed confidentiality agreement (form 1)",
    "firm_letter": "律师事务所介绍信（注明委派律师、查询事由，加盖印章） / the firm's stamped letter naming the lawyer and the reason",
    "client_agreement": "当事人委托协议书 / the client's agreement",
    "client_agreement_copy": "当事人委托协议书复印件 / a copy of the client's agreement",
    "lawyer_licence": "律师执业证 / lawyer's licence",
    "lawyer_licence_copy": "律师执业证复印件 / a copy of the lawyer's licence",
    "birth_service_certificate": "生育服务证 / birth service certificate",
    "passport": "护照 / passport",
}

FIELDS = {
    "name": "姓名 / name",
    "sex": "性别 / sex",
    "age": "年龄 / age",
    "ethnicity": "民族 / ethnicity",
    "id_number": "身份证号码 / ID number",
    "education": "文化程度 / education",
    "permanent_address": "常住户籍登记地址 / registered permanent address",
    "temporary_address": "暂住登记地址 / registered temporary address",
    "contact": "联系方式 / contact",
    "family_members": "家庭成员 / family members",
}

MATCHES = ("exact", "same_sound", "same_char")
MATCH_LABELS = {"exact": "姓名相同 / exact", "same_sound": "同音 / same sound", "same_char": "同字 / same characters"}
POPULATIONS = ("permanent", "temporary")
POPULATION_LABELS = {"permanent": "常住人口 / permanent", "temporary": "暂住人口 / temporary"}
WILDCARDS = set("*%?_＊？%")


class State(models.TextChoices):
    REFUSED = "refused", "不予受理 refused"
    CHECKED = "checked", "证件已审核，待告知 documents checked"
    RECORDED = "recorded", "已登记，待查询 recorded"
    CHOOSING = "choosing", "多人符合，待选定 several matched"
    AWAITING_CONSENT = "awaiting_consent", "待被查询人同意 awaiting consent"
    AWAITING_APPROVAL = "awaiting_approval", "待上级批准 awaiting approval"
    ANSWERED = "answered", "已答复 answered"
    CLOSED = "closed", "已办结，未提供信息 closed, nothing disclosed"


class SubjectState(models.TextChoices):
    PENDING = "pending", "待查询 pending"
    CHOOSING = "choosing", "多人符合，待选定 several matched"
    AWAITING_CONSENT = "awaiting_consent", "待被查询人同意 awaiting consent"
    AWAITING_APPROVAL = "awaiting_approval", "待上级批准 awaiting approval"
    ANSWERED = "answered", "已答复 answered"
    COUNTED = "counted", "已提供统计数字 count given"
    NOT_FOUND = "not_found", "本系统登记人员中未查到 not found"
    TOO_MANY = "too_many", "符合人数过多，请补充信息 too many matches"
    CONSENT_REFUSED = "consent_refused", "被查询人不同意，未提供信息 the person refused"
    CONSENT_LAPSED = "consent_lapsed", "期限内未取得同意，未提供信息 no consent within the period"
    NOT_APPROVED = "not_approved", "上级未批准 not approved"


OPEN_SUBJECT_STATES = {SubjectState.PENDING, SubjectState.CHOOSING, SubjectState.AWAITING_CONSENT, SubjectState.AWAITING_APPROVAL}
DISCLOSED_STATES = {SubjectState.ANSWERED, SubjectState.COUNTED}


def zh(label: str) -> str:
    return label.split(" / ")[0]


def en(label: str) -> str:
    return label.split(" / ")[-1]
