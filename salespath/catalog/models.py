"""Product categories (提供的产品) that opportunity lines are sold in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salespath.localize import localized


class ProductCategory(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)
