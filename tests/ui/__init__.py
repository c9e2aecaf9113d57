"""Tests of nnlab.ui widgets, run in Streamlit's AppTest."""
