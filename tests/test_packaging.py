"""Packaging checks that need no bundle build: the spec, desktop entry, metainfo, icons and
the per-user desktop install. The bundle itself is tested by packaging/bundle-smoke.sh."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import pty
import runpy
import shlex
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

import asmr_desktop

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "asmr-desktop.spec"
ASSETS = ROOT / "assets"
DESKTOP = ASSETS / "asmr-desktop.desktop"
METAINFO = ASSETS / "io.github.asmrdesktop.AsmrDesktop.metainfo.xml"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SCRIPTS = (
    "bare-check.sh",
    "build-bundle.sh",
    "bundle-smoke.sh",
    "install-desktop.sh",
    "system-deps.sh",
)


def read_desktop(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


# --- the PyInstaller spec -------------------------------------------------------------


class _Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT and remembers its arguments."""

    calls: dict[str, Any]

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, *args: Any, **kwargs: Any) -> SimpleNamespace:
        _Recorder.calls[self.kind] = SimpleNamespace(args=args, kwargs=kwargs)
        if self.kind == "Analysis":
            return SimpleNamespace(
                binaries=list(SAMPLE_BINARIES), datas=list(SAMPLE_DATAS), pure=[], scripts=[]
            )
        return SimpleNamespace()


# (destination, source, typecode) as PyInstaller's TOC lists them; sources that do not
# exist make readelf report no dependencies, so only the name filter decides here.
INPUT = "PySide6/Qt/plugins/platforminputcontexts"
SAMPLE_BINARIES = [
    ("PySide6/Qt/lib/libQt6Core.so.6", "/nonexistent/libQt6Core.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Charts.so.6", "/nonexistent/libQt6Charts.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6OpenGL.so.6", "/nonexistent/libQt6OpenGL.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6DBus.so.6", "/nonexistent/libQt6DBus.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Quick.so.6", "/nonexistent/libQt6Quick.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", "/nonexistent/libQt6Pdf.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Network.so.6", "/nonexistent/libQt6Network.so.6", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/nonexistent/j.so", "BINARY"),
    ("PySide6/QtCharts.abi3.so", "/nonexistent/QtCharts.abi3.so", "EXTENSION"),
    ("PySide6/QtOpenGL.abi3.so", "/nonexistent/QtOpenGL.abi3.so", "EXTENSION"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/nonexistent/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/nonexistent/a.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", "/nonexistent/b.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/nonexistent/c.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/nonexistent/d.so", "BINARY"),
    (f"{INPUT}/libqtvirtualkeyboardplugin.so", "/nonexistent/e.so", "BINARY"),
    (f"{INPUT}/libcomposeplatforminputcontextplugin.so", "/nonexistent/f.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/nonexistent/g.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", "/nonexistent/h.so", "BINARY"),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", "/n/i", "BINARY"),
    ("_soundfile_data/libsndfile_x86_64.so", "/nonexistent/libsndfile_x86_64.so", "BINARY"),
    ("numpy.libs/libscipy_openblas64_.so", "/nonexistent/openblas.so", "BINARY"),
    ("libxcb-cursor.so.0", "/nonexistent/libxcb-cursor.so.0", "BINARY"),
]
# Python's own extension modules: the standard library's TLS, OpenSSL hashes (hashlib has
# its built-in sha256), readline and the CJK codecs are never opened; the rest are.
DYNLOAD = "python3.11/lib-dynload"
DYNLOAD_NAMES = [
    "_ssl",
    "_hashlib",
    "readline",
    "_multibytecodec",
    "_codecs_jp",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_kr",
    "_codecs_tw",
    "_ctypes",
    "_json",
    "_lzma",
    "_decimal",
    "_queue",
    "termios",
    "_codecs_iso2022_x",
]
SAMPLE_BINARIES += [
    (f"{DYNLOAD}/{name}.cpython-311-x86_64-linux-gnu.so", f"/nonexistent/{name}.so", "EXTENSION")
    for name in DYNLOAD_NAMES
]
SAMPLE_DATAS = [
    ("PySide6/Qt/translations/qtbase_de.qm", "/nonexistent/qtbase_de.qm", "DATA"),
    ("PySide6/Qt/translations/qtdeclarative_de.qm", "/nonexistent/x.qm", "DATA"),
    ("PySide6/Qt/qml/QtQuick/qmldir", "/nonexistent/qmldir", "DATA"),
]
KEPT = {
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6Charts.so.6",
    "PySide6/Qt/lib/libQt6OpenGL.so.6",  # QtCharts links it
    "PySide6/Qt/lib/libQt6DBus.so.6",
    "PySide6/QtCharts.abi3.so",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",  # the self-test
    f"{INPUT}/libcomposeplatforminputcontextplugin.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "_soundfile_data/libsndfile_x86_64.so",
    "numpy.libs/libscipy_openblas64_.so",
    "libxcb-cursor.so.0",
    *(
        f"{DYNLOAD}/{name}.cpython-311-x86_64-linux-gnu.so"
        for name in ("_ctypes", "_json", "_lzma", "_decimal", "_queue", "termios")
    ),
    f"{DYNLOAD}/_codecs_iso2022_x.cpython-311-x86_64-linux-gnu.so",  # no such codec: the
    # pattern names whole modules, not prefixes
}


def run_spec(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Execute the spec with PyInstaller's build classes replaced by recorders."""
    _Recorder.calls = {}
    namespace: dict[str, Any] = {
        "SPECPATH": str(SPEC.parent),
        "__file__": str(SPEC),
        **{kind: _Recorder(kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    saved_path = list(sys.path)
    saved_env = dict(os.environ)
    os.environ.update(env or {})
    try:
        exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
        os.environ.clear()
        os.environ.update(saved_env)
    return _Recorder.calls


@pytest.fixture(scope="module")
def spec_calls() -> dict[str, Any]:
    pytest.importorskip("PyInstaller")
    return run_spec()


def collected(calls: dict[str, Any]) -> set[str]:
    """Destination names of every file COLLECT would put in the bundle."""
    return {entry[0] for toc in calls["COLLECT"].args[1:] for entry in toc}


def test_spec_names_the_bundle_from_the_package(spec_calls: dict[str, Any]) -> None:
    assert spec_calls["EXE"].kwargs["name"] == asmr_desktop.APP_ID
    expected = f"{asmr_desktop.APP_ID}-{asmr_desktop.__version__}"
    assert spec_calls["COLLECT"].kwargs["name"] == expected
    source = SPEC.read_text()
    assert asmr_desktop.__version__ not in source, "the version is imported, never written"


def test_spec_ships_the_icon_where_the_tray_looks(spec_calls: dict[str, Any]) -> None:
    from asmr_desktop.ui.tray import ICON_FILE

    datas = spec_calls["Analysis"].kwargs["datas"]
    # In the bundle the package's parent folder is _internal: same relative place.
    relative = ICON_FILE.relative_to(ROOT)
    shipped = [(Path(src), Path(dest)) for src, dest in datas]
    assert shipped[0] == (ICON_FILE, relative.parent)
    assert ICON_FILE.is_file()


def test_spec_ships_the_report_fonts_where_the_report_looks(spec_calls: dict[str, Any]) -> None:
    from asmr_desktop.insights.fonts import BOLD, BUNDLED_DIR, REGULAR

    datas = spec_calls["Analysis"].kwargs["datas"]
    fonts = {Path(src).name for src, dest in datas if Path(dest) == Path("assets/fonts")}
    assert fonts == set(REGULAR + BOLD)
    assert BUNDLED_DIR.relative_to(ROOT) == Path("assets/fonts")  # _internal/assets/fonts


def test_spec_never_strips_globally(spec_calls: dict[str, Any]) -> None:
    # strip=True breaks numpy's OpenBLAS; build-bundle.sh strips selectively instead.
    assert spec_calls["EXE"].kwargs["strip"] is False
    assert spec_calls["COLLECT"].kwargs["strip"] is False


def test_spec_takes_the_whole_package_and_planned_qt_modules(spec_calls: dict[str, Any]) -> None:
    hidden = set(spec_calls["Analysis"].kwargs["hiddenimports"])
    # Sub-commands are imported by name: PyInstaller's scan cannot see them.
    from asmr_desktop.cli.parser import COMMAND_MODULES

    assert set(COMMAND_MODULES) <= hidden
    assert "asmr_desktop.ui.main_window" in hidden
    assert {"PySide6.QtCharts", "PySide6.QtDBus"} <= hidden


def test_spec_drops_unused_qt_and_keeps_what_the_app_needs(spec_calls: dict[str, Any]) -> None:
    assert collected(spec_calls) == KEPT


def test_spec_unfiltered_variant_keeps_everything() -> None:
    pytest.importorskip("PyInstaller")
    calls = run_spec({"ASMR_BUNDLE_UNFILTERED": "1"})
    assert collected(calls) == {e[0] for e in SAMPLE_BINARIES + SAMPLE_DATAS}


@pytest.mark.parametrize("script", SCRIPTS)
def test_shell_scripts_parse(script: str) -> None:
    path = ROOT / "packaging" / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    result = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- desktop entry, metainfo, icons ---------------------------------------------------


def test_desktop_entry_matches_the_app() -> None:
    entry = read_desktop(DESKTOP)
    main = entry["Desktop Entry"]
    # Qt reports this name to the desktop (setDesktopFileName(APP_ID)) to match windows.
    assert DESKTOP.stem == asmr_desktop.APP_ID
    assert main["Name"] == asmr_desktop.APP_NAME
    assert main["Exec"] == asmr_desktop.APP_ID
    assert main["Icon"] == asmr_desktop.APP_ID
    assert main["Actions"].rstrip(";").split(";") == ["visual-only"]
    action = entry["Desktop Action visual-only"]
    assert action["Name"] == "Visual only"
    assert action["Exec"] == f"{asmr_desktop.APP_ID} --visual-only"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # hints and warnings too


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert METAINFO.name == f"{root.findtext('id')}.metainfo.xml"
    assert root.findtext("name") == asmr_desktop.APP_NAME
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("provides/binary") == asmr_desktop.APP_ID
    releases = [r.get("version") for r in root.iterfind("releases/release")]
    assert releases[0] == asmr_desktop.__version__, "add a <release> for a new version"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_at_each_size(size: int) -> None:
    path = ASSETS / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "asmr-desktop.png"
    assert png_size(path) == (size, size)


def test_icon_svg_is_the_source() -> None:
    svg = ASSETS / "icons" / "hicolor" / "scalable" / "apps" / "asmr-desktop.svg"
    root = ET.parse(svg).getroot()
    assert root.get("viewBox") == "0 0 512 512"
    renderer = runpy.run_path(str(ASSETS / "render_icons.py"))  # makes exactly these sizes
    assert renderer["SIZES"] == ICON_SIZES


# --- per-user install -----------------------------------------------------------------


def install(data_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(ROOT / "packaging" / "install-desktop.sh"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_install_desktop_into_xdg_data_home(tmp_path: Path) -> None:
    data = tmp_path / "my data"
    result = install(data, "--exec", "/opt/asmr desktop/asmr-desktop")
    assert result.returncode == 0, result.stderr
    desktop = data / "applications" / "asmr-desktop.desktop"
    entry = read_desktop(desktop)
    assert entry["Desktop Entry"]["Exec"] == '"/opt/asmr desktop/asmr-desktop"'
    assert entry["Desktop Action visual-only"]["Exec"] == (
        '"/opt/asmr desktop/asmr-desktop" --visual-only'
    )
    assert (data / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for size in ICON_SIZES:
        icon = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "asmr-desktop.png"
        assert png_size(icon) == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "asmr-desktop.svg").is_file()
    assert not (data / "icons" / "hicolor" / "icon-theme.cache").exists()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert check.returncode == 0, check.stdout

    result = install(data, "--uninstall")
    assert result.returncode == 0, result.stderr
    left = sorted(p.name for p in data.rglob("*") if p.is_file())
    assert set(left) <= {"mimeinfo.cache"}, left


def test_install_desktop_defaults_to_this_checkout(tmp_path: Path) -> None:
    result = install(tmp_path)
    assert result.returncode == 0, result.stderr
    exec_line = read_desktop(tmp_path / "applications" / "asmr-desktop.desktop")
    program = exec_line["Desktop Entry"]["Exec"]
    if shutil.which("asmr-desktop", path="/usr/bin:/bin"):  # installed system-wide
        assert program == "asmr-desktop"
    else:  # the bundle in dist/ or the venv of this checkout
        assert program.startswith(str(ROOT)), program
        assert program.endswith("/asmr-desktop"), program


# --- CI runs every test ---------------------------------------------------------------

SKIPPING_TESTS = """
import pytest

@pytest.mark.skipif(True, reason="needs gdbus (libglib2.0-bin)")
def test_needs_a_tool():
    pass

def test_skips_inside():
    pytest.skip("pdftotext missing")

@pytest.mark.skipif(True, reason="the full matrix: set ASMR_VISUAL_FULL=1")
def test_opt_in():
    pass

@pytest.mark.xfail(reason="known", strict=True)
def test_expected_failure():
    raise AssertionError
"""


def run_skipping_suite(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """tests/conftest.py's rule, applied to a small suite of skips in a fresh pytest."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_makereport\n")
    (tmp_path / "test_skips.py").write_text(SKIPPING_TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_a_skip_for_a_missing_tool_fails_in_ci(tmp_path: Path) -> None:
    result = run_skipping_suite(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    # A skipif marker skips at set-up, so it shows as an error; pytest.skip() as a failure.
    assert "1 failed, 1 skipped, 1 xfailed, 1 error" in result.stdout, result.stdout
    assert "skipped in CI (needs gdbus (libglib2.0-bin))" in result.stdout
    assert "skipped in CI (pdftotext missing)" in result.stdout


def test_outside_ci_a_skip_stays_a_skip(tmp_path: Path) -> None:
    result = run_skipping_suite(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "3 skipped, 1 xfailed" in result.stdout, result.stdout


# --- a bare machine: Qt libraries, fonts, the window icon -----------------------------

ENTRY = Path(sys.executable).parent / "asmr-desktop"
#: Runs the app as if libEGL were missing: Qt's GUI modules fail to load as they would.
WITHOUT_EGL = """
import importlib.abc, sys
class NoEgl(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in ("PySide6.QtGui", "PySide6.QtWidgets"):
            raise ImportError(
                "libEGL.so.1: cannot open shared object file: No such file or directory"
            )
sys.meta_path.insert(0, NoEgl())
from asmr_desktop.app import main
sys.exit(main(sys.argv[1:]))
"""
EGL_SENTENCE = (
    "asmr-desktop: error: Qt cannot start: the system library libEGL.so.1 is missing. "
    "Install it with: sudo apt-get install libegl1"
)


def start_without_egl(
    tmp_path: Path, *, testing: bool
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The app without libEGL, started as from a menu (stderr is no terminal), with fake
    dialog programs on PATH that record what they were asked to show."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shown = tmp_path / "shown.txt"
    for program in ("zenity", "xmessage"):
        fake = bin_dir / program
        fake.write_text(f'#!/bin/sh\necho "{program} $*" >> "{shown}"\n')
        fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "ASMR_DESKTOP_TESTING"}
    env.update(PATH=f"{bin_dir}:/usr/bin:/bin", DISPLAY=":0")
    if testing:
        env["ASMR_DESKTOP_TESTING"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_EGL, "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return result, shown


def test_missing_egl_names_the_package_in_terminal_log_and_dialog(tmp_path: Path) -> None:
    result, shown = start_without_egl(tmp_path, testing=False)
    assert result.returncode == 1
    assert result.stderr.strip() == EGL_SENTENCE, result.stderr
    assert "Traceback" not in result.stderr
    log = (tmp_path / "data" / "logs" / "asmr-desktop.log").read_text()
    assert "sudo apt-get install libegl1" in log
    deadline = time.monotonic() + 10
    while not shown.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # The first dialog program found shows it, and only that one.
    assert shown.read_text().startswith("zenity --error --title ASMR Desktop --text Qt cannot")
    assert "sudo apt-get install libegl1" in shown.read_text()
    assert "xmessage" not in shown.read_text()


def test_missing_egl_shows_no_dialog_in_tests(tmp_path: Path) -> None:
    result, shown = start_without_egl(tmp_path, testing=True)
    assert result.returncode == 1
    assert result.stderr.strip() == EGL_SENTENCE
    time.sleep(0.3)
    assert not shown.exists()


def test_window_start_without_fonts_warns_with_the_package(tmp_path: Path) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    result = subprocess.run(
        [str(ENTRY), "--data-dir", str(tmp_path / "data"), "--quit-after-ms", "300"],
        capture_output=True,
        text=True,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # No families at all, or families that draw no letters (the theme's): boxes either way.
    warning = "install fonts-dejavu-core fontconfig-config (text would show as boxes)"
    assert "asmr-desktop: warning: " in result.stderr
    assert warning in result.stderr
    assert warning in (tmp_path / "data" / "logs" / "asmr-desktop.log").read_text()


def start_logged(tmp_path: Path, argv: list[str], **run: Any) -> tuple[str, list[str]]:
    """Start the window as ``argv`` (for 300 ms); its log line about the start, and the
    command line it really had."""
    command = [str(ENTRY), *argv[1:], "--data-dir", str(tmp_path / "data")]
    command += ["--quit-after-ms", "300"]
    result = subprocess.run(
        command,
        env={k: v for k, v in os.environ.items() if k != "GIO_LAUNCHED_DESKTOP_FILE"}
        | run.pop("env", {}),
        timeout=60,
        **run,
    )
    assert result.returncode == 0
    log = (tmp_path / "data" / "logs" / "asmr-desktop.log").read_text()
    lines = [line for line in log.splitlines() if " launched as " in line]
    assert len(lines) == 1, log
    return lines[0], command


@pytest.mark.parametrize("section", ["Desktop Entry", "Desktop Action visual-only"])
def test_a_start_from_the_menu_is_logged_with_how_it_was_started(
    tmp_path: Path, section: str
) -> None:
    # As a menu starts it (Terminal=false): the Exec line, no terminal on any of stdin,
    # stdout, stderr, and GLib's launcher naming the desktop file it started.
    argv = shlex.split(read_desktop(DESKTOP)[section]["Exec"])
    assert argv[0] == "asmr-desktop"
    line, command = start_logged(
        tmp_path,
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={"GIO_LAUNCHED_DESKTOP_FILE": str(DESKTOP)},
    )
    assert f"launched as {command} with no terminal" in line, line
    assert "with no terminal (stdin, stdout, stderr are not terminals)" in line, line
    assert f"from the desktop entry {DESKTOP}" in line, line


def test_a_start_from_a_terminal_is_logged_as_such(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        line, _ = start_logged(
            tmp_path, ["asmr-desktop"], stdin=follower, stdout=follower, stderr=follower
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert "in a terminal (stdin, stdout, stderr)" in line, line
    assert "desktop entry" not in line, line


def test_window_has_its_icon_for_task_switchers(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None or shutil.which("xprop") is None:
        pytest.skip("needs Xvfb (xvfb) and xprop, xwininfo (x11-utils)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            display = f":{announced.readline().strip()}"
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env["DISPLAY"] = display
        app = subprocess.Popen(
            [str(ENTRY), "--data-dir", str(tmp_path), "--quit-after-ms", "20000"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            icon = ""
            deadline = time.monotonic() + 30
            while "CARDINAL" not in icon and time.monotonic() < deadline:
                time.sleep(0.2)
                tree = subprocess.run(
                    ["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True
                ).stdout
                for line in tree.splitlines():
                    if '"ASMR Desktop"' in line:
                        window = line.split()[0]
                        icon = subprocess.run(
                            ["xprop", "-id", window, "_NET_WM_ICON"],
                            env=env,
                            capture_output=True,
                            text=True,
                        ).stdout
                        if "CARDINAL" in icon:
                            break
        finally:
            app.terminate()
            app.wait(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert icon.startswith("_NET_WM_ICON(CARDINAL) = "), icon


# --- licences and what the tarball carries --------------------------------------------

#: Components the bundle ships whose licence must travel with it (issue 20).
LICENSED = {
    "PySide6_Essentials": "LGPL-3",
    "PySide6_Addons": "LGPL-3",
    "shiboken6": "LGPL-3",
    "pygame": "LGPL-2.1",
    "SDL2": "SDL2.txt",
    "libsndfile": "COPYING",
    "numpy": "LICENSE.txt",
    "soxr": "COPYING.LGPL",
    "tinydb": "LICENSE",
    "platformdirs": "LICENSE",
    "soundfile": "LICENSE",
    "cffi": "LICENSE",
    "Python": "LICENSE.txt",
    "PyInstaller bootloader": "COPYING.txt",
}


def test_bare_check_installs_exactly_the_packages_readme_documents() -> None:
    # packaging/bare-check.sh reads README's one install line: what is checked on the bare
    # root is what a person is told to install, nothing more.
    prefix = "sudo apt-get install --no-install-recommends "
    lines = [
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith(prefix)
    ]
    assert len(lines) == 1, lines
    assert set(lines[0].removeprefix(prefix).split()) == {
        "libgl1",
        "libegl1",
        "fontconfig-config",
        "fonts-dejavu-core",
        "libpulse0",
    }
    script = (ROOT / "packaging" / "bare-check.sh").read_text()
    assert f"sed -n 's/^{prefix}//p' \"$here/README.md\"" in script


def test_project_license_is_the_mit_licence_pyproject_names() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()


def test_licences_of_every_bundled_component_are_collected(tmp_path: Path) -> None:
    bundle = tmp_path / "asmr-desktop-x"
    internal = bundle / "_internal"
    (internal / "pygame.libs").mkdir(parents=True)
    (internal / "pygame.libs" / "libSDL2-2-abc.so.0").write_bytes(b"")
    # A system library PyInstaller copied from Debian: its package's copyright file.
    xcb_cursor = Path("/usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0")
    if xcb_cursor.exists():
        shutil.copyfile(xcb_cursor, internal / xcb_cursor.name)
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "collect_licenses.py"), str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    index = (bundle / "licenses" / "README.txt").read_text()
    entries = {line.split(" ", 1)[0]: line for line in index.splitlines() if ": " in line}
    for component, text in LICENSED.items():
        line = next((e for e in index.splitlines() if e.startswith(f"{component} ")), None)
        assert line is not None, f"{component} missing from licenses/README.txt"
        files = line.rsplit(": ", 1)[1].split(", ")
        assert any(f.endswith(f"/{text}") for f in files), line
        for name in files:
            assert (bundle / "licenses" / name).stat().st_size > 200, name
    assert (
        "GNU LESSER GENERAL PUBLIC LICENSE"
        in (bundle / "licenses" / "PySide6_Essentials" / "LGPL-3").read_text()
    )
    assert "OpenBLAS" in (bundle / "licenses" / "numpy" / "LICENSE.txt").read_text()
    assert "libSDL2-2-abc.so.0" in index
    if xcb_cursor.exists():
        assert "debian-libxcb-cursor0" in entries, index


def test_bundle_build_adds_licences_readme_and_installer() -> None:
    script = (ROOT / "packaging" / "build-bundle.sh").read_text()
    for step in (
        'cp LICENSE "dist/$name/LICENSE"',
        'packaging/collect_licenses.py "dist/$name"',
        'packaging/bundle-README.txt >"dist/$name/README.txt"',
        'cp packaging/install-desktop.sh "dist/$name/install.sh"',
        '"dist/$name/uninstall.sh"',
    ):
        assert step in script
    readme = (ROOT / "packaging" / "bundle-README.txt").read_text()
    # The Debian packages measured on a minbase system, in one line a person can paste.
    assert (
        "sudo apt-get install --no-install-recommends libgl1 libegl1 fontconfig-config "
        "fonts-dejavu-core libpulse0"
    ) in readme
    assert "libasound2" in readme


def test_install_sh_in_an_unpacked_bundle(tmp_path: Path) -> None:
    """The tarball's install.sh: menu entry running the bundle, icons, metainfo and a
    ~/.local/bin command; uninstall.sh takes them all away again."""
    bundle = tmp_path / "asmr-desktop-1.0"
    bundle.mkdir()
    shutil.copyfile(ROOT / "packaging" / "install-desktop.sh", bundle / "install.sh")
    (bundle / "install.sh").chmod(0o755)
    (bundle / "uninstall.sh").write_text(
        '#!/bin/sh\nexec "$(dirname "$0")/install.sh" --uninstall\n'
    )
    (bundle / "uninstall.sh").chmod(0o755)
    (bundle / "asmr-desktop").write_text("#!/bin/sh\n")
    (bundle / "asmr-desktop").chmod(0o755)
    shutil.copytree(ASSETS, bundle / "assets")
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(bundle / "install.sh")], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    data = home / ".local" / "share"
    entry = read_desktop(data / "applications" / "asmr-desktop.desktop")
    assert entry["Desktop Entry"]["Exec"] == str(bundle / "asmr-desktop")
    assert (data / "metainfo" / METAINFO.name).is_file()
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "asmr-desktop.png").is_file()
    command = home / ".local" / "bin" / "asmr-desktop"
    assert command.resolve() == (bundle / "asmr-desktop").resolve()

    result = subprocess.run(
        [str(bundle / "uninstall.sh")], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert not command.exists() and not command.is_symlink()
    left = sorted(p.name for p in home.rglob("*") if p.is_file())
    assert set(left) <= {"mimeinfo.cache"}, left


# --- the set-up: Debian packages before the Python set-up -----------------------------


def make_recipe(target: str) -> tuple[str, list[str]]:
    """(prerequisites, recipe lines) of TARGET in the Makefile."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return lines[start].split(":", 1)[1].strip(), recipe


@pytest.mark.parametrize(
    ("target", "purpose"),
    [
        ("run", "run"),
        ("test", "test"),
        ("screenshot", "screenshot"),
        ("screenshots", "screenshot"),
        ("bundle", "bundle"),
    ],
)
def test_debian_packages_are_checked_before_the_pip_install(target: str, purpose: str) -> None:
    prerequisites, recipe = make_recipe(target)
    assert "$(STAMP)" not in prerequisites, "the venv would be built before the check"
    assert recipe[0] == f"packaging/system-deps.sh {purpose}"
    _, venv = make_recipe("$(STAMP)")
    assert venv[0] == "packaging/system-deps.sh venv", "python3-venv before python3 -m venv"
    assert venv[1] == "$(PYTHON) -m venv $(VENV)"


def fake_debian(tmp_path: Path, uid: int) -> dict[str, str]:
    """A PATH where dpkg-query knows no package and `id -u` prints UID."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("dpkg-query", "exit 1"), ("id", f"echo {uid}")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def test_system_deps_as_a_user_prints_the_apt_line_and_stops(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "packaging" / "system-deps.sh"), "test"],
        capture_output=True,
        text=True,
        env=fake_debian(tmp_path, 1000),
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "These Debian packages are missing. Install them, then run make again:"
    apt = lines[1].split()
    assert apt[:5] == ["sudo", "apt-get", "install", "-y", "--no-install-recommends"]
    for package in ("python3-venv", "libglib2.0-bin", "dbus", "libpulse0", "libegl1", "xvfb"):
        assert package in apt[5:], package


def test_system_deps_for_the_venv_needs_only_python3_venv(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "packaging" / "system-deps.sh"), "venv"],
        capture_output=True,
        text=True,
        env=fake_debian(tmp_path, 1000),
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[1].endswith("--no-install-recommends python3-venv")


def test_the_wheel_carries_the_desktop_files() -> None:
    """Menu entry, metainfo and every icon go into the wheel as data under share/."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = config["tool"]["setuptools"]["data-files"]
    shipped = {Path(f) for files in data_files.values() for f in files}
    wanted = {p.relative_to(ROOT) for p in (ROOT / "assets" / "icons").rglob("*.*")}
    wanted |= {
        Path("assets/asmr-desktop.desktop"),
        Path("assets/io.github.asmrdesktop.AsmrDesktop.metainfo.xml"),
    }
    assert shipped == wanted
    for target, files in data_files.items():
        for name in files:
            if "/icons/" in name:  # each icon lands where the XDG icon theme looks for it
                assert target == "share/" + str(Path(name).parent.relative_to("assets"))


def _screenshot_list() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "packaging" / "screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dialog_classes() -> set[str]:
    """Every class in asmr_desktop/ui that is a QDialog, directly or through another."""
    bases: dict[str, set[str]] = {}
    for path in (ROOT / "asmr_desktop" / "ui").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
                bases[node.name] = names
    dialogs: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in dialogs and parents & (dialogs | {"QDialog", "QFileDialog"}):
                dialogs.add(name)
                changed = True
    return dialogs


def test_the_screenshot_set_covers_every_tab_and_every_dialog() -> None:
    shots = _screenshot_list()
    dialogs = _dialog_classes()
    assert {"AboutDialog", "RatingDialog", "LayersPanel"} <= dialogs, "the scan finds dialogs"
    unlisted = dialogs - set(shots.DIALOG_SHOTS)
    assert not unlisted, f"dialogs without a screenshot in packaging/screenshots.py: {unlisted}"
    for cls, names in shots.DIALOG_SHOTS.items():
        assert set(names) <= set(shots.SHOTS), f"{cls}: {names} are not taken"
    source = (ROOT / "asmr_desktop" / "ui" / "main_window.py").read_text()
    tabs = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"add_page", "addTab"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
        ):
            tabs.add(node.args[1].value)
    assert tabs, "the scan finds the tabs"
    assert tabs == set(shots.PAGES), "every tab of the main window is a screenshot"
    assert {"visual-only", "page-rest"} <= set(shots.SHOTS)


@pytest.mark.slow
def test_make_screenshots_saves_every_shot_at_both_scales(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("needs Xvfb (xvfb): packaging/system-deps.sh test")
        pytest.skip("needs Xvfb (xvfb): packaging/system-deps.sh test")
    shots = _screenshot_list()
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "screenshots.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    skipped = {
        line.split()[1].rstrip(":")
        for line in result.stdout.splitlines()
        if line.startswith("skipped ")
    }
    for name in shots.SHOTS:
        for suffix, (_scale, (width, height)) in shots.SCALES.items():
            path = tmp_path / f"{name}-{suffix}.png"
            if name in skipped:
                assert not path.exists()
                continue
            header = path.read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n", path
            assert int.from_bytes(header[16:20], "big") == width, path
            assert int.from_bytes(header[20:24], "big") == height, path


def test_spec_ships_the_action_icons_where_the_window_looks(spec_calls: dict[str, Any]) -> None:
    from asmr_desktop.ui.symbols import ICON_DIR

    datas = spec_calls["Analysis"].kwargs["datas"]
    shipped = {(Path(src), Path(dest)) for src, dest in datas}
    # In the bundle the package's parent folder is _internal: the same relative place.
    assert (ICON_DIR, ICON_DIR.relative_to(ROOT)) in shipped
    assert any(ICON_DIR.glob("*.svg"))


def test_the_wheel_carries_the_action_icons() -> None:
    import tomllib

    from asmr_desktop.ui.symbols import ICON_DIR

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["asmr_desktop"]
    package = ROOT / "asmr_desktop"
    matched = {p for pattern in patterns for p in package.glob(pattern)}
    assert set(ICON_DIR.glob("*.svg")) <= matched


# --- PyAV's FFmpeg: encoders and TLS replaced by stubs (issue 21) ---------------------


def _av_binaries() -> list[tuple[str, str, str]]:
    """PyAV's extension module and its av.libs, as PyInstaller lists them."""
    av = pytest.importorskip("av")
    package = Path(av.__file__).parent
    libs = package.parent / "av.libs"
    entries = [("av/_core.abi3.so", str(next(package.glob("_core*.so"))), "EXTENSION")]
    entries += [(f"av.libs/{p.name}", str(p), "BINARY") for p in sorted(libs.iterdir())]
    return entries


def test_spec_stubs_pyav_encoders_and_tls_and_keeps_the_decoders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("PyInstaller")
    if shutil.which("cc") is None or shutil.which("readelf") is None:
        pytest.skip("cc and readelf (binutils) build the stubs")
    av_entries = _av_binaries()
    monkeypatch.setattr(sys.modules[__name__], "SAMPLE_BINARIES", SAMPLE_BINARIES + av_entries)
    calls = run_spec()
    binaries = {e[0]: e[1] for e in calls["COLLECT"].args[1]}
    names = {dest.split("/")[-1].split("-")[0]: src for dest, src in binaries.items()}
    stubs = ("libx264", "libx265", "libSvtAv1Enc", "libmp3lame", "libgnutls", "libvpx")
    for stubbed in (*stubs, "libavfilter", "libavdevice"):
        src = Path(names[stubbed])
        assert "stubs" in src.parts, stubbed
        assert src.stat().st_size < 1_000_000, stubbed
    for gone in ("libnettle", "libhogweed", "libgmp", "libunistring", "libsharpyuv", "libasound"):
        assert gone not in names  # only GnuTLS, libwebp and libavdevice needed them
    kept_libs = ("libavcodec", "libavformat", "libavutil", "libswresample", "libdav1d", "libopus")
    for kept in kept_libs:
        assert "stubs" not in Path(names[kept]).parts, kept


def test_a_stub_exports_what_the_real_library_does_and_loads(tmp_path: Path) -> None:
    if shutil.which("cc") is None or shutil.which("readelf") is None:
        pytest.skip("cc and readelf (binutils) build the stubs")
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from stub_libs import build_stub, defined_symbols
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    real = next(Path(src) for dest, src, _ in _av_binaries() if "libgnutls" in dest)
    stub = build_stub(real, tmp_path)

    def shape(path: Path) -> list[tuple[str, str, int, str | None]]:  # a function's size is
        return [(n, k, s if k == "OBJECT" else 0, v) for n, k, s, v in defined_symbols(path)]

    assert shape(stub) == shape(real)  # names, kinds, versions and data sizes
    assert stub.stat().st_size < real.stat().st_size / 10
    import ctypes

    ctypes.CDLL(str(stub))  # loads: nothing it needs is missing
    done = subprocess.run(
        [sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(stub)!r}).gnutls_global_init()"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "gnutls_global_init: libgnutls" in done.stderr and "left out" in done.stderr
