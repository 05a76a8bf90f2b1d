"""Putting an export in place: a folder replaced whole or not at all, or one zip file.

An export is written beside its destination and moved in with renames, so a static host
serving the folder (or a person reading it) never sees half of one. A folder that holds
something other than an earlier export is never replaced: that could be anyone's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from kb.static_export.paths import MARKER


class ExportError(Exception):
    """A destination kb will not write to; the message says why."""


def _check_destination(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise ExportError(
            f"{folder} is not empty and holds no earlier kb export ({MARKER}); "
            "choose an empty or new folder"
        )


def write_folder(folder: Path, build: Callable[[Path], object]) -> object:
    """Run `build` into a new folder beside `folder`, then swap it in; returns its result."""
    folder = folder.absolute()
    _check_destination(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        result = build(staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is for reading
        old = None
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result


def zip_folder(folder: Path, zip_path: Path, top: str, mode: int = 0o644) -> None:
    """Zip `folder` as `top/…` (unzipping makes one folder, not a heap of files), written
    aside and renamed into place."""
    zip_path = zip_path.absolute()
    if zip_path.is_dir():
        raise ExportError(f"{zip_path} is a folder; name the zip file to write")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        os.chmod(partial, mode)
        os.replace(partial, zip_path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
