"""Git hash and tags of the code being run, looked up once per process and directory."""

from __future__ import annotations

import functools
import os
import subprocess


@functools.cache
def _git(cwd: str, *args: str) -> str | None:
    """Output of one git command, or None outside a repository or without git."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def get_git_hash() -> str | None:
    """The commit checked out in the repository containing the working directory."""
    return _git(os.getcwd(), "rev-parse", "HEAD") or None


def get_git_tags() -> list[str]:
    """Tags pointing at that commit (empty outside a repository)."""
    out = _git(os.getcwd(), "tag", "--points-at", "HEAD")
    return sorted(out.split()) if out else []
