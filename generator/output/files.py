"""Files of a build: write a tree atomically, swap a folder into place, recover after a kill, lock.

Only these functions (and the write_* of the output stage that call them) touch the disk.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.buildcache import WriteRecord, WrittenFile
from generator.errors import JianbaoError, UsageError


def write_tree(root: Path, files: Mapping[str, str | bytes], record: WriteRecord | None = None) -> int:
    """Make root hold exactly these files; unchanged files are not rewritten. Returns how many were written.

    record (BuildCache.written) remembers what was written in this process: a file whose stat and bytes
    are the ones written is neither read nor checked again; a page given as the same object (from the
    page cache) is not even hashed.
    """
    record = record if record is not None else WriteRecord()
    written = 0
    root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    root_resolved = root.resolve()  # scale: once, not per file (thousands of pages)
    folders: dict[Path, Path] = {}  # scale: see _resolve: the same result as target.resolve(), faster
    for name, content in files.items():
        target = os.path.join(root, name) if _plain(name) else str(root / name)  # scale: pathlib only when it normalises
        wanted.add(target)
        known = record.files.get(target)
        if known is not None and known.content is content and _stat_unchanged(target, known):
            continue  # scale: no encoding, no hashing, no resolve
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha1(data).digest()
        if known is not None and known.size == len(data) and known.digest == digest and _stat_unchanged(target, known):
            known.content = content
            continue  # scale: no read, no resolve
        path = Path(target)
        resolved = _resolve(path, folders)  # scale
        if not resolved.is_relative_to(root_resolved) or resolved == root_resolved:
            raise JianbaoError(f"拒绝写入构建目录之外的路径：{name}")
        if not (path.is_file() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            written += 1
        stat = os.stat(target)
        record.files[target] = WrittenFile(stat.st_mtime_ns, stat.st_size, digest, content)
    key = str(root)
    if record.wanted.get(key) != wanted:  # scale: the same files as last time: nothing to remove
        _remove_unwanted(root, wanted)  # scale: os.walk, not rglob (thousands of folders)
        record.wanted[key] = frozenset(wanted)
    return written


def _plain(name: str) -> bool:
    """Whether os.path.join gives the same path as pathlib, which drops empty and "." parts."""
    return not (name.startswith(("/", "./")) or name.endswith(("/", "/.")) or "//" in name or "/./" in name or name in ("", "."))


def _stat_unchanged(target: str, known: WrittenFile) -> bool:
    try:
        stat = os.lstat(target)
    except OSError:
        return False
    return (stat.st_mtime_ns, stat.st_size) == (known.mtime_ns, known.size)


def _resolve(path: Path, folders: dict[Path, Path]) -> Path:
    """path.resolve(), resolving each folder once: a path that is not a link is its resolved folder / its name."""
    if path.name in ("", ".", "..") or path == path.parent or path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = _resolve(path.parent, folders)
    return folder / path.name


def _remove_unwanted(root: Path, wanted: set[str]) -> None:
    """Delete the files under root not in wanted, then the folders left empty (deepest first)."""
    for folder, subfolders, names in os.walk(root, topdown=False):
        for name in names:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.unlink(path)
        for name in subfolders:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write through a temporary file and a rename: a file is complete or absent, never half-written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(payload)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_cache_file(path: Path, data: bytes | str) -> bool:
    """write_atomic for a cache: a cache that cannot be written only costs time (False then)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        return False
    return True


def replace_dir(new: Path, target: Path) -> None:
    """Swap a complete new folder into place; the old one is removed only afterwards.

    Where the system can (Linux renameat2), the two folders are exchanged in one
    step, so target never disappears, not even for a moment; otherwise the old
    folder is moved aside first and a killed build leaves it for recover_site().
    """
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        remove_path(new)  # now the previous site
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    remove_path(old)
    if target.exists() or target.is_symlink():
        target.rename(old)
    new.rename(target)
    remove_quietly(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # e.g. a file system without exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


def recover_site(site_dir: Path) -> None:
    """Clean up after a build that was killed: put a moved-away site back, drop staging folders."""
    parent = site_dir.parent
    if not parent.is_dir():
        return
    prefixes = (f".{site_dir.name}.tmp-", f".{site_dir.name}.old-")
    stale = sorted((p for p in parent.iterdir() if p.name.startswith(prefixes) and not _running(p.name)), key=lambda p: p.name)
    moved = [p for p in stale if p.name.startswith(prefixes[1]) and p.is_dir()]
    if moved and not (site_dir.exists() or site_dir.is_symlink()):
        # Killed between the two renames of replace_dir: the previous site is complete.
        moved[-1].rename(site_dir)
        stale.remove(moved[-1])
    for path in stale:
        remove_path(path)


def _running(name: str) -> bool:
    """Whether the build that named a staging folder (….tmp-<pid>) is another process still running."""
    pid = name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """One build per project at a time: a second one fails at once (exit 2) instead of mixing files."""
    try:
        import fcntl
    except ImportError:  # not on Windows: no lock
        yield
        return
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / ".lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"另一个 jianbao 构建正在使用这个项目（{path}），请等它结束后再运行") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def remove_quietly(path: Path) -> None:
    """Clean-up that must not hide the error that led to it; recover_site() retries next time."""
    try:
        remove_path(path)
    except OSError:
        pass


def file_stamps(root: Path, names: tuple[str, ...]) -> dict[str, int]:
    """Modification time and size of every file under root/name (a folder or a file), for noticing changes.

    scale: os.scandir, not pathlib — 2,400 files in a few milliseconds (`jianbao serve`, `jianbao edit`).
    """
    stamps: dict[str, int] = {}
    pending = [str(root / name) for name in names]
    while pending:
        path = pending.pop()
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                pending.extend(entry.path for entry in os.scandir(path))
                continue
            stat = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        stamps[path] = stat.st_mtime_ns ^ (stat.st_size << 1)
    return stamps
