#!/bin/sh
# Build the one-folder bundle and its tarball:
#   dist/asmr-desktop-<version>/                      the app (run ./asmr-desktop)
#   dist/asmr-desktop-<version>-linux-x86_64.tar.xz   the same folder, packed
# Intermediate files go to build/pyinstaller. Prints the unpacked and packed sizes.
# Env: PYTHON (default .venv/bin/python), ASMR_BUNDLE_COMPRESS (xz, the default, or gz), plus the spec's variables (ASMR_BUNDLE_UNFILTERED,
# ASMR_BUNDLE_VERBOSE; see packaging/asmr-desktop.spec).
# Build on a machine with the xcb libraries installed (packaging/system-deps.sh bundle):
# PyInstaller only bundles the libraries it finds.
set -eu
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
export PYGAME_HIDE_SUPPORT_PROMPT=1
version=$("$py" -c 'import asmr_desktop; print(asmr_desktop.__version__)')
app_id=$("$py" -c 'import asmr_desktop; print(asmr_desktop.APP_ID)')
name="$app_id-$version"
# xz: 52 MB instead of gzip's 73 MB (measured on 0.1.0) for about 80 s more on 2 busy cores.
compress="${ASMR_BUNDLE_COMPRESS:-xz}"
case "$compress" in
  xz) tar_compress="xz -T2 -6";;
  gz) tar_compress="gzip -6";;
  *) echo "ASMR_BUNDLE_COMPRESS must be xz or gz, not $compress" >&2; exit 2;;
esac
tarball="dist/$name-linux-x86_64.tar.$compress"

rm -rf "dist/$name" "dist/$name-linux-x86_64.tar.xz" "dist/$name-linux-x86_64.tar.gz"
"$py" -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/asmr-desktop.spec

# Strip debug info selectively (PyInstaller's strip=True breaks numpy's OpenBLAS, whose
# auditwheel-patched ELF layout strip rewrites). Only files that carry .debug_* sections
# are touched (libpython, lib-dynload, cffi), never the vendored wheel libraries under
# *.libs/, and never the executable, whose Python archive is appended after the ELF data.
stripped=0
for f in $(find "dist/$name/_internal" -type f \( -name '*.so' -o -name '*.so.*' \) \
    ! -path '*.libs/*'); do
  if readelf -S "$f" 2>/dev/null | grep -q '\.debug_'; then
    strip --strip-debug "$f"
    stripped=$((stripped + 1))
  fi
done
echo "stripped debug info from $stripped libraries"

# What the person unpacking it needs beside the program: the licences (ours and every
# bundled component's), a README with the Debian packages it needs, install.sh/uninstall.sh
# (menu entry, icons, metainfo, ~/.local/bin/asmr-desktop) and the assets they install.
cp LICENSE "dist/$name/LICENSE"
"$py" packaging/collect_licenses.py "dist/$name"
sed "s/@VERSION@/$version/g" packaging/bundle-README.txt >"dist/$name/README.txt"
cp packaging/install-desktop.sh "dist/$name/install.sh"
printf '#!/bin/sh\n# Remove what install.sh put in place.\nexec "$(dirname "$0")/install.sh" --uninstall\n' \
  >"dist/$name/uninstall.sh"
chmod 755 "dist/$name/install.sh" "dist/$name/uninstall.sh"
mkdir -p "dist/$name/assets"
cp -R assets/asmr-desktop.desktop assets/io.github.asmrdesktop.AsmrDesktop.metainfo.xml \
  assets/icons "dist/$name/assets/"
# Which Python built it: the bundle carries that interpreter and its standard library.
"$py" -c 'import sys; print(f"built with Python {sys.version.split()[0]} from {sys.base_prefix}")' \
  | tee "dist/$name/BUILD-INFO"

tar -C dist --sort=name --owner=0 --group=0 --numeric-owner -I "$tar_compress" -cf "$tarball" "$name"
unpacked=$(du -sb "dist/$name" | cut -f1)
packed=$(stat -c %s "$tarball")
echo "bundle:  dist/$name  $((unpacked / 1000000)) MB unpacked ($unpacked bytes)"
echo "tarball: $tarball  $((packed / 1000000)) MB ($packed bytes)"
