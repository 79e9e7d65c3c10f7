"""Run a command in a child process and measure its wall time and peak memory.

    from memory import run_measured
    result = run_measured([sys.executable, "bench/export.py", "--rows", "2000"])
    result.peak_mb, result.seconds, result.stdout

The peak is the child's maximum resident set size as the kernel reports it to the parent when the
child is reaped (os.wait4 → ru_maxrss, in KiB on Linux): the larger of the child's own peak and
that of any process the child itself started and waited for. So for a benchmark that starts more
children (bench/startup.py) it is the peak of the biggest single process, not a sum.

    python bench/memory.py COMMAND [ARG ...]     prints the child's output, then its time and peak
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass


@dataclass
class Measured:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool = False


def _maxrss_mb(usage) -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_measured(argv: list[str], *, env: dict | None = None, cwd: str | None = None,
                 timeout: float | None = None) -> Measured:
    """Run argv to its end (killed after `timeout` seconds) and return its output, time and peak."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            child.kill()
        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _pid, status, usage = os.wait4(child.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Measured(argv=list(argv), returncode=child.returncode,
                        stdout=out.read().decode("utf-8", errors="replace"),
                        stderr=err.read().decode("utf-8", errors="replace"),
                        seconds=seconds, peak_mb=_maxrss_mb(usage), timed_out=expired.is_set())


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    result = run_measured(argv)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    print(f"exit {result.returncode}, {result.seconds:.2f} s, peak {result.peak_mb:.0f} MB")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
