"""Lesson 04's exercise checks: the reference passes, plausible slips fail helpfully, copied numbers fail."""

import json
from pathlib import Path

import numpy as np

from exercises import lesson04
from exercises.solutions import lesson04 as solution

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "04_fixing_a_weak_slice.ipynb"


def test_reference_answers_pass():
    assert lesson04.check_group_dro_step(solution.group_dro_step)
    assert lesson04.check_balancing_weights(solution.balancing_weights)


def test_the_lessons_starting_points_fail():
    assert not lesson04.check_group_dro_step(lambda q, losses, step: q)
    assert not lesson04.check_balancing_weights(lambda groups: np.ones(len(groups)))


def _dro(fn):
    return str(lesson04.check_group_dro_step(fn))


def test_group_dro_slips_are_named():
    assert "sum to 1" in _dro(lambda q, losses, s: q * np.exp(s * losses))
    assert "*away*" in _dro(lambda q, losses, s: solution.group_dro_step(q, -np.asarray(losses), s))
    assert "step size is missing" in _dro(lambda q, losses, s: solution.group_dro_step(q, losses, 1.0))
    assert "additive step" in _dro(lambda q, losses, s: (q + s * losses) / (q + s * losses).sum())
    assert "old weights q are missing" in _dro(lambda q, losses, s: np.exp(s * losses) / np.exp(s * losses).sum())
    assert "expected 3 weights" in _dro(lambda q, losses, s: 0.5)
    assert "raised ZeroDivisionError" in _dro(lambda q, losses, s: 1 / 0)
    assert "expected a function" in _dro(0.5)


def _weights(fn):
    return str(lesson04.check_balancing_weights(fn))


def test_reweighting_slips_are_named():
    def unscaled(groups):
        _, index, counts = np.unique(groups, return_inverse=True, return_counts=True)
        return 1.0 / counts[index]

    def frequencies(groups):
        _, index, counts = np.unique(groups, return_inverse=True, return_counts=True)
        return counts[index] / len(groups)

    assert "scale them to mean 1" in _weights(unscaled)
    assert "*inverse*" in _weights(frequencies)
    assert "total weights differ" in _weights(lambda groups: np.ones(len(groups)))
    assert "one per row" in _weights(lambda groups: np.ones(3))


def _printed_numbers():
    """Every number the lesson's stored outputs show."""
    import re

    nb = json.loads(LESSON.read_text())
    text = " ".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                    for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    return [float(x) for x in re.findall(r"-?\d+\.\d+", text)]


def test_copying_the_lessons_printed_values_fails():
    # The lesson prints group weights and the final q; a function that returns them ignores its input.
    printed = _printed_numbers()
    assert printed, "the lesson's outputs are stored"
    q_final = np.array([0.36, 0.174, 0.263, 0.202])
    assert not lesson04.check_group_dro_step(lambda q, losses, s: q_final[: len(q)] / q_final[: len(q)].sum())
    weights = np.array([0.545, 11.905, 12.195, 0.501])
    assert not lesson04.check_balancing_weights(lambda groups: np.resize(weights, len(groups)))
    # and the checks' own inputs are not among the lesson's outputs
    q, losses, step = lesson04._cases()[0]
    assert not {round(v, 3) for v in q} & {round(v, 3) for v in printed}
