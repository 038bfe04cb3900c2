"""Entry point: parse the command line, then run a sub-command, the self-test or the window."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from asmr_desktop import APP_ID, APP_NAME, __version__
from asmr_desktop.cli.parser import app_paths, parse, run_command
from asmr_desktop.core.errors import AsmrError

if TYPE_CHECKING:
    from asmr_desktop.analysis.queue import Finished as AnalysisFinished
    from asmr_desktop.analysis.queue import Progressed as AnalysisProgressed
    from asmr_desktop.audio.engine import EngineCallbacks
    from asmr_desktop.audio.output import Output
    from asmr_desktop.core.context import AppContext
    from asmr_desktop.core.paths import AppPaths
    from asmr_desktop.services.running import Services, Shell
    from asmr_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _prepare_environment() -> None:
    """Quirks handled in one place: pygame's banner, Qt's C-locale warning, frozen bundles."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # SDL's own SIGTERM/SIGINT handlers turn the signal into an event nobody reads, so a
    # logout could not end the app; ui/unixsignals.py handles them (with the quit fade).
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    if not os.environ.get("LANG", "").lower().endswith(("utf-8", "utf8")):
        os.environ["LANG"] = "C.UTF-8"
    if getattr(sys, "frozen", False):
        # A bundle carries its own fontconfig-free Qt; keep the platform plugin search local.
        os.environ.setdefault("QT_QPA_PLATFORMTHEME", "")


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # A bundle is its own Python: a worker process of the track analysis (spawned, see
        # analysis/pool.py) starts this program again, and this runs the worker, then exits.
        import multiprocessing

        multiprocessing.freeze_support()
    _prepare_environment()
    args = parse(argv)
    if args.command:
        return run_command(args)
    if args.self_test:
        from asmr_desktop.ui.selftest import run_self_test

        return run_self_test(app_paths(args))
    return run_gui(args)


#: The headless core the first frame needs, imported before Qt: once PySide6 is loaded,
#: its import hook reads the source of every later module (about 0.1 s of start-up here).
_CORE_FOR_WINDOW = (
    "asmr_desktop.core.context",
    "asmr_desktop.services.running",
    # What the first frame's ui modules import besides Qt (found with -X importtime).
    "asmr_desktop.core.logsetup",
    "asmr_desktop.services.rest",
    "asmr_desktop.services.checkin",
    "asmr_desktop.diary.medication",
    "asmr_desktop.audio.timer",
    "asmr_desktop.audio.chatter",
    "socket",
)
#: What the player needs and the first frame does not (issue 18): imported on a thread
#: right after that frame, so the window is up before numpy, soundfile, soxr, pygame and
#: the engine load (about 0.3 s here); the PySide6 hook's cost is paid off the Qt thread.
_HEAVY_FOR_WINDOW = (
    "numpy",
    "soundfile",
    "soxr",
    "pygame",
    "asmr_desktop.audio.output",
    "asmr_desktop.audio.worker",
    "asmr_desktop.analysis.cache",
    "asmr_desktop.analysis.queue",
    "asmr_desktop.library.builtin",
    "asmr_desktop.services.listening",
    "asmr_desktop.soundscapes",
)


def _import_core_first() -> None:
    for name in _CORE_FOR_WINDOW:
        importlib.import_module(name)


def _import_heavy() -> None:
    for name in _HEAVY_FOR_WINDOW:
        importlib.import_module(name)


#: The rate the engine renders at and the mixer is opened with, and its channels.
OUTPUT_RATE_HZ = 48000
OUTPUT_CHANNELS = 2
#: The running session's heartbeat, beside the data file.
BEAT_FILE = "session.beat"


def build_shell(context: AppContext) -> Shell:
    """The light services, all the first frame needs: no numpy, no audio (issue 18)."""
    from asmr_desktop.diary.days import DayBook
    from asmr_desktop.diary.heartbeat import BeatFile
    from asmr_desktop.diary.service import Diary
    from asmr_desktop.library.listing import initial_listing
    from asmr_desktop.services.prompts import PromptQueue
    from asmr_desktop.services.running import Shell
    from asmr_desktop.services.sessions import SessionService

    diary = Diary(context.store, context.clock)
    prompts = PromptQueue(diary, days=DayBook(context.store, context.clock))
    sessions = SessionService(
        diary, context.settings, prompts, beats=BeatFile(context.paths.data_dir / BEAT_FILE)
    )
    listing = initial_listing(context.store, context.settings.settings.last_playlist)
    return Shell(context, diary, prompts, sessions, listing)


def build_services(
    context: AppContext,
    callbacks: EngineCallbacks,
    analysis_events: tuple[AnalysisFinished, AnalysisProgressed],
    *,
    shell: Shell | None = None,
    output: Output | None = None,
) -> Services:
    """Every headless service of one run, wired together; nothing here imports Qt.

    The engine starts with the saved levels already in place (ceiling, migraine mode,
    loudness target), so its very first sample obeys what the person chose.
    ``shell`` is the light part when the window already runs on it (built here if not);
    ``output`` is where sound goes (pygame's mixer unless a test passes another).
    """
    from asmr_desktop.analysis.cache import AnalysisCache
    from asmr_desktop.analysis.queue import AnalysisQueue
    from asmr_desktop.audio.engine import Engine
    from asmr_desktop.audio.output import PygameOutput
    from asmr_desktop.audio.worker import Player
    from asmr_desktop.library import builtin
    from asmr_desktop.library.playlists import PlaylistStore
    from asmr_desktop.services.listening import (
        ListeningService,
        engine_settings,
        ensure_ready_playlists,
    )
    from asmr_desktop.services.running import Services

    shell = shell or build_shell(context)
    sessions = shell.sessions
    cache = AnalysisCache(context.paths.cache_dir / "analysis")
    engine = Engine(
        OUTPUT_RATE_HZ,
        OUTPUT_CHANNELS,
        engine_settings(context.settings.settings),
        loudness_lookup=cache.measured_loudness,
        callbacks=callbacks,
    )
    player = Player(engine, output or PygameOutput(OUTPUT_RATE_HZ, OUTPUT_CHANNELS))
    playlists = PlaylistStore(context.store, builtin.resolve)
    ensure_ready_playlists(playlists, context.settings)
    return Services(
        context=context,
        diary=shell.diary,
        prompts=shell.prompts,
        sessions=sessions,
        analysis_cache=cache,
        analysis=AnalysisQueue(cache, *analysis_events),
        engine=engine,
        player=player,
        playlists=playlists,
        listening=ListeningService(engine, sessions, playlists, context.settings),
    )


def build_shell_window(context: AppContext) -> MainWindow:
    """The window's first phase: painted from the light services alone (a QApplication
    must exist); :func:`attach_services` completes it."""
    from asmr_desktop.ui.main_window import MainWindow

    return MainWindow(build_shell(context))


def attach_services(
    window: MainWindow,
    *,
    output: Output | None = None,
) -> None:
    """The window's second phase: the heavy services and their Qt bridges, bound to it."""
    from asmr_desktop.ui.bridges import AnalysisBridge, EngineBridge

    bridge = EngineBridge()
    analysis_bridge = AnalysisBridge()
    services = build_services(
        window.shell.context,
        bridge.callbacks(),
        (analysis_bridge.finished.emit, analysis_bridge.progressed.emit),
        shell=window.shell,
        output=output,
    )
    window.attach(services, bridge, analysis_bridge)


def build_window(
    context: AppContext,
    *,
    output: Output | None = None,
) -> MainWindow:
    """The whole window at once, both phases (tests; the app paints in between)."""
    window = build_shell_window(context)
    attach_services(window, output=output)
    return window


#: How often the Qt thread looks whether the heavy imports are done (milliseconds).
IMPORT_POLL_MS = 10


#: How long the end of a run waits for the import thread (seconds): a window closed
#: while it still imports must not leave it running into the interpreter's shutdown.
IMPORT_JOIN_S = 30.0


def attach_after_first_paint(window: MainWindow, then: Callable[[], object]) -> Callable[[], None]:
    """Once the window's first frame is up: import the heavy modules on a thread, then
    build the services and attach them on the Qt thread, then run ``then``.

    Imports are pure (no shared state), so a thread may run them while the Qt thread keeps
    the window alive; building stays on the Qt thread, which owns the store and widgets.
    An import that failed on the thread fails again, with its traceback, in attach.
    Returns what the end of the run calls: it waits for the thread, because a window
    closed mid-import would otherwise leave it importing while Python shuts down
    (``concurrent.futures`` then fails with "can't register atexit after shutdown").
    """
    from PySide6.QtCore import QTimer

    loaders: list[threading.Thread] = []

    def start() -> None:
        loader = threading.Thread(target=_import_heavy, name="import-heavy", daemon=True)
        loaders.append(loader)
        loader.start()
        timer = QTimer(window)
        timer.setInterval(IMPORT_POLL_MS)

        def check() -> None:
            if loader.is_alive():
                return
            timer.stop()
            timer.deleteLater()
            if window.closed:
                return  # closed in the meantime: nothing to play for
            attach_services(window)
            then()

        timer.timeout.connect(check)
        timer.start()

    window.first_painted.connect(start)

    def wait() -> None:
        for loader in loaders:
            loader.join(IMPORT_JOIN_S)

    return wait


def open_context(paths: AppPaths) -> AppContext:
    from asmr_desktop.core.context import AppContext

    return AppContext.open(paths)


#: Dialog programs tried, in order, when Qt itself cannot load and no terminal shows stderr
#: (started from the menu, Terminal=false): each shows MESSAGE as an error.
_FALLBACK_DIALOGS = (
    ("zenity", "--error", "--title", APP_NAME, "--text"),
    ("kdialog", "--title", APP_NAME, "--error"),
    ("notify-send", "--urgency=critical", "--app-name", APP_NAME, APP_NAME),
    ("xmessage", "-center"),
)


def qt_failed_to_load(error: ImportError, args: argparse.Namespace, *, show_dialog: bool) -> int:
    """Qt's libraries did not load (e.g. no libEGL on a bare system): say which Debian package
    to install, on stderr, in the log file and, without a terminal, in a desktop dialog.
    Without this the bundle ends in a traceback and, from the menu, shows nothing at all."""
    from asmr_desktop.core.logsetup import setup_logging
    from asmr_desktop.ui.selftest import missing_library_hint

    if ".so" not in str(error):  # a Python import error is a bug: keep its traceback
        raise error
    message = missing_library_hint(error)
    print(f"{APP_ID}: error: {message}", file=sys.stderr)  # noqa: T201 - no Qt to show it
    paths = app_paths(args)
    try:
        paths.ensure()
        setup_logging(paths.log_file)
        log.error("%s (%s)", message, error)
    except (AsmrError, OSError):
        pass  # stderr already has it
    import shutil
    import subprocess

    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if show_dialog and has_display and not sys.stderr.isatty():
        for program, *options in _FALLBACK_DIALOGS:
            found = shutil.which(program)
            if found is None:
                continue
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                # Left running after we exit (a dialog waits for its click): shown when it
                # is still up, or finished well, half a second later.
                shown = subprocess.Popen([found, *options, message], start_new_session=True)
                try:
                    if shown.wait(timeout=0.5) == 0:
                        break
                except subprocess.TimeoutExpired:
                    break
    return 1


def warn_missing_runtime(
    notice: Callable[[str], object], *, fonts: bool = True, audio: bool = True
) -> None:
    """Warn (log and stderr) at window start about what the bundle cannot carry: fonts
    (without them every letter is a box) and the sound library SDL loads; a missing sound
    library is also shown in the window, where a person started from the menu sees it."""
    from asmr_desktop.ui.selftest import font_problem, missing_audio_libraries

    found = [(font_problem() if fonts else None, False)]
    found.append((missing_audio_libraries() if audio else None, True))
    for problem, shown in found:
        if problem is None:
            continue
        log.warning("%s", problem)
        print(f"{APP_ID}: warning: {problem}", file=sys.stderr)  # noqa: T201 - boxes in the window
        if shown:
            notice(problem)


#: Benchmarks and the self-test: print the start-up markers on stdout, then leave after
#: the first frame (EXIT_AFTER_FIRST_PAINT) or once the player is ready (EXIT_WHEN_READY).
EXIT_AFTER_FIRST_PAINT = "ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT"
EXIT_WHEN_READY = "ASMR_DESKTOP_EXIT_WHEN_READY"
FIRST_PAINT_MARK = "first-paint"
READY_MARK = "ready"


def announce_start(window: MainWindow) -> None:
    """With EXIT_AFTER_FIRST_PAINT or EXIT_WHEN_READY set: say on stdout when the first
    frame is up and when Play works, then close the window (read by bench/ and the
    self-test, which time the lines)."""
    from PySide6.QtCore import QTimer

    after_paint = os.environ.get(EXIT_AFTER_FIRST_PAINT) == "1"
    when_ready = os.environ.get(EXIT_WHEN_READY) == "1"
    if not (after_paint or when_ready):
        return

    def mark(word: str, leave: bool) -> None:
        print(word, flush=True)  # noqa: T201 - read by bench/ and the self-test
        if leave:
            QTimer.singleShot(0, window.close)

    window.first_painted.connect(lambda: mark(FIRST_PAINT_MARK, after_paint))
    window.ready.connect(lambda: mark(READY_MARK, when_ready))


def run_gui(args: argparse.Namespace) -> int:
    """Start the window. Expected start-up failures are shown in a dialog, then exit 1."""
    testing = args.no_error_dialogs or os.environ.get("ASMR_DESKTOP_TESTING") == "1"
    _import_core_first()
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox

        import asmr_desktop.ui.main_window  # noqa: F401 - Qt's libraries load here, in the try
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
        from asmr_desktop.ui.unixsignals import QuitOnSignal
    except ImportError as exc:
        return qt_failed_to_load(exc, args, show_dialog=not testing)

    from asmr_desktop.audio.chatter import StderrRouter
    from asmr_desktop.core.logsetup import describe_launch, setup_logging

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
        log.info("%s", describe_launch(sys.argv, os.environ))  # a menu start shows no errors
        sys.excepthook = make_excepthook(paths.log_file, show_dialog=not testing)
        # The data folder's lock decides who is first; a second start hands over (issue 14).
        request = VISUAL_ONLY if args.visual_only else RAISE
        opened = open_or_hand_over(
            lambda: open_context(paths), lambda: send_to_running(instance, request)
        )
    except AsmrError as exc:
        return fail(exc)
    if opened is None:
        print(f"{APP_NAME} is already running; brought it to the front.", file=sys.stderr)  # noqa: T201
        return 0
    context = opened
    log.info("%s %s starting; data in %s", APP_NAME, __version__, paths.data_dir)

    # Two phases (issue 18): the shell paints at once; the engine, player, analysis, tray
    # and MPRIS are imported and built right after its first frame.
    window = build_shell_window(context)
    quit_on_signal = QuitOnSignal(window.quit_app)
    servers: list[InstanceServer] = []
    fonts_checked: list[bool] = []

    def check_fonts() -> None:
        if not fonts_checked:
            fonts_checked.append(True)
            warn_missing_runtime(window.show_notice, audio=False)

    # libmpg123's own lines on a damaged MP3 go to the log (issue 17). Routed from the first
    # frame on: nothing decodes before the engine, which is built after it, and starting
    # the router's thread waited for a free core before the frame (25 ms on a busy machine).
    stderr_router = StderrRouter()

    def after_first_frame() -> None:
        stderr_router.start()
        # The socket only carries a later start's request; the data folder's lock already
        # decides who is first, and a later start retries until this listens (issue 14).
        server = InstanceServer(instance, window)
        server.raise_requested.connect(window.bring_to_front)
        server.visual_only_requested.connect(window.enter_visual_only)
        servers.append(server)
        check_fonts()  # fontconfig is loaded by the first frame anyway; the warning follows it

    window.first_painted.connect(lambda: QTimer.singleShot(0, after_first_frame))
    if args.quit_after_ms is not None:
        QTimer.singleShot(args.quit_after_ms, window.close)
    announce_start(window)

    def ready() -> None:
        from asmr_desktop.ui.tray import app_icon

        app.setWindowIcon(app_icon())  # task switchers read it (_NET_WM_ICON)
        warn_missing_runtime(window.show_notice, fonts=False)  # dlopen: 8 ms, after the frame

    wait_for_imports = attach_after_first_paint(window, ready)
    window.show()
    if args.visual_only:
        window.enter_visual_only()
    # Notices that wait until seen: kept-aside data files, set-aside records (issue 14).
    window.shell.diary.note_set_aside()
    for notice in context.unseen_notices():
        window.show_notice_until_seen(notice, context.notice_seen)
    if context.settings.reset_keys:
        log.warning("settings reset to defaults: %s", ", ".join(context.settings.reset_keys))
    try:
        status = app.exec()
    finally:
        stderr_router.stop()
    wait_for_imports()
    quit_on_signal.close()
    for server in servers:
        server.close()
    check_fonts()  # a start that ended before its first frame still warns
    context.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
