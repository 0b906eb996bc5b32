from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "liudong.policy"
    verbose_name = "政策参数 Policy"
