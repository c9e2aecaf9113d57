"""What a unit sees: activation maximisation for a chosen dense unit or convolution channel, the picture
improving step by step, beside the test samples the same unit responds to most."""
from nnlab.ui import explain, feature_vis, state

feature_vis.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)

layer, unit = feature_vis.choose_unit(net)
key = explain.fingerprint(net, data)
top = feature_vis.top_section(net, data, layer, unit, key)
feature_vis.ascent_section(net, data, layer, unit, key, top)
