"""`python -m fer_study` is the `fer-study` command."""

import sys

from fer_study.cli import main

sys.exit(main())
