from django.core.files.storage import storages


def private_storage():
    """Files that are never served directly: court documents, original photos, identity papers."""
    return storages["private"]
