"""The locales editors translate pages into: one per content language (settings.WAGTAIL_CONTENT_LANGUAGES,
English, French and Spanish). Wagtail's own migrations made the default language's; the others are
added here, so a fresh site offers "Translate" on every page without a visit to Settings → Locales."""

from django.conf import settings
from django.db import migrations


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def remove_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    (Locale.objects.exclude(language_code=settings.LANGUAGE_CODE)
     .exclude(pk__in=Page.objects.values("locale_id")).delete())


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_asset_index_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_locales, remove_locales),
    ]
