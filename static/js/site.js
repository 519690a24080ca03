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

  // "Cite this page": a button that copies the citation.
  document.querySelectorAll("textarea[data-copy]").forEach(function (area) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = document.documentElement.lang === "fr" ? "Copier la citation" : "Copy the citation";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "copy-status";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(area.value).then(function () {
        status.textContent = document.documentElement.lang === "fr" ? " Copiée." : " Copied.";
      });
    });
    area.insertAdjacentElement("afterend", status);
    area.insertAdjacentElement("afterend", button);
  });
})();
