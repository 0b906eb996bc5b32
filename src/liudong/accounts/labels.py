"""Issue 9 item 4: the one table of what the pages call the system's codes: a label per audit
action code, per field name (of a person and of the records an event names) and per stored value
code, as "中文 english" pairs picked by the page's language (`liudong_ui.pick_label`). The audit
page writes its sentences with them ("张三 查看了 李四 的档案：姓名、身份证号") and the policy page
its field lists. A code without a label shows as itself, in a tooltip on the pages.
"""
from liudong.accounts.templatetags.liudong_ui import pick_label

# What an event did, as the verb of the audit page's sentence ("{who} {verb} {what}").
ACTIONS = {
    "login": "登录了系统 logged in", "login.failed": "登录失败 failed to log in", "login.slowed": "登录被放慢 was slowed down at log-in",
    "token.issue": "取得了接口令牌 obtained an API token",
    "staff.add": "添加了工作人员账号 added a staff account", "staff.disable": "停用了工作人员账号 disabled a staff account",
    "staff.unlock": "解除了账号锁定 unlocked an account",
    "person.create": "登记了 registered", "person.update": "修改了 changed", "person.view": "查看了 opened",
    "person.edit": "打开了修改页 opened for editing", "person.form": "打开了表单 opened a form about", "person.print": "打印了 printed",
    "person.search": "查询了人员 searched for people", "person.duplicate_list": "查看了疑似重复人员列表 listed probable duplicates", "person.review_list": "查看了采集表审核列表 listed forms in review", "person.backcheck_list": "查看了复核抽样名单 listed people to back-check", "person.reconciliation_list": "查看了出生核对事项 listed births to reconcile", "person.lookup": "按证件查到了 looked up by document",
    "person.duplicate": "重复登记被拒 was refused as a duplicate", "person.not_found": "查找了不存在或不在辖区的人员 asked for a person not found",
    "person.import": "批量导入了人员 imported people", "person.visit": "清理查验了 checked on a visit",
    "person.follow_up_list": "查看了待查验名单 opened the follow-up list",
    "person.document_collision": "证件号码冲突 found a document number in use",
    "person.document_normalise": "规范了证件号码 normalised a document number",
    "residence.arrival": "登记了流入 recorded the arrival of", "residence.move": "登记了迁居 recorded a move of",
    "residence.return": "登记了返乡 recorded the return home of", "residence.departure": "登记了离开 recorded the departure of",
    "residence.not_found": "查找了不存在或不在辖区的居住记录 asked for a residence not found",
    "residence.not_yours": "试图改动其他地方的居住记录 tried to change another place's residence of",
    "family.link": "登记了亲属关系 linked a relative of", "family.care": "登记了监护能力 recorded the care of",
    "family.propose": "提出了亲属关系确认 proposed a family link for", "family.relative": "查看了亲属 opened a relative of",
    "family_proposal.view": "查看了亲属关系确认 opened a family link proposal",
    "housing.create": "登记了出租房屋 registered a rental home", "housing.update": "修改了出租房屋 changed a rental home",
    "housing.close": "注销了出租房屋 closed a rental home", "housing.view": "查看了出租房屋 opened a rental home",
    "housing.list": "查看了出租房屋列表 listed rental homes",
    "employer.create": "登记了用工单位 registered an employer", "employer.update": "修改了用工单位 changed an employer",
    "employer.close": "注销了用工单位 closed an employer", "employer.view": "查看了用工单位 opened an employer",
    "grid.add": "添加了网格 added a grid", "grid.update": "修改了网格 changed a grid",
    "register.view": "查看了登记簿册 viewed a register", "register.print_pdf": "打印了登记簿册 printed a register",
    "register.export_xlsx": "导出了登记簿册 exported a register",
    "export.request": "申请了导出 asked for an export", "export.download": "下载了导出文件 downloaded an export",
    "export.cancel": "取消了导出 cancelled an export", "export.purge": "删除了过期导出文件 deleted expired exports",
    "arrival_claim.submit": "提交了到达申报 submitted an arrival claim", "arrival_claim.record": "记录了到达申报 recorded an arrival claim",
    "arrival_claim.view": "查看了到达申报 opened an arrival claim", "arrival_claim.list": "查看了到达申报列表 listed arrival claims",
    "arrival_claim.accept": "确认了到达申报 accepted an arrival claim", "arrival_claim.expire": "到达申报逾期视为确认 accepted an arrival claim on expiry",
    "message.send": "发出了函件 sent a message", "message.draft": "起草了函件 drafted a message", "message.receive": "收到了函件 received a message",
    "message.reply": "答复了函件 answered a message", "message.arrival": "登记了函件到达 recorded the arrival of a message",
    "message.close": "办结了函件 closed a message", "message.forward": "转办了函件 forwarded a message",
    "message.accept": "确认了函件 accepted a message", "message.dispute": "提出了异议 disputed a message",
    "message.view": "查看了函件 opened a message", "message.show": "查看了函件 opened a message", "message.list": "查看了函件列表 listed messages",
    "message.person": "查看了函件所涉人员 opened the person of a message", "message.attachment": "查看了函件附件 opened an attachment",
    "exchange.tick": "标记了逾期函件 marked overdue messages", "exchange.log_view": "查看了往来登记 opened the exchange log",
    "exchange.log_print": "打印了往来登记 printed the exchange log",
    "case.list": "查看了业务列表 listed cases", "birth.create": "受理了出生登记 opened a birth registration",
    "birth.decide": "办理了出生登记 decided a birth registration", "birth.refusal_letter": "打印了不予登记告知书 printed a refusal letter",
    "second_birth.record": "记录了再生育审批结果 recorded a second-birth result",
    "fee.create": "发起了社会抚养费协商 opened a fee consultation", "fee.answer": "答复了社会抚养费协商 answered a fee consultation",
    "policy.adopt": "采用了规则集 adopted a rule set", "policy.set": "调整了政策参数 changed a policy value",
    "calendar.load": "载入了工作日历 loaded a working-day calendar", "calendar.replace": "替换了工作日历 replaced a working-day calendar",
    "divisions.load": "载入了区划代码 loaded division codes",
    "divisions.load_villages": "载入了乡镇和村居区划 loaded the township and village list", "audit.purge": "清理了过期审计记录 purged old audit events",
    "demo.build": "生成了演示数据 built the demo",
    # Q1-Q9: the query desk
    "inquiry.create": "登记了查询申请 recorded an inquiry", "inquiry.read": "查看了查询申请 opened an inquiry",
    "inquiry.search": "为查询申请查找了人员 searched people for an inquiry", "inquiry.select": "选定了被查询人 chose the person of an inquiry",
    "inquiry.disclose": "提供了查询结果 gave the answer of an inquiry", "inquiry.refuse": "拒绝了查询申请 refused an inquiry",
    "inquiry.count": "提供了统计数字 gave counts for an inquiry", "inquiry.approve": "审批了查询申请 approved an inquiry",
    "inquiry.acknowledge": "确认了查询申请 acknowledged an inquiry", "inquiry.consent": "登记了被查询人意见 recorded the person's consent",
    "inquiry.consent_late": "收到逾期的被查询人意见（不提供信息） received a consent after the period (nothing disclosed)", "bulletin.remote": "收到上级节点的工作通报 kept a bulletin from another node",
    "inquiry.consent_task": "处理了征询任务 handled a consent task", "inquiry.consent_tasks": "查看了征询任务 listed consent tasks",
    "inquiry.flagged": "查询频繁被提示 was flagged for frequent inquiries", "inquiry.purge": "清理了过期查询登记 purged old inquiries",
    "inquiry.purge_dry_run": "试算了查询登记清理 counted old inquiries", "inquiry.register.view": "查看了查询登记表 viewed the inquiry register",
    "inquiry.print.application": "打印了查询申请表 printed an inquiry form", "inquiry.print.agreement": "打印了保密协议 printed a confidentiality agreement",
    "inquiry.print.result": "打印了查询结果单 printed an inquiry result", "inquiry.print.register": "打印了查询登记表 printed the inquiry register",
    "inquiry.print.screen": "打印了查询页面 printed an inquiry screen",
    # residence registration and permits
    "residence_registration.open": "受理了居住登记 opened a residence registration",
    "residence_registration.complete": "办结了居住登记 completed a residence registration",
    "residence_permit.apply": "受理了居住证申请 received a residence permit application", "residence_permit.decide": "办理了居住证申请 decided a residence permit",
    "residence_permit.endorse": "签注了居住证 endorsed a residence permit", "residence_permit.end": "注销了居住证 ended a residence permit",
    "residence_permit.move": "变更了居住证地址 moved a residence permit", "residence_permit.view": "查看了居住证 opened a residence permit",
    "residence_permit.exists": "查询了是否持有居住证 asked whether a permit exists",
    "residence_permit.suspend_missed": "暂停了未签注的居住证 suspended permits not endorsed",
    # marriage and childbearing certificates (C1-C6, 3-八-1, 上门)
    "certificate.issue": "发放了婚育证明 issued a certificate", "certificate.renew": "换发了婚育证明 renewed a certificate",
    "certificate.reissue": "补办了婚育证明 reissued a certificate", "certificate.revoke": "撤销了婚育证明 revoked a certificate",
    "certificate.shortening_refused": "试图缩短婚育证明有效期被拒绝 tried to shorten a certificate's term (refused)",
    "certificate.entry": "在婚育证明上作了记载 made an entry on a certificate", "certificate.verify": "查验了婚育证明 verified a certificate",
    "certificate.long_term": "婚育证明转为长期有效 made a certificate long-term valid", "certificate.long_term_end": "婚育证明长期有效终止 ended a long-term validity",
    "certificate.view": "查看了婚育证明 opened a certificate", "certificate.list": "查看了婚育证明列表 listed certificates",
    "certificate.due_list": "查看了婚育证明应办应验名单 listed women due", "certificate.print": "打印了婚育证明 printed a certificate",
    "certificate.batch_print": "批量打印了婚育证明 printed certificates in a batch", "certificate.register_print": "打印了婚育证明登记表 printed the certificate register",
    "certificate.card_print": "打印了管理卡 printed a card", "certificate.status_proof": "出具了婚育情况证明 issued a status proof",
    "certificate.status_proof_print": "打印了婚育情况证明 printed a status proof",
    "certificate.door_application": "上门代收了婚育证明申请 took a certificate application door to door",
    "certificate.door_application_issue": "据上门申请发放了婚育证明 issued a certificate against a door-to-door application",
    "certificate.door_application_refuse": "对上门申请不予办理 refused a door-to-door application",
    "certificate.door_application_view": "查看了上门代收的申请 opened a door-to-door application",
    "certificate.door_application_list": "查看了上门代收的申请列表 listed door-to-door applications",
}

# Names of fields (of a person, a residence, a message, a case, a register) and of an event's details.
FIELDS = {
    "id_number": "身份证号 ID number", "name": "姓名 name", "sex": "性别 sex", "birth_date": "出生日期 date of birth",
    "ethnicity": "民族 ethnicity", "education": "文化程度 education", "marital_status": "婚姻状况 marital status",
    "hukou": "户籍地 hukou place", "hukou_division_id": "户籍地 hukou place", "hukou_division": "户籍地 hukou place",
    "hukou_address": "户籍地址 hukou address", "residences": "居住记录 residences", "phone": "联系电话 phone", "family": "亲属 family",
    "document_type": "证件类型 document type", "document_number": "证件号码 document number", "photo": "相片 photo",
    "residence_address": "居住地址 address", "issuing_office": "签发机关 issuing office", "issued_on": "签发日期 issued on",
    "permanent_address": "常住地址 permanent address", "temporary_address": "暂住地址 temporary address", "family_members": "家庭成员 family members",
    "contact": "联系方式 contact", "age": "年龄 age",
    "division": "区划 division", "address": "地址 address", "arrived_on": "到达日期 arrived on", "left_on": "离开日期 left on",
    "closed": "结束的居住记录 closed residence", "housing": "出租房屋 rental home", "employer": "用工单位 employer",
    "reason": "原因 reason", "intended_stay": "拟居住时间 intended stay", "expects_return": "预计返回 return expected",
    "owner": "房主 owner", "credit_code": "统一社会信用代码 credit code", "village": "村（居） village", "collector": "采集员 collector",
    "relative": "亲属 relative", "relation": "关系 relation", "parent": "父母 parent", "parent_unable_to_care": "无监护能力 unable to care",
    "residence": "居住记录 residence", "visited_on": "查验日期 visited on", "result": "结果 result", "note": "说明 note",
    "kind": "类别 kind", "topic": "事项 topic", "receiver": "收件单位 receiver", "route": "传递路径 route", "reply": "答复 reply",
    "on_time": "按时 on time", "state": "状态 state", "due": "期限 due", "arrived": "到达 arrived", "channel": "方式 channel",
    "messages": "函件 messages", "message": "函件 message", "rule_set": "规则集 rule set", "basis": "依据 basis",
    "received_on": "受理日期 received on", "complete_on": "材料齐全日期 complete on", "documents": "材料 documents",
    "send_due": "发出期限 send by", "notify_due": "通报期限 notify by", "decision": "决定 decision", "decided_on": "决定日期 decided on",
    "at_once": "当场办理 at once", "late": "逾期 late", "child_order": "孩次 child order", "agrees": "同意 agrees",
    "answered_on": "答复日期 answered on", "started_on": "开始日期 started on",
    "username": "用户名 user name", "role": "角色 role", "address_of_login": "登录地址 address",
    "count": "条数 count", "person_ids": "涉及人员 people", "columns": "列 columns", "offset": "起始行 from row", "limit": "每页 per page",
    "start": "开始 from", "end": "结束 to", "format": "格式 format", "bytes": "字节 bytes", "shown": "显示 shown", "criteria": "条件 criteria",
    "match": "匹配方式 match", "flow": "流向 flow", "age_min": "最小年龄 youngest", "age_max": "最大年龄 oldest", "on": "日期 on",
    "rows": "行数 rows", "created": "新增 created", "matched": "已有 matched", "skipped": "跳过 skipped", "first_id": "起始编号 first no.",
    "last_id": "结束编号 last no.", "edition": "版本 edition", "added": "新增 added", "renamed": "更名 renamed",
    "built_on": "生成日期 built on", "world_date": "数据日期 world date", "seed": "种子 seed", "people": "人数 people",
    "year": "年份 year", "holidays": "节假日 holidays", "workdays": "调休工作日 make-up workdays", "source": "依据 source",
    "value": "值 value", "valid_from": "生效日期 from", "box": "信箱 box", "page": "页 page", "job": "导出任务 export job",
    "file": "文件 file", "parameters": "参数 parameters", "retention_days": "保存天数 days kept", "deleted": "删除 deleted",
    "exchange_log": "往来登记 exchange log", "case_id": "业务编号 case no.", "case_type": "业务类别 case kind",
    "person": "人员 person", "body": "正文 body", "attachment": "附件 attachment", "withheld": "未显示 withheld",
    "pending": "待确认 pending", "file_number": "档案号 file number", "inbox": "收件箱 inbox", "outbox": "发件箱 outbox", "watch": "督办 watch list",
}

# Stored value codes that an event's details or a policy value carry.
VALUES = {
    "inflow": "流入 inflow", "outflow": "流出 outflow", "both": "流入和流出 both", "all": "全部 all",
    "exact": "精确 exact", "same_char": "同字 same characters", "same_sound": "同音 same sound",
    "pdf": "PDF文件 PDF file", "xlsx": "Excel文件 Excel file",
    "resident_id": "居民身份证 resident ID card", "passport": "护照 passport",
    "F": "女 female", "M": "男 male",
    "verification": "核实函 verification request", "notification": "通报 notification", "correspondence": "函件 letter", "clue": "线索 clue",
    "contraception_report": "避孕节育情况通报 contraception report", "policy_notice": "政策告知 policy notice",
    "birth_registration": "出生登记 birth registration", "second_birth": "再生育审批 second birth", "fee_consultation": "社会抚养费协商 fee consultation",
    "family_link": "亲属关系确认 family link", "arrival_claim": "到达申报 arrival claim",
    "births": "生育 births", "contraception": "避孕节育 contraception", "fee": "社会抚养费 fees", "marriage": "婚育 marriage",
    "reproductive_health": "生殖健康 reproductive health", "certificate": "婚育证明 certificate", "other": "其他 other",
    "fax": "传真 fax", "letter": "信函 letter", "system": "系统 system",
    "received": "已受理 received", "registered": "已登记 registered", "refused": "不予登记 refused", "postponed": "暂缓 postponed",
    "closed": "已办结 closed", "approved": "批准 approved", "register": "登记 register", "refuse": "不予登记 refuse", "postpone": "暂缓 postpone",
    "documents": "凭证件材料 on documents", "commitment": "凭本人承诺 on commitment",
    "woman_id": "女方身份证 woman's ID card", "husband_id": "男方身份证 husband's ID card", "proof": "婚育证明 certificate",
    "checked": "已查验 checked", "corrected": "已更正 corrected", "child": "子女 child", "parent": "父母 parent", "spouse": "配偶 spouse",
    "calendar": "日历日 calendar days", "working": "工作日 working days",
    "pending": "待办理 pending", "issued": "已发证 issued",
}


def action_label(code: str) -> str:
    """The verb of an action; an action without a label (an app's new one) reads "进行了操作", its
    code in the tooltip of the sentence."""
    return pick_label(ACTIONS.get(code, "进行了操作 acted"))


def field_label(name: str) -> str:
    return pick_label(FIELDS[name]) if name in FIELDS else name


def value_label(code) -> str:
    return pick_label(VALUES[code]) if isinstance(code, str) and code in VALUES else str(code)


# What an event's object is, as a noun ("出生登记 第 1 号").
OBJECTS = {
    "person": "人员 person", "residence": "居住记录 residence", "familylink": "亲属关系 family link", "visit": "查验记录 visit",
    "rentalhousing": "出租房屋 rental home", "employer": "用工单位 employer", "grid": "网格 grid", "staff": "工作人员账号 staff account",
    "message": "函件 message", "arrivalclaim": "到达申报 arrival claim", "familyproposal": "亲属关系确认 family link proposal",
    "birthregistration": "出生登记 birth registration", "secondbirthresult": "再生育审批结果 second-birth result",
    "feeconsultation": "社会抚养费协商 fee consultation", "register": "登记簿册 register", "exportjob": "导出任务 export job",
    "policyvalue": "政策参数 policy value", "calendaryear": "工作日历 working-day calendar", "division": "区划 division",
    "demobuild": "演示数据 demo", "auditevent": "审计记录 audit events",
    "inquiry": "查询申请 inquiry", "consenttask": "征询任务 consent task", "residencepermit": "居住证 residence permit",
    "residenceregistration": "居住登记 residence registration",
    "birth_registration": "出生登记 birth registrations", "second_birth": "再生育审批结果 second-birth results",
    "fee_consultation": "社会抚养费协商 fee consultations",
}


def _chinese() -> bool:
    return pick_label("是 yes") == "是"


def numbered(object_type: str, object_id) -> str:
    """"出生登记 第 1 号" / "birth registration no. 1"."""
    noun = pick_label(OBJECTS.get(object_type, "记录 record"))
    if not object_id:
        return noun
    if not str(object_id).isdigit():
        return f"{noun} {' '.join(value_label(part) for part in str(object_id).split(':'))}"
    return f"{noun} 第 {object_id} 号" if _chinese() else f"{noun} no. {object_id}"


def _value(key, value, withheld: str) -> str:
    from .templatetags.liudong_ui import pick_message

    sep = "、" if _chinese() else ", "
    if value == withheld:
        return pick_message(withheld).strip("（）()")
    if value is True or value is False:
        return pick_label("是 yes" if value else "否 no")
    if value is None:
        return pick_label("无 none")
    if isinstance(value, list):
        if key in ("person_ids",) or (key == "shown" and value and not isinstance(value[0], str)) or (value and all(isinstance(v, int) for v in value)):
            return (f"{len(value)} 条" if _chinese() else f"{len(value)}")
        if key in ("shown", "columns"):
            return sep.join(field_label(v) for v in value if v in FIELDS)
        return sep.join(value_label(v) for v in value)
    if isinstance(value, dict):
        known = {k: v for k, v in value.items() if k in FIELDS}
        return "，".join(f"{field_label(k)}：{_value(k, v, withheld)}" for k, v in known.items()) if _chinese() else \
            "; ".join(f"{field_label(k)}: {_value(k, v, withheld)}" for k, v in known.items())
    if key == "role":
        from .choices import Role

        return pick_label(Role(value).label) if value in Role.values else str(value)
    return value_label(value)


def details(fields: dict, withheld: str) -> str:
    """An event's details as "label：value" pairs; values withheld from auditors (invariant 2) are
    named once at the end ("已隐去：姓名、证件号码")."""
    from .templatetags.liudong_ui import pick_message

    zh = _chinese()
    shown, hidden = [], []
    unnamed = 0
    for key, value in fields.items():
        if key not in FIELDS:
            unnamed += 1   # the raw details are in the tooltip
        elif value == withheld:
            hidden.append(field_label(key))
        else:
            shown.append(f"{field_label(key)}{'：' if zh else ': '}{_value(key, value, withheld)}")
    if unnamed:
        shown.append(f"另有 {unnamed} 项" if zh else f"{unnamed} more")
    if hidden:
        shown.append(f"{pick_message(withheld).strip('（）()')}{'：' if zh else ': '}{('、' if zh else ', ').join(hidden)}")
    return ("；" if zh else "; ").join(shown)


def sentence(actor_name: str, action: str, object_type: str, object_id, person_id) -> str:
    """"张三 查看了 人员 第 7 号 的档案" / "张三 opened the record of person no. 7"."""
    verb = action_label(action)
    if object_type == "person" and person_id:
        what = f"{numbered('person', person_id)} 的档案" if _chinese() else f"the record of {numbered('person', person_id)}"
    elif object_type == "person" or action in ("login", "token.issue"):
        what = ""   # the sentence names the person's record above; a log-in names its account (the actor)
    elif object_type == "register" and object_id:
        what = " ".join(value_label(part) for part in str(object_id).split(":"))   # "查看了登记簿册 流入 440305001000"
    elif object_type:
        what = numbered(object_type, object_id)
        if person_id:
            what += f"（{numbered('person', person_id)}）" if _chinese() else f" ({numbered('person', person_id)})"
    else:
        what = ""
    return " ".join(p for p in (actor_name, verb, what) if p)
