"""The Data page's image section: padding to a larger canvas, and on-the-fly augmentation (rotation,
shift, flip, noise) with a preview of originals next to augmented copies.

The Training page reads ``state.AUGMENT``: an ``AugmentConfig`` while augmentation is switched on, else
``None``. The sliders' last values live under ``state.AUGMENT_SETTINGS`` so they survive a visit to
another page.
"""
from dataclasses import replace

import numpy as np
import streamlit as st

from ..data.augment import FLIP_NOTE, AugmentConfig, pad, preview_grid
from ..data.builtin import shown_description
from ..i18n import _
from ..viz.images import image_grid
from . import workers
from .data import add_user_dataset
from .state import AUGMENT, PREVIEW_SEED
from .state import AUGMENT_SETTINGS as SETTINGS
from .widgets.charts import show_chart

N_PREVIEW = 8
MAX_PAD = 8


def padded_dataset(dataset, pixels, name):
    """A copy of an image dataset with every image centred on a canvas ``pixels`` wider on each side."""
    shape = dataset.image_shape
    arrays = {k: pad(getattr(dataset, k), shape, pixels)[0] for k in ("x_train", "x_val", "x_test")
              if getattr(dataset, k) is not None}
    h, w = shape[0] + 2 * pixels, shape[1] + 2 * pixels
    return replace(dataset, name=name, **arrays, image_shape=(h, w),
                   feature_names=tuple(f"px{r}_{c}" for r in range(h) for c in range(w)),
                   description=_("{description}, padded to {h}×{w}", h=h, w=w,
                                 description=shown_description(dataset.name, dataset.description)),
                   notes=tuple(dataset.notes) + (_("padded by {n} px of black on every side: {h}×{w}", n=pixels, h=h,
                                                   w=w),))


def _use_padded(dataset, pixels):
    h, w = dataset.image_shape
    name = _("{name} padded {h}×{w}", name=dataset.name, h=h + 2 * pixels, w=w + 2 * pixels)
    add_user_dataset(name, padded_dataset(dataset, pixels, name))


def preview_chart(x, y, shape, config, class_names, seed):
    """``N_PREVIEW`` seeded samples of (x, y), each original next to its augmented copy."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(x), min(N_PREVIEW, len(x)), replace=False))
    originals, augmented = preview_grid(x[rows], shape, config, n=len(rows), seed=seed)
    pairs = np.stack([originals, augmented], axis=1).reshape(-1, *shape)
    captions = []
    for label in y[rows]:
        name = class_names[int(label)] if class_names is not None else ""
        captions += [_("{name} original", name=name), _("{name} augmented", name=name)]
    return image_grid(pairs, shape, captions=captions, ncols=N_PREVIEW, size=64 if max(shape) >= 16 else 48)


def augment_section(dataset):
    """Draw the padding and augmentation controls and the preview for the current image dataset."""
    ss = st.session_state
    if dataset.image_shape is None:
        st.info(_("“{name}” is not an image dataset. Make MNIST or Digits 8×8 current (tab “Built-in datasets”) "
                  "to pad and augment images.", name=dataset.name))
        return
    h, w = dataset.image_shape
    saved = ss.get(SETTINGS) or AugmentConfig()
    max_shift = min(4, min(h, w) - 1)
    for key, value in (("dt_rot", float(saved.rotation_degrees)), ("dt_shift", min(int(saved.shift_pixels), max_shift)),
                       ("dt_flip", float(saved.flip_probability)), ("dt_noise", float(saved.noise_sigma)),
                       ("dt_pad", 0), ("dt_aug_on", ss.get(AUGMENT) is not None), (PREVIEW_SEED, 0)):
        ss.setdefault(key, value)
    c1, c2 = st.columns(2)
    rot = c1.slider(_("Random rotation, up to ± degrees"), 0.0, 45.0, step=1.0, key="dt_rot")
    shift = c1.slider(_("Random shift, up to ± pixels"), 0, max_shift, key="dt_shift")
    flip = c2.slider(_("Horizontal flip probability"), 0.0, 1.0, step=0.1, key="dt_flip")
    noise = c2.slider(_("Gaussian noise σ (pixels are 0…1)"), 0.0, 0.5, step=0.05, key="dt_noise")
    if flip > 0:
        st.warning(FLIP_NOTE, icon="⚠️")
    else:
        with st.expander(_("Why is there no flip for digits?")):
            st.markdown(FLIP_NOTE)
    config = AugmentConfig(rotation_degrees=rot, shift_pixels=shift, flip_probability=flip, noise_sigma=noise)
    ss[SETTINGS] = config

    pixels = st.slider(_("Padding: black pixels added on every side (preview; a padded copy changes the input "
                         "size)"), 0, MAX_PAD, key="dt_pad")
    shape = (h + 2 * pixels, w + 2 * pixels)
    x = dataset.x_train[:500]
    if pixels:
        x = pad(x, dataset.image_shape, pixels)[0]
    seed = ss[PREVIEW_SEED]
    show_chart(st, preview_chart(x, dataset.y_train[:500], shape, config, dataset.class_names, seed),
                    width="content")
    c1, c2 = st.columns(2)
    c1.button(_("Other samples and draws"), key="dt_reshuffle", on_click=lambda: ss.update({PREVIEW_SEED: seed + 1}))
    if pixels:
        c2.button(_("Use a padded copy ({h}×{w}) as the dataset", h=shape[0], w=shape[1]), key="dt_use_padded",
                  on_click=_use_padded, args=(dataset, pixels))
    on = st.toggle(_("Augment every training batch on the fly (the Training page applies these settings)"),
                   key="dt_aug_on")
    ss[AUGMENT] = config if on else None
    if on and config.is_identity:
        st.caption(_("All settings are at 0, so training batches stay as they are."))
    elif on:
        st.caption(_("Training will see: {what}. Validation and test images are never augmented.",
                     what=config.describe()))
        workers.warm_up()  # the Training page's augmenting worker then starts at once

