"""Every state x every transition of the asset life cycle, generated from the model's own table.

Given an asset brought lawfully to a state, when a permitted member of staff takes a transition
with the right court order and reason, then it succeeds if the table allows it from that state
(and the move is logged in the chain), and is refused with a readable message otherwise, leaving
the asset and its chain untouched.
"""

import pytest
from django_fsm import RETURN_VALUE

from common.exceptions import TransitionRefused
from custody import services
from custody.models import Asset, AssetStatus, CustodyEvent
from tests.custody.four_eyes import second_approver_for
from tests.custody.lifecycle import STATES, TRANSITION_NAMES, Driver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only
S = AssetStatus


def _table() -> dict[tuple[str, str], object]:
    """(source state, transition name) -> declared target, read from the @transition decorators."""
    field = Asset._meta.get_field("status")
    return {(t.source, t.name): t.target for t in field.get_all_transitions(Asset)}


TABLE = _table()

# The issue's life cycle, written out: the model's table must say exactly this.
EXPECTED_MOVES = {
    ("identified", "restrain"), ("identified", "seize"), ("restrained", "seize"),
    ("in_custody", "request_early_sale"), ("early_sale_requested", "reject_early_sale"),
    ("early_sale_requested", "authorise_early_sale"), ("early_sale_authorised", "put_up_for_sale"),
    ("awaiting_disposition", "put_up_for_sale"), ("for_sale", "withdraw_from_sale"), ("for_sale", "record_sale"),
    *{(s, "confiscate") for s in ["restrained", "in_custody", "early_sale_requested", "early_sale_authorised",
                                   "sold"]},
    ("confiscated", "refer_for_disposition"), ("awaiting_disposition", "dispose"),
    *{(s, "release") for s in ["identified", "restrained", "in_custody", "early_sale_requested",
                                "early_sale_authorised", "for_sale", "sold", "confiscated", "awaiting_disposition"]},
    ("confiscated", "return_to_state"), ("awaiting_disposition", "return_to_state"),
    *{(s, "destroy") for s in ["in_custody", "early_sale_requested", "early_sale_authorised", "for_sale",
                                "confiscated", "awaiting_disposition"]},
    *{(s, "declare_lost") for s in ["restrained", "in_custody", "early_sale_requested", "early_sale_authorised",
                                     "for_sale", "confiscated", "awaiting_disposition"]},
    # A revoked concession (issue 11): the asset given for social reuse or public use comes back.
    ("disposed", "take_back"),
}
# Taken only by disposition's revocation of a decision (custody.services.asset_disposition_step).
DISPOSITION_ONLY = {"take_back"}

# Where a transition's target depends on the asset's history (RETURN_VALUE), what it must be.
RETURN_TARGETS = {
    ("for_sale_early", "withdraw_from_sale"): S.EARLY_SALE_AUTHORISED,
    ("for_sale_after_confiscation", "withdraw_from_sale"): S.AWAITING_DISPOSITION,
    ("for_sale_early", "record_sale"): S.SOLD,  # proceeds go to escrow
    ("for_sale_after_confiscation", "record_sale"): S.DISPOSED,  # the sale is the disposition
    ("sold", "confiscate"): S.DISPOSED,  # the escrowed proceeds are what is confiscated
}

CASES = [(key, name) for key in STATES for name in TRANSITION_NAMES]


def _allowed(key: str, name: str) -> bool:
    return (str(STATES[key][0]), name) in TABLE


def _expected_target(key: str, name: str) -> str:
    target = TABLE[(str(STATES[key][0]), name)]
    if isinstance(target, RETURN_VALUE):
        return RETURN_TARGETS.get((key, name), S.CONFISCATED)
    return target


@pytest.fixture
def driver(case_officer, second_case_officer, approver, auction_manager):
    return Driver(requester=case_officer, endorser=approver, officer=case_officer, approver=approver,
                  seller=auction_manager)


def test_the_transition_table_is_the_issues_life_cycle():
    assert {(str(src), name) for src, name in TABLE} == EXPECTED_MOVES
    assert set(TRANSITION_NAMES) | DISPOSITION_ONLY == {name for _, name in TABLE}


def test_every_state_is_reachable_and_every_final_state_is_a_dead_end():
    assert {str(status) for status, _ in STATES.values()} == set(S.values)
    for final in [S.RELEASED, S.RETURNED, S.DESTROYED, S.LOST]:
        assert not any(src == final for src, _ in TABLE)
    # A disposed asset leaves only when its social-reuse or public-use concession is revoked.
    assert {name for src, name in TABLE if src == S.DISPOSED} == DISPOSITION_ONLY


@pytest.mark.parametrize("key,name", [c for c in CASES if _allowed(*c)], ids=lambda v: v)
def test_allowed_transition_succeeds_and_is_logged(driver, asset, key, name):
    # Given an asset lawfully in this state
    driver.bring_to(asset, key)
    if name == "authorise_early_sale":
        driver.do(asset, "endorse")  # the court's authorisation is recorded only after endorsement
        driver.notify_parties(asset)  # ... and once the owner and claimants were told
    before = CustodyEvent.objects.filter(asset=asset).count()
    actor = driver.default_actor(name)

    # When a permitted member of staff takes the transition with the right order and reason
    driver.do(asset, name, actor=actor)

    # Then the asset is in the target state and the move is the newest entry of an intact chain
    asset.refresh_from_db()
    assert asset.status == _expected_target(key, name)
    last = CustodyEvent.objects.filter(asset=asset).order_by("-seq").first()
    # (disposal takes two entries, the request and the second approver's approval: four eyes)
    four_eyes = name == "dispose"
    assert CustodyEvent.objects.filter(asset=asset).count() == before + (2 if four_eyes else 1)
    assert (last.transition, last.from_state, last.to_state, last.actor_id) == (
        name, STATES[key][0], asset.status, second_approver_for(actor).pk if four_eyes else actor.pk)
    if name in services.ORDER_REQUIRED:
        assert last.order is not None and last.order.order_type == services.ORDER_REQUIRED[name]
    assert services.custody_chain_verify(asset_ids=[asset.pk]) == []


@pytest.mark.parametrize("key,name", [c for c in CASES if not _allowed(*c)], ids=lambda v: v)
def test_refused_transition_says_why_and_changes_nothing(driver, asset, key, name):
    # Given an asset lawfully in this state
    driver.bring_to(asset, key)
    before = list(CustodyEvent.objects.filter(asset=asset).values_list("entry_hash", flat=True))

    # When staff whose role allows this transition try it, with an order and a reason
    with pytest.raises(TransitionRefused) as refused:
        driver.do(asset, name)

    # Then it is refused with a sentence a person can read, and nothing changed
    message = str(refused.value)
    assert message.endswith(".") and len(message) > 20
    assert "Transition" not in message and "<" not in message
    asset.refresh_from_db()
    assert asset.status == STATES[key][0]
    assert list(CustodyEvent.objects.filter(asset=asset).values_list("entry_hash", flat=True)) == before


def test_the_refusal_names_the_action_and_the_current_state(driver, asset):
    driver.bring_to(asset, "released")
    with pytest.raises(TransitionRefused) as refused:
        driver.do(asset, "confiscate")
    assert str(refused.value) == "“Confiscate” is not possible while the asset is “Released to owner”."
