"""Errors a service raises for a person to read. Views turn them into messages or 4xx JSON."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action. `str(err)` is a message for the user; `field`, when
    given, names the input the refusal is about, so that a form shows it beside that field."""

    code = "refused"
    status = 400

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(str(message or self.default_message))
        self.field = field

    default_message = _("The action was refused.")


class TransitionRefused(DomainError):
    code = "transition_refused"
    status = 400
    default_message = _("That change of status is not allowed now.")


class TransitionConflict(DomainError):
    """Someone else changed the record first."""

    code = "conflict"
    status = 409
    default_message = _("Someone else changed this a moment ago. Reload the page and try again.")


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do that.")
