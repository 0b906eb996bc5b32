"""R8 with the arrival claim of the structure issue: a sure twin that the scan finds outside the
caller's scope opens an arrival claim to her place, never a silent merge, and nothing of the other
record shows to the caller beyond what a claim shows; once her place accepts, the pair is an
ordinary candidate of the caller's."""
import pytest
from django.utils import timezone

from liudong.accounts.models import AuditEvent
from liudong.jobs import runner
from liudong.jobs.models import ExportJob
from liudong.quality import queries
from liudong.quality.models import Candidate
from tests.conftest import FUTIAN_V, NANTOU, NANTOU_V2, TONGJIANG_V

from .conftest import api_client, arrive, post, register


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = (tmp_path / "exports").resolve()


@pytest.fixture
def far_twin(world, clerk):
    """陈静 under a passport in 南头 (大汪山社区), and again under another passport number in 福田's
    园东社区, registered there: same name, sex, birth date and hukou county."""
    mine = arrive(clerk, register(clerk, document_type="passport", document_number="E70000001", name="陈静", sex="F", birth_date="1992-02-02"), NANTOU_V2,
                  "2025-05-01", "大汪山3栋")
    futian = world["futian_clerk"]
    theirs = arrive(futian, register(futian, document_type="passport", document_number="E70000002", name="陈静", sex="F", birth_date="1992-02-02",
                                     hukou_division=TONGJIANG_V, phone="13500135000"), FUTIAN_V, "2024-01-01", "园东1栋")
    return mine, theirs


def scan(client):
    job = post(client, "/api/v1/duplicates/scan", {"division": NANTOU}).json()
    assert runner.run(job["id"], ExportJob.objects.get(pk=job["id"]).ticket, now=timezone.now) == "done"


def test_R8_a_sure_twin_outside_the_scope_opens_an_arrival_claim_not_a_merge(world, clerk, far_twin):
    from liudong.exchange import claims
    from liudong.exchange.models import ArrivalClaim

    mine, theirs = far_twin
    api = api_client(clerk)
    scan(api)
    claim = ArrivalClaim.objects.get(person=theirs)
    assert (claim.state, claim.claimant_id, claim.division_id, claim.address) == ("pending", NANTOU, NANTOU_V2, "大汪山3栋")
    assert claim.message.receiver_id == "440304001000"  # her place: 园岭街道
    # Not merged, not shown: the caller's candidates list and the API do not show the pair.
    assert theirs.__class__.objects.get(pk=theirs.pk).merged_into_id is None
    assert queries.candidates(actor=clerk, division=clerk.division).count() == 0
    assert api.get(f"/api/v1/duplicates?division={NANTOU}").json()["count"] == 0
    assert api.get(f"/api/v1/persons/{theirs.pk}").status_code == 404
    # Nothing of her record beyond the claim's look-up by document was read for the caller.
    reads = AuditEvent.objects.filter(actor=clerk, person_id=theirs.pk).values_list("action", flat=True)
    assert set(reads) <= {"person.lookup", "arrival_claim.submit", "message.send", "person.not_found"}  # no person.view
    assert AuditEvent.objects.get(action="duplicates.outside").fields["claimed"] == 1
    # A second scan opens no second claim.
    scan(api)
    assert ArrivalClaim.objects.filter(person=theirs).count() == 1
    # Her place accepts: she lives in 南头 now, and the pair is the caller's to review.
    claims.accept(actor=world["futian_clerk"], message_id=claim.message_id, now=timezone.now())
    visible = queries.candidates(actor=clerk, division=clerk.division)
    assert [(c.a_id, c.b_id) for c in visible] == [tuple(sorted((mine.pk, theirs.pk)))]


def test_R8_a_county_officer_opens_no_claim_and_sees_nothing_of_the_other_record(world, far_twin):
    from liudong.exchange.models import ArrivalClaim

    _, theirs = far_twin
    officer = world["county_officer"]
    assert officer.in_scope(FUTIAN_V) is False
    scan(api_client(officer))
    assert not ArrivalClaim.objects.filter(person=theirs).exists()
    assert AuditEvent.objects.get(action="duplicates.outside").fields["todo"] == 1
    assert Candidate.objects.count() == 1 and queries.candidates(actor=officer, division=officer.division).count() == 0
