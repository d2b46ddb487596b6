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

# Two runs, one exit status. First everything but the wall's soak on both cores (pytest-xdist; the
# tests that start dashboard servers share one worker, see tests/conftest.py). Then the soak alone: it
# counts the wall's refreshes against the clock, so it gets the machine to itself. A run whose
# selection holds none of its tests (e.g. `bash scripts/test.sh tests/test_kpis.py` for the soak run)
# ends with pytest's status 5, "no tests collected": a failure only when both runs collect nothing.
parallel_status=0
python -m pytest -n 2 --dist loadgroup -m "not soak" "$@" || parallel_status=$?
soak_status=0
python -m pytest -m soak "$@" || soak_status=$?
for status in "$parallel_status" "$soak_status"; do
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi
done
if [ "$parallel_status" -eq 5 ] && [ "$soak_status" -eq 5 ]; then exit 5; fi
exit 0
