"""Outbid e-mails go through an outbox: the bid that takes someone's lead writes an OutbidNotice in
its own transaction, and a task sends the pending notices shortly after. What a bidder notices: one
e-mail for losing the lead, however often it happened before the e-mail went out, none if they lead
again by then, and never the same e-mail twice. The database function `auctions_place_bid` writes
the notice."""

import smtplib
import threading
from unittest import mock

import psycopg
import pytest
from django.core import mail
from django.db import connection, transaction

from auctions import tasks
from auctions.exceptions import BidRefused
from auctions.models import Lot, OutbidNotice
from auctions.services import bidding

pytestmark = pytest.mark.django_db


def place(lot, bidder, amount):
    return bidding.lot_place_bid(lot_id=lot.pk, bidder=bidder, max_amount=amount)


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def notices(lot, user) -> list[tuple[bool, bool]]:
    """(sent, skipped) of each notice for this bidder on this lot, oldest first."""
    return [(sent_at is not None, skipped) for sent_at, skipped in
            OutbidNotice.objects.filter(lot=lot, user=user).order_by("id").values_list("sent_at", "skipped")]


def test_an_outbid_bidder_gets_one_email_however_often_outbid_before_it_goes_out(lot, bidder_factory):
    # Given Alice, outbid by Bob, leading again, and outbid by Carol before any e-mail went out
    alice, bob, carol = bidder_factory(), bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    place(lot, alice, "400")
    place(lot, carol, "1000")
    # When the pending notices are sent
    sent = tasks.send_outbid_notices()
    # Then Alice gets one e-mail, Bob (outbid once) one, and Carol, who leads, none
    assert sent == 2
    assert len(mails_to(alice)) == 1 and len(mails_to(bob)) == 1 and mails_to(carol) == []
    message = mails_to(alice)[0]
    assert f"lot {lot.number}" in message.subject and "outbid" in message.subject
    assert "410.00" in message.body and f"/auctions/lots/{lot.pk}/" in message.body
    assert notices(lot, alice) == [(True, False)]


def test_a_bidder_who_leads_again_by_then_gets_no_email(lot, bidder_factory):
    # Given Alice outbid by Bob, who then takes the lead back
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    place(lot, alice, "1000")
    # When the notices are sent
    assert tasks.send_outbid_notices() == 1
    # Then only Bob, outbid now, is told; Alice's notice is settled as skipped
    assert mails_to(alice) == [] and len(mails_to(bob)) == 1
    assert notices(lot, alice) == [(True, True)]
    assert notices(lot, bob) == [(True, False)]


def test_a_bidder_without_an_email_address_is_skipped(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    type(alice).objects.filter(pk=alice.pk).update(email="")
    assert tasks.send_outbid_notices() == 0
    assert mail.outbox == [] and notices(lot, alice) == [(True, True)]


def test_only_a_bid_that_takes_the_lead_writes_a_notice(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "500")  # the first bid outbids nobody
    with pytest.raises(BidRefused):
        place(lot, bob, "101")  # refused: below the next minimum
    place(lot, bob, "400")  # accepted, but Alice's earlier maximum keeps the lead
    place(lot, bob, "500")  # a tie keeps the lead too
    place(lot, alice, "900")  # the leader raising her own maximum
    assert not OutbidNotice.objects.exists()
    assert tasks.send_outbid_notices() == 0 and mail.outbox == []


def test_the_notice_is_written_in_the_bids_transaction(lot, bidder_factory):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    # Given a transaction in which Bob's bid takes the lead, then something fails
    with pytest.raises(RuntimeError), transaction.atomic():
        place(lot, bob, "300")
        assert notices(lot, alice) == [(False, False)]  # written with the bid, before any commit
        raise RuntimeError("the request failed after the bid")
    # Then the bid and its notice are gone together: Alice still leads and is told nothing
    assert Lot.objects.values_list("leader_id", "bid_count").get(pk=lot.pk) == (alice.pk, 1)
    assert not OutbidNotice.objects.exists()
    assert tasks.send_outbid_notices() == 0 and mail.outbox == []


def test_sending_twice_sends_nothing_twice(lot, bidder_factory):
    alice, bob, carol = bidder_factory(), bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    assert tasks.send_outbid_notices() == 1
    # When the send runs again (a second worker, the sweep, a retried task), nobody hears twice
    assert tasks.send_outbid_notices() == 0
    tasks.sweep()
    assert len(mails_to(alice)) == 1
    # But losing the lead again after the e-mail went out is a new e-mail
    place(lot, alice, "1000")
    place(lot, carol, "2000")
    assert tasks.send_outbid_notices() == 2
    assert len(mails_to(alice)) == 2 and len(mails_to(bob)) == 1 and mails_to(carol) == []
    assert notices(lot, alice) == [(True, False), (True, False)]


def test_the_minute_sweep_sends_pending_notices(lot, bidder_factory):
    # Given a notice whose kick was lost (the bid's on-commit task never ran)
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    assert mail.outbox == []
    # When the periodic sweep runs, Alice is told
    tasks.sweep()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert notices(lot, alice) == [(True, False)]


def test_an_outbidding_bid_kicks_a_send_when_it_commits(lot, bidder_factory, django_capture_on_commit_callbacks):
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    with django_capture_on_commit_callbacks(execute=True):
        place(lot, bob, "300")
        assert mail.outbox == [], "nothing is sent before the bid commits"
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert notices(lot, alice) == [(True, False)]


def test_a_bid_that_outbids_nobody_kicks_nothing(lot, bidder_factory, django_capture_on_commit_callbacks,
                                                 monkeypatch):
    send = mock.Mock()
    monkeypatch.setattr(tasks, "send_outbid_notices", send)
    alice, bob = bidder_factory(), bidder_factory()
    with django_capture_on_commit_callbacks(execute=True):
        place(lot, alice, "500")
        place(lot, bob, "300")
        place(lot, alice, "900")
    assert send.mock_calls == []


def test_kicks_are_at_most_one_task_a_second(lot, bidder_factory, django_capture_on_commit_callbacks, monkeypatch,
                                             settings):
    # Given a worker behind a broker (tasks are not run in-process)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    send = mock.Mock()
    monkeypatch.setattr(tasks, "send_outbid_notices", send)
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    # When three bids take the lead in turn and commit within the same second
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(lot, bob, "300")
        place(lot, alice, "400")
        place(lot, bob, "500")
    for callback in callbacks:
        callback()
    # Then one task is queued, a second later, to send whatever is pending by then
    assert send.mock_calls == [mock.call.apply_async(countdown=1)]
    assert OutbidNotice.objects.filter(sent_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sending_notices_does_not_hold_up_bids_on_the_lot(lot, bidder_factory, monkeypatch):
    settings_dict = connection.settings_dict
    dsn = dict(dbname=settings_dict["NAME"], user=settings_dict["USER"], host=settings_dict["HOST"] or None,
               port=settings_dict["PORT"] or None, password=settings_dict["PASSWORD"] or None)
    lot_free_while_sending = []

    def send_mail(*args, **kwargs):
        # While the e-mail goes out, another web process takes the lot's lock for a bid
        def bid_elsewhere():
            with psycopg.connect(**dsn) as other:
                try:
                    other.execute("SELECT id FROM auctions_lot WHERE id = %s FOR UPDATE NOWAIT", [lot.pk])
                    lot_free_while_sending.append(True)
                except psycopg.errors.LockNotAvailable:
                    lot_free_while_sending.append(False)

        worker = threading.Thread(target=bid_elsewhere)
        worker.start()
        worker.join(timeout=10)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    # When Bob outbids Alice, and the send his bid kicks on commit runs (at once: tasks run eagerly here)
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    # Then the lot was free for other bids while Alice's e-mail went out
    assert notices(lot, alice) == [(True, False)]
    assert lot_free_while_sending == [True]


# ---- a failing address ----


def test_a_failing_address_does_not_make_others_hear_twice(lot, bidder_factory, monkeypatch):
    # Given Alice outbid (her notice is the oldest), then Bob, whose mail server refuses the e-mail
    alice, bob, carol = bidder_factory(), bidder_factory(), bidder_factory()
    place(lot, alice, "200")
    place(lot, bob, "300")
    place(lot, carol, "400")
    real_send_mail = tasks.send_mail

    def send_mail(subject, body, sender, recipients, **kwargs):
        if recipients == [bob.email]:
            raise smtplib.SMTPRecipientsRefused({bob.email: (550, b"mailbox unavailable")})
        return real_send_mail(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    # When the send runs twice (a retry, then the sweep)
    for _ in range(2):
        tasks.send_outbid_notices()
    # Then Alice has been told once, not once per run, and Bob's notice says why he was not
    assert len(mails_to(alice)) == 1 and mails_to(bob) == []
    failed = OutbidNotice.objects.get(lot=lot, user=bob)
    assert failed.sent_at is not None and "SMTPRecipientsRefused" in failed.error


def test_the_outbid_email_writes_the_price_as_people_read_it(lot, bidder_factory):
    # Given Alice outbid on a lot whose price passes a thousand
    alice, bob = bidder_factory(), bidder_factory()
    place(lot, alice, "1200")
    place(lot, bob, "2500")
    # When the notice goes out
    tasks.send_outbid_notices()
    # Then its price is grouped and carries its currency, as on the lot page (not "1250.00 EUR")
    price = Lot.objects.get(pk=lot.pk).current_price
    body = mails_to(alice)[0].body
    assert price > 1000 and f"{price:,.2f} {lot.currency}" in body and f"{price:.2f}" not in body
