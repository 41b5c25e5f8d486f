// The situation map (no inline script: the CSP forbids it). The points come from a
// JSON data block (json_script); the container names the tile URL template
// (data-tiles, empty: no tiles, a graticule instead) and Vietnam's box (data-bounds).
(function () {
  "use strict";

  function background(map, box) {
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

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("situation-map");
    var data = document.getElementById("situation-points");
    if (!container || !data || !window.L) { return; }
    var points = JSON.parse(data.textContent);
    var box = container.dataset.bounds.split(",").map(Number);
    var map = L.map(container, { minZoom: 4, maxZoom: 18 });
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, { maxZoom: 18, attribution: container.dataset.attribution || "" }).addTo(map);
    }
    background(map, box);
    var layer = L.featureGroup();
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: point.kind === "site" ? 6 : 10,
        className: "situation-marker kind-" + point.kind + (point.exercise ? " exercise" : "")
      });
      var label = document.createElement("span");
      label.textContent = (point.exercise ? container.dataset.exerciseLabel + " · " : "") + point.name +
        (point.state ? " (" + point.state + ")" : "") +
        (point.progress !== undefined ? " · " + point.progress + "%" : "");
      marker.bindTooltip(label);
      if (point.url) {
        marker.on("click", function () { window.location.assign(point.url); });
      }
      layer.addLayer(marker);
    });
    layer.addTo(map);
    if (points.length) {
      map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 12 });
    } else {
      map.fitBounds([[box[0], box[1]], [box[2], box[3]]]);
    }
    container.dataset.loaded = "true";
  });
}());
