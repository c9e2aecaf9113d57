"""Tests of nnlab.lab, the headless application layer."""
