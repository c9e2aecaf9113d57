"""Streamlit: the sections of each page (one module per page, named after it), the shared widgets in widgets/,
and every session key in state.py. The only nnlab package importing streamlit."""
