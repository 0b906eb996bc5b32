from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """C1-C6: the marriage and childbearing certificate (婚育证明), its entries, verifications,
    the status proof (3-八-1), and the certificate register and cards of R3."""

    name = "liudong.certificates"
    verbose_name = "婚育证明 Certificates"

    def ready(self):
        # R3: the registers' 持证时间 / 办证时间 columns, by registration (registers sits below us).
        from liudong.registers.queries import add_row_filler

        from .registers import fill_register_rows

        add_row_filler(fill_register_rows)
        # C6: her certificates and the next verification due date on her record (the person page).
        from liudong.people.panels import add_panel

        from .panels import person_panel

        add_panel(person_panel)
        # Issue 16: the certificate passes with her to the node where she lives, and that node's
        # verifications come back to the issuing node (federation never imports us).
        from liudong.federation import handlers, handlers_person
        from liudong.federation.choices import EnvelopeType

        from . import node_certificates, services

        if node_certificates.certificate_changed not in services.CHANGED:
            services.CHANGED.append(node_certificates.certificate_changed)
            services.VERIFIED.append(node_certificates.verified)
        handlers_person.on_arrival_elsewhere(node_certificates.arrived_elsewhere)
        handlers.register(EnvelopeType.CERTIFICATE, node_certificates.apply_certificate)
        handlers.register(EnvelopeType.VERIFICATION, node_certificates.apply_verification)
