from config.env import env_str

from .base import VAR_DIR

# Public media (renditions of published lots) and private files (court documents, original
# photos, identity documents) live apart; private files are only served through views that
# check permissions.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Upload limits.
MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
