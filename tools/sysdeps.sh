#!/usr/bin/env bash
# System packages the test suite uses for real: a test never skips for lack of one.
# `make test` (target `sysdeps`) and .ci/run call this; it is the only list.
# `tools/sysdeps.sh bench` is the benchmarks' list instead (`make bench`): ripgrep, the
# ceiling piiscan's matching is compared with, and hyperfine, which times start-up.
#
# As root, missing packages are installed with apt-get. Otherwise the script stops with one
# line naming what to install. To add a package: one line in PACKAGES (or BENCH_PACKAGES).
set -euo pipefail

# "apt-package  shell test that succeeds when it is usable"
BENCH_PACKAGES=(
  "ripgrep    command -v rg"
  "hyperfine  command -v hyperfine"
)
PACKAGES=(
  "fontconfig            command -v fc-list"
  "fonts-ipafont-gothic  fc-list :lang=ja file | grep -qi 'ipag.*\.ttf'"  # test PDFs, OCR images
  "chromium              command -v chromium || command -v chromium-browser"  # HTML report
  "git                   command -v git"       # pre-commit hook, piiscan git, scan --staged
  "util-linux            command -v setpriv"   # tests that run piiscan as another user
  "samba                 test -x /usr/sbin/smbd"  # smbd on loopback for the smb:// tests
  "tesseract-ocr         command -v tesseract"    # the fallback OCR engine (--ocr)
  "tesseract-ocr-jpn     tesseract --list-langs 2>/dev/null | grep -qx jpn"
  "tesseract-ocr-jpn-vert  tesseract --list-langs 2>/dev/null | grep -qx jpn_vert"
)

case "${1:-}" in
  "") who="the tests" target=test ;;
  bench) who="the benchmarks" target=bench; PACKAGES=("${BENCH_PACKAGES[@]}") ;;
  *) echo "sysdeps: unknown list '$1': give no argument (the tests) or 'bench'" >&2; exit 2 ;;
esac

missing=()
for entry in "${PACKAGES[@]}"; do
  package=${entry%% *}
  check=${entry#"$package"}
  if ! bash -c "$check" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: $who need ${missing[*]}: install them (apt-get install ${missing[*]}), or run make $target as root" >&2
  exit 1
fi
echo "sysdeps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
