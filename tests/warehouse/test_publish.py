"""Publication on a small warehouse: a new build per run, swapped in whole; a build that fails at
the last moment leaves the previous one current and nothing behind."""

from __future__ import annotations

import os

import duckdb
import pytest

from tests.warehouse.helpers import HAINING_2020, JIAXING_OFFICE_2022, build, load_texts, warehouse
from xxgk.warehouse.dictionary import apply_comments
from xxgk.warehouse.publish import publish


def test_publish_swaps_whole_builds_and_a_failed_build_changes_nothing(tmp_path):
    con = warehouse(tmp_path)
    load_texts(con, {"2020.txt": HAINING_2020})
    build(con)
    apply_comments(con)
    published = tmp_path / "published" / "xxgk.duckdb"
    first = publish(con, tmp_path / "w.duckdb", published)
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.execute("SELECT count(*) FROM v_report").fetchall() == [(1,)]

    load_texts(con, {"2022.txt": JIAXING_OFFICE_2022})
    build(con)

    def fail(folder):
        assert (folder / "xxgk.duckdb").is_file() and (folder / "manifest.json").is_file()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish(con, tmp_path / "w.duckdb", published, before_swap=fail)
    assert os.path.realpath(published) == str((first.build / "xxgk.duckdb").resolve())
    assert sorted(p.name for p in (published.parent / "builds").iterdir()) == [first.build.name]

    second = publish(con, tmp_path / "w.duckdb", published)
    assert second.tables["report"] == 2
    assert os.path.realpath(published) == str((second.build / "xxgk.duckdb").resolve())
    # the reader still sees the build it opened; a new reader sees the new one
    assert reader.execute("SELECT count(*) FROM v_report").fetchall() == [(1,)]
    reader.close()
    fresh = duckdb.connect(str(published), read_only=True)
    assert fresh.execute("SELECT count(*) FROM v_report").fetchall() == [(2,)]
    assert fresh.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                         [str(published.parent / "parquet" / "report" / "**" / "*.parquet")]).fetchall() == [(2,)]
    fresh.close()


def test_unchanged_partitions_are_linked_not_written_and_the_views_file_opens_alone(tmp_path):
    con = warehouse(tmp_path)
    load_texts(con, {"2020.txt": HAINING_2020})
    build(con)
    published = tmp_path / "published" / "xxgk.duckdb"
    first = publish(con, tmp_path / "w.duckdb", published)
    again = publish(con, tmp_path / "w.duckdb", published)
    assert (again.written, again.reused) == (0, first.written + first.reused)

    load_texts(con, {"2022.txt": JIAXING_OFFICE_2022})
    build(con)
    third = publish(con, tmp_path / "w.duckdb", published)
    files = {p.relative_to(third.build): p for p in (third.build / "parquet").rglob("*.parquet")}
    fresh = {str(rel) for rel, p in files.items() if p.stat().st_nlink == 1}
    assert len(fresh) == third.written > 0
    # only 2022's partitions (and the 2023 one of mart_publication: the body's 2023 report is
    # missing) and tables without a year (dimensions, crawl and build state) are new
    assert {rel for rel in fresh if "year=" in rel and "year=2022" not in rel} == {
        "parquet/mart_publication/year=2023/data_0.parquet"}
    assert all(p.samefile(again.build / rel) for rel, p in files.items() if "year=2020" in str(rel))
    # the views file holds no data: it reads the build's Parquet, from any working directory
    assert (third.build / "xxgk.duckdb").stat().st_size < 2_000_000
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.execute("SELECT report_year, count(*) FROM v_report GROUP BY 1 ORDER BY 1").fetchall() == [
        (2020, 1), (2022, 1)]
    assert reader.execute("SELECT count(*) FROM v_cell").fetchall() == con.execute(
        "SELECT count(*) FROM v_cell").fetchall()
    reader.close()
