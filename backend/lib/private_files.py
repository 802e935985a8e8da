"""The data directory is private: residents' id numbers, phones and photos live there.

New files are made private by the process's umask (``bianmin`` sets ``UMASK`` before
anything is created) and by the modes they are created with here; ``tighten`` mends
what an older version, or a copy made by hand, left readable by other users.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

#: Files 0600 and directories 0700, whoever creates them in this process.
UMASK = 0o077
#: Permission bits that give the group or others any access.
_SHARED = stat.S_IRWXG | stat.S_IRWXO


def create_private(path: Path) -> None:
    """An empty file at ``path`` (0600) unless one is there; its directory made (0700) if missing.

    SQLite gives a database's ``-wal`` and ``-shm`` files the mode of the database
    file, so creating that file private first makes all three private.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def tighten(root: Path) -> int:
    """Take group and other permissions off ``root`` and everything in it; how many were changed.

    Directories become 0700 and files 0600 (symbolic links are left alone, never
    followed). A missing ``root`` changes nothing.
    """
    if not root.is_dir():
        return 0
    changed = _tighten(root, 0o700)
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories:
            changed += _tighten(Path(directory, name), 0o700)
        for name in files:
            changed += _tighten(Path(directory, name), 0o600)
    return changed


def _tighten(path: Path, mode: int) -> int:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & _SHARED:
            return 0
        path.chmod(mode)
    except FileNotFoundError:  # another process's temporary file, gone meanwhile
        return 0
    return 1
