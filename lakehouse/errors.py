"""The errors the build raises; each message is one line an officer can act on."""

from __future__ import annotations


class BuildError(RuntimeError):
    """The build could not run; the message is one line for the officer."""


class SeedError(BuildError):
    """A seed CSV is missing, malformed or inconsistent."""


class DataTestFailure(BuildError):
    """One or more data tests returned rows."""
