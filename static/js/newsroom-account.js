// What the newsroom's report forms keep of what was typed in this tab (newsroom-form.js)
// belongs to the account that typed it. Forgotten, every form's copy, when that account
// signs out, and when a page of the newsroom shows another account signed in on the tab
// (a session that ended, then someone else signing in): nobody's typed work is given to
// another. Each copy is tagged with its account too, and given back only to it.
// The account's mark is opaque (newsroom_tags.typed_work_owner), never its id or name.
(function () {
  "use strict";
  if (window.iccwatchNewsroomAccount) return;
  window.iccwatchNewsroomAccount = true;

  var PREFIX = "iccwatch:typed:"; // newsroom-form.js's
  var ACCOUNT = "iccwatch:account"; // the account whose pages this tab last showed
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return; // storage refused by the browser: nothing is kept
  }
  var nav = document.querySelector("[data-account]");
  if (!store || !nav) return;

  function forget() {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) store.removeItem(key);
    }
  }

  var account = nav.getAttribute("data-account");
  if (store.getItem(ACCOUNT) !== account) {
    forget();
    try {
      store.setItem(ACCOUNT, account);
    } catch (e) {
      // full or refused: each copy's own tag still keeps it from another account
    }
  }
  var signOut = nav.querySelector("form.sign-out");
  if (signOut) {
    signOut.addEventListener("submit", function () {
      forget();
      store.removeItem(ACCOUNT);
    });
  }
})();
