"""A deterministic county-scale demo world (`liudong demo`, bench/registry.py).

Residence side: 深圳市南山区 (440305) with its eight streets and their 107 residents' committees,
codes and names as in the 2023 statistical division codes (统计用区划代码, as packaged in the npm
package china-division 2.7.0; the "居委会" suffix is dropped). Hukou side: every county of the
shipped code list, weighted towards the provinces that send most people to Shenzhen, plus
四川省通江县诺江镇 with five of its real villages so that a hukou township has outflow people to see.

People, names, addresses, rental homes and employers are invented: same seed, size and date,
same data. Identifiers are valid (GB 11643 ID numbers whose area is the hukou county, GB 32100
credit codes with a GB 11714 organisation code inside).
"""
import datetime
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction

from liudong.accounts.choices import Role
from liudong.accounts.models import Staff
from liudong.accounts.services import add_staff, record
from liudong.divisions.models import Division, Grid
from liudong.divisions.services import add_grid, load_division_rows
from liudong.identifiers import credit_check_char, id_check_char

from .choices import HousingUse, Relation
from .imports.rows import import_people, insert_sql, reserve_ids
from .models import Employer, FamilyLink, Person, RentalHousing

DEMO_PASSWORD = "Liudong-demo-2026"
EDITION = "统计用区划代码2023 (demo)"
NATION = "000000000000"
GUANGDONG = "440000000000"
SHENZHEN = "440300000000"
NANSHAN = "440305000000"
NUOJIANG = "511921100000"

STREETS = {
    "440305001": "南头街道", "440305002": "南山街道", "440305003": "沙河街道", "440305005": "蛇口街道",
    "440305006": "招商街道", "440305007": "粤海街道", "440305008": "桃源街道", "440305009": "西丽街道",
}
# street -> "VVVname VVVname ..." (2023 statistical codes).
_COMMUNITIES = {
    "440305001": "001南头城社区 003大新社区 004大汪山社区 005红花园社区 007马家龙社区 011南联社区 012星海名城社区 013安乐社区 014同乐社区 016田厦社区 018莲城社区 020前海社区",
    "440305002": "003南光社区 004北头社区 005南园社区 006登良社区 007南山社区 008荔林社区 010月亮湾社区 012荔芳社区 013荔湾社区 014学府社区 015阳光棕榈社区 016风华社区 018向南社区 019桂湾社区",
    "440305003": "006明珠街社区 007华夏街社区 010光华社区 011中新社区 012文昌社区 013香山社区 014东方社区 015高发社区 017白石洲西社区 022星河街社区 024白石洲东社区 026新塘社区 028塘头社区 029上白石社区 030下白石社区 031白石洲社区 032新华社区",
    "440305005": "001东角头社区 002湾厦社区 003海湾社区 004渔一社区 005渔二社区 006海滨社区 008南水社区 009大铲社区 011内伶仃岛社区 012雷岭社区 013围仔社区 015海昌社区 016深圳湾社区",
    "440305006": "002水湾社区 003五湾社区 004赤湾社区 005沿山社区 006桃花园社区 007四海社区 008兰园社区 009桂园社区 010文竹园社区 011海月社区 013花果山社区",
    "440305007": "003科技园社区 004深圳大学社区 007创业路社区 008龙城社区 010南油社区 011后海社区 012京光社区 015海珠社区 016名海社区 017铜鼓社区 019蔚蓝海岸社区 023高新区社区 025麻岭社区 027滨海社区 028粤桂社区 029大冲社区",
    "440305008": "001龙光社区 002珠光社区 004塘朗社区 005福光社区 006长源社区 009龙联社区 010龙辉社区 011平山社区 012大学城社区 013龙珠社区 015峰景社区 016桃源社区",
    "440305009": "003麻勘社区 005曙光社区 006松坪山社区 007大勘社区 008丽湖社区 009新围社区 011西丽社区 012阳光社区 013留仙社区 014丽城社区 015牛成社区 016白芒社区",
}
COMMUNITIES = [(street + item[:3], item[3:], street) for street, items in _COMMUNITIES.items() for item in items.split()]
COMMUNITY_NAME = {code: name for code, name, _ in COMMUNITIES}
NUOJIANG_VILLAGES = [("511921100010", "箭口河社区"), ("511921100201", "新华村"), ("511921100202", "阳望山村"), ("511921100208", "千佛村"), ("511921100209", "元顶村")]

ROADS = ["南海大道", "南山大道", "深南大道", "滨海大道", "沙河西路", "科技园路", "桃园路", "前海路", "工业八路", "创业路", "学府路",
         "南新路", "北环大道", "留仙大道", "西丽路", "龙珠大道", "白石路", "后海大道", "登良路", "兴华路", "东滨路", "望海路"]

# Provinces that send most migrants to Shenzhen weigh most (Sichuan, Hunan, Guangdong, Henan,
# Hubei, Guangxi, Jiangxi), then the rest of the country.
PROVINCE_WEIGHTS = {
    "51": 16, "43": 15, "44": 13, "41": 11, "42": 9, "45": 9, "36": 8, "50": 4, "52": 3, "35": 2, "34": 2.5, "37": 1.5,
    "61": 1, "13": 1, "32": 1, "33": 1, "53": 1, "46": 0.8, "21": 0.5, "22": 0.4, "23": 0.5, "14": 0.5, "15": 0.2,
    "62": 0.5, "64": 0.15, "63": 0.1, "65": 0.15, "11": 0.2, "12": 0.2, "31": 0.2, "54": 0.05,
}
# Where Nanshan's own outflow people live now.
OUTFLOW_PROVINCE_WEIGHTS = {"44": 45, "11": 10, "31": 12, "33": 6, "32": 5, "51": 4, "43": 4, "42": 3, "35": 3, "50": 3, "61": 2, "37": 2, "46": 1}
# GB 3304 codes of groups living mostly in a province, with their share of its migrants.
ETHNIC_MIX = {
    "45": [("08", 0.3), ("13", 0.03)], "43": [("15", 0.1), ("06", 0.05), ("12", 0.03)], "42": [("15", 0.08)],
    "51": [("07", 0.03), ("04", 0.01), ("33", 0.01)], "52": [("06", 0.12), ("09", 0.1), ("12", 0.05)], "53": [("07", 0.1), ("14", 0.04), ("16", 0.03)],
    "64": [("03", 0.3)], "65": [("05", 0.4), ("17", 0.05)], "22": [("10", 0.05)], "21": [("11", 0.06)], "15": [("02", 0.15)],
    "46": [("19", 0.15)], "50": [("15", 0.05)], "35": [("22", 0.02)], "62": [("03", 0.08), ("26", 0.02)], "63": [("04", 0.2), ("03", 0.1)],
}

# Common surnames with rough weights; the heteronym surnames (单 shan, 曾 zeng, 解 xie, 朴 piao,
# 区 ou, 仇 qiu, 查 zha, 覃 qin) are in on purpose: same-sound search must read them right.
SURNAMES = (
    "王20 李20 张18 刘16 陈14 杨9 黄8 赵7 吴6 周6 徐5 孙5 马4 朱4 胡4 郭4 何4 高3 林4 罗3 郑3 梁3 谢3 宋2 唐2 许2 韩2 冯2 "
    "邓2 曹2 彭2 曾2 肖2 田2 董2 袁2 潘2 于2 蒋2 蔡2 余2 杜2 叶2 程2 苏2 魏2 吕2 丁1 任1 沈1 姚1 卢1 姜1 崔1 钟1 谭1 陆1 "
    "汪1 范1 金1 石1 廖1 贾1 夏1 韦1 付1 方1 白1 邹1 孟1 熊1 秦1 邱1 江1 尹1 薛1 闫1 段1 雷1 侯1 龙1 史1 陶1 黎1 贺1 顾1 "
    "毛1 郝1 龚1 邵1 万1 钱1 严1 覃1 武1 戴1 莫1 孔1 向1 汤1 章1 单0.6 解0.4 朴0.3 区0.3 仇0.3 查0.3 柳0.5 欧阳0.4 司马0.1 上官0.1 诸葛0.1"
)
_SURNAME_LIST = [(s.rstrip("0123456789."), float(s[len(s.rstrip("0123456789.")):])) for s in SURNAMES.split()]
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩俊帅凯健亮建国文龙林峰海志东洋阳振兴毅晨旭睿博宏彬春德光成新乐长重朝行"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英燕玲桂红梅琳婷雪慧颖倩晶玉兰萍莉丹璐琴云洁欣怡佳悦蓉薇玮嘉思雨萱月露乐"
# Homophone groups a same-sound search should bring together (张伟 / 章伟 / 张玮 ...).
HOMOPHONES = [
    ["张伟", "章伟", "张玮", "张薇"], ["李娜", "李纳", "黎娜"], ["王芳", "汪芳", "王方"], ["刘洋", "柳洋", "刘阳"],
    ["陈静", "陈晶", "沉静"], ["谢军", "解军"], ["单丽", "山丽"], ["曾敏", "增敏"], ["朴英", "朴莹"], ["欧阳华", "欧阳桦"],
]
HOMOPHONE_SEX = {"张伟": "M", "章伟": "M", "张玮": "M", "张薇": "F", "李娜": "F", "李纳": "F", "黎娜": "F", "王芳": "F", "汪芳": "F",
                 "王方": "M", "刘洋": "M", "柳洋": "M", "刘阳": "M", "陈静": "F", "陈晶": "F", "沉静": "F", "谢军": "M", "解军": "M",
                 "单丽": "F", "山丽": "F", "曾敏": "F", "增敏": "F", "朴英": "F", "朴莹": "F", "欧阳华": "M", "欧阳桦": "F"}

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
BRANDS = ["华创", "鹏程", "前海", "海岸", "南粤", "蛇口", "科兴", "迈瑞", "粤海", "桃源", "西丽", "深湾", "南油", "招商", "大冲", "星海",
          "荔林", "白石", "登良", "龙珠", "天健", "汇通", "宏达", "鼎盛", "恒信", "瑞丰", "新航", "博远", "信达", "金桥"]
TRADES = [("电子科技", "factory"), ("物流", "other"), ("餐饮管理", "shop"), ("建筑工程", "other"), ("物业管理", "other"), ("服装", "factory"),
          ("软件", "other"), ("贸易", "shop"), ("家政服务", "other"), ("汽车维修", "shop"), ("精密制造", "factory"), ("酒店管理", "other")]


def org_code(rng) -> str:
    """A GB 11714 organisation code: eight characters and their check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    c = 11 - sum(int(ch) * w for ch, w in zip(body, ORG_WEIGHTS)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit_code(rng, area6: str) -> str:
    first17 = "91" + area6 + org_code(rng)
    return first17 + credit_check_char(first17)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# The demo's named accounts, one for every role (J3); printed by `liudong demo`.
MAIN_ACCOUNTS = [
    ("nantou_collector", Role.VILLAGE_COLLECTOR, "440305001001"), ("nantou_cadre", Role.VILLAGE_CADRE, "440305001001"),
    ("nantou_clerk", Role.TOWNSHIP_CLERK, "440305001000"), ("nantou_head", Role.TOWNSHIP_HEAD, "440305001000"),
    ("nanshan_officer", Role.COUNTY_OFFICER, NANSHAN), ("shenzhen_officer", Role.CITY_OFFICER, SHENZHEN),
    ("guangdong_officer", Role.PROVINCE_OFFICER, GUANGDONG), ("nation_officer", Role.NATION_OFFICER, NATION),
    ("nantou_police", Role.POLICE_OFFICER, "440305001000"), ("nanshan_desk", Role.QUERY_DESK, NANSHAN),
    ("nanshan_auditor", Role.AUDITOR, NANSHAN), ("nanshan_admin", Role.ADMIN, NANSHAN),
    ("nuojiang_clerk", Role.TOWNSHIP_CLERK, NUOJIANG),
    # the hukou county (F1-F4 fee consultations are answered by a county) and the nation's
    # administrator, who loads the official working-day calendar and adopts rule sets (P1, X4)
    ("tongjiang_officer", Role.COUNTY_OFFICER, NUOJIANG[:6] + "000000"),
    ("nation_admin", Role.ADMIN, NATION),
]


class DemoWorld:
    """Build the demo world in steps (bench/registry.py times the population step on its own)."""

    def __init__(self, *, seed: int = 2026, people: int = 20000, today: datetime.date, log=print):
        self.rng = random.Random(seed)
        self.n = people
        self.today = today
        self.log = log
        self.issued: set[str] = set()
        self.family: list[tuple[str, str]] = []  # (parent id_number, child id_number)
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
        inflow = max(1, n - owners - outflow - children - elderly)
        return {"owners": owners, "outflow": outflow, "children": children, "elderly": elderly, "inflow": inflow,
                "housing": max(10, round(n * 0.2)), "employers": max(5, round(n * 0.025))}

    # -- places and staff ---------------------------------------------------------------------

    def setup_places(self):
        rows = [(0, code + "000", name) for code, name in STREETS.items()]
        rows += [(0, code, name) for code, name, _ in COMMUNITIES]
        rows += [(0, NUOJIANG, "诺江镇")] + [(0, code, name) for code, name in NUOJIANG_VILLAGES]
        result = load_division_rows(rows, edition=EDITION)
        record(None, "divisions.load", object_type="division", fields={"edition": EDITION, **result})
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
        # A collector for every other community. Hashing a password costs ~0.25 s, so these demo
        # accounts share one hash of the demo password (checked by the validators once).
        validate_password(DEMO_PASSWORD)
        encoded = make_password(DEMO_PASSWORD)
        collectors = [Staff(username=f"collector_{code}", role=Role.VILLAGE_COLLECTOR, division_id=code, password=encoded)
                      for code, _, _ in COMMUNITIES if code != "440305001001"]
        Staff.objects.bulk_create(collectors, batch_size=500)
        record(None, "staff.add", object_type="staff", fields={"demo_collectors": len(collectors), "role": Role.VILLAGE_COLLECTOR.value})
        collector_of = dict(Staff.objects.filter(username__startswith="collector_").values_list("division_id", "id"))
        collector_of["440305001001"] = self.staff["nantou_collector"].pk
        admin = self.staff["nanshan_admin"]
        for code, _, _ in COMMUNITIES:
            for name in ("第一网格", "第二网格"):
                add_grid(actor=admin, village_code=code, name=name, collector_id=collector_of[code])
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
            surname = rng.choices(_SURNAME_LIST, weights=[w for _, w in _SURNAME_LIST])[0][0]
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
        """R4: rental homes owned by local people, employers with valid credit codes (executemany)."""
        rng = self.rng
        sizes = self.sizes
        owners = self._ids([n for numbers in self.owner_ids_by_community.values() for n in numbers])
        by_street: dict[str, list[str]] = {}
        for code, numbers in self.owner_ids_by_community.items():
            by_street.setdefault(code[:9], []).extend(numbers)
        all_owners = [n for code, _, _ in COMMUNITIES for n in self.owner_ids_by_community.get(code, [])]
        housing_rows = []
        self.housing_by_community: dict[str, list[tuple[int, str]]] = {}
        with connection.cursor() as cur:
            ids = reserve_ids(cur, RentalHousing, sizes["housing"])
            for hid in ids:
                code, name, street = rng.choice(COMMUNITIES)
                candidates = self.owner_ids_by_community.get(code) or by_street.get(street) or all_owners
                owner = owners[rng.choice(candidates)]
                use = rng.choices([HousingUse.RESIDENTIAL, HousingUse.DORMITORY, HousingUse.MIXED, HousingUse.SHOP], weights=[75, 10, 10, 5])[0]
                address = f"{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 12)}栋"
                registered = self.today - datetime.timedelta(days=rng.randrange(6 * 365))
                housing_rows.append((hid, code, address, owner, use, "", rng.randint(1, 24), registered, None))
                self.housing_by_community.setdefault(code, []).append((hid, address))
            cur.executemany(insert_sql(RentalHousing, ("id", "division", "address", "owner", "use", "business_category", "rooms", "registered_on", "closed_on")), housing_rows)
            employer_rows = []
            codes = set()
            self.employer_ids = reserve_ids(cur, Employer, sizes["employers"])
            for eid in self.employer_ids:
                code, name, street = rng.choice(COMMUNITIES)
                while (cc := credit_code(rng, "440305")) in codes:
                    pass
                codes.add(cc)
                trade, _ = rng.choice(TRADES)
                title = f"深圳市{rng.choice(BRANDS)}{trade}有限公司" if rng.random() < 0.8 else f"深圳市南山区{rng.choice(BRANDS)}{trade}经营部"
                address = f"{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
                contact_male = rng.random() < 0.5
                registered = self.today - datetime.timedelta(days=rng.randrange(10 * 365))
                employer_rows.append((eid, code, title, cc, address, self._name(contact_male), self._phone(30), registered, None))
            cur.executemany(insert_sql(Employer, ("id", "division", "name", "credit_code", "address", "contact_name", "contact_phone", "registered_on", "closed_on")), employer_rows)
        record(None, "housing.import", object_type="rentalhousing", fields={"rows": len(housing_rows), "first_id": ids[0], "last_id": ids[-1]})
        record(None, "employer.import", object_type="employer", fields={"rows": len(employer_rows)})
        self.counts["rental homes"] = len(housing_rows)
        self.counts["employers"] = len(employer_rows)

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
        for _ in range(sizes["children"]):
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
        self.counts["left-behind children"] = sizes["children"]

        for _ in range(sizes["elderly"]):
            code, name, street = rng.choice(COMMUNITIES)
            birth = self._birth(60, 85)
            kids = [p for p in by_community.get(code, []) if p[1] >= years_before(birth, -20)]
            if not kids:
                kids = [p for p in outflow_people if p[1] >= years_before(birth, -20)]
                if kids:
                    code = kids[0][2]
                    name = COMMUNITY_NAME[code]
                    street = code[:9]
            if not kids:
                continue
            hukou_address = f"广东省深圳市南山区{STREETS[street]}{name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            row = self._person(hukou=code, area6="440305", hukou_address=hukou_address, province="44", birth=birth)
            row.update(division=code, address=hukou_address[len("广东省深圳市南山区"):], arrived_on=birth)
            for kid in rng.sample(kids, min(len(kids), rng.choice([1, 1, 2]))):
                self.family.append((row["id_number"], kid[0]))
            yield row
        self.counts["empty-nest elderly"] = sizes["elderly"]

    @staticmethod
    def _ids(numbers) -> dict[str, int]:
        numbers = sorted(numbers)
        ids: dict[str, int] = {}
        for i in range(0, len(numbers), 500):
            ids.update(Person.objects.filter(id_number__in=numbers[i:i + 500]).values_list("id_number", "id"))
        return ids

    def link_families(self):
        """R5: parent/child links stored both ways (as services.link_family does), one audit event."""
        ids = self._ids({n for pair in self.family for n in pair})
        rows = []
        seen = set()
        for parent, child in self.family:
            p, c = ids.get(parent), ids.get(child)
            if p is None or c is None or (p, c) in seen:
                continue
            seen.add((p, c))
            rows.append((p, c, Relation.CHILD.value))
            rows.append((c, p, Relation.PARENT.value))
        with connection.cursor() as cur:
            cur.executemany(insert_sql(FamilyLink, ("person", "relative", "relation")), rows)
        record(None, "family.import", object_type="familylink", fields={"links": len(rows)})
        self.counts["family links"] = len(rows)

    # -- all of it ----------------------------------------------------------------------------

    def build(self):
        with transaction.atomic():
            self.setup_places()
            self.setup_staff()
            owners = import_people(actor=None, rows=self.owner_rows(), today=self.today)
            self.counts["local owners"] = owners["created"]
            self.build_housing_and_employers()
            result = import_people(actor=None, rows=self.population_rows(), today=self.today)
            self.counts["people imported"] = result["created"]
            self.counts["residence periods"] = result["residences"] + owners["residences"]
            self.link_families()
        return self.counts
