"""The local-session helpers: a Dask cluster that cleans up after itself, and quiet logs."""

import glob
import os
import subprocess
import tempfile

from snorkel_slice.local import local_dask_cluster, logs_to_file


def test_the_dask_cluster_has_its_workers_and_leaves_no_scratch_folder():
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "snorkel-slice-dask-*")))
    with local_dask_cluster(n_workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert client.submit(sum, [1, 2]).result() == 3
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "snorkel-slice-dask-*"))) == before


def test_child_process_output_goes_to_the_log_and_the_terminal_comes_back(tmp_path, capfd):
    log = tmp_path / "spark.log"
    with logs_to_file(log):
        subprocess.run(["echo", "from a child"], check=True)
    subprocess.run(["echo", "after"], check=True)
    assert log.read_text() == "from a child\n"
    assert "after" in capfd.readouterr().out
