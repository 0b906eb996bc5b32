"""Issue 9, items 4 and 5: every page speaks Chinese by default, and no input is cut silently. The test logs in as each role of the
shared world, opens every page a GET reaches (the URL enumeration of the permission matrix, with
the matrix's objects, plus the query strings that fill lists and results), takes the text a person
sees (no script, style, hidden element or closed <details> body; placeholders, button and option
texts, the page title included) and fails on any Latin word except:

- a token with a digit (ID numbers ending in X, credit codes, passport numbers, rule ids);
- the user names of staff accounts;
- the values that users entered (collected from the world: names, addresses, notes, sources);
- the few words of `tests.page_text.ALLOWED` (the one place for them).

A page with an input limited by `maxlength` fails too (item 5: the browser would cut what is typed
or pasted past it without a word; the form says the field's limit instead).

Rule ids and codes stay in tooltips (`title`) and details lines, which the walk does not read as
page text.
"""
import pytest
from django.test import Client

from liudong.accounts.choices import Role

from tests.page_text import ALLOWED, latin_words, visible_text, words_of

from .matrix_world import build, fill
from .test_permission_matrix import PAGES, PUBLIC, url_patterns

# Query strings that make a page show its results, not only its form: url name -> extra paths.
QUERIES = {
    "person_search": ["?name=李娜", "?name=李娜&match=same_sound", "?id_number=5119211999", "?flow=all"],
    "registers": ["?show=1&division={division}&kind=inflow&start=2025-01-01&end=2026-11-28", "?show=1&division={division}&kind=outflow&start=2025-01-01&end=2026-11-28"],
    "audit": ["?action=", "?person={person}"],
    "exchange_index": ["?box=outbox", "?box=watch", "?due=overdue"],
    "arrival_claims": ["?state=all"],
    "cases_index": ["?status=all"],
    "policy_index": ["?division=440000000000", "?division={division}&on=2020-01-01"],
    "timeliness": ["?start=2026-01-01&end=2026-11-28"],
    "housing_list": ["?q=红花园"],
    "employer_list": ["?q=电子"],
    "permits_index": ["?tab=registrations", "?tab=endorsements", "?tab=permits"],
    "permit_apply": ["?person_id={person}", "?person_id={person}&applied_on=2026-11-28&basis=employment&proof=劳动合同", "?person_id=999999"],
}


# Values the matrix world enters with Latin letters in them (the source of a policy override).
ENTERED = ["测试 / test override", "结婚证.pdf"]


def pages_to_walk(ids):
    for name, route in url_patterns():
        entry = PAGES.get(name)
        if not entry or "GET" not in entry or entry["GET"] == PUBLIC or route.startswith("i18n"):
            continue
        path = fill(route, ids)
        yield name, path
        for query in QUERIES.get(name, []):
            yield name, path + query.format(**ids)
    # A message that belongs to a case (its link names the case: "出生登记 第 N 号").
    yield "exchange_detail", f"/exchange/{ids['draft']}/"


from tests.cases.conftest import husband, woman_2014  # noqa: E402,F401 - fixtures of the matrix world


@pytest.fixture
def walk(world, migrant, husband, woman_2014):
    return build(world, migrant, husband, woman_2014)


def _is_page(response):
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_i4_every_page_is_chinese_for_every_role(walk, world):
    from liudong.accounts.models import Staff

    allowed = ALLOWED | words_of([*Staff.objects.values_list("username", flat=True), *ENTERED])
    wrong, seen = [], 0
    anonymous = Client()
    login = anonymous.get("/login/")
    assert _is_page(login)
    for word in sorted(latin_words(visible_text(login.content.decode()), allowed)):
        wrong.append(f"/login/ (anonymous): {word}")
    for role in [r.value for r in Role]:
        client = Client()
        client.force_login(world[role])
        for name, path in pages_to_walk(walk):
            response = client.get(path)
            if not _is_page(response):
                continue
            seen += 1
            html = response.content.decode()
            if "maxlength" in html:  # item 5: the browser cuts silently what is typed past it
                wrong.append(f"{path} ({name}) as {role}: an input with maxlength")
            texts = visible_text(html)
            for word in sorted(latin_words(texts, allowed)):
                where = next((t.strip() for t in texts if word in t), "")[:100]
                wrong.append(f"{path} ({name}) as {role}: {word} in «{where}»")
    assert seen > 200
    assert not wrong, f"{len(wrong)} Latin words on Chinese pages:\n" + "\n".join(sorted(set(wrong)))


def test_i4_the_walk_reads_what_a_person_sees():
    html = ("<html><head><title>登记 PDF</title><style>.x{color:red}</style></head><body>"
            "<p>出生登记 birth_registration</p><span title='national-2021 rule B4'>规则</span>"
            "<p hidden>secret</p><details><summary>详情</summary><code>case_open</code></details>"
            "<input placeholder='e.g. name'><script>var x = 1;</script>"
            "<p>511921199903151234X 91440300MA5DXXXX0X</p></body></html>")
    assert latin_words(visible_text(html), ALLOWED) == {"birth_registration", "e.g", "name"}
