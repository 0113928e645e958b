#!/usr/bin/env bash
# Install the Debian packages jianbao needs: Chromium (browser tests, search/charts checks),
# CJK fonts, pango (WeasyPrint PDF), poppler-utils (pdffonts/pdftotext in tests).
# FandolFang/FandolKai (仿宋/楷体) ship inside texlive-lang-chinese; rather than installing
# all of TeX Live we take that Debian package and install only its Fandol fonts.
# Run as root (CI, containers) or with sudo. Safe to run again.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

packages=(chromium fonts-noto-cjk poppler-utils fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

fonts_dir=/usr/local/share/fonts/fandol
if ! fc-list | grep -q "FandolFang"; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq texlive-lang-chinese)
  dpkg-deb -x "$work"/texlive-lang-chinese_*.deb "$work/x"
  $SUDO mkdir -p "$fonts_dir"
  $SUDO cp "$work"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Kai,Hei,Song}-*.otf "$fonts_dir"/
  $SUDO cp "$work"/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz "$fonts_dir"/ 2>/dev/null || true
  rm -rf "$work"
  $SUDO fc-cache -f "$fonts_dir" >/dev/null
fi
echo "system packages ready"
