// Progressive enhancement: turn each server-drawn chart (an <img> of SVG) into an
// interactive vega-embed view of the same spec. Without scripts the image and its data
// table stay; if anything fails here, they stay too.
(function () {
  "use strict";
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
