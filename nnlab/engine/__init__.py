"""The NumPy engine: layers, activations, losses, initialisers, optimisers, trainer, traces.

Imports NumPy only — never Streamlit or Altair — so it can be used and tested on its own.
"""
from .activations import ACTIVATIONS
from .gradcheck import gradient_check
from .initializers import INITIALIZERS
from .layer_types import LAYER_TYPES
from .losses import LOSSES
from .network import Network, mlp_spec
from .optimizers import OPTIMIZERS, make_optimizer
from .schedules import SCHEDULES
from .serialize import ModelFileError, load_model, model_to_bytes, save_model
from .trainer import EpochRecord, ErrorRecord, StepRecord, encode_targets, evaluate, train

__all__ = ["ACTIVATIONS", "INITIALIZERS", "LAYER_TYPES", "LOSSES", "OPTIMIZERS", "SCHEDULES", "Network",
           "mlp_spec", "make_optimizer", "gradient_check", "train", "evaluate", "encode_targets",
           "StepRecord", "EpochRecord", "ErrorRecord", "save_model", "load_model", "model_to_bytes",
           "ModelFileError"]
