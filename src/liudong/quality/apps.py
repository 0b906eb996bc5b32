from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Issue 15, data quality: duplicates found and merged with history kept (R8), measured on a
    labelled synthetic set."""

    name = "liudong.quality"
    verbose_name = "数据质量 Data quality"
