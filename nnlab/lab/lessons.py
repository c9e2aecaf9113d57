"""Guided lessons as data: one TOML file per lesson in ``nnlab/lessons/``, loaded, validated and asked.

A lesson names what it needs — a preset (and a dataset and settings) to set up with one click, the views of
the existing pages to embed, the check that asks its question — and holds its sentences as English msgids
with named placeholders. ``load_lessons`` validates every file against the presets, datasets, views and
checks that exist, and names the file and field of any mistake, so a teacher can add a lesson without
touching page code. The page renders a lesson generically:

    lessons = load_lessons(PRESETS, DATASETS)
    text = texts(lesson, article_neuron=neuron_example(), printed=ARTICLE_PRINTED)   # field -> Message
    cfg = dataclasses.replace(PRESETS[lesson.setup.preset], **setup_changes(lesson))   # the one click
    run = Run.of(history, config=cfg_now, net=net, inputs=data.x_train, neuron=..., printed=ARTICLE_PRINTED)
    status = task_status(lesson, run)          # done? else what to do first (Messages)
    question = ask(lesson, run)                # options, the answer from the run, the explanation

The file format is documented in the README ("Lessons"); the view names in ``VIEWS``.
"""
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path

from ..i18n import N_
from .lesson_checks import CHECKS
from .lesson_checks_records import NO_STABLE_EPOCH, NOT_DIVERGED
from .lesson_run import NotReady, Run  # noqa: F401  (part of the lessons API)
from .lesson_text import Message, fmt, placeholders

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
TEXT_FIELDS = ("title", "goal", "task", "question", "notice")
FIELDS = {"id": str, "section": str, "page": str, "views": list, "numbers": str, "setup": dict, "done": dict,
          "check": dict, **{f: str for f in TEXT_FIELDS}}
OPTIONAL = {"numbers", "done"}

# The pages a lesson may link to (their URL paths).
PAGES = ("home", "architecture", "forward", "backprop", "training", "feature_maps", "attention", "data", "compare")

# The live views a lesson may embed: name -> what the page layer must show for it. The page maps each name to
# the section function of the existing page that draws it (never a copy), e.g. "training.gradient_flow" ->
# nnlab.ui.training.flow_section; a test there keeps its table and this one equal.
VIEWS = {
    "training.live": "the Train button and the live loss and accuracy curves of the Training page",
    "training.gradient_flow": "the Training page's diagnosis, gradient norms, update ratios, activations and "
                              "dead or saturated units per layer",
    "training.weights": "the Training page's weight histograms per epoch and first-layer weight tiles",
    "training.results": "the Training page's test accuracy, confusion matrix and misclassified samples",
    "architecture.table": "the Architecture page's layer table with shapes and parameter counts",
    "architecture.units": "the Architecture page's drawing of the network unit by unit (or block by block)",
    "forward.seed_neuron": "the Forward pass page's editable seed neuron, computed by the engine",
    "forward.layers": "the Forward pass page's chosen layer for one sample: input, W, b, z, a",
    "backprop.seed_neuron": "the Backprop page's seed neuron: loss, δ, ∂L/∂W and ∂L/∂b by the chain rule",
    "backprop.chain": "the Backprop page's gradient size per layer and δ of a chosen layer for one sample, "
                      "from the output back to the input",
    "data.about": "the Data page's sizes and preparation notes of the current dataset",
    "data.look": "the Data page's class balance and sample view",
    "data.augment": "the Data page's image padding and augmentation preview",
    "feature_maps.conv_blocks": "the Feature maps page's kernels and feature maps of every convolution for one digit",
    "attention.head_matrices": "the Attention page's attention matrix of every head for one digit",
    "attention.query_over_digit": "the Attention page's attention of one query patch laid over the digit",
}

# Numbers a lesson's text may show, computed by the engine at run time (never typed into a lesson file).
SEED_NEURON_NUMBERS = ("x1", "x2", "w1", "w2", "b", "t", "z", "y", "L", "delta", "dw1", "dw2", "db",
                       "article_z", "article_y", "article_L", "article_delta")
NUMBER_SOURCES = {"seed_neuron": SEED_NEURON_NUMBERS}
FREE_ALWAYS = ("epochs",)  # epochs per press of Train: how long, not what, is trained


class LessonError(ValueError):
    """A lesson file is wrong: ``file`` and ``field`` say where, the message what to write instead."""

    def __init__(self, file, field, problem):
        super().__init__(f"{file}: {field}: {problem}" if field else f"{file}: {problem}")
        self.file, self.field, self.problem = file, field, problem


@dataclass(frozen=True)
class Setup:
    preset: str
    dataset: str | None
    settings: dict  # the lesson's changes to the preset's settings (dataset included), as the preset types them
    free: tuple  # settings the learner may change without leaving the setup
    expected: dict  # every setting of the set-up lesson (plain values), for task_status


@dataclass(frozen=True)
class Lesson:
    id: str
    file: str
    title: str
    goal: str
    section: str  # the seed article's section(s), e.g. "§4.1"
    page: str  # the full page to link to
    views: tuple
    task: str
    question: str
    notice: str  # what to notice
    numbers: str | None  # a NUMBER_SOURCES name, or None
    setup: Setup
    done_epochs: int  # the task is done after at least this many epochs …
    done_diverged: bool  # … and (if True) once training diverged at some learning rate, stable at another
    check: str
    params: dict  # the check's parameters, defaults filled in


@dataclass(frozen=True)
class TaskStatus:
    done: bool
    todo: tuple  # Messages: what to do first, empty when done


def plain(value):
    """A setting as plain comparable data: tuples become lists, dict keys strings, dataclasses dicts."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", list: "a list",
         tuple: "a list", dict: "a table"}


def _typed_like(value, model, problem):
    """``value`` (from TOML) in the type of the preset's value ``model``, or ``problem(sentence)`` to raise."""
    if model is None:  # e.g. no fixed architecture: any value the config accepts
        return value
    if isinstance(model, bool) or isinstance(value, bool):
        if isinstance(model, bool) and isinstance(value, bool):
            return value
    elif isinstance(model, float) and isinstance(value, (int, float)):
        return float(value)
    elif isinstance(model, (int, str, dict)) and isinstance(value, type(model)):
        return value
    elif isinstance(model, (tuple, list)) and isinstance(value, list):
        return tuple(value) if isinstance(model, tuple) else value
    raise problem(f"give {KINDS[type(model)]} like the preset's {plain(model)!r}, not {value!r}")


def _check_params(table, check, where):
    params = {}
    spec = CHECKS[check].params
    for key in table:
        if key != "name" and key not in spec:
            raise where(f"check.{key}", f"{check} takes no parameter {key!r}; it takes {sorted(spec) or 'none'}")
    for key, param in spec.items():
        value = table.get(key, param.default)
        if param.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, param.kind):
            raise where(f"check.{key}", f"give {KINDS[param.kind]}, not {value!r}")
        if param.choices and value not in param.choices:
            raise where(f"check.{key}", f"{value!r} is not one of {list(param.choices)}")
        if param.minimum is not None and value < param.minimum:
            raise where(f"check.{key}", f"{value!r} is too small; give at least {param.minimum}")
        if param.validate is not None:
            try:
                param.validate(value)
            except ValueError as exc:
                raise where(f"check.{key}", str(exc)) from None
        params[key] = value
    return params


def _setup(table, presets, datasets, check_setup, where):
    for key in table:
        if key not in ("preset", "dataset", "settings", "free"):
            raise where(f"setup.{key}", "unknown key; a setup has preset, dataset, settings and free")
    preset = table.get("preset")
    if not isinstance(preset, str):
        raise where("setup.preset", "name the preset to start from, e.g. \"MNIST MLP 784-128-64-10\"")
    if preset not in presets:
        raise where("setup.preset", f"{preset!r} is not a preset; choose one of {list(presets)}")
    base = plain(presets[preset])
    dataset = table.get("dataset")
    if dataset is not None and (not isinstance(dataset, str) or dataset not in datasets):
        raise where("setup.dataset", f"{dataset!r} is not a dataset; choose one of {list(datasets)}")
    settings = table.get("settings", {})
    if not isinstance(settings, dict):
        raise where("setup.settings", "give a table of settings, e.g. { epochs = 3, lr = 0.1 }")
    model = presets[preset]
    model = asdict(model) if is_dataclass(model) else dict(model)
    changes = {} if dataset is None else {"dataset": dataset}
    for key, value in settings.items():
        if key == "dataset":
            raise where("setup.settings.dataset", "name the dataset in setup.dataset")
        if key not in base:
            raise where(f"setup.settings.{key}", f"not a setting; the settings are {sorted(base)}")
        changes[key] = _typed_like(value, model[key], lambda p, k=key: where(f"setup.settings.{k}", p))
    free = table.get("free", [])
    if not isinstance(free, list) or any(f not in base for f in free):
        raise where("setup.free", f"give a list of settings the learner may change, from {sorted(base)}")
    if check_setup is not None:
        try:
            check_setup(preset, changes)
        except ValueError as exc:
            raise where("setup.settings", f"the preset with these changes cannot be built: {exc}") from None
    return Setup(preset, dataset, changes, tuple(free), {**base, **plain(changes)})


def _placeholder_values(setup, done_epochs, numbers):
    """The names a lesson's text may use: the task's epochs, the setup's scalar settings, the engine's numbers."""
    names = {k for k, v in setup.expected.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
    names.discard("epochs")
    if done_epochs:
        names.add("epochs")
    return names | set(NUMBER_SOURCES.get(numbers, ()))


def parse_lesson(text, file, presets, datasets, check_setup=None):
    """A Lesson from the TOML ``text`` of ``file``; LessonError names the file and field of any mistake.

    presets : name -> settings (``LabConfig`` or a mapping); datasets : the dataset names that exist;
    check_setup : optional ``f(preset name, changes)`` raising ValueError when the preset with the lesson's changes
    is not a valid configuration (the app passes its config validation).
    """
    def where(field, problem=None):
        return LessonError(file, field, problem) if problem is not None else LessonError(file, None, field)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(file, None, f"not valid TOML: {exc}") from None
    for key in data:
        if key not in FIELDS:
            raise where(key, f"unknown field; a lesson has {sorted(FIELDS)}")
    for key, kind in FIELDS.items():
        if key not in data:
            if key not in OPTIONAL:
                raise where(key, "missing")
        elif not isinstance(data[key], kind):
            raise where(key, f"give {KINDS[kind]}, not {data[key]!r}")
    if not data["id"].isidentifier() or not data["id"].islower():
        raise where("id", f"{data['id']!r}: use lower-case letters, digits and _, e.g. \"vanishing_gradients\"")
    if data["page"] not in PAGES:
        raise where("page", f"{data['page']!r} is not a page; choose one of {list(PAGES)}")
    if not data["views"] or any(v not in VIEWS for v in data["views"]):
        raise where("views", f"{data['views']!r}: give one or more of {list(VIEWS)}")
    numbers = data.get("numbers")
    if numbers is not None and numbers not in NUMBER_SOURCES:
        raise where("numbers", f"{numbers!r} is not a number source; choose one of {list(NUMBER_SOURCES)}")
    setup = _setup(data["setup"], presets, datasets, check_setup, where)
    done = data.get("done", {})
    for key in done:
        if key not in ("epochs", "diverged"):
            raise where(f"done.{key}", "unknown key; done has epochs and diverged")
    epochs, diverged = done.get("epochs", 0), done.get("diverged", False)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise where("done.epochs", f"give a whole number of epochs (0 or more), not {epochs!r}")
    if not isinstance(diverged, bool):
        raise where("done.diverged", f"give true or false, not {diverged!r}")
    name = data["check"].get("name")
    if name not in CHECKS:
        raise where("check.name", f"{name!r} is not a check; choose one of {list(CHECKS)}")
    params = _check_params(data["check"], name, where)
    allowed = _placeholder_values(setup, epochs, numbers)
    for key in TEXT_FIELDS:
        if not data[key].strip():
            raise where(key, "empty; write a sentence")
        try:
            used = placeholders(data[key])
        except ValueError as exc:
            raise where(key, str(exc)) from None
        unknown = used - allowed
        if unknown:
            raise where(key, f"unknown placeholder(s) {sorted(unknown)}; this lesson can fill {sorted(allowed)}")
    return Lesson(id=data["id"], file=file, title=data["title"], goal=data["goal"], section=data["section"],
                  page=data["page"], views=tuple(data["views"]), task=data["task"], question=data["question"],
                  notice=data["notice"], numbers=numbers, setup=setup, done_epochs=epochs, done_diverged=diverged,
                  check=name, params=params)


def load_lessons(presets, datasets, folder=LESSONS_DIR, check_setup=None):
    """Every ``*.toml`` lesson in ``folder``, validated, in file-name order (01_…, 02_…); ids must be unique.

    The arguments are those of ``parse_lesson``.
    """
    lessons, seen = [], {}
    for path in sorted(Path(folder).glob("*.toml")):
        lesson = parse_lesson(path.read_text(encoding="utf-8"), path.name, presets, datasets, check_setup)
        if lesson.id in seen:
            raise LessonError(path.name, "id", f"{lesson.id!r} is already the id of {seen[lesson.id]}")
        seen[lesson.id] = path.name
        lessons.append(lesson)
    return tuple(lessons)


def setup_changes(lesson):
    """The settings to put on top of the lesson's preset for its one-click setup (types as the preset's)."""
    return dict(lesson.setup.settings)


def _show(value):
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, (list, dict)):
        return "{…}"
    return str(value)


def setup_differences(lesson, config):
    """``setting: yours → the lesson's`` for every setting of ``config`` that leaves the lesson's setup."""
    if config is None:
        raise ValueError("task_status needs the learner's settings: pass the sidebar's LabConfig as Run.config")
    now = plain(config)
    free = set(lesson.setup.free) | set(FREE_ALWAYS)
    return [f"{key}: {_show(now.get(key))} → {_show(value)}" for key, value in lesson.setup.expected.items()
            if key not in free and now.get(key) != value]


DIFFERENT_SETUP = N_("Your settings differ from this lesson's setup (yours → the lesson's): {changes}. Set the "
                     "lesson up again, or change them back.")
MORE_EPOCHS = N_("Epochs trained so far: {trained}; the task asks for {epochs}.")


def task_status(lesson, run):
    """Whether the learner has done the lesson's task with its setup, and if not, what to do first."""
    todo = []
    changes = setup_differences(lesson, run.config)
    if changes:
        todo.append(Message(DIFFERENT_SETUP, {"changes": "; ".join(changes)}))
    if len(run.epochs) < lesson.done_epochs:
        todo.append(Message(MORE_EPOCHS, {"trained": str(len(run.epochs)), "epochs": str(lesson.done_epochs)}))
    if lesson.done_diverged:
        if not run.errors:
            todo.append(Message(NOT_DIVERGED))
        elif not run.epochs:
            todo.append(Message(NO_STABLE_EPOCH))
    return TaskStatus(not todo, tuple(todo))


def ask(lesson, run):
    """The lesson's question over the learner's run (raises NotReady with what to do when it cannot answer)."""
    return CHECKS[lesson.check].ask(run, lesson.params)


def seed_neuron_numbers(result, printed):
    """The placeholders of SEED_NEURON_NUMBERS from the engine's article neuron and the article's printed values.

    result : the ``NeuronResult`` of the article's own inputs (``neuron_example()``); the lesson text speaks of
    the article's example, so any other neuron is refused.
    """
    if not result.is_article_example:
        raise ValueError("the lesson text is about the article's neuron: pass the result of its own inputs")
    numbers = {"x1": result.x[0], "x2": result.x[1], "w1": result.w[0], "w2": result.w[1], "b": result.b,
               "t": result.target, "z": result.z, "y": result.y, "L": result.loss, "delta": result.delta,
               "dw1": result.dW[0], "dw2": result.dW[1], "db": result.db, "article_z": printed["z"],
               "article_y": printed["y"], "article_L": printed["L"], "article_delta": printed["delta"]}
    return {name: fmt(value) for name, value in numbers.items()}


def texts(lesson, article_neuron=None, printed=None):
    """field -> Message for every text field, its placeholders filled (render with the page's ``_``)."""
    values = {k: _show(v) for k, v in lesson.setup.expected.items()}
    values["epochs"] = str(lesson.done_epochs)
    if lesson.numbers == "seed_neuron":
        if article_neuron is None or printed is None:
            raise ValueError(f"lesson {lesson.id} shows the seed neuron's numbers: pass article_neuron and printed")
        values.update(seed_neuron_numbers(article_neuron, printed))
    return {field: Message(getattr(lesson, field), {n: values[n] for n in placeholders(getattr(lesson, field))})
            for field in TEXT_FIELDS}
