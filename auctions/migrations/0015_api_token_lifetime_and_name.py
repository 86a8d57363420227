"""API tokens get a name and an expiry. Tokens obtained before this live the configured lifetime from
when they were obtained (those older than that expire at once); the oldest live tokens of a user
beyond the per-user limit are revoked."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _give_lifetimes(apps, schema_editor):
    ApiToken = apps.get_model("auctions", "ApiToken")
    days = datetime.timedelta(days=settings.AUCTIONS_API_TOKEN_LIFETIME_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=models.F("created_at") + days)
    now, keep = timezone.now(), settings.AUCTIONS_API_TOKENS_PER_USER
    live = ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
    for user_id in live.values_list("user_id", flat=True).distinct():
        extra = list(live.filter(user_id=user_id).order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
        ApiToken.objects.filter(pk__in=extra).update(revoked_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ('auctions', '0014_lot_defaulted_bidder_probation'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='name',
            field=models.CharField(blank=True, help_text='What the token is for, as its owner named it.',
                                   max_length=100, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(_give_lifetimes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name='apitoken',
            index=models.Index(condition=models.Q(('revoked_at__isnull', True)), fields=['user', 'created_at'],
                               name='auctions_apitoken_user_created'),
        ),
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))),
                                              name='auctions_apitoken_expires_after_creation'),
        ),
    ]
