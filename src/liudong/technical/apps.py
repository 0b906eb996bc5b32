from django.apps import AppConfig


class TechnicalConfig(AppConfig):
    """S1-S6: the free technical services (checks, report slips, distribution, institutions)."""

    name = "liudong.technical"
    verbose_name = "技术服务 Technical services"
