"""The Kubernetes configuration in ``deploy/`` (issue 11) against the schemas of the Dagster and
dagster-k8s releases we pin, and against the code: one writer on the warehouse, the shared data
directory on every pod, every variable the code reads. No cluster here: what a cluster alone
can check (the chart's rendering, the volume's locking) is in docs/deployment.md."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster_k8s import K8sRunLauncher, k8s_job_executor

from pipelines.definitions import defs
from pipelines.jobs import deployment_executor

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
# Where the code reads deployment variables; XXGK_DASK_ADDRESS is the Dask deployment's only
CODE_READING_ENV = ["pipelines/resources.py", "pipelines/jobs.py", "xxgk/parse/pool.py"]


def _yaml(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")) if d]


def _configmap() -> dict[str, str]:
    return next(d for d in _yaml("xxgk.yaml") if d["kind"] == "ConfigMap")["data"]


def test_instance_config_is_valid_and_keeps_one_writer():
    config, _ = dagster_instance_config(str(K8S), "dagster.yaml")  # Dagster's own validation
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    checked = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert checked.success, checked.errors
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0  # a dead run's slot comes back


def test_every_pool_of_the_job_is_the_warehouse_pool():
    """The pool limit of 1 is a default for every pool: it keeps one writer only while every
    step that opens the DuckDB file is in the one pool ``duckdb`` (the parse shards in none)."""
    job = defs().resolve_job_def("nightly")
    pools = {op.name: op.pool for op in job.graph.iterate_op_defs()}
    assert set(pools.values()) == {"duckdb", None}
    assert {name for name, pool in pools.items() if pool is None} == {"parse_shard", "parse_summary"}


def test_helm_values_match_the_instance_config():
    values = _yaml("values.yaml")[0]
    assert values["concurrency"]["pools"]["defaultLimit"] == 1
    assert values["concurrency"]["runs"]["maxConcurrentRuns"] == 1
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    (code,) = values["dagster-user-deployments"]["deployments"]
    assert code["dagsterApiGrpcArgs"][:2] == ["--module-name", "pipelines.definitions"]
    assert code["includeConfigInLaunchedRuns"]["enabled"] is True
    instance = yaml.safe_load((K8S / "dagster.yaml").read_text(encoding="utf-8"))["run_launcher"]["config"]
    for pod in (launcher, code):
        assert pod["envConfigMaps"] == [{"name": "xxgk-env"}]
        assert pod["volumes"] == instance["volumes"]
        assert pod["volumeMounts"] == instance["volume_mounts"]
    assert instance["env_config_maps"] == ["xxgk-env"]


def test_shared_data_directory_is_read_write_many_and_mounted_where_the_variables_point():
    (pvc,) = [d for d in _yaml("xxgk.yaml") if d["kind"] == "PersistentVolumeClaim"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    launcher = yaml.safe_load((K8S / "dagster.yaml").read_text(encoding="utf-8"))["run_launcher"]["config"]
    (volume,) = launcher["volumes"]
    assert volume["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    (mount,) = launcher["volume_mounts"]
    env = _configmap()
    assert mount["name"] == volume["name"] and mount["mountPath"] == env["XXGK_DATA_DIR"]
    assert env["XXGK_WAREHOUSE"].startswith(env["XXGK_DATA_DIR"] + "/")
    assert env["XXGK_EXECUTOR"] == "k8s"


def test_configmap_sets_every_variable_the_code_reads():
    read = set()
    for f in CODE_READING_ENV:
        read |= set(re.findall(r'"(XXGK_[A-Z_]+)"', (ROOT / f).read_text(encoding="utf-8")))
    assert {"XXGK_DATA_DIR", "XXGK_EXECUTOR", "XXGK_PARSE_STEP_DOCUMENTS"} <= read  # the scan finds them
    assert read - {"XXGK_DASK_ADDRESS"} <= set(_configmap())


def test_run_config_fits_the_k8s_executor():
    run_config = yaml.safe_load((K8S / "run_config.yaml").read_text(encoding="utf-8"))
    checked = process_config(k8s_job_executor.config_schema.config_type, run_config["execution"]["config"])
    assert checked.success, checked.errors
    job = defs().resolve_job_def("nightly")
    shard_ops = {op.name for op in job.graph.iterate_op_defs()}
    assert set(run_config["execution"]["config"]["per_step_k8s_config"]) <= shard_ops


@pytest.mark.parametrize(("name", "executor"), [("", "in_process"), ("dask", "dask"), ("k8s", "k8s")])
def test_executor_is_the_deployments_choice(monkeypatch, name, executor):
    monkeypatch.setenv("XXGK_EXECUTOR", name)
    assert deployment_executor().name == executor
    assert defs().resolve_job_def("nightly").executor_def.name == executor


def test_unknown_executor_is_refused(monkeypatch):
    monkeypatch.setenv("XXGK_EXECUTOR", "celery")
    with pytest.raises(ValueError, match="in_process, dask, k8s"):
        deployment_executor()
    assert dg.in_process_executor.name == "in_process"
