"""Reference answers to lesson 04's exercises. Try the exercise first!"""

import numpy as np


# 4a
def group_dro_step(q, group_losses, step_size):
    """Group DRO's weight update: q_g * exp(step_size * loss_g), renormalised to sum to 1."""
    q = np.asarray(q, dtype=float) * np.exp(step_size * np.asarray(group_losses, dtype=float))
    return q / q.sum()


# 4b
def balancing_weights(groups):
    """Per-row weights n / (G * n_g) for group ids (one per row): every group weighs the same, mean 1."""
    groups = np.asarray(groups)
    names, index, counts = np.unique(groups, return_inverse=True, return_counts=True)
    return len(groups) / (len(names) * counts[index])
