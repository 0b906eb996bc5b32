from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liudong.accounts"
    verbose_name = "人员与审计 Staff and audit"
