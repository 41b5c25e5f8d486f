"""The situation picture: the first thing the committee head sees in the morning.

Open incidents by state and the active alerts with their acknowledgement progress,
on the map with the key sites (Leaflet from xstatic, tiles only from
``VIGIL_MAP_TILES``) and as a list for phones. Exercise items are shown apart and
never counted in the real figures.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.coordinates import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN
from vigil.core.pages import audit_classified_view
from vigil.situation import queries


def picture(request: HttpRequest) -> HttpResponse:
    user = request.user
    real = queries.part_for(user, exercise=False)
    exercise = queries.part_for(user, exercise=True)
    context = {
        "real": real,
        "exercise": exercise,
        # The real open incidents: what the home panel's figure counts.
        "rows": real.incidents,
        "points": queries.map_points(user, real, exercise),
        "tiles": settings.VIGIL_MAP_TILES,
        "attribution": settings.VIGIL_MAP_ATTRIBUTION,
        "bounds": f"{LAT_MIN},{LON_MIN},{LAT_MAX},{LON_MAX}",
        "page_stamp": audit_classified_view(request, [*real.shown, *exercise.shown]),
    }
    return render(request, "situation/picture.html", context)
