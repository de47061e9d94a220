/*
 * Warns a signed-in person before the automatic sign-out and lets them stay.
 * The server enforces the timeout; this only makes it kind. Other scripts (the intake
 * autosave) dispatch "portal:activity" after a successful request, and listen for
 * "portal:before-signout" to save what is on screen first.
 */
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
  if (!timeout) { return; }
  var warnBefore = parseInt(body.dataset.idleWarning || "120", 10);
  var statusUrl = body.dataset.statusUrl;
  var keepaliveUrl = body.dataset.keepaliveUrl;
  var dialog = document.getElementById("idle-warning");
  var countdown = dialog ? dialog.querySelector("[data-idle-countdown]") : null;
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var deadline = Date.now() + timeout * 1000;
  var warnTimer = null;
  var tickTimer = null;

  function headers() {
    return { "X-Requested-With": "fetch", "Accept": "application/json", "X-CSRFToken": csrf ? csrf.content : "" };
  }

  function schedule() {
    clearTimeout(warnTimer);
    warnTimer = setTimeout(check, Math.max(1000, deadline - Date.now() - warnBefore * 1000));
  }

  function signOut() {
    // A page with answers not yet saved (the connection dropped, say) cancels the event: it
    // stays, keeps them on screen and sends them when it can; the server keeps what arrives
    // after the sign-out for her next sign-in. Otherwise, give a last save a moment, then
    // reload: the server signs out and explains why.
    var event = new CustomEvent("portal:before-signout", { cancelable: true });
    if (!document.dispatchEvent(event)) { hideWarning(); return; }
    setTimeout(function () { window.location.reload(); }, 1500);
  }

  function formatRemaining(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m > 0 ? m + ":" + (s < 10 ? "0" : "") + s : s + "s";
  }

  function tick() {
    var remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (countdown) { countdown.textContent = formatRemaining(remaining); }
    if (remaining <= 0) { clearInterval(tickTimer); signOut(); }
  }

  function showWarning() {
    if (!dialog || dialog.open) { return; }
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    tick();
    tickTimer = setInterval(tick, 1000);
  }

  function hideWarning() {
    clearInterval(tickTimer);
    if (dialog && dialog.open) { dialog.close(); }
  }

  function check() {
    // Another tab may have kept the session alive: ask the server before warning.
    fetch(statusUrl, { headers: headers(), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { signOut(); return null; }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        deadline = Date.now() + data.remaining * 1000;
        if (data.remaining > warnBefore) { hideWarning(); schedule(); } else { showWarning(); }
      })
      .catch(function () { schedule(); });
  }

  function stay() {
    fetch(keepaliveUrl, { method: "POST", headers: headers(), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { signOut(); return null; }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        deadline = Date.now() + data.remaining * 1000;
        hideWarning();
        schedule();
      });
  }

  if (dialog) {
    var stayButton = dialog.querySelector("[data-idle-stay]");
    if (stayButton) { stayButton.addEventListener("click", stay); }
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); stay(); });
  }
  document.addEventListener("portal:activity", function () {
    deadline = Date.now() + timeout * 1000;
    hideWarning();
    schedule();
  });
  schedule();
})();
