from django.apps import AppConfig


class PermitsConfig(AppConfig):
    """Issue 13: residence registration (居住登记) and residence permits (居住证)."""

    name = "liudong.permits"
    verbose_name = "居住登记与居住证 Residence registration and permits"

    def ready(self):
        # people never imports permits: it tells its residence listeners (people.services) of an
        # arrival, move or departure in the writing transaction, and of the periods
        # a bulk import wrote in the import's; the daily job joins the
        # exchange tick through jobs.daily.
        from liudong.jobs.daily import add_daily_job
        from liudong.people.panels import add_panel
        from liudong.people.services import add_residence_listener

        from . import panels, services

        add_residence_listener(services.on_residence_change, bulk=services.on_import)
        add_daily_job("permits", services.daily)
        add_panel(panels.person_panel)
