"""`manage.py auctions_sweep`: what beat's sweep does, for `make demo` without Redis (no beat runs
there), so that the demo's lots close when they end."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from auctions.models import Lot, LotStatus

pytestmark = pytest.mark.django_db


def test_the_sweep_closes_a_lot_past_its_end(lot):
    Lot.objects.filter(pk=lot.pk).update(ends_at=lot.ends_at - datetime.timedelta(days=10),
                                         original_ends_at=lot.ends_at - datetime.timedelta(days=10))
    out = StringIO()
    call_command("auctions_sweep", stdout=out)
    lot.refresh_from_db()
    assert lot.status == LotStatus.UNSOLD
    assert "closed 1 lots" in out.getvalue()


def test_a_negative_interval_is_refused():
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("auctions_sweep", every=-1)
