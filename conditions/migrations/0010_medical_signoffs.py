"""Medical sign-offs: every published page points at the record of who approved it (conditions.publishing).

Pages published before sign-offs existed get one recorded from their review fields ("reviewed by" text and date),
marked as such, so the constraint "published needs a sign-off" holds from the start. A draft copy that was
published (a defect this release closes) goes back to draft: it was never meant to be a page of its own.
"""

import datetime

import conditions.models
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


NOT_RECORDED = "Reviewer not recorded"


def record_existing_reviews(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    SignOff = apps.get_model("conditions", "SignOff")
    for name in ("Condition", "Treatment", "ResearchArticle"):
        model = apps.get_model("conditions", name)
        content_type, _created = ContentType.objects.get_or_create(app_label="conditions", model=name.lower())
        model.objects.filter(draft_of__isnull=False, status="published").update(status="draft")
        for page in model.objects.filter(status="published"):
            reviewed_by = getattr(page, "reviewed_by", "") or NOT_RECORDED
            name_part, _comma, credentials = reviewed_by.rpartition(", ")
            if not name_part or len(credentials) > 20:  # "Arif Hussain, DO" -> name and credentials
                name_part, credentials = reviewed_by, ""
            last_reviewed = getattr(page, "last_reviewed", None)
            when = page.published_at or django.utils.timezone.now()
            if last_reviewed:
                when = django.utils.timezone.make_aware(
                    datetime.datetime.combine(last_reviewed, datetime.time(12)), datetime.UTC
                )
            signoff = SignOff.objects.create(
                content_type=content_type,
                object_id=page.pk,
                reviewer=None,
                reviewer_name=name_part[:200],
                reviewer_credentials=credentials[:100],
                signed_at=when,
                edit_version=page.edit_version,
                content_digest="",
                note="Recorded from the page's review fields when sign-offs were introduced",
            )
            model.objects.filter(pk=page.pk).update(signoff=signoff)


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0009_slug_help_texts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('comment', models.TextField(verbose_name='what to change')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
            ],
            options={
                'verbose_name': 'change request',
                'verbose_name_plural': 'change requests',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SignOff',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('reviewer_name', models.CharField(max_length=200, verbose_name="reviewer's name")),
                ('reviewer_credentials', models.CharField(blank=True, max_length=100, verbose_name='credentials')),
                ('signed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='signed off')),
                ('edit_version', models.PositiveIntegerField(verbose_name='edit number')),
                ('content_digest', models.CharField(max_length=64, verbose_name='content digest')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
            ],
            options={
                'verbose_name': 'medical sign-off',
                'verbose_name_plural': 'medical sign-offs',
                'ordering': ['-signed_at', '-pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='researcharticle',
            name='research_unique_doi',
        ),
        migrations.RemoveConstraint(
            model_name='researcharticle',
            name='research_unique_pmid',
        ),
        migrations.AddField(
            model_name='condition',
            name='preview_key',
            field=models.CharField(default=conditions.models.random_key, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='researcharticle',
            name='preview_key',
            field=models.CharField(default=conditions.models.random_key, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='treatment',
            name='preview_key',
            field=models.CharField(default=conditions.models.random_key, editable=False, max_length=32),
        ),
        migrations.AlterField(
            model_name='condition',
            name='last_reviewed',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='last reviewed'),
        ),
        migrations.AlterField(
            model_name='treatment',
            name='last_reviewed',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='last reviewed'),
        ),
        migrations.AddField(
            model_name='changerequest',
            name='content_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddField(
            model_name='changerequest',
            name='reviewer',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewer'),
        ),
        migrations.AddField(
            model_name='signoff',
            name='content_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddField(
            model_name='signoff',
            name='reviewer',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewer'),
        ),
        migrations.AddField(
            model_name='condition',
            name='signoff',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conditions.signoff', verbose_name='medical sign-off'),
        ),
        migrations.AddField(
            model_name='researcharticle',
            name='signoff',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conditions.signoff', verbose_name='medical sign-off'),
        ),
        migrations.AddField(
            model_name='treatment',
            name='signoff',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conditions.signoff', verbose_name='medical sign-off'),
        ),
        migrations.RunPython(record_existing_reviews, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='condition',
            name='reviewed_by',
        ),
        migrations.RemoveField(
            model_name='treatment',
            name='reviewed_by',
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('signoff__isnull', False), _connector='OR'), name='condition_published_is_signed_off'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('draft_of__isnull', True), models.Q(('status', 'published'), _negated=True), _connector='OR'), name='condition_draft_copy_never_published'),
        ),
        migrations.AddConstraint(
            model_name='researcharticle',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('doi'), condition=models.Q(models.Q(('doi', ''), _negated=True), ('draft_of__isnull', True)), name='research_unique_doi'),
        ),
        migrations.AddConstraint(
            model_name='researcharticle',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('pmid', ''), _negated=True), ('draft_of__isnull', True)), fields=('pmid',), name='research_unique_pmid'),
        ),
        migrations.AddConstraint(
            model_name='researcharticle',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('signoff__isnull', False), _connector='OR'), name='research_published_is_signed_off'),
        ),
        migrations.AddConstraint(
            model_name='researcharticle',
            constraint=models.CheckConstraint(condition=models.Q(('draft_of__isnull', True), models.Q(('status', 'published'), _negated=True), _connector='OR'), name='research_draft_copy_never_published'),
        ),
        migrations.AddConstraint(
            model_name='treatment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('signoff__isnull', False), _connector='OR'), name='treatment_published_is_signed_off'),
        ),
        migrations.AddConstraint(
            model_name='treatment',
            constraint=models.CheckConstraint(condition=models.Q(('draft_of__isnull', True), models.Q(('status', 'published'), _negated=True), _connector='OR'), name='treatment_draft_copy_never_published'),
        ),
        migrations.AddIndex(
            model_name='changerequest',
            index=models.Index(fields=['content_type', 'object_id', '-created_at'], name='changerequest_page_latest'),
        ),
        migrations.AddIndex(
            model_name='signoff',
            index=models.Index(fields=['content_type', 'object_id', '-signed_at'], name='signoff_page_latest'),
        ),
    ]
