"""Shared fixtures: one user per staff role, and a case with a registered asset."""

import pytest

from custody import roles
from tests.factories import AssetFactory, CaseFactory, UserFactory

ROLE_FIXTURES = {
    "case_officer": roles.CASE_OFFICER,
    "custodian": roles.CUSTODIAN,
    "valuer": roles.VALUER,
    "auction_manager": roles.AUCTION_MANAGER,
    "finance_officer": roles.FINANCE_OFFICER,
    "approver": roles.APPROVER,
    "auditor": roles.AUDITOR,
    "editor": roles.EDITOR,
}


@pytest.fixture
def make_staff(db):
    def make(role: str, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def case_officer(make_staff):
    return make_staff(roles.CASE_OFFICER, username="officer")


@pytest.fixture
def second_case_officer(make_staff):
    return make_staff(roles.CASE_OFFICER, username="officer2")


@pytest.fixture
def custodian(make_staff):
    return make_staff(roles.CUSTODIAN, username="custodian")


@pytest.fixture
def valuer(make_staff):
    return make_staff(roles.VALUER, username="valuer")


@pytest.fixture
def auction_manager(make_staff):
    return make_staff(roles.AUCTION_MANAGER, username="auctions")


@pytest.fixture
def finance_officer(make_staff):
    return make_staff(roles.FINANCE_OFFICER, username="finance")


@pytest.fixture
def approver(make_staff):
    return make_staff(roles.APPROVER, username="approver")


@pytest.fixture
def second_approver(make_staff):
    return make_staff(roles.APPROVER, username="approver2")


@pytest.fixture
def auditor(make_staff):
    return make_staff(roles.AUDITOR, username="auditor")


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.EDITOR, username="editor")


@pytest.fixture
def case(case_officer):
    return CaseFactory(case_officer=case_officer)


@pytest.fixture
def asset(case, case_officer):
    return AssetFactory(case=case, actor=case_officer)
