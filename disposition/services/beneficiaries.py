"""Beneficiaries: the organisations assets and money may go to (models/reuse.py)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from common.transitions import require_perm

from ..models import Beneficiary

BENEFICIARY_FIELDS = ("name", "kind", "sector", "registration_number", "registration_data", "country",
                      "contact_name", "contact_email", "contact_phone", "contact_address", "public")


def _save(beneficiary: Beneficiary, fields: dict[str, Any]) -> Beneficiary:
    unknown = set(fields) - set(BENEFICIARY_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(beneficiary, name, value.strip() if isinstance(value, str) else value)
    beneficiary.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        raise DomainError(_("A beneficiary with this registration number is already registered in this country."),
                          field="registration_number") from None
    return beneficiary


@transaction.atomic
def beneficiary_create(*, actor, **fields: Any) -> Beneficiary:
    require_perm(actor, "disposition.add_beneficiary", _("Your role does not allow registering beneficiaries."))
    return _save(Beneficiary(), fields)


@transaction.atomic
def beneficiary_update(*, actor, beneficiary_id: int, **fields: Any) -> Beneficiary:
    require_perm(actor, "disposition.change_beneficiary", _("Your role does not allow changing beneficiaries."))
    beneficiary = Beneficiary.objects.select_for_update().filter(pk=beneficiary_id).first()
    if beneficiary is None:
        raise DomainError(_("There is no such beneficiary."))
    return _save(beneficiary, fields)
