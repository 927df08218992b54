"""Benchmarks of the νEM Explorer: run each as ``python -m bench.<module>`` from the repository
root (see bench/README.md); results go to bench/results/."""
