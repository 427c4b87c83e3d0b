#!/usr/bin/env python3
"""Writes sample-python-can.asc from sample.log with python-can's own reader and writer.

python-can 4.6.1 cannot read the raw-DLC suffix (`_9`, `_C`), so those lines are left out.

    /tmp/venv/bin/python make_python_can_asc.py sample.log sample-python-can.asc
"""
import sys
import tempfile

import can

with open(sys.argv[1]) as log, tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as kept:
    kept.writelines(line for line in log if "_" not in line)

with can.ASCWriter(sys.argv[2]) as writer:
    for message in can.CanutilsLogReader(kept.name):
        writer.on_message_received(message)
