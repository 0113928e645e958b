#!/usr/bin/env bash
# What the tests need beyond scripts/install-system-deps.sh: LibreOffice Writer, which converts the
# Word file of an issue to check that it opens and reads as the issue (tests/test_docx.py), and
# Node.js with npm (axe-core for the accessibility tests, node for the search client's unit tests).
# The build itself needs neither. Run as root (CI) or with sudo. Safe to run again.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "test packages ready"
