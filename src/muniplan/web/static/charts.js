// Progressive enhancement: turn each server-drawn chart (an <img> of SVG) into an
// interactive vega-embed view of the same spec. Without scripts the image and its data
// table stay; if anything fails here, they stay too.
(function () {
  "use strict";
  // On a screen narrower than the chart, lay the chart out again at the screen's width
  // (text keeps its size) instead of shrinking the drawing (text would be 4-6 px).
  function narrow(spec, available) {
    if (typeof spec.width !== "number" || !available || available >= spec.width + 80) { return; }
    spec.width = Math.max(160, available - 2);
    spec.autosize = { type: "fit-x", contains: "padding" };
    var legend = spec.encoding && spec.encoding.color && spec.encoding.color.legend;
    if (legend && legend.orient !== "bottom") { legend.orient = "bottom"; }
    if (spec.config && spec.config.legend) { spec.config.legend.labelLimit = available - 40; }
  }
  function enhance(figure) {
    var url = figure.getAttribute("data-spec");
    var img = figure.querySelector("img.chart-img");
    if (!url || !img || typeof window.vegaEmbed !== "function") { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (spec) {
        var live = document.createElement("div");
        live.className = "chart-live";
        img.parentNode.insertBefore(live, img);
        narrow(spec, figure.clientWidth);
        // ast: vega-embed evaluates expressions with its bundled interpreter instead of
        // new Function(), which the Content-Security-Policy (no 'unsafe-eval') forbids.
        var options = { renderer: "svg", actions: false, defaultStyle: false, ast: true,
                        tooltip: { disableDefaultStyle: true } };
        return window.vegaEmbed(live, spec, options).then(function () {
          img.hidden = true;
          figure.classList.add("is-live");
        }, function (err) {
          live.remove();
          throw err;
        });
      })
      .catch(function (err) {
        // keep the static chart; say why for whoever looks at the console
        if (window.console) { window.console.warn("chart stays static:", err); }
      });
  }
  function start() {
    var figures = document.querySelectorAll("figure.chart[data-spec]");
    for (var i = 0; i < figures.length; i++) { enhance(figures[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
