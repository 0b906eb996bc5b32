"""R5 with R8: the home page's counts of people at home (left-behind children, empty-nest elderly)
leave out a record merged into another. A merge keeps on the merged-away record a link the
survivor already has (the same parent): before, that record still counted as a second child."""
from liudong.people import queries as people_queries
from liudong.people import services
from liudong.quality import services as quality
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import arrive, register


def test_R5_R8_a_merged_away_child_is_not_counted_at_home(world, clerk):
    hukou_clerk = world["tongjiang_clerk"]
    mother = arrive(clerk, register(clerk, id_number=make_id("511921", "19900303", 60), name="何琴"), NANTOU_V1, "2024-03-01")  # away from 通江县
    child = register(hukou_clerk, id_number=make_id("511921", "20180808", 70), name="何乐")
    twin = register(hukou_clerk, document_type="passport", document_number="E80000001", name="何乐", sex="F", birth_date="2018-08-08")
    for kid in (child, twin):
        services.link_family(actor=hukou_clerk, person=kid, relative_id=mother.pk, relation="parent")

    def children() -> int:
        return people_queries.home_counts(actor=hukou_clerk, today=TODAY)["left_behind_children"]

    assert children() == 2
    merge = quality.merge_people(actor=hukou_clerk, survivor_id=child.pk, merged_id=twin.pk, today=TODAY)
    assert any(k[0] == "people.FamilyLink" or "familylink" in str(k).lower() for k in merge.kept)  # her link to the mother stayed on the twin
    assert children() == 1
    quality.undo_merge(actor=hukou_clerk, merge_id=merge.pk, today=TODAY)
    assert children() == 2
