"""Landing-page panels of billing: money due, packages running out, the shelf's warnings."""

from django.urls import reverse

from core.dashboard import Panel
from core.models import Staff
from core.roles import allows

from .models import LessonPackage
from .roles import ROLES
from .selectors import goods_low_stock, packages_expiring, packages_owing


def _package_row(package: LessonPackage, text: str) -> dict:
    return {"text": f"{package.student.name} · {package.course}：{text}", "url": reverse("billing:package", args=[package.pk])}


def panels(staff: Staff) -> list[Panel]:
    result: list[Panel] = []
    if allows(ROLES["pay"], staff.role):
        due = packages_owing(staff.campus)[:10]
        result.append(
            Panel(
                title="待收学费",
                rows=[_package_row(p, f"尚欠 ¥{p.balance_due:.2f}（{p.get_payment_plan_display()}）") for p in due],
                empty="没有欠费",
                link=reverse("billing:due"),
                order=40,
            )
        )
        expiring = packages_expiring(staff.campus, within_days=30)[:10]
        result.append(
            Panel(
                title="30 天内到期的课时包",
                rows=[_package_row(p, f"剩 {p.lessons_left} 课时，{p.valid_until:%m-%d} 到期") for p in expiring],
                empty="近期没有到期的课时包",
                order=41,
            )
        )
    if allows(ROLES["shelf"], staff.role):
        result.append(
            Panel(
                title="库存预警",
                rows=[
                    {"text": f"{item}：剩 {item.stock}{item.unit}", "url": reverse("billing:goods_item", args=[item.pk])}
                    for item in goods_low_stock(staff.campus)[:10]
                ],
                empty="库存充足",
                link=reverse("billing:goods"),
                order=42,
            )
        )
    return result
