"""`python -m fer_study` is the `fer-study` command."""

import sys

from .cli import main

sys.exit(main())
