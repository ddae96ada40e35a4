"""The dashboard server: ``streamlit run serve.py`` (what ``make run`` starts).

The same app as ``streamlit run dashboard.py``, with ui.server's guard in
front: with sign-in configured, download and media URLs answer only to a
signed-in browser. dashboard.py refuses to run with sign-in configured
unless it is served this way.
"""

from starlette.middleware import Middleware
from streamlit.starlette import App

from ui.server import SignedInOnly

app = App("dashboard.py", middleware=[Middleware(SignedInOnly)])
