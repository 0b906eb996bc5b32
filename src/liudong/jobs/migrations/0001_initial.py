"""Export jobs (liudong.jobs)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='类型 kind')),
                ('format', models.CharField(max_length=8, verbose_name='格式 format')),
                ('params', models.JSONField(default=dict, verbose_name='参数 parameters')),
                ('title', models.CharField(max_length=200, verbose_name='标题 title')),
                ('state', models.CharField(choices=[('queued', '排队中 queued'), ('running', '正在生成 running'), ('done', '已完成 done'), ('failed', '失败 failed'), ('cancelled', '已取消 cancelled'), ('expired', '文件已过保存期限删除 expired')], default='queued', max_length=12, verbose_name='状态 state')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度 % progress')),
                ('rows_done', models.PositiveIntegerField(default=0)),
                ('rows_total', models.PositiveIntegerField(blank=True, null=True)),
                ('message', models.CharField(blank=True, max_length=300, verbose_name='说明 message')),
                ('requested_on', models.DateField(verbose_name='申请日期 requested on')),
                ('requested_at', models.DateTimeField(verbose_name='申请时间 requested at')),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('ticket', models.PositiveIntegerField(default=1)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('worker', models.CharField(blank=True, max_length=120, verbose_name='工作进程 worker')),
                ('file_path', models.CharField(blank=True, help_text='relative to settings.EXPORTS_DIR', max_length=200)),
                ('file_name', models.CharField(blank=True, max_length=200)),
                ('file_size', models.BigIntegerField(blank=True, null=True)),
                ('content_type', models.CharField(blank=True, max_length=100)),
                ('row_count', models.PositiveIntegerField(blank=True, null=True)),
                ('person_ids', models.JSONField(blank=True, default=list)),
                ('purged_at', models.DateTimeField(blank=True, null=True)),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人 owner')),
            ],
            options={
                'verbose_name': '导出任务 export job',
                'ordering': ['-requested_at', '-id'],
                'indexes': [models.Index(fields=['owner', 'requested_at'], name='jobs_export_owner_i_9fd0cc_idx'), models.Index(fields=['state'], name='jobs_export_state_27b8d5_idx')],
            },
        ),
    ]
