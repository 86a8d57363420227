"""The catalogue's search: pg_trgm, a trigram index of lot titles, and one full-text index of the lot's
search document per language (auctions.search)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auctions', '0006_bid_indexes_covered'),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(fields=['title'], name='lot_title_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('real estate property house flat apartment building land villa office')), models.When(category='vehicle', then=models.Value('vehicle car automobile motorcycle motorbike truck lorry van')), models.When(category='vessel', then=models.Value('vessel boat ship yacht speedboat')), models.When(category='aircraft', then=models.Value('aircraft aeroplane airplane plane helicopter jet')), models.When(category='cash', then=models.Value('cash money banknotes')), models.When(category='bank_account', then=models.Value('bank account')), models.When(category='securities', then=models.Value('securities shares stocks bonds')), models.When(category='virtual_assets', then=models.Value('virtual assets cryptocurrency crypto bitcoin')), models.When(category='jewellery_art', then=models.Value('jewellery jewelry art watch ring necklace painting')), models.When(category='business', then=models.Value('business company')), models.When(category='livestock', then=models.Value('livestock cattle horses animals')), models.When(category='perishable', then=models.Value('perishable goods food')), models.When(category='other', then=models.Value('other')), default=models.Value(''), output_field=models.TextField()), config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector('description', config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), name='lot_search_english'),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='french', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('immobilier bien maison appartement immeuble terrain villa bureau')), models.When(category='vehicle', then=models.Value('véhicule voiture automobile auto moto motocyclette camion camionnette')), models.When(category='vessel', then=models.Value('navire bateau yacht vedette')), models.When(category='aircraft', then=models.Value('aéronef avion hélicoptère jet')), models.When(category='cash', then=models.Value('espèces argent billets')), models.When(category='bank_account', then=models.Value('compte bancaire')), models.When(category='securities', then=models.Value('titres actions obligations')), models.When(category='virtual_assets', then=models.Value('actifs virtuels cryptomonnaie crypto bitcoin')), models.When(category='jewellery_art', then=models.Value('bijoux joaillerie art montre bague collier tableau peinture')), models.When(category='business', then=models.Value('entreprise société fonds de commerce')), models.When(category='livestock', then=models.Value('bétail bovins chevaux animaux')), models.When(category='perishable', then=models.Value('denrées périssables aliments')), models.When(category='other', then=models.Value('autre')), default=models.Value(''), output_field=models.TextField()), config='french', weight='B'), django.contrib.postgres.search.SearchConfig('french')), '||', django.contrib.postgres.search.SearchVector('description', config='french', weight='C'), django.contrib.postgres.search.SearchConfig('french')), name='lot_search_french'),
        ),
        migrations.AddIndex(
            model_name='lot',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='spanish', weight='A'), '||', django.contrib.postgres.search.SearchVector(models.Case(models.When(category='real_estate', then=models.Value('inmueble propiedad casa piso apartamento edificio terreno villa oficina')), models.When(category='vehicle', then=models.Value('vehículo coche automóvil auto moto motocicleta camión furgoneta')), models.When(category='vessel', then=models.Value('buque barco embarcación yate lancha')), models.When(category='aircraft', then=models.Value('aeronave avión helicóptero jet')), models.When(category='cash', then=models.Value('efectivo dinero billetes')), models.When(category='bank_account', then=models.Value('cuenta bancaria')), models.When(category='securities', then=models.Value('valores acciones bonos')), models.When(category='virtual_assets', then=models.Value('activos virtuales criptomoneda cripto bitcoin')), models.When(category='jewellery_art', then=models.Value('joyas joyería arte reloj anillo collar cuadro pintura')), models.When(category='business', then=models.Value('empresa negocio sociedad')), models.When(category='livestock', then=models.Value('ganado reses caballos animales')), models.When(category='perishable', then=models.Value('perecederos alimentos')), models.When(category='other', then=models.Value('otro')), default=models.Value(''), output_field=models.TextField()), config='spanish', weight='B'), django.contrib.postgres.search.SearchConfig('spanish')), '||', django.contrib.postgres.search.SearchVector('description', config='spanish', weight='C'), django.contrib.postgres.search.SearchConfig('spanish')), name='lot_search_spanish'),
        ),
    ]
