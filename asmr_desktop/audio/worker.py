"""The rendering worker: a thread that keeps an output fed from the engine."""

from __future__ import annotations

import logging
import threading
import time

from asmr_desktop.audio.engine import Engine
from asmr_desktop.audio.output import Output, to_int16
from asmr_desktop.core.errors import AudioDeviceError, AudioError

log = logging.getLogger(__name__)

#: Audio rendered per block sent to the output. pygame holds one block playing and one
#: queued, so this is also the cushion against the render thread being starved (a busy
#: machine); a pause or volume change is heard within about two blocks.
CHUNK_S = 0.2


def pump(engine: Engine, output: Output, frames: int) -> None:
    """Render ``frames`` frames and hand them to ``output``: one step of playback."""
    output.write(to_int16(engine.render(frames)))


class Player:
    """Owns the output and a worker thread that renders the engine into it.

    ``start`` opens the output (raising :class:`AudioDeviceError` when there is no device;
    call it again to retry) and starts the thread; transport goes straight to
    :attr:`engine`, whose methods are thread-safe. If the device fails while playing, the
    engine pauses, keeps its position and reports the error through its ``error`` callback;
    the worker stops and ``start`` may be called again.
    """

    def __init__(self, engine: Engine, output: Output, *, chunk_s: float = CHUNK_S) -> None:
        if (output.rate_hz, output.channels) != (engine.rate_hz, engine.channels):
            raise AudioError(
                f"The output ({output.rate_hz} Hz, {output.channels} ch) does not match the "
                f"engine ({engine.rate_hz} Hz, {engine.channels} ch)."
            )
        self.engine = engine
        self.output = output
        self.chunk_frames = max(64, round(chunk_s * engine.rate_hz))
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self.output.open()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="audio-render", daemon=True)
        self._thread.start()

    def close(self, *, fade: bool = False, timeout_s: float = 5.0) -> None:
        """Stop the worker and release the output.

        With ``fade`` (quitting the app while sound plays), playback first fades out over
        1.5 s and the device plays what it holds, so closing is never a sudden cut.
        """
        if fade and self.running and self.engine.is_active():
            deadline = time.monotonic() + timeout_s
            self.engine.stop()
            while self.engine.is_active() and self.running and time.monotonic() < deadline:
                time.sleep(0.02)
            drain = getattr(self.output, "drain", None)
            if drain is not None and self.running:
                drain(max(0.0, deadline - time.monotonic()))
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        self.output.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.engine.is_active():
                self.engine.wait_active(0.05)
                continue
            try:
                pump(self.engine, self.output, self.chunk_frames)
            except AudioError as exc:
                log.warning("audio output failed: %s", exc)
                error = exc if isinstance(exc, AudioDeviceError) else AudioDeviceError(str(exc))
                self.engine.device_failed(error)
                try:
                    self.output.close()
                except AudioError:
                    log.exception("closing the failed output")
                return
            except Exception:  # keep the app alive; the engine pauses and tells the user
                log.exception("audio rendering failed")
                self.engine.device_failed(AudioError("Playback stopped after an internal error."))
                return
