#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs it.
# System tools (Chromium for HTML/PDF, pdflatex and pdftotext for LaTeX, zsh and fish for shell completion)
# come from Debian's packages; Python packages go into a fresh virtual environment, .venv-test/.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(chromium texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-publishers
      texlive-fonts-recommended lmodern poppler-utils libimage-exiftool-perl zsh fish)
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  # Wait (up to 10 minutes) for another apt or dpkg, e.g. unattended upgrades on a fresh machine,
  # instead of failing at once on its lock; the package lists are refreshed before installing.
  apt=(apt-get -o DPkg::Lock::Timeout=600)
  $sudo "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive $sudo "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv-test
.venv-test/bin/python -m pip install -q --upgrade pip
.venv-test/bin/python -m pip install -q '.[test,dev]'

.venv-test/bin/ruff check .
.venv-test/bin/mypy
# Run from tests/ so that the installed package, not the source folder, is what gets imported.
cd tests && ../.venv-test/bin/pytest -p no:cacheprovider "$@"
