from django.apps import AppConfig


class DeskConfig(AppConfig):
    """Q1-Q9: the police desk answering outside queries of population information."""

    name = "liudong.desk"
    verbose_name = "对外查询 Query desk"

    def ready(self):
        # Issue 16 (Q7): a consent task for her station on another node goes there, and that
        # station's answer comes back (federation never imports us).
        from liudong.federation import handlers
        from liudong.federation.choices import EnvelopeType

        from . import node_consent, services

        if node_consent.asked not in services.ASKED:
            services.ASKED.append(node_consent.asked)
            services.ANSWERED.append(node_consent.answered)
        handlers.register(EnvelopeType.CONSENT, node_consent.apply)
