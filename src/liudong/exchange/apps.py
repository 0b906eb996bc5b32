from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """X1-X5: messages between hukou and residence places, with deadlines in working days."""

    name = "liudong.exchange"
    verbose_name = "信息通报 Exchange"
