from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "liudong.people"
    verbose_name = "人员 People"
