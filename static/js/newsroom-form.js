// The newsroom's forms (a report, the sign-in, the password reset): where the keyboard's
// focus goes when the page comes back; and on a report form, a warning before leaving it
// changed, and what was typed kept in this browser until the server saves it, and carried
// over to the same form in another language by the header's language switch. The page's
// other forms with free text (a withdrawal's, a reviewer's comment) carry what was typed
// over the language switch too, and only over it.
// Progressive enhancement only: without this file the form works the same, and the
// "Preview below" link and the error summary's links lead to the same places.
(function () {
  "use strict";
  // Loaded twice on a page (a form's and a save's), it runs once.
  if (window.iccwatchNewsroomForm) return;
  window.iccwatchNewsroomForm = true;

  // sessionStorage: this tab's only, gone when the tab closes, when the form is saved or
  // left (but for the same form in another language), and when its account signs out or
  // another signs in on the tab (newsroom-account.js). Until then it is in the tab, for
  // whoever uses it to read with the browser's tools: the form gives it back only to the
  // account that typed it.
  var PREFIX = "iccwatch:typed:";
  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage refused by the browser: nothing is kept
    }
  }

  // The page after a save (newsroom/base.html): the server has what was typed in that form.
  var saved = document.getElementById("saved-form");
  if (saved && storage()) storage().removeItem(PREFIX + saved.getAttribute("data-saved-form"));

  // The sign-in page's promise that the form opens with what was typed holds only where
  // this script runs and the browser keeps what is typed: said then, and the wording for
  // a browser that keeps nothing hidden.
  if (storage()) {
    document.querySelectorAll("[data-typed-kept]").forEach(function (e) {
      e.hidden = false;
    });
    document.querySelectorAll("[data-typed-lost]").forEach(function (e) {
      e.hidden = true;
    });
  }

  keepTyped(document.querySelector("form[data-keep-typed]"));
  document.querySelectorAll("form[data-keep-over-switch]").forEach(function (form) {
    keepTyped(form, true);
  });

  // Refused (its errors listed at the top), the summary first: it links to each field.
  // Previewed, the preview's heading: the preview is below the whole form, out of sight.
  // One more source's fields added ("Add another source"), their fieldset, named by its
  // legend ("Source 3"): the page comes back at its top.
  // Restored, the (first) note that says so.
  var target =
    document.getElementById("form-errors") ||
    document.querySelector("[data-focus-on-load]") ||
    document.querySelector("[data-restored]");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus(); // and scrolled into view

  // What the form holds, as [name, value] pairs (a checkbox's only when ticked), without
  // its CSRF token, which belongs to the page.
  function typed(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  // One more source's fields in formset `prefix` ("source", a report's; "withdrawal_source",
  // a withdrawal's), a copy of its last one renumbered (as the server's "Add another
  // source" adds one), its errors left out.
  function addSource(form, prefix) {
    var all = Array.prototype.filter.call(form.querySelectorAll("fieldset.source"), function (f) {
      return f.querySelector("[name^='" + prefix + "-']");
    });
    var last = all[all.length - 1];
    var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
    if (!last || !total) return false;
    var n = parseInt(total.value, 10);
    var copy = last.cloneNode(true);
    var from = new RegExp(prefix + "-\\d+-", "g");
    var to = prefix + "-" + n + "-";
    copy.id = last.id.replace(/\d+$/, String(n + 1));
    copy.querySelectorAll(".error").forEach(function (e) {
      e.remove();
    });
    copy.querySelectorAll("*").forEach(function (e) {
      ["id", "name", "for", "aria-describedby"].forEach(function (a) {
        if (e.hasAttribute(a)) e.setAttribute(a, e.getAttribute(a).replace(from, to));
      });
      e.removeAttribute("aria-invalid");
      if ("value" in e && e.type !== "button" && e.type !== "submit") e.value = "";
    });
    var legend = copy.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(n + 1));
    last.after(copy);
    total.value = String(n + 1);
    return true;
  }

  // Put `pairs` back into the form; the sources of each of its formsets as many as were
  // typed.
  function restore(form, pairs) {
    var values = {};
    pairs.forEach(function (p) {
      (values[p[0]] = values[p[0]] || []).push(p[1]);
    });
    form.querySelectorAll("[name$='-TOTAL_FORMS']").forEach(function (total) {
      var prefix = total.name.replace(/-TOTAL_FORMS$/, "");
      var wanted = parseInt((values[total.name] || ["0"])[0], 10);
      while (parseInt(total.value, 10) < wanted && addSource(form, prefix)) {}
    });
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name || e.name === "csrfmiddlewaretoken" || e.type === "submit") return;
      if (/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(e.name)) return;
      var given = values[e.name];
      if (e.type === "checkbox") e.checked = !!given && given.indexOf(e.value) >= 0;
      else if (given) e.value = given[0];
    });
  }

  // A report form (`overSwitchOnly` false: data-keep-typed, under the page's address) kept
  // from the first change until the server saves it, with a warning before leaving it
  // changed; or another form with free text (`overSwitchOnly`: data-keep-over-switch, the
  // address of the page it is on, under that address and its id), kept only when the
  // language switch is clicked, for the same form in the other language. Each gives back
  // what was kept, saying so in the note its data-restored-note names (#form-restored by
  // default).
  function keepTyped(form, overSwitchOnly) {
    var store = storage();
    if (!form || !store) return;
    // A form the server gave back (a refusal, one more source's fields) is on the address
    // it was sent to; the language switch opens the page it is on, which its attribute
    // names.
    var key = overSwitchOnly
      ? PREFIX + form.getAttribute("data-keep-over-switch") + "#" + form.id
      : PREFIX + location.pathname;
    var unsaved = form.hasAttribute("data-unsaved"); // given back from a POST: not saved
    // The signed-in account's opaque mark (newsroom/base.html): each copy is tagged with
    // it, and one kept for another account (the tab shared) is forgotten, never shown.
    var nav = document.querySelector("[data-account]");
    var owner = nav ? nav.getAttribute("data-account") : "";
    var kept = null;
    try {
      kept = JSON.parse(store.getItem(key));
    } catch (e) {
      kept = null;
    }
    if (kept && (!owner || kept.by !== owner || !Array.isArray(kept.typed))) {
      store.removeItem(key);
      kept = null;
    }
    var pristine = JSON.stringify(typed(form));
    if (
      !unsaved &&
      kept &&
      (kept.switched || !overSwitchOnly) &&
      JSON.stringify(kept.typed) !== pristine
    ) {
      // The form opened as the server has it, after a session ended before a save, or in
      // the other language after the language switch: what the same account typed comes
      // back, and the page says which.
      try {
        restore(form, kept.typed);
        var note = document.getElementById(
          form.getAttribute("data-restored-note") || "form-restored"
        );
        if (note) {
          note.className = "note";
          note.textContent =
            (kept.switched && note.getAttribute("data-message-switched")) ||
            note.getAttribute("data-message");
          note.setAttribute("data-restored", "");
        }
      } catch (e) {
        store.removeItem(key);
      }
    }
    var submitting = false;
    var switching = false; // leaving by the language switch, what was typed kept for it
    // Keeps what the form holds; `switched`: for the same form in another language.
    // Returns whether it was kept.
    function keep(switched) {
      try {
        if (!owner) return false;
        var copy = { by: owner, typed: typed(form) };
        if (switched === true) copy.switched = true;
        store.setItem(key, JSON.stringify(copy));
        return true;
      } catch (e) {
        return false; // full or refused: the warning before leaving still holds
      }
    }
    function changed() {
      return unsaved || JSON.stringify(typed(form)) !== pristine;
    }
    if (!overSwitchOnly) {
      form.addEventListener("input", keep);
      form.addEventListener("change", keep);
      // Kept until the page after a successful save says so: the submission may be the
      // one that fails (a session that ended sends to the sign-in page).
      form.addEventListener("submit", function () {
        submitting = true;
        keep();
      });
      window.addEventListener("beforeunload", function (event) {
        if (submitting || switching || !changed()) return;
        event.preventDefault();
        event.returnValue = ""; // older browsers ask for it
      });
    }
    // The header's language switch (newsroom/base.html: to the same page, in the other
    // language): the form opens again as the server has it, so what was typed is kept for
    // it and given back there, without the warning before leaving, which would have it
    // thrown away. A click that opens another tab or window leaves this page as it is.
    document.querySelectorAll("nav.languages a[hreflang]").forEach(function (link) {
      if (link.getAttribute("aria-current") === "true") return; // this page's language
      link.addEventListener("click", function (event) {
        if (event.defaultPrevented || event.button !== 0) return;
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        if (changed()) switching = keep(true);
      });
    });
    // Left on purpose (the warning accepted, nothing changed, or another form of the page
    // sent): nothing to restore.
    window.addEventListener("pagehide", function () {
      if (!submitting && !switching) store.removeItem(key);
    });
    // Come back to from the browser's history (its back/forward cache): the switch is over.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) switching = false;
    });
  }
})();
