"""The training log on disk: one record per epoch, as JSON lines or TensorBoard event files.

Every figure of an epoch's history row (training loss, learning rate, every validation metric,
per-slice ones included) is written. JSON lines read back with
``pandas.read_json(path, lines=True)``; event files open in TensorBoard. The TensorBoard files
are written by torch's ``SummaryWriter``, which uses the ``tensorboard`` package's own format.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

LOG_WRITERS = ("json", "tensorboard")
JSON_NAME = "log.jsonl"


class TrainingLog:
    """Append one record per epoch to ``log_dir``, with the chosen writer.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     log = TrainingLog(folder, "json")
    ...     log.write({"epoch": 0, "model/all/train/loss": 0.5})
    ...     log.close()
    ...     pd.read_json(f"{folder}/log.jsonl", lines=True)["model/all/train/loss"].tolist()
    [0.5]
    """

    def __init__(self, log_dir: str | Path, writer: str = "json") -> None:
        self.log_dir = Path(log_dir)
        self.writer = writer
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(
                f"Cannot create the log folder {self.log_dir}: {exc.strerror or exc}. Choose a "
                "folder you can write to (log_dir=...)."
            ) from exc
        if writer == "tensorboard":
            from torch.utils.tensorboard import SummaryWriter  # only when asked for: slow import

            self._tb = SummaryWriter(log_dir=str(self.log_dir))
        else:
            self._file = open(self.log_dir / JSON_NAME, "a", encoding="utf-8")  # noqa: SIM115

    def write(self, row: dict[str, Any]) -> None:
        """Record one epoch's figures (a history row with an ``epoch`` key)."""
        if self.writer == "tensorboard":
            for key, value in row.items():
                if key != "epoch" and isinstance(value, int | float) and math.isfinite(value):
                    self._tb.add_scalar(key, value, global_step=row["epoch"])
            self._tb.flush()
        else:
            clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}
            self._file.write(json.dumps(clean) + "\n")
            self._file.flush()  # a crash loses at most the epoch in progress

    def close(self) -> None:
        """Flush and close the files."""
        if self.writer == "tensorboard":
            self._tb.close()
        else:
            self._file.close()
