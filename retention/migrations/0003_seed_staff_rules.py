"""The staff rules' defaults of API.md § Staff rules (seed 000 辅导中期 §1–8), plus
falsified_record (作弊者重罚): the chain's versions, in effect from 2000-01-01. The same
defaults are restored after every migrate when missing (`seed_staff_rules`)."""

from django.db import migrations


def seed(apps, schema_editor):
    from retention.models.staff import create_default_rules

    create_default_rules(apps.get_model("retention", "StaffRule"))


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_staff_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
