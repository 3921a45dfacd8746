"""plotly.js is a static file like the app's own, found in the installed plotly package."""

from pathlib import Path

import plotly
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.test import RequestFactory

PLOTLY_FILE = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def test_plotly_is_found_as_a_static_file_in_the_installed_package():
    assert Path(finders.find("plotly/plotly.min.js")) == PLOTLY_FILE
    assert finders.find("plotly/widgetbundle.js") is None


def test_plotly_is_listed_for_collectstatic():
    finder = finders.get_finder("salespath.serving.finders.PlotlyFinder")
    listed = [(storage.prefix, path) for path, storage in finder.list([])]
    assert listed == [("plotly", "plotly.min.js")]


def test_the_static_handler_serves_plotly_before_collectstatic():
    # What runserver (make demo) and the browser tests' live server do: serve the finders.
    request = RequestFactory().get("/static/plotly/plotly.min.js")
    response = serve(request, "plotly/plotly.min.js", insecure=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLOTLY_FILE.read_bytes()
