// Follows a build on its page: asks for its states every 2 seconds and updates them in
// place, announcing each change to screen readers (the aria-live region), until the
// build is done or failed. Without this script the page's "Opdater" link reloads it.
// Its words are the page's language: the state URL words the states and the end for the
// same reader, and the page gives the rest (data-text-*).
(function () {
  "use strict";
  var card = document.getElementById("build");
  if (!card || !card.dataset.stateUrl || !window.fetch) { return; }
  var url = card.dataset.stateUrl;
  var announce = card.querySelector("[data-announce]");
  var refresh = card.querySelector("[data-refresh-link]");
  var EVERY_MS = 2000;
  var language = document.documentElement.lang || "da";
  var took = card.dataset.textTook || "{seconds}";
  var seen = {};

  function setState(span, state, label) {
    span.className = "state state-" + state;
    span.textContent = label;
    span.setAttribute("data-state", state);
  }

  function secondsText(seconds) {
    return seconds === null || seconds === undefined ? "" : seconds.toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " s";
  }

  function updateRow(out) {
    var row = card.querySelector('tr[data-output="' + out.name + '"]');
    if (!row) { return; }
    setState(row.querySelector("[data-state]"), out.state, out.state_label);
    row.querySelector("[data-attempts]").textContent = String(out.attempts);
    row.querySelector("[data-seconds]").textContent = secondsText(out.seconds);
    var error = row.querySelector("[data-error]");
    error.textContent = "";
    if (out.error) { error.appendChild(document.createElement("br")); error.appendChild(document.createTextNode(out.error)); }
    var cell = row.querySelector("[data-file]");
    if (out.url && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.href = out.url;
      link.textContent = out.file;
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = out.kib + " KiB";
      cell.textContent = "";
      cell.appendChild(link);
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(size);
    }
  }

  function update(data) {
    var news = [];
    data.outputs.forEach(function (out) {
      updateRow(out);
      if (seen[out.name] !== undefined && seen[out.name] !== out.state) {
        news.push(out.label + ": " + out.state_label);
      }
      seen[out.name] = out.state;
    });
    setState(card.querySelector("[data-build-state]"), data.state, data.state_label);
    if (data.ended) {
      card.querySelector("[data-build-seconds]").textContent =
        data.seconds === null ? "" : took.replace("{seconds}", secondsText(data.seconds));
      if (data.error) {
        var box = card.querySelector("[data-build-error]");
        var p = document.createElement("p");
        p.className = "flash bad";
        p.setAttribute("role", "alert");
        p.textContent = data.error;
        box.textContent = "";
        box.appendChild(p);
      }
      if (data.announcement) { news.push(data.announcement); }
      if (refresh) { refresh.hidden = true; }
    }
    if (news.length) { announce.textContent = news.join(". "); }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        // Signed out meanwhile (the sign-in page answers): leave the "Opdater" link.
        if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (!data.ended) { window.setTimeout(poll, EVERY_MS); }
      })
      .catch(function () {
        if (refresh) { refresh.hidden = false; }
      });
  }

  Array.prototype.forEach.call(card.querySelectorAll("tr[data-output]"), function (row) {
    seen[row.getAttribute("data-output")] = row.querySelector("[data-state]").getAttribute("data-state");
  });
  if (refresh) { refresh.hidden = true; }
  window.setTimeout(poll, EVERY_MS);
}());
