// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Filter forms: leave empty fields out of the address, so shared links stay short.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
  });

  // On a phone a list's filter panel is closed before the page is drawn: closed-on-phone.js.

  // A filter refused: its reasons, listed before the boxes, take the focus, so that a screen
  // reader says them first (the panel stays open above: it holds an error).
  var refused = document.getElementById("filter-errors");
  if (refused) refused.focus();

  // An error summary's links (the filters', the newsroom's forms') put the focus in the box
  // they name, not only scroll to it: the reader types the correction at once.
  document.querySelectorAll('#filter-errors a[href^="#"], #form-errors a[href^="#"]').forEach(
    function (link) {
      link.addEventListener("click", function (event) {
        var box = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (!box || typeof box.focus !== "function") return;
        event.preventDefault();
        box.focus();
      });
    }
  );

  // A link to a closed <details> ("The same facts as a table"), or an address ending with
  // its id, opens it: otherwise the reader lands on a summary line with the facts hidden.
  function openDetailsAt(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    var details = target && target.closest("details");
    if (details) details.open = true;
  }
  document.querySelectorAll('a[href^="#"]').forEach(function (link) {
    link.addEventListener("click", function () { openDetailsAt(link.getAttribute("href")); });
  });
  window.addEventListener("hashchange", function () { openDetailsAt(location.hash); });
  openDetailsAt(location.hash);

  // The language switch goes to the same place on the page in the other language: the
  // fragment ("#verdict-non_compliance", a rule version's "#rule-…") never reaches the
  // server, which writes the switch's links, so it is added to them here, kept up to date
  // as the reader follows links within the page, and once more on the click itself.
  var languageLinks = document.querySelectorAll("nav.languages a[href]");
  function keepFragment() {
    languageLinks.forEach(function (link) {
      var href = link.getAttribute("href").split("#")[0];
      link.setAttribute("href", href + (location.hash.length > 1 ? location.hash : ""));
    });
  }
  languageLinks.forEach(function (link) { link.addEventListener("click", keepFragment); });
  window.addEventListener("hashchange", keepFragment);
  keepFragment();

  // "Cite this page" and "Embed this": a button that copies the citation or the code.
  document.querySelectorAll("textarea[data-copy]").forEach(function (area) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    // The button's words come with the page, in its language (data-copy, data-copied).
    button.textContent = area.dataset.copy;
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "copy-status";
    // The live region says each result once it has been emptied, so that a second copy is
    // announced too (the same words again are not a change a screen reader hears); a copy
    // the browser refuses says so and selects the text, for the reader's own keys.
    function say(words) {
      status.textContent = "";
      setTimeout(function () { status.textContent = " " + words; }, 150);
    }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(area.value).then(
        function () { say(area.dataset.copied); },
        function () {
          area.focus();
          area.select();
          say(area.dataset.copyFailed);
        }
      );
    });
    area.insertAdjacentElement("afterend", status);
    area.insertAdjacentElement("afterend", button);
  });
})();
