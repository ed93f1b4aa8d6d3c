from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files after `collectstatic`. Before it (a server started
    straight from a checkout) a file missing from the manifest is linked by its plain name,
    which whitenoise serves from the app folders, instead of failing every page."""

    manifest_strict = False

    def url(self, name: str, force: bool = False) -> str:
        try:
            return super().url(name, force)
        except ValueError:
            return FileSystemStorage.url(self, name)
