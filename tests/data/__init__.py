"""Tests of nnlab.data: loading, reading and preparing data."""
