#!/bin/sh
# Prepares a fresh Debian 12 machine to build and test candor. Idempotent: run it again at any
# time; it only installs what is missing and says what it did.
#
#   sudo Tests/setup.sh            (as root; from any directory)
#
# - apt: tshark (wireshark-common/install-setuid preseeded to false), can-utils,
#   libsocketcan-dev, zlib1g-dev, libsqlite3-dev, python3-venv, libmosquitto-dev, mosquitto
#   (+ clients) and openssl for the uplink tests, chromium for the report's browser test; `apt-get update` runs once,
#   only when something is missing.
# - Python: a venv at <repo>/.venv (gitignored) with cantools 45.1.0 and opendbc 0.3.1, the
#   oracles of Tests/Oracle and Fixtures/tools. Tests find it through CANDOR_VENV (default .venv).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${CANDOR_VENV:-$repo/.venv}
packages="tshark can-utils libsocketcan-dev zlib1g-dev libsqlite3-dev sqlite3 systemd python3-venv pkg-config libmosquitto-dev mosquitto mosquitto-clients openssl chromium"
# rtm_con (GPL-2.0): the GB/T 32960 oracle, run as a separate process by the tests, never
# vendored; openpyxl because rtm_con 1.0.4 cannot be imported without it.
pip_pins="cantools==45.1.0 python-can==4.6.1 opendbc==0.3.1 prometheus-client==0.26.0 rtm_con==1.0.4 openpyxl==3.1.5"

say() { printf 'setup: %s\n' "$*"; }

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "missing apt packages:$missing (run this script as root to install them)"
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    say "apt-get update"
    apt-get update -q
    say "apt-get install$missing"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
else
    say "apt packages present: $packages"
fi

if [ ! -x "$venv/bin/python" ]; then
    say "creating venv $venv"
    python3 -m venv "$venv"
fi

need_pip=0
for pin in $pip_pins; do
    name=${pin%%==*}
    want=${pin##*==}
    have=$("$venv/bin/python" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')
    [ "$have" = "$want" ] || need_pip=1
done
if [ "$need_pip" -eq 1 ]; then
    say "pip install $pip_pins into $venv"
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install -q $pip_pins
else
    say "venv $venv has $pip_pins"
fi

"$venv/bin/python" -c 'import cantools, can, opendbc; print("setup: cantools", cantools.__version__, "python-can", can.__version__, "opendbc at", opendbc.__path__[0])'
"$venv/bin/python" -c 'import rtm_con; print("setup: rtm_con (GB/T 32960 oracle) imports")'
