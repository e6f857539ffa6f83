"""The compiled-catalog cache trusts nothing it reads (issue 19).

A file planted in the cache folder never runs code and never changes a decision; an entry is
served only for the catalog content it was built from, including files under a linked
``benchmarks/`` folder; the ``sha256`` a decision names is the hash of the catalog files.
Every check goes through the command line, as an officer would meet it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from discretion.catalog import cache
from discretion.catalog.loader import catalog_files, content_hash
from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
CASE = ROOT / "examples" / "overdue-fine.yaml"  # LS-SRHJ-0001: a fine of 50–500 yuan


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A cache folder and a cache secret of this test's own (also for subprocesses)."""
    values = {"DISCRETION_CACHE_DIR": str(tmp_path / "cache"),
              "XDG_DATA_HOME": str(tmp_path / "data")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISCRETION_NO_CACHE", raising=False)
    # the package's own files are not under test here (others edit them while tests run)
    monkeypatch.setattr(cache, "_code_stamp", lambda: "this build")
    return values


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(MINI, folder)
    return folder


def entries(env: dict[str, str]) -> list[Path]:
    return sorted(Path(env["DISCRETION_CACHE_DIR"]).glob("catalog-*"))


def check(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, object]:
    code = main(["check", str(CASE), "--json", "--catalog", str(root)])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert isinstance(result, dict)
    return result


def uncached(capsys: pytest.CaptureFixture[str], root: Path,
             monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    with monkeypatch.context() as patch:
        patch.setenv("DISCRETION_NO_CACHE", "1")
        return check(capsys, root)


def files_sha256(root: Path) -> str:
    """The hash of the catalog files, computed from them now (never from a cache)."""
    return content_hash(root, catalog_files(root))


def statutory_max(decision: dict[str, object]) -> str:
    """The statutory maximum fine of the decision (yuan)."""
    (sanction,) = decision["statutory"]  # type: ignore[misc]
    return str(sanction["fine"]["max"])


class Payload:
    """A pickle that, when loaded, creates a marker file (as any code could run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def test_a_planted_pickle_never_runs_and_is_rebuilt(
        env: dict[str, str], root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = uncached(capsys, root, monkeypatch)
    check(capsys, root)  # writes the entry
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Payload(marker))
    planted = entries(env)
    assert planted
    for path in planted:  # every entry of the folder, whatever its format
        path.write_bytes(payload)
    assert check(capsys, root) == expected
    assert not marker.exists()
    assert all(path.read_bytes() != payload for path in entries(env))
    assert check(capsys, root) == expected  # and the rebuilt entry is served
    assert not marker.exists()


@pytest.mark.parametrize("forger", ["same code", "code as sha256", "code with another secret"])
def test_an_entry_edited_to_change_a_fine_is_not_served(
        forger: str, env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = uncached(capsys, root, monkeypatch)
    assert statutory_max(expected) == "500.00"
    check(capsys, root)
    (entry,) = entries(env)
    data = entry.read_bytes()
    assert data.count(b'"max":"500"') == 1
    edited = data.replace(b'"max":"500"', b'"max":"900"')
    start = len(cache.MAGIC)
    body = edited[start + 65:]
    if forger == "code as sha256":
        edited = edited[:start] + hashlib.sha256(body).hexdigest().encode() + edited[start + 64:]
    elif forger == "code with another secret":
        code = hmac.new(b"x" * cache.KEY_BYTES, body, hashlib.sha256).hexdigest().encode()
        edited = edited[:start] + code + edited[start + 64:]
    entry.write_bytes(edited)
    decision = check(capsys, root)
    assert decision == expected
    assert b'"max":"900"' not in entry.read_bytes()  # rebuilt from the files


def sign(entry: Path, data: bytes, secret: bytes) -> None:
    """Write ``data`` as an entry authenticated with ``secret`` (as only its holder could)."""
    start = len(cache.MAGIC)
    code = hmac.new(secret, data[start + 65:], hashlib.sha256).hexdigest().encode()
    entry.write_bytes(data[:start] + code + data[start + 64:])


def test_an_entry_written_with_another_secret_is_not_served(
        env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A DISCRETION_CACHE_DIR shared with another account, which wrote a fine of its own into
    an entry it signed: that entry is not served here, nor replaced."""
    expected = uncached(capsys, root, monkeypatch)
    check(capsys, root)
    (theirs,) = entries(env)
    their_secret = cache.key_file().read_bytes()
    sign(theirs, theirs.read_bytes().replace(b'"max":"500"', b'"max":"900"'), their_secret)
    planted = theirs.read_bytes()
    cache.key_file().write_bytes(os.urandom(cache.KEY_BYTES))  # this account's secret
    assert check(capsys, root) == expected
    assert theirs.read_bytes() == planted
    assert len(entries(env)) == 2  # this account's own entry beside theirs
    assert check(capsys, root) == expected


def test_even_an_authentic_entry_never_supplies_the_sha256(
        env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry re-signed with this account's own secret but recording other content is not
    served; the decision names the hash of the catalog files, cached or not."""
    expected = uncached(capsys, root, monkeypatch)
    assert isinstance(expected["catalog"], dict)
    assert expected["catalog"]["sha256"] == files_sha256(root)
    check(capsys, root)
    (entry,) = entries(env)
    data = entry.read_bytes()
    other = "0" * 64
    assert data.count(files_sha256(root).encode()) == 1  # the header's record of the content
    forged = data.replace(files_sha256(root).encode(), other.encode())
    sign(entry, forged, cache.key_file().read_bytes())
    decision = check(capsys, root)
    assert decision == expected
    assert isinstance(decision["catalog"], dict)
    assert decision["catalog"]["sha256"] == files_sha256(root)
    assert other.encode() not in entry.read_bytes()


def test_an_entry_of_another_catalog_is_not_served(
        env: dict[str, str], root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    shutil.copytree(MINI, other)
    bench = other / "benchmarks" / "SRHJ.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("max: 500", "max: 400", 1),
                     encoding="utf-8")
    check(capsys, other)
    (other_entry,) = entries(env)
    expected = uncached(capsys, root, monkeypatch)
    check(capsys, root)
    (mine,) = [e for e in entries(env) if e != other_entry]
    shutil.copyfile(other_entry, mine)  # an authentic entry, under this catalog's name
    assert check(capsys, root) == expected


def make_linked(root: Path, tmp_path: Path) -> Path:
    """``root/benchmarks`` as a link to a folder elsewhere; that folder."""
    shared = tmp_path / "shared-benchmarks"
    shutil.move(str(root / "benchmarks"), shared)
    (root / "benchmarks").symlink_to(shared, target_is_directory=True)
    return shared


def test_a_change_in_a_linked_benchmarks_folder_is_not_served_stale(
        env: dict[str, str], root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    shared = make_linked(root, tmp_path)
    assert statutory_max(check(capsys, root)) == "500.00"
    assert statutory_max(check(capsys, root)) == "500.00"  # from the cache
    bench = shared / "SRHJ.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("max: 500", "max: 400", 1),
                     encoding="utf-8")
    decision = check(capsys, root)
    assert statutory_max(decision) == "400.00"
    assert decision == uncached(capsys, root, monkeypatch)


def test_the_sha256_changes_with_a_linked_benchmarks_folder(
        env: dict[str, str], root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = make_linked(root, tmp_path)
    before = check(capsys, root)["catalog"]
    bench = shared / "SRHJ.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("max: 500", "max: 400", 1),
                     encoding="utf-8")
    after = check(capsys, root)["catalog"]
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["sha256"] != before["sha256"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("plant", ["named pipe", "link to /dev/zero"])
def test_a_pipe_or_device_planted_as_the_entry_does_not_stall_check(
        plant: str, env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = uncached(capsys, root, monkeypatch)

    def run() -> dict[str, object]:
        # in a process of its own: a check that blocked on the pipe would hang this test run
        done = subprocess.run([sys.executable, "-m", "discretion", "check", str(CASE), "--json",
                               "--catalog", str(root)], capture_output=True, text=True,
                              timeout=300, env={**os.environ, **env})
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert isinstance(result, dict)
        return result

    assert run() == expected  # writes the entry
    (entry,) = entries(env)
    entry.unlink()
    if plant == "named pipe":
        os.mkfifo(entry)
    else:
        entry.symlink_to("/dev/zero")
    assert run() == expected
    assert entry.is_file() and not entry.is_symlink()  # replaced by an entry


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_secret_others_may_read_is_not_used(
        env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    check(capsys, root)
    (entry,) = entries(env)
    entry.unlink()
    cache.key_file().chmod(0o644)
    expected = uncached(capsys, root, monkeypatch)
    assert check(capsys, root) == expected
    assert entries(env) == []  # nothing written, nothing read: the cache is off


def test_the_secret_is_kept_outside_the_cache_folder(
        env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(capsys, root)
    key = cache.key_file()
    assert key.is_file() and len(key.read_bytes()) == cache.KEY_BYTES
    assert Path(env["DISCRETION_CACHE_DIR"]) not in key.parents
    if os.name == "posix":
        assert key.stat().st_mode & 0o077 == 0


def test_an_authentic_entry_holding_an_invalid_item_is_an_error_then_rebuilt(
        env: dict[str, str], root: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Only someone holding this account's secret could write it: still no code runs, the
    command says what happened and the fix (exit 1, no traceback), and the entry is dropped."""
    expected = uncached(capsys, root, monkeypatch)
    check(capsys, root)
    (entry,) = entries(env)
    forged = entry.read_bytes().replace(b'"max":"500"', b'"max":"abc"')
    sign(entry, forged, cache.key_file().read_bytes())
    assert main(["check", str(CASE), "--json", "--catalog", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert str(entry) in err and "DISCRETION_NO_CACHE=1" in err and "缓存" in err
    assert not entry.exists()
    assert check(capsys, root) == expected
