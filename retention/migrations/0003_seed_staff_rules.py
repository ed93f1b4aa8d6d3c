"""The staff rules' defaults of API.md § Staff rules (seed 000 辅导中期 §1–8), plus
falsified_record (作弊者重罚): the chain's versions, in effect from 2000-01-01."""

from datetime import date
from decimal import Decimal

from django.db import migrations

W = {"level": "warning", "amount": "0.00"}
TALK = {"level": "transfer_talk", "amount": "0.00"}


def fine(amount):
    return {"level": "fine", "amount": amount}


# code, name, steps, supervisor's joint amount, principal's joint amount
DEFAULTS = [
    ("weekly_contact", "每周沟通（除排课通知外）", [W, fine("10.00")], "10.00", "0.00"),
    ("monthly_assessment", "月测评（每生每科每月）", [W, fine("10.00")], "10.00", "0.00"),
    ("monthly_plan", "辅导计划与方案（每生每月）", [W, fine("10.00")], "10.00", "0.00"),
    ("scheduling_refund", "排课原因造成退费", [fine("100.00")], "100.00", "0.00"),
    ("not_notified", "未通知到客户或任课老师", [W, fine("50.00"), TALK], "0.00", "0.00"),
    ("scheduling_error", "排课错误（撞课或排错科目）", [W, fine("50.00"), TALK], "0.00", "0.00"),
    ("reschedule_not_notified", "调课未通知到客户或任课教师", [W, fine("50.00"), TALK], "0.00", "0.00"),
    ("teacher_change_refund", "未满足更换教师要求造成退费", [fine("100.00")], "100.00", "0.00"),
    ("service_conduct", "服务：冲突、态度恶劣、不接电话、不参与挽单", [W, fine("100.00"), TALK], "0.00", "0.00"),
    ("frequent_teacher_change", "频繁更换任课老师：单科3次以上退费", [fine("100.00")], "100.00", "0.00"),
    ("low_satisfaction", "客服电话调查满意度低", [W, fine("50.00"), TALK], "0.00", "0.00"),
    ("lessons_overused", "课时上超（班主任扣超出的课时费用）", [fine(None)], "50.00", "50.00"),
    ("falsified_record", "作弊者重罚（回访不实）", [fine("100.00"), TALK], "0.00", "0.00"),
]


def seed(apps, schema_editor):
    StaffRule = apps.get_model("retention", "StaffRule")
    for code, name, steps, supervisor, principal in DEFAULTS:
        StaffRule.objects.get_or_create(
            campus=None,
            code=code,
            effective_from=date(2000, 1, 1),
            defaults={
                "name": name,
                "steps": steps,
                "supervisor_amount": Decimal(supervisor),
                "principal_amount": Decimal(principal),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_staff_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
