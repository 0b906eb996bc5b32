"""X5, F4 (1-六-(三)-4 提供具有证据效力的原始记录): both parties keep the evidence, so an answer by
fax or letter needs its record as a request does; and an answer is judged on time at its sending
(the posting on its receipt), the same day at both ends (X3, T3).

The request (fixture request_msg): 南头 asks 诺江 on Mon 2026-09-28, answer due Fri 2026-10-23."""
import datetime

import pytest

from liudong.errors import Invalid
from liudong.exchange import services, timeliness
from tests.conftest import TONGJIANG_T

from .helpers import PDF, at, upload

D = datetime.date


def test_X5_an_answer_by_fax_needs_its_transmission_report_as_a_request_does(world, migrant, request_msg):
    fax = {"channel": "fax", "sent_at": "2026-10-09 09:00", "arrived_at": "2026-10-09 09:04"}
    with pytest.raises(Invalid) as e:
        services.reply(actor=world["tongjiang_clerk"], message_id=request_msg, data={"body": "已核实", **fax}, now=at("2026-10-09", 10))
    assert "传真" in e.value.errors["evidence"][0]
    with pytest.raises(Invalid) as e:
        services.send_message(actor=world["township_clerk"], data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                        "subject": "核实", **fax}, now=at("2026-10-09", 10))
    assert "evidence" in e.value.errors
    answer = services.reply(actor=world["tongjiang_clerk"], message_id=request_msg, data={"body": "已核实", **fax, "evidence": "传真发送报告 1009-3"}, now=at("2026-10-09", 10),
                            attachments=[upload("回复.pdf", PDF, "application/pdf")])
    assert answer.evidence == "传真发送报告 1009-3" and answer.attachments.count() == 1


def test_X3_an_answer_posted_on_the_deadline_day_is_on_time_at_both_ends_though_it_arrives_later(world, request_msg):
    answer = services.reply(actor=world["tongjiang_clerk"], message_id=request_msg, data={"body": "已核实", "channel": "letter", "sent_at": "2026-10-23 16:00",
                                                                     "evidence": "挂号信 XB1023"}, now=at("2026-10-23", 17))
    services.record_arrival(actor=world["township_clerk"], message_id=answer, data={"arrived_at": "2026-10-27 10:00", "evidence": "签收"}, now=at("2026-10-27", 11))
    request_msg.refresh_from_db()
    assert request_msg.answered_on == D(2026, 10, 23)
    period = {"start": "2026-09-01", "end": "2026-10-31", "today": D(2026, 11, 2)}
    theirs = timeliness.figures(actor=world["tongjiang_clerk"], **period)["as_receiver"]
    ours = timeliness.figures(actor=world["township_clerk"], **period)["as_sender"]
    assert (theirs["answered"], theirs["on_time"], theirs["late"]) == (ours["answered"], ours["on_time"], ours["late"]) == (1, 1, 0)
