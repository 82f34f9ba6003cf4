"""Packaging: the wheel and sdist, a fresh install's command, and the Linux kiosk install."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import turnstile
from turnstile.config import ModelsConfig
from turnstile.store import database as storage
from turnstile.vision import models

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
INSTALL = LINUX / "install.sh"
UNIT = "turnstile-kiosk.service"
POSIX = sys.platform != "win32"


def run(command: list[str | Path], cwd: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          check=False, timeout=600, cwd=cwd, env=env)


def this_turnstile() -> Path:
    """The `turnstile` command of the environment running the tests."""
    found = shutil.which("turnstile", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("no turnstile command beside this Python (install the project first)")
    return Path(found)


def installed_models() -> Path | None:
    directory = ModelsConfig().models_dir()
    return None if models.verify(directory) else directory


# The wheel and the sdist --------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`python -m build`: the sdist, then the wheel built from that sdist (so both work)."""
    out = tmp_path_factory.mktemp("dist")
    result = run([sys.executable, "-m", "build", "--outdir", out, ROOT])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [wheel] = out.glob("turnstile-*.whl")
    [sdist] = out.glob("turnstile-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _packages_in_tree() -> set[str]:
    return {".".join(p.parent.relative_to(ROOT).parts) for p in
            (ROOT / "turnstile").rglob("__init__.py")}


@pytest.mark.slow
def test_wheel_holds_every_package_and_asset_but_no_models(built: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for package in _packages_in_tree():
        assert f"{package.replace('.', '/')}/__init__.py" in names, f"{package} not in wheel"
    for asset in (ROOT / "turnstile" / "assets").rglob("*"):
        if asset.is_file():
            assert asset.relative_to(ROOT).as_posix() in names
    assert "turnstile/py.typed" in names
    # The one exception to "no weights in the package": the vendored Apache-2.0 MiniFASNet
    # passive liveness models, with their licence and notice beside them.
    vendored = {f"turnstile/assets/models/minifasnet/{name}" for name in
                ("MiniFASNetV2.onnx", "MiniFASNetV1SE.onnx", "LICENSE", "NOTICE")}
    assert vendored <= names
    assert not [n for n in names if (n.endswith((".onnx", ".db")) and n not in vendored)
                or n.startswith("tests/")]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    points = zipfile.ZipFile(built["wheel"]).read(entry_points).decode()
    assert "turnstile = turnstile.cli:main" in points
    gui = points[points.index("[gui_scripts]"):]
    assert "turnstile-kiosk = turnstile.cli:kiosk_main" in gui
    assert "turnstile-admin = turnstile.cli:admin_main" in gui
    assert built["wheel"].name == f"turnstile-{turnstile.__version__}-py3-none-any.whl"


@pytest.mark.slow
def test_sdist_carries_assets_and_kiosk_files(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    expected = {"turnstile/assets/turnstile.svg", "turnstile/assets/kiosk.qss", "README.md",
                "packaging/turnstile.spec", "packaging/linux/install.sh", f"packaging/linux/{UNIT}",
                "packaging/linux/turnstile-kiosk.desktop",
                "packaging/linux/turnstile-admin.desktop", "packaging/windows/README.md",
                "turnstile/assets/i18n/turnstile_de.qm"}
    assert expected <= names


@pytest.fixture(scope="module")
def fresh_env(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with only the wheel installed into it.

    Its third-party packages are the ones already installed here (a .pth file points at a
    folder of links to them, leaving out this checkout's own turnstile), so pip resolves
    the wheel's requirements offline in seconds instead of unpacking Qt and OpenCV again.
    """
    home = tmp_path_factory.mktemp("fresh")
    env = home / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    borrowed = home / "site-packages"
    borrowed.mkdir()
    for source in {Path(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}:
        for entry in source.iterdir():
            if "turnstile" not in entry.name.lower() and not entry.name.endswith(".pth"):
                (borrowed / entry.name).symlink_to(entry)
    fresh_python = env / ("Scripts/python.exe" if not POSIX else "bin/python")
    site = run([fresh_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    (Path(site.stdout.strip()) / "borrowed.pth").write_text(f"{borrowed}\n")
    result = run([sys.executable, "-m", "pip", "--python", fresh_python, "install",
                  "--no-index", "--disable-pip-version-check", built["wheel"]])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return env


def _fresh(env: Path, name: str) -> Path:
    return env / ("bin" if POSIX else "Scripts") / name


def _isolated(tmp_path: Path) -> dict[str, str]:
    """Environment for a command that must not see this user's config or this checkout."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TURNSTILE_", "XDG_"))}
    keep["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    keep["XDG_DATA_HOME"] = str(tmp_path / "data")
    keep["TURNSTILE_MODELS_DIR"] = str(ModelsConfig().models_dir())
    keep["QT_QPA_PLATFORM"] = "offscreen"
    return keep


@pytest.mark.slow
def test_fresh_install_runs_version_and_check(fresh_env: Path, tmp_path: Path) -> None:
    command = _fresh(fresh_env, "turnstile")
    env = _isolated(tmp_path)

    version = run([command, "--version"], cwd=tmp_path, env=env)
    check = run([command, "check", "--no-camera", "--json", "--db", tmp_path / "g.db"],
                cwd=tmp_path, env=env)

    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"turnstile {turnstile.__version__}"
    report = json.loads(check.stdout)
    assert report["checks"]["database"].startswith("ok")
    assert storage.schema_version(sqlite3.connect(tmp_path / "g.db")) == storage.SCHEMA_VERSION
    problems = models.verify(ModelsConfig().models_dir())
    # Without installed models check must fail and say how to install them.
    assert check.returncode == (1 if problems else 0), check.stdout + check.stderr
    assert report["ok"] is not problems
    assert (report["checks"]["models"] == "ok") is not problems
    if problems:
        assert "turnstile models install" in report["checks"]["models"]


@pytest.mark.slow
def test_fresh_install_reads_assets_from_its_own_files(fresh_env: Path, tmp_path: Path) -> None:
    code = "from turnstile.resources import asset_path; print(asset_path('turnstile.svg'))"
    result = run([_fresh(fresh_env, "python"), "-c", code], cwd=tmp_path, env=_isolated(tmp_path))
    assert result.returncode == 0, result.stderr
    icon = Path(result.stdout.strip())
    assert icon.is_relative_to(fresh_env) and icon.is_file()
    assert icon.read_bytes() == (ROOT / "turnstile" / "assets" / "turnstile.svg").read_bytes()


# The Linux kiosk install ---------------------------------------------------------------------
needs_posix_shell = pytest.mark.skipif(not POSIX or shutil.which("sh") is None,
                                       reason="the install script is POSIX shell")


def install(root: Path, *options: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNSTILE_")}
    return run(["sh", INSTALL, "--root", root, *options], env=env)


def _models_option() -> list[str | Path]:
    directory = installed_models()
    return ["--skip-models"] if directory is None else ["--models-from", directory]


@pytest.fixture(scope="module")
def installed_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kiosk installed twice under a temporary root with this environment's turnstile."""
    if not POSIX or shutil.which("sh") is None:
        pytest.skip("the install script is POSIX shell")
    root = tmp_path_factory.mktemp("installed") / "root"
    for _ in range(2):
        result = install(root, "--app", this_turnstile(), *_models_option())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "done." in result.stdout
    return root


@pytest.fixture
def installed(installed_twice: Path, tmp_path: Path) -> Path:
    """A copy of that install, for a test to change."""
    return Path(shutil.copytree(installed_twice, tmp_path / "root", symlinks=True))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@needs_posix_shell
def test_install_twice_gives_private_data_and_enabled_unit(installed: Path) -> None:
    home = installed / "home" / "turnstile"
    data = home / ".local" / "share" / "turnstile"
    units = home / ".config" / "systemd" / "user"
    assert _mode(data) == 0o700
    assert _mode(home / ".config" / "turnstile") == 0o700
    for path in data.rglob("*"):
        assert _mode(path) & 0o077 == 0, f"{path} is readable by others"
    db = data / "turnstile.db"
    assert storage.schema_version(sqlite3.connect(db)) == storage.SCHEMA_VERSION
    unit = (units / UNIT).read_text()
    assert f"ExecStart={this_turnstile()} kiosk\n" in unit
    assert (units / "graphical-session.target.wants" / UNIT).resolve() == units / UNIT
    assert (installed / "usr/local/bin/turnstile").resolve() == this_turnstile().resolve()
    assert not (home / ".config" / "autostart" / "turnstile-kiosk.desktop").exists()
    admin = configparser.ConfigParser(interpolation=None)
    admin.read(installed / "usr/local/share/applications/turnstile-admin.desktop")
    assert admin["Desktop Entry"]["Exec"] == f"{this_turnstile()} admin"
    if installed_models() is not None:
        assert models.verify(data / "models") == []


@needs_posix_shell
def test_install_creates_the_first_administrator(installed: Path) -> None:
    db = installed / "home/turnstile/.local/share/turnstile/turnstile.db"
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM users").fetchone() == (0,)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNSTILE_")}
    options = ["--app", this_turnstile(), "--skip-models", "--admin", "alice",
               "--admin-password-stdin"]
    result = subprocess.run(["sh", str(INSTALL), "--root", str(installed),
                             *[str(o) for o in options]], input="installer password 1\n",
                            capture_output=True, text=True, check=False, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "created administrator account alice" in result.stdout
    users = sqlite3.connect(db).execute("SELECT name, role FROM users").fetchall()
    assert users == [("alice", "administrator")]
    again = install(installed, "--app", this_turnstile(), "--skip-models")
    assert again.returncode == 0 and "admin accounts exist" in again.stdout


@needs_posix_shell
def test_reinstall_tightens_loosened_permissions(installed: Path) -> None:
    data = installed / "home/turnstile/.local/share/turnstile"
    data.chmod(0o755)
    (data / "turnstile.db").chmod(0o644)

    result = install(installed, "--app", this_turnstile(), "--skip-models")

    assert result.returncode == 0, result.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "turnstile.db") == 0o600


@needs_posix_shell
def test_switching_to_xdg_autostart_removes_the_unit(installed: Path) -> None:
    result = install(installed, "--app", this_turnstile(), "--skip-models", "--autostart", "xdg")

    assert result.returncode == 0, result.stderr
    config = installed / "home/turnstile/.config"
    assert not (config / "systemd/user" / UNIT).exists()
    assert not (config / "systemd/user/graphical-session.target.wants" / UNIT).is_symlink()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(config / "autostart/turnstile-kiosk.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == f"{this_turnstile()} kiosk"
    assert (installed / "usr/local/share/icons/hicolor/scalable/apps/turnstile.svg").is_file()


@needs_posix_shell
def test_reinstall_replaces_a_planted_link_instead_of_writing_through_it(
        installed: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("root-owned file the kiosk account must not get written\n")
    unit = installed / "home/turnstile/.config/systemd/user" / UNIT
    unit.unlink()
    unit.symlink_to(victim)

    result = install(installed, "--app", this_turnstile(), "--skip-models")

    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "root-owned file the kiosk account must not get written\n"
    assert not unit.is_symlink() and "ExecStart=" in unit.read_text()


@needs_posix_shell
def test_data_folder_that_is_a_link_is_refused(installed: Path, tmp_path: Path) -> None:
    data = installed / "home/turnstile/.local/share/turnstile"
    elsewhere = tmp_path / "elsewhere"
    data.rename(elsewhere)
    data.symlink_to(elsewhere)
    mode = _mode(elsewhere)
    elsewhere.chmod(0o755)

    result = install(installed, "--app", this_turnstile(), "--skip-models")

    assert result.returncode == 2
    assert "is a symbolic link" in result.stderr
    assert _mode(elsewhere) == 0o755 != mode
    assert (elsewhere / "turnstile.db").exists()


@needs_posix_shell
@pytest.mark.skipif(storage.SCHEMA_VERSION < 2, reason="needs a schema older than the current")
def test_install_over_an_older_gallery_backs_it_up_and_migrates(tmp_path: Path) -> None:
    data = tmp_path / "root/home/turnstile/.local/share/turnstile"
    data.mkdir(parents=True)
    conn = sqlite3.connect(data / "turnstile.db", isolation_level=None)
    storage.migrate(conn, target=storage.SCHEMA_VERSION - 1)
    conn.execute("INSERT INTO people (name, created) VALUES ('Ada', '2024-01-01T09:00:00')")
    conn.close()

    result = install(tmp_path / "root", "--app", this_turnstile(), "--skip-models")

    assert result.returncode == 0, result.stderr
    [backup] = data.glob("turnstile.backup-*.db")
    assert storage.schema_version(sqlite3.connect(backup)) == storage.SCHEMA_VERSION - 1
    upgraded = sqlite3.connect(data / "turnstile.db")
    assert storage.schema_version(upgraded) == storage.SCHEMA_VERSION
    assert upgraded.execute("SELECT name FROM people").fetchall() == [("Ada",)]


@needs_posix_shell
@pytest.mark.parametrize(("options", "message"), [
    ([], "--app is required"),
    (["--app", "no-such-file.whl"], "does not exist"),
    (["--app", "THIS", "--autostart", "cron"], "--autostart must be systemd or xdg"),
    (["--app", "THIS", "--user", "Bad User"], "user name must be"),
    (["--app", "THIS", "--models-from", "no-such-folder"], "is not a folder"),
    (["--app", "FOLDER"], "cannot download models"),
    (["--app", "FOLDER", "--skip-models"], "has no turnstile program"),
    (["--frobnicate"], "unknown option --frobnicate"),
])
def test_bad_options_fail_before_writing_anything(
        tmp_path: Path, options: list[str], message: str) -> None:
    folder = tmp_path / "not-a-build"
    folder.mkdir()
    swap = {"THIS": str(this_turnstile()), "FOLDER": str(folder)}
    root = tmp_path / "root"

    result = install(root, *[swap.get(o, o) for o in options])

    assert result.returncode == 2
    assert message in result.stderr
    assert not root.exists() or not any(root.iterdir())


@needs_posix_shell
def test_install_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = run([shellcheck, "--shell=sh", INSTALL])
    assert result.returncode == 0, result.stdout


@needs_posix_shell
def test_installed_unit_passes_systemd_analyze_verify(installed: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not available")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    unit = installed / "home/turnstile/.config/systemd/user" / UNIT
    result = run([analyze, "--user", "verify", unit],
                 env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)})
    assert result.returncode == 0, result.stderr
    # verify only warns (exit 0) about unknown keys and the like: none may be about our unit.
    assert UNIT not in result.stdout + result.stderr


def test_unit_restarts_the_kiosk_and_logs_to_the_journal() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(LINUX / UNIT)
    service = unit["Service"]
    assert service["ExecStart"] == "@TURNSTILE@ kiosk"
    assert service["Restart"] == "always"
    assert service["StandardOutput"] == service["StandardError"] == "journal"
    assert service["UMask"] == "0077"
    assert unit["Install"]["WantedBy"] == "graphical-session.target"


# Portability ---------------------------------------------------------------------------------
#: Fixed POSIX locations for data, config or logs; platformdirs gives them on every OS.
POSIX_ONLY = re.compile(r"""["'](/(etc|var|home|tmp|usr|opt|srv)/|~/)|os\.getuid|^import pwd""",
                        re.MULTILINE)


def test_code_uses_no_fixed_posix_locations() -> None:
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)}"
                 for path in (ROOT / "turnstile").rglob("*.py")
                 for match in POSIX_ONLY.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


# `make run` installs only what the kiosk needs ----------------------------------------------
#: Distributions the kiosk never needs: training, tests, type checking, building.
NOT_FOR_THE_KIOSK = {"torch", "pytest", "pytest-qt", "mypy", "ruff", "build", "pyinstaller"}


def _runtime_closure(name: str) -> set[str]:
    """Every installed distribution `name` needs without extras, transitively."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    todo = [name]
    while todo:
        current = canonicalize_name(todo.pop())
        if current in seen:
            continue
        seen.add(current)
        try:
            requires = metadata.distribution(current).requires or []
        except metadata.PackageNotFoundError:
            continue  # for another platform or Python; not installed here
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_the_kiosk_needs_no_training_or_test_tools() -> None:
    needed = _runtime_closure("turnstile")
    assert {"pyside6", "onnxruntime", "opencv-python"} <= needed
    assert not needed & NOT_FOR_THE_KIOSK, f"the kiosk would install {needed & NOT_FOR_THE_KIOSK}"


def test_make_run_installs_the_project_without_extras(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv_dir = tmp_path / "venv"
    plan = run(["make", "-n", "-B", "run", f"VENV={venv_dir}"], cwd=ROOT)
    assert plan.returncode == 0, plan.stderr
    installs = [line for line in plan.stdout.splitlines() if "pip install" in line]
    assert any(line.rstrip().endswith("-e .") for line in installs), plan.stdout
    assert not [line for line in installs if "torch" in line or "[dev" in line], plan.stdout
    test_plan = run(["make", "-n", "-B", "setup", f"VENV={venv_dir}"], cwd=ROOT).stdout
    assert "torch" in test_plan and "[dev,train]" in test_plan  # `make test` has everything
