"""A browser refresh does not lose the run: the Training page keeps its last run in the process's
``lab.kept_runs`` store under the session's token, which the URL carries as ``?resume=…``.

- ``follow_token`` (the router, every run; acts on a session's first): a token this process keeps a run for
  becomes the session's own, and its run is offered back; any other token is replaced by a new one (so every
  token in use was made by the server, never chosen in a link), with a notice saying the run is not kept.
- ``offer`` (the router, every run): the offer — "Your run from before the refresh: restore it?" — until the
  user answers it or trains.
- ``following`` / ``keep`` (the Training page's loop): a reference to the live session at the end of each
  epoch, a copy once the run ends — finished, stopped, or its browser gone (Streamlit then stops the script
  at its next ``st.*`` call, and the loop's ``finally`` still runs).

The token is the key: two tabs with the same address share one kept run (the later run replaces the
earlier), and so does anyone the address is pasted to; the Share box's link leaves the token out.
"""
import streamlit as st

from ..engine import EpochRecord
from ..i18n import _, ngettext
from ..lab.kept_runs import KeptRun, KeptRuns, copy_session, kept_copy, new_token, run_bytes
from . import state
from .widgets import sidebar

PARAM = "resume"
STORE = KeptRuns()


def _not_kept_text():
    return ngettext("This address asks for a run kept from before a refresh, but this server keeps none for it: "
                    "a run is kept for {minutes} minutes after its last epoch, the latest {n} on this server (fewer "
                    "if they are big), and none survives a restart of the server. This session starts afresh.",
                    "This address asks for a run kept from before a refresh, but this server keeps none for it: "
                    "a run is kept for {minutes} minutes after its last epoch, the latest {n} on this server (fewer "
                    "if they are big), and none survives a restart of the server. This session starts afresh.",
                    STORE.max_entries, minutes=round(STORE.ttl_s / 60))


def follow_token():
    """On a session's first run, before the link is read: adopt the URL's token if a run is kept for it (and
    offer that run), else give the session a new token and put it in the URL."""
    ss = st.session_state
    if ss.get(state.RESUME_TOKEN):
        return
    given = st.query_params.get(PARAM)
    if given and STORE.get(given) is not None:
        ss[state.RESUME_TOKEN] = ss[state.RESUME_OFFER] = given
        return
    ss[state.RESUME_TOKEN] = st.query_params[PARAM] = new_token()
    if given:
        state.notice(_not_kept_text())


def _what(run):
    """The kept run in a few words: how far it trained, on what."""
    hist = run.session.history
    return ngettext("{n} epoch ({steps:,} steps) on {data}", "{n} epochs ({steps:,} steps) on {data}",
                    run.epochs, steps=hist.n_steps, data=run.config.dataset)


def offer():
    """The offer of the run kept for this session's token, while there is one and it is not answered."""
    token = st.session_state.get(state.RESUME_OFFER)
    if token is None:
        return
    run = STORE.get(token)
    if run is None:
        st.session_state.pop(state.RESUME_OFFER, None)
        state.notice(_not_kept_text())
        return
    if run.running:
        st.info(ngettext("Your run from before the refresh is still training ({n} epoch so far); it can be restored "
                         "as soon as it stops, in a moment.",
                         "Your run from before the refresh is still training ({n} epochs so far); it can be restored "
                         "as soon as it stops, in a moment.", run.epochs), icon=":material/hourglass_top:")
        _wait_for_stop(token)
        return
    box = st.container(border=True)
    box.markdown(_("**Your run from before the refresh**: {what}. Restore it?", what=_what(run)))
    left, right = box.columns([1, 3])
    left.button(_("Restore it"), key="kr_restore", type="primary", icon=":material/restore:", on_click=_restore,
                args=(token,))
    right.button(_("No, start afresh"), key="kr_dismiss", on_click=st.session_state.pop,
                 args=(state.RESUME_OFFER, None))
    box.caption(_("Training in this session replaces the kept run."))


@st.fragment(run_every=1.0)
def _wait_for_stop(token):
    """Rerun the page once the old session's run has stopped and left its copy."""
    run = STORE.get(token)
    if run is None or not run.running:
        st.rerun(scope="app")


def _restore(token):
    """The Restore click (a callback, before the sidebar draws): a copy of the kept run becomes this session's
    model, with its settings in the sidebar."""
    ss = st.session_state
    ss.pop(state.RESUME_OFFER, None)
    run = STORE.get(token)
    if run is None or run.running:
        state.notice(_not_kept_text())
        return
    run = kept_copy(run)
    if run.user_dataset is not None:
        state.user_datasets()[run.config.dataset] = run.user_dataset
    sidebar.apply_config(run.config, _("Restored your run from before the refresh: {what}.", what=_what(run)))
    ss["sb_preset"] = run.preset
    session = run.session
    ss[state.TRAINING], ss[state.MODEL], ss[state.HISTORY] = session, session.net, session.history
    ss[state.MODEL_KEY], ss[state.INITIAL_PARAMS] = run.config.model_key(), run.initial_params


def _kept(session, cfg, running):
    ss = st.session_state
    user_dataset = state.user_datasets().get(cfg.dataset)
    initial = ss.get(state.INITIAL_PARAMS)
    return KeptRun(session=session, config=cfg, preset=ss.get("sb_preset"), initial_params=initial,
                   user_dataset=user_dataset, running=running,
                   nbytes=run_bytes(session, initial, user_dataset))


def following(session, records, cfg):
    """The run's records, passed through; at the end of each epoch the store points at the live session
    (a reference: no copy per epoch, and never handed out while ``running``)."""
    token = st.session_state.get(state.RESUME_TOKEN)
    st.session_state.pop(state.RESUME_OFFER, None)  # training here replaces the kept run
    for record in records:
        if token and isinstance(record, EpochRecord):
            STORE.put(token, _kept(session, cfg, running=True))
        yield record


def keep(session, cfg):
    """At a run's end, in its own thread (no other writes the model now): keep a copy of the session."""
    token = st.session_state.get(state.RESUME_TOKEN)
    if token and session.history.n_steps:
        STORE.put(token, _kept(copy_session(session), cfg, running=False))
