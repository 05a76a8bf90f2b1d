"""Putting an export in place: a folder replaced whole or not at all, or one zip file.

An export is written beside its destination and moved in with renames, so a static host
serving the folder (or a person reading it) never sees half of one. A folder that holds
something other than an earlier export is never replaced: that could be anyone's files.
In one that does, only what the earlier export wrote (listed in its marker) is replaced;
what people added (a CNAME, a .git folder) moves into the new export.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from kb.static_export.paths import MARKER


class ExportError(Exception):
    """A destination kb will not write to; the message says why."""


def _check_destination(folder: Path) -> set[str] | None:
    """What an earlier export in `folder` wrote (None: an export too old to say), or an
    empty set for an empty or new folder; refused when the folder is anything else."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder")
    if not folder.is_dir() or not any(folder.iterdir()):
        return set()
    refusal = ExportError(
        f"{folder} is not empty and holds no earlier kb export ({MARKER}); "
        "choose an empty or new folder"
    )
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise refusal from None
    if not isinstance(marker, dict) or marker.get("kb") != "static export":
        raise refusal
    files = marker.get("files")
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else None


def _not_ours(folder: Path, own: set[str] | None, staging: Path) -> list[str]:
    """Paths in `folder` no earlier export wrote (a CNAME, a .git folder): they are moved
    into the new export, never deleted. One the new export also writes is refused."""
    own_dirs = {
        "/".join(parts[:i])
        for f in own or ()
        for parts in [f.split("/")]
        for i in range(1, len(parts))
    }
    found: list[str] = []

    def visit(directory: Path) -> None:
        for entry in sorted(directory.iterdir()):
            relative = entry.relative_to(folder).as_posix()
            written = (staging / relative).exists() or (staging / relative).is_symlink()
            if entry.is_dir() and not entry.is_symlink():
                if relative in own_dirs or written:
                    visit(entry)  # the earlier export's folder, or one the new one has
                else:
                    found.append(relative)  # moved whole (a .git folder)
                continue
            if relative == MARKER or (own is not None and relative in own):
                continue
            if own is None and written:
                continue  # an export from before kb listed its files: its own, replaced
            if written:
                raise ExportError(
                    f"{entry} is not from an earlier kb export, and the new export writes "
                    f"{relative}; move it away and export again"
                )
            found.append(relative)

    if folder.is_dir():
        visit(folder)
    return found


def write_folder(folder: Path, build: Callable[[Path], object]) -> object:
    """Run `build` into a new folder beside `folder`, then swap it in; returns its result.
    What an earlier export wrote is replaced; anything else in the folder is kept."""
    folder = folder.absolute()
    own = _check_destination(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        result = build(staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is for reading
        kept = _not_ours(folder, own, staging)
        old = None
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        try:
            for relative in kept:
                (folder / relative).parent.mkdir(parents=True, exist_ok=True)
                os.replace(old / folder.name / relative, folder / relative)
        except OSError as error:
            raise ExportError(
                f"the export is in place, but files that were not kb's are still in "
                f"{old / folder.name} ({error}); move them back by hand"
            ) from None
        shutil.rmtree(old, ignore_errors=True)
    return result


def check_zip_destination(zip_path: Path) -> None:
    """A zip is written only where nothing is, or over an earlier kb export's zip."""
    if zip_path.is_dir():
        raise ExportError(f"{zip_path} is a folder; name the zip file to write")
    if zip_path.exists() or zip_path.is_symlink():
        try:
            with zipfile.ZipFile(zip_path) as archive:
                ours = any(n.endswith(f"/{MARKER}") for n in archive.namelist())
        except (OSError, zipfile.BadZipFile):
            ours = False
        if not ours:
            raise ExportError(
                f"{zip_path} exists and is not a kb export's zip; choose another name"
            )


def zip_folder(folder: Path, zip_path: Path, top: str, mode: int = 0o644) -> None:
    """Zip `folder` as `top/…` (unzipping makes one folder, not a heap of files), written
    aside and renamed into place."""
    zip_path = zip_path.absolute()
    check_zip_destination(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                # a zip written into the folder it zips holds neither itself nor its draft
                if path.is_file() and path.absolute() not in (zip_path, Path(partial)):
                    archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        os.chmod(partial, mode)
        os.replace(partial, zip_path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
