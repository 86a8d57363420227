"""The public record's asset index at /assets/ under each site's home page, and the editors' (and
auditors') rights on published documents."""

from django.db import migrations
from django.utils import timezone

from cms.tree import add_child

SLUG = "assets"
TITLE = "Confiscated assets"
INTRODUCTION = ("Every asset confiscated by the courts, or sold early with its proceeds held until they decide, "
                "and what became of it.")


def forwards(apps, schema_editor):
    from cms.roles import RECORD_ROLE_PERMISSIONS
    from custody import roles

    roles.sync_roles(apps, "cms", RECORD_ROLE_PERMISSIONS)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    AssetIndexPage = apps.get_model("cms", "AssetIndexPage")
    kind = ContentType.objects.get_or_create(app_label="cms", model="assetindexpage")[0]
    now = timezone.now()
    for home in HomePage.objects.filter(depth=2):
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=SLUG).exists():
            continue  # an editor made a page there already
        add_child(AssetIndexPage, Page.objects.get(pk=home.pk), locale_id=home.locale_id, live=True,
                  has_unpublished_changes=False, first_published_at=now, last_published_at=now, title=TITLE,
                  draft_title=TITLE, slug=SLUG, introduction=INTRODUCTION, content_type=kind,
                  url_path=f"{home.url_path}{SLUG}/")


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    AssetIndexPage = apps.get_model("cms", "AssetIndexPage")
    for index in AssetIndexPage.objects.all():
        parent = Page.objects.get(path=index.path[:-4])
        Page.objects.filter(path__startswith=index.path).delete()
        Page.objects.filter(pk=parent.pk).update(
            numchild=Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count())


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0005_public_record"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
