"""The progress log: short lines for the terminal during long steps (the CLI prints them)."""

import logging

progress = logging.getLogger("pmhub.progress")
