"""Attributions: why did the model give this sample this class? Saliency, integrated gradients, Grad-CAM and
occlusion for a chosen sample and class, each beside the number that checks it."""
from nnlab.ui import attributions, explain, state

attributions.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)

x, cls, index = attributions.choose(data, net)
key = (explain.fingerprint(net, data), index, cls)
attributions.saliency_section(net, data, x, cls, key)
baseline_kind, baseline = attributions.baseline_choice(data)
attributions.ig_section(net, data, x, cls, key, baseline_kind, baseline)
attributions.gradcam_section(net, data, x, cls, key)
attributions.occlusion_section(net, data, x, cls, key, baseline_kind, baseline)
