"""disposition's share of each staff role (granted by the app's data migration through sync_roles)."""

from __future__ import annotations

from custody import roles

_VIEW_ALL = ["view_award", "view_invoice"]

DISPOSITION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The auction manager decides awards held on a screening hit (release or refuse, with a reason).
    roles.AUCTION_MANAGER: _VIEW_ALL + ["decide_award", "view_payment"],
    # Finance records bank transfers, and a second finance officer confirms them (four eyes: the
    # database refuses a transfer confirmed by the officer who recorded it).
    roles.FINANCE_OFFICER: _VIEW_ALL + ["view_payment", "record_payment", "confirm_payment"],
    roles.APPROVER: ["view_invoice", "view_payment", "confirm_payment"],
    roles.AUDITOR: _VIEW_ALL + ["view_payment"],
}

# Collection: the custodian publishes collection slots at their stores, sees the invoices and the
# bookings, and records the handover (the custody chain's entry needs custody.record_custody_event,
# which custodians hold); the auditor and the auction manager read.
_COLLECTION_VIEW = ["view_collectionslot", "view_collectionbooking", "view_handover", "view_storagefeeaccrual"]
COLLECTION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CUSTODIAN: ["view_invoice", *_COLLECTION_VIEW, "add_collectionslot", "change_collectionslot",
                      "add_handover"],
    roles.AUCTION_MANAGER: list(_COLLECTION_VIEW),
    roles.FINANCE_OFFICER: list(_COLLECTION_VIEW),
    roles.AUDITOR: list(_COLLECTION_VIEW),
}

# Disposition and social reuse (models/reuse.py): a case officer (the disposition officer) keeps the
# beneficiaries, proposes decisions, runs calls for projects and scores applications, allocates
# proceeds, records projects and writes monitoring reports; an approver approves (never their own
# proposal: the database refuses it too), executes and revokes; finance pays allocations; custodians
# write monitoring reports (site visits); the auditor reads everything.
_REUSE_VIEW = ["view_beneficiary", "view_dispositiondecision", "view_allocation", "view_allocationpayment",
               "view_callforprojects", "view_application", "view_reuseproject", "view_monitoringreport",
               "view_reusephoto"]
REUSE_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _REUSE_VIEW + [
        "add_beneficiary", "change_beneficiary", "add_dispositiondecision", "execute_dispositiondecision",
        "complete_dispositiondecision", "add_allocation", "add_callforprojects", "change_callforprojects",
        "run_callforprojects", "add_application", "change_application", "add_reuseproject",
        "add_monitoringreport", "add_reusephoto",
    ],
    roles.APPROVER: _REUSE_VIEW + ["approve_dispositiondecision", "execute_dispositiondecision",
                                   "revoke_dispositiondecision", "complete_dispositiondecision"],
    roles.FINANCE_OFFICER: _REUSE_VIEW + ["pay_allocation"],
    roles.CUSTODIAN: ["view_dispositiondecision", "view_reuseproject", "view_monitoringreport", "view_reusephoto",
                      "add_monitoringreport", "add_reusephoto"],
    roles.AUDITOR: list(_REUSE_VIEW),
}

# Claims of third parties and victims (models/claims.py): a case officer drafts and publishes the public
# notices, records paper claims, reviews claims, asks for more information and recommends; an approver
# decides (never a claim they recommended: the database refuses it too); finance pays granted claims;
# the auditor reads everything.
_CLAIMS_VIEW = ["view_publicnotice", "view_claim", "view_deficiencynotice", "view_claimdocument"]
CLAIMS_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _CLAIMS_VIEW + ["add_publicnotice", "change_publicnotice", "publish_publicnotice",
                                        "add_claim", "review_claim"],
    roles.APPROVER: _CLAIMS_VIEW + ["decide_claim"],
    roles.FINANCE_OFFICER: ["view_claim", "pay_claim"],
    roles.AUDITOR: list(_CLAIMS_VIEW),
}

# Public consultation before a decision (models/consultation.py): the case officer prepares, opens,
# closes, withdraws and responds to consultations and moderates the comments (whose authors' names and
# e-mails only they, approvers and auditors see); approvers and auditors read.
_CONSULTATION_VIEW = ["view_consultation", "view_consultationversion", "view_consultationcomment"]
CONSULTATION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _CONSULTATION_VIEW + ["add_consultation", "change_consultation", "run_consultation",
                                              "moderate_consultationcomment"],
    roles.APPROVER: list(_CONSULTATION_VIEW),
    roles.AUDITOR: list(_CONSULTATION_VIEW),
}

# International cooperation (models/cooperation.py): a case officer records requests, foreign orders
# (their checks, registration and enforcement), assets frozen abroad and agreements; an approver
# records an agreement's signature and closes it; finance pays the transfers under it; the auditor
# reads everything.
_COOPERATION_VIEW = ["view_cooperationrequest", "view_foreignorder", "view_foreignordercheck",
                     "view_foreignorderitem", "view_assetfrozenabroad", "view_sharingagreement",
                     "view_agreementshare", "view_agreementtransfer"]
COOPERATION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _COOPERATION_VIEW + [
        "add_cooperationrequest", "change_cooperationrequest", "handle_cooperationrequest", "add_foreignorder",
        "handle_foreignorder", "add_assetfrozenabroad", "change_assetfrozenabroad", "follow_assetfrozenabroad",
        "add_sharingagreement", "change_sharingagreement",
    ],
    roles.APPROVER: _COOPERATION_VIEW + ["sign_sharingagreement"],
    roles.FINANCE_OFFICER: ["view_sharingagreement", "view_agreementshare", "view_agreementtransfer",
                            "transfer_sharingagreement"],
    roles.AUDITOR: list(_COOPERATION_VIEW),
}
