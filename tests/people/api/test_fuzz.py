"""Invariant 7: whatever is sent, the API answers with a status below 500 and, for bad input, the
one error shape. Property tests with hypothesis (a few dozen examples each, for speed)."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

FUZZ = settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3), max_leaves=8)
plausible = {
    "id_number": st.sampled_from([make_id("511921", "19990315"), make_id("511921", "19990230"), make_id("440305", "20991231"), "", "X" * 18]) | st.text(max_size=20),
    "name": st.sampled_from(["李娜", "张" * 51, "", " ", "O'Brien", "阿依古丽·买买提"]) | st.text(max_size=60),
    "sex": st.sampled_from(["M", "F", "X", ""]),
    "birth_date": st.sampled_from(["1999-03-15", "1999-02-30", "2999-01-01", "0001-01-01", "99999-01-01", ""]) | st.text(max_size=12),
    "hukou_division": st.sampled_from([TONGJIANG_V, NANTOU_V1, "000000000000", "440000000000", "1" * 12, ""]) | st.text(max_size=14),
    "document_type": st.sampled_from(["resident_id", "passport", "other", "nope"]),
    "document_number": st.text(max_size=45),
    "ethnicity": st.sampled_from(["01", "56", "57", "", "汉"]),
    "phone": st.sampled_from(["13800138000", "0755-26661234", "12", ""]) | st.text(max_size=25),
    "hukou_address": st.text(max_size=220),
}
person_bodies = st.fixed_dictionaries({}, optional={k: v | json_values for k, v in plausible.items()})


def _check(response):
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 422:
        assert set(body) == {"errors"} and body["errors"], body
        assert all(isinstance(msgs, list) and msgs for msgs in body["errors"].values()), body


def test_random_json_bodies_never_give_a_500(api):
    @FUZZ
    @given(body=person_bodies | json_values)
    def run(body):
        _check(api.post("/persons", body))

    run()


def test_random_bytes_never_give_a_500(api):
    @FUZZ
    @given(raw=st.binary(max_size=200) | st.sampled_from([b'{"name": "\\ud800"}', b'{"name": "a\\u0000b"}', b"[" * 5000, b'{"a":' * 3000, b"\xef\xbb\xbf{}"]))
    def run(raw):
        _check(api.post("/persons", raw=raw))

    run()


def test_random_residence_bodies_never_give_a_500(api, migrant):
    fields = {
        "division": st.sampled_from([NANTOU_V1, TONGJIANG_V, "", "440305001999"]) | st.text(max_size=14),
        "arrived_on": st.sampled_from(["2026-01-01", "2025-03-01", "1990-01-01", "2030-01-01", "2026-02-29"]) | st.text(max_size=12),
        "housing_id": st.integers(min_value=-(2**70), max_value=2**70),
        "employer_id": st.integers(min_value=-(2**70), max_value=2**70),
        "reason": st.sampled_from(["work", "nope"]),
    }

    @FUZZ
    @given(body=st.fixed_dictionaries({}, optional={k: v | json_values for k, v in fields.items()}), path=st.sampled_from(["residences", "moves", "returns"]))
    def run(body, path):
        _check(api.post(f"/persons/{migrant.pk}/{path}", body))

    run()


def test_random_query_strings_never_give_a_500(api, migrant):
    keys = st.sampled_from(["name", "match", "id_number", "sex", "birth_date", "age_min", "age_max", "on", "division", "flow", "order", "limit", "offset"])

    @FUZZ
    @given(params=st.dictionaries(keys, st.text(max_size=30) | st.integers(min_value=-(2**70), max_value=2**70).map(str), max_size=5))
    def run(params):
        _check(api.get("/persons", params))

    run()


def test_a_body_over_the_limit_is_json_too(api, settings):
    r = api.post("/persons", raw=json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}))
    assert r.status_code == 413 and "body" in r.json()["errors"]
