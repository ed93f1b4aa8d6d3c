from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, Campus


class Reader(models.Model):
    """A card reader at a campus's reception: a kiosk browser or the reader agent."""

    name = models.CharField(_("名称"), max_length=100)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="readers", verbose_name=_("校区"))
    token = models.OneToOneField(ApiToken, on_delete=models.PROTECT, related_name="reader")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("读卡器")
        verbose_name_plural = _("读卡器")
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="reader_unique_name_per_campus")]

    def __str__(self) -> str:
        return f"{self.name}（{self.campus}）"
