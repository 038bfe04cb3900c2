"""Put the licence texts of everything the bundle ships into BUNDLE/licenses/, with an index.

Run by build-bundle.sh with the Python that built the bundle, so the texts are those of the
very versions inside it:
- every Python distribution the app needs at run time (the closure of asmr-desktop's
  requirements): the licence files its wheel installed (dist-info ``licenses/``, LICENSE*,
  COPYING*), plus libsndfile's COPYING inside the soundfile wheel;
- distributions whose wheels carry no text (PySide6, shiboken6, pygame): the licence their
  metadata names, from Debian's /usr/share/common-licenses, and SDL's zlib notice kept in
  packaging/licenses/;
- Python itself (PSF) and PyInstaller's bootloader (GPL with an exception);
- the Debian system libraries PyInstaller copied in (the xcb ones...): their package's
  /usr/share/doc/<package>/copyright.
Usage: python packaging/collect_licenses.py BUNDLE_DIR
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMON = Path("/usr/share/common-licenses")
#: Wheels that install no licence file: the licence texts their metadata names.
NO_TEXT_IN_WHEEL = {
    "pyside6-essentials": ("LGPL-3.0-only (or GPL-2.0/GPL-3.0)", ["LGPL-3", "GPL-3"]),
    "pyside6-addons": ("LGPL-3.0-only (or GPL-2.0/GPL-3.0)", ["LGPL-3", "GPL-3"]),
    "shiboken6": ("LGPL-3.0-only (or GPL-2.0/GPL-3.0)", ["LGPL-3", "GPL-3"]),
    "pygame": ("LGPL-2.1", ["LGPL-2.1"]),
}
#: Libraries inside a wheel with their own licence text outside its dist-info:
#: dist name -> (component, licence, path in the wheel).
BUNDLED_IN_WHEEL = {"soundfile": ("libsndfile", "LGPL-2.1-or-later", "_soundfile_data/COPYING")}
_TEXT_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


def _name(requirement: str) -> str | None:
    if "extra ==" in requirement:
        return None
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    return match.group(0) if match else None


def runtime_distributions(root: str = "asmr-desktop") -> list[metadata.Distribution]:
    """asmr-desktop's run-time requirements, and theirs, that are installed."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen:
            continue
        seen[key] = dist
        todo += [n for n in map(_name, dist.requires or []) if n]
    seen.pop(root, None)
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def licence_files(dist: metadata.Distribution) -> list[tuple[Path, str]]:
    """(file, name in the bundle) for the licence files a wheel installed in its dist-info;
    the name keeps the path below ``licenses/`` (numpy has a dozen files named LICENSE)."""
    found = []
    for file in dist.files or []:
        parts = file.parts
        if not parts[0].endswith(".dist-info"):
            continue
        if "licenses" in parts:
            found.append((file, "/".join(parts[parts.index("licenses") + 1 :])))
        elif _TEXT_NAME.match(parts[-1]):
            found.append((file, parts[-1]))
    located = [(Path(str(dist.locate_file(f))), name) for f, name in found]
    return [(path, name) for path, name in located if path.is_file()]


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or meta.get("License") or ""
    if expression and "\n" not in expression and len(expression) < 80:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if "License" in c]
    return ", ".join(classifiers) or "see the files"


def debian_copyrights(bundle: Path) -> dict[str, Path]:
    """Debian packages that provided the system libraries at the top of _internal/ and the
    report's fonts in _internal/assets/fonts/."""
    internal = bundle / "_internal"
    found = [*internal.glob("lib*.so*"), *(internal / "assets" / "fonts").glob("*.ttf")]
    names = sorted(p.name for p in found if p.is_file() or p.is_symlink())
    if not names or shutil.which("dpkg") is None:
        return {}
    result = subprocess.run(["dpkg", "-S", *names], capture_output=True, text=True)
    packages: dict[str, Path] = {}
    for line in result.stdout.splitlines():
        package, _, path = line.partition(": ")
        if Path(path).name in names:
            package = package.split(":")[0].split(",")[0].strip()
            copyright_file = Path("/usr/share/doc") / package / "copyright"
            if copyright_file.is_file():
                packages[package] = copyright_file
    return dict(sorted(packages.items()))


def collect(bundle: Path) -> list[str]:
    """Copy the texts into BUNDLE/licenses/ and return the index lines (also written)."""
    out = bundle / "licenses"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    index = [
        "Third-party software in this bundle and its licences. ASMR Desktop itself is MIT",
        "licensed (../LICENSE). Each line: component, version, licence, files in this folder.",
        "",
    ]

    def add(component: str, version: str, licence: str, sources: list[tuple[Path, str]]) -> None:
        folder = out / re.sub(r"[^A-Za-z0-9._-]", "_", component)
        written = []
        for source, name in sources:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(str(target.relative_to(out)))
        if not written:
            raise SystemExit(f"collect_licenses: no licence text found for {component}")
        index.append(f"{component} {version}: {licence}: {', '.join(written)}")

    def plain(*paths: Path) -> list[tuple[Path, str]]:
        return [(path, path.name) for path in paths]

    for dist in runtime_distributions():
        name = dist.metadata["Name"]
        key = name.lower().replace("_", "-")
        files = licence_files(dist)
        licence = _licence_of(dist)
        if key in NO_TEXT_IN_WHEEL:
            licence, texts = NO_TEXT_IN_WHEEL[key]
            files += plain(*(COMMON / text for text in texts))
        add(name, dist.version, licence, files)
        if key in BUNDLED_IN_WHEEL:
            component, inner_licence, inner = BUNDLED_IN_WHEEL[key]
            text = Path(str(dist.locate_file(inner)))
            add(component, f"(in {name})", inner_licence, plain(text))
    pygame_libs = sorted(p.name for p in (bundle / "_internal" / "pygame.libs").glob("*.so*"))
    add("SDL2", "(in pygame)", "Zlib", plain(HERE / "licenses" / "SDL2.txt"))
    if pygame_libs:
        index.append("  pygame's wheel also carries: " + ", ".join(pygame_libs))
    python_licence = (
        Path(sys.base_prefix)
        / "lib"
        / f"python{sys.version_info[0]}.{sys.version_info[1]}"
        / "LICENSE.txt"
    )
    add("Python", sys.version.split()[0], "PSF-2.0", plain(python_licence))
    try:
        pyinstaller = metadata.distribution("pyinstaller")
    except metadata.PackageNotFoundError:
        pass
    else:
        add(
            "PyInstaller bootloader",
            pyinstaller.version,
            "GPL-2.0 with the bootloader exception",
            licence_files(pyinstaller),
        )
    for package, copyright_file in debian_copyrights(bundle).items():
        add(
            f"debian-{package}", "(Debian package)", "see the copyright file", plain(copyright_file)
        )
    (out / "README.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    return index


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: collect_licenses.py BUNDLE_DIR")
    lines = collect(Path(sys.argv[1]))
    sys.stdout.write(f"collect_licenses: {len(lines) - 3} components in {sys.argv[1]}/licenses\n")
