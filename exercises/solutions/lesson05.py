"""Reference answers to lesson 05's exercises. Try the exercise first!"""

import numpy as np
import torch


# 5a
def slice_labels(Y: np.ndarray, S: np.recarray, slice_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Indicator labels (1 in the slice, else 0) and predictor labels (Y in the slice, else -1)."""
    member = np.asarray(S[slice_name]) == 1  # S is aligned with Y by position
    return member.astype(np.int64), np.where(member, Y, -1)


# 5b
def attention_weights(out: dict, temperature: float = 1.0) -> torch.Tensor:
    """softmax over slices of P(in slice) * P(spam), from the indicator and predictor logits."""
    p_in = torch.softmax(out["ind"], dim=-1)[..., 1]  # (batch, slices)
    p_spam = torch.softmax(out["pred"], dim=-1)[..., 1]  # (batch, slices)
    return torch.softmax(p_in * p_spam / temperature, dim=1)  # each row sums to 1


def top_expert(weights: torch.Tensor, slice_names: list[str], row: int = 0) -> str:
    """The slice whose expert gets the largest weight for one data point."""
    return slice_names[int(weights[row].argmax())]


# 5c
def best_slice_epoch(log, slice_name: str, split: str = "valid") -> tuple[int, float]:
    """The first epoch with the slice's highest F1 in a training log indexed by epoch, and that F1."""
    column = next(c for c in log.columns if c.startswith(f"slice:{slice_name}/") and c.endswith(f"/{split}/f1"))
    best = log[column].idxmax()  # idxmax returns the first of tied maxima
    return int(best), float(log.loc[best, column])
