// Progressive enhancement of the budget simulator: when a choice changes, ask the server
// for the same form's result (del=resultat) and swap it in. The server computes and
// formats every figure; without this script the "Regn ut" button does the same by
// reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("sim-form");
  var result = document.getElementById("resultat");
  if (!form || !result || !window.fetch || !window.URLSearchParams) { return; }
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value !== "" && el.value !== "0") { params.append(el.name, el.value); }
    });
    return params;
  }

  function refresh() {
    var params = query();
    var shown = form.getAttribute("action") + (params.toString() ? "?" + params : "");
    params.append("del", "resultat");
    var url = form.getAttribute("action") + "?" + params;
    var mine = ++latest;
    result.classList.add("is-busy");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text().then(function (t) { return [r, t]; }); })
      .then(function (pair) {
        if (mine !== latest) { return; }
        if (!pair[0].ok && pair[0].status !== 422) { throw new Error(pair[0].status); }
        result.innerHTML = pair[1];
        result.classList.remove("is-busy");
        follow();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", shown);
        }
      })
      .catch(function () {
        // leave the last result; the button still recomputes by reloading the page
        result.classList.remove("is-busy");
      });
  }

  // the phone's bar at the foot of the form repeats the new result's verdict (its words
  // and its colour, as the server wrote them)
  function follow() {
    var bar = document.getElementById("sim-bar");
    var said = result.querySelector(".sim-verdict");
    if (!bar || !said) { return; }
    bar.querySelector(".sim-bar-text").textContent = said.textContent;
    bar.className = said.classList.contains("ok") ? "ok" : "bad";
  }

  form.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.validity && !el.validity.valid) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
