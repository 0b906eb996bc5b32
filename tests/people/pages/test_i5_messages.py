"""Issue 9 item 5 on the people pages: messages that say what is wrong. A search saves nothing and
does not say it; a name too long names the field and its limit and the browser does not cut it;
the first digits of an ID number find the numbers that begin so, with a hint."""
from django.urls import reverse

from liudong.people.models import Person
from tests.conftest import TONGJIANG_V, make_id


def test_i5_a_search_form_does_not_speak_of_saving(client, clerk, migrant):
    client.force_login(clerk)
    html = client.get(reverse("person_search"), {"birth_date": "1999-02-30"}).content.decode()
    assert "请更正标出的项目" in html and "尚未保存" not in html


def test_i5_a_name_too_long_names_the_field_and_its_limit_and_nothing_is_cut(client, clerk):
    client.force_login(clerk)
    assert "maxlength" not in client.get(reverse("person_register")).content.decode()
    response = client.post(reverse("person_register"), {"id_number": make_id("511921", "19990315"), "name": "娜" * 10000, "hukou_division": TONGJIANG_V,
                                                         "document_type": "resident_id", "ethnicity": "01"})
    html = response.content.decode()
    assert "姓名最多 50 个字符，现有 10000 个" in html and "确保该变量" not in html and "尚未保存任何内容" in html
    assert Person.objects.count() == 0


def test_i5_the_first_digits_of_an_id_number_find_the_numbers_that_begin_so(client, clerk, migrant):
    client.force_login(clerk)
    html = client.get(reverse("person_search"), {"id_number": migrant.id_number[:10]}).content.decode()
    assert "李娜" in html and f"已查找以 {migrant.id_number[:10]} 开头的身份证号（完整号码为18位）" in html
    html = client.get(reverse("person_search"), {"id_number": "5119"}).content.decode()
    assert "请输入身份证号的前 6 位或以上（完整号码为18位）" in html and "李娜" not in html
    html = client.get(reverse("person_search"), {"id_number": migrant.id_number}).content.decode()
    assert "李娜" in html and "开头的身份证号" not in html
