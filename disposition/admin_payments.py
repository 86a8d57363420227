"""Payments in the Settlement admin: the Payments listing (every payment toward an invoice, card or
transfer), a transfer's confirmation or rejection by a second officer (four eyes), and the invoice's
"Record a bank transfer" action with the payments section of its page.

Who: finance records transfers (disposition.record_payment); another finance officer or an approver
confirms or rejects them (disposition.confirm_payment), never the one who recorded it: the buttons are
not offered to them, and the page says why.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from common.admin.actions import Action, ActionForm, RequiredReasonForm
from common.admin.columns import DateTimeColumn, DayColumn, MoneyColumn, StatusColumn
from common.admin.viewsets import RecordViewSet
from common.dates import validate_past_date
from common.forms import AmountField
from common.money import format_money

from .models import Invoice, Payment, PaymentStatus
from .selectors import payments_with_invoice
from .services import transfers

# ---- the invoice's action: record a bank transfer ---------------------------------------------


class TransferForm(ActionForm):
    """A transfer seen on the bank statement: its amount (typed in the user's language), the bank's
    reference, and the day it arrived."""

    amount = AmountField(label=_("Amount received"))
    reference = forms.CharField(label=_("Bank reference"), max_length=140,
                                help_text=_("As on the bank statement, so that the transfer can be found again."))
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}),
                                  validators=[validate_past_date])

    def __init__(self, *args, instance: Invoice, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["amount"].currency = instance.currency
        self.fields["amount"].help_text = _("In %(cur)s. Still owed: %(owed)s.") % {
            "cur": instance.currency, "owed": format_money(instance.amount_owed, instance.currency)}
        self.fields["received_on"].initial = timezone.localdate()


def _takes_transfer(user, invoice: Invoice) -> bool:
    return transfers.transfer_refusal(invoice) is None


def _why_no_transfer(user, invoice: Invoice) -> str | None:
    return transfers.transfer_refusal(invoice)


INVOICE_PAYMENT_ACTIONS = [
    Action(name="record_transfer", label=_("Record a bank transfer"), permission="disposition.record_payment",
           available=_takes_transfer, blocked=_why_no_transfer, form_class=TransferForm,
           call=lambda request, invoice, data: transfers.payment_transfer_record(
               actor=request.user, invoice_id=invoice.pk, amount=data["amount"], reference=data["reference"],
               received_on=data["received_on"]),
           intro=_("The transfer counts toward the invoice once a second officer (another finance officer or an "
                   "approver) confirms it against the bank statement."),
           success=_("Transfer recorded: it awaits a second officer's confirmation.")),
]


def invoice_payments_context(request, invoice: Invoice) -> dict:
    """The payments section of an invoice's page: each payment, what is paid and what remains."""
    may_open = request.user.has_perm("disposition.view_payment")
    rows = []
    for payment in invoice.payments.select_related("recorded_by", "confirmed_by").order_by("recorded_at", "id"):
        rows.append({
            "payment": payment,
            "amount": format_money(payment.amount, payment.currency),
            "reference": payment.reference or payment.stripe_payment_intent_id,
            "url": reverse("disposition_payments:inspect", args=[payment.pk]) if may_open else "",
        })
    return {"payments": rows, "amount_paid": format_money(invoice.amount_paid, invoice.currency),
            "amount_owed": format_money(invoice.amount_owed, invoice.currency),
            "storage_fees": format_money(invoice.storage_fees, invoice.currency) if invoice.storage_fees else ""}


# ---- the Payments viewset ---------------------------------------------------------------------


def _may_decide(user, payment: Payment) -> bool:
    return transfers.confirm_refusal(user, payment) is None


def _why_not_decide(user, payment: Payment) -> str | None:
    if payment.status != PaymentStatus.RECORDED:
        return None  # nothing to decide: the status says it
    return transfers.confirm_refusal(user, payment)


class ConfirmTransferForm(ActionForm):
    pass


PAYMENT_ACTIONS = [
    Action(name="confirm", label=_("Confirm the transfer"), permission="disposition.confirm_payment",
           available=_may_decide, blocked=_why_not_decide, form_class=ConfirmTransferForm,
           call=lambda request, payment, data: transfers.payment_transfer_confirm(
               actor=request.user, payment_id=payment.pk, expected_status=data.get("expected_status")),
           intro=_("Confirm only once you have found this amount and reference on the agency's bank statement. "
                   "The payment is then posted to the ledger and counts toward the invoice."),
           success=_("Transfer confirmed and posted.")),
    Action(name="reject", label=_("Reject the transfer"), permission="disposition.confirm_payment",
           available=_may_decide, blocked=lambda user, payment: None, form_class=RequiredReasonForm, danger=True,
           call=lambda request, payment, data: transfers.payment_transfer_reject(
               actor=request.user, payment_id=payment.pk, reason=data["reason"],
               expected_status=data.get("expected_status")),
           intro=_("The transfer is not on the bank statement as recorded. Nothing is posted; the invoice is "
                   "unchanged."),
           success=_("Transfer rejected.")),
]


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "—"


class PaymentViewSet(RecordViewSet):
    model = Payment
    name = "disposition_payments"
    url_prefix = "settlement/payments"
    icon = "resubmit"
    menu_label = _("Payments")
    menu_order = 300
    policy_actions = ("view",)
    queryset = staticmethod(payments_with_invoice)
    actions = PAYMENT_ACTIONS
    list_filter = ["status", "method"]
    search_fields = ["invoice__number", "reference", "stripe_payment_intent_id"]
    list_display = ["__str__", Column("invoice", label=_("Invoice"), accessor=lambda p: p.invoice.number),
                    Column("method", label=_("Method"), accessor="get_method_display"),
                    MoneyColumn("amount", label=_("Amount"), sort_key="amount"),
                    StatusColumn(waiting=(PaymentStatus.RECORDED,)),
                    Column("recorded_by", label=_("Recorded by"), accessor=lambda p: _person(p.recorded_by)),
                    DateTimeColumn("recorded_at", label=_("Recorded")),
                    Column("confirmed_by", label=_("Confirmed or rejected by"),
                           accessor=lambda p: _person(p.confirmed_by)),
                    DayColumn("received_on", label=_("Received on"))]
    inspect_view_fields = ["invoice", "status", "method", "amount", "currency", "reference", "received_on",
                           "stripe_payment_intent_id", "stripe_event_id", "recorded_by", "recorded_at",
                           "confirmed_by", "confirmed_at", "rejection_reason", "journal_entry"]
    inspect_template_name = "disposition/admin/payment_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        invoice = obj.invoice
        return {
            "invoice_url": reverse("disposition_invoices:inspect", args=[invoice.pk])
            if request.user.has_perm("disposition.view_invoice") else "",
            "entry_url": reverse("ledger_entries:inspect", args=[obj.journal_entry_id])
            if obj.journal_entry_id and request.user.has_perm("ledger.view_journalentry") else "",
            "amount_paid": format_money(invoice.amount_paid, invoice.currency),
            "amount_owed": format_money(invoice.amount_owed, invoice.currency),
        }
