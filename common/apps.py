from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from common.forms import NumberField

        # Every decimal typed in a Wagtail model form (the staff viewsets) is read in the staff
        # member's language, like the public site's amounts: "1 500,50" on a French admin.
        register_form_field_override(models.DecimalField, override={"form_class": NumberField})

        # Every transition staff take is mirrored into Wagtail's log, the audit trail (common.transitions).
        from django_fsm.signals import post_transition

        from common.transitions import transition_logged

        post_transition.connect(transition_logged, dispatch_uid="common.transition_logged")
