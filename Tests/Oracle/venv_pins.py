"""Prints every pin (Tests/requirements.lock lines, then NAME==VERSION arguments) that the
running interpreter does not have at exactly that version; exit 0 either way.
Used by Tests/setup.sh: install when something is printed, fail when it still is."""
import importlib.metadata
import re
import sys


def pins(lock_path, extra):
    with open(lock_path, encoding="utf-8") as lock:
        lines = [line.strip() for line in lock]
    return [line for line in lines + extra if line and not line.startswith("#")]


def main():
    for pin in pins(sys.argv[1], sys.argv[2:]):
        name, _, want = pin.partition("==")
        try:
            have = importlib.metadata.version(re.sub(r"[-_.]+", "-", name))
        except importlib.metadata.PackageNotFoundError:
            have = "not installed"
        if have != want:
            print(f"{name}: want {want}, have {have}")


main()
