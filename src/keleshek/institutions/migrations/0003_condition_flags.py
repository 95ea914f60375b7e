"""Emergency condition and three shifts as two independent flags (ADR 0162).

The single ``condition`` choice allowed a school to be either emergency or three-shift; the
flags are added, filled from it (every record kept: "emergency" sets the emergency flag,
"three_shift" the three-shift flag, and a year with pupils in a third shift is three-shift
whatever its old choice), and the choice is dropped.
"""

from django.db import migrations, models
from django.db.models import Q


def forward(apps, schema_editor):
    for name in ("Institution", "InstitutionYear"):
        model = apps.get_model("institutions", name)
        model.objects.filter(condition="emergency").update(is_emergency=True)
        model.objects.filter(condition="three_shift").update(is_three_shift=True)
    year = apps.get_model("institutions", "InstitutionYear")
    year.objects.filter(Q(pupils_shift3__gt=0) | Q(shifts__gte=3)).update(is_three_shift=True)


def backward(apps, schema_editor):
    for name in ("Institution", "InstitutionYear"):
        model = apps.get_model("institutions", name)
        model.objects.filter(is_three_shift=True).update(condition="three_shift")
        # emergency wins when both hold: the old choice could say only one
        model.objects.filter(is_emergency=True).update(condition="emergency")


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_website_http_only")]

    operations = [
        migrations.AddField(
            model_name="institution",
            name="is_emergency",
            field=models.BooleanField(default=False, verbose_name="emergency condition"),
        ),
        migrations.AddField(
            model_name="institution",
            name="is_three_shift",
            field=models.BooleanField(default=False, verbose_name="three-shift"),
        ),
        migrations.AddField(
            model_name="institutionyear",
            name="is_emergency",
            field=models.BooleanField(default=False, verbose_name="emergency condition"),
        ),
        migrations.AddField(
            model_name="institutionyear",
            name="is_three_shift",
            field=models.BooleanField(default=False, verbose_name="three-shift"),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="institution", name="condition"),
        migrations.RemoveField(model_name="institutionyear", name="condition"),
    ]
