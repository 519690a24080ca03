// Progressive enhancement: a person box suggests names as the reader types, from
// /api/v1/search/. Without this file the box still works: the server resolves the text.
// Each suggestion's value is the person's id, or the name with data-suggest-value="name".
(function () {
  "use strict";

  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) return;
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      timer = setTimeout(function () {
        asked = text;
        fetch(input.getAttribute("data-suggest") + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (asked !== text) return;
            list.replaceChildren();
            (data.results || []).forEach(function (result) {
              var option = document.createElement("option");
              option.value = input.getAttribute("data-suggest-value") === "name" ? result.name : result.id;
              option.label = result.name;
              option.textContent = result.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
