#!/bin/sh
# Debian packages the app and its tests need (see shared FACTS.md for how the list was found).
# As root: installs what is missing. Otherwise: prints the exact apt-get line and fails.
# Runs before the Python set-up (Makefile), so a newcomer learns in a second, not after the
# half-minute pip install, what to install.
# Usage: packaging/system-deps.sh [venv|run|test|screenshot|bundle|bare-check]
set -eu
purpose="${1:-run}"

# python3-venv: `python3 -m venv` fails without it on Debian (ensurepip is split out).
venv_pkgs="python3-venv"
# Qt offscreen + real X11 window (xcb), fonts (without them Qt draws boxes), libpulse0 for
# QtMultimedia and for SDL's PulseAudio/PipeWire output (libasound2 for plain ALSA);
# fonts-droid-fallback and fonts-symbola: the PDF report's fonts for CJK and emoji (the
# bundle carries copies; a source tree reads them from here).
run_pkgs="libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
fontconfig-config fonts-dejavu-core fonts-droid-fallback fonts-symbola libpulse0 libasound2"
case "$purpose" in
  venv) pkgs="$venv_pkgs";;
  run) pkgs="$venv_pkgs $run_pkgs";;
  # poppler-utils and qpdf: the PDF report tests read it back (pdftotext), render it
  # (pdftoppm) and check its structure (qpdf --check); desktop-file-utils, appstream: the desktop
  # entry and metainfo validate; binutils: readelf (the spec test, the bundle build);
  # dbus and libglib2.0-bin (gdbus): the MPRIS tests talk to a private session bus.
  test) pkgs="$venv_pkgs $run_pkgs xvfb xauth dbus libglib2.0-bin poppler-utils qpdf
desktop-file-utils appstream binutils";;
  screenshot) pkgs="$venv_pkgs $run_pkgs xvfb xauth imagemagick xdotool x11-utils";;
  bundle) pkgs="$venv_pkgs $run_pkgs binutils";;
  # packaging/bare-check.sh: a debootstrap root, and the host-side X server, screenshot,
  # window search and session bus. Not pulseaudio: on a desktop it would replace
  # pipewire-pulse; the script names it when it is missing.
  bare-check) pkgs="$venv_pkgs $run_pkgs binutils debootstrap xvfb xauth imagemagick xdotool
dbus libglib2.0-bin";;
  *) echo "usage: $0 [venv|run|test|screenshot|bundle|bare-check]" >&2; exit 2;;
esac

command -v dpkg-query >/dev/null 2>&1 || { echo "Not a Debian system: install the Qt runtime libraries and fonts by hand." >&2; exit 0; }

missing=""
for p in $pkgs; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $p";; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "These Debian packages are missing. Install them, then run make again:" >&2
  echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
