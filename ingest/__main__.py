"""``python -m ingest``: see ``ingest.cli``."""

import sys

if __name__ == "__main__":
    # Imported here, not above: the reader pool's workers import this module again
    # (as __mp_main__), and need none of the command line's imports.
    from ingest.cli import main

    sys.exit(main())
