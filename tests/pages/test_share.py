"""AppTest of links and charts for slides, through the whole app.

A link opened in a fresh session sets the sidebar and the page; a tampered one gives one notice per bad
parameter on that same run, falls back for those only, and never builds more than the sidebar allows;
the URL follows the sidebar and keeps others' parameters. The Training page's charts, after a tiny run,
become a valid PNG and SVG each and one zip.
"""
import io
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import parse_qsl

from PIL import Image

from nnlab.lab.config import INT_RANGES, MAX_HIDDEN_LAYERS, MAX_UNITS
from nnlab.lab.link import DEFAULTS
from nnlab.viz.export import file_stems
from tests.pages.apptest_helpers import open_link, texts

TINY = {"dataset": "Moons", "n_samples": "100", "hidden": "4", "activations": "tanh", "epochs": "1",
        "batch_size": "32", "seed": "5"}


def test_a_link_sets_the_sidebar_and_the_page_and_stays_in_the_url():
    at = open_link({**TINY, "page": "architecture", "resume": "tok3n", "lesson": "structure"})
    assert [t.value for t in at.title] == ["Architecture"]
    assert at.selectbox(key="sb_dataset").value == "Moons" and at.number_input(key="sb_seed").value == 5
    assert at.number_input(key="sb_n_hidden").value == 1 and at.number_input(key="sb_units_0").value == 4
    assert at.selectbox(key="sb_act_0").value == "tanh" and at.number_input(key="sb_n_samples").value == 100
    notices = texts(at.info)  # a good link: no notice of its own; the made-up kept-run token is said
    assert len(notices) == 1 and "this server keeps none for it" in notices[0]
    net = at.session_state["model"]
    assert net.n_params == 2 * 4 + 4 + 4 * 2 + 2  # 2 → 4 tanh → 2 softmax, built from the link
    url = dict(at.query_params)
    assert url["lesson"] == "structure"  # others' parameters are left alone ...
    token = url.pop("resume")  # ... but an unknown kept-run token is replaced by the server's own (ui.kept_run)
    assert token != "tok3n" and len(token) == 32
    assert {k: url[k] for k in TINY} == TINY and url["page"] == "architecture" and set(DEFAULTS) <= set(url)
    code = at.sidebar.code[0].value  # the Share box: the same parameters, to copy, without the browser's token
    assert dict(parse_qsl(code.split("?", 1)[1])) == url

    at.number_input(key="sb_seed").set_value(9).run()  # the URL follows the sidebar
    assert at.query_params["seed"] == "9" and at.query_params["resume"] == token
    assert at.query_params["lesson"] == "structure"


def test_a_tampered_link_gives_notices_on_its_first_run_and_falls_back_for_those_only():
    at = open_link({"dataset": "Moons", "hidden": "8,5000", "activations": "relu,relu", "epochs": "100000",
                    "n_samples": "999999999", "lr": "7", "seed": "11", "foo": "bar"})
    notices = texts(at.info)
    assert [n.split("=")[0] for n in notices] == [
        "The link's setting hidden", "The link's setting epochs", "The link's setting n_samples",
        "The link's setting lr", "The link's setting foo"]
    assert "hidden layer 2 needs a whole number of units from 1 to 1024, not “5000”" in notices[0]
    assert notices[-1] == "The link's setting foo=“bar” is not one nnlab knows; it was ignored."
    cfg = at.session_state["config"]
    assert (cfg.dataset, cfg.seed) == ("Moons", 11)  # the good settings of a bad link are kept
    assert cfg.hidden == DEFAULTS["hidden"] and cfg.epochs == DEFAULTS["epochs"] and cfg.lr == DEFAULTS["lr"]
    assert cfg.n_samples == DEFAULTS["n_samples"]
    assert at.query_params["hidden"] == "128,64" and at.query_params["epochs"] == "10"  # the URL says what is used
    at.run()
    assert not texts(at.info)  # shown once


def test_a_link_naming_a_preset_gets_the_presets_own_settings_except_those_it_names():
    from nnlab.lab.presets import PRESETS

    at = open_link({"preset": "MNIST CNN", "page": "architecture"})  # written by hand: only the preset
    cnn = PRESETS["MNIST CNN"]
    cfg = at.session_state["config"]
    assert at.session_state["sb_preset"] == "MNIST CNN" and not at.exception
    assert (cfg.spec, cfg.lr, cfg.schedule, cfg.batch_size) == (cnn.spec, cnn.lr, cnn.schedule, cnn.batch_size)
    at = open_link({"preset": "Spirals 2-8-8-1 tanh", "page": "training"})  # its own dataset too
    cfg = at.session_state["config"]
    assert (cfg.dataset, cfg.hidden, cfg.lr) == ("Spirals", PRESETS["Spirals 2-8-8-1 tanh"].hidden,
                                                 PRESETS["Spirals 2-8-8-1 tanh"].lr)
    at = open_link({"preset": "MNIST CNN", "lr": "0.01", "page": "architecture"})  # a named setting wins
    cfg = at.session_state["config"]
    assert (cfg.lr, cfg.batch_size, cfg.schedule) == (0.01, cnn.batch_size, cnn.schedule)
    assert at.session_state["sb_preset"] == "(custom)"  # and the Preset box says the settings are not the preset's


def test_nothing_in_a_link_builds_more_than_the_sidebar_allows():
    at = open_link({"dataset": "Moons", "hidden": ",".join([str(MAX_UNITS * 100)] * 50),
                    "activations": ",".join(["relu"] * 50), "n_samples": str(10**12), "epochs": "9" * 30,
                    "batch_size": "1000000", "page": "forward"})
    cfg = at.session_state["config"]
    assert len(cfg.hidden) <= MAX_HIDDEN_LAYERS and max(cfg.hidden) <= MAX_UNITS
    assert cfg.n_samples <= INT_RANGES["n_samples"][1] and cfg.epochs <= INT_RANGES["epochs"][1]
    net = at.session_state["model"]
    assert net.n_params == 2 * 128 + 128 + 128 * 64 + 64 + 64 * 2 + 2  # the default layers, on 2 inputs
    assert len(texts(at.info)) == 5 and [t.value for t in at.title] == ["Forward pass"]


def _png_ok(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100


def _svg_ok(data):
    root = ET.fromstring(data)
    return root.tag == "{http://www.w3.org/2000/svg}svg" and float(root.get("width")) > 50 and len(root) > 0


def test_every_chart_of_the_training_page_becomes_a_png_and_an_svg_for_slides():
    at = open_link({**TINY, "page": "training"}, timeout=240)
    at.session_state["tr_flow_units"] = True  # the activation and unit-health charts too
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = at.session_state["page_charts"]
    assert "Loss per epoch" in drawn and "Decision boundary after 1 epoch" in drawn and len(drawn) >= 8
    at.button(key="slides_prepare").click().run()  # renders the charts on screen, then offers them
    assert not at.exception, [e.value for e in at.exception]
    prepared = at.session_state["slide_files"]
    assert prepared["page"] == "training" and list(prepared["files"]) == list(drawn)
    stems = file_stems(drawn)
    with zipfile.ZipFile(io.BytesIO(prepared["zip"])) as archive:
        assert sorted(archive.namelist()) == sorted(f"{s}.{ext}" for s in stems.values() for ext in ("png", "svg"))
        for name, stem in stems.items():
            assert _png_ok(archive.read(f"{stem}.png")), name
            assert _svg_ok(archive.read(f"{stem}.svg")), name
    labels = [b.label for b in at.sidebar.get("download_button")]
    assert labels[0] == f"Download {len(drawn)} charts (zip)" and labels[1:] == ["PNG", "SVG"] * len(drawn)


def test_the_activation_charts_are_drawn_only_when_asked_for():
    at = open_link({**TINY, "page": "training"}, timeout=240)
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = set(at.session_state["page_charts"])
    assert "Gradient norm per layer ‖∂L/∂W‖ (log scale)" in shown and "Activations per layer" not in shown
    at.toggle(key="tr_flow_units").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Activations per layer" in at.session_state["page_charts"]
