"""Demo data of the public record (`seed_demo` calls `seed`): public areas for the demo's public
assets, their pages, and a few published documents (one of them not publishable, to show that it
stays private). Large bulk data sets leave the pages to `manage.py public_record_sync`."""

from __future__ import annotations

import datetime
import time

from django.core.files.base import ContentFile
from fpdf import FPDF

from custody.models import Asset

from .models import DocumentKind, PublishedDocument
from .record import pdf_text, public_record_assets, public_record_sync

DEMO_AREAS = ["Antwerp", "Ghent", "Liège", "Bruges", "Namur", "Flanders", "Brussels-Capital Region", ""]
MAX_DEMO_PAGES = 2_000  # each page is a revision and a publication: more is for the sync command

# kind, title, publishable, lines, date, the decision whose case it concerns (kind, beneficiary or None).
DOCUMENTS = [
    (DocumentKind.COURT_DECISION, "Judgment of the Court of Appeal on the confiscation of a villa", True,
     ["The Court of Appeal confirms the confiscation of the villa and its grounds.",
      "The property shall be assigned for social reuse by the municipality."],
     datetime.date(2022, 5, 12), ("social_reuse", "Municipality of Mechelen")),
    (DocumentKind.RETURN_AGREEMENT, "Agreement on the return of confiscated proceeds", True,
     ["The parties agree that the confiscated proceeds shall be returned to the requesting state",
      "and used for the rehabilitation of schools, under public monitoring."],
     datetime.date(2024, 9, 5), ("foreign_return", None)),
    (DocumentKind.MEMORANDUM, "Memorandum of understanding with the Municipality of Mechelen: youth centre", True,
     ["The municipality shall run a youth centre in the confiscated villa for fifteen years,",
      "open at least five days a week, and report on its use every year."],
     datetime.date(2022, 8, 29), ("social_reuse", "Municipality of Mechelen")),
    (DocumentKind.MEMORANDUM, "Draft memorandum with the municipality (not published)", False,
     ["Draft for discussion. Not for publication."], datetime.date(2026, 5, 10), None),
]


def _case_of(decision: tuple[str, str | None] | None) -> int | None:
    """The case of the demo's decision of this kind (for this beneficiary), if disposition's demo made it."""
    from disposition.models import DispositionDecision

    if decision is None:
        return None
    kind, beneficiary = decision
    found = DispositionDecision.objects.filter(kind=kind, asset__isnull=False)
    if beneficiary:
        found = found.filter(beneficiary__name=beneficiary)
    return found.order_by("pk").values_list("asset__case_id", flat=True).first()


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def seed(command, options) -> None:
    public = list(public_record_assets().filter(public_area="").order_by("pk").values_list("pk", flat=True))
    for i, asset_id in enumerate(public):
        if area := DEMO_AREAS[i % len(DEMO_AREAS)]:
            Asset.objects.filter(pk=asset_id).update(public_area=area)
    if options.get("bulk") or public_record_assets().count() > MAX_DEMO_PAGES:
        command.stdout.write("Public record: run `manage.py public_record_sync` to make the asset pages.")
    else:
        started = time.monotonic()
        counts = public_record_sync()
        command.stdout.write(f"Public record: {counts['published']} asset pages ({time.monotonic() - started:.1f} s).")
    if PublishedDocument.objects.exists():
        return
    case_ids = list(public_record_assets().order_by("pk").values_list("case_id", flat=True).distinct()[:2])
    for n, (kind, title, publishable, lines, date, decision) in enumerate(DOCUMENTS):
        data = _pdf(lines)
        document = PublishedDocument(kind=kind, title=title, date=date, publishable=publishable, text=pdf_text(data))
        document.file.save(f"demo-{n}.pdf", ContentFile(data), save=False)
        document.save()
        case_id = _case_of(decision) or (case_ids[n % len(case_ids)] if case_ids else None)
        if case_id:
            document.cases.set([case_id])
    command.stdout.write(f"Public record: {len(DOCUMENTS)} published documents (one not publishable).")
