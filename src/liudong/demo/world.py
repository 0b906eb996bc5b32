"""A deterministic county-scale demo world (`liudong demo`, bench/registry.py).

Residence side: 深圳市南山区 (440305) with its eight streets and their 107 residents' committees,
codes and names as in the 2023 statistical division codes (统计用区划代码, as packaged in the npm
package china-division 2.7.0; the "居委会" suffix is dropped). Hukou side: every county of the
shipped code list, weighted towards the provinces that send most people to Shenzhen, plus
四川省通江县诺江镇 with five of its real villages so that a hukou township has outflow people to see.

People, names, addresses, rental homes and employers are invented: same seed, size and date,
same data. Identifiers are valid (GB 11643 ID numbers whose area is the hukou county, GB 32100
credit codes with a GB 11714 organisation code inside).

Every write goes through a service (invariant 1), as the staff member who would make it: the code
lists and the population as the command line (actor None), grids by 南山区's administrator, rental
homes by their community's collector, employers and family links by their street's clerk. The
fixed data is in data.py; cases.py and messages.py add the casework on top.
"""
import datetime
import random

from liudong.accounts.choices import Role
from liudong.accounts.models import Staff
from liudong.accounts.staff import add_staff, add_staff_accounts, set_review_marks
from liudong.divisions.models import Division, Grid
from liudong.identifiers import id_check_char
from liudong.people.choices import HousingUse, Relation
from liudong.people.imports import import_people
from liudong.people.models import Person
from liudong.people.services import link_family
from liudong.people.services_places import register_employer, register_housing
from liudong.territory.services import add_grid, load_divisions_csv

from . import registry
from .data import (
    BRANDS, COMMUNITIES, COMMUNITY_NAME, DEMO_PASSWORD, EDITION, ETHNIC_MIX, FEMALE_CHARS, HOMOPHONE_SEX, HOMOPHONES, MAIN_ACCOUNTS,
    MALE_CHARS, NANTOU_COMMUNITY, NUOJIANG, NUOJIANG_VILLAGES, OUTFLOW_PROVINCE_WEIGHTS, PROVINCE_WEIGHTS, ROADS, STREETS, SURNAME_LIST,
    TRADES, ZJ_COMMUNITIES, ZJ_STREETS, credit_code, street_clerk, years_before,
)


class DemoWorld:
    """Build the demo world in steps (bench/registry.py times the population step on its own)."""

    def __init__(self, *, seed: int = 2026, people: int = 20000, today: datetime.date, log=print):
        self.rng = random.Random(seed)
        self.n = people
        self.today = today
        self.log = log
        self.issued: set[str] = set()
        self.family: list[tuple[str, str]] = []  # (parent id_number, child id_number)
        self.unable: list[tuple[str, str]] = []  # R5: (child id_number, id_number of the parent at home unable to care)
        self.counts: dict[str, int] = {}
        self.staff: dict[str, Staff] = {}
        self.logins: list[tuple[str, str, str, str]] = []

    # -- sizes --------------------------------------------------------------------------------

    @property
    def sizes(self):
        n = self.n
        owners = max(len(STREETS), round(n * 0.07))
        outflow = max(10, round(n * 0.10))
        children = max(3, round(n * 0.015))
        elderly = max(3, round(n * 0.015))
        extra = registry.sizes(n, children, elderly)  # J2, R5: people recorded but not floating, parents and children at home
        inflow = max(1, n - owners - outflow - children - elderly - sum(extra.values()))
        return {"owners": owners, "outflow": outflow, "children": children, "elderly": elderly, "inflow": inflow,
                "housing": max(10, round(n * 0.2)), "employers": max(5, round(n * 0.025)), **extra}

    # -- places and staff ---------------------------------------------------------------------

    def setup_places(self):
        rows = [(0, code + "000", name) for code, name in STREETS.items()]
        rows += [(0, code, name) for code, name, _ in COMMUNITIES]
        rows += [(0, NUOJIANG, "诺江镇")] + [(0, code, name) for code, name in NUOJIANG_VILLAGES]
        rows += [(0, code, name) for code, name in ZJ_STREETS.items()] + [(0, code, name) for code, name, _ in ZJ_COMMUNITIES]  # issue 13
        csv = "code,name\n" + "".join(f"{code},{name}\n" for _, code, name in rows)
        load_divisions_csv(actor=None, text=csv, edition=EDITION)
        counties = list(Division.objects.filter(level=3).exclude(code__startswith="4403").order_by("code").values_list("code", "name"))
        names = dict(Division.objects.filter(level__lte=2).values_list("code", "name"))
        self.counties_by_province: dict[str, list[tuple[str, str]]] = {}
        for code, name in counties:
            self.counties_by_province.setdefault(code[:2], []).append((code, name))
        self.province_names = {code[:2]: name for code, name in names.items() if code.endswith("0000000000")}
        self.city_names = names
        self.hukou_provinces = [p for p in PROVINCE_WEIGHTS if p in self.counties_by_province]
        self.hukou_weights = [PROVINCE_WEIGHTS[p] for p in self.hukou_provinces]
        self.out_provinces = [p for p in OUTFLOW_PROVINCE_WEIGHTS if p in self.counties_by_province]
        self.out_weights = [OUTFLOW_PROVINCE_WEIGHTS[p] for p in self.out_provinces]

    def setup_staff(self):
        """One account for every role (J3), a collector for each community, grids in every community."""
        main = MAIN_ACCOUNTS
        names = dict(Division.objects.filter(code__in=[c for _, _, c in main]).values_list("code", "name"))
        for username, role, code in main:
            self.staff[username] = add_staff(actor=None, username=username, role=role, division_code=code, password=DEMO_PASSWORD)
            self.logins.append((username, role.value, code, names.get(code, "")))
        # R6: 南头街道's clerk and head are its two experienced reviewers (the township step needs two).
        for username in ("nantou_clerk", "nantou_head"):
            self.staff[username] = set_review_marks(actor=None, username=username, experienced_reviewer=True)
        # A collector for every other community and a clerk for every other street, sharing the
        # demo password (one hash: add_staff_accounts).
        others = [(f"collector_{code}", Role.VILLAGE_COLLECTOR, code) for code, _, _ in COMMUNITIES if code != NANTOU_COMMUNITY]
        others += [(street_clerk(code), Role.TOWNSHIP_CLERK, code + "000") for code in STREETS if street_clerk(code) not in self.staff]
        add_staff_accounts(actor=None, accounts=others, password=DEMO_PASSWORD)
        by_name = {s.username: s for s in Staff.objects.filter(username__in=[u for u, _, _ in others]).select_related("division")}
        self.staff.update(by_name)
        self.collectors = {code: self.staff[f"collector_{code}" if code != NANTOU_COMMUNITY else "nantou_collector"] for code, _, _ in COMMUNITIES}
        self.clerks = {code: self.staff[street_clerk(code)] for code in STREETS}
        admin = self.staff["nanshan_admin"]
        for code, _, _ in COMMUNITIES:
            for name in ("第一网格", "第二网格"):
                add_grid(actor=admin, village_code=code, name=name, collector_id=self.collectors[code].pk)
        self.grids: dict[str, list[int]] = {}
        for gid, village in Grid.objects.filter(village_id__in=list(COMMUNITY_NAME)).order_by("id").values_list("id", "village_id"):
            self.grids.setdefault(village, []).append(gid)

    # -- people -------------------------------------------------------------------------------

    def _birth(self, age_low: int, age_high: int) -> datetime.date:
        age = self.rng.randint(age_low, age_high)
        day = years_before(self.today, age) - datetime.timedelta(days=self.rng.randrange(365))
        return max(day, datetime.date(1900, 1, 1))

    def _working_age_birth(self) -> datetime.date:
        bands = [(0, 5, 5), (6, 15, 8), (16, 19, 4), (20, 29, 28), (30, 39, 26), (40, 49, 16), (50, 59, 8), (60, 69, 3.5), (70, 80, 1.5)]
        low, high, _ = self.rng.choices(bands, weights=[b[2] for b in bands])[0]
        return self._birth(low, high)

    def _id(self, area6: str, birth: datetime.date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)
            body = f"{area6}{birth:%Y%m%d}{seq:03d}"
            number = body + id_check_char(body)
            if number not in self.issued:
                self.issued.add(number)
                return number

    def _name(self, male: bool, surname: str | None = None) -> str:
        rng = self.rng
        if surname is None and rng.random() < 0.012:
            group = rng.choice(HOMOPHONES)
            choices = [n for n in group if HOMOPHONE_SEX[n] == ("M" if male else "F")]
            if choices:
                return rng.choice(choices)
        if surname is None:
            surname = rng.choices(SURNAME_LIST, weights=[w for _, w in SURNAME_LIST])[0][0]
        pool = MALE_CHARS if male else FEMALE_CHARS
        given = rng.choice(pool) if rng.random() < 0.35 else rng.choice(pool) + rng.choice(pool)
        return surname + given

    def _education(self, age: int) -> str:
        if age < 6:
            return ""
        if age < 12:
            return "80"
        if age < 15:
            return "70"
        if age < 18:
            return "60"
        if age >= 55:
            return self.rng.choices(["80", "70", "60", "40", "90"], weights=[30, 40, 15, 5, 10])[0]
        return self.rng.choices(["10", "20", "30", "40", "50", "60", "70", "80"], weights=[3, 12, 14, 8, 5, 20, 32, 6])[0]

    def _marital(self, age: int) -> str:
        rng = self.rng
        if age < 20:
            return "10" if age >= 16 else ""
        if age < 25:
            return rng.choices(["10", "21"], weights=[70, 30])[0]
        if age < 35:
            return rng.choices(["10", "21", "20", "40"], weights=[25, 45, 25, 5])[0]
        if age < 60:
            return rng.choices(["10", "20", "21", "22", "40"], weights=[4, 50, 30, 6, 10])[0]
        return rng.choices(["20", "21", "30", "40"], weights=[45, 20, 30, 5])[0]

    def _phone(self, age: int) -> str:
        if age < 14:
            return ""
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def _ethnicity(self, province: str) -> str:
        x = self.rng.random()
        for code, share in ETHNIC_MIX.get(province, [("03", 0.01)]):
            if x < share:
                return code
            x -= share
        return "01"

    def _age(self, birth: datetime.date) -> int:
        t = self.today
        return t.year - birth.year - ((t.month, t.day) < (birth.month, birth.day))

    def _person(self, *, hukou: str, area6: str, hukou_address: str, province: str, birth=None, male=None, surname=None) -> dict:
        rng = self.rng
        male = rng.random() < 0.53 if male is None else male
        birth = birth or self._working_age_birth()
        age = self._age(birth)
        return {
            "id_number": self._id(area6, birth, male), "name": self._name(male, surname), "ethnicity": self._ethnicity(province),
            "education": self._education(age), "marital_status": self._marital(age), "phone": self._phone(age),
            "hukou_division": hukou, "hukou_address": hukou_address,
        }

    def _community_address(self, code: str, name: str) -> str:
        rng = self.rng
        return f"{STREETS[code[:9]]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(1, 32)}{rng.randint(1, 8):02d}室"

    def _home(self) -> tuple[str, str, str]:
        """A Nanshan community as a hukou place: (code, name, hukou address)."""
        code, name, street = self.rng.choice(COMMUNITIES)
        return code, name, f"广东省深圳市南山区{STREETS[street]}{name}{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号"

    def _arrival(self, birth: datetime.date, *, years: int = 5) -> datetime.date:
        start = max(birth, years_before(self.today, years))
        return start + datetime.timedelta(days=self.rng.randrange(max(1, (self.today - start).days + 1)))

    def owner_rows(self) -> list[dict]:
        """Registered local people (hukou and home in Nanshan): owners of the rental homes."""
        rows = []
        self.owner_ids_by_community: dict[str, list[str]] = {}
        for i in range(self.sizes["owners"]):
            if i < len(COMMUNITIES):
                code, name, street = COMMUNITIES[i]
                address = f"广东省深圳市南山区{STREETS[street]}{name}{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号"
            else:
                code, name, address = self._home()
            row = self._person(hukou=code, area6="440305", hukou_address=address, province="44", birth=self._birth(30, 75))
            birth = datetime.date(int(row["id_number"][6:10]), int(row["id_number"][10:12]), int(row["id_number"][12:14]))
            row.update(division=code, address=address[len("广东省深圳市南山区"):], arrived_on=self._arrival(birth, years=40))
            self.owner_ids_by_community.setdefault(code, []).append(row["id_number"])
            rows.append(row)
        return rows

    def build_housing_and_employers(self):
        """R4: rental homes owned by local people, registered by their community's collector;
        employers with valid credit codes, registered by their street's clerk."""
        rng = self.rng
        sizes = self.sizes
        owners = self._ids([n for numbers in self.owner_ids_by_community.values() for n in numbers])
        by_street: dict[str, list[str]] = {}
        for code, numbers in self.owner_ids_by_community.items():
            by_street.setdefault(code[:9], []).extend(numbers)
        all_owners = [n for code, _, _ in COMMUNITIES for n in self.owner_ids_by_community.get(code, [])]
        uses = [HousingUse.RESIDENTIAL, HousingUse.DORMITORY, HousingUse.MIXED, HousingUse.SHOP]
        homes = []
        for _ in range(sizes["housing"]):
            code, name, street = rng.choice(COMMUNITIES)
            candidates = self.owner_ids_by_community.get(code) or by_street.get(street) or all_owners
            owner = owners[rng.choice(candidates)]
            use = rng.choices(uses, weights=[75, 10, 10, 5])[0]
            address = f"{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 12)}栋"
            registered = self.today - datetime.timedelta(days=rng.randrange(6 * 365))
            homes.append({"division": code, "address": address, "owner_id": owner, "use": use, "business_category": "",
                          "rooms": rng.randint(1, 24), "registered_on": registered})
        self.housing_by_community: dict[str, list[tuple[int, str]]] = {}
        for pk, home in zip(self.register_homes(homes), homes):
            self.housing_by_community.setdefault(home["division"], []).append((pk, home["address"]))
        codes = set()
        employers = []
        for _ in range(sizes["employers"]):
            code, name, street = rng.choice(COMMUNITIES)
            while (cc := credit_code(rng, "440305")) in codes:
                pass
            codes.add(cc)
            trade, _ = rng.choice(TRADES)
            title = f"深圳市{rng.choice(BRANDS)}{trade}有限公司" if rng.random() < 0.8 else f"深圳市南山区{rng.choice(BRANDS)}{trade}经营部"
            address = f"{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            contact_male = rng.random() < 0.5
            registered = self.today - datetime.timedelta(days=rng.randrange(10 * 365))
            employers.append({"division": code, "name": title, "credit_code": cc, "address": address, "contact_name": self._name(contact_male),
                              "contact_phone": self._phone(30), "registered_on": registered})
        self.employer_ids = self.register_employers(employers)
        self.counts["rental homes"] = len(homes)
        self.counts["employers"] = len(employers)

    # The writers: through the services, as the staff member who would register each record.
    # bench/registry.py, which measures the import and not these, swaps in its own loader.

    def register_homes(self, homes: list[dict]) -> list[int]:
        # The owner shows her card to the collector (R8: any registered person, as on the page); an
        # owner by id alone must be of the collector's own community (issue 7, hole 3).
        owners = Person.objects.in_bulk({h["owner_id"] for h in homes})
        return [register_housing(actor=self.collectors[h["division"]], data={**h, "owner": owners[h["owner_id"]]}, today=self.today).pk for h in homes]

    def register_employers(self, employers: list[dict]) -> list[int]:
        return [register_employer(actor=self.clerks[e["division"][:9]], data=e, today=self.today).pk for e in employers]

    def link(self, pairs: list[tuple[int, int]]):
        """R5: (parent id, child id) through link_family (stored both ways), by the clerk of the street
        where the parent's hukou is (both ends are registered there)."""
        people = Person.objects.in_bulk([p for p, _ in pairs])
        for p, c in pairs:
            person = people[p]
            link_family(actor=self.clerks[person.hukou_division_id[:9]], person=person, relative_id=c, relation=Relation.CHILD)

    def _inflow_residence(self, row: dict, birth: datetime.date, *, arrived=None, left=None, community=None) -> dict:
        rng = self.rng
        code, name, _ = community or rng.choice(COMMUNITIES)
        age = self._age(birth)
        res = {"division": code, "arrived_on": arrived or self._arrival(birth), "left_on": left}
        homes = self.housing_by_community.get(code)
        if homes and rng.random() < 0.6:
            hid, address = rng.choice(homes)
            res["housing_id"] = hid
            res["address"] = f"{address}{rng.randint(1, 32)}{rng.randint(1, 8):02d}室"
        else:
            res["address"] = self._community_address(code, name)
        if 18 <= age <= 60 and rng.random() < 0.55:
            res["employer_id"] = rng.choice(self.employer_ids)
        if age < 16:
            res["reason"] = "family"
        elif age >= 60:
            res["reason"] = rng.choice(["care", "family", "medical"])
        elif age <= 22 and rng.random() < 0.3:
            res["reason"] = "study"
        else:
            res["reason"] = rng.choices(["work", "marriage", "care", "family", "other"], weights=[84, 3, 5, 6, 2])[0]
        res["intended_stay"] = rng.choices(["gt1y", "6to12m", "1to6m", "lt1m", "unknown"], weights=[60, 20, 12, 3, 5])[0]
        grids = self.grids.get(code)
        if grids:
            res["grid_id"] = grids[int(row["id_number"][14:17]) % len(grids)]
        return res

    def population_rows(self):
        """Inflow people (some departed, some moved within Nanshan), Nanshan's outflow people,
        their left-behind children and empty-nest parents. Yields rows for import_people."""
        rng = self.rng
        sizes = self.sizes
        moved = departed = 0
        for _ in range(sizes["inflow"]):
            province = rng.choices(self.hukou_provinces, weights=self.hukou_weights)[0]
            county, county_name = rng.choice(self.counties_by_province[province])
            prov_name = self.province_names.get(province, "")
            hukou = county
            if province == "51" and rng.random() < 0.04:
                hukou, village = rng.choice(NUOJIANG_VILLAGES)
                county, county_name = "511921000000", "通江县"
                hukou_address = f"四川省巴中市通江县诺江镇{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
            else:
                hukou_address = f"{prov_name}{county_name}{rng.choice(['城关镇', '新华村', '和平村', '红旗村', '向阳村', '建设村', '前进村', '东风村'])}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
            birth = self._working_age_birth()
            row = self._person(hukou=hukou, area6=county[:6], hukou_address=hukou_address, province=province, birth=birth)
            x = rng.random()
            start = max(birth, years_before(self.today, 5))
            if x < 0.07 and (self.today - start).days > 60:
                # Moved within Nanshan: two periods, the first closed the day the second opened.
                first = start + datetime.timedelta(days=rng.randrange((self.today - start).days - 30))
                move = first + datetime.timedelta(days=rng.randint(1, (self.today - first).days))
                yield {**row, **self._inflow_residence(row, birth, arrived=first, left=move)}
                yield {**row, **self._inflow_residence(row, birth, arrived=move)}
                moved += 1
            elif x < 0.15:
                res = self._inflow_residence(row, birth)
                res["left_on"] = res["arrived_on"] + datetime.timedelta(days=rng.randrange(max(1, (self.today - res["arrived_on"]).days + 1)))
                departed += 1
                yield {**row, **res}
            else:
                yield {**row, **self._inflow_residence(row, birth)}
        self.counts["inflow people"] = sizes["inflow"]
        self.counts["inflow moved within Nanshan"] = moved
        self.counts["inflow departed"] = departed
        yield from registry.j2_rows(self)

        outflow_people = []  # (id_number, birth, community code, surname, male)
        for _ in range(sizes["outflow"]):
            code, _, hukou_address = self._home()
            birth = self._birth(18, 55)
            male = rng.random() < 0.55
            row = self._person(hukou=code, area6="440305", hukou_address=hukou_address, province="44", birth=birth, male=male)
            province = rng.choices(self.out_provinces, weights=self.out_weights)[0]
            where, where_name = rng.choice(self.counties_by_province[province])
            row.update(division=where, address=f"{self.province_names.get(province, '')}{where_name}{rng.choice(['人民路', '解放路', '中山路', '建设路', '和平路'])}{rng.randint(1, 500)}号",
                       arrived_on=self._arrival(birth, years=8), reason=rng.choices(["work", "study", "marriage", "family"], weights=[80, 8, 6, 6])[0],
                       intended_stay=rng.choice(["gt1y", "6to12m", "unknown"]))
            outflow_people.append((row["id_number"], birth, code, row["name"], male))
            yield row
        self.counts["outflow people"] = sizes["outflow"]

        by_community: dict[str, list] = {}
        for p in outflow_people:
            by_community.setdefault(p[2], []).append(p)
        parents = [p for p in outflow_people if self._age(p[1]) >= 22] or outflow_people
        for i in range(sizes["children"]):
            parent = rng.choice(parents)
            number, parent_birth, code, parent_name, male = parent
            # Under 16 and born when the parent was at least 18.
            birth = self._birth(0, max(0, min(15, self._age(parent_birth) - 18)))
            birth = min(max(birth, years_before(parent_birth, -18)), self.today)
            surname = parent_name[:2] if parent_name[:2] in ("欧阳", "司马", "上官", "诸葛") else parent_name[0]
            hukou_address = f"广东省深圳市南山区{STREETS[code[:9]]}{COMMUNITY_NAME[code]}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            row = self._person(hukou=code, area6="440305", hukou_address=hukou_address, province="44", birth=birth,
                               surname=surname if male else None)
            row.update(division=code, address=hukou_address[len("广东省深圳市南山区"):], arrived_on=birth)
            self.family.append((number, row["id_number"]))
            yield row
            other = registry.second_parent_row(self, i, row, birth, parent, outflow_people)
            if other is not None:
                yield other
        self.counts["children under 16 of outflow parents"] = sizes["children"]

        for i in range(sizes["elderly"]):
            code, name, street = rng.choice(COMMUNITIES)
            birth = self._birth(60, 85)
            kids = [p for p in by_community.get(code, []) if p[1] >= years_before(birth, -20)]
            if not kids:
                kids = [p for p in outflow_people if p[1] >= years_before(birth, -20)]
                if kids:
                    code = kids[0][2]
                    name = COMMUNITY_NAME[code]
                    street = code[:9]
                    # children registered in the same street: its clerk links them (both in scope)
                    kids = [p for p in kids if p[2][:9] == street]
            if not kids:
                continue
            hukou_address = f"广东省深圳市南山区{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            row = self._person(hukou=code, area6="440305", hukou_address=hukou_address, province="44", birth=birth)
            row.update(division=code, address=hukou_address[len("广东省深圳市南山区"):], arrived_on=birth)
            for kid in rng.sample(kids, min(len(kids), rng.choice([1, 1, 2]))):
                self.family.append((row["id_number"], kid[0]))
            yield row
            if i % 5 == 0:
                yield registry.home_kid_row(self, row, birth, code)
        self.counts["elderly 60+ with children away"] = sizes["elderly"]

    @staticmethod
    def _ids(numbers) -> dict[str, int]:
        numbers = sorted(numbers)
        ids: dict[str, int] = {}
        for i in range(0, len(numbers), 500):
            ids.update(Person.objects.filter(id_number__in=numbers[i:i + 500]).values_list("id_number", "id"))
        return ids

    def link_families(self):
        """R5: the parents and children drawn with the population."""
        ids = self._ids({n for pair in self.family for n in pair})
        pairs, seen = [], set()
        for parent, child in self.family:
            p, c = ids.get(parent), ids.get(child)
            if p is None or c is None or (p, c) in seen:
                continue
            seen.add((p, c))
            pairs.append((p, c))
        self.link(pairs)
        self.counts["family links"] = 2 * len(pairs)

    # -- all of it ----------------------------------------------------------------------------

    def build(self):
        """Everything of the world but its casework (cases.py, messages.py); call in a transaction."""
        self.setup_places()
        self.setup_staff()
        owners = import_people(actor=None, rows=self.owner_rows(), today=self.today)
        self.counts["local owners"] = owners["created"]
        self.build_housing_and_employers()
        result = import_people(actor=None, rows=self.population_rows(), today=self.today)
        self.counts["people imported"] = result["created"]
        self.counts["residence periods"] = result["residences"] + owners["residences"]
        self.link_families()
        registry.mark_unable(self)
        registry.births(self)
        registry.visits(self)
        return self.counts
