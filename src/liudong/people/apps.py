from django.apps import AppConfig


def person_ids_in_scope(actor):
    """For the audit log (accounts.audit.events): the persons of an auditor's area, history
    included, so that she also sees who opened their records from elsewhere."""
    from .scope import persons

    return persons(actor, history=True).values("pk")


class PeopleConfig(AppConfig):
    name = "liudong.people"
    verbose_name = "人员 People"

    def ready(self):
        from liudong.accounts.audit import add_subject_scope

        add_subject_scope(person_ids_in_scope)
