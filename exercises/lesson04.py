"""Checks for lesson 04's exercises (fixing a weak slice).

Each check calls the learner's function on inputs the lesson never printed (fresh random group
weights and losses, fresh group labels), compares it with the reference in
``exercises.solutions.lesson04``, and names the usual slip when an answer is off.

Examples
--------
>>> print(check_group_dro_step(lambda q, losses, step: q))
... # doctest: +NORMALIZE_WHITESPACE
[not yet] Exercise 4a: with 3 groups and step_size=0.01, group 0 gets 0.0725, expected 0.0737.
Your update returns q unchanged; multiply each weight by exp(step_size * its group's loss), then
divide by the sum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from exercises.feedback import Feedback
from exercises.solutions import lesson04 as solution

TOL = 1e-9


def _cases(seed: int = 2024) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Fresh inputs: 3 to 6 groups, uneven weights, losses from 0.05 to 2, several step sizes."""
    rng = np.random.default_rng(seed)
    cases = []
    for step in (0.01, 0.1, 0.5, 1.0):
        G = int(rng.integers(3, 7))
        q = rng.dirichlet(np.ones(G))
        cases.append((q, rng.uniform(0.05, 2.0, G), step))
    return cases


def _as_array(value: object, G: int) -> np.ndarray | str:
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return f"expected an array of {G} weights, got {type(value).__name__}."
    if arr.shape != (G,):
        return f"expected {G} weights, one per group, got shape {np.shape(value)}."
    return arr


def _dro_hint(got: np.ndarray, q: np.ndarray, losses: np.ndarray, step: float) -> str:
    def norm(v):
        return v / v.sum()

    if np.allclose(got, q):
        return "Your update returns q unchanged; multiply each weight by exp(step_size * its group's loss), then divide by the sum."
    if not np.isclose(got.sum(), 1.0):
        if np.allclose(norm(got), solution.group_dro_step(q, losses, step)):
            return f"The direction is right but the weights sum to {got.sum():.4f}; divide by their sum so they sum to 1."
        return f"The weights sum to {got.sum():.4f}, not 1: renormalise after the update."
    if np.allclose(got, norm(q * np.exp(-step * losses))):
        return "Your update moves weight *away* from the groups with high loss (exp(-step_size * loss)); Group DRO moves it towards them."
    if np.allclose(got, norm(q * np.exp(losses))):
        return "The step size is missing: use exp(step_size * loss), not exp(loss)."
    if np.allclose(got, norm(q + step * losses)):
        return "That is an additive step; Group DRO's is multiplicative: q_g * exp(step_size * loss_g)."
    if np.allclose(got, norm(np.exp(step * losses))):
        return "The old weights q are missing: the update multiplies q_g by exp(step_size * loss_g)."
    return "Compare with q_g * exp(step_size * loss_g) / sum_h q_h * exp(step_size * loss_h)."


def check_group_dro_step(step_fn: Callable) -> Feedback:
    """Exercise 4a: ``step_fn(q, group_losses, step_size)`` is Group DRO's weight update."""
    if not callable(step_fn):
        return Feedback("4a", False, f"expected a function of (q, group_losses, step_size), got {type(step_fn).__name__}.")
    cases = _cases()
    for q, losses, step in cases:
        try:
            got = step_fn(q.copy(), losses.copy(), step)
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("4a", False, f"with {len(q)} groups and step_size={step} your function raised "
                                         f"{type(err).__name__}: {err}")
        got = _as_array(got, len(q))
        if isinstance(got, str):
            return Feedback("4a", False, got)
        want = solution.group_dro_step(q, losses, step)
        if not np.allclose(got, want, atol=TOL, rtol=0):
            where = int(np.argmax(np.abs(got - want)))
            return Feedback("4a", False, f"with {len(q)} groups and step_size={step}, group {where} gets "
                                         f"{got[where]:.4f}, expected {want[where]:.4f}. "
                                         + _dro_hint(got, q, losses, step))
    q, losses, step = cases[-1]
    want = solution.group_dro_step(q, losses, step)
    return Feedback("4a", True, f"right on {len(cases)} fresh cases; e.g. with step_size={step} the group "
                                f"with the highest loss goes from weight {q[np.argmax(losses)]:.3f} to "
                                f"{want[np.argmax(losses)]:.3f}.")


def check_balancing_weights(weights_fn: Callable) -> Feedback:
    """Exercise 4b: ``weights_fn(groups)`` gives every group the same total weight, with mean 1."""
    if not callable(weights_fn):
        return Feedback("4b", False, f"expected a function of groups, got {type(weights_fn).__name__}.")
    rng = np.random.default_rng(7)
    for n, G in ((500, 3), (1234, 5)):
        groups = rng.choice([f"g{i}" for i in range(G)], size=n, p=rng.dirichlet(np.ones(G) * 0.7))
        try:
            got = weights_fn(groups.copy())
        except Exception as err:  # the learner's code: report any failure as feedback
            return Feedback("4b", False, f"on {n} rows in {G} groups your function raised {type(err).__name__}: {err}")
        got = _as_array(got, n)
        if isinstance(got, str):
            return Feedback("4b", False, got.replace("weights, one per group", "weights, one per row"))
        want = solution.balancing_weights(groups)
        if np.allclose(got, want, atol=TOL, rtol=0):
            continue
        totals = {g: got[groups == g].sum() for g in sorted(set(groups))}
        counts = {g: int((groups == g).sum()) for g in sorted(set(groups))}
        if np.allclose(got / got.mean(), want):
            hint = f"every group weighs the same, but the weights average {got.mean():.4g}; scale them to mean 1 (n / (G * n_g))."
        elif np.allclose(got, np.array([counts[g] for g in groups]) / n):
            hint = "these are the groups' frequencies; the weights are their *inverse*, so that small groups count more."
        elif len(set(np.round(list(totals.values()), 9))) > 1:
            small = min(counts, key=counts.get)
            hint = (f"the groups' total weights differ (e.g. group {small}, {counts[small]} rows, totals "
                    f"{totals[small]:.4g}); each group's rows should add up to n / G = {n / G:.4g}.")
        else:
            hint = "each row's weight should be n / (G * n_g), where n_g is the size of its group."
        return Feedback("4b", False, f"on {n} rows in {G} groups: {hint}")
    return Feedback("4b", True, "every group adds up to n / G and the weights average 1, on two fresh splits.")
