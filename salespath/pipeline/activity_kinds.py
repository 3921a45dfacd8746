"""The kinds of logged work. The pipeline's criteria name some of them as evidence (S4.7,
S5.1), so they are defined here, below the activities app that records the work."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Customer visit")
    PROSPECTING = "prospecting", _("Prospecting")
    GUIDANCE = "guidance", _("Product direction / white paper presentation")
    PRODUCT_OVERVIEW = "product_overview", _("Product overview")
    DEMO = "demo", _("Product demo")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
