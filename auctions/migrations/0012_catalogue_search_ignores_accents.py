"""The catalogue's search ignores accents ("vehicule" finds "Véhicule", "liege" finds "Liège"): a
text-search configuration per language that unaccents words before stemming them
(auctions/sql/search_configurations.sql), the full-text indexes rebuilt in them (named after them) and
the trigram index of titles rebuilt on the titles without their accents (auctions.search)."""

import common.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# The text of auctions/sql/search_configurations.sql as this migration installed it.
CONFIGURATIONS_SQL = r"""
-- The catalogue's text-search configurations, one per language of the site (auctions.search): the
-- language's own (its stemmer and stop words), each word first without its accents (unaccent,
-- installed by common/sql/unaccent.sql), so that "vehicule" finds "Véhicule", "camion" "camión" and
-- "cafe" "Café". Words of plain ASCII letters (asciiword, asciihword ...) have no accent to lose and
-- keep the language's mapping.
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
-- A configuration cannot be replaced while the catalogue's indexes use it: each is created once, its
-- mapping set (again) each time.
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'english_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'french_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'spanish_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = spanish);
  END IF;
END
$do$;
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
ALTER TEXT SEARCH CONFIGURATION spanish_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('auctions', '0011_precious_metals_category'),
        ('common', '0001_unaccent_search'),
    ]

    operations = [
        migrations.RunSQL(CONFIGURATIONS_SQL, "DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent; "
                                              "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent; "
                                              "DROP TEXT SEARCH CONFIGURATION IF EXISTS spanish_unaccent;"),
        migrations.RemoveIndex(
            model_name='lot',
            name='lot_title_trgm',
        ),
        migrations.RemoveIndex(
            model_name='lot',
            name='lot_search_english',
        ),
        migrations.RemoveIndex(
            model_name='lot',
            name='lot_search_french',
        ),
        migrations.RemoveIndex(
            model_name='lot',
            name='lot_search_spanish',
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(common.search.Unaccented(models.F('title')), name='gin_trgm_ops'), name='lot_title_trgm'),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='english_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('real estate property house flat apartment building land villa office')), models.When(category='vehicle', then=models.Value('vehicle car automobile motorcycle motorbike truck lorry van')), models.When(category='vessel', then=models.Value('vessel boat ship yacht speedboat')), models.When(category='aircraft', then=models.Value('aircraft aeroplane airplane plane helicopter jet')), models.When(category='cash', then=models.Value('cash money banknotes')), models.When(category='bank_account', then=models.Value('bank account')), models.When(category='securities', then=models.Value('securities shares stocks bonds')), models.When(category='virtual_assets', then=models.Value('virtual assets cryptocurrency crypto bitcoin')), models.When(category='jewellery_art', then=models.Value('jewellery jewelry art watch ring necklace painting')), models.When(category='business', then=models.Value('business company')), models.When(category='livestock', then=models.Value('livestock cattle horses animals')), models.When(category='perishable', then=models.Value('perishable goods food')), models.When(category='other', then=models.Value('other')), default=models.Value(''), output_field=models.TextField()), config='english_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('english_unaccent')), '||', django.contrib.postgres.search.SearchVector('description', config='english_unaccent', weight='C'), django.contrib.postgres.search.SearchConfig('english_unaccent')), name='lot_search_english_unaccent'),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='french_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('immobilier bien maison appartement immeuble terrain villa bureau')), models.When(category='vehicle', then=models.Value('véhicule voiture automobile auto moto motocyclette camion camionnette')), models.When(category='vessel', then=models.Value('navire bateau yacht vedette')), models.When(category='aircraft', then=models.Value('aéronef avion hélicoptère jet')), models.When(category='cash', then=models.Value('espèces argent billets')), models.When(category='bank_account', then=models.Value('compte bancaire')), models.When(category='securities', then=models.Value('titres actions obligations')), models.When(category='virtual_assets', then=models.Value('actifs virtuels cryptomonnaie crypto bitcoin')), models.When(category='jewellery_art', then=models.Value('bijoux joaillerie art montre bague collier tableau peinture')), models.When(category='business', then=models.Value('entreprise société fonds de commerce')), models.When(category='livestock', then=models.Value('bétail bovins chevaux animaux')), models.When(category='perishable', then=models.Value('denrées périssables aliments')), models.When(category='other', then=models.Value('autre')), default=models.Value(''), output_field=models.TextField()), config='french_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('french_unaccent')), '||', django.contrib.postgres.search.SearchVector('description', config='french_unaccent', weight='C'), django.contrib.postgres.search.SearchConfig('french_unaccent')), name='lot_search_french_unaccent'),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='spanish_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('inmueble propiedad casa piso apartamento edificio terreno villa oficina')), models.When(category='vehicle', then=models.Value('vehículo coche automóvil auto moto motocicleta camión furgoneta')), models.When(category='vessel', then=models.Value('buque barco embarcación yate lancha')), models.When(category='aircraft', then=models.Value('aeronave avión helicóptero jet')), models.When(category='cash', then=models.Value('efectivo dinero billetes')), models.When(category='bank_account', then=models.Value('cuenta bancaria')), models.When(category='securities', then=models.Value('valores acciones bonos')), models.When(category='virtual_assets', then=models.Value('activos virtuales criptomoneda cripto bitcoin')), models.When(category='jewellery_art', then=models.Value('joyas joyería arte reloj anillo collar cuadro pintura')), models.When(category='business', then=models.Value('empresa negocio sociedad')), models.When(category='livestock', then=models.Value('ganado reses caballos animales')), models.When(category='perishable', then=models.Value('perecederos alimentos')), models.When(category='other', then=models.Value('otro')), default=models.Value(''), output_field=models.TextField()), config='spanish_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('spanish_unaccent')), '||', django.contrib.postgres.search.SearchVector('description', config='spanish_unaccent', weight='C'), django.contrib.postgres.search.SearchConfig('spanish_unaccent')), name='lot_search_spanish_unaccent'),
        ),
    ]
