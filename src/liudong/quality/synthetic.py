"""Issue 15 part 6: a labelled synthetic population for measuring the dedup (R8).

`generate(n, seed=..., hukou_codes=...)` makes n people, seeded, so the same call gives the same
set. Most are distinct people; a share are twins of another one, made the way twins are made in
the field:

- `id_typo`      the same person entered again with one wrong digit in the ID number's sequence;
- `birth_swap`   two neighbouring digits of the birth date swapped (the ID number with it);
- `homophone`    a character of the name replaced by one that reads the same (伟 → 玮, 张 → 章);
- `traditional`  the name written in traditional characters (陈丽华 → 陳麗華);
- `other_doc`    the same person entered under another document (a passport, no ID number);

and a share are true look-alikes: different people with the same name (or a same-sounding one),
the same birth date and sex, with their own ID number, or another document and another hukou
county. `truth` holds the twin pairs (look-alikes are not in it): the labels.
"""
import dataclasses
import datetime
import random

from rapidfuzz.distance import OSA

from liudong.identifiers import id_check_char
from liudong.people.pinyin import name_key

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万"
GIVEN = ("伟丽华军红静杰敏芳娟强明平文海峰波林燕英云霞秀建磊宇欣佳俊梅凯涛斌亮鹏飞婷雪慧浩宁国庆兰凤玲辉东刚"
         "勇超洁琳晓颖鑫嘉健春荣贵宝鸿学志成德兴发玉珍桂秋莲洪亚丰")
# Characters that read the same (the usual reading): a clerk who hears the name writes another.
HOMOPHONES = [
    "伟玮炜薇", "丽莉俐", "华桦骅", "军君均", "红虹宏", "静婧靖", "杰洁捷", "敏民珉", "娟涓鹃", "强蔷",
    "明鸣铭", "平萍苹", "文雯闻", "峰锋丰枫", "林琳霖麟", "燕艳雁彦", "英莹瑛", "云芸昀", "霞侠", "建健剑",
    "宇雨玉羽", "欣馨新心鑫", "佳嘉家", "俊骏峻", "梅玫媚", "凯楷恺", "涛韬滔", "斌彬宾", "鹏朋", "飞菲霏",
    "婷庭亭", "雪学", "慧惠蕙辉", "浩昊皓", "张章", "王汪", "刘柳", "杨阳", "徐许", "李黎", "吴武伍",
]
TRADITIONAL = dict(zip(
    "张陈刘杨黄赵吴孙马罗郑谢许韩冯邓叶苏吕卢钟谭陆贾韦邹龙贺顾龚万伟华军国红丽强杰静兰凤艳辉东刚涛宁鹏飞云洁晓颖荣庆贵宝鸿学兴发莲亚丰",
    "張陳劉楊黃趙吳孫馬羅鄭謝許韓馮鄧葉蘇呂盧鍾譚陸賈韋鄒龍賀顧龔萬偉華軍國紅麗強傑靜蘭鳳艷輝東剛濤寧鵬飛雲潔曉穎榮慶貴寶鴻學興發蓮亞豐",
))
HOMOPHONE_OF = {c: group for group in HOMOPHONES for c in group}
TWIN_KINDS = ("id_typo", "birth_swap", "homophone", "traditional", "other_doc")
FIRST_BIRTH, LAST_BIRTH = datetime.date(1950, 1, 1).toordinal(), datetime.date(2008, 12, 31).toordinal()


@dataclasses.dataclass
class Person:
    index: int
    name: str
    sex: str
    birth: datetime.date
    id_number: str          # "" when entered under another document
    document_number: str    # the other document's number, else the ID number
    hukou: str              # a 12-digit division code
    kind: str               # "person", a twin kind, or "lookalike"

    def row(self, key=None) -> tuple:
        """The dedup's row (quality.dedup.Row), with `index` as the id."""
        return (self.index, self.name, key if key is not None else name_key(self.name), self.sex,
                self.birth.strftime("%Y%m%d"), self.id_number[:17], self.hukou[:6])


@dataclasses.dataclass
class Labelled:
    people: list[Person]
    truth: set[tuple[int, int]]   # (index a, index b), a < b: the same person entered twice
    kinds: dict[str, int]         # how many of each kind were made


def _id_number(area6: str, birth: datetime.date, seq3: str) -> str:
    first17 = f"{area6}{birth:%Y%m%d}{seq3}"
    return first17 + id_check_char(first17)


def _seq(rng, sex: str) -> str:
    last = rng.choice("13579" if sex == "M" else "02468")
    return f"{rng.randrange(100):02d}{last}"


def _name(rng) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _homophone(rng, name: str) -> str:
    spots = [i for i, c in enumerate(name) if c in HOMOPHONE_OF]
    if not spots:
        return ""
    i = rng.choice(spots)
    other = rng.choice([c for c in HOMOPHONE_OF[name[i]] if c != name[i]])
    return name[:i] + other + name[i + 1:]


def _traditional(name: str) -> str:
    out = "".join(TRADITIONAL.get(c, c) for c in name)
    return out if out != name else ""


def _swapped_birth(rng, birth: datetime.date, today: datetime.date) -> datetime.date | None:
    digits = f"{birth:%Y%m%d}"
    spots = list(range(7))
    rng.shuffle(spots)
    for i in spots:
        if digits[i] == digits[i + 1]:
            continue
        d = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
        try:
            day = datetime.date(int(d[:4]), int(d[4:6]), int(d[6:]))
        except ValueError:
            continue
        if datetime.date(1900, 1, 1) <= day <= today:
            return day
    return None


def _typo(rng, id_number: str) -> str:
    i = rng.choice((14, 15))  # the sequence, not its sex digit
    digit = rng.choice([d for d in "0123456789" if d != id_number[i]])
    first17 = id_number[:i] + digit + id_number[i + 1:17]
    return first17 + id_check_char(first17)


def generate(n: int, *, seed: int = 15, hukou_codes: list[str], twin_share: float = 0.06, lookalike_share: float = 0.03,
             today: datetime.date = datetime.date(2026, 1, 1)) -> Labelled:
    """n people: distinct ones, twins of them (twin_share) and look-alikes (lookalike_share)."""
    rng = random.Random(seed)
    people: list[Person] = []
    truth: set[tuple[int, int]] = set()
    used: set[str] = set()
    kinds = {k: 0 for k in (*TWIN_KINDS, "lookalike")}
    n_twins, n_looks = int(n * twin_share), int(n * lookalike_share)
    n_base = n - n_twins - n_looks

    def add(p: Person):
        people.append(p)
        used.add(p.document_number)
        return p

    def other_doc() -> str:
        while True:
            number = f"E{rng.randrange(10**8):08d}"
            if number not in used:
                return number

    def fresh_id(area6, birth, sex) -> str:
        while True:
            number = _id_number(area6, birth, _seq(rng, sex))
            if number not in used:
                return number

    for i in range(n_base):
        sex = rng.choice("MF")
        birth = datetime.date.fromordinal(rng.randint(FIRST_BIRTH, LAST_BIRTH))
        hukou = rng.choice(hukou_codes)
        number = fresh_id(hukou[:6], birth, sex)
        add(Person(i + 1, _name(rng), sex, birth, number, number, hukou, "person"))

    def twin_of(base: Person, kind: str) -> Person | None:
        name, birth, number = base.name, base.birth, base.id_number
        if kind == "id_typo":
            number = _typo(rng, number)
        elif kind == "birth_swap":
            birth = _swapped_birth(rng, birth, today)
            if birth is None:
                return None
            number = _id_number(number[:6], birth, number[14:17])
        elif kind in ("homophone", "traditional"):
            name = _homophone(rng, name) if kind == "homophone" else _traditional(name)
            if not name:
                return None
            number = _typo(rng, number) if rng.random() < 0.5 else ""
        elif kind == "other_doc":
            number = ""
        if number and number in used:
            return None
        return Person(len(people) + 1, name, base.sex, birth, number, number or other_doc(), base.hukou, kind)

    groups: dict[int, list[int]] = {}
    while sum(kinds[k] for k in TWIN_KINDS) < n_twins:
        base = people[rng.randrange(n_base)]
        kind = rng.choice(TWIN_KINDS)
        twin = twin_of(base, kind)
        if twin is None:
            continue
        add(twin)
        kinds[kind] += 1
        # Two twins of one person are twins of each other too.
        group = groups.setdefault(base.index, [base.index])
        truth.update((other, twin.index) for other in group)
        group.append(twin.index)

    counties: dict[int, set[str]] = {}
    while kinds["lookalike"] < n_looks:
        base = people[rng.randrange(n_base)]
        name = (_homophone(rng, base.name) if rng.random() < 0.3 else "") or base.name
        # Another county than hers and than her other look-alikes' (two look-alikes of one woman in
        # one county, one without an ID number, could not be told apart by anyone).
        taken = counties.setdefault(base.index, {base.hukou[:6]})
        others = [c for c in hukou_codes if c[:6] not in taken]
        if not others:
            continue
        hukou = rng.choice(others)
        taken.add(hukou[:6])
        if rng.random() < 0.7:
            number = fresh_id(hukou[:6], base.birth, base.sex)
            if OSA.distance(number[:17], base.id_number[:17]) < 3:
                continue  # her own number: one edit from the other's would be a typo, not a look-alike
            add(Person(len(people) + 1, name, base.sex, base.birth, number, number, hukou, "lookalike"))
        else:
            add(Person(len(people) + 1, name, base.sex, base.birth, "", other_doc(), hukou, "lookalike"))
        kinds["lookalike"] += 1
    return Labelled(people, truth, kinds)
