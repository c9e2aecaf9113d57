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

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
IDENTIFIER = re.compile(r"\w+_\w+")  # the engine's names of layer kinds, as in a spec: L3 self_attention
FORMULA = re.compile(r"^\S*[∂σ∑√]\S*$")  # one token of mathematics, such as ∂score/∂x

# The visible text pieces of the sidebar and the main area: each text node that is rendered, outside formulas,
# code and tables, plus the text of the charts Vega drew (titles, axes, legends).
READ_TEXT = """() => {
  const skip = '.katex, pre, code, [data-testid=stCode], [data-testid=stDataFrame], [data-testid=stTable], table,'
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
                   and any(w.lower().strip("'’") not in allowed for w in WORD.findall(IDENTIFIER.sub(" ", p))
                           if len(w) > 1)})


def test_english_pieces_finds_sentences_and_spares_names():
    found = english_pieces(["Train loss", "ReLU", "学习率 0.1", "Adam, lr=0.01", "3 epochs", "2-8-8-1 tanh",
                            "Spirals", "中文", "English", "∂score/∂x", "L3 self_attention", "L2 layer_norm"])
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
    assert links.count() >= 15
    found = english_on_pages(lab, [links.nth(i).get_attribute("href") for i in range(links.count())])
    assert not found, "English (or an exception) shown in 中文:\n" + "\n".join(
        f"/{p}: {e}" for p, e in found.items())


def test_the_cnn_and_attention_views_in_chinese(lab):
    """The pages whose views exist only for a CNN or an attention model (feature maps, the worked convolution,
    attention heads) are read with those presets: the toy walk above sees only their "no such layer" notes."""
    lab.open("", "nnlab")
    lab.sidebar.get_by_text("中文", exact=True).click()
    found = {}
    for preset, pages in (("MNIST CNN", ("architecture", "forward", "backprop", "feature_maps", "attributions")),
                          ("MNIST patch attention", ("forward", "attention"))):
        with using_language("zh"):
            lab.settle()
            lab.choose(_("Preset"), preset, within=lab.sidebar)
        found |= {f"{p} ({preset})": e for p, e in english_on_pages(lab, [f"{lab.url}/{p}" for p in pages]).items()}
    assert not found, "English (or an exception) shown in 中文:\n" + "\n".join(
        f"/{p}: {e}" for p, e in found.items())


def english_on_pages(lab, hrefs):
    """{page: English pieces or exceptions} of the sidebar's pages at ``hrefs``, visited in this session."""
    found = {}
    for href in hrefs:
        path = href.removeprefix(lab.url).strip("/").split("?")[0] or "home"
        lab.page.get_by_test_id("stSidebarNav").locator(f'a[href="{href}"]').click()
        lab.main.locator("h1").first.wait_for()
        lab.settle()
        broken = lab.page.get_by_test_id("stException").all_inner_texts()
        english = english_pieces(lab.page.evaluate(READ_TEXT))
        if broken or english:
            found[path] = [b[:300] for b in broken] + english
    return found
