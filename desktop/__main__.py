"""`python -m desktop`: the window without a sub-command, headless work with one (see desktop.cli)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m desktop` and of the installed `investdesk`/`investdesk-cli` scripts."""
    from desktop.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
