"""`python -m turnstile`: the same as the `turnstile` command."""

import sys

from turnstile.cli import main

sys.exit(main())
