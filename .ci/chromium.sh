#!/usr/bin/env bash
# Installs Debian's Chromium for tests/html_browser.rs, which opens the `--format html` page of
# real datasets headless, checks its charts through the DOM against the JSON output and keeps
# a screenshot (target/tmp/html-browser/*.png). Only the distribution's package: no browser
# download by a test tool. Nothing to do when /usr/bin/chromium is there already.
# Measured on the 2-core CI machine: about 45 s to install, about 5 s for the test.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    /usr/bin/chromium --version
    exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
start=$SECONDS
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
echo "chromium installed in $((SECONDS - start)) s"
