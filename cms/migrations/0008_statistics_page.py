"""The statistics page, at /statistics/ under each site's home page (an editor may retitle it)."""

import django.db.models.deletion
import wagtail.contrib.routable_page.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from cms.tree import add_child

SLUG = "statistics"
TITLE = "Statistics"
INTRODUCTION = ("Every confiscated asset and every cent, in figures: what the agency holds, sold and gave for "
                "social reuse, where the money went, and how long each step took. Each chart has the table "
                "behind it, a download, and a note on how it is computed.")


def create_statistics_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    StatisticsPage = apps.get_model("cms", "StatisticsPage")

    content_type = ContentType.objects.get_or_create(app_label="cms", model="statisticspage")[0]
    now = timezone.now()
    for home in HomePage.objects.filter(depth=2):
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=SLUG).exists():
            continue  # an editor made one already
        add_child(StatisticsPage, Page.objects.get(pk=home.pk), locale_id=home.locale_id, live=True,
                  has_unpublished_changes=False, first_published_at=now, last_published_at=now, title=TITLE,
                  draft_title=TITLE, slug=SLUG, introduction=INTRODUCTION, content_type=content_type,
                  url_path=f"{home.url_path}{SLUG}/")


def remove_statistics_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    StatisticsPage = apps.get_model("cms", "StatisticsPage")
    for page in StatisticsPage.objects.all():
        parent_path = page.path[:-4]
        Page.objects.filter(pk=page.pk).delete()
        Page.objects.filter(path=parent_path).update(
            numchild=Page.objects.filter(path__startswith=parent_path, depth=page.depth).count())


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0007_content_locales'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatisticsPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('introduction', models.TextField(blank=True, help_text='One or two sentences shown under the title.', max_length=600, verbose_name='introduction')),
            ],
            options={
                'verbose_name': 'statistics page',
            },
            bases=(wagtail.contrib.routable_page.models.RoutablePageMixin, 'wagtailcore.page'),
        ),
        migrations.RunPython(create_statistics_page, remove_statistics_page),
    ]
