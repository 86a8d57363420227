"""The editor (communications staff) keeps the public site: pages, images, documents and the menu,
and nothing else; no other role edits pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, StandardPage
from cms.roles import PUBLIC_COLLECTION
from custody import roles
from tests.cms.test_pages import edit_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

image_policy = policy_registry.get_by_type(get_image_model())
document_policy = policy_registry.get_by_type(get_document_model())

OTHER_ROLES = ["case_officer", "custodian", "valuer", "auction_manager", "finance_officer", "approver", "auditor"]
DOMAIN_APPS = {"custody", "ledger", "valuation", "auctions"}


def test_the_editor_role_exists_and_enters_the_admin(editor):
    assert roles.EDITOR in roles.ROLES
    assert editor.has_perm("wagtailadmin.access_admin")


def test_the_editor_holds_no_permission_of_the_register_the_books_the_valuations_or_the_auctions(editor):
    perms = editor.get_all_permissions()
    assert not {perm for perm in perms if perm.split(".")[0] in DOMAIN_APPS}
    assert "cms.change_sitemenu" in perms


def test_the_editor_edits_and_publishes_pages_under_home(editor, home):
    permissions = home.permissions_for_user(editor)
    assert permissions.can_edit() and permissions.can_publish() and permissions.can_add_subpage()
    about = Page.objects.get(slug="about")
    assert about.permissions_for_user(editor).can_publish()
    # ... but not at the top of the tree: a second home page is not theirs to make.
    assert not Page.get_first_root_node().permissions_for_user(editor).can_add_subpage()


def test_the_editor_keeps_the_public_sites_images_and_documents_and_no_others(editor, admin_user):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    public = Collection.objects.get(name=PUBLIC_COLLECTION)
    assert image_policy.user_has_permission(editor, "add") and document_policy.user_has_permission(editor, "add")
    assert set(image_policy.collections_user_has_permission_for(editor, "add")) == {public}
    assert set(document_policy.collections_user_has_permission_for(editor, "add")) == {public}
    photo = Image.objects.create(title="Warehouse", file=get_test_image_file(), collection=public,
                                 uploaded_by_user=admin_user)
    assert image_policy.user_has_permission_for_instance(editor, "change", photo)
    # Files kept elsewhere (a future collection of asset photos, say) are not the editor's.
    kept = Collection.get_first_root_node().add_child(name="Asset photos")
    evidence = Image.objects.create(title="Seized car", file=get_test_image_file(), collection=kept,
                                    uploaded_by_user=admin_user)
    for action in ("change", "delete", "choose"):
        assert not image_policy.user_has_permission_for_instance(editor, action, evidence), action


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_edits_pages_or_uploads_images(request, home, role):
    user = request.getfixturevalue(role)
    for page in (home, Page.objects.get(slug="about")):
        permissions = page.permissions_for_user(user)
        assert not (permissions.can_edit() or permissions.can_publish() or permissions.can_add_subpage()), role
    assert not image_policy.user_has_permission(user, "add")
    assert not document_policy.user_has_permission(user, "add")
    assert not user.has_perm("cms.change_sitemenu")


# The public site's menus (its pages, images, documents, settings, and the public record's published
# documents), and Wagtail's own.
WAGTAIL_MENUS = {"explorer", "images", "documents", "settings", "reports", "help", "published-documents"}
DOMAIN_URL_PREFIXES = ("custody", "valuation", "ledger", "auctions")


def test_the_editors_admin_menu_has_the_site_and_nothing_of_the_agencys_work(editor, admin_user, rf: RequestFactory):
    reverse("wagtailadmin_home")  # the admin's viewsets add their menus when its URLs load

    def menu_for(user) -> set[str]:
        request = rf.get("/admin/")
        request.user = user
        return {item.name for item in admin_menu.menu_items_for_request(request)}

    names = menu_for(editor)
    assert {"explorer", "images", "documents", "settings"} <= names <= WAGTAIL_MENUS
    assert menu_for(admin_user) - WAGTAIL_MENUS  # the agency's own menus exist; the editor sees none of them


def _domain_admin_pages() -> list[str]:
    """The addresses of the admin screens of the register, valuation, the ledger and the auctions
    that take no argument (their lists and forms), found in the admin's URLconf, whatever they are named."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
                if route.startswith("admin/") and name.startswith(DOMAIN_URL_PREFIXES):
                    found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


def test_the_editor_is_refused_every_screen_of_the_agencys_work(client, editor, admin_user):
    client.force_login(admin_user)
    pages = [path for path in _domain_admin_pages() if client.get(path).status_code == 200]
    assert len(pages) >= 5, pages  # the register's, valuation's, the ledger's and the auctions' lists at least
    client.force_login(editor)
    for path in pages:
        response = client.get(path)
        if response.status_code == 302:  # Wagtail's way: back to the dashboard, "permission denied"
            assert response["Location"] == reverse("wagtailadmin_home"), path
        else:
            assert response.status_code == 403, path
    assert client.get(reverse("wagtailusers_users:index")).status_code in (302, 403)


def test_the_editor_opens_the_site_menu_setting(client, editor, home):
    client.force_login(editor)
    response = client.get(reverse("wagtailsettings:edit", args=["cms", "sitemenu"]), follow=True)
    assert response.status_code == 200
    assert "Site menu" in response.content.decode()


def test_a_demo_login_is_made_for_the_editor():
    from custody.demo import DEMO_USERS

    assert DEMO_USERS["editor"] == roles.EDITOR


class TestEditorInTheAdmin(WagtailPageTestCase):
    """Through the admin's own views, as the editor."""

    def setUp(self):
        self.editor = UserFactory(username="editor", role=roles.EDITOR, password="pw-for-tests-only")
        self.home = HomePage.objects.get()

    def test_the_editor_edits_the_home_page(self):
        self.assertPageIsEditable(self.home, post_data=edit_form_data(self.home), user=self.editor)

    def test_the_editor_publishes_a_change_that_visitors_then_see(self):
        self.client.force_login(self.editor)
        data = edit_form_data(self.home, heading="Auctions of confiscated property", **{"action-publish": "publish"})
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[self.home.pk]), data)
        assert response.status_code == 302
        self.client.logout()
        html = self.client.get("/").content.decode()
        assert "<h1>Auctions of confiscated property</h1>" in html and "<h2>Edited heading</h2>" in html

    def test_the_editor_adds_a_page_under_home(self):
        self.client.force_login(self.editor)
        self.assertCanCreate(self.home, StandardPage, edit_form_data(
            StandardPage(title="Press", slug="press", introduction="News for journalists.")))
        assert self.client.get("/press/").status_code == 200
