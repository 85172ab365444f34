"""Runs unoserver under LibreOffice's own Python, and ends it with the process that started it.

Started by ``tasks.pdf.office`` as ``<LibreOffice's python> listener.py <site-packages> <unoserver
arguments…>``: this file must run on any Python 3 with the standard library alone (it cannot
import reportgen). A watchdog thread notices when the starting process is gone (this
process's parent changed) and kills LibreOffice with everything it started, then exits:
LibreOffice's launcher (oosplash) can outlive a SIGTERM and keep unoserver waiting for it for
ever, which would leave a LibreOffice behind every worker that died.
"""

import contextlib
import os
import signal
import sys
import threading
import time


def _descendants(pid):
    found, queue = [], [pid]
    while queue:
        parent = queue.pop(0)
        task_dir = f"/proc/{parent}/task"
        try:
            tasks = os.listdir(task_dir)
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"{task_dir}/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except (OSError, ValueError):
                continue
            found += kids
            queue += kids
    return found


def _watch(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    for pid in _descendants(os.getpid()):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(1)


def main():
    site = sys.argv.pop(1)
    sys.path.append(site)
    threading.Thread(target=_watch, args=(os.getppid(),), daemon=True).start()
    from unoserver.server import main as serve

    sys.exit(serve())


if __name__ == "__main__":
    main()
