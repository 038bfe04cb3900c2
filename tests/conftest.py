"""Test-wide set-up: no screen, no sound card, no network, no banner."""

from __future__ import annotations

import os

# Before anything imports Qt or pygame.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["SDL_AUDIODRIVER"] = os.environ.get("ASMR_TEST_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
os.environ.setdefault("LANG", "C.UTF-8")
os.environ["ASMR_DESKTOP_TESTING"] = "1"
# Never register on a developer's real session bus (MPRIS tests start their own).
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent"

from hypothesis import HealthCheck, settings

# The machines are shared and noisy: judge properties, not speed.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")
