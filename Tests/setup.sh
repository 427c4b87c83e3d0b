#!/bin/sh
# Prepares a fresh Debian 12 machine to build and test candor. Idempotent: run it again at any
# time; it only installs what is missing and says what it did.
#
#   sudo Tests/setup.sh            (as root; from any directory)
#
# - apt: tshark (wireshark-common/install-setuid preseeded to false), can-utils,
#   libsocketcan-dev, zlib1g-dev, libdeflate-dev (the uplink's compression), libsqlite3-dev,
#   python3-venv, libmosquitto-dev, libssl-dev
#   (OpenSSL: TLS to the GB/T 32960 platform), mosquitto
#   (+ clients), nats-server (an MQTT 3.1.1-only broker) and openssl for the uplink tests, chromium for the report's browser test,
#   libfaketime, fuse3 and python3-fusepy for the fault-injection tests, time (GNU time: peak
#   RSS of a child, DBCMemoryTests), gpsd and gpsd-clients (gpsfake: the GB/T 32960 location
#   from a real gpsd, GBT32960GpsdTests); `apt-get update` runs once,
#   only when something is missing.
# - Python: a venv at <repo>/.venv (gitignored) with Tests/requirements.lock (cantools 45.1.0,
#   opendbc 0.3.1, python-can, prometheus_client and their dependencies, exact versions) and
#   pip_pins, the oracles of Tests/Oracle and Fixtures/tools; every version is checked, and a
#   venv that still differs after installing fails. Tests find it through CANDOR_VENV.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${CANDOR_VENV:-$repo/.venv}
packages="tshark can-utils time libsocketcan-dev zlib1g-dev libdeflate-dev libsqlite3-dev sqlite3 systemd python3-venv pkg-config libmosquitto-dev libssl-dev mosquitto mosquitto-clients nats-server openssl chromium victoria-metrics libfaketime fuse3 python3-fusepy gpsd gpsd-clients"
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

lock="$repo/Tests/requirements.lock"
unmet=$("$venv/bin/python" "$repo/Tests/Oracle/venv_pins.py" "$lock" $pip_pins)
if [ -n "$unmet" ]; then
    say "pip install -r Tests/requirements.lock $pip_pins into $venv"
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install -q -r "$lock" $pip_pins
    unmet=$("$venv/bin/python" "$repo/Tests/Oracle/venv_pins.py" "$lock" $pip_pins)
    if [ -n "$unmet" ]; then
        say "the venv differs from the pins:"; printf '%s\n' "$unmet"; exit 1
    fi
fi
say "venv $venv matches Tests/requirements.lock and $pip_pins"
"$venv/bin/python" -c 'import cantools, can, opendbc; print("setup: cantools", cantools.__version__, "python-can", can.__version__, "opendbc at", opendbc.__path__[0])'
"$venv/bin/python" -c 'import rtm_con; print("setup: rtm_con (GB/T 32960 oracle) imports")'
