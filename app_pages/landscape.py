"""Loss landscape: a filter-normalised 2-D slice of the loss around the current weights with the run's path on
it, and the loss on the straight line from the initial weights to now."""
from nnlab.ui import explain, landscape, state

landscape.intro()
cfg, data, net, hist = state.current_model()
explain.status(data, hist)

plane = landscape.choose_plane(hist)
result = None if plane is None else landscape.compute_section(net, data, hist, plane, explain.fingerprint(net, data))
if result is not None:
    surface, line = result
    landscape.surface_section(surface)
    landscape.line_section(line, hist)
    landscape.snapshot_note(surface, line)
