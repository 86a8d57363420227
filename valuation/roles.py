"""valuation's share of each staff role (granted by the app's data migrations via custody.roles.sync_roles)."""

from custody import roles

_VIEW = ["view_depreciationprofile", "view_assetcost", "view_storagecostaccrual", "view_appraisal",
         "view_currentvaluation", "view_appraisalevidence", "view_earlysalenotification", "view_directsale",
         "view_earlysalerun", "view_earlysalecandidate", "view_earlysalerequest"]

VALUATION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _VIEW + ["add_earlysalerequest", "add_earlysalenotification", "add_directsale",
                                 "run_recommendation", "add_assetcost", "change_assetcost"],
    roles.CUSTODIAN: _VIEW + ["add_assetcost", "change_assetcost"],
    roles.VALUER: _VIEW + ["add_appraisal", "change_appraisal", "add_appraisalevidence",
                           "add_depreciationprofile", "change_depreciationprofile"],
    roles.AUCTION_MANAGER: _VIEW + ["add_directsale", "complete_directsale"],
    roles.FINANCE_OFFICER: _VIEW + ["add_depreciationprofile", "change_depreciationprofile",
                                    "post_storagecostaccrual", "run_recommendation"],
    roles.APPROVER: _VIEW + ["review_appraisal", "approve_directsale", "run_recommendation"],
    roles.AUDITOR: list(_VIEW),
}
# Who may request, endorse and authorise an early sale is the register's asset permissions
# (custody.request_early_sale, custody.endorse_early_sale): those moves are the asset's.

# The early-sale request's own permissions came here with the model from custody (migration 0003
# moves them, and whoever held them keeps them); migrations before it must not ask for them.
EARLY_SALE_REQUEST_PERMISSIONS = frozenset({"view_earlysalerequest", "add_earlysalerequest"})


def role_permissions_before_early_sale_moved() -> dict[str, list[str]]:
    return {role: [p for p in perms if p not in EARLY_SALE_REQUEST_PERMISSIONS]
            for role, perms in VALUATION_ROLE_PERMISSIONS.items()}
