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

from kb.content.library import escapes
from kb.static_export.paths import MARKER


class ExportError(Exception):
    """A destination kb will not write to; the message says why."""


def _marker(data: bytes | str) -> dict | None:
    """A kb export's marker read from its text, or None when it is not kb's."""
    try:
        marker = json.loads(data)
    except ValueError:
        return None
    return marker if isinstance(marker, dict) and marker.get("kb") == "static export" else None


def _read_marker(path: Path) -> dict | None:
    """A kb export's marker, or None when the file is missing or not kb's."""
    try:
        return _marker(path.read_bytes())
    except OSError:
        return None


def _earlier_export(folder: Path) -> Callable[[str], bool]:
    """Whether a path in `folder` was written by the export already there: the files its
    marker lists or, from a kb too old to list them, files no newer than the marker (it
    is written last). Raises when the folder holds something other than an export."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder")
    if not folder.is_dir() or not any(folder.iterdir()):
        return lambda relative: False
    marker = _read_marker(folder / MARKER)
    if marker is None:
        raise ExportError(
            f"{folder} is not empty and holds no earlier kb export ({MARKER}); "
            "choose an empty or new folder"
        )
    files = marker.get("files")
    if isinstance(files, list):
        listed = {f for f in files if isinstance(f, str)} | {MARKER}
        return listed.__contains__
    written = (folder / MARKER).stat().st_mtime

    def older(relative: str) -> bool:
        return (folder / relative).lstat().st_mtime <= written

    return older


def _kept(folder: Path, ours: Callable[[str], bool], staging: Path) -> list[str]:
    """Paths in `folder` no earlier export wrote (a CNAME, a .git folder): they go into the
    new export, never away. One where the new export writes something is refused."""
    found: list[str] = []

    def visit(directory: Path) -> None:
        for entry in sorted(directory.iterdir()):
            relative = entry.relative_to(folder).as_posix()
            new = staging / relative
            if entry.is_dir() and not entry.is_symlink():
                if new.is_dir() and not new.is_symlink():
                    visit(entry)  # a folder both have: look inside
                elif os.path.lexists(new):
                    raise _collision(entry, relative)
                elif not any(
                    ours(f"{relative}/{p.relative_to(entry).as_posix()}") for p in entry.rglob("*")
                ):
                    found.append(relative)  # moved whole (a .git folder)
                else:
                    visit(entry)  # the earlier export's folder: keep what people added
            elif not ours(relative):
                if os.path.lexists(new):
                    raise _collision(entry, relative)
                found.append(relative)

    if folder.is_dir():
        visit(folder)
    return found


def _collision(entry: Path, relative: str) -> ExportError:
    return ExportError(
        f"{entry} is not from an earlier kb export, and the new export writes {relative}; "
        "move it away and export again"
    )


def write_folder(folder: Path, build: Callable[[Path], object]) -> object:
    """Run `build` into a new folder beside `folder`, then swap it in; returns its result.
    What an earlier export wrote is replaced; what people added moves into the new one
    before the swap (and back, should the swap fail)."""
    folder = folder.absolute()
    if folder.is_symlink():  # replace what the link points at, which is what is served
        folder = folder.resolve()
    ours = _earlier_export(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    moved: list[str] = []
    old: Path | None = None
    try:
        result = build(staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is for reading
        for relative in _kept(folder, ours, staging):
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / relative, staging / relative)
            moved.append(relative)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
    except BaseException:
        if old is not None and not folder.exists():
            os.replace(old / folder.name, folder)
        for relative in moved:
            os.replace(staging / relative, folder / relative)
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result


def check_zip_destination(zip_path: Path) -> None:
    """A zip is written only where nothing is, or over an earlier kb export's zip: one
    top folder holding kb's marker."""
    if zip_path.is_dir():
        raise ExportError(f"{zip_path} is a folder; name the zip file to write")
    if os.path.lexists(zip_path):
        try:
            with zipfile.ZipFile(zip_path) as archive:
                tops = {name.split("/", 1)[0] for name in archive.namelist()}
                marker = f"{next(iter(tops))}/{MARKER}" if len(tops) == 1 else ""
                ours = bool(marker) and marker in archive.namelist()
                ours = ours and _marker(archive.read(marker)) is not None
        except (OSError, ValueError, zipfile.BadZipFile, StopIteration):
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
        marker = _read_marker(folder / MARKER) or {}
        listed = marker.get("files")
        # only what the export wrote: never what people keep beside it (a .git folder)
        paths = (
            [folder / f for f in [*listed, MARKER] if isinstance(f, str)]
            if isinstance(listed, list)
            else folder.rglob("*")
        )
        inside = folder.resolve()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(paths):
                # a zip written into the folder it zips holds neither itself nor its draft
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and not escapes(path, inside)
                    and path.absolute() not in (zip_path, Path(partial))
                ):
                    archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        os.chmod(partial, mode)
        os.replace(partial, zip_path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
