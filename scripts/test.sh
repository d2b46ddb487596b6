#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite. Used by the README and by CI.
# Debian packages: chromium (browser tests, and the 通报 PDF is printed by it), a CJK font (Chinese must
# render in screenshots and bulletins), poppler-utils (pdftoppm / pdftotext read the bulletin PDF back),
# nginx-light (tests/test_proxy.py runs two dashboard processes behind deploy/nginx/zhzx-dashboard.conf).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

python -m pip install -q -r requirements-dev.txt
python -m pytest "$@"
