from django.utils import timezone
from ninja import Router, Schema

from liudong.errors import NotFound

from . import services
from .choices import Action
from .models import AuditEvent
from .services import require

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: dict})
def token(request, payload: TokenIn):
    staff, error = services.log_in(request, payload.username, payload.password)
    if staff is None:
        return 401, {"detail": error}
    return {"token": services.issue_token(staff)}


@router.get("/audit")
def audit(request, person: int | None = None, actor: str | None = None, action: str | None = None, limit: int = 100, offset: int = 0):
    """Auditors: who did or opened what, when (invariant 3)."""
    require(request.auth, Action.VIEW_AUDIT)
    qs = AuditEvent.objects.all()
    if person is not None:
        qs = qs.filter(person_id=person)
    if actor:
        qs = qs.filter(actor_name=actor)
    if action:
        qs = qs.filter(action=action)
    limit = max(1, min(limit, 500))
    rows = qs.order_by("-at", "-id")[max(offset, 0): max(offset, 0) + limit]
    return {
        "count": qs.count(),
        "results": [
            {"at": e.at.isoformat(), "actor": e.actor_name, "action": e.action, "object": f"{e.object_type}:{e.object_id}", "person": e.person_id, "fields": e.fields, "division": e.division_code}
            for e in rows
        ],
    }
