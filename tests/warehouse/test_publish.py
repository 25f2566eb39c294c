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
    assert second.tables["v_report"] == 2
    assert os.path.realpath(published) == str((second.build / "xxgk.duckdb").resolve())
    # the reader still sees the build it opened; a new reader sees the new one
    assert reader.execute("SELECT count(*) FROM v_report").fetchall() == [(1,)]
    reader.close()
    fresh = duckdb.connect(str(published), read_only=True)
    assert fresh.execute("SELECT count(*) FROM v_report").fetchall() == [(2,)]
    assert fresh.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                         [str(published.parent / "parquet" / "v_report" / "**" / "*.parquet")]).fetchall() == [(2,)]
    fresh.close()
