"""The frozen programs' entry point (both InvestDesk and investdesk-cli): the same as `python -m desktop`."""

import sys


def _utf8_console() -> None:
    """investdesk-cli prints UTF-8 whatever the console's code page (scripts read its output)."""
    if sys.platform == "win32" and sys.stdout is not None:
        import ctypes

        ctypes.windll.kernel32.SetConsoleOutputCP(65001)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    _utf8_console()
    from desktop.__main__ import main

    sys.exit(main())
