from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """Issue 14, T1-T4: monthly statistical reports passed up level by level."""

    name = "liudong.statistics"
    label = "statistics"
    verbose_name = "统计报表 Statistical reports"

    def ready(self):
        from liudong.exchange import hooks
        from liudong.federation import handlers_reports

        from . import services_remote

        # Issue 16: a report passed up from another node is mirrored here for its approval, and
        # the level above's decision, come back from its node, changes the report here.
        hooks.on_delivered(services_remote.mirror)
        handlers_reports.on_decision(services_remote.decide)
