#!/usr/bin/env bash
# Installs the peer tools bench/run.mjs compares Tapwatch with, from Debian 12
# (bookworm) packages only. Run as root.
#
#   tshark        bookworm main
#   suricata      not in bookworm main: installed from Debian's own bookworm-backports
#                 suite, which this script adds to apt's sources if apt has no
#                 candidate for suricata
#                 (/etc/apt/sources.list.d/bookworm-backports.sources). Only suricata
#                 and what it depends on come from backports (-t bookworm-backports).
#   time          /usr/bin/time -v: peak RSS and CPU time
#   iproute2, ethtool   for the MTU-1500 capture of bench/make-capture.sh (network namespace)
#
# The packages' services (suricata) are never started: a policy-rc.d that forbids
# service starts is in place while apt runs (unless one exists already), and where
# systemd runs the suricata unit is stopped and disabled afterwards.
# The captures themselves (nginx, wrk, tcpdump) are installed by make-capture.sh.
#
# Usage: bench/install-peers.sh
# Env:   NO_UPDATE=1  skip the first `apt-get update`
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ]; then
    echo "run as root (apt-get)" >&2
    exit 1
fi

POLICY_RC=""
cleanup() { if [ -n "$POLICY_RC" ]; then rm -f "$POLICY_RC"; fi; }
trap cleanup EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC=/usr/sbin/policy-rc.d
fi

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
has_backports() { apt-cache policy 2>/dev/null | grep -q 'bookworm-backports'; }

[ "${NO_UPDATE:-0}" = 1 ] || apt-get update

# tshark asks whether non-root users may capture: no (we only read files)
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get install -y --no-install-recommends tshark time iproute2 ethtool

if ! command -v suricata >/dev/null; then
    c=$(candidate suricata)
    if { [ -z "$c" ] || [ "$c" = "(none)" ]; } && ! has_backports; then
        echo "== suricata is not in the configured suites: adding Debian's bookworm-backports"
        cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        apt-get update
    fi
    if has_backports; then
        apt-get install -y --no-install-recommends -t bookworm-backports suricata
    else
        apt-get install -y --no-install-recommends suricata
    fi
fi

if [ -d /run/systemd/system ]; then
    systemctl disable --now suricata.service 2>/dev/null || true
fi

for t in tshark suricata /usr/bin/time ip ethtool; do
    printf '%-14s %s\n' "$t" "$(command -v "$t" || echo MISSING)"
done
printf '%-14s %s\n' tshark-version "$(dpkg-query -W -f='${Version}' tshark 2>/dev/null || true)"
printf '%-14s %s\n' suricata-version "$(dpkg-query -W -f='${Version}' suricata 2>/dev/null || true)"
