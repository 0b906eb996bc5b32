"""Issue 9, item 8 (T3): the timeliness chart shows both sides: how the places one level down
answered (as receiver) and how they were answered (as sender), each bar from its own figures."""
import re

import pytest
from django.test import Client

from liudong.exchange import timeliness
from liudong.exchange.views_timeliness import BAR_WIDTH
from tests.conftest import TODAY
from tests.exchange.test_timeliness import YEAR, build_traffic


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.exchange.views_timeliness.today", lambda: TODAY)


def test_T3_the_chart_shows_the_receiver_and_the_sender_side(world):
    build_traffic(world)
    officer = world["county_officer"]
    client = Client()
    client.force_login(officer)
    html = client.get("/timeliness/", YEAR).content.decode()
    svgs = re.findall(r"<figure class=\"tl-figure\">.*?</figure>", html, re.S)
    assert len(svgs) == 2 and "作为收函方" in svgs[0] and "作为发函方" in svgs[1]
    figures = timeliness.figures(actor=officer, division_code=officer.division_id, start=YEAR["start"], end=YEAR["end"], today=TODAY)
    for svg, side in zip(svgs, ("as_receiver", "as_sender")):
        for row in figures["by_division"]:
            rate = row[side]["reply_rate"]
            if rate is not None:
                assert f'width="{round(rate * BAR_WIDTH, 1)}"' in svg, (side, row["name"])
    assert svgs[0] != svgs[1]
