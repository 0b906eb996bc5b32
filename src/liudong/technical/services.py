"""S1-S6: every write of the technical services (invariant 1).

Each function takes the acting staff member (keyword `actor`) and the moment of the act (`now`,
invariant 4), checks the role (HANDLE_SERVICES, PUBLISH_INSTITUTIONS) and the place, reads every
field with the field kit and reports every bad one at once (invariant 7), writes in one
transaction with its audit event. Nothing here is sensitive to leak: a person outside the actor's
scope is the same field error as one that does not exist.
"""
import base64
import binascii
import datetime
import hashlib
import secrets

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.certificates.services import record_entry
from liudong.codes import Level, level_of_code
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames, parse_division
from liudong.errors import Invalid
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Topic
from liudong.identifiers import check_phone, row_id
from liudong.people.models import Person, Residence
from liudong.people.scope import persons as persons_in_scope

from . import node_slips
from .models import (
    Check,
    CheckItem,
    Confirmation,
    ConfirmationKind,
    DepartureAdvice,
    Distribution,
    DistributionPoint,
    Institution,
    Method,
    Origin,
    PointKind,
    Product,
    ReportCounter,
    Result,
    ReturneeVisit,
)

NOTES_MAX, NAME_MAX, ADDRESS_MAX = 2000, 100, 200
QUANTITY_MAX = 1000
CONFIRMATION_MAX_BYTES = 2 * 1024 * 1024
CONFIRMATION_TYPES = {
    # S5: a drawn signature is an image; a signed printed list comes back as a scan.
    ConfirmationKind.SIGNATURE: {"image/png", "image/jpeg"},
    ConfirmationKind.SIGNED_LIST: {"application/pdf", "image/png", "image/jpeg", "image/tiff"},
}
MAGIC = exchange.MAGIC
SCOPE = "人员不存在或不在您的管辖范围内 / no such person in your scope"
WOMEN_ONLY = "孕情、环情检查和妇女病普查只为妇女进行 / pregnancy and IUD checks and screening are for women"


def _label(choice) -> str:
    return str(choice.label).split(" ")[0]


def _township(actor, refusal: str) -> Division:
    """S2, S3: checks are organised, and reports received, by a township (乡镇、街道)."""
    require(actor, Action.HANDLE_SERVICES)
    if actor is None or actor.division.level != Level.TOWNSHIP:
        raise Invalid({"division": [refusal]})
    return actor.division


def find_person(raw, field: str, errors: dict, *, actor) -> Person | None:
    """A person of the actor's scope by her row id (`person_id`); else a field error that says
    nothing of what lies outside the scope."""
    pk = row_id(raw) if not isinstance(raw, bool) else None
    if raw in (None, ""):
        fields.add(errors, field, fields.REQUIRED)
        return None
    person = persons_in_scope(actor).select_related("hukou_division", "residence_division").filter(pk=pk).first() if pk else None
    if person is None:
        fields.add(errors, field, SCOPE)
    return person


def open_residence(person: Person) -> Residence | None:
    return Residence.objects.filter(person=person, left_on__isnull=True).order_by("-arrived_on", "-id").first()


def hukou_place(person: Person) -> Division | None:
    """S2 (1-五-(三)-4): the report goes to her hukou township; a record known only to the county
    goes to the county (which passes it on, B2)."""
    code = person.hukou_division_id
    if not code or level_of_code(code) < Level.COUNTY:
        return None
    if level_of_code(code) >= Level.TOWNSHIP:
        code = code[:9].ljust(12, "0")
    return Division.objects.filter(code=code).first()


def _items(data, errors) -> list[str]:
    raw = data.get("items")
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").split(",") if p.strip()]
    if not raw:
        fields.add(errors, "items", "请选择检查项目：孕情、环情或妇女病普查 / choose what was checked: pregnancy, iud or screening")
        return []
    if not isinstance(raw, (list, tuple)) or not all(isinstance(i, str) for i in raw):
        fields.add(errors, "items", "检查项目应为列表 / items must be a list")
        return []
    items = [i.strip() for i in raw]
    bad = sorted(set(items) - set(CheckItem.values))
    if bad:
        fields.add(errors, "items", f"未知项目 {', '.join(b[:20] for b in bad)}；可选 pregnancy、iud、screening / unknown items: choose pregnancy, iud or screening")
    return [i for i in CheckItem.values if i in items]


def _institution(data, errors, province_code: str | None, *, on: datetime.date | None) -> Institution | None:
    """S6: a check names a qualified institution published by the province where it was done."""
    raw = data.get("institution_id")
    if raw in (None, ""):
        return None
    pk = row_id(raw) if not isinstance(raw, bool) else None
    found = Institution.objects.filter(pk=pk).first() if pk else None
    if found is None:
        fields.add(errors, "institution_id", "没有这个技术服务机构 / no such institution")
    elif province_code and found.province_id != province_code:
        fields.add(errors, "institution_id", f"{found.name}不是本省公布的技术服务机构 / {found.name} is not published by this province")
    elif on is not None and (found.published_on > on or (found.withdrawn_on is not None and found.withdrawn_on <= on)):
        fields.add(errors, "institution_id", f"{on} 时{found.name}不在公布的机构名单上 / {found.name} was not on the published list on {on}")
    return found


def _next_report_number(township: Division, year: int) -> str:
    counter, _ = ReportCounter.objects.select_for_update().get_or_create(township=township, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{township.code[:9]}-{year}-{counter.last:05d}"


def report_text(check: Check, person: Person, township_name: str) -> str:
    items = "、".join(_label(CheckItem(i)) for i in check.items)
    where = check.institution.name if check.institution_id else (check.institution_text or "—")
    lines = [
        f"流动人口避孕节育情况报告单 {check.report_number}",
        f"姓名：{person.name}　身份证号：{person.id_number or person.document_number}",
        f"检查日期：{check.checked_on}　检查项目：{items}　结果：{_label(Result(check.result))}",
        f"检查机构：{where}",
    ]
    if check.method:
        lines.append(f"避孕方法：{_label(Method(check.method))}")
    if check.notes:
        lines.append(f"备注：{check.notes}")
    lines.append(f"出具单位：{township_name}")
    return "\n".join(lines)


@transaction.atomic
def record_check(*, actor, data: dict, now: datetime.datetime) -> Check:
    """S2: her residence township records a check done by a qualified institution (S6) and issues
    the numbered report slip, whose stub is this row; the report goes to her hukou township as a
    `contraception_report` message (1-五-(三)-3/4), which signs for and files it. She is never asked
    to go back to the hukou place for it (J4, 3-七): the check is recorded where she lives.
    `data`: person_id, checked_on, items (pregnancy, iud, screening), result, method,
    institution_id, notes."""
    township = _township(actor, "孕情、环情检查由现居住地乡镇（街道）组织登记 / checks are recorded by her residence township")
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person_id"), "person_id", errors, actor=actor)
    checked_on = fields.date(data, "checked_on", errors, required=True, today=today)
    items = _items(data, errors)
    result = fields.choice(data, "result", errors, choices=Result.values, required=True, invalid="结果应为 normal 或 abnormal / the result is normal or abnormal")
    method = fields.choice(data, "method", errors, choices=Method.values)
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    institution = _institution(data, errors, township.code[:2].ljust(12, "0"), on=checked_on)
    residence = None
    if person is not None:
        if not township.contains(person.residence_division_id):
            fields.add(errors, "person_id", "她现在不住在本乡镇（街道）：检查由她现居住地登记 / she does not live in your township now: her residence township records her checks")
        elif not person.floating:
            fields.add(errors, "person_id", "她不是流动人口：报告单只为流入已婚育龄妇女出具 / she is not a floating person: the report slip is for inflow women")
        else:
            residence = open_residence(person)
        if person.sex != "F" and items:
            fields.add(errors, "items", WOMEN_ONLY)
    if residence is not None and checked_on is not None and "checked_on" not in errors and checked_on < residence.arrived_on:
        fields.add(errors, "checked_on", f"检查日期早于她来本地居住的日期 {residence.arrived_on} / the check predates her arrival here ({residence.arrived_on})")
    place = hukou_place(person) if person is not None and "person_id" not in errors else None
    if person is not None and "person_id" not in errors and place is None:
        fields.add(errors, "person_id", "她的户籍地不明确（应至少具体到县级），报告单无法通报 / her hukou place is not known to county level: the report has nowhere to go")
    if errors:
        raise Invalid(errors)
    number = _next_report_number(township, today.year)
    check = Check(person=person, origin=Origin.RESIDENCE, division=township, village=residence.division_id, checked_on=checked_on,
                  result=result, method=method, institution=institution, notes=notes, report_number=number,
                  report_token=secrets.token_urlsafe(24), hukou_place=place, recorded_at=now, recorded_by=actor,
                  **{i: True for i in items})
    names = DivisionNames([township.code])
    body = report_text(check, person, names.full(township.code))
    message = exchange.send_message(actor=actor, data={
        "kind": Kind.CONTRACEPTION_REPORT, "topic": Topic.CONTRACEPTION, "receiver": place.code, "person": person.pk,
        "subject": f"流动人口避孕节育情况报告单 {number}：{person.name}", "body": body,
    }, now=now)
    check.message = message
    check.save()
    node_slips.check_recorded(check, now=now)  # issue 16: the slip itself to her hukou node, when another
    # C5 (1-四-(三)-3): the service is entered on her certificate, when she holds one that day.
    entry = record_entry(actor=actor, person=person, entered_on=checked_on, kind="check",
                         text=f"{'、'.join(_label(CheckItem(i)) for i in items)}：{_label(Result(result))}（报告单 {number}）", now=now)
    record(actor, "check.record", obj=check, person_id=person.pk, fields={
        "certificate_entry": entry.pk if entry is not None else None,
        "items": items, "result": result, "checked_on": str(checked_on), "report_number": number, "message": message.pk,
        "institution": institution.pk if institution else None, "hukou_place": place.code})
    return check


@transaction.atomic
def record_mailed_report(*, actor, data: dict, now: datetime.datetime) -> Check:
    """S3 (3-八-3): an outflow woman mails her check report back; her hukou township records it
    against her. `data`: person_id, checked_on, received_on, items, result, method,
    institution_text (where it was done), notes."""
    township = _township(actor, "寄回的报告单由户籍地乡镇（街道）登记 / mailed reports are recorded by her hukou township")
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person_id"), "person_id", errors, actor=actor)
    checked_on = fields.date(data, "checked_on", errors, required=True, today=today)
    received_on = fields.date(data, "received_on", errors, required=True, today=today)
    items = _items(data, errors)
    result = fields.choice(data, "result", errors, choices=Result.values, required=True, invalid="结果应为 normal 或 abnormal / the result is normal or abnormal")
    method = fields.choice(data, "method", errors, choices=Method.values)
    where = fields.text(data, "institution_text", errors, max_length=120)
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    if person is not None:
        if not township.contains(person.hukou_division_id):
            fields.add(errors, "person_id", "她的户籍不在本乡镇（街道） / she is not registered in your township")
        if person.sex != "F" and items:
            fields.add(errors, "items", WOMEN_ONLY)
    if checked_on and received_on and received_on < checked_on:
        fields.add(errors, "received_on", "收到日期早于检查日期 / received before the check was done")
    if errors:
        raise Invalid(errors)
    check = Check.objects.create(person=person, origin=Origin.MAILED, division=township, village=person.residence_division_id or "",
                                 checked_on=checked_on, received_on=received_on, result=result, method=method, institution_text=where,
                                 notes=notes, recorded_at=now, recorded_by=actor, **{i: True for i in items})
    record(actor, "check.mailed", obj=check, person_id=person.pk, fields={"items": items, "result": result, "checked_on": str(checked_on), "received_on": str(received_on)})
    return check


@transaction.atomic
def record_departure_advice(*, actor, data: dict, now: datetime.datetime) -> DepartureAdvice:
    """S3 (1-四-(三)-1/2): before she leaves, her hukou township helps her choose a method and
    tells her to attend the checks where she will live. `data`: person_id, advised_on, method,
    told_to_attend_checks, notes."""
    township = _township(actor, "外出前的指导由户籍地乡镇（街道）登记 / advice before leaving is recorded by her hukou township")
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person_id"), "person_id", errors, actor=actor)
    advised_on = fields.date(data, "advised_on", errors, required=True, today=local_day(now))
    method = fields.choice(data, "method", errors, choices=Method.values, required=True,
                           missing="请填写她选择的避孕方法 / which method did she choose?", invalid=f"避孕方法应为 {', '.join(Method.values)} / method must be one of {', '.join(Method.values)}")
    told = fields.flag(data, "told_to_attend_checks")
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    if not told:
        fields.add(errors, "told_to_attend_checks", "请告知她按时参加现居住地的孕情、环情检查，并勾选此项 / tell her to attend the checks where she will live, and tick this")
    if person is not None:
        if not township.contains(person.hukou_division_id):
            fields.add(errors, "person_id", "她的户籍不在本乡镇（街道） / she is not registered in your township")
        elif person.sex != "F":
            fields.add(errors, "person_id", "外出前避孕节育指导登记在已婚育龄妇女名下 / the advice is recorded for the woman")
    if errors:
        raise Invalid(errors)
    advice = DepartureAdvice.objects.create(person=person, division=township, advised_on=advised_on, method=method, told_to_attend_checks=told,
                                            notes=notes, recorded_at=now, recorded_by=actor)
    record(actor, "services.advice", obj=advice, person_id=person.pk, fields={"method": method, "advised_on": str(advised_on)})
    return advice


@transaction.atomic
def record_returnee_visit(*, actor, data: dict, now: datetime.datetime) -> ReturneeVisit:
    """S3 (3-八-3): a woman back at her hukou place gets a follow-up visit; it clears her from the
    to-do list (queries.returnees_due). `data`: person_id, visited_on, notes."""
    township = _township(actor, "返乡随访由户籍地乡镇（街道）登记 / returnee visits are recorded by her hukou township")
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person_id"), "person_id", errors, actor=actor)
    visited_on = fields.date(data, "visited_on", errors, required=True, today=local_day(now))
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    back = None
    if person is not None:
        back = open_residence(person)
        if back is None or back.start_kind != "return" or not township.contains(back.division_id):
            fields.add(errors, "person_id", "她没有返回本乡镇（街道）的记录 / she has no return to your township on record")
            back = None
    if back is not None and visited_on is not None and visited_on < back.arrived_on:
        fields.add(errors, "visited_on", f"随访日期早于她返回的日期 {back.arrived_on} / the visit predates her return ({back.arrived_on})")
    if errors:
        raise Invalid(errors)
    visit = ReturneeVisit.objects.create(person=person, residence=back, division=township, visited_on=visited_on, notes=notes, recorded_at=now, recorded_by=actor)
    record(actor, "services.returnee_visit", obj=visit, person_id=person.pk, fields={"visited_on": str(visited_on)})
    return visit


# ---------------------------------------------------------------- S1 distribution points, S6 institutions

@transaction.atomic
def add_distribution_point(*, actor, data: dict, now: datetime.datetime) -> DistributionPoint:
    """S1 (1-五-(三)-2): a township sets up a distribution point or a vending machine where
    migrants gather. `data`: kind (point | machine), name, address, village, opened_on."""
    township = _township(actor, "发放点由乡镇（街道）设置 / distribution points are set up by a township")
    errors: dict[str, list[str]] = {}
    kind = fields.choice(data, "kind", errors, choices=PointKind.values, required=True, invalid="类型应为 point 或 machine / kind is point or machine")
    name = fields.text(data, "name", errors, max_length=NAME_MAX, required=True)
    address = fields.text(data, "address", errors, max_length=ADDRESS_MAX, required=True)
    village = parse_division(data, "village", errors, required=False, actor=actor)
    if village is not None and village.level != Level.VILLAGE:
        fields.add(errors, "village", "请填写村（居）级代码 / give a village code")
    opened_on = fields.date(data, "opened_on", errors, required=True, today=local_day(now))
    if errors:
        raise Invalid(errors)
    point = DistributionPoint.objects.create(township=township, village=village, kind=kind, name=name, address=address, opened_on=opened_on, created_by=actor)
    record(actor, "services.point", obj=point, fields={"kind": kind, "name": name})
    return point


@transaction.atomic
def publish_institution(*, actor, data: dict, now: datetime.datetime) -> Institution:
    """S6 (1-六-(一)-6): a province publishes a qualified institution (name, address, phone).
    `data`: name, address, phone, division (where it is, inside the province), published_on."""
    require(actor, Action.PUBLISH_INSTITUTIONS)
    errors: dict[str, list[str]] = {}
    name = fields.text(data, "name", errors, max_length=120, required=True)
    address = fields.text(data, "address", errors, max_length=ADDRESS_MAX, required=True)
    phone = fields.text(data, "phone", errors, max_length=20, required=True)
    if phone and "phone" not in errors:
        try:
            phone = check_phone(phone)
        except ValueError as e:
            fields.add(errors, "phone", str(e))
    if actor is not None and actor.division.level != Level.PROVINCE:
        errors["division"] = ["技术服务机构名单由省公布 / a province publishes its institutions"]
    division = parse_division(data, "division", errors, required=actor is None, actor=actor)
    published_on = fields.date(data, "published_on", errors, today=local_day(now)) or local_day(now)
    if errors:
        raise Invalid(errors)
    province = actor.division if actor is not None else Division.objects.get(code=division.code[:2].ljust(12, "0"))
    found = Institution.objects.create(province=province, division=division, name=name, address=address, phone=phone, published_on=published_on, created_by=actor)
    record(actor, "services.institution", obj=found, fields={"name": name, "province": province.code})
    return found


# ---------------------------------------------------------------- S5 distributions

def read_file(raw, errors: dict, field: str = "confirmation"):
    """{name, content_type, data (base64)} or an uploaded file -> (name, content_type, bytes)."""
    if raw is None:
        return None
    if hasattr(raw, "read"):
        name, content_type, blob = getattr(raw, "name", "") or "scan", str(getattr(raw, "content_type", "") or ""), raw.read()
    elif isinstance(raw, dict):
        name, content_type = str(raw.get("name") or "scan")[:200], str(raw.get("content_type") or "")
        try:
            blob = base64.b64decode(str(raw.get("data") or ""), validate=False)
        except (binascii.Error, ValueError):
            fields.add(errors, field, "文件内容不是有效的 base64 / the file's data is not valid base64")
            return None
    else:
        fields.add(errors, field, "应为文件 {name, content_type, data} / a file {name, content_type, data}")
        return None
    return name, content_type.split(";")[0].strip().lower(), blob


@transaction.atomic
def record_distribution(*, actor, data: dict, now: datetime.datetime, confirmation_file=None) -> Distribution:
    """S5 (part 11: 当场进行登记造册并签字): contraceptives handed out to a woman or man of the
    actor's area, confirmed by the recipient: a signature drawn on a tablet (an image) or a signed
    printed list scanned back (one scan may confirm several rows: `confirmation_id`). Without a
    confirmation nothing is written. `data`: person_id, distributed_on, product, quantity,
    point_id, confirmation_kind, confirmation_id, notes."""
    require(actor, Action.HANDLE_SERVICES)
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person_id"), "person_id", errors, actor=actor)
    distributed_on = fields.date(data, "distributed_on", errors, required=True, today=local_day(now))
    product = fields.choice(data, "product", errors, choices=Product.values, required=True,
                            invalid=f"药具应为 {', '.join(Product.values)} / product must be one of {', '.join(Product.values)}")
    quantity = data.get("quantity")
    if isinstance(quantity, bool) or not (isinstance(quantity, int) or (isinstance(quantity, str) and quantity.strip().isdigit())) or not 1 <= int(quantity) <= QUANTITY_MAX:
        fields.add(errors, "quantity", f"数量应为1到{QUANTITY_MAX}的整数 / quantity is a whole number from 1 to {QUANTITY_MAX}")
        quantity = None
    else:
        quantity = int(quantity)
    notes = fields.text(data, "notes", errors, max_length=200)
    point = None
    if data.get("point_id") not in (None, ""):
        pk = row_id(data.get("point_id"))
        point = DistributionPoint.objects.filter(pk=pk).first() if pk else None
        if point is None or not (actor is None or actor.in_scope(point.township_id) or point.township.contains(actor.division_id)):
            fields.add(errors, "point_id", "没有这个发放点 / no such distribution point")
            point = None
    village = None
    if person is not None:
        code = person.residence_division_id
        if not code or not (actor is None or actor.in_scope(code)):
            fields.add(errors, "person_id", "领取人不住在您的辖区 / the recipient does not live in your area")
        elif level_of_code(code) < Level.VILLAGE:
            fields.add(errors, "person_id", "领取人的居住地只登记到乡镇，请先补全到村（居） / her residence is known only to the township: record the village first")
        else:
            village = Division.objects.get(code=code)
    kind = fields.choice(data, "confirmation_kind", errors, choices=ConfirmationKind.values, required=True,
                         missing="发放须有领取人确认：手写签名图片或签字名单扫描件 / a distribution needs the recipient's confirmation: a drawn signature or a scanned signed list",
                         invalid="确认方式应为 signature 或 signed_list / confirmation_kind is signature or signed_list")
    confirmation = None
    if data.get("confirmation_id") not in (None, ""):
        pk = row_id(data.get("confirmation_id"))
        confirmation = Confirmation.objects.filter(pk=pk, kind=ConfirmationKind.SIGNED_LIST).first() if pk else None
        if confirmation is None or not (actor is None or actor.in_scope(confirmation.division_id)):
            fields.add(errors, "confirmation_id", "没有这份签字名单扫描件（只有签字名单可用于多行） / no such scanned signed list (only a list confirms several rows)")
            confirmation = None
        elif kind and kind != ConfirmationKind.SIGNED_LIST:
            fields.add(errors, "confirmation_kind", "沿用的确认应为签字名单 / a reused confirmation is a signed list")
        if confirmation_file is not None:
            fields.add(errors, "confirmation", "已沿用签字名单，不需再上传 / a signed list is reused: upload nothing")
    elif confirmation_file is None:
        fields.add(errors, "confirmation", "发放须有领取人确认：上传手写签名图片或签字名单扫描件 / a distribution needs the recipient's confirmation: upload the drawn signature or the scanned signed list")
    upload = read_file(confirmation_file, errors) if confirmation_file is not None and confirmation is None else None
    if upload is not None and kind in CONFIRMATION_TYPES:
        name, content_type, blob = upload
        if content_type not in CONFIRMATION_TYPES[kind]:
            allowed = "PNG、JPEG" if kind == ConfirmationKind.SIGNATURE else "PDF、PNG、JPEG、TIFF"
            fields.add(errors, "confirmation", f"{name[:40]}：只接受 {allowed} / only {allowed.replace('、', ', ')}")
        elif not blob or len(blob) > CONFIRMATION_MAX_BYTES:
            fields.add(errors, "confirmation", f"{name[:40]}：文件为空或超过 2 MB / empty or larger than 2 MB")
        elif not blob.startswith(MAGIC[content_type]):
            fields.add(errors, "confirmation", f"{name[:40]}：文件内容不是所标明的 {content_type} 格式 / the file is not the {content_type} it claims to be")
    if errors:
        raise Invalid(errors)
    if confirmation is None:
        name, content_type, blob = upload
        confirmation = Confirmation.objects.create(kind=kind, name=name, content_type=content_type, size=len(blob), sha256=hashlib.sha256(blob).hexdigest(),
                                                   data=blob, division_id=village.code, uploaded_at=now, uploaded_by=actor)
    row = Distribution.objects.create(person=person, village=village, point=point, distributed_on=distributed_on, product=product, quantity=quantity,
                                      confirmation=confirmation, notes=notes, recorded_at=now, recorded_by=actor)
    record(actor, "distribution.record", obj=row, person_id=person.pk, fields={
        "product": product, "quantity": quantity, "distributed_on": str(distributed_on), "confirmation": confirmation.pk, "confirmation_kind": confirmation.kind})
    return row

