"""The modem file system: drives by SIMCom number or name, a shared capacity, and safe names."""

import pytest

from modem_emulator.filesystem import (
    FileNotFound,
    FileSystemFull,
    InvalidFileName,
    ModemFileSystem,
    UnknownDirectory,
)


def test_simcom_numbers_and_names_reach_the_same_drive() -> None:
    fs = ModemFileSystem()
    fs.write(1, "body.bin", b"abc")
    assert fs.read("F:/", "body.bin") == b"abc"
    assert fs.read("f:", "body.bin") == b"abc"
    assert fs.exists(1, "body.bin")
    assert fs.list("F:/") == ["body.bin"]
    assert fs.resolve(4) == "/mssl_cert/"
    assert fs.resolve("ufs") == "UFS:"


def test_quectel_paths_split_into_drive_and_name() -> None:
    fs = ModemFileSystem()
    assert fs.split_path("UFS:resp.txt") == ("UFS:", "resp.txt")
    assert fs.split_path("F:/a.txt") == ("F:/", "a.txt")
    with pytest.raises(UnknownDirectory):
        fs.split_path("Q:/a")


def test_write_append_delete() -> None:
    fs = ModemFileSystem()
    fs.write("UFS:", "a", b"12")
    fs.write("UFS:", "a", b"34", append=True)
    assert fs.size("UFS:", "a") == 4
    fs.delete("UFS:", "a")
    assert not fs.exists("UFS:", "a")
    with pytest.raises(FileNotFound):
        fs.read("UFS:", "a")
    with pytest.raises(FileNotFound):
        fs.delete("UFS:", "a")
    assert not fs.exists("nowhere", "a")


def test_capacity_is_shared_and_a_refused_write_changes_nothing() -> None:
    fs = ModemFileSystem(capacity=10)
    fs.write(1, "a", b"123456")
    with pytest.raises(FileSystemFull):
        fs.write(3, "b", b"12345")
    assert not fs.exists(3, "b")
    fs.write(1, "a", b"1234567890")  # replacing frees the old content first
    assert (fs.used, fs.free) == (10, 0)


@pytest.mark.parametrize(
    "name", ["", "..", "a/b", "a\\b", 'a"b', "a\rb", "x" * 81, "..hidden", "c:d"]
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidFileName):
        ModemFileSystem().write(1, name, b"")


def test_unknown_directory() -> None:
    with pytest.raises(UnknownDirectory):
        ModemFileSystem().write("Z:/", "a", b"")
