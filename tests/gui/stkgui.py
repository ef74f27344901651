# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the AT-SPI test scripts in this folder."""

import os
import socket
import time


def wait_for_display(timeout=15.0):
    """Waits until the X server named by $DISPLAY accepts connections.

    xvfb-run returns once Xvfb has signalled it is ready, but on a loaded machine a
    client started at once has been seen failing with "cannot open display"; a window
    that never appears would then be reported as a bug of the app. Returns False
    (and the caller fails) if the display never answers."""
    display = os.environ.get("DISPLAY", "")
    if not display.startswith(":"):
        return True  # not a local display number: nothing to probe
    number = display[1:].split(".")[0]
    path = "/tmp/.X11-unix/X" + number
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return True
        except OSError:
            time.sleep(0.1)
        finally:
            s.close()
    return False
