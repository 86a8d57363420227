import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that are never served directly: court documents, original photos, identity papers.

    Only permission-checked views read them. The root is read from PRIVATE_MEDIA_ROOT on every use
    (not frozen when the models are imported), so a deployment or a test that changes the setting
    is obeyed by every file field."""

    @property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private
