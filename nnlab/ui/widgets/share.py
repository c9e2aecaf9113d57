"""A link is the configuration: the sidebar's settings and the page, kept in the address bar.

Copying the address and opening it in another browser rebuilds the same network with the same seed, so
every page shows the same numbers. Three steps of a run, called by the router:

- ``follow_link`` (a session's first run, before the sidebar draws): the URL's query parameters, checked
  by ``lab.link``, become the sidebar's settings; each bad parameter becomes a notice, shown on this run.
- ``keep_in_url`` (every run, after the sidebar drew): the URL follows the sidebar, written only when it
  differs, so writing it never causes another run.
- ``share_box`` (in the sidebar): the link to copy, and what a link cannot carry.

Streamlit 1.67's navigation drops the whole query string when the user clicks another page (the new
page's run sees no parameters), so ``keep_in_url`` writes the settings back, and puts back the parameters
of others (the classroom's ``resume``) as they were at the start of the previous run. Parameters that
are not ours are never deleted.
"""
from html import escape
from urllib.parse import quote, urlencode

import streamlit as st

from ...data.builtin import DATASETS
from ...i18n import _
from ...lab import link
from ...lab.config import LabConfig
from ...lab.link_config import carried_preset, config_from_link, data_of_link, link_settings
from ...lab.presets import CUSTOM, PRESETS
from .. import state
from .sidebar import apply_config

HOME = "home"  # the name of the default page in a link (its URL path is "")


def page_name(page):
    """A page's name in a link: its URL path, ``home`` for the default page."""
    return page.url_path or HOME


def _pages(pages):
    """name -> st.Page of the router's pages (``{section: [st.Page, …]}``)."""
    return {page_name(p): p for section in pages.values() for p in section}


def _params():
    """The URL's query parameters as name -> list of values (Streamlit's own ``embed`` ones excluded)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def follow_link(pages, page):
    """On a session's first run, set the sidebar from the URL (call before the sidebar draws). A link that
    names another page than the one opened switches to it."""
    ss = st.session_state
    if ss.get(state.LINK_FOLLOWED):
        return
    ss[state.LINK_FOLLOWED] = True
    params = _params()
    if not params:
        return
    routed = _pages(pages)
    decoded = link.decode(params, datasets=tuple(DATASETS), presets=(CUSTOM, *PRESETS), pages=tuple(routed))
    sentences = [str(problem) for problem in decoded.notices]
    if any(key in link.DEFAULTS for key in params):
        settings = decoded.config
        data = state.get_dataset(data_of_link(settings, decoded.named))
        cfg, preset, notices = config_from_link(settings, data, decoded.named)
        apply_config(cfg)
        ss.sb_preset = preset
        sentences += notices
    target = decoded.config["page"]
    if "page" in params and target != page_name(page):
        ss.setdefault(state.NOTICES, []).extend(sentences)  # shown by the linked page's run, which starts now
        st.switch_page(routed[target], query_params=params)
    for sentence in sentences:
        state.notice(sentence)


def _wanted(page):
    """The query parameters of the current state: ours (the link's settings) and the others'."""
    ss = st.session_state
    cfg = state.config()
    ours = link.encode(link_settings(cfg, ss.get("sb_preset", CUSTOM), page_name(page)))
    now = _params()
    name = page_name(page)
    switched = ss.get(state.LINK_PAGE) not in (None, name)
    ss[state.LINK_PAGE] = name
    others = {key: values for key, values in now.items() if key not in link.DEFAULTS}
    if switched and not now:  # the navigation dropped the query string
        others = ss.get(state.LINK_OTHERS, {})
    ss[state.LINK_OTHERS] = others
    return {**{key: [text] for key, text in ours.items()}, **others}, now


def keep_in_url(page):
    """Make the URL's query parameters describe the current state (call after the sidebar drew); written
    only when they differ. Returns the query string to share (without "?"): the browser's own ``resume``
    token (``ui.kept_run``) left out, so a shared link never hands over the sharer's kept run."""
    wanted, now = _wanted(page)
    if wanted != now:
        st.query_params.from_dict(wanted)
    return urlencode({key: values for key, values in wanted.items() if key != "resume"}, doseq=True,
                     quote_via=_quote)


def _quote(text, safe, encoding, errors):
    """Percent-encoding for a link people read: commas and brackets stay as they are (both are allowed in a
    query string), so ``hidden=128,64`` and ``preset=(custom)`` read as typed."""
    return quote(text, safe=safe + ",()", encoding=encoding, errors=errors)


def _left_behind():
    """Sentences about what the current state holds that a link cannot carry."""
    ss = st.session_state
    cfg = state.config()
    notes = []
    if cfg.dataset not in DATASETS:
        notes.append(_("Your own data “{name}” cannot travel in a link: whoever opens it gets the built-in "
                       "{default} instead.", name=cfg.dataset, default=LabConfig().dataset))
    if ss.get(state.MODEL) is not None and state.initial_params() is None:
        notes.append(_("The weights of the model you loaded cannot travel in a link: whoever opens it starts from "
                       "fresh weights made from seed {seed}.", seed=cfg.seed))
    if cfg.spec is not None and carried_preset(cfg, ss.get("sb_preset", CUSTOM)) == CUSTOM:
        notes.append(_("This fixed architecture came from a loaded model, not from a preset, so a link cannot "
                       "carry it: whoever opens it gets the editable hidden layers {hidden} instead.",
                       hidden=", ".join(map(str, LabConfig().hidden))))
    if ss.get(state.AUGMENT) is not None:
        notes.append(_("Training here augments the images (Data page); a link does not carry augmentation, so "
                       "training from the link gives other numbers."))
    return notes


_COPY = """<button class="nnlab-copy" data-link="{link}" data-done="{done}" data-failed="{failed}">{label}</button>
<script>
for (const b of document.querySelectorAll("button.nnlab-copy:not([data-ready])")) {{
  b.dataset.ready = "1";
  b.addEventListener("click", () => navigator.clipboard.writeText(b.dataset.link).then(
    () => {{ b.textContent = b.dataset.done; }}, () => {{ b.textContent = b.dataset.failed; }}));
}}
</script>
<style>.nnlab-copy {{ font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
 border: 1px solid rgba(49, 51, 63, 0.2); background: transparent; color: inherit; }}</style>"""


def _copy_button(address):
    """A "Copy link" button that puts ``address`` on the clipboard. Streamlit has no clipboard widget, so it
    is a plain HTML button with one line of JavaScript; where the browser refuses (a page served over plain
    http from another machine), it says so and the box below still holds the link to copy by hand."""
    st.html(_COPY.format(link=escape(address, quote=True), label=escape(_("Copy link")),
                         done=escape(_("Copied"), quote=True),
                         failed=escape(_("This browser refused; copy the link from the box below"), quote=True)),
            unsafe_allow_javascript=True)


def share_box(query):
    """The sidebar's "Share" expander: the link to copy (``query`` is the URL's query string) and what it
    cannot carry."""
    base = st.context.url or ""
    with st.sidebar.expander(_("Share this network")):
        st.caption(_("This link holds the sidebar's settings and the page. Opened in another browser it rebuilds "
                     "this network, untrained, from the same seed, so every page shows the same numbers; "
                     "training it with the same settings repeats the same run."))
        address = f"{base}?{query}"
        _copy_button(address)
        st.code(address, language=None, wrap_lines=True)
        for note in _left_behind():
            st.warning(note, icon=":material/link_off:")
