"""In 中文, no page shows an English sentence: after a one-epoch run (so the trained views show), every page in
the sidebar is visited and the visible text of its main area and the sidebar — chart titles, axes and legends
included — is read piece by piece. A piece with no Chinese character that still holds a Latin word which is not a
name (ReLU, Adam, MNIST …), a unit or the user's own data is an untranslated string. Formulas (KaTeX), code,
tables and numbers are left out. One session, about a minute."""
import re


from nnlab.data.builtin import DATASETS
from nnlab.i18n import LANGUAGES, _, ngettext, using_language
from nnlab.lab.presets import PRESETS

# Names, units and the bundled data's own words: the same in both languages (I18N_GUIDE: don't translate them).
NAMES = {
    "nnlab", "relu", "leaky", "tanh", "sigmoid", "softmax", "gelu", "linear", "adam", "adamw", "sgd", "momentum",
    "rmsprop", "mnist", "pytorch", "numpy", "torch", "tensorboard", "csv", "png", "json", "npz", "zip", "mlp",
    "cnn", "mse", "bce", "xavier", "glorot", "he", "kaiming", "lecun", "onnx", "float", "utf", "id", "url", "md",
    "ms", "mb", "kb", "px", "lr", "dense", "conv", "maxpool", "flatten", "dropout", "batchnorm", "attention",
    "spirals", "moons", "circles", "xor", "iris", "blobs", "tsv", "pca", "umap", "tsne", "smoothgrad", "grad",
    "cam", "ig", "vs", "streamlit", "vega", "altair", "sne", "ce", "rmse", "mae", "scikit", "learn",
}
# Whole pieces that are names: the presets and datasets (keys of links and of the sidebar's boxes), the languages.
NAME_PIECES = {*PRESETS, *DATASETS, *LANGUAGES.values()}
# Pieces still in English in files another helper is translating at the time of writing (helper V: viz/network_diagram,
# viz/matrices, ui/forward, ui/backprop, ui/widgets/matrix_view and neuron_editor). They are passed over on every
# page, by exact text or pattern; delete a line once its file is translated, and the test checks it again.
ELSEWHERE = [re.compile(p) for p in (
    r"^\d+( → \d+)+ units$", r"^L\d+ \w+\w+\d+ units$", r"^input\d+ values$",  # viz/network_diagram.py
    r"^Edges: the \d+ strongest \|w\| between each pair of drawn layers", r"largest \|[wa]\| ?of its layer",
    r"^(negative|positive or 0|sign)$",  # viz/matrices.py vector_bars
    r"^Each dense layer has a weight W \(inputs × units\)",  # ui/architecture.py
    r"^L\d+ \w+ · activation \w+$", r"^Output a = .* activation; target t = ", r"^(bias b|weights W|input x)$",
    r"^(and|unit|value|input feature|input unit|target t|loss L|class \d+|loss \(\w+\))$",  # ui/forward, ui/backprop
)]

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
FORMULA = re.compile(r"^\S*[∂σ∑√]\S*$")  # one token of mathematics, such as ∂score/∂x

# The visible text pieces of the sidebar and the main area: each text node that is rendered, outside formulas,
# code and tables, plus the text of the charts Vega drew (titles, axes, legends).
READ_TEXT = """() => {
  const skip = '.katex, pre, code, [data-testid=stCode], [data-testid=stDataFrame], [data-testid=stTable],'
             + '[data-testid=stSidebarNav], [data-testid=stToolbar], [data-testid=stSidebarCollapseButton], svg,'
             + '[data-testid=stIconMaterial], [data-testid=stFileUploaderDropzone]';
  const pieces = [];
  for (const id of ['stSidebarContent', 'stMain']) {
    const root = document.querySelector(`[data-testid=${id}]`);
    if (!root) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement, text = node.textContent.trim();
      const icon = getComputedStyle(el).fontFamily.includes('Material');  // an icon's name, drawn as its glyph
      if (text && !icon && !el.closest(skip) && el.checkVisibility()) pieces.push(text);
    }
    for (const t of root.querySelectorAll('[data-testid=stVegaLiteChart] svg text')) {
      if (t.getAttribute('opacity') !== '0' && t.textContent.trim()) pieces.push(t.textContent.trim());
    }
  }
  return pieces;
}"""


def english_pieces(pieces, own_words=()):
    """The pieces that read as untranslated English: no Chinese character, and a Latin word that is no name."""
    allowed = NAMES | {w.lower() for w in own_words}
    return sorted({p for p in pieces if not CJK.search(p) and p not in NAME_PIECES and not FORMULA.match(p)
                   and any(w.lower().strip("'’") not in allowed for w in WORD.findall(p) if len(w) > 1)})


def test_english_pieces_finds_sentences_and_spares_names():
    found = english_pieces(["Train loss", "ReLU", "学习率 0.1", "Adam, lr=0.01", "3 epochs", "2-8-8-1 tanh",
                            "Spirals", "中文", "English", "∂score/∂x"])
    assert found == ["3 epochs", "Train loss"]


def test_every_page_in_chinese(lab):
    lab.open("training", "Training")
    lab.choose("Preset", "Spirals 2-8-8-1 tanh", within=lab.sidebar)
    lab.set_sidebar_epochs(1)
    lab.sidebar.get_by_text("中文", exact=True).click()  # first: the run's messages and charts are made in 中文
    with using_language("zh"):
        lab.expect_title(_("Training"))
        lab.settle()
        lab.click(ngettext("Train {n} epoch", "Train {n} epochs", 1))
        trained = ngettext("Trained {n} epoch in {secs:.2g} s ({total} in all).",
                           "Trained {n} epochs in {secs:.2g} s ({total} in all).", 1, secs=0.5, total=1)
    lab.wait_text(trained.split("0.5")[1][:6])  # the words after the seconds: " 秒训练了 1 轮"
    lab.settle()
    links = lab.page.get_by_test_id("stSidebarNav").get_by_role("link")
    found = {}
    for index in range(links.count()):
        link = links.nth(index)
        path = (link.get_attribute("href") or "").removeprefix(lab.url).strip("/") or "home"
        link.click()
        lab.main.locator("h1").first.wait_for()
        lab.settle()
        broken = lab.page.get_by_test_id("stException").all_inner_texts()
        english = [p for p in english_pieces(lab.page.evaluate(READ_TEXT))
                   if not any(e.search(p) for e in ELSEWHERE)]
        if broken or english:
            found[path] = [b[:300] for b in broken] + english
    assert links.count() >= 15
    assert not found, "English (or an exception) shown in 中文:\n" + "\n".join(
        f"/{p}: {e}" for p, e in found.items())
