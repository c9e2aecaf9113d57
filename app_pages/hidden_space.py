"""Hidden space: a layer's activations on test samples in 2-D (PCA always, t-SNE on request), coloured by
class with the sample on hover, at initialisation beside any epoch of the run."""
from nnlab.ui import explain, hidden_space, state

hidden_space.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)

layer, method, n, epoch = hidden_space.choose(net, hist, data)
hidden_space.pictures_section(net, data, hist, layer, method, n, epoch, explain.fingerprint(net, data))
