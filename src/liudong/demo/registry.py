"""The demo's part of the registry rules of issue 8, so that the pages show them:

- J2 (2009 条例 第二条): people from another district of 深圳 living in 南山区, and short stays (a
  family visit, medical treatment, tourism, a business trip) with a return expected: recorded like
  everyone, not floating;
- R5 (system default after 国发〔2016〕13号): children of outflow parents whose other parent is also
  away, at home and caring, or at home and unable to care (recorded on the family link);
  elderly with a child living in their own community besides the children away;
- T2: inflow married women of childbearing age who gave birth this year (part 10's births figure),
  their babies registered by the community's collector and linked by the street's clerk;
- R2: clean-up checks (清理查验) within the last quarter for half of 南头街道's open inflow records,
  by their community's collector, so that the follow-up to-do lists the rest.

Every write goes through the services, like the rest of the world (world.py calls these).
"""
import datetime

from liudong.divisions.models import Division
from liudong.people.choices import Relation, VisitResult
from liudong.people.models import Person, Residence
from liudong.people.scope import lives_in
from liudong.people.services import link_family, record_arrival, register_person
from liudong.people.services_visits import record_visit, set_parent_unable_to_care

from .data import COMMUNITY_NAME, ROADS, STREETS

NANSHAN = "440305000000"
SHORT_STAY_REASONS = ("visit", "medical", "tourism", "trip")
# R2 visits: half of 南头街道's open inflow records older than a quarter (the demo's main logins work
# there; each visit is a service call of a few ms, so the whole district would add seconds).
VISITED_STREET = "440305001"
VISITED_SHARE = 0.5
VISIT_WITHIN_DAYS = 85       # visits fall within the last quarter
CORRECTED_SHARE = 0.1


def sizes(n: int, children: int, elderly: int) -> dict:
    """The people these add, out of the world's n (world.sizes takes them from the inflow)."""
    return {
        "same_city": max(1, round(n * 0.02)), "short_stay": max(1, round(n * 0.01)),
        "home_parents": sum(1 for i in range(children) if second_parent_kind(i) in ("caring", "unable")),
        "home_kids": sum(1 for i in range(elderly) if i % 5 == 0),
        "babies": max(1, round(n * 0.002)),
    }


# The other parent of the i-th child, in a cycle of 20: none recorded (8), away too (4), at home and
# caring (5), at home and unable to care (3); interleaved so that a small demo has each kind.
SECOND_PARENTS = ("none", "caring", "away", "unable", "none", "caring", "none", "away", "caring", "none",
                  "unable", "none", "caring", "away", "none", "caring", "none", "away", "unable", "none")


def second_parent_kind(i: int) -> str:
    return SECOND_PARENTS[i % len(SECOND_PARENTS)]


def j2_rows(world):
    """J2: rows of people recorded in 南山区 who are not floating."""
    rng = world.rng
    districts = list(Division.objects.filter(level=3, code__startswith="4403").exclude(code="440305000000").order_by("code").values_list("code", "name"))
    for _ in range(world.sizes["same_city"]):
        code, name = rng.choice(districts)
        row = world._person(hukou=code, area6=code[:6], hukou_address=f"广东省深圳市{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号", province="44",
                            birth=world._birth(20, 55))
        birth = _birth_of(row)
        yield {**row, **world._inflow_residence(row, birth)}
    world.counts["深圳其他区户籍、居住在南山区（不计流动人口） same-city residents, not floating"] = world.sizes["same_city"]
    for _ in range(world.sizes["short_stay"]):
        province = rng.choices(world.hukou_provinces, weights=world.hukou_weights)[0]
        county, county_name = rng.choice(world.counties_by_province[province])
        row = world._person(hukou=county, area6=county[:6], hukou_address=f"{world.province_names.get(province, '')}{county_name}城关镇{rng.randint(1, 60)}号",
                            province=province, birth=world._birth(20, 75))
        res = world._inflow_residence(row, _birth_of(row), arrived=world.today - datetime.timedelta(days=rng.randint(0, 60)))
        res.pop("employer_id", None)
        res.update(reason=rng.choice(SHORT_STAY_REASONS), expects_return=True, intended_stay=rng.choice(["lt1m", "1to6m"]))
        yield {**row, **res}
    world.counts["短期居住、预期返回（不计流动人口） short stays, not floating"] = world.sizes["short_stay"]


def second_parent_row(world, i: int, child: dict, child_birth: datetime.date, parent, outflow_people):
    """R5: the i-th child's other parent: a row to import when she or he lives at home (else
    None), with the links recorded on the world (world.family, world.unable)."""
    kind = second_parent_kind(i)
    number, parent_birth, code, _name, male = parent
    latest = datetime.date(child_birth.year - 18, child_birth.month, 28 if child_birth.month == 2 else child_birth.day)
    if kind == "away":
        others = [p for p in outflow_people if p[2] == code and p[0] != number and p[4] != male and p[1] <= latest]
        if others:
            world.family.append((world.rng.choice(others)[0], child["id_number"]))
        return None
    if kind == "none":
        return None
    rng = world.rng
    birth = min(parent_birth + datetime.timedelta(days=rng.randint(-1500, 1500)), latest)
    address = f"广东省深圳市南山区{STREETS[code[:9]]}{COMMUNITY_NAME[code]}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    row = world._person(hukou=code, area6="440305", hukou_address=address, province="44", birth=birth, male=not male)
    row.update(division=code, address=address[len("广东省深圳市南山区"):], arrived_on=birth)
    world.family.append((row["id_number"], child["id_number"]))
    if kind == "unable":
        world.unable.append((child["id_number"], row["id_number"]))
    return row


def home_kid_row(world, elder: dict, elder_birth: datetime.date, code: str):
    """R5: a grown child of an elder living in the elder's own community: the elder is then not
    empty-nest, whatever the children away."""
    rng = world.rng
    birth = min(elder_birth + datetime.timedelta(days=365 * rng.randint(22, 35)), world.today - datetime.timedelta(days=365 * 18))
    address = f"广东省深圳市南山区{STREETS[code[:9]]}{COMMUNITY_NAME[code]}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    row = world._person(hukou=code, area6="440305", hukou_address=address, province="44", birth=birth)
    row.update(division=code, address=address[len("广东省深圳市南山区"):], arrived_on=birth)
    world.family.append((elder["id_number"], row["id_number"]))
    return row


def mark_unable(world):
    """R5: the parents at home who cannot care for the child, recorded by the street's clerk."""
    ids = world._ids({n for pair in world.unable for n in pair})
    people = Person.objects.in_bulk([ids[c] for c, _ in world.unable if c in ids])
    n = 0
    for child_number, parent_number in world.unable:
        child = people.get(ids.get(child_number))
        if child is None or parent_number not in ids:
            continue
        set_parent_unable_to_care(actor=world.clerks[child.hukou_division_id[:9]], person=child, relative_id=ids[parent_number], unable=True)
        n += 1
    world.counts["父母一方在家但无监护能力 parents at home unable to care"] = n


def visits(world):
    """R2: a clean-up check within the last quarter for half of 南头街道's open inflow records that
    are older than a quarter, by the community's collector; a tenth corrected a detail."""
    rng = world.rng
    today = world.today
    quarter_ago = today - datetime.timedelta(days=VISIT_WITHIN_DAYS + 7)
    records = list(Residence.objects.filter(division_id__gte=VISITED_STREET + "000", division_id__lte=VISITED_STREET + "999", left_on__isnull=True, floating=True, arrived_on__lte=quarter_ago)
                   .order_by("id").values_list("person_id", "division_id"))
    n = 0
    for person_id, division in records:
        if rng.random() >= VISITED_SHARE or division not in world.collectors:
            continue
        day = today - datetime.timedelta(days=rng.randint(0, VISIT_WITHIN_DAYS))
        data = {"visited_on": day}
        if rng.random() < CORRECTED_SHARE:
            data.update(result=VisitResult.CORRECTED, note=rng.choice(["联系电话已更正", "居住地址门牌号已更正", "用工单位已更正"]))
        record_visit(actor=world.collectors[division], person=person_id, data=data, today=today)
        n += 1
    world.counts["清理查验（近一季度） visits in the last quarter"] = n


def births(world):
    """T2: babies born this year to inflow married women of 20-40 living in 南山区 (the seed's births
    figure counts the mothers); registered and placed with the mother by her community's collector,
    linked by her street's clerk."""
    rng = world.rng
    today = world.today
    mothers = list(Person.objects.filter(
        lives_in(NANSHAN), floating=True, sex="F", marital_status__in=("20", "21", "22", "23"),
        birth_date__gte=datetime.date(today.year - 40, 1, 1), birth_date__lte=datetime.date(today.year - 20, 12, 31), id_number__isnull=False,
    ).order_by("id"))
    n = 0
    for mother in rng.sample(mothers, min(len(mothers), world.sizes["babies"])):
        community = mother.residence_division_id
        collector = world.collectors.get(community)
        if collector is None:
            continue
        born = datetime.date(today.year, 1, 1) + datetime.timedelta(days=rng.randrange((today - datetime.date(today.year, 1, 1)).days + 1))
        male = rng.random() < 0.52
        number = world._id(mother.id_number[:6], born, male)
        baby, _ = register_person(actor=collector, data={"id_number": number, "name": world._name(male, mother.name[0]),
                                                         "hukou_division": mother.hukou_division_id, "hukou_address": mother.hukou_address}, today=today)
        record_arrival(actor=collector, person=baby, data={"division": community, "arrived_on": born, "reason": "family", "intended_stay": "gt1y"}, today=today)
        link_family(actor=world.clerks[community[:9]], person=mother, relative_id=baby.pk, relation=Relation.CHILD)
        n += 1
    world.counts["本年生育的流入已婚育龄妇女 inflow mothers who gave birth this year"] = n


def _birth_of(row: dict) -> datetime.date:
    number = row["id_number"]
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
