"""The staff listings' search ignores accents ("elodie" finds "Élodie", "liege" finds "Liège"): the
full-text and trigram indexes of asset titles and party names are rebuilt on the words without their
accents (common.search, common/sql/unaccent.sql)."""

import common.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('custody', '0010_precious_metals_category'),
        ('common', '0001_unaccent_search'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='asset',
            name='asset_title_fts',
        ),
        migrations.RemoveIndex(
            model_name='asset',
            name='asset_title_trgm',
        ),
        migrations.RemoveIndex(
            model_name='party',
            name='party_name_fts',
        ),
        migrations.RemoveIndex(
            model_name='party',
            name='party_name_trgm',
        ),
        migrations.AddIndex(
            model_name='asset',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('title', config='simple_unaccent'), name='asset_title_fts'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Unaccented(models.F('title')), name='gin_trgm_ops'), name='asset_title_trgm'),
        ),
        migrations.AddIndex(
            model_name='party',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('name', config='simple_unaccent'), name='party_name_fts'),
        ),
        migrations.AddIndex(
            model_name='party',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Unaccented(models.F('name')), name='gin_trgm_ops'), name='party_name_trgm'),
        ),
    ]
