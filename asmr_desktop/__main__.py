"""``python -m asmr_desktop`` runs the same entry point as ``asmr-desktop``."""

import sys

from asmr_desktop.app import main

sys.exit(main())
