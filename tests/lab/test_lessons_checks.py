"""Every lesson's check answers from a real, short, seeded run of the lesson's own setup, and the answer is
confirmed by an independent measurement of the trained model; the task predicates say "done" only when it is."""
import math

import numpy as np
import pytest

from nnlab.engine import encode_targets, evaluate
from nnlab.lab import lessons as L
from nnlab.lab.lesson_run import NotReady, Run
from nnlab.lab.lesson_text import fmt
from tests.lab.lesson_runs import (ARTICLE_PRINTED, Session, build, data_of, exploding_session, lessons, neuron,
                                   settings_of, trained)

# A diverging run overflows on purpose; the trainer catches it (an ErrorRecord), NumPy still warns.
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                                        "ignore:invalid value encountered:RuntimeWarning")


def lesson(lesson_id):
    return lessons()[lesson_id]


def ask(lesson_id, run):
    return L.ask(lesson(lesson_id), run)


def labels(question):
    return {o.key: o.label.render() for o in question.options}


def built_run(lesson_id):
    s = settings_of(lesson(lesson_id))
    return Run(config=s, net=build(s), inputs=data_of(s).x_train)


# ---- what a network is: the loss falls as the weights move --------------------------------------------------------

def test_the_seed_neurons_loss_really_falls_by_more_than_half():
    session = trained("what_is_a_network")
    q = ask("what_is_a_network", session.run())
    assert q.answer == "more_than_half" and q.is_correct("more_than_half") and not q.is_correct("no_fall")
    data = data_of(session.settings)
    before, _ = evaluate(build(session.settings), data.x_train, data.y_train)  # the article's weights
    after, _ = evaluate(session.net, data.x_train, data.y_train)
    assert after < before / 2  # measured on the whole training set, not from the records
    assert f"the average training loss of epoch 30 was {fmt(session.epochs[-1].train_loss)}" in q.explanation.render()


# ---- structure: the parameter count -------------------------------------------------------------------------------

def test_the_parameter_count_is_the_sum_over_the_layer_sizes():
    q = ask("structure", built_run("structure"))
    sizes = [784, 128, 64, 10]
    expected = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert labels(q)[q.answer] == f"{expected:,}" and labels(q)["weights"] == f"{weights:,}"
    assert f"784×128 + 128 + 128×64 + 64 + 64×10 + 10 = {expected:,}" in q.explanation.render()


# ---- activations: the Dead ReLUs preset really kills units --------------------------------------------------------

def test_the_dead_relus_preset_really_kills_most_of_layer_1():
    session = trained("activations")
    q = ask("activations", session.run())
    assert q.answer == "band2" and labels(q)["band2"] == "50 % or more"
    a = session.net.forward_trace(data_of(session.settings).x_train)[0].a  # every training sample at once
    never = np.mean(a.max(axis=0) <= 0)
    assert never > 0.5  # dead on the whole training set, so dead on every batch too


def test_a_healthy_relu_network_has_few_dead_units():
    q = L.ask(lesson("activations"), trained("mnist_end_to_end").run())  # Adam 1e-3 from He initialisation
    assert q.answer == "band0", q.explanation.render()


def test_a_sigmoid_layer_has_no_units_to_die():
    with pytest.raises(NotReady, match="L1 dense has no ReLU"):
        L.ask(lesson("activations"), trained("vanishing_gradients").run())


# ---- preprocessing: scaled, standardised or neither ---------------------------------------------------------------

def test_wine_is_standardised_mnist_scaled_and_raw_values_neither():
    wine = built_run("preprocessing")
    assert ask("preprocessing", wine).answer == "standardised"
    assert wine.inputs.mean(axis=0) == pytest.approx(0, abs=1e-5)
    mnist = data_of(settings_of(lesson("structure")))
    assert ask("preprocessing", Run(inputs=mnist.x_train)).answer == "scaled"
    assert "pixels scaled from 0–255 to 0–1" in mnist.notes  # what the lesson's notice says about the digits
    q = ask("preprocessing", Run(inputs=wine.inputs * 10 + 5))
    assert q.answer == "neither" and "neither scaled to 0 to 1 nor standardised" in q.explanation.render()


# ---- forward pass and backprop: the seed neuron -------------------------------------------------------------------

def test_z_of_the_articles_neuron_is_the_engines_with_the_articles_slip_as_an_option():
    q = ask("forward_pass", Run(neuron=neuron(), printed=ARTICLE_PRINTED))
    z = 0.3 * 0.5 + 0.7 * 0.1 - 0.2
    assert labels(q) == {"engine": fmt(z), "no_bias": fmt(z + 0.2), "article": "0.35"} and q.answer == "engine"
    assert q.explanation.render() == ("z = w·x + b = 0.3·0.5 + 0.7·0.1 + (−0.2) = 0.02. The article prints 0.35 "
                                      "here: its arithmetic slips.")


def test_delta_of_the_articles_neuron_is_the_engines():
    q = ask("backprop", Run(neuron=neuron(), printed=ARTICLE_PRINTED))
    y = 1 / (1 + math.exp(-0.02))
    assert labels(q)[q.answer] == fmt((y - 0.8) * y * (1 - y)) == "−0.07374"
    assert labels(q)["no_slope"] == fmt(y - 0.8) and labels(q)["article"] == "−0.1148"


def test_a_neuron_the_learner_changed_has_no_article_option():
    r = neuron(x=(1.0, 2.0), w=(0.5, -0.25), b=0.1)
    q = ask("forward_pass", Run(neuron=r, printed=ARTICLE_PRINTED))
    assert set(labels(q)) == {"engine", "no_bias"} and labels(q)["engine"] == fmt(1.0 * 0.5 + 2.0 * -0.25 + 0.1)
    assert "article" not in q.explanation.render()


# ---- vanishing gradients ------------------------------------------------------------------------------------------

def test_the_vanishing_preset_really_has_its_smallest_gradient_in_layer_1():
    session = trained("vanishing_gradients")
    q = ask("vanishing_gradients", session.run())
    assert q.answer == "L1 dense"
    data = data_of(session.settings)
    targets = encode_targets(session.net, data.y_train[:256])
    bt = session.net.backward_trace(data.x_train[:256], targets)  # a fresh backward pass, not the records
    norms = [np.linalg.norm(g.grads["W"]) for g in bt.layers]
    assert int(np.argmin(norms)) == 0 and norms[0] < norms[-1] / 1000
    # the lesson's notice: "the loss hardly falls"
    assert session.epochs[-1].train_loss > 0.95 * session.steps[0].loss


# ---- exploding gradients: a too-high learning rate really diverges ------------------------------------------------

def test_raising_the_learning_rate_really_diverges_and_the_gradients_explode_first():
    session = exploding_session()
    run = session.run()
    assert session.errors, "no learning rate up to 3 diverged"
    q = ask("exploding_gradients", run)
    lr = session.errors[0].details["lr"]
    assert q.answer == f"{lr:g}" and {"0.1", "0.3"} <= set(labels(q))
    before = [s for s in session.steps if s.lr == lr]
    assert before[-1].layers["L1 dense"]["grad_norm"] > 1000 * before[0].layers["L1 dense"]["grad_norm"]
    assert L.task_status(lesson("exploding_gradients"), run).done


def test_the_exploding_task_is_not_done_before_training_diverges():
    session = Session(settings_of(lesson("exploding_gradients")))
    session.steps, session.epochs = exploding_session().steps[:40], exploding_session().epochs[:1]
    status = L.task_status(lesson("exploding_gradients"), session.run())
    assert not status.done and [m.template for m in status.todo] == [L.NOT_DIVERGED]
    with pytest.raises(NotReady, match="has not diverged yet"):
        ask("exploding_gradients", session.run())


# ---- weight updates -----------------------------------------------------------------------------------------------

def test_the_largest_update_ratio_is_read_from_the_last_epoch():
    run = trained("mnist_end_to_end").run()  # the same setup as the weight-updates lesson, two epochs
    q = ask("weight_updates", run)
    last = [s for s in run.steps if s.epoch == run.steps[-1].epoch]
    medians = {name: np.median([s.layers[name]["update_ratio"] for s in last]) for name in last[0].layers}
    assert q.answer == max(medians, key=medians.get)
    assert f"was {medians[q.answer]:.2e}, the largest of the 3 layers" in q.explanation.render()


# ---- loss curves: overfitting on Iris -----------------------------------------------------------------------------

def test_iris_overfits_and_the_check_finds_the_lowest_validation_loss():
    session = trained("loss_curves")
    q = ask("loss_curves", session.run())
    val = np.array([e.val_loss for e in session.epochs])
    best = int(np.argmin(val)) + 1
    first, last = (int(n) for n in labels(q)[q.answer].replace("epochs ", "").split(" to "))
    assert first <= best <= last and labels(q)["epochs1"] == "epochs 1 to 25"
    assert val[-1] > 1.1 * val.min() and session.epochs[-1].train_loss < session.epochs[best - 1].train_loss
    assert f"after epoch {best} the network overfits the training set" in q.explanation.render()
    data = data_of(session.settings)
    assert evaluate(session.net, data.x_val, data.y_val)[0] == pytest.approx(val[-1], rel=1e-5)


# ---- feature maps and attention: shapes of the learner's own model ------------------------------------------------

def test_the_first_convolution_gives_16_maps_of_26_by_26():
    run = built_run("feature_maps")
    q = ask("feature_maps", run)
    trace = run.net.forward_trace(run.inputs[:1])
    conv = next(t for t in trace if t.kind == "conv2d")
    assert labels(q)[q.answer] == "×".join(str(n) for n in conv.a.shape[1:]) == "16×26×26"
    assert set(labels(q).values()) == {"16×26×26", "16×28×28", "16×25×25", "16×13×13"}
    pool = trace[conv.index + 1]
    assert pool.a.shape[2] == conv.a.shape[2] // 2  # "pooling then roughly halves each map's height and width"


def test_one_heads_attention_matrix_is_tokens_by_tokens_and_its_rows_sum_to_1():
    run = built_run("attention")
    q = ask("attention", run)
    net = run.net
    net.forward(run.inputs[:2], training=True)
    attention = next(layer for layer in net.layers if layer.kind == "self_attention")
    weights = attention.cache[4]  # (samples, heads, tokens, tokens), as the layer computed it
    t = weights.shape[-1]
    assert labels(q)[q.answer] == f"{t} × {t}" == "49 × 49"
    assert np.allclose(weights.sum(axis=-1), 1, atol=1e-5)  # the notice: each row sums to 1
    assert "(4 in all)" in q.explanation.render()


def test_shape_checks_on_a_model_without_such_layers_say_what_to_do():
    mlp = built_run("structure")
    with pytest.raises(NotReady, match="no convolution layer"):
        ask("feature_maps", mlp)
    with pytest.raises(NotReady, match="no self-attention layer"):
        ask("attention", mlp)


# ---- MNIST end to end ---------------------------------------------------------------------------------------------

def test_the_accuracy_band_is_that_of_the_trained_network_on_the_held_out_digits():
    session = trained("mnist_end_to_end")
    q = ask("mnist_end_to_end", session.run())
    x_held, y_held, _ = data_of(session.settings).held_out()
    _, acc = evaluate(session.net, x_held, y_held)
    assert acc == pytest.approx(session.epochs[-1].val_acc)
    assert q.answer == ("band0" if acc < 0.9 else "band1" if acc < 0.95 else "band2")
    assert f"{100 * acc:.1f} % of the held-out samples" in q.explanation.render()


# ---- not ready yet, and the task predicates -----------------------------------------------------------------------

@pytest.mark.parametrize("lesson_id", ["what_is_a_network", "activations", "vanishing_gradients", "weight_updates",
                                       "loss_curves", "mnist_end_to_end", "exploding_gradients"])
def test_a_check_over_records_asks_for_training_first(lesson_id):
    with pytest.raises(NotReady) as caught:
        ask(lesson_id, Run(config=settings_of(lesson(lesson_id))))
    assert caught.value.message.render().startswith(("Train", "Training has not diverged"))


@pytest.mark.parametrize("lesson_id", ["what_is_a_network", "activations", "vanishing_gradients", "loss_curves",
                                       "mnist_end_to_end"])
def test_the_task_is_done_after_the_lessons_own_run_and_not_before(lesson_id):
    run = trained(lesson_id).run()
    assert L.task_status(lesson(lesson_id), run) == L.TaskStatus(True, ())
    fresh = L.task_status(lesson(lesson_id), Run(config=run.config))
    need = lesson(lesson_id).done_epochs
    assert not fresh.done and [m.render() for m in fresh.todo] == [
        f"Epochs trained so far: 0; the task asks for {need}."]


def test_a_changed_setting_leaves_the_setup_but_a_free_one_or_the_epochs_per_press_do_not():
    run = trained("vanishing_gradients").run()
    moved = Run(config={**run.config, "lr": 0.5, "batch_size": 64}, steps=run.steps, epochs=run.epochs)
    status = L.task_status(lesson("vanishing_gradients"), moved)
    assert not status.done and "lr: 0.5 → 0.1; batch_size: 64 → 32" in status.todo[0].render()
    assert L.task_status(lesson("vanishing_gradients"), Run(config={**run.config, "epochs": 7}, steps=run.steps,
                                                            epochs=run.epochs)).done
    explode = exploding_session().run()
    assert L.task_status(lesson("exploding_gradients"), Run(config={**explode.config, "lr": 0.03},
                                                            steps=explode.steps, epochs=explode.epochs,
                                                            errors=explode.errors)).done
