"""J1: the division tree nation > province > city > county > township > village.

A division is keyed by its 12-digit statistical code `PPCCDDTTTVVV`; every ancestor's code is a
prefix, so a subtree is a contiguous range of codes (the arithmetic is in `liudong.codes`).
"""
from django.conf import settings
from django.db import models

from liudong.codes import PREFIX_LENGTH, Level, code_range

from .kinds import Kind


class Division(models.Model):
    code = models.CharField("代码 code", max_length=12, primary_key=True)
    name = models.CharField("名称 name", max_length=100)
    level = models.PositiveSmallIntegerField("层级 level", choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    edition = models.CharField("版本 edition", max_length=40, blank=True, help_text="code list the row came from")
    # J2: district (区) or not, for the county-level divisions; learnt from the name when loaded
    # (divisions.kinds.kind_for, with its table of exceptions).
    kind = models.CharField("类别 kind", max_length=10, choices=Kind.choices, blank=True, default="")
    # J1, issue 14: missing from the newest edition of the village list that loaded it (撤销): kept,
    # since records point at it, with the label of the last edition that had it (`edition`); the
    # picker hides it unless asked, pages mark it 已撤销, its reports still open. db_default: the
    # list is inserted with COPY / executemany (codelists.insert_divisions), not the ORM.
    retired = models.BooleanField("已撤销 retired", default=False, db_default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划 division"

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def code_range(self) -> tuple[str, str]:
        return code_range(self.code)

    def contains(self, code: str | None) -> bool:
        return bool(code) and code.startswith(self.prefix)

    @property
    def county_code(self) -> str | None:
        return self.code[:6].ljust(12, "0") if self.level >= Level.COUNTY else None


class Grid(models.Model):
    """网格: a part of a village with the collector responsible for it (J1, part 6)."""

    village = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField("网格名称 name", max_length=100)
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids")

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="grid_unique_name_in_village")]

    def __str__(self):
        return f"{self.village.name} {self.name}"
