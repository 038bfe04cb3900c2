"""The MPRIS2 service on a private session bus, driven by a real client (gdbus)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from pytestqt.qtbot import QtBot

from asmr_desktop.audio.engine import Engine, PlayState
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.output import NullOutput
from asmr_desktop.audio.worker import Player
from asmr_desktop.ui.bridges import EngineBridge
from asmr_desktop.ui.mpris import (
    BUS_NAME,
    OBJECT_PATH,
    PLAYER_INTERFACE,
    PROPERTIES_INTERFACE,
    MprisService,
)

RATE_HZ = 44100
_names = itertools.count()

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None or shutil.which("gdbus") is None,
    reason="needs dbus-daemon (dbus) and gdbus (libglib2.0-bin): packaging/system-deps.sh test",
)


@pytest.fixture(scope="module")
def bus_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private session bus for this module; nothing touches the person's own bus."""
    folder = tmp_path_factory.mktemp("bus")
    # A child of this process (not --fork): it is stopped and reaped at the end.
    daemon = subprocess.Popen(
        [
            "dbus-daemon",
            "--session",
            "--nofork",
            "--print-address=1",
            f"--address=unix:dir={folder}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), address
    yield address
    daemon.terminate()
    daemon.wait(timeout=10)
    daemon.stdout.close()


@pytest.fixture
def connection(bus_address: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[QDBusConnection]:
    """The service's own connection to the private bus, as the session bus would be."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus_address)
    name = f"mpris-test-{next(_names)}"
    conn = QDBusConnection.connectToBus(bus_address, name)
    assert conn.isConnected(), conn.lastError().message()
    yield conn
    QDBusConnection.disconnectFromBus(name)


def tone(path: Path, seconds: float) -> Path:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    x = 0.2 * np.sin(2 * np.pi * 330 * t)
    sf.write(path, np.stack([x, x], axis=1), RATE_HZ)
    return path


class Rig:
    """An engine playing into NullOutput, its bridge, and the service under test."""

    def __init__(self, qtbot: QtBot, connection: QDBusConnection, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.bridge = EngineBridge()
        self.engine = Engine(RATE_HZ, 2, callbacks=self.bridge.callbacks())
        self.player = Player(self.engine, NullOutput(RATE_HZ, 2, realtime=True))
        self.player.start()
        self.engine.set_items([PlaylistItem.from_path(tone(tmp_path / "Soft rain.wav", 20.0))])
        # Plain lists, not methods of the rig: a reference cycle would let Python's GC
        # destroy the service on the render thread.
        self.raised: list[bool] = []
        self.quit: list[bool] = []
        self.service = MprisService(
            self.engine,
            self.bridge,
            lambda raised=self.raised: raised.append(True),
            lambda quit=self.quit: quit.append(True),
            connection=connection,
        )

    def gdbus(self, *args: str) -> str:
        """Run a gdbus client against the service; the Qt loop keeps serving meanwhile."""
        assert self.service.bus_name is not None
        proc = subprocess.Popen(
            ["gdbus", "call", "--session", "-d", self.service.bus_name, "-o", OBJECT_PATH, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        return out.strip()

    def call(self, method: str, *args: str) -> str:
        return self.gdbus("-m", f"{PLAYER_INTERFACE}.{method}", "--", *args)

    def get(self, name: str) -> str:
        return self.gdbus("-m", f"{PROPERTIES_INTERFACE}.Get", PLAYER_INTERFACE, name)

    def close(self) -> None:
        self.service.close()
        self.player.close()


@pytest.fixture
def rig(qtbot: QtBot, connection: QDBusConnection, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(qtbot, connection, tmp_path)
    yield r
    r.close()


def test_registers_the_well_known_name(rig: Rig) -> None:
    assert rig.service.bus_name == BUS_NAME
    identity = rig.gdbus("-m", f"{PROPERTIES_INTERFACE}.Get", "org.mpris.MediaPlayer2", "Identity")
    assert identity == "(<'ASMR Desktop'>,)"
    entry = rig.gdbus("-m", f"{PROPERTIES_INTERFACE}.Get", "org.mpris.MediaPlayer2", "DesktopEntry")
    assert entry == "(<'asmr-desktop'>,)"


def test_play_pause_toggles_the_engine(rig: Rig) -> None:
    assert rig.get("PlaybackStatus") == "(<'Stopped'>,)"
    rig.call("PlayPause")
    assert rig.engine.state is PlayState.PLAYING
    assert rig.get("PlaybackStatus") == "(<'Playing'>,)"
    rig.call("PlayPause")
    assert rig.engine.state is PlayState.PAUSED
    rig.call("Play")
    assert rig.engine.state is PlayState.PLAYING
    rig.call("Stop")
    assert rig.engine.state is PlayState.STOPPED


def test_metadata_has_the_title_and_length(rig: Rig) -> None:
    rig.call("Play")
    metadata = rig.get("Metadata")
    assert "'xesam:title': <'Soft rain'>" in metadata
    assert "'mpris:trackid': <objectpath '/io/github/asmrdesktop/track/0'>" in metadata
    assert "'mpris:length': <20000000>" in metadata
    assert "'xesam:url': <'file://" in metadata


def test_volume_is_clamped_and_the_ceiling_never_moves(rig: Rig) -> None:
    ceiling = rig.engine.effective_ceiling_db
    rig.gdbus("-m", f"{PROPERTIES_INTERFACE}.Set", PLAYER_INTERFACE, "Volume", "<2.0>")
    assert rig.engine.settings.volume == 1.0
    assert rig.get("Volume") == "(<1.0>,)"
    assert rig.engine.effective_ceiling_db == ceiling
    rig.gdbus("-m", f"{PROPERTIES_INTERFACE}.Set", PLAYER_INTERFACE, "Volume", "<-0.5>")
    assert rig.engine.settings.volume == 0.0
    rig.gdbus("-m", f"{PROPERTIES_INTERFACE}.Set", PLAYER_INTERFACE, "Volume", "<0.25>")
    assert rig.engine.settings.volume == 0.25
    assert rig.engine.effective_ceiling_db == ceiling


class Listener(QObject):
    """Receives PropertiesChanged: the raw message, and (once its shape is right) the values."""

    raw = Signal(str)
    values = Signal(str, dict, list)

    @Slot(QDBusMessage)
    def message(self, message: QDBusMessage) -> None:
        self.raw.emit(message.signature())

    @Slot(str, "QVariantMap", "QStringList")
    def changed(self, interface: str, changed: dict[str, object], invalid: list[str]) -> None:
        self.values.emit(interface, changed, invalid)


def test_properties_changed_is_sent_on_play(rig: Rig, qtbot: QtBot, bus_address: str) -> None:
    client = QDBusConnection.connectToBus(bus_address, "mpris-test-listener")
    listener = Listener()

    def listen(slot: str) -> None:
        assert client.connect(
            "", OBJECT_PATH, PROPERTIES_INTERFACE, "PropertiesChanged", listener, SLOT(slot)
        )

    try:
        listen("message(QDBusMessage)")
        with qtbot.waitSignal(listener.raw, timeout=5000) as raw:
            rig.engine.play()
        # GDBus clients (GNOME, playerctl) drop any other shape; Qt's typed slot would abort.
        assert raw.args == ["sa{sv}as"]
        listen("changed(QString,QVariantMap,QStringList)")
        with qtbot.waitSignal(listener.values, timeout=5000) as values:
            rig.engine.pause()
        interface, changed, invalid = values.args
        assert interface == PLAYER_INTERFACE
        assert changed == {"PlaybackStatus": "Paused"}
        assert invalid == []
        with qtbot.waitSignal(listener.values, timeout=5000) as values:
            rig.service.set_volume(0.5)
        assert values.args[1] == {"Volume": 0.5}
    finally:
        QDBusConnection.disconnectFromBus("mpris-test-listener")


def test_next_previous_and_seek(rig: Rig, tmp_path: Path) -> None:
    rig.engine.add([PlaylistItem.from_path(tone(tmp_path / "Low hum.wav", 10.0))])
    rig.call("Play")
    rig.call("Next")
    assert rig.engine.current_index == 1
    assert "'xesam:title': <'Low hum'>" in rig.get("Metadata")
    rig.call("Previous")
    assert rig.engine.current_index == 0
    assert rig.get("CanSeek") == "(<true>,)"
    rig.call("SetPosition", "/io/github/asmrdesktop/track/0", "5000000")
    assert rig.engine.position_s() >= 5.0
    rig.call("SetPosition", "/io/github/asmrdesktop/track/1", "1000000")  # not current: ignored
    assert rig.engine.position_s() >= 5.0
    rig.call("Seek", "-4000000")
    assert rig.engine.position_s() < 5.0


def test_raise_and_quit_call_back(rig: Rig) -> None:
    rig.gdbus("-m", "org.mpris.MediaPlayer2.Raise")
    rig.gdbus("-m", "org.mpris.MediaPlayer2.Quit")
    assert (rig.raised, rig.quit) == ([True], [True])


def test_a_taken_name_gets_the_instance_suffix(
    rig: Rig, bus_address: str, tmp_path: Path, qtbot: QtBot
) -> None:
    other = QDBusConnection.connectToBus(bus_address, "mpris-test-second")
    try:
        second = MprisService(rig.engine, rig.bridge, lambda: None, lambda: None, connection=other)
        assert second.bus_name is not None
        assert second.bus_name.startswith(f"{BUS_NAME}.instance")
        second.close()
    finally:
        QDBusConnection.disconnectFromBus("mpris-test-second")


def test_without_a_bus_it_stays_quiet(caplog: pytest.LogCaptureFixture) -> None:
    bridge = EngineBridge()
    engine = Engine(RATE_HZ, 2, callbacks=bridge.callbacks())
    dead = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "mpris-test-dead")
    try:
        with caplog.at_level("INFO", logger="asmr_desktop.ui.mpris"):
            service = MprisService(engine, bridge, lambda: None, lambda: None, connection=dead)
        assert not service.active
        records = [r for r in caplog.records if r.name == "asmr_desktop.ui.mpris"]
        assert len(records) == 1
        assert records[0].levelname == "INFO"
        engine.play()  # no bus: nothing to announce, nothing fails
        service.close()
    finally:
        QDBusConnection.disconnectFromBus("mpris-test-dead")
