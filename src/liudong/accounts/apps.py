from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "liudong.accounts"
    verbose_name = "人员与审计 Staff and audit"

    def ready(self):
        # The shared cache's table (the public pages' rate limits, liudong.limits): made by
        # `migrate` like every other table, on whichever database it runs.
        from liudong.limits import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="liudong.limits.create_cache_table")
