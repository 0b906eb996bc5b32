"""R3 (part 11): the certificate register (婚育证明登记表) and the cards, as printable views of the
registry. The seed gives no columns for the cards: their fields are chosen here, in one place,
from what the registry holds (people.models.Person, Residence, and the certificates):

- information collection card (计划生育信息采集卡): one card per floating woman of childbearing age;
- 18-49 floating population card (18-49岁流动人口管理卡): a catalogue per village, by category
  (inflow: living there from elsewhere; outflow: registered there, living elsewhere);
- card of women of childbearing age (育龄妇女管理卡): cleared every quarter (the card is of the
  quarter of the day asked), kept 3 years then retired (women who left within the last 3 years
  stay on it, marked; earlier ones are retired).

Reads of people go through people.scope (invariant 2); printing is logged with every person on
the page (invariant 3) by the caller (documents).
"""
import dataclasses
import datetime

from liudong.divisions.queries import DivisionNames
from liudong.people import scope
from liudong.people.choices import MoveReason, Sex
from liudong.people.models import Person, Residence

from . import rules
from .models import Certificate, State, Status

CARD_KEEP_YEARS = 3   # part 11: 卡片保存三年 (the seed's number for the women's card)
ADULT_MIN, ADULT_MAX = 18, 49  # R3: the 18-49 card, by its name

# The fields of each card, in one place: (key, Chinese heading).
REGISTER_FIELDS = [("number", "证明编号"), ("name", "姓名"), ("birth", "出生日期"), ("id_number", "公民身份号码"), ("marital", "婚姻状况"),
                   ("issued_on", "发证日期"), ("valid_until", "有效期至"), ("applicant", "申请方式"), ("state", "状态"), ("link", "换发/补办自"),
                   ("residence", "现居住地")]
COLLECTION_FIELDS = [("name", "姓名"), ("sex", "性别"), ("birth", "出生日期"), ("id_number", "公民身份号码"), ("ethnicity", "民族"),
                     ("education", "文化程度"), ("marital", "婚姻状况"), ("hukou", "户籍地"), ("residence", "现居住地址"), ("arrived_on", "流入时间"),
                     ("reason", "流动原因"), ("certificate", "婚育证明"), ("verified", "最近查验")]
FLOATING_FIELDS = [("category", "类别"), ("name", "姓名"), ("sex", "性别"), ("age", "年龄"), ("id_number", "公民身份号码"), ("marital", "婚姻状况"),
                   ("place", "户籍地/现居住地"), ("since", "流入/流出时间")]
WOMEN_FIELDS = [("name", "姓名"), ("birth", "出生日期"), ("id_number", "公民身份号码"), ("marital", "婚姻状况"), ("spouse", "配偶"),
                ("childbearing", "生育状况"), ("contraception", "避孕节育"), ("certificate", "证明编号"), ("valid_until", "有效期至"),
                ("verified", "最近查验"), ("kept", "备注")]

CARD_TITLES = {"collection": "计划生育信息采集卡", "floating_18_49": "18-49岁流动人口管理卡", "women": "育龄妇女管理卡"}
CARD_FIELDS = {"collection": COLLECTION_FIELDS, "floating_18_49": FLOATING_FIELDS, "women": WOMEN_FIELDS}


@dataclasses.dataclass
class Table:
    title: str
    subtitle: str
    columns: list[str]
    rows: list[list[str]]
    person_ids: list[int]


def _label(choice_value, choices) -> str:
    return str(dict(choices).get(choice_value, "")).split(" ")[0] if choice_value else ""


def _day(d) -> str:
    return d.isoformat() if d else ""


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _state_label(cert: Certificate, on: datetime.date) -> str:
    return str(dict(State.choices)[cert.state_on(on)]).split(" ")[0]


def certificate_register(*, actor, division, year: int, on: datetime.date) -> Table:
    """R3: the certificate register of a township (its certificates issued in a year)."""
    from .queries import _visible
    from liudong.divisions.queries import in_range

    certs = list(_visible(actor).filter(in_range("township_id", division.code), year=year).select_related("person").order_by("township_id", "sequence"))
    names = DivisionNames([c.person.residence_division_id for c in certs if c.person.residence_division_id])
    rows = []
    for c in certs:
        link = c.renewed_from.number if c.renewed_from_id else (c.reissued_from.number if c.reissued_from_id else "")
        values = {"number": c.number, "name": c.name, "birth": _day(c.birth_date), "id_number": c.id_number, "marital": c.marital_status,
                  "issued_on": _day(c.issued_on), "valid_until": "长期有效" if c.long_term_on(on) else _day(c.valid_until),
                  "applicant": "家属代办" if c.applicant == "family" else "本人", "state": _state_label(c, on), "link": link,
                  "residence": names.name(c.person.residence_division_id) if c.person.residence_division_id else ""}
        rows.append([values[k] for k, _ in REGISTER_FIELDS])
    return Table("婚育证明登记表", f"{DivisionNames([division.code]).full(division.code)}　{year}年　（打印日期 {on}）",
                 [h for _, h in REGISTER_FIELDS], rows, [c.person_id for c in certs])


def _current_cert(person_ids, on):
    from .queries import current_certificates

    return current_certificates(person_ids, on)


def card(*, actor, kind: str, division, on: datetime.date) -> Table:
    """R3: one of the cards of a village (or any division) on a day."""
    code = division.code
    full = DivisionNames([code]).full(code)
    if kind == "floating_18_49":
        return _floating_card(actor, code, full, on)
    bounds = rules.birth_bounds(code, on)
    women = scope.persons(actor).filter(scope.lives_in(code), floating=True, sex=Sex.FEMALE)
    if bounds is not None:
        women = women.filter(birth_date__range=bounds)
    women = list(women.order_by("name_key", "id")[:5000])
    ids = [w.pk for w in women]
    certs = _current_cert(ids, on)
    opened = {r.person_id: r for r in Residence.objects.filter(person_id__in=ids, left_on__isnull=True)}
    names = DivisionNames([w.hukou_division_id for w in women])
    rows = []
    if kind == "collection":
        for w in women:
            c, r = certs.get(w.pk), opened.get(w.pk)
            values = {"name": w.name, "sex": _label(w.sex, Sex.choices), "birth": _day(w.birth_date), "id_number": w.id_number or w.document_number,
                      "ethnicity": w.get_ethnicity_display(), "education": _label(w.education, Person._meta.get_field("education").choices),
                      "marital": _label(w.marital_status, Person._meta.get_field("marital_status").choices), "hukou": names.full(w.hukou_division_id),
                      "residence": r.address if r else "", "arrived_on": _day(r.arrived_on) if r else "",
                      "reason": _label(r.reason, MoveReason.choices) if r else "",
                      "certificate": f"{c.number}（{_state_label(c, on)}）" if c else "无", "verified": _day(c.last_verified_on) if c else ""}
            rows.append([values[k] for k, _ in COLLECTION_FIELDS])
        subtitle = f"{full}　{on}"
    else:  # women
        year, q = quarter_of(on)
        retired_before = rules.add_years(on, -CARD_KEEP_YEARS)
        left = list(Residence.objects.filter(in_residence_range(code), left_on__gte=retired_before, left_on__lte=on, floating=True)
                    .exclude(person_id__in=ids).select_related("person").order_by("left_on")[:2000])
        for w in women:
            c = certs.get(w.pk)
            rows.append(_woman_row(w, c, on, ""))
        for r in left:
            if r.person.sex != Sex.FEMALE:
                continue
            rows.append(_woman_row(r.person, None, on, f"{r.left_on} 离开，保留至 {rules.add_years(r.left_on, CARD_KEEP_YEARS)}"))
        ids += [r.person_id for r in left]
        subtitle = f"{full}　{year}年第{q}季度清理（卡片保存{CARD_KEEP_YEARS}年）"
    return Table(CARD_TITLES[kind], subtitle, [h for _, h in CARD_FIELDS[kind]], rows, ids)


def in_residence_range(code: str):
    from liudong.divisions.queries import in_range

    return in_range("division_id", code)


def _woman_row(w, c, on, kept: str) -> list[str]:
    spouse = w.family_links.filter(relation="spouse").select_related("relative").first()
    children = w.family_links.filter(relation="child").count()
    values = {"name": w.name, "birth": _day(w.birth_date), "id_number": w.id_number or w.document_number,
              "marital": _label(w.marital_status, Person._meta.get_field("marital_status").choices), "spouse": spouse.relative.name if spouse else "",
              "childbearing": f"子女{children}个" if children else "未生育", "contraception": c.contraception if c else "",
              "certificate": c.number if c else "无", "valid_until": ("长期有效" if c.long_term_on(on) else _day(c.valid_until)) if c else "",
              "verified": _day(c.last_verified_on) if c else "", "kept": kept}
    return [values[k] for k, _ in WOMEN_FIELDS]


def _floating_card(actor, code, full, on) -> Table:
    low = rules.add_years(on, -(ADULT_MAX + 1)) + rules.ONE_DAY
    high = rules.add_years(on, -ADULT_MIN)
    inflow = list(scope.persons(actor).filter(scope.lives_in(code), floating=True, birth_date__range=(low, high)).order_by("name_key", "id")[:5000])
    outflow = list(scope.persons(actor).filter(scope.registered_in(code), floating=True, birth_date__range=(low, high)).order_by("name_key", "id")[:5000])
    ids = [p.pk for p in inflow + outflow]
    opened = {r.person_id: r for r in Residence.objects.filter(person_id__in=ids, left_on__isnull=True)}
    names = DivisionNames([p.hukou_division_id for p in inflow] + [p.residence_division_id for p in outflow if p.residence_division_id])
    rows = []
    for category, people, place in (("流入", inflow, lambda p: names.full(p.hukou_division_id)),
                                    ("流出", outflow, lambda p: names.full(p.residence_division_id) if p.residence_division_id else "")):
        for p in people:
            r = opened.get(p.pk)
            values = {"category": category, "name": p.name, "sex": _label(p.sex, Sex.choices), "age": str(rules.age_on(p.birth_date, on)),
                      "id_number": p.id_number or p.document_number, "marital": _label(p.marital_status, Person._meta.get_field("marital_status").choices),
                      "place": place(p), "since": _day(r.arrived_on) if r else ""}
            rows.append([values[k] for k, _ in FLOATING_FIELDS])
    return Table(CARD_TITLES["floating_18_49"], f"{full}　{on}　（按类别：流入、流出）", [h for _, h in FLOATING_FIELDS], rows, ids)
