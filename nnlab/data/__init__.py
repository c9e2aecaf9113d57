"""Data for nnlab: plain NumPy arrays plus metadata; knows nothing about networks or Streamlit."""
from .dataset import Dataset, DataError

__all__ = ["Dataset", "DataError"]
