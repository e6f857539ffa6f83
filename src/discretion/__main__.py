"""``python -m discretion``: the same command line as ``discretion``."""

import sys

from discretion.cli import main

sys.exit(main())
