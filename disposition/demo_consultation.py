"""Demo data of a public consultation (`disposition.demo.seed` calls `seed` after the reuse demo): the
shop in Charleroi, whose first social-reuse decision was revoked (demo_reuse), is proposed anew, and
the agency asks the public first. Comments arrive through the public form and are confirmed by
e-mail; two are published, one is rejected with a reason and one was never confirmed; the proposal
is revised once during the period; the agency publishes its response after the period, then
corrects it (both versions shown). Every step through the real services, on its day (the register's
travelling clock), by the role that takes it. Idempotent."""

from __future__ import annotations

import datetime

from .demo_reuse import _d, _users
from .models import Consultation, DecisionKind, DecisionStatus, DispositionDecision
from .services import consultation as consultations

TITLE = "A new use for the shop in Charleroi"
PROPOSAL = ("The ground-floor shop with kitchen in Charleroi (confiscated in 2023) was given to a social "
            "cooperative for a training kitchen; it stood occupied and unused, so that decision was revoked. "
            "The agency now proposes to give it again for social reuse, to an organisation that trains young "
            "people for work, under these conditions: the kitchen open within six months, a yearly report, "
            "and the premises cleared of their occupants by the agency first.")
REVISED = PROPOSAL + (" Revised after the first comments: the premises are also open to neighbourhood "
                      "associations one evening a week.")
COMMENTS = [
    # (day, position, text, name, e-mail, what happens to it)
    ("2024-07-09 19:20", "support", "A training kitchen is exactly what this street needs. Young people here "
     "have few chances of a first job.", "Demo Commenter One", "commenter1@example.org", "publish"),
    ("2024-07-15 08:05", "concern", "Please make sure the premises are really empty before handing them over: "
     "the last project failed because of that. Could local associations use the room in the evenings?",
     "Demo Commenter Two", "commenter2@example.org", "publish"),
    ("2024-07-18 22:40", "oppose", "Sell it and stop wasting money!!! Everyone involved is a crook, "
     "I know where they live.", "Demo Commenter Three", "commenter3@example.org", "reject"),
    ("2024-07-30 12:00", "support", "Good idea.", "Demo Commenter Four", "commenter4@example.org", "none"),
]
RESPONSE = ("Thank you for the comments. The agency will have the premises cleared by the police before any "
            "handover (as the second comment asks) and the proposal now opens the room to neighbourhood "
            "associations one evening a week. A sale was considered: the law gives priority to social reuse for "
            "real estate confiscated from organised crime.")
RESPONSE_CORRECTED = RESPONSE.replace("by the police", "by court bailiffs, with the police,")


def seed(command, options) -> None:
    u = _users("officer", "officer2")
    if not all(u.values()) or options.get("bulk") or Consultation.objects.filter(title=TITLE).exists():
        return
    decision = (DispositionDecision.objects.filter(status=DecisionStatus.PROPOSED, kind=DecisionKind.SOCIAL_REUSE,
                                                   previous__isnull=False, asset__title__contains="Charleroi")
                .order_by("-pk").first())
    if decision is None:
        return
    from custody.demo import Clock

    clock = Clock()
    with clock.at(_d("2024-07-01 10:00")):
        consultation = consultations.consultation_create(
            actor=u["officer"], decision_id=decision.pk, title=TITLE, opens_at=_d("2024-07-08 09:00"),
            closes_at=_d("2024-08-05 17:00"), proposal_text=PROPOSAL)
    with clock.at(_d("2024-07-05 11:00")):
        consultations.consultation_open(actor=u["officer2"], consultation_id=consultation.pk)
    for when, position, text, name, email, outcome in COMMENTS:
        with clock.at(_d(when)):
            made = consultations.comment_submit(consultation_id=consultation.pk, position=position, text=text,
                                                author_name=name, email=email)
        if outcome == "none":
            continue
        with clock.at(_d(when[:10] + " 23:50")):
            consultations.comment_confirm(token=consultations.comment_confirm_token(made))
        with clock.at(_d(when[:10] + " 10:00") + datetime.timedelta(days=1)):
            if outcome == "publish":
                consultations.comment_publish(actor=u["officer"], comment_id=made.pk)
            else:
                consultations.comment_reject(actor=u["officer"], comment_id=made.pk,
                                             reason="Abusive and threatening; no point about the proposal.")
    with clock.at(_d("2024-07-22 15:00")):
        consultations.consultation_revise_proposal(actor=u["officer"], consultation_id=consultation.pk, text=REVISED,
                                                   note="Evenings for neighbourhood associations")
    with clock.at(_d("2024-08-06 09:30")):
        consultations.consultation_close(actor=u["officer"], consultation_id=consultation.pk)
    with clock.at(_d("2024-08-20 14:00")):
        consultations.consultation_respond(actor=u["officer2"], consultation_id=consultation.pk, text=RESPONSE)
    with clock.at(_d("2024-08-27 10:00")):
        consultations.consultation_revise_response(actor=u["officer2"], consultation_id=consultation.pk,
                                                   text=RESPONSE_CORRECTED, note="Who clears the premises")
    command.stdout.write(f"Consultation: “{TITLE}” with {consultation.comments.count()} comments "
                         "(two published, one rejected, one never confirmed) and the agency's response.")

