"""MPRIS2 on the session bus: media keys, desktop widgets and phones can drive the player.

Two adaptors on one object, ``/org/mpris/MediaPlayer2``: the root interface (raise, quit,
identity) and the player (transport, status, title, volume). Volume is the same slider
position the window shows; whatever a client sends, the engine's limiter keeps the ceiling.
Without a session bus (a bare console, a container) the service logs one line and stays
inert: nothing here is worth bothering the person with.

PySide6 notes, checked on 6.12: ``Property`` types given as C++ names ("qlonglong",
"QStringList", "QVariantMap") give D-Bus types x, as and a{sv}; a Python ``int`` inside a
map becomes int32 unless it needs 64 bits; an empty Python list becomes ``av``, so the
invalidated list of PropertiesChanged is written as a typed empty ``as``.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    ClassInfo,
    Property,
    QMetaType,
    QObject,
    QUrl,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
)

from asmr_desktop import APP_ID, APP_NAME
from asmr_desktop.audio.engine import Engine, PlayState
from asmr_desktop.ui.bridges import EngineBridge

log = logging.getLogger(__name__)

BUS_NAME = "org.mpris.MediaPlayer2.asmr_desktop"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_INTERFACE = "org.mpris.MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
#: The spec's id for "no track"; real ids live under our own prefix (never /org/mpris).
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
TRACK_PREFIX = "/io/github/asmrdesktop/track/"
MIME_TYPES = (
    "audio/wav",
    "audio/x-wav",
    "audio/flac",
    "audio/ogg",
    "audio/opus",
    "audio/mpeg",
    "audio/x-mpegurl",
)
_STATUS = {PlayState.PLAYING: "Playing", PlayState.PAUSED: "Paused", PlayState.STOPPED: "Stopped"}
_US = 1_000_000
# PySide takes C++ type names for the D-Bus types and ClassInfo as a call with a dict;
# its stubs allow neither, hence Any.
_QLONGLONG: Any = "qlonglong"
_QSTRINGLIST: Any = "QStringList"
_QVARIANTMAP: Any = "QVariantMap"
_class_info: Any = ClassInfo


def _guarded(what: str, action: Callable[[], None]) -> None:
    """Run a bus request; a failure is logged, never raised into Qt's dispatcher."""
    try:
        action()
    except Exception:
        log.exception("MPRIS %s failed", what)


class _Adaptor(QDBusAbstractAdaptor):
    """One interface of the service object; requests go to the service, its parent."""

    def __init__(self, service: MprisService) -> None:
        super().__init__(service)

    @property
    def _service(self) -> MprisService:
        # The parent, not a stored reference: no cycle for Python's GC to break on some
        # other thread (QtDBus warns when the object's "destroyed" comes from there).
        service = self.parent()
        assert isinstance(service, MprisService)
        return service


@_class_info({"D-Bus Interface": ROOT_INTERFACE})
class _RootAdaptor(_Adaptor):
    """org.mpris.MediaPlayer2: who we are, raise and quit."""

    @Slot()
    def Raise(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Raise", self._service.raise_window)

    @Slot()
    def Quit(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Quit", self._service.quit_app)

    def _true(self) -> bool:
        return True

    def _false(self) -> bool:
        return False

    def _identity(self) -> str:
        return APP_NAME

    def _desktop_entry(self) -> str:
        return APP_ID

    def _schemes(self) -> list[str]:
        return ["file"]

    def _mime_types(self) -> list[str]:
        return list(MIME_TYPES)

    CanQuit = Property(bool, _true)
    CanRaise = Property(bool, _true)
    HasTrackList = Property(bool, _false)
    Identity = Property(str, _identity)
    DesktopEntry = Property(str, _desktop_entry)
    SupportedUriSchemes = Property(_QSTRINGLIST, _schemes)
    SupportedMimeTypes = Property(_QSTRINGLIST, _mime_types)


@_class_info({"D-Bus Interface": PLAYER_INTERFACE})
class _PlayerAdaptor(_Adaptor):
    """org.mpris.MediaPlayer2.Player: transport, status, the current title, volume."""

    Seeked = Signal(_QLONGLONG)

    # -- methods ---------------------------------------------------------------------------
    @Slot()
    def Play(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Play", self._service.play)

    @Slot()
    def Pause(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Pause", self._service.pause)

    @Slot()
    def PlayPause(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("PlayPause", self._service.toggle)

    @Slot()
    def Stop(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Stop", self._service.stop)

    @Slot()
    def Next(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Next", self._service.engine.next)

    @Slot()
    def Previous(self) -> None:  # noqa: N802 - D-Bus name
        _guarded("Previous", self._service.engine.previous)

    @Slot("qlonglong")
    def Seek(self, offset_us: int) -> None:  # noqa: N802 - D-Bus name
        _guarded("Seek", lambda: self._service.seek_by(offset_us / _US))

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, track: QDBusObjectPath, position_us: int) -> None:  # noqa: N802
        _guarded("SetPosition", lambda: self._service.set_position(track.path(), position_us / _US))

    @Slot(str)
    def OpenUri(self, uri: str) -> None:  # noqa: N802 - D-Bus name
        _guarded("OpenUri", lambda: self._service.open_uri(uri))

    # -- properties ------------------------------------------------------------------------
    def _status(self) -> str:
        return self._service.playback_status()

    def _metadata(self) -> dict[str, Any]:
        return self._service.metadata()

    def _volume(self) -> float:
        return self._service.volume()

    def _set_volume(self, value: float) -> None:
        _guarded("Volume", lambda: self._service.set_volume(value))

    def _position(self) -> int:
        return round(self._service.engine.position_s() * _US)

    def _rate(self) -> float:
        return 1.0

    def _set_rate(self, _value: float) -> None:
        """Only 1.0 is supported (MinimumRate = MaximumRate = 1): other rates are ignored."""

    def _has_items(self) -> bool:
        return self._service.has_items()

    def _can_seek(self) -> bool:
        return self._service.can_seek()

    def _true(self) -> bool:
        return True

    PlaybackStatus = Property(str, _status)
    Metadata = Property(_QVARIANTMAP, _metadata)
    Volume = Property(float, _volume, _set_volume)
    Position = Property(_QLONGLONG, _position)
    Rate = Property(float, _rate, _set_rate)
    MinimumRate = Property(float, _rate)
    MaximumRate = Property(float, _rate)
    CanGoNext = Property(bool, _has_items)
    CanGoPrevious = Property(bool, _has_items)
    CanPlay = Property(bool, _has_items)
    CanPause = Property(bool, _has_items)
    CanSeek = Property(bool, _can_seek)
    CanControl = Property(bool, _true)


def _empty_string_list() -> QDBusArgument:
    """An empty D-Bus ``as`` (a Python ``[]`` would be sent as ``av``)."""
    arg = QDBusArgument()
    arg.beginArray(QMetaType(QMetaType.Type.QString))
    arg.endArray()
    return arg


def _to_dbus(value: object) -> object:
    """Internal values to what QtDBus marshals: track ids become object paths."""
    if isinstance(value, dict):
        return {
            k: QDBusObjectPath(v) if k == "mpris:trackid" else _to_dbus(v) for k, v in value.items()
        }
    return value


class MprisService(QObject):
    """The player on the session bus as ``org.mpris.MediaPlayer2.asmr_desktop``.

    Commands go to the callables given (the panel's, so the window stays in step);
    changes arrive through the engine bridge's signals and go out as PropertiesChanged.
    ``volume_changed`` is any signal that fires when the volume slider moves.
    """

    def __init__(
        self,
        engine: Engine,
        bridge: EngineBridge,
        raise_window: Callable[[], None],
        quit_app: Callable[[], None],
        *,
        toggle: Callable[[], None] | None = None,
        stop: Callable[[], None] | None = None,
        set_volume: Callable[[float], None] | None = None,
        volume_changed: SignalInstance | None = None,
        open_path: Callable[[Path], None] | None = None,
        connection: QDBusConnection | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.raise_window = raise_window
        self.quit_app = quit_app
        self._toggle = toggle or engine.toggle
        self._stop = stop or engine.stop
        self._set_volume = set_volume or engine.set_volume
        self._open_path = open_path
        self._sent: dict[str, object] = {}
        self.bus_name: str | None = None
        self._root = _RootAdaptor(self)
        self._player = _PlayerAdaptor(self)
        self._bus = connection if connection is not None else QDBusConnection.sessionBus()
        if not self._bus.isConnected():
            log.info(
                "no D-Bus session bus (%s): media keys and desktop widgets are not offered",
                self._bus.lastError().message() or "not connected",
            )
            return
        if not self._bus.registerObject(
            OBJECT_PATH, self, QDBusConnection.RegisterOption.ExportAdaptors
        ):
            log.info("MPRIS: %s is already taken on the session bus; not offered", OBJECT_PATH)
            return
        for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
            if self._bus.registerService(name):
                self.bus_name = name
                break
        if self.bus_name is None:
            log.info("MPRIS: no bus name could be had; not offered")
            self._bus.unregisterObject(OBJECT_PATH)
            return
        log.info("MPRIS service on the session bus as %s", self.bus_name)
        self._sent = self._snapshot()
        bridge.state_changed.connect(self._refresh)
        bridge.track_changed.connect(self._refresh)
        if volume_changed is not None:
            volume_changed.connect(self._refresh)

    @property
    def active(self) -> bool:
        """True when the service is on a bus."""
        return self.bus_name is not None

    def close(self) -> None:
        """Leave the bus (the name is released, clients see the player go)."""
        if self.bus_name is None:
            return
        self._bus.unregisterService(self.bus_name)
        self._bus.unregisterObject(OBJECT_PATH)
        self.bus_name = None

    # -- commands --------------------------------------------------------------------------
    def play(self) -> None:
        if self.engine.state is not PlayState.PLAYING:
            self._toggle()

    def pause(self) -> None:
        if self.engine.state is PlayState.PLAYING:
            self.engine.pause()

    def toggle(self) -> None:
        self._toggle()

    def stop(self) -> None:
        self._stop()

    def seek_by(self, offset_s: float) -> None:
        if self.can_seek():
            self._seek_to(self.engine.position_s() + offset_s)

    def set_position(self, track_id: str, position_s: float) -> None:
        """Ignored unless ``track_id`` is the current track and the position is inside it."""
        duration = self.engine.duration_s()
        if track_id != self._track_id() or duration is None or not 0 <= position_s <= duration:
            return
        self._seek_to(position_s)

    def _seek_to(self, position_s: float) -> None:
        self.engine.seek(position_s)
        self._player.Seeked.emit(round(self.engine.position_s() * _US))

    def open_uri(self, uri: str) -> None:
        url = QUrl(uri)
        if self._open_path is None or not url.isLocalFile():
            log.info("MPRIS: cannot open %s", uri)
            return
        self._open_path(Path(url.toLocalFile()))

    def set_volume(self, value: float) -> None:
        """A client's volume: clamped to 0..1, the slider's range; the ceiling still holds."""
        position = 0.0 if math.isnan(value) else max(0.0, min(1.0, value))
        self._set_volume(position)
        self._refresh()

    # -- state -----------------------------------------------------------------------------
    def playback_status(self) -> str:
        return _STATUS[self.engine.state]

    def volume(self) -> float:
        return self.engine.settings.volume

    def has_items(self) -> bool:
        return bool(self.engine.items())

    def can_seek(self) -> bool:
        return self.engine.state is not PlayState.STOPPED and self.engine.duration_s() is not None

    def _track_id(self) -> str:
        index = self.engine.current_index
        return NO_TRACK if index is None else f"{TRACK_PREFIX}{index}"

    def _metadata_plain(self) -> dict[str, object]:
        index = self.engine.current_index
        items = self.engine.items()
        if index is None or not 0 <= index < len(items):
            return {"mpris:trackid": NO_TRACK}
        item = items[index]
        data: dict[str, object] = {"mpris:trackid": self._track_id(), "xesam:title": item.title}
        if item.duration_s is not None and math.isfinite(item.duration_s):
            data["mpris:length"] = round(item.duration_s * _US)
        if item.path is not None:
            data["xesam:url"] = QUrl.fromLocalFile(str(item.path)).toString()
        return data

    def metadata(self) -> dict[str, Any]:
        result = _to_dbus(self._metadata_plain())
        assert isinstance(result, dict)
        return result

    def _snapshot(self) -> dict[str, object]:
        """The properties that announce their changes, as plain comparable values."""
        has_items = self.has_items()
        return {
            "PlaybackStatus": self.playback_status(),
            "Metadata": self._metadata_plain(),
            "Volume": self.volume(),
            "CanGoNext": has_items,
            "CanGoPrevious": has_items,
            "CanPlay": has_items,
            "CanPause": has_items,
            "CanSeek": self.can_seek(),
        }

    @Slot()
    def _refresh(self, *_args: object) -> None:
        """Send PropertiesChanged with whatever differs from what clients were last told."""
        if self.bus_name is None:
            return
        now = self._snapshot()
        changed = {k: _to_dbus(v) for k, v in now.items() if self._sent.get(k) != v}
        self._sent = now
        if not changed:
            return
        message = QDBusMessage.createSignal(OBJECT_PATH, PROPERTIES_INTERFACE, "PropertiesChanged")
        message.setArguments([PLAYER_INTERFACE, changed, _empty_string_list()])
        if not self._bus.send(message):
            log.info("MPRIS: PropertiesChanged not sent: %s", self._bus.lastError().message())
