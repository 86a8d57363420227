"""Settlement's Celery tasks: they take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.formats import format_day, format_moment
from common.money import format_money
from common.urls import absolute_url

from .models import Invoice


@shared_task(ignore_result=True)
def invoice_notify(*, invoice_id: int) -> None:
    """Send the buyer the link to their invoice (the won e-mail promised it)."""
    invoice = Invoice.objects.select_related("buyer", "award__lot").filter(pk=invoice_id).first()
    if invoice is None or not invoice.buyer.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Your invoice %(number)s") % {"number": invoice.number},
            _("Your invoice for “%(title)s” is ready: %(amount)s to pay by %(due)s.\n\n%(url)s") % {
                "title": invoice.title, "amount": format_money(invoice.amount_due, invoice.currency),
                "due": format_day(invoice.due_on),
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


@shared_task(ignore_result=True)
def invoice_paid_notify(*, invoice_id: int) -> None:
    """Tell the buyer their invoice is paid, and where to book the collection."""
    invoice = Invoice.objects.select_related("buyer").filter(pk=invoice_id).first()
    if invoice is None or invoice.buyer is None or not invoice.buyer.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Invoice %(number)s is paid") % {"number": invoice.number},
            _("Thank you: invoice %(number)s for “%(title)s” is paid. Book a time to collect it by %(by)s:\n\n"
              "%(url)s") % {
                "number": invoice.number, "title": invoice.title,
                "by": format_day(invoice.collect_by) if invoice.collect_by else "",
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


# ---- card payments (card_payments.py) ----------------------------------------------------------


@shared_task(ignore_result=True, acks_late=True)
def invoice_collect(*, invoice_id: int) -> str:
    """After the invoice is issued: capture the buyer's held deposit toward it, or charge the card
    saved in its place. Safe to run twice."""
    from .services.card_payments import invoice_collect as collect

    return collect(invoice_id=invoice_id)


@shared_task(ignore_result=True)
def invoice_payment_problem_notify(*, invoice_id: int) -> None:
    """Tell the buyer their saved card could not be charged, and how to pay on the invoice page."""
    invoice = Invoice.objects.select_related("buyer").filter(pk=invoice_id).first()
    if invoice is None or invoice.buyer is None or not invoice.buyer.email or not invoice.payment_problem:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if invoice.payment_problem == "authentication_required":
            why = _("Your bank asks you to confirm this payment yourself, so we could not charge your saved card.")
        else:
            why = _("Your saved card was declined.")
        send_mail(
            _("Invoice %(number)s: please pay by card") % {"number": invoice.number},
            _("%(why)s\n\nPlease pay %(amount)s on the invoice page with your card (Pay by card) by %(due)s:"
              "\n\n%(url)s") % {
                "why": why, "amount": format_money(invoice.amount_owed, invoice.currency),
                "due": format_day(invoice.due_on),
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


# ---- collection ---------------------------------------------------------------------------------


@shared_task(ignore_result=True)
def storage_fees_accrue_daily() -> None:
    """Each night: the storage fees of paid lots not collected by their deadline (safe to run twice:
    each invoice is charged once per day)."""
    from .services.collection import storage_fees_accrue

    storage_fees_accrue()


# ---- defaults, refunds and second-chance offers ----------------------------------------------


@shared_task(ignore_result=True)
def defaults_hourly() -> None:
    """Default the invoices past their deadline, expire unanswered offers, settle the defaults whose
    loss is known (taking deposits not yet taken) and retry refused refunds."""
    from .services import defaults, second_chance

    defaults.invoices_default_due()
    second_chance.second_chance_offers_expire()
    defaults.defaults_settle_due()
    defaults.refunds_retry()


@shared_task(ignore_result=True)
def default_deposit_take(*, default_id: int) -> None:
    from .services import defaults

    defaults.default_deposit_take(default_id=default_id)


@shared_task(ignore_result=True)
def refund_send(*, refund_id: int) -> None:
    from .services import defaults

    defaults.refund_send(refund_id=refund_id)


@shared_task(ignore_result=True)
def invoice_defaulted_notify(*, invoice_id: int) -> None:
    """Tell the buyer their invoice was cancelled for want of payment, and what follows."""
    invoice = Invoice.objects.select_related("buyer").filter(pk=invoice_id).first()
    if invoice is None or invoice.buyer is None or not invoice.buyer.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Invoice %(number)s is cancelled") % {"number": invoice.number},
            _("Invoice %(number)s for “%(title)s” was not paid by %(due)s and is cancelled. Your deposit is kept "
              "toward the agency's loss, and what it does not cover is refunded once the lot is sold again.\n\n"
              "%(url)s") % {
                "number": invoice.number, "title": invoice.title, "due": format_day(invoice.due_on),
                "url": absolute_url(reverse("disposition:invoice", args=[invoice.number]))},
            settings.DEFAULT_FROM_EMAIL, [invoice.buyer.email], fail_silently=False,
        )


@shared_task(ignore_result=True)
def second_chance_offer_notify(*, offer_id: int) -> None:
    """Send the next-highest bidder the link to the lot offered to them."""
    from .models import SecondChanceOffer

    offer = SecondChanceOffer.objects.select_related("bidder", "lot").filter(pk=offer_id).first()
    if offer is None or not offer.bidder.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("A second chance at “%(title)s”") % {"title": offer.lot.title},
            _("The winner of “%(title)s” did not pay. You may buy it at your own highest bid, %(amount)s, until "
              "%(until)s:\n\n%(url)s") % {
                "title": offer.lot.title, "amount": format_money(offer.amount, offer.currency),
                "until": format_moment(offer.expires_at),
                "url": absolute_url(reverse("disposition:offer", args=[offer.pk]))},
            settings.DEFAULT_FROM_EMAIL, [offer.bidder.email], fail_silently=False,
        )


# ---- the direct sale's invoice (its buyer has no account) ----------------------------------------


@shared_task(ignore_result=True)
def direct_sale_invoice_send(*, invoice_id: int) -> None:
    """E-mail a direct sale's invoice, as a PDF, to the e-mail address in the sale's contact details
    (the buyer has no account to see it on; without an address, staff print it)."""
    from django.core.mail import EmailMessage

    from .pdf import invoice_pdf
    from .services.direct_sales import contact_email

    invoice = Invoice.objects.select_related("direct_sale__asset").filter(pk=invoice_id).first()
    address = contact_email(invoice.direct_sale.buyer_contact) if invoice and invoice.direct_sale_id else ""
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            _("Your invoice %(number)s") % {"number": invoice.number},
            _("Please find attached invoice %(number)s for “%(title)s”: %(amount)s to pay by bank transfer by "
              "%(due)s, quoting the invoice number.") % {
                "number": invoice.number, "title": invoice.title,
                "amount": format_money(invoice.amount_due, invoice.currency), "due": format_day(invoice.due_on)},
            settings.DEFAULT_FROM_EMAIL, [address])
        message.attach(f"invoice-{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")
        message.send(fail_silently=False)


# ---- public consultations (services/consultation.py) ----------------------------------------------


@shared_task(ignore_result=True)
def consultations_close_due() -> int:
    """Every few minutes (beat): close the open consultations whose comment period is over (the public
    page stops taking comments at that moment already). Safe to run twice."""
    from .services.consultation import consultations_close_due as close_due

    return len(close_due())


# ---- social reuse: monitoring reports overdue (services/monitoring.py) ---------------------------


@shared_task(ignore_result=True)
def reuse_reports_overdue() -> int:
    """Every morning: tell staff of each project whose monitoring report is overdue, once per due date."""
    from .services.monitoring import project_overdue_alert, projects_overdue

    return sum(project_overdue_alert(project_id=pk) for pk in projects_overdue().values_list("pk", flat=True))


@shared_task(ignore_result=True)
def reuse_report_overdue_notify(*, project_id: int) -> None:
    """E-mail the asset's case officer and the decision's proposer: the project's report is overdue."""
    from django.contrib.auth import get_user_model

    from .models import ReuseProject

    project = (ReuseProject.objects.select_related("decision__asset__case__case_officer", "decision__proposed_by")
               .filter(pk=project_id).first())
    if project is None:
        return
    decision = project.decision
    people = [decision.proposed_by]
    if decision.asset_id and decision.asset.case.case_officer_id:
        people.insert(0, decision.asset.case.case_officer)
    recipients = sorted({u.email for u in people if u.email and u.is_active})
    if not recipients:
        recipients = sorted(get_user_model().objects.filter(groups__name="Case officer", is_active=True)
                            .exclude(email="").values_list("email", flat=True))
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Monitoring report overdue: %(purpose)s") % {"purpose": project.purpose},
            _("The monitoring report of the project “%(purpose)s” (decision #%(id)s) was due on %(due)s and has "
              "not been recorded.\n\n%(url)s") % {
                "purpose": project.purpose, "id": decision.pk, "due": format_day(project.next_report_due),
                "url": absolute_url(reverse("disposition_projects:inspect", args=[project.pk]))},
            settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False,
        )
