"""Tokens, the caller's own account, staff accounts and the audit log (J3, invariants 1 and 3)."""
import datetime

from ninja import Field, Query, Router, Schema, Status

from liudong.api_schemas import ERRORS, DetailOut, ErrorsOut, QueryDate, QueryInt, Text

from . import audit as audit_log
from .choices import PERMISSIONS, Role
from .login import log_in
from .staff import add_staff as add_staff_account
from .tokens import issue_token

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(json_schema_extra={"maxLength": 150})
    password: str


class TokenOut(Schema):
    token: str = Field(description="在 Authorization: Bearer TOKEN 中发送 / send as Authorization: Bearer TOKEN")


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: DetailOut, 422: ErrorsOut})
def token(request, payload: TokenIn):
    """A bearer token for a username and password. Wrong credentials, and a name locked out after
    repeated failures, answer 401 with the reason."""
    staff, error = log_in(request, payload.username, payload.password)
    if staff is None:
        return Status(401, {"detail": error})
    return {"token": issue_token(staff)}


class MeOut(Schema):
    username: str
    role: str
    division: str
    division_name: str
    permissions: list[str]


@router.get("/me", response={200: MeOut, 401: DetailOut})
def me(request):
    """Who the token belongs to and what the role may do."""
    s = request.auth
    return {"username": s.username, "role": s.role, "division": s.division_id, "division_name": s.division.name,
            "permissions": sorted(a for a in PERMISSIONS.get(s.role, ()) if s.is_active)}


class StaffIn(Schema):
    username: str = Text("用户名 / username", 150, required=True)
    role: str = Text("角色 / role", required=True, enum=list(Role.values))
    division: str = Text("所属区划代码 / division code the account acts for", 12, required=True)
    password: str = Text("初始密码（至少10位） / initial password (10 characters at least)", required=True)
    full_name: str | None = Text("姓名 / full name", 150)


class StaffOut(Schema):
    id: int
    username: str
    role: str
    division: str


@router.post("/staff", response={201: StaffOut, **ERRORS})
def add_staff(request, payload: StaffIn):
    """Administrators: add a staff account in their area (J3)."""
    s = add_staff_account(actor=request.auth, username=payload.username, role=payload.role, division_code=payload.division,
                           password=payload.password, full_name=payload.full_name or "")
    return Status(201, {"id": s.id, "username": s.username, "role": s.role, "division": s.division_id})


class AuditQuery(Schema):
    person: QueryInt = Field(None, description="人员编号 / person id")
    actor: str = Field("", description="工作人员用户名 / staff username")
    action: str = Field("", description="例如 person.view / e.g. person.view")
    since: QueryDate = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class AuditOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    object: str = Field(description="类型:编号 / type:id")
    person: int | None
    fields: dict
    reason: str
    division: str


class AuditPage(Schema):
    count: int
    results: list[AuditOut]


@router.get("/audit", response={200: AuditPage, **ERRORS})
def audit(request, q: Query[AuditQuery]):
    """Auditors: who did or opened what, when (invariant 3)."""
    qs = audit_log.events(request.auth, person_id=q.person, actor_name=q.actor, action=q.action, since=q.since)
    rows = qs[q.offset: q.offset + q.limit]
    return {
        "count": qs.count(),
        "results": [
            {"at": e.at, "actor": e.actor_name, "action": e.action, "object": f"{e.object_type}:{e.object_id}", "person": e.person_id,
             "fields": e.fields_for_auditor, "reason": e.reason, "division": e.division_code}
            for e in rows
        ],
    }
