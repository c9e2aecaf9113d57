"""bench/load_protocol.py — the browserless sessions of the classroom bench — drives the real server as a browser
does: a session opened from a link trains the link's network (the same validation accuracy as the same
configuration trained headless), and clients from different loopback addresses are separate sessions."""
import re

from bench.load_protocol import train_once
from nnlab.data.builtin import load_dataset
from nnlab.lab.config import LabConfig, build_network
from nnlab.lab.link import DEFAULTS, to_query_string
from nnlab.lab.session import TrainingSession
from nnlab.ui.state import DATA_SEED

CONFIG = LabConfig(dataset="Moons", n_samples=400, noise=0.2, hidden=(8, 8), activations=("tanh", "tanh"),
                   lr=0.03, batch_size=16, seed=5, epochs=3)
LINK = to_query_string({key: value for key, value in CONFIG.__dict__.items() if key in DEFAULTS})


def _headless_accuracy(config):
    data = load_dataset(config.dataset, seed=DATA_SEED, n_samples=config.n_samples, noise=config.noise)
    session = TrainingSession.start(build_network(config, data))
    for _record in session.run(data, config):
        pass
    return session.history.epochs[-1].val_acc


def test_a_protocol_session_trains_the_links_network(server):
    _seconds, text = train_once(server, LINK, 3)
    found = re.fullmatch(r"Trained 3 epochs in \S+ s \(3 in all\), validation accuracy ([\d.]+)%\.", text)
    assert found, text
    assert float(found[1]) == round(100 * _headless_accuracy(CONFIG), 2)


def test_sessions_from_two_addresses_are_separate(server):
    """Each client is a new session: the second one's run is its own 3 epochs, not 6 in all."""
    for client in ("127.0.1.1", "127.0.2.1"):
        _seconds, text = train_once(server, LINK, 3, client=client)
        assert "(3 in all)" in text, text
