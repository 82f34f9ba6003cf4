"""Files shipped inside the package (icons, stylesheet): found the same way in every install."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path, PurePosixPath

#: The package whose folder is the project's top-level assets/ (see pyproject package-dir).
ASSETS_PACKAGE = "turnstile.assets"


def assets_dir() -> Path:
    """The folder holding the assets, in an editable install, a wheel or the one-folder app."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        # The PyInstaller folder copies assets/ to turnstile/assets as data (packaging spec);
        # its import scan cannot follow the package-dir mapping, so there is no module.
        return Path(bundle) / "turnstile" / "assets"
    # Wheels and the PyInstaller folder are plain directories, so files() is a real Path;
    # zipped installs are not supported (Qt needs file names for icons and stylesheets).
    return Path(str(resources.files(ASSETS_PACKAGE)))


def asset_path(name: str) -> Path:
    """Path of the asset `name` (e.g. "turnstile.svg" or "icons/granted.svg"); must exist."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\\" in name:
        raise ValueError(f"asset name {name!r} must be a relative path inside the assets folder")
    path = assets_dir().joinpath(*relative.parts)
    if not path.is_file():
        raise FileNotFoundError(f"asset {name!r} is missing from {assets_dir()}; "
                                "reinstall Turnstile or rebuild the application folder")
    return path
