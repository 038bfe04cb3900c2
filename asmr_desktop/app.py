"""Entry point: parse the command line, then run a sub-command, the self-test or the window."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from asmr_desktop import APP_ID, APP_NAME, __version__
from asmr_desktop.cli.parser import app_paths, parse, run_command
from asmr_desktop.core.errors import AsmrError

log = logging.getLogger(__name__)


def _prepare_environment() -> None:
    """Quirks handled in one place: pygame's banner, Qt's C-locale warning, frozen bundles."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    if not os.environ.get("LANG", "").lower().endswith(("utf-8", "utf8")):
        os.environ["LANG"] = "C.UTF-8"
    if getattr(sys, "frozen", False):
        # A bundle carries its own fontconfig-free Qt; keep the platform plugin search local.
        os.environ.setdefault("QT_QPA_PLATFORMTHEME", "")


def main(argv: Sequence[str] | None = None) -> int:
    _prepare_environment()
    args = parse(argv)
    if args.command:
        return run_command(args)
    if args.self_test:
        from asmr_desktop.ui.selftest import run_self_test

        return run_self_test(app_paths(args))
    return run_gui(args)


#: The headless core the window uses, imported before Qt: once PySide6 is loaded, its
#: import hook reads the source of every later module (about 0.1 s of start-up here).
_CORE_FOR_WINDOW = (
    "asmr_desktop.audio.engine",
    "asmr_desktop.audio.output",
    "asmr_desktop.audio.worker",
    "asmr_desktop.analysis.queue",
    "asmr_desktop.library.builtin",
    "asmr_desktop.core.context",
    "asmr_desktop.diary.backup",
    "asmr_desktop.diary.service",
    "asmr_desktop.library.playlists",
)


def _import_core_first() -> None:
    for name in _CORE_FOR_WINDOW:
        importlib.import_module(name)


def run_gui(args: argparse.Namespace) -> int:
    """Start the window. Expected start-up failures are shown in a dialog, then exit 1."""
    _import_core_first()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from asmr_desktop.core.context import AppContext
    from asmr_desktop.core.logsetup import setup_logging
    from asmr_desktop.diary.service import Diary
    from asmr_desktop.ui.main_window import MainWindow
    from asmr_desktop.ui.qtlog import make_excepthook, route_qt_messages
    from asmr_desktop.ui.single import (
        RAISE,
        VISUAL_ONLY,
        InstanceServer,
        open_or_hand_over,
        send_to_running,
        server_name,
    )
    from asmr_desktop.ui.theme import apply_theme

    testing = args.no_error_dialogs or os.environ.get("ASMR_DESKTOP_TESTING") == "1"
    route_qt_messages()
    app = QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    apply_theme(app)

    def fail(error: AsmrError) -> int:
        print(f"{APP_ID}: error: {error}", file=sys.stderr)  # noqa: T201 - also for terminals
        if not testing:
            QMessageBox.critical(None, APP_NAME, str(error))
        return 1

    paths = app_paths(args)
    instance = server_name(paths.data_dir)
    try:
        paths.ensure()
        setup_logging(paths.log_file)
        sys.excepthook = make_excepthook(paths.log_file, show_dialog=not testing)
        # The data folder's lock decides who is first; a second start hands over (issue 14).
        request = VISUAL_ONLY if args.visual_only else RAISE
        opened = open_or_hand_over(
            lambda: AppContext.open(paths), lambda: send_to_running(instance, request)
        )
    except AsmrError as exc:
        return fail(exc)
    if opened is None:
        print(f"{APP_NAME} is already running; brought it to the front.", file=sys.stderr)  # noqa: T201
        return 0
    context = opened
    log.info("%s %s starting; data in %s", APP_NAME, __version__, paths.data_dir)

    window = MainWindow(context)
    server = InstanceServer(instance, window)
    server.raise_requested.connect(window.bring_to_front)
    server.visual_only_requested.connect(window.enter_visual_only)
    if args.quit_after_ms is not None:
        QTimer.singleShot(args.quit_after_ms, window.close)
    if os.environ.get("ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT") == "1":
        # Benchmarks: announce the first painted frame on stdout, then leave.
        def painted() -> None:
            print("first-paint", flush=True)  # noqa: T201 - read by bench/
            QTimer.singleShot(0, window.close)

        window.first_painted.connect(painted)
    window.show()
    if args.visual_only:
        window.enter_visual_only()
    # Notices that wait until seen: kept-aside data files, set-aside records (issue 14).
    Diary(context.store, context.clock).note_set_aside()
    for notice in context.unseen_notices():
        window.show_notice_until_seen(notice, context.notice_seen)
    if context.settings.reset_keys:
        log.warning("settings reset to defaults: %s", ", ".join(context.settings.reset_keys))
    status = app.exec()
    server.close()
    context.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
