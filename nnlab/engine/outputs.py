"""What a classifier's output says: the predicted class of each sample and how sure the network is.

One rule for the whole lab — the trainer's accuracy, the test-set results, the decision boundary, the
pages that name "the model says …" — so they can never disagree.
"""
import numpy as np


def predict_classes(output):
    """Predicted class and confidence per sample.

    Parameters
    ----------
    output : (n_samples, n_outputs) network outputs (probabilities).

    Returns
    -------
    labels : (n_samples,) int64 — the largest output, or for a single (sigmoid) output class 1 when p > 0.5.
    confidence : (n_samples,) float64 — the largest probability, or max(p, 1 − p) for a single output.
    """
    out = np.asarray(output, dtype=np.float64)
    out = out.reshape(len(out), -1)
    if out.shape[1] == 1:
        p = out[:, 0]
        return (p > 0.5).astype(np.int64), np.maximum(p, 1 - p)
    return out.argmax(axis=1).astype(np.int64), out.max(axis=1)
