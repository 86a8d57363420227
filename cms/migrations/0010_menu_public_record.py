"""The site menu links the public record: the confiscated assets, what became of them, and the
statistics (after "Auctions"). Editors may reorder or remove them in Settings → Site menu."""

import uuid

from django.db import migrations

SLUGS = ["assets", "dispositions", "statistics"]


def _page_ids(links) -> set:
    return {link.get("value", {}).get("page") for link in links}


def add_links(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    SiteMenu = apps.get_model("cms", "SiteMenu")
    for menu in SiteMenu.objects.select_related("site__root_page"):
        root = menu.site.root_page
        links = list(menu.links.raw_data) if menu.links else []
        present = _page_ids(links)
        new = []
        for slug in SLUGS:
            page = Page.objects.filter(path__startswith=root.path, depth=root.depth + 1, slug=slug).first()
            if page is not None and page.pk not in present:
                new.append({"type": "link", "value": {"label": "", "page": page.pk, "url": ""},
                            "id": str(uuid.uuid4())})
        if not new:
            continue
        after = next((i + 1 for i, link in enumerate(links) if link.get("value", {}).get("url") == "/auctions/"),
                     len(links))
        menu.links = links[:after] + new + links[after:]
        menu.save(update_fields=["links"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0009_disposition_pages"),
    ]

    operations = [migrations.RunPython(add_links, migrations.RunPython.noop)]
