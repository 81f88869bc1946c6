// Opens a set-password link: its secret is in the address after "#", which the browser
// never sends, so no access log holds it. This posts it in the page's form, after taking
// it out of the address bar and the history. Without this script the page asks the
// person to paste the link.
(function () {
  "use strict";
  var form = document.querySelector("form[data-link-form]");
  var code = window.location.hash.replace(/^#/, "");
  if (!form || !code) { return; }
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  form.querySelector("[name=code]").value = code;
  var opening = document.querySelector("[data-opening]");
  if (opening) { opening.hidden = false; }
  form.hidden = true;
  form.submit();
})();
