"""Opening local files: special files, limits and reasons, on a real file system."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuinews.sources.local import PathError, SkipFile, check_paths, load_paths, read_file


def reasons(paths: list[str]) -> dict[str, str]:
    library = load_paths(paths)
    return {Path(item.path).name: item.reason for item in library.skipped}


def test_folder_is_read_recursively_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("# Second\n\nBody two.\n")
    (tmp_path / "one.md").write_text("# First\n\nBody one.\n")
    (tmp_path / ".hidden.md").write_text("# Hidden\n\nNo.\n")
    library = load_paths([str(tmp_path)])
    assert [a.title for a in library.articles] == ["First", "Second"]  # files, then folders
    assert library.skipped == []


def test_special_and_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A Good Headline Here\n\nSome text in a paragraph.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    big = tmp_path / "sparse.txt"
    with big.open("wb") as file:
        file.truncate(60 * 1024 * 1024)  # sparse: claims 60 MB
    library = load_paths([str(tmp_path)])
    assert [a.title for a in library.articles] == ["A Good Headline Here"]
    skipped = {Path(item.path).name: item.reason for item in library.skipped}
    assert skipped["empty.txt"] == "empty file"
    assert skipped["image.png"] == "binary file"
    assert skipped["pipe"] == "not a regular file"
    assert skipped["loop"] == "symlink loop"
    assert skipped["sparse.txt"] == "over 50 MB"


def test_devices_and_proc_files_never_block() -> None:
    with pytest.raises(SkipFile, match="not a regular file"):
        read_file("/dev/zero")
    data = read_file("/proc/self/status", limit=1 << 20)
    assert b"Name:" in data.data


def test_read_stops_past_the_limit_even_if_size_lies(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"a" * 2000)
    with pytest.raises(SkipFile, match="over"):
        read_file(str(path), limit=1000)


def test_check_paths(tmp_path: Path) -> None:
    with pytest.raises(PathError, match="no such file"):
        check_paths([str(tmp_path / "missing")])
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    check_paths([str(loop), str(tmp_path)])  # a loop is skipped later, not an error


def test_a_symlink_loop_given_directly_is_skipped(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    library = load_paths([str(loop)])
    assert library.articles == []
    assert [item.reason for item in library.skipped] == ["symlink loop"]


def test_welcome_library_is_shipped() -> None:
    from tuinews.sources.local import load_welcome

    library = load_welcome()
    titles = [a.title for a in library.articles]
    assert titles[0] == "Welcome to tuinews"
    assert len(titles) >= 3
    assert all(a.source == "tuinews" for a in library.articles)
