"""Adding to a treebeard tree (pages, collections) from a data migration, whose historical models
have none of treebeard's methods: paths of four base-36 digits a level, depth and numchild, written
as Wagtail's own initial-data migrations write them."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def add_child(model, parent, **fields):
    """Create a `model` row as the last child of `parent` (a row of the tree's base model, which
    `model` is or inherits from) and count it in the parent's numchild."""
    base = type(parent)
    siblings = base.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    child = model.objects.create(path=parent.path + _step(number), depth=parent.depth + 1, numchild=0, **fields)
    base.objects.filter(pk=parent.pk).update(numchild=siblings.count())
    return child
