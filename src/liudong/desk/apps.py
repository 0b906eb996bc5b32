from django.apps import AppConfig


class DeskConfig(AppConfig):
    """Q1-Q9: the police desk answering outside queries of population information."""

    name = "liudong.desk"
    verbose_name = "对外查询 Query desk"
