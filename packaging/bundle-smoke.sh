#!/bin/sh
# Smoke-test the built bundle as a person without Python would run it: a clean environment
# (no venv on PATH, no PYTHONPATH), a temporary HOME and data folder, offscreen Qt and the
# dummy audio driver. Fails (exit 1) when any step fails or stderr has a line not allowed.
# Steps: --version; --self-test (Qt, fonts that really draw letters, data store, audio
# output); the self-test must FAIL when no fonts exist (text would be boxes); the window
# paints its first frame; `render` a generated 48 kHz WAV through the speaker chain
# (libsndfile, soxr and numpy in the bundle) and the result is within the ceiling; `render`
# an AAC M4A through FFmpeg, normalised like the WAV; a video's guarded frames (`frames`
# on an H.264 MP4 with flashes); a built-in soundscape; `log` a day
# with a note in every script and `export --pdf --notes` it, read back with pdftotext.
# Usage: packaging/bundle-smoke.sh [BUNDLE_DIR]   (default dist/asmr-desktop-<version>)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$here/asmr_desktop/__init__.py")
bundle="${1:-$here/dist/asmr-desktop-$version}"
app="$bundle/asmr-desktop"
[ -x "$app" ] || { echo "bundle-smoke: no bundle at $bundle (run make bundle)" >&2; exit 1; }
# A Python for writing and checking WAV files (standard library only), never the venv's.
py=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
failures=0

# Lines the bundle may print on stderr; anything else fails the smoke test.
# (`log` and `export` say on stderr what they wrote.)
allowed_stderr='^$|^recorded [0-9-]+: |^wrote a [0-9]+-page report of '

run() {  # run NAME [ENV=VALUE ...] -- ARGS...: the bundle in a clean environment
  name=$1; shift
  extra=""
  while [ "$1" != "--" ]; do extra="$extra $1"; shift; done
  shift
  # shellcheck disable=SC2086
  env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen SDL_AUDIODRIVER=dummy $extra \
    timeout 120 "$app" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

check() {  # check NAME STATUS EXPECTED_STATUS: report and verify stderr
  name=$1; status=$2; expected=$3
  unknown=$(grep -Ev "$allowed_stderr" "$tmp/$name.err" || true)
  if [ "$status" -ne "$expected" ] || [ -n "$unknown" ]; then
    echo "FAIL $name: exit $status (expected $expected)"
    sed 's/^/  stdout: /' "$tmp/$name.out"
    sed 's/^/  stderr: /' "$tmp/$name.err"
    failures=$((failures + 1))
    return 1
  fi
  echo "ok   $name"
}

# Files loaded by name at run time, which a host library could stand in for unnoticed
# (soundfile falls back to a system libsndfile; Qt needs the platform plugins; the tray
# and window icon is the SVG, drawn by the svg icon engine).
for f in _soundfile_data/libsndfile_x86_64.so PySide6/Qt/plugins/platforms/libqxcb.so \
    PySide6/Qt/plugins/platforms/libqoffscreen.so PySide6/Qt/plugins/iconengines/libqsvgicon.so \
    assets/icons/hicolor/scalable/apps/asmr-desktop.svg assets/fonts/DejaVuSans.ttf \
    assets/fonts/DejaVuSans-Bold.ttf assets/fonts/DroidSansFallback.ttf \
    assets/fonts/Symbola_hint.ttf; do
  if [ -f "$bundle/_internal/$f" ]; then echo "ok   has $f"
  else echo "FAIL missing $f"; failures=$((failures + 1)); fi
done

# Files the spec drops because the app never opens them (TLS, OpenSSL, readline, CJK
# codecs): absent, and every run below (self-test, window, renders) works without them.
for f in python3.11/lib-dynload/_ssl python3.11/lib-dynload/_hashlib python3.11/lib-dynload/readline \
    python3.11/lib-dynload/_codecs_jp python3.11/lib-dynload/_multibytecodec \
    libssl.so libcrypto.so libreadline.so libtinfo.so; do
  if ls "$bundle/_internal/$f"* >/dev/null 2>&1; then
    echo "FAIL still has $f (the spec drops it)"; failures=$((failures + 1))
  else echo "ok   without $f"; fi
done

# What the person unpacking the tarball needs beside the program.
for f in LICENSE README.txt install.sh uninstall.sh licenses/README.txt licenses/SDL2/SDL2.txt \
    licenses/PySide6_Essentials/LGPL-3 assets/asmr-desktop.desktop; do
  if [ -s "$bundle/$f" ]; then echo "ok   has $f"
  else echo "FAIL missing $f"; failures=$((failures + 1)); fi
done

status=0; run version -- --version || status=$?
check version $status 0 && grep -qx "asmr-desktop $version" "$tmp/version.out" \
  || { echo "FAIL version: expected 'asmr-desktop $version'"; failures=$((failures + 1)); }

status=0; run self-test -- --self-test --data-dir "$tmp/data" || status=$?
check self-test $status 0 && sed 's/^/  /' "$tmp/self-test.out"
# The dummy driver proves nothing about a sound device: never "ok audio".
if ! grep -q "^WARN audio: .*dummy driver plays to nothing" "$tmp/self-test.out"; then
  echo "FAIL self-test: the dummy audio driver was not reported as a warning"
  failures=$((failures + 1))
fi

# Without libEGL (root only: hidden in a private mount namespace) the bundle must name the
# package in one sentence, never end in PyInstaller's "Failed to execute script".
egl=$(/sbin/ldconfig -p 2>/dev/null | sed -n 's/.*libEGL\.so\.1 (libc6,x86-64) => //p' | head -n 1)
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && [ -n "$egl" ]; then
  status=0
  env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    ASMR_DESKTOP_TESTING=1 unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
    sh "$(readlink -f "$egl")" timeout 60 "$app" --data-dir "$tmp/data4" \
    >"$tmp/no-egl.out" 2>"$tmp/no-egl.err" || status=$?
  if [ "$status" -eq 1 ] && grep -q "libEGL.so.1 is missing. Install it with: sudo apt-get install libegl1" "$tmp/no-egl.err" \
      && ! grep -q "Failed to execute script" "$tmp/no-egl.err"; then
    echo "ok   no-egl: $(cat "$tmp/no-egl.err")"
  else
    echo "FAIL no-egl: exit $status"; sed 's/^/  stderr: /' "$tmp/no-egl.err"
    failures=$((failures + 1))
  fi
else
  echo "skip no-egl: needs root and unshare"
fi

# No fonts at all: Qt would draw boxes and exit 0; the self-test must notice.
mkdir -p "$tmp/no-fonts"
printf '<?xml version="1.0"?><fontconfig><dir>%s</dir><cachedir>%s</cachedir></fontconfig>\n' \
  "$tmp/no-fonts" "$tmp/fc-cache" >"$tmp/fonts.conf"
status=0; run self-test-no-fonts FONTCONFIG_FILE="$tmp/fonts.conf" -- \
  --self-test --data-dir "$tmp/data2" || status=$?
if check self-test-no-fonts $status 1 && ! grep -q "^FAIL fonts:.*boxes" "$tmp/self-test-no-fonts.out"; then
  echo "FAIL self-test-no-fonts: no 'FAIL fonts: ... boxes' line"; failures=$((failures + 1))
fi

status=0; run first-paint ASMR_DESKTOP_EXIT_AFTER_FIRST_PAINT=1 ASMR_DESKTOP_TESTING=1 -- \
  --data-dir "$tmp/data3" || status=$?
if check first-paint $status 0 && ! grep -qx "first-paint" "$tmp/first-paint.out"; then
  echo "FAIL first-paint: the window did not paint"; failures=$((failures + 1))
fi

# 8 s of a 440 Hz tone at 48 kHz: decoding (libsndfile), resampling to 44.1 kHz (soxr),
# loudness, fades and limiter (numpy). Long enough to be past the fade-in.
"$py" - "$tmp/in.wav" <<'EOF'
import math, struct, sys, wave
rate = 48000
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    frames = bytearray()
    for i in range(8 * rate):
        v = int(8000 * math.sin(2 * math.pi * 440 * i / rate))
        frames += struct.pack("<hh", v, v)
    w.writeframes(bytes(frames))
EOF
status=0; run render -- render "$tmp/in.wav" -o "$tmp/out.wav" --seconds 8 || status=$?
if check render $status 0; then
  if "$py" - "$tmp/out.wav" <<'EOF'
import array, sys, wave
with wave.open(sys.argv[1]) as w:
    rate, frames = w.getframerate(), w.getnframes()
    samples = array.array("h", w.readframes(frames))
peak = max(abs(s) for s in samples) / 32768
# Default ceiling -12 dBTP = 0.251; the tone must be heard, and never above it.
ok = rate == 44100 and frames == 8 * 44100 and 0.003 < peak <= 10 ** (-12 / 20)
print(f"  rendered {frames / rate:.1f} s at {rate} Hz, sample peak {peak:.3f}")
sys.exit(0 if ok else 1)
EOF
  then :; else echo "FAIL render: output WAV is wrong"; failures=$((failures + 1)); fi
fi

# The same tone as AAC in M4A (issue 21): FFmpeg (PyAV's libraries, their encoders and TLS
# replaced by stubs) decodes it in the bundle, and render normalises it under the ceiling
# like the WAV. The file is made with the source tree's venv (PyAV's own AAC encoder).
venv_py="$here/.venv/bin/python"
if [ -x "$venv_py" ] && "$venv_py" - "$tmp/in.wav" "$tmp/in.m4a" <<'EOF'
import sys, wave
import av, numpy as np
with wave.open(sys.argv[1]) as w:
    rate = w.getframerate()
    pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)
with av.open(sys.argv[2], "w", format="mp4") as out:
    stream = out.add_stream("aac", rate=rate, layout="stereo")
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm.T / 32768, dtype=np.float32),
                                       format="fltp", layout="stereo")
    frame.sample_rate, frame.pts = rate, 0
    for packet in [*stream.encode(frame), *stream.encode(None)]:
        out.mux(packet)
EOF
then
  status=0; run render-m4a -- render "$tmp/in.m4a" -o "$tmp/out-m4a.wav" --seconds 8 || status=$?
  if check render-m4a $status 0; then
    if "$py" - "$tmp/out.wav" "$tmp/out-m4a.wav" <<'EOF'
import array, math, sys, wave
def measure(path):
    with wave.open(path) as w:
        rate, frames = w.getframerate(), w.getnframes()
        s = array.array("h", w.readframes(frames))
    tail = s[6 * rate * 2 : 7 * rate * 2]  # past the rise, before the end's fade
    peak = max(abs(x) for x in s) / 32768
    return rate, frames, peak, math.sqrt(sum(x * x for x in tail) / len(tail))
rate, frames, peak, level = measure(sys.argv[2])
wav_level = measure(sys.argv[1])[3]
diff_db = 20 * math.log10(level / wav_level)
print(f"  rendered the M4A: {frames / rate:.1f} s, peak {peak:.3f}, {diff_db:+.2f} dB from the WAV")
ok = rate == 44100 and frames == 8 * rate and peak <= 10 ** (-12 / 20) and abs(diff_db) < 1
sys.exit(0 if ok else 1)
EOF
    then :; else echo "FAIL render-m4a: output WAV is wrong"; failures=$((failures + 1)); fi
  fi
else
  echo "FAIL render-m4a: could not make the M4A with $venv_py (make venv)"
  failures=$((failures + 1))
fi

# A video in visual-only mode (issue 21): 4 s of H.264 in MP4 (made with the venv's PyAV;
# the bundle's FFmpeg has its encoders stubbed out) of a soft light drifting under 5 Hz
# flashes. `frames` decodes it muted in the bundle, tints and guards every frame as the
# window does, and measures what it wrote: the flashes are softened (the guard says so)
# and the frames keep every bound the guard keeps.
if [ -x "$venv_py" ] && "$venv_py" - "$tmp/clip.mp4" <<'EOF'
import sys
import av, numpy as np
w, h, fps = 320, 180, 30
y, x = np.mgrid[0:h, 0:w].astype(np.float32)
with av.open(sys.argv[1], "w") as out:
    stream = out.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
    stream.options = {"preset": "veryfast", "crf": "20"}
    for i in range(4 * fps):
        light = 60 * np.exp(-((x - 100 - i) ** 2 + (y - 90) ** 2) / (2 * 40.0**2))
        v = 60 + light + (150 if (i * 5 / fps) % 1 < 0.5 else 0)
        rgb = np.clip(np.stack([v, 0.9 * v, 0.8 * v], axis=-1), 0, 255).astype(np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
EOF
then
  status=0; run video-frames -- frames "$tmp/clip.mp4" -o "$tmp/video-frames" --seconds 3 \
    --fps 30 --check || status=$?
  if check video-frames $status 0; then
    sed 's/^/  /' "$tmp/video-frames.out"
    if ! grep -q "^wrote 90 guarded frames of clip.mp4 (320x180) .*Softened a flash" \
        "$tmp/video-frames.out" || ! grep -q "^flashes/s 0," "$tmp/video-frames.out"; then
      echo "FAIL video-frames: not 90 guarded frames with the flashes softened"
      failures=$((failures + 1))
    fi
  fi
else
  echo "FAIL video-frames: could not make the H.264 clip with $venv_py (make venv)"
  failures=$((failures + 1))
fi

# A built-in soundscape: its module is found by name (importlib), which only the spec's
# hidden imports put in the bundle.
status=0; run render-soundscape -- render rain -o "$tmp/rain.wav" --seconds 2 || status=$?
if check render-soundscape $status 0 && [ ! -s "$tmp/rain.wav" ]; then
  echo "FAIL render-soundscape: no output"; failures=$((failures + 1))
fi

# The doctor's report, headless: a note in every script, subset from the bundle's own fonts
# (assets/fonts) by fontTools, whose table modules only the spec's hidden imports bring.
# pdftotext (poppler-utils, on the host) must give back every line exactly; right-to-left
# lines come back in logical order inside the direction marks pdftotext adds.
cat >"$tmp/note.txt" <<'EOF'
Café crème, naïve Ørsted – Ångström żółć
Πονοκέφαλος μετά τη δουλειά
Голова болит с утра
כאב ראש חזק בערב
صداع خفيف بعد العمل لا بأس
头痛 頭が痛い 두통이 있어요
Slept well 😴 then ☕ and 👍🏽 ❤️
EOF
status=0; run log -- log --data-dir "$tmp/data5" --date 2026-01-05 --headache mild \
  --medication "Нурофен:400 mg" --note "$(cat "$tmp/note.txt")" || status=$?
check log $status 0 || true
status=0; run export-pdf -- export --data-dir "$tmp/data5" --pdf "$tmp/report.pdf" --notes \
  || status=$?
if check export-pdf $status 0; then
  if ! command -v pdftotext >/dev/null 2>&1; then
    echo "FAIL export-pdf: pdftotext (poppler-utils) is needed to read the report back"
    failures=$((failures + 1))
  elif pdftotext "$tmp/report.pdf" "$tmp/report.txt" && "$py" - "$tmp/note.txt" "$tmp/report.txt" <<'EOF'
import sys
note = open(sys.argv[1], encoding="utf-8").read().splitlines()
shown = open(sys.argv[2], encoding="utf-8").read().replace("\u202b", "").replace("\u202c", "")
lines = shown.splitlines()
missing = [line for line in note if line not in lines]
for line in missing:
    print(f"  not read back: {line}")
print(f"  {len(note) - len(missing)} of {len(note)} scripts read back exactly")
sys.exit(1 if missing or "Нурофен" not in shown else 0)
EOF
  then
    if grep -aq "/BaseFont /[A-Z]*+DroidSansFallback" "$tmp/report.pdf"; then
      echo "ok   export-pdf: every script read back; CJK from the bundled Droid Sans Fallback"
    else
      echo "FAIL export-pdf: no Droid Sans Fallback subset in the report"; failures=$((failures + 1))
    fi
  else
    echo "FAIL export-pdf: the report's text is not what was typed"; failures=$((failures + 1))
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "bundle smoke test FAILED ($failures problems): $bundle"
  exit 1
fi
echo "bundle smoke test passed: $bundle"
