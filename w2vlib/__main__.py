"""``python -m w2vlib train|eval ...``: see :mod:`w2vlib.cli`."""
import sys

from .cli import main

sys.exit(main())
