from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """Issue 14, T1-T4: monthly statistical reports passed up level by level."""

    name = "liudong.statistics"
    label = "statistics"
    verbose_name = "统计报表 Statistical reports"
