"""snorkel_slice: slicing functions, per-slice monitoring and slice-based learning for the course."""
