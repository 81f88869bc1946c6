// Follows a preview (templates/previews/panel.html): asks for its state every second
// and, when it is ready, shows its pages, announcing the change to screen readers (the
// aria-live region). Without this script the panel's "Opdater" link shows it again.
// Its texts are the page's language: the panel's data-text-* attributes and the answer's
// labels, both made by the server.
(function () {
  "use strict";
  var EVERY_MS = 1000;
  // After the first half minute (a queue behind other work) it asks less often, and after
  // ten minutes it stops: a preview lives an hour, and the "Opdater" link stays.
  var SLOWER_AFTER_MS = 30000;
  var STOP_AFTER_MS = 600000;

  function follow(panel) {
    var url = panel.dataset.previewUrl;
    var announce = panel.querySelector("[data-announce]");
    var refresh = panel.querySelector("[data-refresh-link]");
    var stateSpan = panel.querySelector("[data-preview-state]");
    var seen = stateSpan.textContent;
    var texts = panel.dataset;
    var started = Date.now();

    function later() {
      var waited = Date.now() - started;
      if (waited < STOP_AFTER_MS) { window.setTimeout(poll, waited < SLOWER_AFTER_MS ? EVERY_MS : EVERY_MS * 5); }
    }

    function show(data) {
      stateSpan.className = "state state-" + data.state;
      stateSpan.textContent = data.state_label;
      if (!data.ended) {
        if (data.state_label !== seen) { announce.textContent = texts.textState.replace("{state}", data.state_label); }
        seen = data.state_label;
        return;
      }
      if (refresh) { refresh.hidden = true; }
      if (data.state === "failed") {
        var box = panel.querySelector("[data-preview-error]");
        var p = document.createElement("p");
        p.className = "flash bad";
        p.setAttribute("role", "alert");
        p.textContent = texts.textFailed + " ";
        var reason = document.createElement("span");
        // A worker's reason is English whatever the page's language: said so for screen readers.
        if (data.error_language !== document.documentElement.lang) { reason.lang = data.error_language; }
        reason.textContent = data.error || "";
        p.appendChild(reason);
        box.textContent = "";
        box.appendChild(p);
        return;
      }
      var pages = panel.querySelector("[data-preview-pages]");
      pages.textContent = "";
      data.pages.forEach(function (page) {
        var img = document.createElement("img");
        img.src = page.url;
        img.alt = page.alt;
        img.width = page.width;
        img.height = page.height;
        var link = document.createElement("a");
        link.href = page.url;
        link.appendChild(img);
        pages.appendChild(link);
      });
      panel.querySelector("[data-preview-count]").textContent =
        data.count_text ? data.count_text + " " + texts.textChoose : "";
      announce.textContent = texts.textReady + " " + data.count_text;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          // Signed out, or the preview expired: leave the "Opdater" link.
          if (!response.ok || type.indexOf("application/json") !== 0) { return null; }
          return response.json();
        })
        .then(function (data) {
          if (!data) { return; }
          show(data);
          if (!data.ended) { later(); }
        })
        .catch(later);
    }

    window.setTimeout(poll, EVERY_MS);
  }

  var panel = document.getElementById("preview");
  if (panel && panel.dataset.previewUrl && window.fetch) { follow(panel); }
})();
