"""Issue 9 item 4: what people read on the policy page instead of the codes: a label per policy
value name and per rule set, values as 是/否/未设定 or in words, sources in the page's language.
The codes themselves stay in tooltips (`title`) for the experts.

Labels are "中文 english" pairs, picked by `liudong_ui.pick_label` like every other bilingual label;
a name without a label here shows its code (a test checks every shipped name has one)."""
from liudong.accounts.labels import FIELDS, field_label
from liudong.accounts.templatetags.liudong_ui import pick_label, pick_message

from .rule_sets import QUERY_CATEGORIES, RULE_SETS, SYSTEM_DEFAULT_SET
from .services import OVERRIDE_SET

NAMES = {
    "audit_retention_days": "审计日志保存天数 days the audit log is kept",
    "query_register_retention_days": "查询登记表保存天数 days the query register is kept",
    "export_retention_days": "导出文件保存天数 days an export file is kept",
    "statistics.due_day.village": "村级月报应报送日（次月） day of the next month a village's report is due",
    "statistics.due_day.township": "乡镇月报应报送日（次月） day of the next month a township's report is due",
    "statistics.due_day.county": "县级月报应报送日（次月） day of the next month a county's report is due",
    "statistics.due_day.city": "市级月报应报送日（次月） day of the next month a city's report is due",
    "statistics.due_day.province": "省级月报应报送日（次月） day of the next month a province's report is due",
    "statistics.due_day.nation": "国家级月报汇总日（次月） day of the next month the nation's report is due",
    "exchange.reply_days.report": "统计报表答复工作日数 working days to answer a statistical report",
    "exchange.reply_days.bulletin": "工作通报答复工作日数 working days to answer a bulletin",
    "statistics.assessment": "双向考核指标（达标值、权重、一票否决） two-way assessment: thresholds, weights, veto items",
    "statistics.assessment_pass_score": "双向考核合格分数 two-way assessment: pass mark",
    "statistics.bulletin_rank": "通报排名综合得分权重 bulletin ranking: weights of the composite",
    "review.chain": "采集表审核环节 steps of the review chain",
    "review.township_signatures": "乡镇审查签字人数 township reviewers who sign",
    "backcheck.sample_percent": "每月抽样复核比例（%） share of each collector's records re-visited a month (%)",
    "import.rollback_days": "导入批次可整体撤销的天数 days an import batch can be rolled back whole",
    "follow_up_months": "清理查验间隔（月） months between clean-up checks",
    "follow_up_days": "跟踪更新间隔（天） days between follow-ups",
    "childbearing_age_min": "育龄妇女最低年龄 youngest age of childbearing",
    "childbearing_age_max": "育龄妇女最高年龄 oldest age of childbearing",
    "left_behind_child_max_age": "留守儿童最高年龄 oldest age of a left-behind child",
    "empty_nest_min_age": "空巢老人最低年龄 youngest age of an empty-nest elder",
    "people.arrival_claim_days": "到达申报视为确认的工作日数 working days until an arrival claim is accepted",
    "case_open.birth_registration": "受理一孩生育服务登记 first-child birth registrations accepted",
    "case_open.second_birth_approval": "受理再生育审批 second-birth approvals accepted",
    "case_open.fee_consultation": "受理社会抚养费协商征收 fee consultations accepted",
    "birth.registration_basis": "生育登记依据 basis of a birth registration",
    "birth.max_child_order_registered": "登记（不需审批）的最高孩次 highest child order registered without approval",
    "birth.verify_request_days": "向户籍地发出核实的工作日数 working days to ask the hukou place to verify",
    "birth.notify_days": "登记后通报的工作日数 working days to notify after registering",
    "birth.second_birth_notify_days": "再生育审批结果通报的工作日数 working days to notify a second-birth result",
    "exchange.reply_days.verification": "核实函答复工作日数 working days to answer a verification request",
    "exchange.reply_days.clue": "线索函答复工作日数 working days to answer a clue",
    "exchange.reply_days.correspondence": "函件答复工作日数 working days to answer a letter",
    "exchange.reply_days.notification": "通报答复工作日数 working days to answer a notification",
    "exchange.reply_days.contraception_report": "避孕节育情况通报答复工作日数 working days to answer a contraception report",
    "exchange.reply_days.policy_notice": "政策告知答复工作日数 working days to answer a policy notice",
    "exchange.reply_days.reply": "反馈的答复工作日数 working days to answer a reply",
    "exchange.reply_days.fee_consultation": "社会抚养费协商答复工作日数 working days to answer a fee consultation",
    "exchange.reply_days.family_link": "亲属关系确认函答复工作日数 working days to answer a family link to confirm",
    "certificate.required": "须持婚育证明 marriage-and-childbearing certificate required",
    "certificate.term_years": "婚育证明有效年数 years a certificate is valid",
    "certificate.hand_in_days": "到达后提交婚育证明的天数 days to hand in the certificate after arriving",
    "certificate.obtain_months": "补办婚育证明的月数 months to obtain a missing certificate",
    "certificate.long_term_after_sterilisation": "落实绝育措施后婚育证明长期有效 certificate valid for good after sterilisation",
    "certificate.verify_interval_months": "婚育证明查验间隔（月） months between certificate checks",
    "certificate.electronic": "使用电子婚育证明 electronic certificates",
    "residence_permit.min_residence_months": "申领居住证须居住的月数 months of residence before a residence permit",
    "residence_permit.issue_days": "发放居住证的天数 days to issue a residence permit",
    "residence_permit.issue_days_remote": "偏远地区发放居住证的天数 days to issue a residence permit in remote areas",
    "residence_permit.endorsement_months_before": "期满前签注的月数 months before expiry to endorse a permit",
    "residence_permit.fee": "居住证费用（元） fee of a residence permit (yuan)",
    "residence_registration.required": "须办理居住登记 residence registration required",
    "residence_registration.report_working_days": "申报居住登记的工作日数 working days to report a residence",
    "residence_registration.landlord_report_working_days": "出租人、用人单位报告的工作日数 working days for landlords and employers to report",
    "residence_registration.address_change_days": "变更居住地址申报天数 days to report a change of address",
    "residence_registration.exempt_stay_days": "免于登记的居住天数 days of stay exempt from registration",
    "remedies.review_days": "申请行政复议的天数 days to apply for administrative review",
    "remedies.lawsuit_months": "提起行政诉讼的月数 months to file a lawsuit",
    "residence_permit.items": "居住证登载项目 items printed on a residence permit",
    "residence_permit.endorsement_interval_years": "居住证签注间隔（年） years between endorsements",
    "residence_permit.decision_day_kind": "居住证办理期限的计日方式 how the permit's days are counted",
    "query_desk.categories": "查询类别 categories of outside queries",
    "query_desk.consent_working_days": "征得被查询人同意的工作日数 working days to obtain the person's consent",
    "query_desk.max_matches": "同音同字查询最多显示人数 most people shown by a same-sound or same-character query",
    "query_desk.abuse_window_days": "频繁查询提示的统计天数 days counted for the frequent-query warning",
    "query_desk.abuse_subjects": "频繁查询提示的被查询人数 people queried before the frequent-query warning",
    "services.checks_per_year.key": "重点对象每年“三查”次数 checks a year for key subjects",
    "services.checks_per_year.ordinary": "一般对象每年“三查”次数 checks a year for ordinary subjects",
    "services.screening_per_year": "每年妇女病普查次数 women's disease screenings a year",
    "services.ordinary_min_age": "一般三查对象的最低年龄 lowest age of ordinary check subjects",
}
CATEGORY_PREFIX = "query_desk.category."

# Text values of TEXT_CHOICES in words.
TEXT_VALUES = {
    # R6 (issue 15): the steps of the review chain (review.chain).
    "group_leader": "组长 group leader",
    "police": "管区民警 area police officer",
    "township": "乡镇审查 township office",
    "documents": "凭证件材料 on documents",
    "commitment": "凭本人承诺 on the applicant's commitment",
    "calendar": "日历日 calendar days",
    "working": "工作日 working days",
}

SETS = {
    OVERRIDE_SET: "单项调整 override",
    SYSTEM_DEFAULT_SET: "本系统默认值 system default",
}


def name_label(name: str) -> str:
    if name.startswith(CATEGORY_PREFIX) and name[len(CATEGORY_PREFIX):] in QUERY_CATEGORIES:
        category = pick_label(QUERY_CATEGORIES[name[len(CATEGORY_PREFIX):]]["label"])
        return f"查询类别：{category}" if _chinese() else f"Query category: {category}"
    # A value an app added without a label here reads in words; its code is in the tooltip.
    return pick_label(NAMES.get(name, "未命名的政策参数 unnamed policy value"))


def has_label(name: str) -> bool:
    return name in NAMES or (name.startswith(CATEGORY_PREFIX) and name[len(CATEGORY_PREFIX):] in QUERY_CATEGORIES)


def value_label(value) -> str:
    """是/否 for true/false, 未设定 for none (no such duty or limit), words for a text code."""
    if value is True:
        return pick_label("是 yes")
    if value is False:
        return pick_label("否 no")
    if value is None:
        return pick_label("未设定 not set")
    if isinstance(value, str):
        if value in TEXT_VALUES:
            return pick_label(TEXT_VALUES[value])
        if value in QUERY_CATEGORIES:
            return pick_label(QUERY_CATEGORIES[value]["label"])
        if "," in value and all(part in FIELDS for part in value.split(",")):
            return ("、" if _chinese() else ", ").join(field_label(part) for part in value.split(","))
        return value
    if isinstance(value, list):
        return "、".join(value_label(v) for v in value) if _chinese() else ", ".join(value_label(v) for v in value)
    if isinstance(value, dict):
        # A structured value (a query category's rules): its label; the whole value is in the tooltip.
        return pick_label(value["label"]) if "label" in value else pick_label("（结构化数值） (structured value)")
    return str(value)


def _chinese() -> bool:
    return pick_label("是 yes") == "是"


def set_label(code: str) -> str:
    if code in RULE_SETS:
        return pick_label(RULE_SETS[code].title)
    return pick_label(SETS[code]) if code in SETS else code


def source_label(text: str) -> str:
    """"中文 / English" -> the part in the page's language."""
    return pick_message(text)
