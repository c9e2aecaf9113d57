"""Reusable Streamlit widget groups and session-state helpers (the only nnlab package importing streamlit)."""
