// Progressive enhancement: turn each server-drawn chart (an <img> of SVG) into an
// interactive vega-embed view of the same spec. Without scripts the image and its data
// table stay; if anything fails here, they stay too.
(function () {
  "use strict";
  // The server draws each chart for narrow screens too (<picture><source media=…>); the
  // live chart uses the same layout as the drawing the browser chose for this screen, so
  // its text keeps its size instead of shrinking with the drawing.
  function sameWidth(url, img) {
    var picture = img.closest ? img.closest("picture") : null;
    var sources = picture ? picture.querySelectorAll("source[media]") : [];
    for (var i = 0; i < sources.length; i++) {
      if (!window.matchMedia || !window.matchMedia(sources[i].media).matches) { continue; }
      var chosen = /[?&]bredde=(\w+)/.exec(sources[i].getAttribute("srcset") || "");
      if (!chosen) { return url; }
      return url + (url.indexOf("?") < 0 ? "?" : "&") + "bredde=" + chosen[1];
    }
    return url;
  }
  function enhance(figure) {
    var url = figure.getAttribute("data-spec");
    var img = figure.querySelector("img.chart-img");
    if (!url || !img || typeof window.vegaEmbed !== "function") { return; }
    fetch(sameWidth(url, img), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (spec) {
        var live = document.createElement("div");
        live.className = "chart-live";
        var holder = img.closest ? (img.closest("picture") || img) : img;
        holder.parentNode.insertBefore(live, holder);
        // ast: vega-embed evaluates expressions with its bundled interpreter instead of
        // new Function(), which the Content-Security-Policy (no 'unsafe-eval') forbids.
        var options = { renderer: "svg", actions: false, defaultStyle: false, ast: true,
                        tooltip: { disableDefaultStyle: true } };
        return window.vegaEmbed(live, spec, options).then(function () {
          holder.hidden = true;
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
