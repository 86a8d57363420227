"""The editor role (communications staff): the public site's pages, images, documents and menu.

Wagtail's own "Editors" and "Moderators" groups go when nobody is in them: they hold page rights on
the whole tree, are no role of this agency, and "Editors" beside "Editor" invites the wrong choice.
"""

from django.db import migrations

from cms.roles import grant_editor_permissions


def forwards(apps, schema_editor):
    grant_editor_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0002_home_page_and_site_menu"),
        ("custody", "0002_roles_and_append_only"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
