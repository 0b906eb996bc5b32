#!/usr/bin/env bash
# Debian packages the project needs: a CJK font and HarfBuzz subsetting for PDFs (WeasyPrint),
# a TrueType CJK font ReportLab can embed (the long registers), gettext for translations,
# Chromium for the browser tests, poppler-utils (pdftoppm) for the printed pages in tests, zbar-tools to read printed QR codes back, nats-server for the nodes' exchange (issue 16). Installs what is missing (as root,
# or with sudo); says clearly what is missing when it cannot.
set -u
need=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need+=(fonts-wqy-zenhei)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # the desk's PDF tests render pages to images
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)  # tests read the QR codes printed on permits back
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)  # issue 16: the federation tests start their own servers
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; }; then
  echo "ERROR: could not install ${need[*]}: install them with apt-get and run again." >&2
  exit 1
fi
