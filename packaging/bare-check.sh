#!/bin/sh
# Run the built bundle on a bare Debian: a `debootstrap --variant=minbase` root with ONLY the
# Debian packages README.md documents for the bundle, and check, inside that root, that
#   self-test  --self-test passes on the real platform (xcb) and the real sound server
#   render     `render rain` writes a WAV with sound in it, within the default ceiling
#   window     a real X11 window appears and its screenshot has text (many colours)
#   sound      MPRIS Play through the session bus: the window's sound reaches a PulseAudio
#              null sink, audible and within the ceiling
#   sigterm    the playing window ends cleanly on SIGTERM (a session manager's logout)
#   log        the window's log file says how it was launched (no terminal, as from a menu)
# One "ok"/"FAIL" line per check; exit 1 when any check fails.
#
# The helpers run on the host and reach into the root through bind mounts: the X server
# (Xvfb) through /tmp/.X11-unix, PulseAudio (a null sink) and the D-Bus session bus through
# one socket folder. Installed in the root they would bring their own libraries (libasound2,
# libx11, libdbus ...), which could stand in for a missing one the bundle needs and make the
# check pass where a person's bare machine fails.
#
# The root is cached in $BARE_CACHE (default .cache/bare-check, ignored by git): the first
# run debootstraps it (about 80 s here) and installs the packages (about 30 s); later runs
# reuse it, and only re-install when README's package list changes. Output (screenshot,
# WAV files, logs) goes to $BARE_OUT (default build/bare-check).
# Needs root (chroot, mounts), debootstrap, xvfb, imagemagick, xdotool, dbus,
# libglib2.0-bin (gdbus) and pulseaudio + pulseaudio-utils on the host
# (packaging/system-deps.sh bare-check installs all but pulseaudio).
# Usage: packaging/bare-check.sh [BUNDLE_DIR]   (default dist/asmr-desktop-<version>)
# Env: BARE_SUITE (bookworm), BARE_MIRROR (http://deb.debian.org/debian), BARE_CACHE, BARE_OUT.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$here/asmr_desktop/__init__.py")
bundle=$(cd "${1:-$here/dist/asmr-desktop-$version}" 2>/dev/null && pwd) || bundle=""
cache="${BARE_CACHE:-$here/.cache/bare-check}"
out="${BARE_OUT:-$here/build/bare-check}"
suite="${BARE_SUITE:-bookworm}"
mirror="${BARE_MIRROR:-http://deb.debian.org/debian}"
# The one install line of README's "The bundle" section: what is tested is what is documented.
packages=$(sed -n 's/^sudo apt-get install --no-install-recommends //p' "$here/README.md")

die() { echo "bare-check: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root for chroot and mounts: sudo make bare-check"
[ -n "$bundle" ] && [ -x "$bundle/asmr-desktop" ] || die "no bundle (run make bundle)"
[ "$(echo "$packages" | wc -l)" = 1 ] && [ -n "$packages" ] \
  || die "README.md must have exactly one 'sudo apt-get install --no-install-recommends' line"
for tool in debootstrap unshare Xvfb import identify xdotool dbus-daemon gdbus; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: packaging/system-deps.sh bare-check"
done

# Everything below runs in a private mount namespace: the bind mounts into the root vanish
# with this process, so nothing is left mounted (and a later rm -rf of the cache cannot
# reach through a forgotten bind mount into the host's /dev).
if [ "${BARE_CHECK_NAMESPACE:-}" != 1 ]; then
  BARE_CHECK_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$bundle"
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
elapsed() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f s", (b - a) / 1000 }'; }
t_start=$(now_ms)
base="$cache/base"
root="$cache/root"
mkdir -p "$cache" "$out"

# 1. The minbase root, made once.
t=$(now_ms)
if [ ! -f "$base/.bare-check-base" ]; then
  rm -rf "$base.tmp"
  echo "debootstrap --variant=minbase $suite from $mirror (once; cached in $base)"
  debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log"; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  echo "$suite $mirror" >"$base.tmp/.bare-check-base"
  mv "$base.tmp" "$base"
  echo "base root made in $(elapsed "$t")"
else
  echo "base root reused: $base"
fi

mount_system() {  # mount_system ROOT: /proc and /dev for programs in the root
  mount -t proc proc "$1/proc"
  mount --rbind /dev "$1/dev"
}

# 2. The documented packages, installed into a copy of the base (the base stays minbase, so
# a changed list starts again from bare).
t=$(now_ms)
wanted="$suite $packages"
if [ ! -f "$root/.bare-check-packages" ] || [ "$(cat "$root/.bare-check-packages")" != "$wanted" ]; then
  rm -rf "$root"
  cp -a "$base" "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount_system "$root"
  echo "installing into the root: $packages"
  # shellcheck disable=SC2086
  if ! chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive sh -c \
      "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages && apt-get clean" \
      >"$cache/apt.log" 2>&1; then
    tail -n 20 "$cache/apt.log"; die "apt-get in the root failed (log: $cache/apt.log)"
  fi
  umount -R "$root/dev" "$root/proc"
  echo "$wanted" >"$root/.bare-check-packages"
  echo "packages installed in $(elapsed "$t")"
else
  echo "root reused: $root (packages: $packages)"
fi

# 3. This run: the unpacked bundle in /opt, a fresh HOME, the host's sockets bound in.
rm -rf "$root/opt/asmr-desktop" "$root/home/bare" "$root/tmp/bare"
cp -a "$bundle" "$root/opt/asmr-desktop"
mkdir -p "$root/home/bare" "$root/tmp/bare" "$root/tmp/.X11-unix" "$root/run/bare"
echo "bundle: $bundle (built $(date -r "$bundle/asmr-desktop" '+%Y-%m-%d %H:%M'))"

tmp=$(mktemp -d)
run="$tmp/run"  # the socket folder the root sees as /run/bare
mkdir -m 700 "$run"
pids=""
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
mount_system "$root"
mkdir -p /tmp/.X11-unix
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
mount --bind "$run" "$root/run/bare"

display_number=$((50 + $$ % 40))
Xvfb ":$display_number" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids="$pids $!"
dbus-daemon --session --address="unix:path=$run/bus" --nofork --nopidfile >"$tmp/dbus.log" 2>&1 &
pids="$pids $!"
pulse=""
if command -v pulseaudio >/dev/null 2>&1 && command -v parec >/dev/null 2>&1; then
  # -n: no default configuration, only a 48 kHz null sink (the app's rate, so the samples
  # recorded from its monitor are the app's own, not resampled) and the socket.
  HOME="$tmp" XDG_RUNTIME_DIR="$run" pulseaudio -n --daemonize=no --exit-idle-time=-1 \
    --use-pid-file=no --disable-shm=yes \
    -L "module-null-sink sink_name=bare rate=48000" \
    -L "module-native-protocol-unix socket=$run/pulse-native auth-anonymous=1" >"$tmp/pulse.log" 2>&1 &
  pids="$pids $!"
  pulse="unix:$run/pulse-native"
fi
export DISPLAY=":$display_number"
for _ in $(seq 100); do
  [ -S "/tmp/.X11-unix/X$display_number" ] && [ -S "$run/bus" ] \
    && { [ -z "$pulse" ] || PULSE_SERVER="$pulse" pactl info >/dev/null 2>&1; } && break
  sleep 0.1
done

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

in_root() {  # (in_root NAME ARGS...): the bundle inside the root, in a clean environment;
  # exec, so that in a subshell (always) its pid is the app's and signals reach the app.
  name=$1; shift
  exec chroot "$root" /usr/bin/env -i HOME=/home/bare PATH=/usr/bin:/bin LANG=C.UTF-8 \
    XDG_RUNTIME_DIR=/run/bare DISPLAY="$DISPLAY" QT_QPA_PLATFORM=xcb \
    PULSE_SERVER=unix:/run/bare/pulse-native DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bare/bus \
    /opt/asmr-desktop/asmr-desktop "$@" >"$out/$name.out" 2>"$out/$name.err"
}
show() { sed 's/^/  /' "$out/$1.out"; sed 's/^/  stderr: /' "$out/$1.err"; }
# What a WAV or raw int16 file holds: seconds, rate, sample peak (0-1). Host Python, standard
# library only: nothing of it enters the root.
wav_facts() {
  /usr/bin/python3 - "$@" <<'EOF'
import array, sys, wave
path, rate = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
if rate:  # raw s16le stereo
    data, channels = open(path, "rb").read(), 2
else:
    with wave.open(path) as w:
        rate, channels, data = w.getframerate(), w.getnchannels(), w.readframes(w.getnframes())
samples = array.array("h", data)
peak = max((abs(s) for s in samples), default=0) / 32768
print(f"{len(samples) / channels / rate:.2f} {rate} {peak:.4f}")
EOF
}
# Default ceiling -12 dBTP: a sample peak may reach it, never pass it.
ceiling=$(awk 'BEGIN { printf "%.4f", 10 ^ (-12 / 20) }')
within() { awk -v p="$1" -v c="$ceiling" 'BEGIN { exit !(p > 0.003 && p <= c) }'; }

# Check: --self-test on the real platform and sound server.
t=$(now_ms)
status=0; (in_root self-test --self-test) || status=$?
if [ "$status" -eq 0 ] && grep -q '^ok   qt: .*(xcb' "$out/self-test.out" \
    && grep -q '^ok   fonts: ' "$out/self-test.out" \
    && { [ -z "$pulse" ] || grep -q '^ok   audio: .*(pulseaudio' "$out/self-test.out"; }; then
  pass "self-test ($(elapsed "$t")):"
else
  fail "self-test: exit $status, expected 0 with ok qt (xcb), ok fonts, ok audio (pulseaudio):"
fi
show self-test

# Check: render a built-in soundscape to WAV.
t=$(now_ms)
status=0; (in_root render render rain -o /tmp/bare/rain.wav --seconds 10) || status=$?
if [ "$status" -eq 0 ] && [ -s "$root/tmp/bare/rain.wav" ]; then
  cp "$root/tmp/bare/rain.wav" "$out/rain.wav"
  set -- $(wav_facts "$out/rain.wav")
  if [ "$1" = 10.00 ] && within "$3"; then
    pass "render: rain, $1 s at $2 Hz, sample peak $3 (ceiling $ceiling) ($(elapsed "$t")) -> $out/rain.wav"
  else
    fail "render: $1 s at $2 Hz, sample peak $3: expected 10 s, peak in (0.003, $ceiling]"
  fi
else
  fail "render: exit $status, no WAV"; show render
fi

# Check: the window, on the real X11 platform, with text in it.
t=$(now_ms)
(in_root window --data-dir /home/bare/data) &
app=$!
pids="$pids $app"
wid=$(timeout 30 xdotool search --sync --onlyvisible --name "ASMR Desktop" 2>/dev/null | head -n 1 || true)
if [ -n "$wid" ]; then
  sleep 2  # the first frames and the theme settle
  import -window root "$out/window.png"
  # Letters are drawn anti-aliased: hundreds of colours. A window of boxes or a blank one
  # has a few dozen (measured: 1 for the empty screen).
  colours=$(identify -format %k "$out/window.png")
  if [ "$colours" -ge 200 ]; then
    pass "window: shown in $(elapsed "$t"), screenshot has $colours colours -> $out/window.png"
  else
    fail "window: screenshot has only $colours colours (no text?) -> $out/window.png"
  fi
else
  fail "window: no window titled 'ASMR Desktop' within 30 s"; show window
fi

# Check: what the window plays reaches the sound server (a null sink; its monitor records
# the samples the speakers would get).
if [ -z "$pulse" ]; then
  fail "sound: pulseaudio (and parec) not on this machine: apt-get install pulseaudio pulseaudio-utils (not installed automatically: it replaces pipewire-pulse on a desktop)"
elif [ -z "$wid" ]; then
  fail "sound: no window to play"
else
  t=$(now_ms)
  player=org.mpris.MediaPlayer2.asmr_desktop
  for _ in $(seq 50); do
    gdbus call --address "unix:path=$run/bus" -d org.freedesktop.DBus \
      -o /org/freedesktop/DBus -m org.freedesktop.DBus.NameHasOwner "$player" 2>/dev/null \
      | grep -q true && break
    sleep 0.1
  done
  if DBUS_SESSION_BUS_ADDRESS="unix:path=$run/bus" gdbus call --session -d "$player" \
      -o /org/mpris/MediaPlayer2 -m org.mpris.MediaPlayer2.Player.Play >"$tmp/play.out" 2>&1; then
    # 8 s: past the 3 s fade-in, into the playlist's first soundscape.
    PULSE_SERVER="$pulse" timeout 8 parec -d bare.monitor --format=s16le --rate=48000 \
      --channels=2 >"$out/sound.raw" 2>"$tmp/parec.err" || true
    clients=$(PULSE_SERVER="$pulse" pactl list short sink-inputs | wc -l)
    set -- $(wav_facts "$out/sound.raw" 48000)
    if [ "$clients" -ge 1 ] && within "$3"; then
      pass "sound: $1 s recorded from the null sink, sample peak $3 (ceiling $ceiling) ($(elapsed "$t")) -> $out/sound.raw"
    else
      fail "sound: $clients streams on the null sink, $1 s recorded, sample peak $3: expected audible, within $ceiling"
      sed 's/^/  pulseaudio: /' "$tmp/pulse.log"; sed 's/^/  parec: /' "$tmp/parec.err"
    fi
  else
    fail "sound: MPRIS Play failed: $(cat "$tmp/play.out")"
  fi
fi

# Check: SIGTERM ends the playing window cleanly (with its quit fade).
if [ -n "$wid" ]; then
  t=$(now_ms)
  kill -TERM "$app"
  status=0
  for _ in $(seq 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$app" 2>/dev/null; then
    fail "sigterm: still running 10 s after SIGTERM"
  else
    wait "$app" || status=$?
    if [ "$status" -eq 0 ]; then pass "sigterm: window ended, exit 0 ($(elapsed "$t"))"
    else fail "sigterm: exit $status"; show window; fi
    # A start without a terminal (as from the menu) leaves its trace in the log file.
    logged=$(grep -h ' launched as ' "$root/home/bare/data/logs/asmr-desktop.log" || true)
    case "$logged" in
      *"with no terminal"*) pass "log: ${logged#* INFO }";;
      *) fail "log: no 'launched as ... with no terminal' line in the window's log file";;
    esac
  fi
fi

echo "bare-check: $(elapsed "$t_start") in all; root $root; packages: $packages"
if [ "$failures" -ne 0 ]; then
  echo "bare-check FAILED ($failures checks)"
  exit 1
fi
echo "bare-check passed"
