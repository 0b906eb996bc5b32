"""J3: roles and what each may do. The README's permission table is generated from PERMISSIONS
(`liudong permissions --markdown`) and a test walks every cell of it."""
from django.db import models


class Role(models.TextChoices):
    VILLAGE_COLLECTOR = "village_collector", "村信息员 village collector"
    VILLAGE_CADRE = "village_cadre", "村干部 village cadre"
    TOWNSHIP_CLERK = "township_clerk", "乡镇办事员 township clerk"
    TOWNSHIP_HEAD = "township_head", "乡镇负责人 township head"
    COUNTY_OFFICER = "county_officer", "县级干部 county officer"
    CITY_OFFICER = "city_officer", "市级干部 city officer"
    PROVINCE_OFFICER = "province_officer", "省级干部 province officer"
    NATION_OFFICER = "nation_officer", "国家级干部 nation officer"
    POLICE_OFFICER = "police_officer", "民警 police officer"
    QUERY_DESK = "query_desk", "查询窗口 query desk"
    AUDITOR = "auditor", "审计员 auditor"
    ADMIN = "admin", "系统管理员 administrator"


# The lowest level (J1) at which each role may act; a role may be placed at that level or above
# only where noted. None: any level.
ROLE_LEVELS = {
    Role.VILLAGE_COLLECTOR: (5,),
    Role.VILLAGE_CADRE: (5,),
    Role.TOWNSHIP_CLERK: (4,),
    Role.TOWNSHIP_HEAD: (4,),
    Role.COUNTY_OFFICER: (3,),
    Role.CITY_OFFICER: (2,),
    Role.PROVINCE_OFFICER: (1,),
    Role.NATION_OFFICER: (0,),
    Role.POLICE_OFFICER: (3, 4),
    Role.QUERY_DESK: (2, 3, 4),
    Role.AUDITOR: (0, 1, 2, 3),
    Role.ADMIN: (0, 1, 2, 3),
}


class Action(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", "查看首页统计 see the home counts"
    VIEW_PERSON = "view_person", "查看人员档案 open a person's record"
    VIEW_SENSITIVE = "view_sensitive", "查看敏感字段 see phone and family fields"
    REGISTER_PERSON = "register_person", "登记人员 register a person"
    RECORD_RESIDENCE = "record_residence", "登记流入流出迁移 record arrival, move, departure, return"
    MANAGE_FAMILY = "manage_family", "登记家庭关系 record family links"
    MANAGE_HOUSING = "manage_housing", "登记出租房屋 register rental housing"
    MANAGE_EMPLOYER = "manage_employer", "登记用工单位 register employers"
    VIEW_REGISTERS = "view_registers", "查看登记簿册 see the inflow/outflow registers"
    EXPORT_REGISTERS = "export_registers", "打印导出登记簿册 print or export registers"
    MANAGE_GRIDS = "manage_grids", "管理网格 manage grids"
    MANAGE_STAFF = "manage_staff", "管理账号 manage staff accounts"
    MANAGE_DIVISIONS = "manage_divisions", "维护区划 load division codes"
    VIEW_AUDIT = "view_audit", "查看审计日志 read the audit log"
    PURGE_AUDIT = "purge_audit", "清理过期日志 purge expired audit rows"
    VIEW_EXCHANGE = "view_exchange", "查看通报核实函件 read exchange messages"
    HANDLE_EXCHANGE = "handle_exchange", "发送签收反馈函件 send, sign for and answer messages"
    HANDLE_CASES = "handle_cases", "办理生育登记与协商征收 handle birth and fee cases"
    VIEW_TIMELINESS = "view_timeliness", "查看双向考核及时率 see timeliness figures"
    MANAGE_POLICY = "manage_policy", "调整政策规则 adopt rule sets, override values"
    MANAGE_CALENDAR = "manage_calendar", "载入工作日历 load the working-day calendar"
    TAKE_QUERIES = "take_queries", "受理对外查询人口信息 take outside queries of population information"
    ANSWER_CONSENT = "answer_consent", "联系被查询人核实是否同意 obtain a queried person's consent"
    APPROVE_QUERY_STATISTICS = "approve_query_statistics", "批准统计数字查询 approve a statistics query"
    HANDLE_RESIDENCE = "handle_residence", "办理居住登记与居住证 handle residence registration and permits"
    VIEW_PERMIT_EXISTS = "view_permit_exists", "查看是否持有居住证 see whether a residence permit exists"
    VIEW_CERTIFICATES = "view_certificates", "查看婚育证明 see certificates and their due lists"
    ISSUE_CERTIFICATES = "issue_certificates", "办理婚育证明 issue, renew, reissue, revoke certificates and status proofs"
    VERIFY_CERTIFICATES = "verify_certificates", "查验记载婚育证明 verify certificates and make entries"
    TAKE_CERTIFICATE_APPLICATIONS = "take_certificate_applications", "上门代收婚育证明申请 take certificate applications door to door"
    VIEW_SERVICES = "view_services", "查看技术服务记录 see checks, report slips and distributions"
    HANDLE_SERVICES = "handle_services", "登记技术服务 record checks, report slips and distributions"
    PUBLISH_INSTITUTIONS = "publish_institutions", "公布技术服务机构 publish qualified service institutions"
    VIEW_REPORTS = "view_reports", "查看统计报表 see the monthly statistical reports"
    SUBMIT_REPORTS = "submit_reports", "报送统计报表 submit a monthly statistical report"
    APPROVE_REPORTS = "approve_reports", "审核统计报表 approve or return a child's report"
    MERGE_PEOPLE = "merge_people", "查找合并重复人员 find and merge duplicate records"
    RUN_BACKCHECKS = "run_backchecks", "抽样复核采集记录 draw and record back-checks"


R, A = Role, Action
_REGISTRY_WRITE = {A.REGISTER_PERSON, A.RECORD_RESIDENCE, A.MANAGE_FAMILY, A.MANAGE_HOUSING, A.MANAGE_EMPLOYER}
_READ = {A.VIEW_DASHBOARD, A.VIEW_PERSON, A.VIEW_SENSITIVE, A.VIEW_REGISTERS, A.EXPORT_REGISTERS}
# X1-X3: townships and counties send and answer; every level above watches deadlines (T3).
_EXCHANGE = {A.VIEW_EXCHANGE, A.HANDLE_EXCHANGE, A.HANDLE_CASES, A.VIEW_TIMELINESS}
_WATCH = {A.VIEW_EXCHANGE, A.VIEW_TIMELINESS}
# Issue 13: the police handle residence registration and permits; the family-planning roles that
# see persons learn only whether a permit exists.
_PERMIT_EXISTS = {A.VIEW_PERMIT_EXISTS}
# S1-S6: technical services are sensitive (contraception, pregnancy): only the family-planning
# roles that serve her see them (invariant 2); police and the query desk never do.
_SERVICES = {A.VIEW_SERVICES, A.HANDLE_SERVICES}

# C1-C6: villages help and verify with the township; the hukou township issues; the county watches
# the due lists. Police and the query desk never see certificates.
_CERT_SEE = {A.VIEW_CERTIFICATES}
_CERT_VERIFY = {A.VIEW_CERTIFICATES, A.VERIFY_CERTIFICATES}
_CERT_ALL = {A.VIEW_CERTIFICATES, A.VERIFY_CERTIFICATES, A.ISSUE_CERTIFICATES}
# C1, part 8 四: villages take certificate applications door to door (上门); the township issues.
_CERT_DOOR = {A.TAKE_CERTIFICATE_APPLICATIONS}

# T1: statistics are reported level by level: a village submits (its collector; the township for a
# village without staff, J3), its township approves or returns and submits its own, and so on up;
# the village cadre only views. Which report an actor may act on is the service's check (level).
_REPORT_VIEW = {A.VIEW_REPORTS}
_REPORT_SUBMIT = {A.VIEW_REPORTS, A.SUBMIT_REPORTS}
_REPORT_ALL = {A.VIEW_REPORTS, A.SUBMIT_REPORTS, A.APPROVE_REPORTS}

# role -> actions. Police see persons but never sensitive fields (invariant 2); the query desk
# answers outside requests through its own procedure (Q1-Q9), not by browsing the registry;
# auditors and administrators see no person data.
PERMISSIONS: dict[str, set[str]] = {
    R.VILLAGE_COLLECTOR: _READ | _REGISTRY_WRITE | _PERMIT_EXISTS | _CERT_VERIFY | _CERT_DOOR | _SERVICES | _REPORT_SUBMIT,
    R.VILLAGE_CADRE: _READ | _PERMIT_EXISTS | _CERT_SEE | _CERT_DOOR | {A.VIEW_SERVICES} | _REPORT_VIEW,
    R.TOWNSHIP_CLERK: _READ | _REGISTRY_WRITE | {A.MANAGE_GRIDS, A.MERGE_PEOPLE, A.RUN_BACKCHECKS} | _EXCHANGE | _PERMIT_EXISTS | _CERT_ALL | _SERVICES | _REPORT_ALL,
    R.TOWNSHIP_HEAD: _READ | {A.MANAGE_GRIDS, A.RUN_BACKCHECKS} | _EXCHANGE | _PERMIT_EXISTS | _CERT_ALL | _SERVICES | _REPORT_ALL,
    R.COUNTY_OFFICER: _READ | {A.MANAGE_GRIDS, A.APPROVE_QUERY_STATISTICS, A.MERGE_PEOPLE, A.RUN_BACKCHECKS} | _EXCHANGE | _PERMIT_EXISTS | _CERT_SEE | {A.VIEW_SERVICES} | _REPORT_ALL,
    R.CITY_OFFICER: {A.VIEW_DASHBOARD, A.VIEW_REGISTERS, A.EXPORT_REGISTERS, A.APPROVE_QUERY_STATISTICS} | _WATCH | _REPORT_ALL,
    R.PROVINCE_OFFICER: {A.VIEW_DASHBOARD, A.VIEW_REGISTERS, A.EXPORT_REGISTERS, A.APPROVE_QUERY_STATISTICS, A.PUBLISH_INSTITUTIONS} | _WATCH | _REPORT_ALL,
    R.NATION_OFFICER: {A.VIEW_DASHBOARD, A.VIEW_REGISTERS} | _WATCH | _REPORT_ALL,
    R.POLICE_OFFICER: {A.VIEW_DASHBOARD, A.VIEW_PERSON, A.REGISTER_PERSON, A.RECORD_RESIDENCE, A.MANAGE_HOUSING, A.MANAGE_EMPLOYER, A.VIEW_REGISTERS,
                       A.ANSWER_CONSENT, A.HANDLE_RESIDENCE, A.VIEW_PERMIT_EXISTS},
    R.QUERY_DESK: {A.TAKE_QUERIES},
    R.AUDITOR: {A.VIEW_AUDIT},
    R.ADMIN: {A.MANAGE_STAFF, A.MANAGE_DIVISIONS, A.MANAGE_GRIDS, A.PURGE_AUDIT, A.MANAGE_POLICY, A.MANAGE_CALENDAR},
}


def allowed(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, set())


def permission_table_markdown() -> str:
    roles = list(Role)
    head = "| action | " + " | ".join(r.value for r in roles) + " |"
    sep = "|---|" + "---|" * len(roles)
    rows = [head, sep]
    for action in Action:
        cells = ["✓" if allowed(r, action) else "" for r in roles]
        rows.append(f"| `{action.value}` {action.label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
