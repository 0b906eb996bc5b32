"""P1: policy values are data with a jurisdiction (a division and its subtree) and an effective period."""
from django.db import models


class PolicyValue(models.Model):
    name = models.CharField("名称 name", max_length=80, db_index=True)
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField("生效 from")
    valid_to = models.DateField("失效 to (exclusive)", null=True, blank=True)
    value = models.JSONField("值 value")
    rule_set = models.CharField("规则集 set", max_length=60, blank=True)
    source = models.CharField("依据 source", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "division_id", "valid_from"]
        indexes = [models.Index(fields=["name", "division", "valid_from"])]

    def __str__(self):
        return f"{self.name}={self.value} @{self.division_id} from {self.valid_from}"
