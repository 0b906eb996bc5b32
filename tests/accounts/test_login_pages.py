"""Log-in with lock-out, the language switch (Chinese first), and error pages that never 500."""
from django.conf import settings
from django.urls import reverse

from liudong.people.models import Person
from tests.conftest import TONGJIANG_V, make_id, password


def test_login_page_and_wrong_password(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and "登录" in response.content.decode()
    response = client.post(reverse("login"), {"username": "township_clerk", "password": "wrong-password"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_goes_to_a_safe_next_only(client, world):
    response = client.post(reverse("login") + "?next=/people/", {"username": "township_clerk", "password": password()})
    assert response.status_code == 302 and response["Location"] == "/people/"
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "township_clerk", "password": password(), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_lock_out_after_repeated_failures(client, world):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(reverse("login"), {"username": "township_clerk", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "township_clerk", "password": password()})
    assert response.status_code == 200 and "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_by_post(client, world):
    client.force_login(world["township_clerk"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_chinese_first_and_english_on_request(client, world):
    client.force_login(world["township_clerk"])
    html = client.get("/").content.decode()
    assert "流入人口" in html and 'lang="zh-Hans"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Inflow persons" in html and 'lang="en"' in html
    # Service messages come in the chosen language too (invariant 7).
    good = make_id("511921", "19990315")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    html = client.post(reverse("person_register"), {"id_number": bad, "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}).content.decode()
    assert "check digit is wrong" in html and "身份证号校验码错误" not in html
    assert Person.objects.count() == 0


def test_unknown_page_is_a_404_page(client, world):
    client.force_login(world["township_clerk"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_forbidden_page_explains(client, world):
    client.force_login(world["auditor"])
    response = client.get(reverse("person_search"))
    assert response.status_code == 403 and "无权" in response.content.decode()


def test_missing_csrf_token_gets_the_expired_form_page(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["township_clerk"])
    response = strict.post(reverse("person_register"), {"name": "李娜"})
    assert response.status_code == 403 and "表单已失效" in response.content.decode()


def test_chinese_first_whatever_the_browser_says(client):
    """zh-hans is the default even for an English browser; the language switch changes it."""
    from django.conf import settings

    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Log in" in page or "Sign in" in page
