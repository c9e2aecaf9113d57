"""The datasets the app offers by name, each loaded into a ready-to-train ``Dataset``.

``load_dataset`` is pure and deterministic — the same (name, seed, n_samples, noise) always gives the
same arrays — so a page can cache it with ``st.cache_data``.
"""
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial

import numpy as np

from . import toys
from .dataset import Dataset, DataError
from .download import cached_mnist, is_mnist_cached, mnist_cache_dir
from .idx import FASHION_MNIST_CLASSES, fashion_mnist_dir, find_mnist_files, load_fashion_mnist, mnist_folder_labels
from ..i18n import N_, Later, _
from .mnist import check_seed, mnist_split

DEFAULT_DATASET = "MNIST subset (10k digits)"
VAL_FRACTION = TEST_FRACTION = 0.15
MNIST_SUBSET_VAL = 1000  # of mnist_split's 8,000 training digits: 7,000 / 1,000 / 2,000
OWN_SPLIT_VAL_SHARE = 1 / 6  # of a dataset's own training set: MNIST's classic 50,000 / 10,000 / 10,000
DEFAULT_N_SAMPLES, DEFAULT_NOISE = 400, 0.1
DIGITS = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI lists: a name, one line saying what it is, a kind, and ``loader(seed, **params) -> Dataset``.

    Call ``load_dataset`` rather than ``loader`` directly: it validates the arguments.
    """
    name: str
    description: str
    kind: str  # "image" | "2d" | "table"
    loader: Callable


def _pixel_names(h, w):
    return tuple(f"px{r}_{c}" for r in range(h) for c in range(w))


def carve_validation(x, y, n_val, seed):
    """Set ``n_val`` samples of a training set aside for validation, stratified by class and seeded.

    Returns x_train, y_train, x_val, y_val (rows in shuffled order).
    """
    from sklearn.model_selection import train_test_split

    train, val = train_test_split(np.arange(len(y)), test_size=n_val, stratify=y, random_state=seed)
    return x[train], y[train], x[val], y[val]


def split_70_15_15(x, y, seed):
    """Stratified, seeded train / validation / test parts of 70 / 15 / 15 per cent.

    Returns x_train, y_train, x_val, y_val, x_test, y_test.
    """
    n = len(y)
    x_rest, y_rest, x_test, y_test = carve_validation(x, y, round(TEST_FRACTION * n), seed)
    return (*carve_validation(x_rest, y_rest, round(VAL_FRACTION * n), seed), x_test, y_test)


def _f32(*arrays):
    return tuple(np.asarray(a, dtype=np.float32) for a in arrays)


def _i64(*arrays):
    return tuple(np.asarray(a, dtype=np.int64) for a in arrays)


def _split_note(seed, y_tr, y_va, y_te):
    """The note on a stratified split (cached datasets are shared by sessions in both languages: ``Later``)."""
    return Later("stratified split, seed {seed}: {train} train / {val} validation / {test} test", seed=seed,
                 train=len(y_tr), val=len(y_va), test=len(y_te))


def _split_dataset(head, x, y, seed, **meta):
    x_tr, y_tr, x_va, y_va, x_te, y_te = split_70_15_15(x, y, seed)
    x_tr, x_va, x_te = _f32(x_tr, x_va, x_te)
    y_tr, y_va, y_te = _i64(y_tr, y_va, y_te)
    notes = (_split_note(seed, y_tr, y_va, y_te),)
    meta["notes"] = tuple(meta.get("notes", ())) + notes
    return Dataset(*head, x_tr, y_tr, x_te, y_te, x_va, y_va, **meta)


# ---- builders: build(head=(name, description), seed, **params) -> Dataset ----

def _mnist_subset(head, seed):
    x_rest, y_rest, x_te, y_te = mnist_split(seed)
    x_tr, y_tr, x_va, y_va = carve_validation(x_rest, y_rest, MNIST_SUBSET_VAL, seed)
    return Dataset(*head, x_tr, y_tr, x_te, y_te, x_va, y_va,
                   feature_names=_pixel_names(28, 28), class_names=DIGITS, image_shape=(28, 28),
                   notes=(Later("pixels scaled from 0–255 to 0–1"), _split_note(seed, y_tr, y_va, y_te)))


def _digits(head, seed):
    from sklearn.datasets import load_digits

    d = load_digits()
    return _split_dataset(head, d.data / 16.0, d.target, seed, feature_names=_pixel_names(8, 8),
                          class_names=DIGITS, image_shape=(8, 8), notes=(Later("pixels scaled from 0–16 to 0–1"),))


def _table(loader_name):
    """A builder for one of scikit-learn's small tables, z-scored with the training part's statistics."""
    def build(head, seed):
        from sklearn import datasets
        from sklearn.preprocessing import StandardScaler

        d = getattr(datasets, loader_name)()
        ds = _split_dataset(head, d.data, d.target, seed, feature_names=tuple(str(f) for f in d.feature_names),
                            class_names=tuple(str(c) for c in d.target_names))
        # fit on train only, so nothing about validation or test leaks into training
        scaler = StandardScaler().fit(ds.x_train)
        scaled = {k: scaler.transform(getattr(ds, k)).astype(np.float32) for k in ("x_train", "x_val", "x_test")}
        return replace(ds, **scaled,
                       notes=ds.notes + (Later("features z-scored with the mean and std of the training part"),))
    return build


def _toy(make):
    def build(head, seed, n_samples=DEFAULT_N_SAMPLES, noise=DEFAULT_NOISE):
        x, y = make(n_samples=n_samples, noise=noise, seed=seed)
        k = int(y.max()) + 1
        return _split_dataset(head, x, y, seed, feature_names=("x1", "x2"),
                              class_names=tuple(str(c) for c in range(k)),
                              notes=(Later("{n} points, noise {noise}, seed {seed}", n=n_samples, noise=noise,
                                           seed=seed),))
    return build


def _own_split_sizes(n_own):
    """(train, validation) of a dataset's own training set, as ``_image_split`` carves it."""
    n_val = round(OWN_SPLIT_VAL_SHARE * n_own)
    return n_own - n_val, n_val


def _image_split(head, split, class_names, seed):
    """A dataset with its own train/test files: flattened, scaled to [0, 1]; a sixth of its training images
    become the validation part, and its test images stay the test part."""
    h, w = split.x_train.shape[1:]

    def flat(images):
        return images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)

    n_own = len(split.y_train)
    x_tr, y_tr, x_va, y_va = carve_validation(flat(split.x_train), split.y_train.astype(np.int64),
                                              _own_split_sizes(n_own)[1], seed)
    return Dataset(*head, x_tr, y_tr, flat(split.x_test), split.y_test.astype(np.int64), x_va, y_va,
                   feature_names=_pixel_names(h, w), class_names=class_names, image_shape=(h, w),
                   notes=(Later("pixels scaled from 0–255 to 0–1"),
                          Later("the dataset's own {test} test images; its {own} training images split (stratified, "
                                "seed {seed}) into {train} train / {val} validation", test=len(split.y_test),
                                own=n_own, seed=seed, train=len(y_tr), val=len(y_va))))


def _fashion(head, seed):
    return _image_split(head, load_fashion_mnist(), FASHION_MNIST_CLASSES, seed)


def _mnist_full(head, seed):
    split = cached_mnist()
    if split is None:
        raise DataError("the full MNIST is not in the cache; download it first (nnlab.data.download.download_mnist)")
    return _image_split(head, split, DIGITS, seed)


def _info(name, description, kind, build):
    return name, DatasetInfo(name, description, kind, partial(build, (name, description)))


_ALWAYS = dict([
    _info(DEFAULT_DATASET, N_("10,000 real handwritten digits, 28×28 grey pixels, bundled with nnlab"), "image",
          _mnist_subset),
    _info("Digits 8×8", N_("1,797 small handwritten digits, 8×8 pixels (scikit-learn)"), "image", _digits),
    _info("Iris", N_("150 iris flowers, 4 measurements, 3 species (scikit-learn)"), "table",
          _table("load_iris")),
    _info("Wine", N_("178 wines, 13 chemical measurements, 3 cultivars (scikit-learn)"), "table",
          _table("load_wine")),
    _info("Breast cancer", N_("569 tumour samples, 30 cell measurements, malignant or benign (scikit-learn)"), "table",
          _table("load_breast_cancer")),
    _info("Moons", N_("two interleaving half circles, 2-D"), "2d", _toy(toys.moons)),
    _info("Circles", N_("a small circle inside a large one, 2-D"), "2d", _toy(toys.circles)),
    _info("Blobs", N_("three round Gaussian clusters, 2-D"), "2d", _toy(toys.blobs)),
    _info("Two blobs", N_("two round Gaussian clusters, 2-D: separable by a single neuron"), "2d",
          _toy(partial(toys.blobs, n_classes=2))),
    _info("Spirals", N_("two interleaved spiral arms, 2-D"), "2d", _toy(toys.spirals)),
    _info("XOR", N_("four quadrants, opposite ones share a class, 2-D"), "2d", _toy(toys.xor)),
])
_OPTIONAL = dict([
    _info("Fashion-MNIST", N_("70,000 clothing images, 28×28, 10 classes (Debian dataset-fashion-mnist)"), "image",
          _fashion),
    _info("MNIST (full)", N_("all 70,000 MNIST digits, 28×28, from the download cache"), "image", _mnist_full),
])
_OPTIONAL_PRESENT = {"Fashion-MNIST": lambda: fashion_mnist_dir() is not None, "MNIST (full)": is_mnist_cached}
# The datasets with their own train/test files, whose numbers can be read from the labels alone: their folders
# (None while absent) and class names.
_OWN_SPLIT = {"Fashion-MNIST": (fashion_mnist_dir, FASHION_MNIST_CLASSES),
              "MNIST (full)": (lambda: mnist_cache_dir() if is_mnist_cached() else None, DIGITS)}


def label_facts(name):
    """For a dataset with its own train/test files: the catalogue's numbers read from the label files alone, as
    ``load_dataset`` would split it — {"n", "train", "val", "test", "features", "classes", "counts"} — in
    milliseconds instead of the seconds that reading and scaling 70,000 images take. None for any other dataset
    (or while its files are absent). Read once per version of the files (a page asks on every rerun)."""
    folder, classes = _OWN_SPLIT.get(name, (lambda: None, None))
    folder = folder()
    if folder is None:
        return None
    versions = tuple(_file_version(p) for p in find_mnist_files(folder).values())
    n, train, val, test, features, counts = _label_numbers(str(folder), versions, len(classes))
    return {"n": n, "train": train, "val": val, "test": test, "features": features, "classes": classes,
            "counts": np.array(counts)}


def _file_version(path):
    """What changes when a file is replaced: a download renames a new file over it (a new inode), as
    the package manager does."""
    st = path.stat()
    return path.name, st.st_ino, st.st_mtime_ns, st.st_size


@lru_cache(maxsize=8)
def _label_numbers(folder, versions, n_classes):
    """label_facts' numbers of an MNIST-format folder, for the ``versions`` of its files (the cache key)."""
    y_train, y_test, (rows, cols) = mnist_folder_labels(folder)
    train, val = _own_split_sizes(len(y_train))
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=n_classes)
    return len(y_train) + len(y_test), train, val, len(y_test), rows * cols, tuple(int(c) for c in counts)


def available_datasets():
    """name -> DatasetInfo of every dataset usable right now, in display order (the default first).

    Fashion-MNIST appears when its Debian package is installed, "MNIST (full)" once it is downloaded.
    """
    found = {name: info for name, info in _OPTIONAL.items() if _OPTIONAL_PRESENT[name]()}
    return {**_ALWAYS, **found}


# A dataset's kind as the pages name it.
KIND_LABELS = {"image": N_("images"), "2d": N_("2-D points"), "table": N_("table")}


def shown_description(name, description):
    """A dataset's one-line description in the session's language: a built-in's is translated, a user's own
    (an upload, a padded copy: written when it was made) is shown as it is."""
    info = {**_ALWAYS, **_OPTIONAL}.get(name)
    return _(info.description) if info is not None and info.description == description else description


# what was available at import; call available_datasets() again after a download
DATASETS = available_datasets()


def load_dataset(name, seed=0, n_samples=None, noise=None):
    """Load a dataset by its display name, split and scaled, ready to train on.

    Parameters
    ----------
    name : str, a key of ``available_datasets()``
    seed : int, seeds the split (and the points of the 2-D toys)
    n_samples, noise : only for the 2-D toys (default 400 points, noise 0.1); must be None otherwise

    Returns
    -------
    Dataset: x float32 (n, n_features), y int64, always train / validation / test. MNIST subset:
    7000 / 1000 / 2000 (its test part is ``mnist_split``'s); Fashion-MNIST and MNIST (full): their own 10000
    test images, their 60000 training images split 50000 / 10000; all others stratified 70 / 15 / 15.
    """
    datasets = available_datasets()
    if name not in datasets:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(datasets)}")
    info = datasets[name]
    seed = check_seed(seed)
    params = {k: v for k, v in (("n_samples", n_samples), ("noise", noise)) if v is not None}
    if params and info.kind != "2d":
        raise ValueError(f"{' and '.join(params)} only apply to the 2-D toy sets, not to {name!r}; pass None")
    return info.loader(seed, **params)
