"""Figures built once per (selection, snapshot) and drawn from the store on every rerun.

A cached rerun of 总览 spent more CPU building plotly figures (update_layout's validators) and
serialising the pydeck map than on anything else left (py-spy of a server, docs/performance.md).
Here a figure is built on the first view of a selection and kept in the byte-capped result store
(ui/cache.derived: keyed by name, the frozen Scope, the snapshot's version and the caller's args);
later reruns hand the kept object straight to Streamlit. The object never reaches page code, so no
caller can change what another session draws (result_cache.Shared).

`args` must name every input of `build` that is not a function of (scope, snapshot): the chart's
height, colour, metric, level, a drill path. The theme is the server's (one per deployment).
"""
from __future__ import annotations

import json
import sys
from typing import Any, Callable

import streamlit as st

from queries.scope import Scope
from ui import cache
from ui.result_cache import Shared


def plotly_chart(name: str, scope: Scope, args: tuple, build: Callable[[], Any], **chart_kwargs: Any) -> Any:
    """st.plotly_chart of the figure `build()` returns, built once per key. st.plotly_chart reads
    the figure (to_dict, to_json) and never changes it."""
    held = cache.derived(f"plotly:{name}", scope, args, lambda: _shared_figure(build()))
    return st.plotly_chart(held.value, **chart_kwargs)


# A plotly Figure holds ~7× its JSON in Python objects (tracemalloc, 20 bar charts of 8 rows: 54 KB
# each against 7.7 KB of JSON): the store's byte budget counts 8× the JSON.
FIGURE_BYTES_PER_JSON_BYTE = 8


def _shared_figure(figure) -> Shared:
    return Shared(figure, FIGURE_BYTES_PER_JSON_BYTE * len(figure.to_json()))


class SerialisedDeck:
    """What st.pydeck_chart reads from a pydeck.Deck, with the JSON made once: to_json(), the
    tooltip, no mapbox key, no layers to convert (Streamlit's pandas-3 workaround walks `layers`)."""

    layers = None
    mapbox_key = None
    deck_widget = None

    def __init__(self, deck):
        try:   # what st.pydeck_chart does first under pandas 3 (frames in layers become records)
            from streamlit.elements.deck_gl_json_chart import _prepare_pydeck_for_json
            _prepare_pydeck_for_json(deck)
        except ImportError:
            pass
        self._json = deck.to_json()
        self._tooltip = getattr(deck, "_tooltip", None)

    def to_json(self) -> str:
        return self._json

    def size(self) -> int:
        return sys.getsizeof(self._json) + (len(json.dumps(self._tooltip)) if self._tooltip else 0)


def pydeck_chart(name: str, scope: Scope, args: tuple, build: Callable[[], Any], **chart_kwargs: Any) -> Any:
    """st.pydeck_chart of the deck `build()` returns, serialised once per key."""
    held = cache.derived(f"pydeck:{name}", scope, args, lambda: _shared_deck(build()))
    return st.pydeck_chart(held.value, **chart_kwargs)


def _shared_deck(deck) -> Shared:
    serialised = SerialisedDeck(deck)
    return Shared(serialised, serialised.size())
