"""Social-reuse projects and their monitoring.

An executed social-reuse or public-use decision gets its project (what the asset is used for, people
served, the start date); the decision is then being monitored. Reports are due every
`report_every_months` (12 by default): a desk review or a site visit, with findings, photos, an
assessment and, when the asset stands unused, why. A report that finds it unused or misused is
what a revocation may cite. Reports overdue are told to staff once per due date (the beat task
`disposition.tasks.reuse_reports_overdue`).
"""

from __future__ import annotations

import hashlib
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from common.exceptions import DomainError, TransitionRefused
from common.transitions import require_perm
from custody.validators import open_checked_image

from ..events import reuse_event_write
from ..models import (
    BENEFICIARY_KINDS,
    Assessment,
    DecisionStatus,
    MonitoringReport,
    ReportKind,
    ReusePhoto,
    ReuseProject,
    UnusedReason,
)
from .decisions import decision_locked, decision_start_monitoring


@transaction.atomic
def project_record(*, actor, decision_id: int, purpose: str, start_date: date, people_served: int = 0,
                   description: str = "", report_every_months: int = 12) -> ReuseProject:
    require_perm(actor, "disposition.add_reuseproject", _("Your role does not allow recording projects."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(_("Say what the asset is used for."), field="purpose")
    if report_every_months is None or int(report_every_months) < 1:
        raise DomainError(_("Reports are due at least every month."), field="report_every_months")
    if people_served is not None and int(people_served) < 0:
        raise DomainError(_("People served cannot be negative."), field="people_served")
    decision = decision_locked(decision_id)
    if decision.kind not in BENEFICIARY_KINDS:
        raise TransitionRefused(_("Only social reuse and institutional use have a project."))
    if decision.status != DecisionStatus.EXECUTED:
        raise TransitionRefused(_("A project is recorded once the decision is executed; it is “%(status)s”.")
                                % {"status": decision.get_status_display()})
    project = ReuseProject.objects.create(
        decision=decision, purpose=purpose, description=(description or "").strip(),
        people_served=people_served or 0, start_date=start_date, report_every_months=int(report_every_months),
        next_report_due=start_date + relativedelta(months=int(report_every_months)), created_by=actor)
    decision_start_monitoring(decision=decision, actor=actor)
    reuse_event_write(subject="project", obj=project, action="record", actor=actor, decision=decision, note=purpose)
    return project


def _project_locked(project_id: int) -> ReuseProject:
    project = ReuseProject.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise DomainError(_("There is no such project."))
    return project


def _photo_save(*, project: ReuseProject, upload, actor, caption: str = "",
                report: MonitoringReport | None = None) -> ReusePhoto:
    """Parse the upload with Pillow (type by content, size, pixels), re-encode it without metadata."""
    try:
        image = ImageOps.exif_transpose(open_checked_image(upload))
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="photos") from None
    image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    from io import BytesIO

    out = BytesIO()
    clean.save(out, format="JPEG", quality=85)
    data = out.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    photo = ReusePhoto(project=project, report=report, caption=(caption or "").strip()[:255], sha256=digest,
                       uploaded_by=actor)
    photo.image.save(f"{project.pk}-{digest[:16]}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


@transaction.atomic
def project_photo_add(*, actor, project_id: int, upload, caption: str = "") -> ReusePhoto:
    require_perm(actor, "disposition.add_reusephoto", _("Your role does not allow adding photos."))
    return _photo_save(project=_project_locked(project_id), upload=upload, actor=actor, caption=caption)


@transaction.atomic
def report_write(*, actor, project_id: int, kind: str, date: date, findings: str, assessment: str,
                 reasons_unused: list[str] | None = None, publishable: bool = False,
                 photos: list | None = None) -> MonitoringReport:
    """Record a monitoring report; the next one is due `report_every_months` after it."""
    require_perm(actor, "disposition.add_monitoringreport", _("Your role does not allow writing monitoring reports."))
    if kind not in ReportKind.values:
        raise DomainError(_("Choose a desk review or a site visit."), field="kind")
    if assessment not in Assessment.values:
        raise DomainError(_("Choose the assessment."), field="assessment")
    if date is None or date > timezone.localdate():
        raise DomainError(_("A report is about what was seen: it cannot be dated in the future."), field="date")
    findings = (findings or "").strip()
    if not findings:
        raise DomainError(_("Write the findings."), field="findings")
    reasons = sorted(set(reasons_unused or []))
    if any(r not in UnusedReason.values for r in reasons):
        raise DomainError(_("Choose the reasons from the list."), field="reasons_unused")
    if assessment == Assessment.IN_USE and reasons:
        raise DomainError(_("An asset in use as agreed does not stand unused: leave the reasons empty."),
                          field="reasons_unused")
    if assessment in (Assessment.UNUSED, Assessment.PARTLY_USED) and not reasons:
        raise DomainError(_("Say why the asset stands unused."), field="reasons_unused")
    if photos and kind != ReportKind.SITE_VISIT:
        raise DomainError(_("Photos are taken on a site visit."), field="photos")
    project = _project_locked(project_id)
    if project.decision.status != DecisionStatus.MONITORING:
        raise TransitionRefused(_("The decision is “%(status)s”: it is no longer monitored.")
                                % {"status": project.decision.get_status_display()})
    report = MonitoringReport.objects.create(project=project, kind=kind, date=date, findings=findings,
                                             assessment=assessment, reasons_unused=reasons,
                                             publishable=bool(publishable), written_by=actor)
    for upload in photos or []:
        _photo_save(project=project, upload=upload, actor=actor, report=report)
    following = date + relativedelta(months=project.report_every_months)
    if following > project.next_report_due:
        project.next_report_due = following
        project.save(update_fields=["next_report_due"])
    reuse_event_write(subject="project", obj=project, action="report", actor=actor, decision=project.decision,
                      note=report.get_assessment_display())
    return report


def projects_overdue(*, today: date | None = None) -> QuerySet[ReuseProject]:
    """Projects being monitored whose report is overdue and of which staff were not yet told."""
    today = today or timezone.localdate()
    return (ReuseProject.objects.filter(decision__status=DecisionStatus.MONITORING, next_report_due__lt=today)
            .filter(Q(overdue_alerted_for__isnull=True) | ~Q(overdue_alerted_for=F("next_report_due")))
            .order_by("next_report_due", "pk"))


@transaction.atomic
def project_overdue_alert(*, project_id: int, today: date | None = None) -> bool:
    """Tell staff once that this project's report is overdue (for its current due date). Returns
    whether an alert was sent; running it again for the same due date sends nothing."""
    from ..tasks import reuse_report_overdue_notify

    today = today or timezone.localdate()
    project = ReuseProject.objects.select_for_update().filter(pk=project_id).first()
    if project is None or project.decision.status != DecisionStatus.MONITORING:
        return False
    if project.next_report_due >= today or project.overdue_alerted_for == project.next_report_due:
        return False
    project.overdue_alerted_for = project.next_report_due
    project.save(update_fields=["overdue_alerted_for"])
    reuse_event_write(subject="project", obj=project, action="overdue_alert", decision=project.decision,
                      note=project.next_report_due.isoformat())
    transaction.on_commit(lambda: reuse_report_overdue_notify.delay(project_id=project.pk))
    return True
