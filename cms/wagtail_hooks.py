"""The staff screen of the public record's documents (Settings-free, in the main menu): editors record
court decisions, return agreements and memoranda, and mark them publishable; auditors read them.
Who: the Django permissions on PublishedDocument (cms.roles.RECORD_ROLE_PERMISSIONS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from .models import PublishedDocument
from .record import pdf_text


class PublishedDocumentForm(WagtailAdminModelForm):
    """Reads the uploaded PDF's text (for the site search) when a new file is uploaded."""

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if "file" in self.changed_data and upload and not self.errors.get("file"):
            upload.seek(0)
            self.instance.text = pdf_text(upload.read())
            upload.seek(0)
        return cleaned_data


class PublishedDocumentViewSet(ModelViewSet):
    model = PublishedDocument
    icon = "doc-full"
    menu_label = _("Published documents")
    menu_name = "published-documents"  # not the label's slug, which follows the first request's language
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["title", "kind", "date", "publishable"]
    list_filter = ["kind", "publishable"]
    search_fields = ["title", "summary", "text"]
    inspect_view_enabled = True
    inspect_view_fields = ["kind", "title", "date", "summary", "publishable", "cases", "assets", "decisions",
                           "created_at"]
    ordering = ["-date", "-id"]

    def get_edit_handler(self):
        return ObjectList([
            FieldPanel("kind"), FieldPanel("title"), FieldPanel("date"), FieldPanel("file"),
            FieldPanel("summary"), FieldPanel("cases"), FieldPanel("assets"), FieldPanel("decisions"),
            FieldPanel("publishable"),
        ], base_form_class=PublishedDocumentForm).bind_to_model(self.model)


published_document_viewset = PublishedDocumentViewSet("published_documents")


@hooks.register("register_admin_viewset")
def register_published_documents():
    return published_document_viewset
