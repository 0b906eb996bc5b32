from django.apps import AppConfig


class CasesConfig(AppConfig):
    """B1-B6 and F1-F4: the birth and fee cases, built on the exchange."""

    name = "liudong.cases"
    verbose_name = "业务办理 Cases"
