#!/bin/sh
# Debian packages the app and its tests need (see shared FACTS.md for how the list was found).
# As root: installs what is missing. Otherwise: prints the exact apt-get line and fails.
# Usage: packaging/system-deps.sh [run|test|screenshot|bundle]
set -eu
purpose="${1:-run}"

# Qt offscreen + real X11 window (xcb), fonts (without them Qt draws boxes), pulse for QtMultimedia.
pkgs="libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
fontconfig-config fonts-dejavu-core libpulse0"
case "$purpose" in
  run) ;;
  # poppler: the PDF report tests render it; desktop-file-utils, appstream: the desktop
  # entry and metainfo validate; binutils: readelf (the spec test, the bundle build).
  test) pkgs="$pkgs xvfb xauth dbus poppler-utils desktop-file-utils appstream binutils";;
  screenshot) pkgs="$pkgs xvfb xauth imagemagick xdotool x11-utils";;
  bundle) pkgs="$pkgs binutils";;
  *) echo "usage: $0 [run|test|screenshot|bundle]" >&2; exit 2;;
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
