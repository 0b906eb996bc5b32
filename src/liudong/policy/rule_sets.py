"""P1: the dated rule sets of policy-timeline.md, as data with their sources.

A set is a named group of policy values. Migration 0005 puts the national sets in force for the
whole country from their national dates and `residence-registration` for Zhejiang; an
administrator adopts any set for a province from a date of the province's choosing
(`policy.services.adopt_rule_set`), or overrides one value (`policy.services.set_value`).
A value of None means "no such duty / no limit" under that set.
"""
import datetime
from dataclasses import dataclass, field

NATION = "000000000000"
ZHEJIANG = "330000000000"

SRC_2009 = "《流动人口计划生育工作条例》(国务院令第555号) 2009-10-01; 国人口发〔2009〕49号"
SRC_2016 = "人口与计划生育法(2015-12-27修正); 中发〔2015〕40号; 国卫办指导发〔2016〕20号 生育登记服务"
SRC_2021 = "人口与计划生育法(2021-08-20修正); 国务院2021年9月废止国务院令第555号及社会抚养费征收管理办法（日期约定，可调整）"
SRC_PERMIT = "《居住证暂行条例》(国务院令第663号) 2016-01-01"
SRC_ZJ = "《浙江省流动人口居住登记条例》(2016)"
SRC_REVIEW_1999 = "《中华人民共和国行政复议法》(1999-10-01施行) 第九条"
SRC_LAWSUIT_1989 = "《中华人民共和国行政诉讼法》(1990-10-01施行) 第三十九条"
SRC_LAWSUIT_2015 = "《中华人民共和国行政诉讼法》(2014-11-01修正，2015-05-01施行) 第四十六条"
SRC_REVIEW_2024 = "《中华人民共和国行政复议法》(2023-09-01修订，2024-01-01施行) 第二十条"
FOLLOW_UP_SOURCE = "R2: 对流入人员要坚持每季度进行一次清理查验 (8-四)"
SYSTEM = "本系统默认值（依据未规定具体天数，X3“及时处理”），可由省调整 / system default where the source names no number"


@dataclass(frozen=True)
class RuleSet:
    code: str
    title: str
    default_from: datetime.date | None   # the national date; None: a province adopts it on its own date
    default_division: str | None          # where migration 0005 puts it in force
    source: str
    values: dict = field(default_factory=dict)   # name -> (value, source)
    # The lowest level (J1) that may adopt the set: 1, a province (or the nation); 2, a city (Q1: the
    # query desk's rules are a city police bureau's); 3, a county's own example set (S4: part 11's
    # check frequencies are one county's rule, not the nation's).
    adopted_down_to: int = 1


RULE_SETS: dict[str, RuleSet] = {}


def _add(rs: RuleSet):
    RULE_SETS[rs.code] = rs


_add(RuleSet("national-2009", "2009年全国流动人口计划生育规范（默认） national 2009 norms (default)", datetime.date(2009, 10, 1), NATION, SRC_2009, {
    # B1-B5: first-child birth service registration
    "case_open.birth_registration": (True, "B1: 一孩生育服务登记由女方现居住地办理 (1-六-(二)-1)"),
    "birth.registration_basis": ("documents", "B1: 夫妻双方身份证、结婚证、户籍地出具的婚育证明 (1-六-(二)-1)"),
    "birth.max_child_order_registered": (1, "B1, B6: 现居住地办理一孩生育服务登记；再生育由女方户籍地审批 (1-六-(二)-1、2)"),
    "birth.verify_request_days": (7, "B2: 收到材料后7个工作日内向夫妻双方户籍地乡镇核实 (1-六-(二)-1-(1)-①)"),
    "birth.notify_days": (15, "B5: 自办理登记之日起15个工作日内通报 (1-六-(二)-1-(3))"),
    # B6: second births approved at the hukou place
    "case_open.second_birth_approval": (True, "B6: 再生育由女方户籍地审批 (1-六-(二)-2)"),
    "birth.second_birth_notify_days": (15, "B6: 审批结果15个工作日内通报现居住地 (1-六-(二)-2)"),
    # F1-F4: fee consultation
    "case_open.fee_consultation": (True, "F1: 协商征收社会抚养费 (1-六-(三))"),
    "exchange.reply_days.fee_consultation": (7, "F2: 户籍地自收到相关文本和信息之日起7个工作日内回复 (1-六-(三)-2)"),
    # X1/X3: answers to requests; None = no answer expected, the receiver acknowledges
    "exchange.reply_days.verification": (15, "B3: 户籍地乡镇接到核实要求后15个工作日内反馈 (1-六-(二)-1-(1)-②)"),
    "exchange.reply_days.clue": (15, SYSTEM),
    "exchange.reply_days.correspondence": (15, SYSTEM),
    "exchange.reply_days.notification": (None, "B5, B6: 通报只需签收，无需反馈（本系统默认） / a notification is signed for, not answered (system default)"),
    "exchange.reply_days.contraception_report": (None, "S2 (1-五-(三)-4): 避孕节育情况通报只需签收（本系统默认） / signed for, not answered (system default)"),
    "exchange.reply_days.policy_notice": (None, "X1 (1-二-(四)-3): 政策告知只需签收（本系统默认） / signed for, not answered (system default)"),
    "exchange.reply_days.reply": (None, "X3: 反馈本身不需再反馈 / a reply is not answered"),
    # C1-C6: the marriage-and-childbearing certificate (used by the certificate issue)
    "certificate.required": (True, "C1, C6: 离开户籍地前办理婚育证明、到达现居住地后提交 (国务院令第555号 第七条、第八条)"),
    "certificate.term_years": (3, "C3: 婚育证明有效期为三年，不得以任何理由缩短 (国人口发〔2009〕49号 1-四-(二)-3)"),
    "certificate.hand_in_days": (30, "C6: 自到达现居住地之日起30日内提交婚育证明 (国务院令第555号 第八条)"),
    "certificate.obtain_months": (3, "C6: 未办理婚育证明的，现居住地通知其3个月内补办 (国务院令第555号)"),
    "certificate.long_term_after_sterilisation": (True, "C4: 已落实绝育措施且婚育状况未变化的，婚育证明长期有效 (国人口发〔2009〕49号 1-四-(二)-3)"),
    "certificate.verify_interval_months": (12, "C6: 首次查验后每年至少查验一次 (国人口发〔2009〕49号 1-五-(二))"),
    "certificate.electronic": (False, "C1: 纸质婚育证明 (国务院令第555号 第七条)"),
    # R2: the follow-up to-do lists open inflow records not visited or updated for this long.
    "follow_up_months": (3, FOLLOW_UP_SOURCE),
}))

# C1-C6 under the electronic certificate: a province opts in from its own date (no national date).
_add(RuleSet("e-certificate", "电子婚育证明（省自行采用） electronic certificate (a province opts in)", None, None,
             "国家卫生计生委2014年11省试点；国卫办流管函〔2015〕259号（二手资料，日期以省为准） / NHFPC 2014 pilot, reported", {
    "certificate.electronic": (True, "电子婚育证明存于全国信息系统，纸质与电子并存 (国卫办流管函〔2015〕259号，reported)"),
    "certificate.term_years": (None, "电子婚育证明撤销前有效，离开育龄期失效 (国卫办流管函〔2015〕259号，reported) / valid until revoked, lapses when she leaves childbearing age"),
}))

_add(RuleSet("national-2016", "2016年全面两孩：一孩二孩生育登记 national 2016 (two children, registration)", datetime.date(2016, 1, 1), NATION, SRC_2016, {
    "birth.registration_basis": ("commitment", "承诺制：凭本人承诺登记 (国卫办指导发〔2016〕20号)"),
    "birth.max_child_order_registered": (2, "一孩、二孩实行生育登记；三孩及以上审批 (人口与计划生育法 2015)"),
    "birth.verify_request_days": (7, "登记后核查沿用7个工作日 / verification after registration keeps 7 working days"),
    "birth.notify_days": (15, "登记信息15个工作日内通报 (沿用 B5)"),
    "case_open.second_birth_approval": (True, "再生育审批仅适用于三孩及以上 (人口与计划生育法 2015 第十八条)"),
}))

_add(RuleSet("national-2021", "2021年三孩政策：取消社会抚养费 national 2021 (three children, fees abolished)", datetime.date(2021, 8, 20), NATION, SRC_2021, {
    "birth.registration_basis": ("commitment", "生育登记服务，凭承诺登记 (人口与计划生育法 2021)"),
    "birth.max_child_order_registered": (None, "所有出生均实行生育登记，不再审批 (人口与计划生育法 2021)"),
    "case_open.second_birth_approval": (False, "取消生育审批 (人口与计划生育法 2021)"),
    "case_open.fee_consultation": (False, "社会抚养费取消 (人口与计划生育法 2021-08-20；国务院2021年9月废止征收管理办法)"),
    "certificate.required": (False, "国务院令第555号废止 (2021年9月)，婚育证明不再要求"),
}))

_add(RuleSet("residence-permit-2016", "居住证暂行条例 residence permit 2016", datetime.date(2016, 1, 1), NATION, SRC_PERMIT, {
    "residence_permit.min_residence_months": (6, "居住半年以上 (第二条)"),
    "residence_permit.issue_days": (15, "15日内发证 (第十三条)"),
    "residence_permit.issue_days_remote": (30, "偏远地区、交通不便的 30日 (第十三条)"),
    "residence_permit.endorsement_months_before": (1, "每年签注一次，在居住期满一年前一个月内 (第十五条)"),
    "residence_permit.fee": (0, "首次申领、签注免费 (第十七条)"),
    # Issue 13: the card's items and the yearly endorsement, as data.
    "residence_permit.items": ("name,sex,ethnicity,birth_date,id_number,photo,hukou_address,residence_address,issuing_office,issued_on",
                               "居住证登载的内容包括：姓名、性别、民族、出生日期、公民身份号码、本人相片、常住户口所在地住址、居住地住址、证件的签发机关和签发日期 (第七条)"),
    "residence_permit.endorsement_interval_years": (1, "居住证每年签注1次 (第十五条)"),
    "residence_permit.decision_day_kind": ("calendar", "受理之日起15日内（日历日，条例未写工作日） (第十三条)"),
}))

_add(RuleSet("residence-registration", "居住登记（浙江示例） residence registration (Zhejiang example)", datetime.date(2016, 1, 1), ZHEJIANG, SRC_ZJ, {
    "residence_registration.required": (True, SRC_ZJ),
    "residence_registration.report_working_days": (3, "到达后3个工作日内申报居住登记"),
    "residence_registration.landlord_report_working_days": (3, "用人单位、出租人3个工作日内报告流动人口入住、离开"),
    "residence_registration.address_change_days": (10, "变更居住地址10日内申报"),
    "residence_registration.exempt_stay_days": (30, "投靠近亲属居住30日以内的免于登记"),
}))

# B4: the refusal letter tells the applicant how long she has to apply for administrative review
# (days) and to sue (months). These are national law, dated like every other value, not template
# text: a letter is printed with the limits in force on the day of the decision.
_add(RuleSet("remedies-1999", "行政复议、行政诉讼期限（1999） review and lawsuit limits (1999)", datetime.date(1999, 10, 1), NATION, f"{SRC_REVIEW_1999}; {SRC_LAWSUIT_1989}", {
    "remedies.review_days": (60, f"自知道该具体行政行为之日起六十日内申请行政复议 ({SRC_REVIEW_1999})"),
    "remedies.lawsuit_months": (3, f"直接向人民法院起诉的，自知道作出具体行政行为之日起三个月内 ({SRC_LAWSUIT_1989})"),
}))

_add(RuleSet("remedies-2015", "行政诉讼起诉期限六个月（2015） lawsuit limit of six months (2015)", datetime.date(2015, 5, 1), NATION, SRC_LAWSUIT_2015, {
    "remedies.lawsuit_months": (6, f"自知道或者应当知道作出行政行为之日起六个月内起诉 ({SRC_LAWSUIT_2015})"),
}))

_add(RuleSet("remedies-2024", "行政复议法修订（2024） revised administrative review law (2024)", datetime.date(2024, 1, 1), NATION, SRC_REVIEW_2024, {
    "remedies.review_days": (60, f"自知道或者应当知道该行政行为之日起六十日内申请行政复议 ({SRC_REVIEW_2024})"),
}))


# Q1-Q5, Q8 (part 5 of the seed): the Beijing police's rules for answering outside queries of
# population information, 2010-09-09 (试行). In force for 北京 from that day; any city or province
# adopts the set (or an edition of its own) from a date with `liudong policy adopt`. Each category
# says what the requester must present (alternative sets of documents: any one set suffices), which
# fields of a person may be told, whether the person must consent, whether only counts are given,
# whether a superior office must approve and an agreement be signed, whether a printed result sheet
# may be given, and, for a category the desk does not handle, where the requester is sent (Q5).
BEIJING = "110000000000"
SRC_QUERY_2010 = "《北京市公安局关于对外提供查询人口信息户籍服务工作规范（试行）》(2010-09-09)"
QUERY_DESK_SYSTEM = "本系统默认值（依据未规定具体数字），可由省调整 / system default where the source names no number"
QUERY_ADDRESS = ["permanent_address", "temporary_address"]


def _category(label, documents, fields, source, *, consent=False, counts_only=False, count_of=None, approval=False, agreement=False,
              printed_sheet=False, named_in_letter=False, routing=None, treated_as=None):
    return {"label": label, "documents": documents, "fields": fields, "consent": consent, "counts_only": counts_only, "count_of": count_of,
            "approval": approval, "agreement": agreement, "printed_sheet": printed_sheet, "named_in_letter": named_in_letter,
            "routing": routing, "treated_as": treated_as, "source": source}


QUERY_CATEGORIES = {
    "vetting": _category("党政机关、部队因政审查询 party, state and military organs (political vetting)",
                         [["introduction_letter", "work_card", "id_card"]], QUERY_ADDRESS,
                         "Q1(a) 第五条; Q2 第六条(一); Q3 第七条(一)(七)", named_in_letter=True),
    "official": _category("企事业单位、人民团体因公查询 enterprises, institutions and public bodies (official business)",
                          [["introduction_letter", "work_card", "id_card"]], QUERY_ADDRESS,
                          "Q1(b) 第五条; Q2 第六条(一); Q3 第七条(一)(七)", named_in_letter=True),
    "judicial": _category("公检法及纪检监察部门办案查询 police, procuratorate, court, discipline inspection (cases)",
                          [["unit_proof"], ["police_line"], ["police_card", "faxed_letter"]], QUERY_ADDRESS + ["family_members"],
                          "Q1(c) 第五条; Q2 第六条(五); Q3 第七条(二)(七); Q4 第八条(二)", printed_sheet=True, named_in_letter=True),
    "statistics": _category("政府职能部门因社会管理查询统计数字 government departments (statistics)",
                            [["confidentiality_agreement"]], [],
                            "Q1(d) 第五条; Q2 第六条(六) 附件1; Q3 第七条(六)", counts_only=True, count_of="statistics", approval=True, agreement=True),
    "lawyer": _category("律师事务所承办法律事务查询 law firms (legal matters)",
                        [["firm_letter", "client_agreement", "client_agreement_copy", "lawyer_licence", "lawyer_licence_copy", "id_card"]],
                        ["name", "sex", "age", "permanent_address", "ethnicity", "id_number", "education"],
                        "Q1(e) 第五条; Q2 第六条(二); Q3 第七条(五)(七); Q4 第八条(二)", printed_sheet=True, named_in_letter=True),
    "citizen_relative": _category("公民个人因私寻亲访友 citizens looking for relatives or friends",
                                  [["id_card"]], QUERY_ADDRESS + ["contact"],
                                  "Q1(f) 第五条; Q2 第六条(三); Q3 第七条(三)", consent=True),
    "foreigner_private": _category("外籍人员因私查询（按寻亲访友办理） foreigners asking privately (as relatives or friends)",
                                   [["passport"]], QUERY_ADDRESS + ["contact"],
                                   "Q1(f) 第七条(三)：外籍人员因私查询人口信息的按照公民个人因私寻亲访友对待", consent=True, treated_as="citizen_relative"),
    "newborn_name": _category("查询新生儿姓名重名情况 citizens checking a newborn's intended name",
                              [["birth_service_certificate", "id_card"]], [],
                              "Q1(g) 第五条; Q2 第六条(四); Q3 第七条(四)", counts_only=True, count_of="name"),
    "embassy": _category("外国使领馆及办事机构 foreign embassies and consulates", [], [],
                         "Q5 第九条(一)", routing="外事部门 / the foreign affairs office"),
    "media": _category("新闻媒体因宣传报道 news media", [], [],
                       "Q5 第九条(二)", routing="市公安局外宣部门 / the police's publicity office"),
    "letter": _category("来信来函要求查询 requests by letter", [], [],
                        "Q5 第九条(三)", routing="由收信单位按信访件办理 / the receiving unit, as a petition (信访)"),
}

_add(RuleSet("query-desk-2010", "北京市公安局对外提供查询人口信息规范（2010） Beijing police rules for outside queries (2010)",
             datetime.date(2010, 9, 9), BEIJING, SRC_QUERY_2010, {
    "query_desk.categories": (list(QUERY_CATEGORIES), f"Q1 第五条、Q5 第九条 {SRC_QUERY_2010}"),
    **{f"query_desk.category.{code}": (spec, f"{spec['source']} {SRC_QUERY_2010}") for code, spec in QUERY_CATEGORIES.items()},
    "query_desk.consent_working_days": (10, f"Q7 第三条：由被查询人现住地派出所负责联系核实；期限 {QUERY_DESK_SYSTEM}"),
    "query_desk.max_matches": (20, f"Q6 同音、同字查询显示的最多人数 {QUERY_DESK_SYSTEM}"),
    "query_desk.abuse_window_days": (30, f"同一查询人或单位短期内查询多人的提示：统计天数 {QUERY_DESK_SYSTEM}"),
    "query_desk.abuse_subjects": (20, f"同一查询人或单位短期内查询多人的提示：被查询人数 {QUERY_DESK_SYSTEM}"),
    "query_register_retention_days": (730, f"Q8 第十一条：《人口信息查询登记表》及资料保存期限2年 {SRC_QUERY_2010}"),
}, adopted_down_to=2))  # Q1: a city (its police bureau, as 北京市公安局 did) or a province adopts it
# S4: part 11 (宁陕县人口和计划生育工作管理规范, 2011-06-07) is one county's rule: ordinary subjects
# (couples over 40 with an IUD, 〈七〉) are checked twice a year, key subjects four times (三查登记册),
# women's diseases screened twice a year (妇女病普查普治登记册). Shipped as that county's example, in
# force nowhere until a county adopts it (`liudong policy adopt ningshan-2011 --division CODE`);
# where no value is in force, the check schedule says so instead of guessing.
SRC_NINGSHAN = "《宁陕县人口和计划生育工作管理规范》(2011-06-07) 〈三〉5-③④、〈七〉"
_add(RuleSet("ningshan-2011", "县级示例：宁陕县三查频次（2011） county example: Ningshan check frequencies (2011)", None, None, SRC_NINGSHAN, {
    "services.checks_per_year.ordinary": (2, "S4: 一般对象每年进行2次计划生育“三查” (〈三〉5-③)"),
    "services.checks_per_year.key": (4, "S4: 重点对象每年进行4次计划生育“三查” (〈三〉5-③)"),
    "services.screening_per_year": (2, "S4: 每年开展2次妇女病普查普治 (〈三〉5-④)"),
    "services.ordinary_min_age": (41, "S4: 一般三查对象范围：40岁以上上环的夫妇 (〈七〉)"),
}, adopted_down_to=3))


# Values the sources name no number for, shipped by this system (set "system-default", in force
# nation-wide from 2009-10-01 by migration 0006); a province changes them like any other value.
# Their source says so: they are not attributed to the seed text or to any regulation.
SYSTEM_DEFAULT_SET = "system-default"
SYSTEM_DEFAULT_FROM = datetime.date(2009, 10, 1)
SYSTEM_DEFAULTS = {
    "people.arrival_claim_days": (10, "本系统默认值：到达申报发出后原居住地未答复满10个工作日即视为确认（依据未规定天数），可由省调整 / "
                                      "system default: an arrival claim not answered within 10 working days is accepted (no source names a number)"),
    "exchange.reply_days.family_link": (15, "本系统默认值：亲属关系确认函15个工作日内答复（依据未规定天数），可由省调整 / "
                                             "system default: a family link to confirm is answered within 15 working days (no source names a number)"),
}


# Text-valued policy names take one of these values only: domain code branches on them.
TEXT_CHOICES = {
    "birth.registration_basis": ("documents", "commitment"),
    "residence_permit.decision_day_kind": ("calendar", "working"),
}


def set_of(code: str) -> RuleSet:
    return RULE_SETS[code]
