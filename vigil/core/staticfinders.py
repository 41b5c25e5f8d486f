"""Front-end libraries that come as Python packages (XStatic), served by staticfiles
under a stable prefix (``vendor/<name>/``), so nothing is loaded from a CDN: Vigil
runs on closed networks.

Only the files a page uses are served (and collected): the packages also hold
sources and ES modules, and one minified script names a source map the package
lacks, which the hashed-name storage would refuse at ``collectstatic``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib import import_module
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# prefix -> (the XStatic package, the files served from its BASE_DIR)
VENDORED: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/leaflet": (
        "xstatic.pkg.leaflet",
        (
            "leaflet.js",
            "leaflet.js.map",
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ),
    ),
    "vendor/leaflet-markercluster": (
        "xstatic.pkg.leaflet_markercluster",
        (
            "leaflet.markercluster-src.js",
            "leaflet.markercluster-src.js.map",
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
        ),
    ),
}


class PrefixedStorage(FileSystemStorage):
    prefix: str

    def __init__(self, location: str, prefix: str) -> None:
        super().__init__(location=location)
        self.prefix = prefix


class XStaticFinder(BaseFinder):
    """Finds ``vendor/<name>/<file>`` in the XStatic package's data directory."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages: dict[str, tuple[PrefixedStorage, tuple[str, ...]]] = {}
        for prefix, (package, files) in VENDORED.items():
            base = str(import_module(package).BASE_DIR)
            self.storages[prefix] = (PrefixedStorage(base, prefix), files)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(f"{prefix}/{name} is missing from its XStatic package", id="vigil.E100")
            for prefix, (storage, files) in self.storages.items()
            for name in files
            if not storage.exists(name)
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        for prefix, (storage, files) in self.storages.items():
            name = path.removeprefix(prefix + "/")
            if name != path and name in files:
                found = storage.path(name)
                return [found] if find_all or kwargs.get("all") else found
        return []

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for storage, files in self.storages.values():
            for name in files:
                yield name.replace("/", os.sep), storage
