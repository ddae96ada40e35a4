"""Returns uploaded through the dashboard, loaded in a child process with a memory cap.

The dashboard serves every officer from one process, so an upload must not
be able to take it down: :func:`ingest_uploads` writes the uploaded bytes to
a private folder and runs ``python -m ingest.upload`` on it, a child process
whose address space is capped (``RLIMIT_AS``, seed ``ingest_limits.csv``).
The child does what ``python -m ingest returns`` does — one write session,
the batch, the rebuild — and reports progress and its summary as JSON lines
on stdout. If the child runs out of memory or dies, nothing was changed
(the write session never swapped in) and the page gets a one-line reason.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.limits import limits, size_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent


CHILD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}


class UploadFailed(RuntimeError):
    """The upload could not be loaded at all; the message is one line and nothing changed."""


@dataclass
class UploadSummary:
    """What one upload did: counts, and per file its name, sha256, status and reason."""

    seen: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    warnings: int = 0
    errors: int = 0
    files: list[dict] = field(default_factory=list)
    build_note: str | None = None


def safe_upload_name(name: str) -> str:
    """The base name of an uploaded file, so a crafted name cannot choose where it is written."""
    base = Path(name.replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "upload.xlsx"


def ingest_uploads(
    files: Sequence[tuple[str, bytes]],
    db: str | os.PathLike[str],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    memory_bytes: int | None = None,
    timeout: float = 1800.0,
) -> UploadSummary:
    """Load uploaded return files (name, bytes) into ``db`` and rebuild, in a capped child.

    ``progress`` is called with (files done, files in all, file name) as the
    child reads. Raises :class:`UploadFailed` when the child could not load
    the batch (database busy, out of memory, killed): then nothing changed.
    """
    cap = memory_bytes or limits().max_upload_memory_bytes
    with tempfile.TemporaryDirectory(prefix="esafety-upload-") as tmp:
        paths = []
        for i, (name, data) in enumerate(files, start=1):
            # one folder per upload keeps each school's own file name for the messages
            folder = Path(tmp) / f"{i:04d}"
            folder.mkdir()
            target = folder / safe_upload_name(name)
            target.write_bytes(data)
            paths.append(str(target))
        command = [sys.executable, "-m", "ingest.upload", "--db", str(db)]
        command += ["--memory-bytes", str(cap), "--", *paths]
        return _run_child(command, cap, progress, timeout)


def _run_child(
    command: list[str],
    cap: int,
    progress: Callable[[int, int, str], None] | None,
    timeout: float,
) -> UploadSummary:
    # The cap counts address space, not memory used: keep allocators from reserving
    # space they never touch (per-thread BLAS buffers, malloc arenas, Arrow's jemalloc).
    env = {**os.environ, **CHILD_ENV}
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as child:
        summary: UploadSummary | None = None
        assert child.stdout is not None
        for line in child.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "progress" and progress is not None:
                progress(event["done"], event["total"], event.get("name", ""))
            elif event.get("event") == "summary":
                summary = UploadSummary(**event["summary"])
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise UploadFailed(
                "the upload took too long and was stopped; nothing was changed"
            ) from None
        stderr = (child.stderr.read() if child.stderr else "").strip()
    if child.returncode == 0 and summary is not None:
        return summary
    last = stderr.splitlines()[-1] if stderr else ""
    if child.returncode < 0 or any(
        w in stderr for w in ("MemoryError", "out of memory", "Memory allocation")
    ):
        raise UploadFailed(
            f"the upload was stopped: loading it needed more than the {size_text(cap)} of memory "
            "an upload may use; nothing was changed"
        )
    reason = last.removeprefix("error: ") or f"the loader stopped (exit {child.returncode})"
    raise UploadFailed(reason)


def _cap_memory(cap: int) -> None:
    # The address-space cap: allocations past it fail (MemoryError) instead of growing the box.
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """The child: cap memory, load the files in one write session, print JSON lines."""
    parser = argparse.ArgumentParser(prog="python -m ingest.upload")
    parser.add_argument("--db", required=True)
    parser.add_argument("--memory-bytes", type=int, required=True)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    from ingest.reader import die_with_parent

    die_with_parent()  # a dashboard that stops takes its uploads with it
    _cap_memory(args.memory_bytes)
    try:
        return _load(args.db, args.paths)
    except MemoryError:
        print("error: out of memory", file=sys.stderr)
        return 1
    except Exception as exc:  # one line for the page, never a traceback
        detail = " ".join(str(exc).split()) or type(exc).__name__
        print(f"error: {detail}; nothing was changed", file=sys.stderr)
        return 1


def _load(db: str, paths: list[str]) -> int:
    from ingest.batch import load_returns, rebuild_models
    from lakehouse.db import writing

    def report(done: int, total: int, name: str) -> None:
        _emit({"event": "progress", "done": done, "total": total, "name": name})

    with writing(db) as con:
        # DuckDB's own buffers get half the cap, so the build fits inside it by design
        con.execute(f"SET memory_limit = '{_memory_limit() // 2}B'")
        # one reader process, no pool: the cap then covers all the work
        summary = load_returns(con, paths, progress=report, workers=1)
        summary.build_note = rebuild_models(con, None, None)
    _emit(
        {
            "event": "summary",
            "summary": {
                "seen": summary.seen,
                "loaded": summary.loaded,
                "rejected": summary.rejected,
                "duplicates": summary.duplicates,
                "warnings": summary.warnings,
                "errors": summary.errors,
                "build_note": summary.build_note,
                "files": [
                    {
                        "file_name": o.file_name,
                        "sha256": o.sha256,
                        "status": o.status,
                        "reason": o.reason,
                        "urn": o.urn,
                        "round": o.round,
                    }
                    for o in summary.outcomes
                ],
            },
        }
    )
    return 0


def _memory_limit() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return soft if soft != resource.RLIM_INFINITY else 1 << 31


if __name__ == "__main__":
    sys.exit(main())
