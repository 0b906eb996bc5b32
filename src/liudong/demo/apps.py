from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "liudong.demo"
    verbose_name = "演示数据 Demo"
