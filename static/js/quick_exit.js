/*
 * Safety at home: the quick exit leaves for a neutral site and puts it in place of this page
 * in the browser's history, so Back does not return here (where the browser allows). The
 * "I can answer privately" link likewise replaces the question it answers, so the page is in
 * the history once at most. Without this script both are plain links.
 */
(function () {
  "use strict";
  function replaceWith(event) {
    event.preventDefault();
    var link = event.currentTarget;
    // Nothing of the page should linger on screen while the next one loads.
    if (link.hasAttribute("data-quick-exit")) { document.body.hidden = true; }
    window.location.replace(link.href);
  }
  var links = document.querySelectorAll("[data-quick-exit], [data-replace-history]");
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener("click", replaceWith);
  }
}());
