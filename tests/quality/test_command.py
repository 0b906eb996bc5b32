"""Issue 15 part 6: the command that registers a labelled synthetic set, and the measurement of
the scan on it in the database (the rows the background job reads)."""
import json

from django.core.management import call_command

from liudong.people.models import Person
from tests.conftest import NANSHAN


def test_R8_synthetic_set_in_the_database_measured(world, tmp_path, capsys):
    labels = tmp_path / "labels.json"
    call_command("quality", "synthetic", "--division", NANSHAN, "--people", "600", "--labels", str(labels))
    assert Person.objects.count() == 0  # dry run by default
    call_command("quality", "synthetic", "--division", NANSHAN, "--people", "600", "--labels", str(labels), "--for-real")
    assert Person.objects.count() == 600
    pairs = json.loads(labels.read_text())["pairs"]
    assert pairs and all(Person.objects.filter(pk__in=p).count() == 2 for p in pairs)
    capsys.readouterr()
    call_command("quality", "measure", "--division", NANSHAN, "--labels", str(labels))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["people"] == 600 and line["precision"] >= 0.99 and line["recall"] >= 0.99, line
