"""The public record's disposition pages: /dispositions/ under each site's home page (an index of the
decisions carried out), a page per decision, and published documents linked to decisions."""


import cms.blocks
import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from cms.tree import add_child

SLUG = "dispositions"
TITLE = "What became of them"
INTRODUCTION = ("Every decision on a confiscated asset or on confiscated money, once carried out: who received it, "
                "what it is used for, how it is monitored, and every cent allocated and paid.")


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    DispositionIndexPage = apps.get_model("cms", "DispositionIndexPage")
    kind = ContentType.objects.get_or_create(app_label="cms", model="dispositionindexpage")[0]
    now = timezone.now()
    for home in HomePage.objects.filter(depth=2):
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=SLUG).exists():
            continue  # an editor made a page there already
        add_child(DispositionIndexPage, Page.objects.get(pk=home.pk), locale_id=home.locale_id, live=True,
                  has_unpublished_changes=False, first_published_at=now, last_published_at=now, title=TITLE,
                  draft_title=TITLE, slug=SLUG, introduction=INTRODUCTION, content_type=kind,
                  url_path=f"{home.url_path}{SLUG}/")


def remove_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    DispositionIndexPage = apps.get_model("cms", "DispositionIndexPage")
    for index in DispositionIndexPage.objects.all():
        parent_path = index.path[:-4]
        Page.objects.filter(path__startswith=index.path).delete()
        Page.objects.filter(path=parent_path).update(
            numchild=Page.objects.filter(path__startswith=parent_path, depth=index.depth).count())


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0008_statistics_page'),
        ('disposition', '0009_reuse_roles'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='DispositionIndexPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('introduction', models.TextField(blank=True, max_length=600, verbose_name='introduction')),
            ],
            options={
                'verbose_name': 'disposition index page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.AddField(
            model_name='publisheddocument',
            name='decisions',
            field=models.ManyToManyField(blank=True, related_name='published_documents', to='disposition.dispositiondecision', verbose_name='disposition decisions'),
        ),
        migrations.CreateModel(
            name='DispositionPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 6), ('call_to_action', 13), ('links', 16), ('auction_figures', 18)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'max_length': 150}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Heading'), ('h3', 'Subheading')], 'help_text': "Subheadings sit under a heading; the page's title is above both."}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'document-link', 'ol', 'ul'], 'icon': 'pilcrow', 'label': 'Text', 'template': 'cms/blocks/paragraph.html'}), 4: ('wagtail.images.blocks.ImageBlock', [], {'help_text': 'Describe the image for people who cannot see it, or mark it decorative.'}), 5: ('wagtail.blocks.CharBlock', (), {'max_length': 250, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('image', 4), ('caption', 5)]], {}), 7: ('wagtail.blocks.CharBlock', (), {'max_length': 120}), 8: ('wagtail.blocks.TextBlock', (), {'max_length': 400, 'required': False}), 9: ('wagtail.blocks.CharBlock', (), {'help_text': "The words people click. Leave empty to use the page's title.", 'max_length': 80, 'required': False}), 10: ('wagtail.blocks.PageChooserBlock', (), {'required': False}), 11: ('wagtail.blocks.CharBlock', (), {'help_text': 'A path on this site such as /auctions/, or a full address.', 'label': 'or address', 'max_length': 500, 'required': False, 'validators': [cms.blocks.validate_link_url]}), 12: ('wagtail.blocks.StructBlock', [[('label', 9), ('page', 10), ('url', 11)]], {}), 13: ('wagtail.blocks.StructBlock', [[('heading', 7), ('text', 8), ('link', 12)]], {}), 14: ('wagtail.blocks.CharBlock', (), {'max_length': 120, 'required': False}), 15: ('wagtail.blocks.ListBlock', (12,), {'min_num': 1}), 16: ('wagtail.blocks.StructBlock', [[('heading', 14), ('links', 15)]], {}), 17: ('wagtail.blocks.CharBlock', (), {'default': 'The auctions today', 'max_length': 120}), 18: ('wagtail.blocks.StructBlock', [[('heading', 17)]], {})}, help_text='Optional: the story of this decision. The figures are added from the records: do not type them here, and never name a person.', verbose_name='story')),
                ('decision', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='public_page', to='disposition.dispositiondecision', verbose_name='decision')),
            ],
            options={
                'verbose_name': 'disposition page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.RunPython(create_index, remove_index),
    ]
