"""Security classification levels (Law 117/2025/QH15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    UNCLASSIFIED = 0, _("Unclassified")
    CONFIDENTIAL = 1, _("Confidential (Mật)")
    SECRET = 2, _("Secret (Tối mật)")
    TOP_SECRET = 3, _("Top secret (Tuyệt mật)")


# The stamp printed and shown on pages; the unclassified level is internal circulation.
STAMPS = {
    Classification.UNCLASSIFIED: "LƯU HÀNH NỘI BỘ",
    Classification.CONFIDENTIAL: "MẬT",
    Classification.SECRET: "TỐI MẬT",
    Classification.TOP_SECRET: "TUYỆT MẬT",
}
