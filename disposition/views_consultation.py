"""The public pages of consultations before a disposition decision: /consultations/ (the published
ones), /consultations/<id>/ (one: the proposal's public facts, its period, every version of the
proposal and of the response, the published comments, and the comment form while it is open) and
/consultations/confirm/<token>/ (the link a commenter receives by e-mail).

Who: anyone, without signing in; a draft is not found (404). A commenter's name and e-mail are never
shown (disposition/selectors_consultation.py reads the public columns only). Bad input is a form error
beside its field (400), never a 500.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.exceptions import DomainError
from common.throttle import throttle

from .models import Position
from .selectors_consultation import consultation_public, consultations_public
from .services import consultation as consultations


class CommentForm(forms.Form):
    position = forms.ChoiceField(label=gettext_lazy("Your position"), choices=Position.choices,
                                 widget=forms.RadioSelect)
    text = forms.CharField(label=gettext_lazy("Your comment"), max_length=consultations.MAX_COMMENT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=gettext_lazy("Published after moderation, without your name or e-mail."))
    author_name = forms.CharField(label=gettext_lazy("Your name"), max_length=120,
                                  help_text=gettext_lazy("Never published."))
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"),
                             help_text=gettext_lazy("We send a link to confirm your comment. Never published."))


def consultation_list(request: HttpRequest) -> HttpResponse:
    """Public: every published consultation, those taking comments first."""
    rows = list(consultations_public())
    response = render(request, "disposition/consultations/list.html", {
        "open_consultations": [c for c in rows if c.accepts_comments()],
        "other_consultations": [c for c in rows if not c.accepts_comments()]})
    response["Cache-Control"] = "public, max-age=60"
    return response


def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Public: one published consultation, and its comment form while it takes comments."""
    consultation = consultations_public().filter(pk=consultation_id).first()
    if consultation is None:
        raise Http404
    form = CommentForm(request.POST) if request.method == "POST" else CommentForm()
    status = 200
    if request.method == "POST" and form.is_valid() and throttle("email").refused(
            request, form, email=form.cleaned_data["email"]):
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultations.comment_submit(consultation_id=consultation.pk, position=data["position"],
                                         text=data["text"], author_name=data["author_name"], email=data["email"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Thank you. We sent you a link by e-mail: open it to confirm your comment, "
                                        "which is published after moderation."))
            return redirect("disposition:consultation", consultation.pk)
    context = consultation_public(consultation) | {"form": form,
                                                   "privacy_url": settings.INFO_PAGE_PATHS.get("privacy", "")}
    return render(request, "disposition/consultations/detail.html", context,
                  status=status if status != 200 else 400 if form.is_bound and form.errors else 200)


def consultation_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail: the comment goes to moderation."""
    try:
        comment = consultations.comment_confirm(token=token)
    except DomainError as exc:
        return render(request, "disposition/consultations/confirmed.html", {"detail": str(exc)}, status=400)
    return render(request, "disposition/consultations/confirmed.html", {"consultation": comment.consultation})
