// The sites map (no inline script: the CSP forbids it). The container names the map
// data endpoint (data-url, the page's filters included), the site page's URL with id 0
// (data-site-url), the tile URL template (data-tiles, empty: no tiles, the default on a
// closed network) and Vietnam's box (data-bounds: south,west,north,east).
// Each marker is an SVG circle with the classes site-marker, site-<id>, state-<state>
// and risk-<band>; map.css colours them by state or by risk, as the container's class
// colour-state or colour-risk says. Clicking a marker opens the site.
(function () {
  "use strict";

  var RANKS = { current: 1, review_due: 2, not_approved: 3, overdue: 4, revision_required: 5, no_plan: 0 };
  var RISKS = { none: 0, low: 1, medium: 2, high: 3 };

  function riskBand(risk) {
    if (risk === null || risk === undefined) { return "none"; }
    if (risk >= 64) { return "high"; }
    if (risk >= 27) { return "medium"; }
    return "low";
  }

  function worst(markers, key, ranks) {
    var best = null;
    markers.forEach(function (marker) {
      var value = marker.options.site[key];
      if (best === null || ranks[value] > ranks[best]) { best = value; }
    });
    return best;
  }

  function clusterIcon(cluster) {
    var markers = cluster.getAllChildMarkers();
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = document.createElement("div");
    var span = document.createElement("span");
    span.textContent = String(count);
    inner.appendChild(span);
    return L.divIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size + " site-cluster state-" +
        worst(markers, "state", RANKS) + " risk-" + worst(markers, "band", RISKS),
      iconSize: L.point(40, 40)
    });
  }

  function drawBackground(map, box) {
    // Lines every half degree inside Vietnam's box, and the box itself.
    var step = 0.5, lines = [], value;
    for (value = Math.ceil(box[0] / step) * step; value <= box[2]; value += step) {
      lines.push([[value, box[1]], [value, box[3]]]);
    }
    for (value = Math.ceil(box[1] / step) * step; value <= box[3]; value += step) {
      lines.push([[box[0], value], [box[2], value]]);
    }
    L.polyline(lines, { className: "map-graticule", weight: 1, interactive: false }).addTo(map);
    L.rectangle([[box[0], box[1]], [box[2], box[3]]],
      { className: "map-outline", weight: 2, fill: false, interactive: false }).addTo(map);
  }

  function marker(feature, siteUrl) {
    var site = {
      id: feature.id,
      state: feature.properties.state,
      band: riskBand(feature.properties.risk)
    };
    var coordinates = feature.geometry.coordinates;
    var circle = L.circleMarker([coordinates[1], coordinates[0]], {
      radius: 9,
      className: "site-marker site-" + site.id + " state-" + site.state + " risk-" + site.band,
      site: site
    });
    var label = document.createElement("span");
    label.textContent = feature.properties.name;
    circle.bindTooltip(label);
    circle.on("click", function () {
      window.location.assign(siteUrl.replace(/\/0\/$/, "/" + site.id + "/"));
    });
    return circle;
  }

  function show(container, map, box, collection) {
    var status = document.getElementById("site-map-status");
    var group = L.markerClusterGroup({
      maxClusterRadius: 40,
      disableClusteringAtZoom: 13,
      iconCreateFunction: clusterIcon
    });
    collection.features.forEach(function (feature) {
      group.addLayer(marker(feature, container.dataset.siteUrl));
    });
    group.addTo(map);
    if (collection.features.length) {
      map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 12 });
    } else {
      map.fitBounds([[box[0], box[1]], [box[2], box[3]]]);
    }
    if (status) {
      status.textContent = collection.features.length
        ? container.dataset.countLabel + " " + collection.features.length
        : container.dataset.emptyLabel;
    }
    container.dataset.loaded = "true";
  }

  function colourBy(container, value) {
    container.classList.remove("colour-state", "colour-risk");
    container.classList.add(value === "risk" ? "colour-risk" : "colour-state");
    document.getElementById("legend-state").hidden = value === "risk";
    document.getElementById("legend-risk").hidden = value !== "risk";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("site-map");
    if (!container || !window.L) { return; }
    var box = container.dataset.bounds.split(",").map(Number);
    var map = L.map(container, { minZoom: 4, maxZoom: 18 });
    map.fitBounds([[box[0], box[1]], [box[2], box[3]]]);
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, {
        maxZoom: 18, attribution: container.dataset.attribution || ""
      }).addTo(map);
    }
    drawBackground(map, box);
    var checked = document.querySelector("input[name=colour]:checked");
    colourBy(container, checked ? checked.value : "state");
    document.querySelectorAll("input[name=colour]").forEach(function (input) {
      input.addEventListener("change", function () { colourBy(container, input.value); });
    });
    fetch(container.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) { show(container, map, box, collection); })
      .catch(function () {
        var status = document.getElementById("site-map-status");
        if (status) { status.textContent = container.dataset.errorLabel; }
        container.dataset.loaded = "error";
      });
  });
}());
