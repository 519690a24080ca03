// Loaded in the <head> without `defer`, after the stylesheet: it runs before the page is
// drawn. On a phone the filters (a dozen fields) would push a list's results a screen down:
// their panel, open in the page as sent, is closed as the parser inserts it, so that the
// first paint already shows it closed (site.js closed it once the page had loaded: drawn
// open, it collapsed under the reader's finger). A phone is what the stylesheet lays out
// as one: narrower than its --phone-width, the breakpoint of its media queries. A panel
// holding a refused filter is sent without data-close-on-phone and stays open; without
// JavaScript every panel stays open.
(function () {
  "use strict";
  if (!window.matchMedia || !window.MutationObserver) return;
  var width = getComputedStyle(document.documentElement).getPropertyValue("--phone-width").trim();
  if (!width || !window.matchMedia("(max-width: " + width + ")").matches) return;

  function close(node) {
    if (node.nodeType === 1 && node.matches("details[data-close-on-phone]")) node.open = false;
  }
  // Mutation records are delivered before the browser next renders the page.
  var observer = new MutationObserver(function (records) {
    records.forEach(function (record) { record.addedNodes.forEach(close); });
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    observer.disconnect();
  });
})();
