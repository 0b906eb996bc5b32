"""B2 (1-六-(二)-1-(1)-①): the residence township asks both spouses' hukou townships (乡镇、街道).
When a spouse's record knows only the county, the clerk is asked for the township; if she does not
know it, she sends the request to the county, which forwards it (exchange, its own clock)."""
import pytest
from django.urls import reverse

from liudong.cases import services
from liudong.divisions.models import Division
from liudong.exchange.models import Kind
from tests.cases.conftest import ZHONGYUAN, at, case_messages, d, open_birth
from tests.conftest import TONGJIANG_T

ZHONGYUAN_T = "410102001000"   # a street (街道) of 郑州市中原区
OTHER_T = "440305002000"       # 南山街道: a township, but not in 中原区


@pytest.fixture
def zhongyuan_street(db):
    return Division.objects.get_or_create(code=ZHONGYUAN_T, defaults={"name": "林山寨街道", "level": 4, "parent_id": ZHONGYUAN})[0]


def create(clerk, woman, husband, **extra):
    data = {"woman": woman.pk, "husband": husband.pk, "received_on": "2026-03-02", "child_order": 1, **extra}
    return services.create_birth_registration(actor=clerk, data=data, now=at("2026-03-02"))


def test_B2_a_county_only_hukou_asks_the_clerk_for_the_township_and_writes_nothing(world, couple, unchanged):
    woman, husband = couple
    with unchanged(), pytest.raises(services.Invalid) as e:
        create(world["township_clerk"], woman, husband)
    [message] = e.value.errors["husband_hukou_township"]
    assert "只登记到县级（中原区）" in message and "由县级转交" in message and " / " in message


def test_B2_the_township_the_clerk_gives_receives_the_request(world, couple, zhongyuan_street):
    woman, husband = couple
    case = create(world["township_clerk"], woman, husband, husband_hukou_township=ZHONGYUAN_T[:9])
    assert case.husband_hukou_place_id == ZHONGYUAN_T and case.husband_hukou_id == ZHONGYUAN
    assert sorted(m.receiver_id for m in case_messages(case, Kind.VERIFICATION)) == sorted([ZHONGYUAN_T, TONGJIANG_T])


def test_B2_without_the_township_the_request_goes_to_the_county_to_forward(world, couple):
    woman, husband = couple
    case = create(world["township_clerk"], woman, husband, via_county=True)
    assert case.husband_hukou_place_id == ZHONGYUAN
    assert sorted(m.receiver_id for m in case_messages(case, Kind.VERIFICATION)) == sorted([ZHONGYUAN, TONGJIANG_T])


@pytest.mark.parametrize("code, needle", [
    (OTHER_T, "不在男方户籍地中原区内"),
    (ZHONGYUAN, "乡镇（街道）级代码"),
    ("410102999000", "不存在"),
])
def test_B2_a_township_not_in_the_county_is_refused(world, couple, zhongyuan_street, unchanged, code, needle):
    woman, husband = couple
    with unchanged(), pytest.raises(services.Invalid) as e:
        create(world["township_clerk"], woman, husband, husband_hukou_township=code)
    assert needle in e.value.errors["husband_hukou_township"][0]


def test_B2_a_township_for_a_hukou_known_to_its_township_must_be_that_one(world, couple, unchanged):
    woman, husband = couple
    with unchanged(), pytest.raises(services.Invalid) as e:
        create(world["township_clerk"], woman, husband, via_county=True, woman_hukou_township=OTHER_T)
    assert "已登记为 诺江镇" in e.value.errors["woman_hukou_township"][0]


def test_B2_the_form_asks_for_the_township_next_to_the_field(client, world, couple, monkeypatch):
    from liudong.cases.models import BirthRegistration

    woman, husband = couple
    monkeypatch.setattr("liudong.cases.views.today", lambda: d("2026-03-02"))
    monkeypatch.setattr("liudong.cases.views.now", lambda: at("2026-03-02"))
    client.force_login(world["township_clerk"])
    html = client.post(reverse("case_birth_new"), {"woman": woman.id_number, "husband": str(husband.pk), "received_on": "2026-03-02", "child_order": "1"}).content.decode()
    assert "男方户籍地乡镇（街道）代码" in html and "只登记到县级（中原区）" in html and "由县级转交" in html
    assert not BirthRegistration.objects.exists()
