"""Snorkel's nested Trainer settings, mapped onto this package's flat ``TrainerConfig``.

Snorkel code such as ``Trainer(lr_scheduler_config={"warmup_steps": 2}, checkpointing=True)``
runs unchanged. Each nested value lands on the flat field of the same meaning; a value this
trainer cannot honour is a clear error, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Snorkel's top-level settings that hold a dict of further settings.
NESTED = (
    "optimizer_config",
    "lr_scheduler_config",
    "checkpointer_config",
    "log_manager_config",
    "log_writer_config",
    "model_config",
)


def _dict(name: str, value: Any) -> dict[str, Any]:
    if hasattr(value, "_asdict"):  # Snorkel's own config objects are named tuples
        value = value._asdict()
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict of settings, as in Snorkel; got {type(value).__name__}.")
    return dict(value)


def _take(name: str, settings: dict[str, Any], allowed: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        raise TypeError(
            f"{name} has unknown setting(s) {unknown}; Snorkel's {name} takes {sorted(allowed)}."
        )
    return {key: settings.get(key, default) for key, default in allowed.items()}


def _refuse(name: str, value: Any, default: Any, why: str) -> None:
    if value != default:
        raise ValueError(f"{name}={value!r} is not supported: {why}")


def flatten_snorkel_settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Map Snorkel's nested Trainer settings in ``kwargs`` onto flat ``TrainerConfig`` fields.

    Examples
    --------
    >>> flatten_snorkel_settings({"lr": 0.1, "optimizer_config": {"sgd_config": {"momentum": 0.5}}})
    {'lr': 0.1, 'momentum': 0.5}
    >>> flatten_snorkel_settings({"checkpointing": True})
    {'checkpoint_metric': 'model/all/train/loss:min'}
    """
    out = {k: v for k, v in kwargs.items() if k not in (*NESTED, "checkpointing", "logging", "log_writer")}
    if "log_writer" in kwargs and not kwargs.get("logging") and "log_dir" in kwargs:
        out["log_writer"] = kwargs["log_writer"]  # our own flat settings: log_dir plus log_writer
    if "optimizer_config" in kwargs:
        opt = _take("optimizer_config", _dict("optimizer_config", kwargs["optimizer_config"]),
                    {"sgd_config": {}, "adam_config": {}, "adamax_config": {}})
        sgd = _take("sgd_config", _dict("sgd_config", opt["sgd_config"]), {"momentum": None})
        if sgd["momentum"] is not None:
            out["momentum"] = sgd["momentum"]
        for key in ("adam_config", "adamax_config"):
            cfg = _take(key, _dict(key, opt[key]), {"betas": None, "amsgrad": False, "eps": 1e-8})
            _refuse(f"{key}.amsgrad", cfg["amsgrad"], False, "this trainer uses plain Adam.")
            _refuse(f"{key}.eps", cfg["eps"], 1e-8, "eps is left at torch's default, 1e-8.")
            if cfg["betas"] is not None:
                out["betas"] = tuple(cfg["betas"])
    if "lr_scheduler_config" in kwargs:
        lrs = _take("lr_scheduler_config", _dict("lr_scheduler_config", kwargs["lr_scheduler_config"]),
                    {"warmup_steps": None, "warmup_unit": None, "warmup_percentage": None,
                     "min_lr": None, "exponential_config": {}, "step_config": {}})
        for key in ("warmup_steps", "warmup_unit", "warmup_percentage", "min_lr"):
            if lrs[key] is not None:
                out[key] = lrs[key]
        if isinstance(out.get("warmup_steps"), float) and out["warmup_steps"].is_integer():
            out["warmup_steps"] = int(out["warmup_steps"])  # Snorkel types it as float
        exp = _take("exponential_config", _dict("exponential_config", lrs["exponential_config"]), {"gamma": None})
        step = _take("step_config", _dict("step_config", lrs["step_config"]), {"gamma": None, "step_size": None})
        # Only the chosen scheduler's own settings matter, as in Snorkel.
        scheduler = kwargs.get("lr_scheduler", "constant")
        if scheduler == "step" and step["step_size"] not in (None, 5):
            raise ValueError(
                "step_config.step_size counts batches in Snorkel, but this trainer's step_size "
                "counts epochs; pass step_size=<epochs between decays> instead."
            )
        gamma = step["gamma"] if scheduler == "step" else exp["gamma"]
        if gamma is not None:
            out["gamma"] = gamma
    if kwargs.get("checkpointing"):
        ckpt = _take("checkpointer_config", _dict("checkpointer_config", kwargs.get("checkpointer_config", {})),
                     {"checkpoint_dir": None, "checkpoint_factor": 1, "checkpoint_metric": "model/all/train/loss:min",
                      "checkpoint_task_metrics": None, "checkpoint_runway": 0, "checkpoint_clear": True})
        metric = ckpt["checkpoint_metric"]
        if isinstance(metric, Mapping) and len(metric) == 1:  # Snorkel also takes {"name": "max"}
            (name, mode), = metric.items()
            metric = f"{name}:{mode}"
        out["checkpoint_metric"] = metric
        _refuse("checkpointer_config.checkpoint_task_metrics", ckpt["checkpoint_task_metrics"], None,
                "only checkpoint_metric is tracked.")
        _refuse("checkpointer_config.checkpoint_runway", ckpt["checkpoint_runway"], 0,
                "every validation may checkpoint.")
        if ckpt["checkpoint_factor"] != 1:
            out["valid_every"] = out.get("valid_every", 1) * ckpt["checkpoint_factor"]
        if ckpt["checkpoint_dir"] is not None:
            out["checkpoint_dir"] = ckpt["checkpoint_dir"]
    if "log_manager_config" in kwargs:
        log = _take("log_manager_config", _dict("log_manager_config", kwargs["log_manager_config"]),
                    {"counter_unit": "epochs", "evaluation_freq": 1.0})
        _refuse("log_manager_config.counter_unit", log["counter_unit"], "epochs", "validation runs every valid_every epochs.")
        freq = log["evaluation_freq"]
        if not float(freq).is_integer() or freq < 1:
            raise ValueError(f"log_manager_config.evaluation_freq must be a whole number of epochs >= 1; got {freq!r}.")
        out["valid_every"] = int(freq) * out.get("valid_every", 1)
    if "model_config" in kwargs:
        # Accepted for Snorkel code; the model trains where its parameters are (the CPU here).
        _take("model_config", _dict("model_config", kwargs["model_config"]), {"device": 0, "dataparallel": True})
    if "log_writer" in kwargs and kwargs["log_writer"] not in ("tensorboard", "json"):
        raise ValueError(f"log_writer must be 'tensorboard' or 'json', as in Snorkel; got {kwargs['log_writer']!r}.")
    writer_config = _take("log_writer_config", _dict("log_writer_config", kwargs.get("log_writer_config", {})),
                          {"log_dir": "logs", "run_name": None})
    if kwargs.get("logging"):
        # Snorkel logs to log_dir/run_name (a timestamp when run_name is None); here to log_dir,
        # or log_dir/run_name when it is given.
        log_dir = writer_config["log_dir"]
        out["log_dir"] = log_dir if writer_config["run_name"] is None else f"{log_dir}/{writer_config['run_name']}"
        out["log_writer"] = kwargs.get("log_writer", "tensorboard")
    return out
