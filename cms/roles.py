"""cms's share of the staff roles: the editor (communications staff) edits the public site's pages,
images, documents and menu, and nothing else.

Wagtail does not grant page, image and document rights as plain Django permissions but on a part of
a tree: page rights on a page and everything under it (here each site's home page, so an editor
can neither add a second home page nor touch the tree's root), image and document rights on a
collection and its children (here the "Public site" collection, so that files the agency keeps for
other ends, in collections of their own, stay out of an editor's reach: Wagtail lets whoever may
change an image or a document delete it too). The cms migrations apply these.
"""

from __future__ import annotations

from custody import roles

CMS_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.EDITOR: ["change_sitemenu"],
}

# The public record's documents (court decisions, agreements…): editors record and publish them,
# auditors read them. Granted by migration 0006 (the model does not exist before it).
RECORD_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.EDITOR: ["add_publisheddocument", "change_publisheddocument", "view_publisheddocument"],
    roles.AUDITOR: ["view_publisheddocument"],
}

# On each site's home page: add and edit pages, publish them, lock a page while working on it.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
PUBLIC_COLLECTION = "Public site"
# On the public site's collection: upload, edit (and so delete) and choose images and documents.
EDITOR_COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def grant_editor_permissions(apps) -> None:
    """Give the editor role its Wagtail rights (for use in data migrations; safe to run again)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("cms", "HomePage")

    for app_label in ("wagtailcore", *EDITOR_COLLECTION_PERMISSIONS):
        roles.ensure_permissions(apps, app_label)
    roles.sync_roles(apps, "cms", CMS_ROLE_PERMISSIONS)
    editor = Group.objects.get(name=roles.EDITOR)

    def permissions(app_label: str, codenames: list[str]) -> list:
        found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in found}
        if missing:
            raise RuntimeError(f"Unknown {app_label} permissions for the editor: {sorted(missing)}")
        return found

    for home in HomePage.objects.filter(depth=2):
        for permission in permissions("wagtailcore", EDITOR_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=editor, page_id=home.pk, permission=permission)
    collection = _public_collection(Collection)
    for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS.items():
        for permission in permissions(app_label, codenames):
            GroupCollectionPermission.objects.get_or_create(group=editor, collection=collection,
                                                            permission=permission)
    # Wagtail's own migrations give every group that enters the admin "choose" on all images and
    # documents, or not, depending on which ran first: the editor's rights are the ones above only.
    GroupCollectionPermission.objects.filter(group=editor).exclude(collection=collection).delete()
    editor.permissions.remove(*Permission.objects.filter(content_type__app_label__in=EDITOR_COLLECTION_PERMISSIONS))


def _public_collection(Collection):
    """The "Public site" collection under the root one, made if missing."""
    from .tree import add_child

    found = Collection.objects.filter(depth=2, name=PUBLIC_COLLECTION).first()
    return found or add_child(Collection, Collection.objects.get(depth=1), name=PUBLIC_COLLECTION)
