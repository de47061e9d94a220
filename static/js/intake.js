/*
 * Intake autosave: each answer is saved a moment after it changes, so nothing is lost if
 * the session ends or the tab closes. The page works without this script: every step's
 * Save button posts the whole form. No inline script or style (strict CSP).
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }
  var url = form.dataset.autosaveUrl;
  var indicator = document.querySelector("[data-saved-indicator]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var DELAY = 800;
  var timers = {};
  var pending = {};
  var lastSent = {};

  function setIndicator(state, time) {
    if (!indicator) { return; }
    indicator.classList.toggle("is-failed", state === "failed");
    if (state === "saved") { indicator.textContent = indicator.dataset.labelSaved + " " + time; }
    if (state === "saving") { indicator.textContent = indicator.dataset.labelSaving; }
    if (state === "failed") { indicator.textContent = indicator.dataset.labelFailed; }
  }

  function showError(name, message) {
    var box = form.querySelector('[data-field-error="' + name + '"]');
    var wrapper = form.querySelector('[data-field="' + name + '"]');
    if (box) {
      box.textContent = message || "";
      box.hidden = !message;
    }
    if (wrapper) { wrapper.classList.toggle("field--error", Boolean(message)); }
  }

  function valueOf(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var first = inputs[0];
    if (first.type === "checkbox" && inputs.length > 1) {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (first.type === "checkbox") { return first.checked ? "on" : ""; }
    if (first.type === "radio") {
      var checked = form.querySelector('[name="' + name + '"]:checked');
      return checked ? checked.value : "";
    }
    return first.value;
  }

  function save(name) {
    delete timers[name];
    var value = valueOf(name);
    var serialised = JSON.stringify(value);
    // "input" and then "change" fire for the same text: save it once.
    if (lastSent[name] === serialised) { return Promise.resolve(); }
    lastSent[name] = serialised;
    pending[name] = true;
    setIndicator("saving");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Requested-With": "fetch",
        "X-CSRFToken": csrf ? csrf.content : ""
      },
      body: JSON.stringify({ field: name, value: value })
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      delete pending[name];
      if (result.data.reload) {
        window.location.hash = name;
        window.location.reload();
        return;
      }
      if (result.data.saved) {
        showError(name, "");
        if (result.data.safety) { showSafety(result.data.safety); }
        setIndicator("saved", result.data.saved_at);
        document.dispatchEvent(new CustomEvent("portal:activity"));
      } else {
        delete lastSent[name];
        showError(name, result.data.error);
        setIndicator("failed");
        if (result.status === 409) { window.location.reload(); }
      }
    }).catch(function () {
      delete pending[name];
      delete lastSent[name];
      setIndicator("failed");
    });
  }

  // Crisis resources, shown the moment an answer raises a same-day safety level.
  // "urgent" (asking whether the person is safe now) outranks "high".
  function showSafety(level) {
    var box = document.querySelector("[data-safety-level]");
    if (!box) { return; }
    var current = box.getAttribute("data-safety-level");
    if (current === "urgent" || current === level) { return; }
    box.setAttribute("data-safety-level", level);
    var panels = box.querySelectorAll("[data-safety-panel]");
    for (var i = 0; i < panels.length; i++) {
      panels[i].hidden = panels[i].getAttribute("data-safety-panel") !== level;
    }
    var shown = box.querySelector('[data-safety-panel="' + level + '"]');
    if (shown) {
      shown.scrollIntoView({ block: "start" });
      shown.focus({ preventScroll: true });
    }
  }

  function schedule(event) {
    var name = event.target && event.target.name;
    if (!name || name === "csrfmiddlewaretoken") { return; }
    clearTimeout(timers[name]);
    timers[name] = setTimeout(function () { save(name); }, DELAY);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    // Text is saved once typing pauses; choices are saved on "change".
    if (event.target.tagName === "TEXTAREA" || (event.target.tagName === "INPUT" && event.target.type === "text")) {
      schedule(event);
    }
  });

  // Before the idle sign-out, save whatever is still waiting.
  document.addEventListener("portal:before-signout", function () {
    Object.keys(timers).forEach(function (name) {
      clearTimeout(timers[name]);
      save(name);
    });
  });

  // A ticked self-harm item shows the support panel at once, before the save returns.
  var selfHarm = form.querySelector('input[name="symptoms"][value="self_harm"]');
  if (selfHarm) {
    selfHarm.addEventListener("change", function () {
      if (selfHarm.checked) { showSafety("high"); }
    });
  }
})();
