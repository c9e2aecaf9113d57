"""Widgets shared by several pages: the sidebar model builder, sample and digit pickers, array views, the
neuron editor, model save/load, cached chart building, the language switch."""
