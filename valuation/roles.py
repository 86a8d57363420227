"""valuation's share of each staff role (granted by the app's data migration via custody.roles.sync_roles)."""

from custody import roles

_VIEW = ["view_depreciationprofile", "view_assetcost", "view_storagecostaccrual", "view_appraisal",
         "view_currentvaluation", "view_appraisalevidence", "view_earlysalenotification", "view_directsale",
         "view_earlysalerun", "view_earlysalecandidate"]

VALUATION_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.CASE_OFFICER: _VIEW + ["add_earlysalenotification", "add_directsale", "run_recommendation",
                                 "add_assetcost", "change_assetcost"],
    roles.CUSTODIAN: _VIEW + ["add_assetcost", "change_assetcost"],
    roles.VALUER: _VIEW + ["add_appraisal", "change_appraisal", "add_appraisalevidence",
                           "add_depreciationprofile", "change_depreciationprofile"],
    roles.AUCTION_MANAGER: _VIEW + ["add_directsale", "complete_directsale"],
    roles.FINANCE_OFFICER: _VIEW + ["add_depreciationprofile", "change_depreciationprofile",
                                    "post_storagecostaccrual", "run_recommendation"],
    roles.APPROVER: _VIEW + ["review_appraisal", "approve_directsale", "run_recommendation"],
    roles.AUDITOR: list(_VIEW),
}
