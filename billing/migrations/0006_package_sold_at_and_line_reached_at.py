from django.db import migrations, models
from django.db.models import F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce


def from_the_ledger(apps, schema_editor) -> None:
    # Each package's sale is its `bought` entry's moment (the package's creation, for one
    # without); the renewal line reached is its earliest use that left 30% or less of its
    # lessons, bonus included, rounded down (billing.models.RENEWAL_SHARE when written).
    LessonPackage = apps.get_model("billing", "LessonPackage")
    HistoricalLessonPackage = apps.get_model("billing", "HistoricalLessonPackage")
    LedgerEntry = apps.get_model("billing", "LedgerEntry")
    entries = LedgerEntry.objects.filter(package=OuterRef("pk")).order_by().values("package")
    LessonPackage.objects.update(
        sold_at=Coalesce(
            Subquery(entries.filter(kind="bought").annotate(first=Min("occurred_at")).values("first")),
            F("created_at"),
        ),
        line_reached_at=Subquery(
            entries.filter(kind="used", balance_after__lte=(OuterRef("lessons") + OuterRef("bonus_lessons")) * 3 / 10)
            .annotate(first=Min("occurred_at"))
            .values("first")
        ),
    )
    sold = LessonPackage.objects.filter(pk=OuterRef("id")).values("sold_at")
    HistoricalLessonPackage.objects.update(sold_at=Coalesce(Subquery(sold), F("created_at")))


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0005_package_plan_and_lesson_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallessonpackage",
            name="sold_at",
            field=models.DateTimeField(null=True, verbose_name="购买时间"),
        ),
        migrations.AddField(
            model_name="lessonpackage",
            name="sold_at",
            field=models.DateTimeField(null=True, verbose_name="购买时间"),
        ),
        migrations.AddField(
            model_name="lessonpackage",
            name="line_reached_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="到续费线时间"),
        ),
        migrations.RunPython(from_the_ledger, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicallessonpackage",
            name="sold_at",
            field=models.DateTimeField(verbose_name="购买时间"),
        ),
        migrations.AlterField(
            model_name="lessonpackage",
            name="sold_at",
            field=models.DateTimeField(verbose_name="购买时间"),
        ),
    ]
