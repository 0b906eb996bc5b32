from django.apps import AppConfig


class TechnicalConfig(AppConfig):
    """S1-S6: the free technical services (checks, report slips, distribution, institutions)."""

    name = "liudong.technical"
    verbose_name = "技术服务 Technical services"

    def ready(self):
        # Issue 16: a report slip to a hukou township on another node is kept there as her check.
        from liudong.federation import handlers
        from liudong.federation.choices import EnvelopeType

        from . import node_slips

        handlers.register(EnvelopeType.REPORT_SLIP, node_slips.apply_slip)
