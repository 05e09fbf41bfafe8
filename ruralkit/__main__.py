"""``python -m ruralkit ...``: the ``ruralkit`` command without its script on PATH."""

import sys

from ruralkit.cli import main

sys.exit(main())
