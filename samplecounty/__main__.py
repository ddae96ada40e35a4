"""``python -m samplecounty --out DIR [--schools N] [--rounds K] [--seed S]``.

Writes a synthetic county (register CSV, district boundaries, K rounds of
returns with a few messy and bad files) for demos, tests and benchmarks.
Exit codes as the other commands: 0 written, 1 could not write, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (public so tests can show its help)."""
    parser = argparse.ArgumentParser(
        prog="python -m samplecounty",
        description="Write a synthetic county: register, boundaries and returns.",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--schools", type=_positive, default=600, help="default 600")
    parser.add_argument("--rounds", type=_positive, default=3, help="default 3")
    parser.add_argument("--seed", type=int, default=2026, help="same seed, same bytes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Write the county; returns the exit code."""
    args = build_parser().parse_args(argv)
    from samplecounty.generate import write_sample

    try:
        manifest = write_sample(args.out, schools=args.schools, rounds=args.rounds, seed=args.seed)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(manifest.message())
    return 0


if __name__ == "__main__":
    sys.exit(main())
