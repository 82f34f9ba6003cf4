"""Files shipped inside the package (icons, stylesheet): found the same way in every install."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path, PurePosixPath


def assets_dir() -> Path:
    """turnstile/assets in an editable install, an installed wheel or the one-folder app."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        # The PyInstaller folder keeps the assets as plain files under _internal/turnstile/
        # (packaging/turnstile.spec), not inside its module archive.
        return Path(bundle) / "turnstile" / "assets"
    # Editable installs and wheels are plain directories, so this is a real path; zipped
    # installs are not supported (Qt needs file names for icons and stylesheets).
    return Path(str(resources.files("turnstile") / "assets"))


def asset_path(name: str) -> Path:
    """Path of the asset `name` (e.g. "kiosk.qss" or "icons/granted.svg"); must exist."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts or "\\" in name:
        raise ValueError(f"asset name {name!r} must be a relative path inside the assets folder")
    path = assets_dir().joinpath(*relative.parts)
    if not path.is_file():
        raise FileNotFoundError(f"asset {name!r} is missing from {assets_dir()}; "
                                "reinstall Turnstile or rebuild the application folder")
    return path
