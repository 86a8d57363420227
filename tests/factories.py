"""factory_boy factories. Assets are registered through the service, so every factory-made asset
has the first entry of its custody chain, as a real one would."""

import datetime
import io
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from pypdf import PdfWriter

from custody import services
from custody.models import Asset, AssetCategory, Case, CourtOrder, LegalBasis, OffenceType, StorageLocation


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF (A4 blank pages), as the document validators parse it."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_staff = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-for-tests-only")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CASE-2026-{n:05d}")
    title = factory.Sequence(lambda n: f"State v. Defendant {n}")
    court = "Regional Court of Example"
    jurisdiction = "BE"
    legal_basis = LegalBasis.CONVICTION
    offence_type = OffenceType.CORRUPTION
    country_of_origin = "BE"
    expected_decision_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))


class StorageLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StorageLocation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = "warehouse"
    daily_rate = Decimal("12.50")
    currency = "EUR"


class AssetFactory(factory.Factory):
    """Registers the asset through custody.services.asset_register."""

    class Meta:
        model = Asset

    case = factory.SubFactory(CaseFactory)
    category = AssetCategory.VEHICLE
    title = factory.Sequence(lambda n: f"Vehicle {n}")
    declared_value = Decimal("20000.00")
    currency = "EUR"
    actor = None

    @classmethod
    def _create(cls, model_class, actor=None, **kwargs):
        if actor is None:
            from custody import roles

            actor = UserFactory(username="registrar", role=roles.CASE_OFFICER)
        case = kwargs.pop("case")
        category = kwargs.pop("category")
        title = kwargs.pop("title")
        return services.asset_register(actor=actor, case=case, category=category, title=title, **kwargs)


class CourtOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourtOrder
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    order_type = "restraint"
    reference = factory.Sequence(lambda n: f"ORD-{n:05d}")
    issued_on = factory.LazyFunction(datetime.date.today)
    issuing_court = "Regional Court of Example"

    @factory.post_generation
    def assets(self, create, extracted, **kwargs):
        if create and extracted:
            self.assets.set(extracted)
