"""After training on the Training page, the other pages show the trained model, and the charts Vega drew can be
read: each axis that has tick labels has a title, each legend names its series (checked on the Training and
Architecture pages; the Forward and Backprop pages' matrix views are checked for drawing cleanly). Screenshots of
each page in its trained state land in ``screenshots/trained-<page>.png``: look at them."""
import re

# Per drawn chart: its axes (title, visible labels) and legends (title, labels), read from Vega's SVG.
READ_CHARTS = """charts => charts.map(chart => {
  const texts = (node, role) => [...node.querySelectorAll(`.role-${role} text`)]
      .filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent.trim()).filter(Boolean);
  const parts = role => [...chart.querySelectorAll(`g.role-${role}`)]
      .map(g => ({title: texts(g, role + '-title').join(' '), labels: texts(g, role + '-label')}));
  return {axes: parts('axis').filter(a => a.title || a.labels.length), legends: parts('legend')};
})"""


def unreadable(lab):
    """What a reader could not read in the page's drawn charts, one line per fault."""
    charts = lab.main.locator('[data-testid="stVegaLiteChart"]:has(svg .role-mark)').evaluate_all(READ_CHARTS)
    faults = []
    for i, chart in enumerate(charts):
        faults += [f"chart {i}: axis with labels {a['labels'][:4]} has no title" for a in chart["axes"]
                   if a["labels"] and not a["title"]]
        faults += [f"chart {i}: legend {g['title']!r} names no series" for g in chart["legends"] if not g["labels"]]
    return charts, faults


def test_trained_model_on_every_page_with_readable_charts(lab):
    lab.open("training", "Training")
    lab.choose("Preset", "Spirals 2-8-8-1 tanh", within=lab.sidebar)
    lab.wait_text("Loaded the preset “Spirals 2-8-8-1 tanh”")
    lab.set_sidebar_epochs(3)
    lab.click("Train 3 epochs")
    lab.wait_text(re.compile(r"Trained 3 epochs in .* \(3 in all\)"))
    lab.settle()
    seen = 0
    for tab in ("Gradient flow & diagnosis", "Weights", "Results on the test set"):
        lab.main.get_by_role("tab", name=tab).click()
        lab.settle()
        charts, faults = unreadable(lab)
        assert not faults, (tab, faults)
        seen = max(seen, len(charts))
    assert seen >= 4
    lab.shoot("trained-training")
    for path, title, text, readable in (("architecture", "Architecture", re.compile(r"trained for 3 epochs"), True),
                                        ("forward", "Forward pass", "The output", False),
                                        ("backprop", "Backprop", "Check: backprop against finite", False)):
        lab.nav(title)
        lab.expect_title(title)
        lab.wait_text(text)
        lab.wait_until(lambda: lab.drawn_charts() >= 1, f"a chart drawn on /{path}")
        charts, faults = unreadable(lab)
        assert charts and (not readable or not faults), (path, faults)
        lab.assert_clean()
        lab.shoot(f"trained-{path}")
