from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "liudong.divisions"
    verbose_name = "行政区划 Divisions"
