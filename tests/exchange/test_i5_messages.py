"""Issue 9 item 5 on the exchange pages: an empty field says it is required, not that a code does
not exist; a text too long names the field and its limit."""
from django.urls import reverse

from liudong.exchange.models import Message


def test_i5_an_empty_receiver_is_required_not_unknown(client, world, migrant, clock):
    client.force_login(world["township_clerk"])
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": "", "person": str(migrant.pk),
                                                      "subject": "核实婚育", "body": "请核实", "channel": "system"})
    html = response.content.decode()
    assert "必填" in html and "不存在" not in html
    assert Message.objects.count() == 0


def test_i5_a_subject_too_long_names_the_field_and_its_limit(client, world, migrant, clock):
    client.force_login(world["township_clerk"])
    form = client.get(reverse("exchange_new")).content.decode()
    assert "maxlength" not in form
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": "511921100000", "person": str(migrant.pk),
                                                      "subject": "核" * 10000, "body": "请核实", "channel": "system"})
    html = response.content.decode()
    assert "现有 10000 个" in html and "确保该变量" not in html
    assert Message.objects.count() == 0
