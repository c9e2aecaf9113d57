"""nnlab: a neural-network lab whose every number comes from one transparent NumPy engine."""
