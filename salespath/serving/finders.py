"""plotly.js comes from the installed plotly package, never from a copy in the repository.

The finder exposes the package's `plotly.min.js` as the static file `plotly/plotly.min.js`,
so `collectstatic` hashes and pre-compresses it with the app's own files, whitenoise serves it
with far-future cache headers, and `runserver` and the tests' live server find it as they
find any other static file.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.files.storage import FileSystemStorage

PREFIX = "plotly"
FILES = ("plotly.min.js",)


def _package_data() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(_package_data()))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        matches = []
        for name in FILES:
            if path == f"{PREFIX}/{name}":
                matches.append(self.storage.path(name))
        if find_all:
            return matches
        return matches[0] if matches else []

    def list(self, ignore_patterns):
        for name in FILES:
            if not matches_patterns(name, ignore_patterns or []):
                yield name, self.storage
