"""The modem's own flash and SD storage, kept in memory.

Both dialects move HTTP bodies through modem files (SIMCom AT+HTTPPOSTFILE / AT+HTTPREADFILE,
Quectel AT+QHTTPPOSTFILE / AT+QHTTPREADFILE), so tests need storage that fills up and refuses bad
names the way modules do. Directories are the drive names firmware prints:

- SIMCom SIM7600 numbers its drives in the HTTP file commands: 1 = `F:/` (/cache), 2 = `D:/` (SD
  card), 3 = `E:/` (/data/media), 4 = `/mssl_cert/` (certificates); the A76xx series adds `C:/`.
- Quectel EC2x names storage `UFS:` (user flash), `RAM:` and `SD:`, written as `UFS:file.txt`.
"""

from collections.abc import Iterable
from typing import Final

SIMCOM_PATH_NUMBERS: Final[dict[int, str]] = {1: "F:/", 2: "D:/", 3: "E:/", 4: "/mssl_cert/"}
DEFAULT_DIRECTORIES: Final[tuple[str, ...]] = (
    "C:/",
    "F:/",
    "D:/",
    "E:/",
    "/mssl_cert/",
    "UFS:",
    "RAM:",
    "SD:",
)
# A file name may not leave its directory or break an AT command line that quotes it.
_FORBIDDEN_CHARS: Final = frozenset('/\\:"')


class FileSystemError(Exception):
    """Base of every refusal by the modem file system."""


class InvalidFileName(FileSystemError):
    """The name has a path separator, `..`, a quote or a control character, or is too long."""


class UnknownDirectory(FileSystemError):
    """No such drive on this modem."""


class FileNotFound(FileSystemError):
    """No file of that name in that directory."""


class FileSystemFull(FileSystemError):
    """Writing would go past the configured capacity (nothing is written then)."""


class ModemFileSystem:
    """Named directories of named byte strings, with one capacity shared by all of them."""

    def __init__(
        self,
        directories: Iterable[str] = DEFAULT_DIRECTORIES,
        *,
        capacity: int = 4 * 1024 * 1024,
        max_name_length: int = 80,
    ) -> None:
        self.capacity = capacity
        self.max_name_length = max_name_length
        self._dirs: dict[str, dict[str, bytes]] = {name: {} for name in directories}
        self._lookup = {name.upper(): name for name in self._dirs}
        for number, name in SIMCOM_PATH_NUMBERS.items():
            if name in self._dirs:
                self._lookup[str(number)] = name

    def add_directory(self, name: str) -> None:
        """Add a drive (a module with its own folders, SIM7080's /customer/), if not there yet."""
        if name not in self._dirs:
            self._dirs[name] = {}
            self._lookup[name.upper()] = name

    @property
    def directories(self) -> list[str]:
        """The drive names, in configuration order."""
        return list(self._dirs)

    @property
    def used(self) -> int:
        """Bytes stored in all directories together."""
        return sum(len(data) for files in self._dirs.values() for data in files.values())

    @property
    def free(self) -> int:
        """Bytes that can still be written."""
        return max(0, self.capacity - self.used)

    def resolve(self, directory: str | int) -> str:
        """The canonical drive name for `directory`: a SIMCom path number, or a name in any case."""
        key = str(directory).strip().upper()
        if key in self._lookup:
            return self._lookup[key]
        # "F:" for "F:/", "UFS" for "UFS:": firmware accepts both spellings.
        for candidate in (key + "/", key + ":"):
            if candidate in self._lookup:
                return self._lookup[candidate]
        raise UnknownDirectory(f"no directory {directory!r}")

    def split_path(self, path: str) -> tuple[str, str]:
        """Cut `UFS:a.txt` or `F:/a.txt` into (directory, name); a bare name is on drive one."""
        for canonical in sorted(self._dirs, key=len, reverse=True):
            if path.upper().startswith(canonical.upper()):
                return canonical, path[len(canonical) :]
        if ":" not in path and "/" not in path:
            return next(iter(self._dirs)), path
        raise UnknownDirectory(f"no directory in {path!r}")

    def validate_name(self, name: str) -> None:
        """Refuse names empty, too long, with `..`, separators, quotes or control characters."""
        if not name or name in {".", ".."} or ".." in name:
            raise InvalidFileName(f"invalid file name {name!r}")
        if len(name) > self.max_name_length:
            raise InvalidFileName(f"file name longer than {self.max_name_length}: {name!r}")
        if any(ord(char) < 0x20 or ord(char) == 0x7F or char in _FORBIDDEN_CHARS for char in name):
            raise InvalidFileName(f"invalid character in file name {name!r}")

    def write(self, directory: str | int, name: str, data: bytes, *, append: bool = False) -> None:
        """Store `data` under `name` (replacing, or appending to, what was there)."""
        files = self._files(directory)
        self.validate_name(name)
        old = files.get(name, b"")
        new = old + data if append else data
        if self.used - len(old) + len(new) > self.capacity:
            raise FileSystemFull(f"no room for {len(new)} bytes ({self.free} free)")
        files[name] = bytes(new)

    def read(self, directory: str | int, name: str) -> bytes:
        """The content of a file."""
        files = self._files(directory)
        try:
            return files[name]
        except KeyError:
            raise FileNotFound(f"{self.resolve(directory)}{name} not found") from None

    def size(self, directory: str | int, name: str) -> int:
        """The size of a file in bytes."""
        return len(self.read(directory, name))

    def exists(self, directory: str | int, name: str) -> bool:
        """Whether the file is there (False for an unknown directory too)."""
        try:
            return name in self._files(directory)
        except UnknownDirectory:
            return False

    def delete(self, directory: str | int, name: str) -> None:
        """Remove a file."""
        files = self._files(directory)
        if name not in files:
            raise FileNotFound(f"{self.resolve(directory)}{name} not found")
        del files[name]

    def list(self, directory: str | int) -> list[str]:
        """The file names in a directory, sorted."""
        return sorted(self._files(directory))

    def clear(self) -> None:
        """Empty every directory."""
        for files in self._dirs.values():
            files.clear()

    def _files(self, directory: str | int) -> dict[str, bytes]:
        return self._dirs[self.resolve(directory)]
