"""Tests of nnlab.engine, the NumPy network."""
