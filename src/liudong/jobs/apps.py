from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    """Long work in the background: export jobs on the task queue, with progress, cancel, audited
    downloads and files deleted after their retention. Other apps register kinds of export in an
    `exports.py` module of their own (registers: the inflow and outflow registers)."""

    name = "liudong.jobs"
    verbose_name = "后台导出 Export jobs"

    def ready(self):
        autodiscover_modules("exports")
