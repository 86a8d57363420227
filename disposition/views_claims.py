"""The public side of claims: the notices to third parties, the claimant's account and their claims.

Who may see what:
- /notices/ and /notices/<id>/: anyone (a draft notice is not found). Public facts only: the
  notice's own texts, its deadline, and each asset's category and area; never a party, a claimant,
  an address or a count of claims.
- /claims/account/sign-up/ and the verification link: anyone not signed in (staff may not claim
  through the public site: they record paper claims in the admin). Sign-up answers the same whether
  or not the address has an account (common.accounts), with /claims/account/sign-up/done/ (anyone).
- /notices/<id>/claim/: a signed-in member of the public whose e-mail address is verified.
- /claims/mine/ and /claims/mine/<id>/: the signed-in claimant, their own claims only (another's is
  not found).
Sign-in is the public site's (auctions:login), coming back here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.currencies import currency_choices
from common.exceptions import DomainError
from common.forms import AmountField, apply_validation_error
from common.throttle import throttle, too_many_page

from .models import Claim, ClaimantType, ClaimStatus, ClaimSubject, DispositionEvent, NoticeStatus, PublicNotice
from .services import claims

# ---- forms ---------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one input; each is checked by the service (parsed, not trusted by name)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(DocumentsField, self).clean(f, initial) for f in files]


class ClaimForm(forms.Form):
    claimant_type = forms.ChoiceField(label=gettext_lazy("You claim as"), choices=ClaimantType.choices)
    claimant_name = forms.CharField(label=gettext_lazy("Your full name (or the name of the state or company)"),
                                    max_length=255)
    claimant_address = forms.CharField(label=gettext_lazy("Postal address"), widget=forms.Textarea(attrs={"rows": 3}))
    subject = forms.ChoiceField(label=gettext_lazy("You claim"), choices=ClaimSubject.choices,
                                widget=forms.RadioSelect)
    assets = forms.MultipleChoiceField(label=gettext_lazy("Property concerned"), widget=forms.CheckboxSelectMultiple)
    basis = forms.CharField(label=gettext_lazy("On what your claim rests"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=gettext_lazy("Your title of ownership, the loss you suffered, the judgment "
                                                   "or contract you rely on."))
    amount = AmountField(label=gettext_lazy("Amount claimed"))
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    documents = DocumentsField(label=gettext_lazy("Supporting documents"), required=True,
                               help_text=gettext_lazy("PDF, PNG or JPEG files: proof of ownership, of the loss, "
                                                      "the judgment. Seen by the agency's staff only."))

    def __init__(self, *args, notice: PublicNotice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].choices = [(a.pk, _asset_label(a)) for a in notice.assets.order_by("pk")]
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = settings.DEFAULT_CURRENCY


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))
    documents = DocumentsField(label=gettext_lazy("Documents"), required=False,
                               help_text=gettext_lazy("PDF, PNG or JPEG files."))


class ReconsiderForm(forms.Form):
    grounds = forms.CharField(label=gettext_lazy("Why the decision should be reconsidered"),
                              widget=forms.Textarea(attrs={"rows": 5}))


class ClaimantSignUpForm(UserCreationForm):
    email = forms.EmailField(label=gettext_lazy("E-mail address"),
                             help_text=gettext_lazy("We send a link to confirm it before you may file."))

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


def _asset_label(asset) -> str:
    """An asset as the public sees it: its category, and the area the register publishes."""
    label = str(asset.get_category_display())
    return f"{label} — {asset.public_area}" if asset.public_area else label


def _errors_to_form(form: forms.Form, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        apply_validation_error(form, exc)
    else:
        form.add_error(exc.field if getattr(exc, "field", None) in form.fields else None, str(exc))


def _form_status(form: forms.Form) -> int:
    return 400 if form.is_bound and form.errors else 200


# ---- notices (public) ----------------------------------------------------------------------


def _public_notices():
    return PublicNotice.objects.exclude(status=NoticeStatus.DRAFT).prefetch_related("assets")


def notice_list(request: HttpRequest) -> HttpResponse:
    """Public: the published notices, those still open for claims first, then the closed ones."""
    notices = list(_public_notices().order_by("claims_until", "pk"))
    response = render(request, "disposition/claims/notice_list.html", {
        "open_notices": [n for n in notices if n.open_for_claims],
        "past_notices": [n for n in notices if not n.open_for_claims]})
    response["Cache-Control"] = "public, max-age=60"
    return response


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Public: one notice (a draft is not found)."""
    notice = _public_notices().filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return render(request, "disposition/claims/notice_detail.html", {
        "notice": notice, "assets": [_asset_label(a) for a in notice.assets.order_by("pk")]})


# ---- the claimant's account ----------------------------------------------------------------


def _sign_in_url(next_path: str) -> str:
    return f"{reverse('auctions:login')}?{urlencode({'next': next_path})}"


def _safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: the `next` asked for when it is a path on this site, else "my claims"."""
    target = request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("disposition:my_claims")


def claimant_sign_up(request: HttpRequest) -> HttpResponse:
    """Anyone not signed in: open an account to file claims (an e-mail verification link follows).

    The same answer whether an account was opened or the address had one already (its owner is told
    by e-mail; claims.claimant_sign_up), and nobody is signed in: being signed in would tell."""
    if request.user.is_authenticated:
        return redirect("disposition:my_claims")
    form = ClaimantSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and throttle("sign_up").refused(
            request, form, email=form.cleaned_data["email"]):
        return render(request, "disposition/claims/sign_up.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            claims.claimant_sign_up(username=form.cleaned_data["username"], email=form.cleaned_data["email"],
                                    password=form.cleaned_data["password1"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            done = reverse("disposition:claimant_sign_up_done")
            return redirect(f"{done}?{urlencode({'next': _safe_next(request)})}")
    return render(request, "disposition/claims/sign_up.html", {"form": form}, status=_form_status(form))


def claimant_sign_up_done(request: HttpRequest) -> HttpResponse:
    """Anyone: check your e-mail, then sign in (and go on to `next`)."""
    return render(request, "disposition/claims/sign_up_done.html", {"sign_in_url": _sign_in_url(_safe_next(request))})


def claimant_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link from the verification e-mail."""
    try:
        claims.claimant_email_confirm(token=token)
    except DomainError as exc:
        return render(request, "disposition/claims/verify_failed.html", {"detail": str(exc)}, status=400)
    messages.success(request, _("Thank you: your e-mail address is confirmed."))
    my_claims = reverse("disposition:my_claims")
    return redirect(my_claims if request.user.is_authenticated else _sign_in_url(my_claims))


@require_POST
def claimant_verify_again(request: HttpRequest) -> HttpResponse:
    """The signed-in claimant: a new verification link."""
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(reverse("disposition:my_claims")))
    if request.user.email and not claims.claimant_verified(request.user):
        if throttle("email").exceeded(request, email=request.user.email):
            return too_many_page(request)
        claims.claimant_account_for(request.user)
        claims.claimant_verification_send(user=request.user)
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": request.user.email})
    return redirect("disposition:my_claims")


# ---- filing --------------------------------------------------------------------------------


def claim_new(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A signed-in member of the public with a verified e-mail address files a claim on a notice."""
    notice = _public_notices().select_related("case").filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request.path))
    if request.user.is_staff:
        messages.error(request, _("Agency staff record claims received on paper in the admin."))
        return redirect("disposition:notice", notice_id=notice.pk)
    if not notice.open_for_claims:
        messages.error(request, _("This notice no longer takes claims."))
        return redirect("disposition:notice", notice_id=notice.pk)
    if not claims.claimant_verified(request.user):
        return render(request, "disposition/claims/verify_first.html", {"notice": notice}, status=403)
    form = ClaimForm(request.POST or None, request.FILES or None, notice=notice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claims.claim_file(
                user=request.user, notice_id=notice.pk, claimant_type=data["claimant_type"],
                claimant_name=data["claimant_name"], claimant_address=data["claimant_address"],
                subject=data["subject"], asset_ids=[int(pk) for pk in data["assets"]], basis=data["basis"],
                amount=data["amount"], currency=data["currency"], documents=data["documents"])
        except (ValidationError, DomainError) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Your claim %(number)s is filed. We will write to you.")
                             % {"number": claim.number})
            return redirect("disposition:my_claim", claim_id=claim.pk)
    return render(request, "disposition/claims/claim_form.html", {"form": form, "notice": notice},
                  status=_form_status(form))


# ---- the claimant's claims -----------------------------------------------------------------


def _own_claims(request: HttpRequest):
    return Claim.objects.filter(account__user=request.user).select_related("notice")


def my_claims(request: HttpRequest) -> HttpResponse:
    """The signed-in claimant: their claims and where each stands."""
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request.path))
    return render(request, "disposition/claims/my_claims.html", {
        "claims": _own_claims(request).order_by("-filed_at"), "verified": claims.claimant_verified(request.user)})


# What the claimant reads of each step of their claim (never who took it).
STEP_LABELS = {
    "file": gettext_lazy("Claim filed"), "review": gettext_lazy("Review started"),
    "request_information": gettext_lazy("More information requested"), "answer": gettext_lazy("You answered"),
    "resume_review": gettext_lazy("Review resumed"), "recommend": gettext_lazy("Recommendation made"),
    "decide": gettext_lazy("Decided"), "reconsider": gettext_lazy("Reconsideration requested"),
    "pay": gettext_lazy("Paid"),
}


def my_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The signed-in claimant's own claim (another's is not found): its steps, the information asked
    (and the form to answer it before the deadline), the decision and the reconsideration request."""
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request.path))
    claim = _own_claims(request).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    deficiency = claims.open_deficiency(claim) if claim.status == ClaimStatus.INFO_REQUESTED else None
    answerable = deficiency is not None and timezone.now() <= deficiency.answer_by
    answer_form = AnswerForm(prefix="answer")
    reconsider_form = ReconsiderForm(prefix="reconsider")
    status = 200
    if request.method == "POST" and request.POST.get("step") == "answer" and answerable:
        answer_form = AnswerForm(request.POST, request.FILES, prefix="answer")
        if answer_form.is_valid():
            try:
                claims.claim_answer(user=request.user, claim_id=claim.pk, answer=answer_form.cleaned_data["answer"],
                                    documents=answer_form.cleaned_data["documents"])
            except (ValidationError, DomainError) as exc:
                _errors_to_form(answer_form, exc)
            else:
                messages.success(request, _("Thank you: your answer is sent and the review goes on."))
                return redirect("disposition:my_claim", claim_id=claim.pk)
        status = 400
    elif request.method == "POST" and request.POST.get("step") == "reconsider":
        reconsider_form = ReconsiderForm(request.POST, prefix="reconsider")
        if reconsider_form.is_valid():
            try:
                claims.claim_reconsider(user=request.user, claim_id=claim.pk,
                                        grounds=reconsider_form.cleaned_data["grounds"])
            except (ValidationError, DomainError) as exc:
                _errors_to_form(reconsider_form, exc)
            else:
                messages.success(request, _("Your request is received: the claim is reviewed again."))
                return redirect("disposition:my_claim", claim_id=claim.pk)
        status = 400
    elif request.method == "POST":
        messages.error(request, _("That is not possible on this claim now."))
        return redirect("disposition:my_claim", claim_id=claim.pk)
    events = DispositionEvent.objects.filter(subject="claim", object_id=claim.pk).order_by("at", "pk")
    return render(request, "disposition/claims/my_claim.html", {
        "claim": claim, "deficiency": deficiency, "answerable": answerable, "answer_form": answer_form,
        "reconsider_form": reconsider_form, "reconsider_open": claims.reconsider_refusal(claim) is None,
        "steps": [{"at": e.at, "label": STEP_LABELS.get(e.action, e.action)} for e in events],
        "documents": claim.documents.order_by("uploaded_at"),
    }, status=status)
