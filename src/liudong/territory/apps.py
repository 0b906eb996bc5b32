from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    """J1 upkeep: loading code lists into the division tree, and the grids (网格) of villages with
    their pages, API, admin and the `liudong divisions` command. It needs accounts (roles, audit),
    so it sits above accounts; the tree itself (liudong.divisions, with the Grid table) sits below."""

    name = "liudong.territory"
    verbose_name = "辖区维护 Divisions and grids upkeep"
