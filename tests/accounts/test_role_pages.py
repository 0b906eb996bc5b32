"""Every page renders for the roles that may use it, answers 403 for the others and sends an
anonymous visitor to the log-in page (J3)."""
import pytest
from django.urls import reverse

from liudong.accounts.choices import Action, Role, allowed
from tests.conftest import INLINE_SCRIPT

ROLES = [r.value for r in Role]

# url name -> (actions of which one suffices, needs the migrant fixture's id)
PAGES = {
    "home": ((), False),
    "person_search": ((Action.VIEW_PERSON,), False),
    "person_register": ((Action.REGISTER_PERSON,), False),
    "person_detail": ((Action.VIEW_PERSON,), True),
    "person_edit": ((Action.REGISTER_PERSON,), True),
    "housing_list": ((Action.VIEW_PERSON,), False),
    "housing_new": ((Action.MANAGE_HOUSING,), False),
    "employer_list": ((Action.VIEW_PERSON,), False),
    "employer_new": ((Action.MANAGE_EMPLOYER,), False),
    "grid_list": ((Action.MANAGE_GRIDS, Action.VIEW_PERSON), False),
    "audit": ((Action.VIEW_AUDIT,), False),
}


def url_of(name, migrant):
    return reverse(name, args=[migrant.pk]) if PAGES[name][1] else reverse(name)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_per_role(client, world, migrant, name, role):
    actions, _ = PAGES[name]
    client.force_login(world[role])
    response = client.get(url_of(name, migrant))
    may = not actions or any(allowed(role, a) for a in actions)
    assert response.status_code == (200 if may else 403), (name, role, response.status_code)
    if may:
        html = response.content.decode()
        # The Content-Security-Policy forbids inline styles and scripts: the pages use none.
        assert ' style="' not in html and not INLINE_SCRIPT.search(html)
        assert response["Content-Security-Policy"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_goes_to_login(client, migrant, name):
    url = url_of(name, migrant)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", ["person_arrival", "person_move", "person_return", "person_family"])
def test_post_only_actions_forbid_roles_without_the_action(client, world, migrant, name):
    client.force_login(world["township_head"])  # may read, may not record
    assert client.post(reverse(name, args=[migrant.pk]), {}).status_code == 403


def test_home_of_roles_without_counts_shows_their_links(client, world):
    client.force_login(world["auditor"])
    html = client.get("/").content.decode()
    assert reverse("audit") in html
    assert "流入人口" not in html
    client.force_login(world["query_desk"])
    assert client.get("/").status_code == 200


def test_nav_shows_only_permitted_links(client, world):
    client.force_login(world["city_officer"])
    html = client.get("/").content.decode()
    assert reverse("person_search") not in html and reverse("audit") not in html
    assert reverse("registers") in html  # R3: city officers see the registers
    client.force_login(world["township_clerk"])
    html = client.get("/").content.decode()
    assert reverse("person_register") in html and reverse("audit") not in html
