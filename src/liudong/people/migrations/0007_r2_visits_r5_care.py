"""R2: visits (清理查验) and the day of the last check on a residence, with the follow-up index; R5: a parent unable to care on a family link."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('divisions', '0003_division_kind'),
        ('people', '0006_normalise_document_numbers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Visit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('visited_on', models.DateField(verbose_name='查验日期 visited on')),
                ('result', models.CharField(choices=[('checked', '在住，信息核实无误 still here, details checked'), ('corrected', '在住，信息已更正 still here, details corrected')], default='checked', max_length=10, verbose_name='结果 result')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明 note')),
                ('recorded_by_division', models.CharField(blank=True, max_length=12)),
            ],
            options={
                'ordering': ['person_id', 'visited_on', 'id'],
            },
        ),
        migrations.RemoveIndex(
            model_name='residence',
            name='residence_open_floating',
        ),
        migrations.AddField(
            model_name='familylink',
            name='parent_unable_to_care',
            field=models.BooleanField(db_default=False, default=False, verbose_name='父母无监护能力 parent unable to care'),
        ),
        migrations.AddField(
            model_name='residence',
            name='checked_on',
            field=models.DateField(blank=True, null=True, verbose_name='最近查验 last checked'),
        ),
        migrations.AddIndex(
            model_name='residence',
            index=models.Index(fields=['division', 'left_on', 'floating', 'arrived_on', 'checked_on'], name='residence_open_checked'),
        ),
        migrations.AddField(
            model_name='visit',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='people.person'),
        ),
        migrations.AddField(
            model_name='visit',
            name='residence',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='people.residence'),
        ),
        migrations.AddField(
            model_name='visit',
            name='visited_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['person', 'visited_on'], name='visit_person_day'),
        ),
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.UniqueConstraint(fields=('residence', 'visited_on'), name='visit_one_a_day'),
        ),
    ]
