"""Exchange test helpers: moments in Beijing time, a fixed clock at the pages and the API (invariant
4), staff at the hukou county, and a message sent from the residence township (南头街道) to the
hukou township (诺江镇, Sichuan) about 李娜."""
import pytest

from liudong.exchange import services
from tests.conftest import TONGJIANG, TONGJIANG_T

from .helpers import at


@pytest.fixture
def clock(monkeypatch):
    """clock("2026-09-28", 10) sets the moment the pages and the API read."""
    def set_to(day: str, hour: int = 10):
        moment = at(day, hour)
        for module in ("liudong.exchange.views", "liudong.exchange.api"):
            monkeypatch.setattr(f"{module}.now", lambda: moment)
            monkeypatch.setattr(f"{module}.today", lambda: moment.date())
        return moment

    set_to("2026-09-28")
    return set_to


@pytest.fixture
def tongjiang_county(world):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    s = Staff(username="tongjiang_county", role=Role.COUNTY_OFFICER, division_id=TONGJIANG)
    s.set_password("Liudong-test-pw-2026")
    s.save()
    return s


@pytest.fixture
def request_msg(world, migrant):
    """A verification request sent by system on Monday 2026-09-28 10:00; answer due 2026-10-23."""
    return services.send_message(actor=world["township_clerk"], data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                           "subject": "核实李娜婚育情况", "body": "请核实。"}, now=at("2026-09-28"))
