"""Local files the actions read and write: allow-list checks, executor I/O, atomic replacement.

post_file and install_ca read a file, download writes one, and the options form reads the
certificate files it names.

Everything here that touches the disk is blocking and runs in the executor; the event loop only
hands chunks over. Paths are resolved (symlinks and `..` included) before `is_allowed_path` sees
them, and the file that is then opened is that resolved path with O_NOFOLLOW, so a link swapped in
after the check cannot lead outside the allow-list either.

A download never exists half-written under its target name: the body goes to a hidden temporary
file in the target's own directory (same file system, so the final rename is atomic), is flushed
to disk, and only then renamed. A download cut and resumed keeps its bytes there meanwhile, and
cuts back what it cannot trust (`truncate`). Without `overwrite` the rename is a hard link,
which fails rather than replaces if a file of that name appeared in the meantime.
"""

import contextlib
import os
import secrets
import stat
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.util import raise_if_invalid_filename

from .errors import validation_error

_WRITE_CHUNK = 64 * 1024
_MAX_NAME_BYTES = 255 - len(".") - len(".01234567.part")
"""NAME_MAX less what the hidden temporary name adds around the target's name."""
_OPEN_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_TEMP = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _check_encodable(path: str) -> None:
    """A NUL or a lone surrogate (JSON can carry one) can be in no file name: refused unlooked."""
    try:
        encoded = os.fsencode(path)
    except UnicodeError as err:
        raise validation_error("invalid_file_name", path=path) from err
    if b"\x00" in encoded:
        raise validation_error("invalid_file_name", path=path)


def read_allowed_file(hass: HomeAssistant, path: str, max_size: int) -> bytes:
    """Read a local file the caller may send, refusing it whole if it is larger than max_size.

    Blocking: run in the executor. Relative paths are relative to the configuration directory.
    """
    _check_encodable(path)
    real = os.path.realpath(hass.config.path(path))
    if not hass.config.is_allowed_path(real):
        raise validation_error("path_not_allowed", path=path)
    try:
        fd = os.open(real, _OPEN_READ)
    except FileNotFoundError as err:
        raise validation_error("file_not_found", path=path) from err
    except OSError as err:
        raise validation_error("file_unreadable", path=path, error=err.strerror or err) from err
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_size:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise validation_error("not_a_file", path=path)
        raise validation_error("body_too_large", size=info.st_size, max=max_size)
    try:
        with os.fdopen(fd, "rb") as file:
            data = file.read(max_size + 1)
    except OSError as err:  # an I/O error on the medium, a file on a vanished network share
        raise validation_error("file_unreadable", path=path, error=err.strerror or err) from err
    if len(data) > max_size:  # it grew while we read it
        raise validation_error("body_too_large", size=len(data), max=max_size)
    return data


def prepare_download_target(hass: HomeAssistant, path: str, overwrite: bool) -> str:
    """The resolved file path a download may be written to, or a translated refusal.

    Blocking: run in the executor. `path` names the file (not a directory); its directory must
    exist and be allow-listed; relative paths are relative to the configuration directory.

    The allow-list is asked before anything else looks at the disk: a path outside it gets the
    same answer whether its folder exists or not, so the service cannot be used to map which
    folders (a `.ssh` in a home directory, say) exist. Only the file name is checked first, and
    that without touching the disk.
    """
    _check_encodable(path)
    full = Path(hass.config.path(path))
    name = full.name
    if not name.isprintable():
        # Legal on Linux, but a line break or an escape sequence in a name we create would
        # forge lines in every listing, log and script that later shows it.
        raise validation_error("invalid_file_name", path=path)
    if len(os.fsencode(name)) > _MAX_NAME_BYTES or name in ("", ".", ".."):
        raise validation_error("invalid_file_name", path=path)
    try:
        raise_if_invalid_filename(name)
    except ValueError as err:
        raise validation_error("invalid_file_name", path=path) from err
    target = Path(os.path.realpath(full.parent)) / name
    if not hass.config.is_allowed_path(str(target)):
        raise validation_error("path_not_allowed", path=path)
    if not target.parent.is_dir():
        raise validation_error("directory_not_found", path=path)
    if target.is_dir():
        raise validation_error("path_is_directory", path=path)
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise validation_error("file_exists", path=path)
    return str(target)


class TempFileSink:
    """Receives a download's body and turns it into the target file only when it is complete."""

    def __init__(self, hass: HomeAssistant, target: str) -> None:
        """Nothing is created until open()."""
        self._hass = hass
        self._target = target
        self._temp: str | None = None
        self._fd: int | None = None
        self._buffer = bytearray()
        self.size = 0

    @property
    def temp_path(self) -> str | None:
        """Where the partial body lives while the transfer runs."""
        return self._temp

    async def open(self) -> None:
        """Create the hidden temporary file beside the target."""
        self._temp, self._fd = await self._hass.async_add_executor_job(_create_temp, self._target)

    async def write(self, chunk: bytes) -> None:
        """The body_sink: buffer small pieces, hand 64 KiB at a time to the executor."""
        self._buffer += chunk
        self.size += len(chunk)
        if len(self._buffer) >= _WRITE_CHUNK:
            await self._flush()

    async def _flush(self) -> None:
        if self._buffer and self._fd is not None:
            data, self._buffer = bytes(self._buffer), bytearray()
            await self._hass.async_add_executor_job(_write_all, self._fd, data)

    async def truncate(self, size: int) -> None:
        """Keep the first `size` bytes; the next write follows them.

        A resumed download drops what it cannot trust (the tail of a cut read) or everything
        (the resource changed); whatever is still only buffered is cut here, the rest on disk.
        """
        if not 0 <= size <= self.size:
            raise ValueError(f"cannot keep {size} of {self.size} bytes")
        on_disk = self.size - len(self._buffer)
        if size >= on_disk:
            del self._buffer[size - on_disk :]
        else:
            self._buffer.clear()
            if self._fd is not None:
                await self._hass.async_add_executor_job(_truncate, self._fd, size)
        self.size = size

    async def commit(self, overwrite: bool) -> int:
        """Flush, sync and rename into place; returns the size written."""
        await self._flush()
        fd, temp = self._fd, self._temp
        if fd is None or temp is None:
            raise RuntimeError("commit() before open()")
        self._fd = None
        await self._hass.async_add_executor_job(_finish, fd, temp, self._target, overwrite)
        self._temp = None
        return self.size

    async def discard(self) -> None:
        """Remove the temporary file; safe to call in any state, also while being cancelled."""
        fd, temp = self._fd, self._temp
        self._fd = self._temp = None
        self._buffer.clear()
        if temp is None:
            return
        # The executor finishes the job even if this await is cancelled again.
        await self._hass.async_add_executor_job(_remove, fd, temp)


def _create_temp(target: str) -> tuple[str, int]:
    where = Path(target)
    for _ in range(10):
        temp = str(where.with_name(f".{where.name}.{secrets.token_hex(4)}.part"))
        try:
            return temp, os.open(temp, _OPEN_TEMP, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {target}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _truncate(fd: int, size: int) -> None:
    os.ftruncate(fd, size)
    os.lseek(fd, size, os.SEEK_SET)


def _finish(fd: int, temp: str, target: str, overwrite: bool) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if overwrite:
            Path(temp).replace(target)
            return
        try:
            os.link(temp, target)
        except FileExistsError as err:
            raise validation_error("file_exists", path=target) from err
        except OSError:
            # File systems without hard links (FAT on an SD card): check, then rename.
            if os.path.lexists(target):
                raise validation_error("file_exists", path=target) from None
            Path(temp).replace(target)
            return
        Path(temp).unlink()
    except BaseException:
        _remove(None, temp)
        raise


def _remove(fd: int | None, temp: str) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        Path(temp).unlink()
