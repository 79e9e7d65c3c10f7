"""`python -m desktop`: the window without a sub-command, headless work with one (see desktop.cli)."""

from __future__ import annotations

import sys


def _utf8_streams() -> None:
    """Output is UTF-8 whatever the locale or code page (scripts read it; a cp936 or C locale would
    fail on Chinese text or garble it). A Windows console window shows it either way: Python writes
    to a console in UTF-16."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if stream is not None and hasattr(stream, "reconfigure") and encoding != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m desktop` and of the installed `investdesk`/`investdesk-cli` scripts."""
    _utf8_streams()
    from desktop.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
