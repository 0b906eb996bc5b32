from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """R3: the inflow and outflow registers, as views of the residence history."""

    name = "liudong.registers"
    verbose_name = "登记册 Registers"
