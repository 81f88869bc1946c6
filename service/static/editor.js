// The guided editor, enhanced: word and character counts as you type, ids proposed from
// titles, and a preview of rich text rendered by the server's own parser. The form works
// without this script: every button is a submit button the server applies.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var previewUrl = form.dataset.previewUrl;
  var WAIT_MS = 400;
  // The page's language comes with the form: "{n} ord" / "{n} words", and its digit grouping.
  var texts = form.dataset;

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function words(text) {
    var parts = text.trim().split(/\s+/);
    return parts[0] === "" ? 0 : parts.length;
  }

  function number(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, texts.group || ".");
  }

  function updateCount(field) {
    var note = document.getElementById(field.id + "-count");
    if (!note) { return; }
    var max = parseInt(note.dataset.max, 10);
    var value = field.value.replace(/\r\n/g, "\n");
    // Counts as the server keeps it: a line field loses the spaces around it.
    var length = field.tagName === "INPUT" ? value.trim().length : value.length;
    var count = words(value);
    note.textContent = fill(count === 1 ? texts.wordsOne : texts.wordsOther, { n: number(count) }) +
      " · " + fill(texts.chars, { chars: number(length), max: number(max) });
    note.classList.toggle("over", length > max);
  }

  function slugify(text) {
    var folded = text.toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa");
    folded = folded.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    var first = folded.trim().split(/\s+/).slice(0, 6).join(" ");
    return first.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 56).replace(/-+$/, "");
  }

  var RESERVED = ["foreword", "signs_of_success", "timeline", "layout"];

  function proposeId(field, source) {
    var base = slugify(source.value);
    if (!base) { field.value = ""; return; }
    if (field.id === "document-slug") { field.value = base; return; }
    var taken = {};
    RESERVED.forEach(function (word) { taken[word] = true; });
    form.querySelectorAll("input[data-id-from]").forEach(function (other) {
      if (other !== field && other.id !== "document-slug" && other.value) { taken[other.value] = true; }
    });
    var candidate = base, n = 2;
    while (taken[candidate]) { candidate = base + "-" + n; n += 1; }
    field.value = candidate;
  }

  form.querySelectorAll("input[data-id-from]").forEach(function (field) {
    var source = document.getElementById(field.dataset.idFrom);
    if (!source) { return; }
    // Once someone types an id, it is theirs: the title no longer changes it.
    field.addEventListener("input", function () { delete field.dataset.auto; });
    source.addEventListener("input", function () {
      if ("auto" in field.dataset) { proposeId(field, source); }
    });
  });

  function showPreview(field) {
    var box = document.getElementById(field.id + "-preview");
    if (!box || !previewUrl || !window.fetch) { return; }
    fetch(previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ text: field.value.replace(/\r\n/g, "\n") })
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      if (answer.error) {
        box.textContent = "";
        var p = document.createElement("p");
        p.className = "bad";
        p.textContent = answer.error;
        box.appendChild(p);
      } else {
        // The server's filter escapes every text; it builds only p, ul, ol, li, em, strong, a, br.
        box.innerHTML = answer.html;
      }
    }).catch(function () { /* the server-side preview stays until the next answer */ });
  }

  form.querySelectorAll("[data-count-for]").forEach(function (note) {
    var field = document.getElementById(note.dataset.countFor);
    if (field) { field.addEventListener("input", function () { updateCount(field); }); }
  });

  form.querySelectorAll("textarea[data-rich]").forEach(function (field) {
    var timer = null;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { showPreview(field); }, WAIT_MS);
    });
  });
})();
