// Today's one enhancement: a Copy button for the questionnaire's address.
// Without this script the address sits in a read-only field, selectable to
// copy by hand; with it the button appears and copies in one tap. Loaded by
// the Today page only, from this origin, as the Content-Security-Policy
// wants.
"use strict";

(function () {
  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copyFrom);
    if (!field) return;
    const status = document.getElementById(field.id + "-copied") || null;
    function said(text) {
      button.textContent = text;
      if (status) status.textContent = text === "Copied" ? "The address is copied: paste it where your clients will find it." : "";
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { said("Copied"); }, function () { said("Selected: copy it now"); });
        return;
      }
      // Plain http (a studio on its own network): the clipboard API is
      // not offered there, the old command still is.
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      said(ok ? "Copied" : "Selected: copy it now");
    });
  });
})();
