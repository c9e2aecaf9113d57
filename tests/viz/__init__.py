"""Tests of nnlab.viz: charts and tables checked through their data and specs."""
