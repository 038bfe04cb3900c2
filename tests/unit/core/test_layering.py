"""The core is headless: importing every core module must not load Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import asmr_desktop

PACKAGE = Path(asmr_desktop.__file__).parent


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts
        if parts[1:2] == ("ui",) or parts[-1] in {"app", "__main__"}:
            continue
        names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_core_modules_do_not_import_qt() -> None:
    modules = core_modules()
    assert "asmr_desktop.core.store" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "", f"core imported Qt: {result.stdout}"
