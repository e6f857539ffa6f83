"""Loading limits (issue 19): what a catalog file may be, how much of it is read, the alias
bound that stops "billion laughs" but not a large honest file, and operating-system errors
(a full disk, a missing folder, no permission) reported as the user's to fix.

- a catalog file is a regular ``*.yaml`` file of at most ``MAX_BYTES``: a link to
  ``/dev/zero``, a named pipe or a folder named ``*.yaml`` is refused before it is read, and a
  ``.yml`` file is refused with its name (the loader reads ``.yaml`` only), whether or not the
  catalog is cached; :func:`discretion.catalog.loader.catalog_files` is the one list of them;
- the YAML bound counts the values aliases repeat, not the values a file writes out;
- every command reports an ``OSError`` as exit 1 naming the path, with a Chinese line.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import discretion.cli.catalog as cli_catalog
from discretion.catalog.catalog import Catalog
from discretion.catalog.loader import catalog_files, content_hash
from discretion.catalog.yamlpos import MAX_ALIAS_VALUES, MAX_BYTES, YamlError, read_file_bytes
from discretion.cli import main
from discretion.errors import CatalogError

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
BENCH = "benchmarks/SRHJ.yaml"


def copy_mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def no_bug_report(err: str) -> None:
    assert "internal error" not in err and "Traceback" not in err, err


# --------------------------------------------------------------------------- what is read


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    # without the fix the loader read /dev/zero until memory ran out: keep that bounded here
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                    reason="needs /dev/zero and named pipes")
def test_catalog_files_linked_to_dev_zero_or_a_pipe_are_refused_unread(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "benchmarks" / "ZERO.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "benchmarks" / "PIPE.yaml")  # nobody writes: opening it would block
    env = {**os.environ, "DISCRETION_NO_CACHE": "1"}
    # a guard only (a regression would block on the pipe): the run takes about a second
    result = subprocess.run([sys.executable, "-m", "discretion", "validate", str(root)],
                            capture_output=True, text=True, env=env, timeout=300,
                            preexec_fn=_limit_memory)
    assert result.returncode == 1, result.stderr
    no_bug_report(result.stderr)
    assert f"{root / 'benchmarks' / 'ZERO.yaml'}: a device, not a regular file" in result.stderr
    assert f"{root / 'benchmarks' / 'PIPE.yaml'}: a named pipe, not a regular file" in result.stderr
    assert "只能读取普通文件" in result.stderr


def test_a_folder_named_like_a_catalog_file_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "benchmarks" / "XX.yaml").mkdir()
    code, _, err = run(capsys, "validate", str(root))
    assert code == 1
    no_bug_report(err)
    assert f"{root / 'benchmarks' / 'XX.yaml'}: a folder, not a regular file" in err


def test_a_broken_link_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "benchmarks" / "GONE.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, _, err = run(capsys, "validate", str(root))
    assert code == 1
    assert f"{root / 'benchmarks' / 'GONE.yaml'}: cannot read" in err and "broken link" in err


def test_an_oversized_catalog_file_is_refused_unread(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    with (root / "benchmarks" / "BIG.yaml").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: takes no disk
    with pytest.raises(CatalogError) as info:
        Catalog.load(root, cache=False)
    assert [p.message for p in info.value.problems] == [
        f"file is {MAX_BYTES + 1} bytes, more than the {MAX_BYTES} allowed"]


def test_read_file_bytes_reads_at_most_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1234567\n")  # 11 bytes
    assert read_file_bytes(path, limit=11) == b"a: 1234567\n"
    with pytest.raises(YamlError) as info:
        read_file_bytes(path, limit=10, display="shown.yaml")
    assert info.value.problems[0].file == "shown.yaml"
    assert "more than the 10 allowed" in info.value.problems[0].message


# --------------------------------------------------------------------------- which files


def test_a_yml_file_is_refused_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / BENCH).rename(root / "benchmarks" / "SRHJ.yml")
    code, _, err = run(capsys, "validate", str(root))
    assert code == 1
    assert f"{root / 'benchmarks' / 'SRHJ.yml'}: 'SRHJ.yml': catalog files end in .yaml" in err
    assert "rename it to SRHJ.yaml" in err and "扩展名应为.yaml" in err


def test_a_yml_file_is_refused_even_when_the_catalog_is_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCRETION_NO_CACHE", raising=False)
    monkeypatch.setenv("DISCRETION_CACHE_DIR", str(tmp_path / "cache"))
    root = copy_mini(tmp_path)
    Catalog.load(root)  # cached now
    shutil.copy(root / BENCH, root / "benchmarks" / "MORE.yml")
    with pytest.raises(CatalogError) as info:
        Catalog.load(root)
    assert [p.file for p in info.value.problems] == [str(root / "benchmarks" / "MORE.yml")]


def test_catalog_files_is_what_the_loader_reads(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    files = [p.relative_to(root).as_posix() for p in catalog_files(root)]
    assert files == [BENCH, "fields.yaml", "lists/lighter/SRHJ.yaml", "manifest.yaml"]


def test_files_in_a_linked_folder_are_catalog_files_and_hashed(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    shared = tmp_path / "shared-benchmarks"
    (root / "benchmarks").rename(shared)
    (root / "benchmarks").symlink_to(shared, target_is_directory=True)
    (root / "notes").mkdir()
    (root / "notes" / "loop").symlink_to(root, target_is_directory=True)  # walked once
    assert root / BENCH in catalog_files(root)
    catalog = Catalog.load(root, cache=False)
    assert "LS-SRHJ-0001" in catalog.benchmarks
    before = content_hash(root, catalog_files(root))
    text = (shared / "SRHJ.yaml").read_text(encoding="utf-8")
    (shared / "SRHJ.yaml").write_text(text.replace("吊挂或者堆放物品3件以下", "吊挂或者堆放物品三件以下"),
                                      encoding="utf-8")
    assert content_hash(root, catalog_files(root)) != before


# --------------------------------------------------------------------------- aliases


_ITEM = """\
  - id: LS-SRHJ-{n:04d}
    title: 擅自在街道两侧和公共场地堆放物料，搭建建筑物、构筑物或者其他设施（第{n}种情形）
    power_code: "330217{n:06d}"
    violated:
      - {{law: 浙江省城市市容和环境卫生管理条例, article: 12, paragraph: 1}}
      - {{law: 浙江省城市市容和环境卫生管理条例, article: 12, paragraph: 2}}
      - {{law: 浙江省城市市容和环境卫生管理条例, article: 13, paragraph: 1}}
      - {{law: 浙江省城市市容和环境卫生管理条例, article: 13, paragraph: 2}}
    penalty: {{law: 浙江省城市市容和环境卫生管理条例, article: 12, paragraph: 3}}
    clause: 违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，对单位处五百元以上三千元以下罚款，对个人处二百元以上一千元以下罚款。
    subject: 单位或者个人
    statutory:
      correction: deadline
      applies_when: overdue
      sanctions:
        - {{kind: fine, party: organization, min: 500, max: 3000, text: 对单位处五百元以上三千元以下罚款}}
        - {{kind: fine, party: individual, min: 200, max: 1000, text: 对个人处二百元以上一千元以下罚款}}
    facts:
      - {{name: area_m2, type: number, label: 堆放物料或者搭建设施占用面积, unit: 平方米, required: false}}
      - {{name: days, type: integer, label: 堆放天数, unit: 天, required: false}}
      - {{name: sites, type: integer, label: 堆放地点个数, unit: 处, required: false}}
      - {{name: height_m, type: number, label: 堆放高度, unit: 米, required: false}}
      - {{name: vehicles, type: integer, label: 影响通行车辆数, unit: 辆, required: false}}
      - {{name: complaints, type: integer, label: 投诉次数, unit: 次, required: false}}
      - {{name: repeats, type: integer, label: 重复堆放次数, unit: 次, required: false}}
      - {{name: kinds, type: integer, label: 物料种类数, unit: 种, required: false}}
    tiers:
      - level: 轻微
        when: area_m2 < 10 and harm in ["none", "minor"]
        description: 占用面积不足10平方米，未造成危害后果或者危害后果轻微
        fine: {{band: lighter}}
      - level: 一般
        when: otherwise
        description: 除轻微、严重情形以外的
        fine: {{band: ordinary}}
      - level: 严重
        when: harm == "serious" or area_m2 >= 50
        description: 占用面积50平方米以上，或者严重影响通行、市容造成严重后果
        fine: {{band: heavier}}
    five_year_limitation: false
    provenance:
      file: 浙江地方性法规/浙江省城市市容和环境卫生管理条例(2021-09-30).md
      article: 12
      tiers: reference_default
      note: 参考编码
"""


def test_a_large_honest_catalog_file_loads(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """1,800 items written out, without an alias, are more values than the alias bound."""
    monkeypatch.setenv("DISCRETION_NO_CACHE", "1")
    root = copy_mini(tmp_path)
    text = "".join(_ITEM.format(n=n) for n in range(1000, 2800))
    with (root / BENCH).open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    # 117 values an item, 210,600 in the file: more than MAX_ALIAS_VALUES, which the loader
    # used to count as if every value were an alias expanding
    code, out, err = run(capsys, "validate", str(root))
    assert code == 0, err[:2000]
    assert "1802 benchmark items" in out


def test_billion_laughs_in_a_catalog_file_stops_at_its_place(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (root / "benchmarks" / "BOMB.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(root))
    assert code == 1
    bomb = root / "benchmarks" / "BOMB.yaml"
    assert f"{bomb}:" in err and f"aliases expand to more than {MAX_ALIAS_VALUES} values" in err
    assert "锚点和别名" in err


# --------------------------------------------------------------------------- OS errors


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_a_user_error_naming_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "coverage", str(MINI), "--out", "/dev/full")
    assert code == 1
    no_bug_report(err)
    assert "discretion: /dev/full: No space left on device [ENOSPC]" in err
    assert "/dev/full：磁盘空间不足" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_a_user_error() -> None:
    env = {**os.environ, "DISCRETION_NO_CACHE": "1"}
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "discretion", "list", "--catalog", str(MINI)],
                                stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                                timeout=300)
    assert result.returncode == 1, result.stderr
    assert "discretion: standard output: No space left on device [ENOSPC]" in result.stderr
    assert "标准输出：磁盘空间不足" in result.stderr
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_output_folder_is_a_user_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "no-such-folder" / "coverage.md"

    def writes_into_a_missing_folder(args: object) -> int:
        target.write_text("x", encoding="utf-8")  # the real FileNotFoundError
        return 0

    monkeypatch.setattr(cli_catalog, "cmd_coverage", writes_into_a_missing_folder)
    code, _, err = run(capsys, "coverage", str(MINI), "--out", str(target))
    assert code == 1
    no_bug_report(err)
    assert f"discretion: {target}: No such file or directory [ENOENT]" in err
    assert "create the folder first" in err and "文件或者文件夹不存在" in err


def test_no_permission_is_a_user_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # root may write anywhere, so the refusal a user would meet is raised as the OS raises it
    target = tmp_path / "locked" / "coverage.md"

    def refused(args: object) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    monkeypatch.setattr(cli_catalog, "cmd_coverage", refused)
    code, _, err = run(capsys, "coverage", str(MINI), "--out", str(target))
    assert code == 1
    assert f"discretion: {target}: Permission denied [EACCES]" in err
    assert "没有读写权限" in err


def test_a_write_error_without_a_path_names_the_output_options(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full_on_close(args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as close() raises it: no path

    monkeypatch.setattr(cli_catalog, "cmd_coverage", disk_full_on_close)
    code, _, err = run(capsys, "coverage", str(MINI), "--out", "report.md")
    assert code == 1
    assert "discretion: report.md: No space left on device [ENOSPC]" in err
