"""Actions of tests/federation/node_script.py for the query desk across nodes (issue 16, Q7): a
desk on her hukou node asks her consent through her station on the node where she lives; that
station answers its copy of the task; the tests read the request back."""


def desk_ask(args):
    """The desk of 通江县 (Sichuan) takes a relative's search for `name` (Q3 (三)) and runs it."""
    from liudong import clock
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.desk import services
    from liudong.desk.models import ConsentTask
    from liudong.policy.models import PolicyValue
    from liudong.policy.services import adopt_rule_set
    from tests.conftest import TONGJIANG
    from tests.desk.conftest import body

    if not PolicyValue.objects.filter(rule_set="query-desk-2010", division_id="510000000000").exists():
        adopt_rule_set(actor=None, code="query-desk-2010", division_code="510000000000", valid_from="2020-01-01")
    desk, _ = Staff.objects.get_or_create(username="desk", defaults={"role": Role.QUERY_DESK, "division_id": TONGJIANG})
    inquiry = services.create_inquiry(actor=desk, data=body("citizen_relative", subjects=[{"name": args["name"], "match": "exact"}], reason="寻找表姐"),
                                      now=clock.now())
    inquiry = services.run(actor=desk, inquiry_id=inquiry.pk, now=clock.now())
    task = ConsentTask.objects.filter(subject__inquiry=inquiry).first()
    return {"file_number": inquiry.file_number, "state": inquiry.state, "station": task.station_id if task else None,
            "global_id": task.global_id if task else None}


def consent_tasks(_):
    """The open consent tasks of 南头街道's police on this node: [file number, her name, desk, due]."""
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.desk import queries
    from tests.conftest import NANTOU

    police, _ = Staff.objects.get_or_create(username="police", defaults={"role": Role.POLICE_OFFICER, "division_id": NANTOU})
    tasks = queries.log_tasks_shown(actor=police, tasks=queries.consent_tasks(actor=police))
    return {"tasks": [[t.request["file_number"], t.whom.name, t.request["desk"], str(t.due_on)] for t in tasks]}


def consent_answer(args):
    """南头街道's police record her answer to the task of `file_number`."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.desk import services
    from liudong.desk.models import ConsentTask

    police = Staff.objects.get(username="police")
    task = ConsentTask.objects.get(file_number=args["file_number"])
    services.answer_consent_task(actor=police, task_id=task.pk, data={"granted": args["granted"], "fields": args.get("fields")}, now=clock.now())
    return {"task": task.pk}


def inquiry_of(args):
    """The request `file_number`: its state and each subject's state, disclosed fields and answer."""
    from liudong.desk.models import Inquiry

    inquiry = Inquiry.objects.get(file_number=args["file_number"])
    return {"state": inquiry.state, "subjects": [[s.state, (s.answer or {}).get("fields"), (s.answer or {}).get("person")] for s in inquiry.subjects.order_by("position")]}


ACTIONS = {f.__name__: f for f in (desk_ask, consent_tasks, consent_answer, inquiry_of)}
