from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import SiteMenu
        from .selectors import forget_site_menus

        # A cached menu holds page titles and addresses: whatever changes one makes the menus stale,
        # at once and again after commit (so that a read racing the transaction cannot keep the old).
        def _forget(**kwargs):
            forget_site_menus()
            transaction.on_commit(forget_site_menus)

        for model in (SiteMenu, Site):
            post_save.connect(_forget, sender=model, dispatch_uid=f"cms_menu_save_{model._meta.label}", weak=False)
            post_delete.connect(_forget, sender=model, dispatch_uid=f"cms_menu_del_{model._meta.label}", weak=False)
        post_delete.connect(_forget, sender=Page, dispatch_uid="cms_menu_page_deleted", weak=False)
        for name, signal in (("published", page_published), ("unpublished", page_unpublished),
                             ("moved", post_page_move)):
            signal.connect(_forget, dispatch_uid=f"cms_menu_page_{name}", weak=False)

        # The public record follows the register: each committed custody transition syncs the asset's page.
        from custody.signals import asset_status_changed

        from .record import asset_page_schedule_sync

        asset_status_changed.connect(asset_page_schedule_sync, dispatch_uid="cms_asset_page_sync", weak=False)

        # ... and disposition's decisions: each committed change syncs the decision's page.
        from disposition.signals import decision_changed

        from .dispositions import disposition_page_schedule_sync

        decision_changed.connect(disposition_page_schedule_sync, dispatch_uid="cms_disposition_page_sync", weak=False)
