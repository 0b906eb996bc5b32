"""Same-sound (同音) keys for names (Q6), with pypinyin.

Plain pypinyin reads common surnames wrong (单 dan, 曾 ceng, 解 jie ...), so the first character
uses a surname table; every reading of every character (heteronyms) gives the set of keys under
which a name can be found. Keys separate syllables with spaces (张喜安 ≠ 张先).
"""
from functools import lru_cache
from itertools import product

from pypinyin import Style, pinyin

# Surname readings that differ from the character's usual reading (measured.md).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "朴": "piao", "区": "ou", "仇": "qiu", "查": "zha",
    "覃": "qin", "乐": "yue", "盖": "ge", "繁": "po", "缪": "miao", "翟": "zhai", "尉": "yu",
    "员": "yun", "召": "shao", "种": "chong", "折": "she", "黑": "he", "秘": "bi", "能": "nai",
    "华": "hua", "任": "ren", "纪": "ji", "燕": "yan", "宿": "su", "隗": "wei", "句": "gou",
    "费": "fei", "阚": "kan", "沈": "shen", "长": "chang", "重": "chong", "柏": "bai", "薄": "bo",
    "卜": "bu", "适": "kuo", "都": "du", "莘": "shen", "相": "xiang", "於": "yu", "万": "wan",
    "那": "na", "朝": "chao", "洗": "xian", "冼": "xian", "藏": "zang", "蕃": "pi", "谌": "chen",
}
COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "长孙", "慕容", "万俟", "公孙", "令狐", "宇文", "司徒", "夏侯", "澹台", "公冶", "轩辕", "单于", "呼延", "端木", "百里", "东郭", "南宫", "西门", "独孤", "拓跋", "第五"}
COMPOUND_READINGS = {"尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "单于": ("chan", "yu")}


def _clean(syllable: str) -> str:
    return syllable.replace("ü", "v").replace("u:", "v").lower()


@lru_cache(maxsize=65536)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the usual one first."""
    if not ("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"):
        return (char.lower(),)
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="default")[0]
    out = []
    for s in found:
        s = _clean(s)
        if s not in out:
            out.append(s)
    return tuple(out) or (char,)


def _syllable_choices(name: str) -> list[tuple[str, ...]]:
    name = "".join(name.split())
    if not name:
        return []
    choices = [readings(c) for c in name]
    if name[:2] in COMPOUND_READINGS:
        for i, s in enumerate(COMPOUND_READINGS[name[:2]]):
            choices[i] = (s,) + tuple(x for x in choices[i] if x != s)
    elif name[0] in SURNAME_READINGS and name[:2] not in COMPOUND_SURNAMES:
        s = SURNAME_READINGS[name[0]]
        choices[0] = (s,) + tuple(x for x in choices[0] if x != s)
    return choices


def name_key(name: str) -> str:
    """The usual reading of a name: the key stored on Person for display and sorting."""
    return " ".join(c[0] for c in _syllable_choices(name))


MAX_KEYS = 64


def name_keys(name: str) -> list[str]:
    """All reading combinations (bounded), the usual reading first."""
    choices = _syllable_choices(name)
    if not choices:
        return []
    keys = []
    for combo in product(*choices):
        keys.append(" ".join(combo))
        if len(keys) >= MAX_KEYS:
            break
    return keys
