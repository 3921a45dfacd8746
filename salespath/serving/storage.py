"""Static files: hashed names and pre-built gzip and brotli copies, made by `collectstatic`."""

from __future__ import annotations

import brotli
from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _Compressor(Compressor):
    def compress_brotli(self, data: bytes) -> bytes:
        # Quality 11 (the default) makes plotly.js a tenth smaller than 9 but takes half a
        # minute of CPU, once per upgrade; SALESPATH_STATIC_BROTLI_QUALITY trades one for
        # the other.
        return brotli.compress(data, quality=settings.SALESPATH_STATIC_BROTLI_QUALITY)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage, which also works before `collectstatic` has ever run.

    Without a manifest (the tests, `make demo`'s runserver, a fresh checkout) a static URL
    names the source file itself, which runserver and the tests' live server find through the
    finders. `salespath serve` refuses to start without a manifest (see its command), so a
    production server never falls back to unhashed names.
    """

    def create_compressor(self, **kwargs) -> Compressor:
        return _Compressor(**kwargs)

    def stored_name(self, name: str) -> str:
        if not self.hashed_files and not self.manifest_exists():
            return name
        return super().stored_name(name)

    def manifest_exists(self) -> bool:
        return self.manifest_storage.exists(self.manifest_name)
