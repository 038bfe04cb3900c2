#!/bin/sh
# Run the app in a real X11 window on a virtual screen and save a PNG of the whole screen.
# Usage: packaging/screenshot.sh OUT.png [app arguments...]
# Env: SHOT_DELAY_MS (default 2500), SHOT_SIZE (default 1280x800), SHOT_KEYS (xdotool keys
# sent to the window before the shot, e.g. "alt+h Return"), SHOT_DATA_DIR (default: a temp dir).
set -eu
out="${1:?usage: $0 OUT.png [app args...]}"
shift
here=$(cd "$(dirname "$0")/.." && pwd)
app="${ASMR_APP:-$here/.venv/bin/asmr-desktop}"
delay_ms="${SHOT_DELAY_MS:-2500}"
size="${SHOT_SIZE:-1280x800}"
data_dir="${SHOT_DATA_DIR:-$(mktemp -d)}"
display=":$(( 90 + $$ % 100 ))"

Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $app_pid $xvfb_pid 2>/dev/null || true' EXIT
export DISPLAY="$display" QT_QPA_PLATFORM=xcb SDL_AUDIODRIVER="${SDL_AUDIODRIVER:-dummy}"
export LANG="${LANG:-C.UTF-8}"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done 2>/dev/null || sleep 1

"$app" --data-dir "$data_dir" "$@" &
app_pid=$!
wid=$(timeout 20 xdotool search --sync --onlyvisible --name "ASMR Desktop" 2>/dev/null | head -n 1 || true)
sleep "$(echo "$delay_ms" | awk '{print $1/1000}')"
if [ -n "${SHOT_KEYS:-}" ]; then
  [ -n "$wid" ] && xdotool windowfocus --sync "$wid" 2>/dev/null || true
  # shellcheck disable=SC2086
  xdotool key --delay 400 ${SHOT_KEYS}
  sleep 1
fi
import -window root "$out"
echo "saved $out"
