"""Install the Debian packages the tests need, when they are missing.

Run by ``make test`` (and so by CI). As root it uses apt-get directly; as
another user it uses sudo when there is one, else it says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# command on PATH (or an absolute file path) -> Debian package that provides it
NEEDED = {
    "chromium": "chromium",
    "pdftoppm": "poppler-utils",
    "soffice": "libreoffice-impress",
    "localc": "libreoffice-calc",  # the ingest tests convert returns to .ods/.xls
    # the governor PDF's Unicode font, and text in chart images and screenshots
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf": "fonts-dejavu-core",
}


def _present(need: str) -> bool:
    return os.path.exists(need) if need.startswith("/") else shutil.which(need) is not None


def missing() -> list[str]:
    return sorted({pkg for need, pkg in NEEDED.items() if not _present(need)})


def main() -> int:
    packages = missing()
    if not packages:
        return 0
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            print(f"Please install these Debian packages: {' '.join(packages)}", file=sys.stderr)
            return 1
        prefix = ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"Installing Debian packages: {' '.join(packages)}", flush=True)
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        check=True,
        env=env,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
