"""The staff listings' search (common.search): pg_trgm, trigram indexes of references and identifiers
(their letters and digits), full-text and trigram indexes of asset titles and party names."""

import common.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('custody', '0005_early_sale_request_moves_to_valuation'),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name='asset',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Alnum(models.F('reference')), name='gin_trgm_ops'), name='asset_reference_code'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('title', config='simple'), name='asset_title_fts'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=django.contrib.postgres.indexes.GinIndex(fields=['title'], name='asset_title_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='assetidentifier',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Alnum(models.F('value')), name='gin_trgm_ops'), name='identifier_value_code'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Alnum(models.F('reference')), name='gin_trgm_ops'), name='case_reference_code'),
        ),
        migrations.AddIndex(
            model_name='party',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('name', config='simple'), name='party_name_fts'),
        ),
        migrations.AddIndex(
            model_name='party',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name'], name='party_name_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='party',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Alnum(models.F('identity_number')), name='gin_trgm_ops'), name='party_identity_code'),
        ),
    ]
