"""The frozen programs' entry point (both InvestDesk and investdesk-cli): the same as `python -m desktop`,
whose main() makes the output UTF-8 whatever the code page. The console's own code page is left alone
(a cmd window shows Python's output correctly in any code page: Python writes to it in UTF-16)."""

import sys

if __name__ == "__main__":
    from desktop.__main__ import main

    sys.exit(main())
