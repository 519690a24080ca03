// The newsroom's forms (a report, the sign-in, the password reset): where the keyboard's
// focus goes when the page comes back.
// Progressive enhancement only: without this file the form works the same, and the
// "Preview below" link and the error summary's links lead to the same places.
(function () {
  "use strict";

  // Refused (its errors listed at the top), the summary first: it links to each field.
  // Previewed, the preview's heading: the preview is below the whole form, out of sight.
  var target =
    document.getElementById("form-errors") || document.querySelector("[data-focus-on-load]");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus(); // and scrolled into view
})();
