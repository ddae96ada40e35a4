"""Chart images for the packs: plotly figures to PNG through one long-lived browser.

kaleido drives Debian's Chromium. A cold render starts a browser (~3 s); with
``kaleido.start_sync_server()`` the browser stays up and each image takes
~0.2 s (measured here; see the README's Performance section). The server is a
process-wide singleton, so the first render starts it, every later render in
the process (a whole pack, a batch of governor reports, repeated clicks in the
dashboard) reuses it, and kaleido closes it at interpreter exit.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

# Slide picture size at 16:9; PNGs are drawn at this size and scaled up for crisp projection.
SLIDE_WIDTH_PX = 1200
SLIDE_HEIGHT_PX = 600
DEFAULT_SCALE = 1.5

_CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")

_lock = threading.Lock()

# traces drawn on x/y axes (the maps have none, and an axis setting would add empty axes)
_CARTESIAN = {"bar", "scatter", "histogram", "box", "heatmap"}


class RenderError(RuntimeError):
    """A chart could not be drawn as an image (no browser, or the browser failed)."""


def find_browser() -> str | None:
    """Path of a Chromium-family browser kaleido can drive, or None.

    ``BROWSER_PATH`` (choreographer's own variable) wins so CI can point at a
    specific binary.
    """
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in _CHROME_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def local_topojson_url() -> str | None:
    """A ``file://`` URL of plotly's topojson files when they are installed locally.

    Only ``plotly.graph_objects.Choropleth``/``Scattergeo`` need these; the
    MapLibre ``*_map`` traces draw with ``map_style="white-bg"`` and need
    nothing from the network. ``ESAFETY_TOPOJSON_DIR`` names the folder.
    """
    folder = os.environ.get("ESAFETY_TOPOJSON_DIR")
    if folder and Path(folder).is_dir():
        return Path(folder).resolve().as_uri() + "/"
    return None


def _ensure_server() -> None:
    import kaleido

    if kaleido._global_server.is_running():
        return
    browser = find_browser()
    if browser is None:
        # Without this check the server thread dies and the first call waits forever.
        raise RenderError(
            "cannot draw chart images: no Chromium browser found "
            "(install Debian's 'chromium' or set BROWSER_PATH)"
        )
    os.environ.setdefault("BROWSER_PATH", browser)
    kaleido.start_sync_server(silence_warnings=True)


def is_running() -> bool:
    """Whether the shared browser is up (used by tests and the bench)."""
    import kaleido

    return bool(kaleido._global_server.is_running())


def stop() -> None:
    """Close the shared browser now (it is also closed at interpreter exit)."""
    import kaleido

    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)


def prepared(fig: go.Figure, width: int, height: int) -> go.Figure:
    """A copy of ``fig`` laid out the same way in any process, at exactly ``width`` × ``height``.

    The figure's template is named explicitly: a figure built in the Streamlit
    app carries Streamlit's template (importing Streamlit makes it plotly's
    default), which has no axis automargin, and kaleido then cut the labels off
    (the pack from the Meeting packs page). Axis automargin is switched on
    whatever the template, and the size is fixed so nothing depends on autosize.
    """
    from presentation.charts import TEMPLATE

    out = go.Figure(fig)
    out.update_layout(template=TEMPLATE, autosize=False, width=int(width), height=int(height))
    if any(t.type in _CARTESIAN for t in out.data):
        out.update_xaxes(automargin=True)
        out.update_yaxes(automargin=True)
    return out


def _image(fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    import kaleido

    fig = prepared(fig, width, height)
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": float(scale)}
    # The sync server has one task queue and one result queue: two threads
    # (two Streamlit sessions) calling at once would swap results.
    with _lock:
        _ensure_server()
        try:
            data = kaleido.calc_fig_sync(fig, opts=opts, topojson=local_topojson_url())
        except Exception as exc:  # kaleido raises its own and choreographer's errors
            raise RenderError(f"chart image failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(data, bytes | bytearray):
        raise RenderError(f"chart image failed: the browser did not return {fmt.upper()}")
    return bytes(data)


def figure_png(
    fig: go.Figure,
    *,
    width: int = SLIDE_WIDTH_PX,
    height: int = SLIDE_HEIGHT_PX,
    scale: float = DEFAULT_SCALE,
) -> bytes:
    """PNG bytes of a plotly figure, drawn by the shared browser."""
    data = _image(fig, "png", width, height, scale)
    if not data.startswith(b"\x89PNG"):
        raise RenderError("chart image failed: the browser did not return a PNG")
    return data


def figure_svg(
    fig: go.Figure, *, width: int = SLIDE_WIDTH_PX, height: int = SLIDE_HEIGHT_PX
) -> bytes:
    """The same drawing as :func:`figure_png` as SVG (tests measure its text boxes)."""
    return _image(fig, "svg", width, height, 1.0)
