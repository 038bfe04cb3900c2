#!/bin/sh
# Install the desktop entry (with its "Visual only" action), the icons and the AppStream
# metainfo for the current user, under $XDG_DATA_HOME (default ~/.local/share).
# Usage: packaging/install-desktop.sh [--exec PROGRAM | --uninstall]
# PROGRAM is what the menu entry runs; by default `asmr-desktop` when it is on PATH, else
# the bundle in dist/ when built, else this checkout's .venv/bin/asmr-desktop.
# In the unpacked bundle this script is install.sh (uninstall.sh calls it with --uninstall):
# the entry runs the bundle's asmr-desktop, and ~/.local/bin/asmr-desktop links to it.
set -eu
script_dir=$(cd "$(dirname "$0")" && pwd)
if [ -x "$script_dir/asmr-desktop" ] && [ -d "$script_dir/assets" ]; then
  bundle="$script_dir"; here="$script_dir"
else
  bundle=""; here=$(cd "$script_dir/.." && pwd)
fi
assets="$here/assets"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_dir="${XDG_BIN_HOME:-$HOME/.local/bin}"
desktop_id=asmr-desktop.desktop
metainfo=io.github.asmrdesktop.AsmrDesktop.metainfo.xml
icon_dirs=$(cd "$assets/icons/hicolor" && ls -d -- */apps)

refresh_caches() {
  command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$data/applications" 2>/dev/null || true
  # Only refresh an icon cache that exists: creating one would hide icons that other apps
  # install later until something updates it again.
  [ -f "$data/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t -f "$data/icons/hicolor" 2>/dev/null || true
}

case "${1:-}" in
  --uninstall)
    rm -f "$data/applications/$desktop_id" "$data/metainfo/$metainfo"
    for d in $icon_dirs; do rm -f "$data/icons/hicolor/$d/asmr-desktop."*; done
    # Only a link this script made (to a bundle's asmr-desktop), never a real program.
    [ -L "$bin_dir/asmr-desktop" ] && rm -f "$bin_dir/asmr-desktop"
    refresh_caches
    echo "removed ASMR Desktop's menu entry, icons and metainfo from $data"
    exit 0;;
  --exec) program="${2:?usage: $0 --exec PROGRAM}";;
  "")
    if [ -n "$bundle" ]; then program="$bundle/asmr-desktop"
      mkdir -p "$bin_dir"
      ln -sfn "$program" "$bin_dir/asmr-desktop"
      echo "linked $bin_dir/asmr-desktop to $program"
      case ":$PATH:" in *":$bin_dir:"*) ;; *) echo "note: $bin_dir is not on PATH";; esac
    else
    version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$here/asmr_desktop/__init__.py")
    if command -v asmr-desktop >/dev/null 2>&1; then program=asmr-desktop
    elif [ -x "$here/dist/asmr-desktop-$version/asmr-desktop" ]; then
      program="$here/dist/asmr-desktop-$version/asmr-desktop"
    else program="$here/.venv/bin/asmr-desktop"; fi
    fi;;
  *) echo "usage: $0 [--exec PROGRAM | --uninstall]" >&2; exit 2;;
esac

# Exec= takes a double-quoted path when it has spaces (Desktop Entry spec, "Exec key").
case "$program" in *[[:space:]]*) exec_value="\"$program\"";; *) exec_value="$program";; esac
mkdir -p "$data/applications" "$data/metainfo"
sed "s|^Exec=asmr-desktop|Exec=$exec_value|" "$assets/$desktop_id" \
  >"$data/applications/$desktop_id.tmp"
mv "$data/applications/$desktop_id.tmp" "$data/applications/$desktop_id"
cp "$assets/$metainfo" "$data/metainfo/$metainfo"
for d in $icon_dirs; do
  mkdir -p "$data/icons/hicolor/$d"
  cp "$assets/icons/hicolor/$d/"asmr-desktop.* "$data/icons/hicolor/$d/"
done
refresh_caches
echo "installed ASMR Desktop's menu entry (runs $program), icons and metainfo into $data"
