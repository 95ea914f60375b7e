/* Move a stop by dragging it on the walks map (ADR 0174): no framework, no CDN.
 * The page works without this script: the "Move a stop" form takes a stop and its new
 * latitude and longitude. The script only fills that form from where a stop is dropped and
 * submits it, so the move is saved by the same service as the stop form (riders re-seated).
 */
(function () {
  "use strict";
  var svg = document.getElementById("walks-map");
  var form = document.getElementById("move-form");
  if (!svg || !form) { return; }
  var x0 = parseFloat(svg.dataset.x0), y0 = parseFloat(svg.dataset.y0);
  var span = parseFloat(svg.dataset.span), pad = parseFloat(svg.dataset.pad);
  var box = svg.viewBox.baseVal;
  var dragging = null;

  function local(evt) {
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX; pt.y = evt.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }

  function toLonLat(p) {
    return {
      lon: x0 + (p.x - pad) / (box.width - 2 * pad) * span,
      lat: y0 + (box.height - pad - p.y) / (box.height - 2 * pad) * span
    };
  }

  svg.querySelectorAll(".stop-handle").forEach(function (rect) {
    rect.style.cursor = "move";
    rect.addEventListener("pointerdown", function (evt) {
      evt.preventDefault();
      dragging = rect;
      rect.setPointerCapture(evt.pointerId);
    });
    rect.addEventListener("pointermove", function (evt) {
      if (dragging !== rect) { return; }
      var p = local(evt);
      rect.setAttribute("x", (p.x - 6).toFixed(1));
      rect.setAttribute("y", (p.y - 6).toFixed(1));
    });
    rect.addEventListener("pointerup", function (evt) {
      if (dragging !== rect) { return; }
      dragging = null;
      var to = toLonLat(local(evt));
      form.elements.stop.value = rect.dataset.stop;
      form.elements.lat.value = to.lat.toFixed(6);
      form.elements.lon.value = to.lon.toFixed(6);
      form.submit();
    });
  });
})();
