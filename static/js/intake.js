/*
 * Intake autosave: each answer is saved the moment it is given (text once typing pauses),
 * so nothing is lost if the session ends or the tab closes. The page works without this
 * script: every step's Save button posts the whole form. No inline script or style (strict
 * CSP).
 *
 * Answers go to the server one at a time, in the order they were given, each confirmed
 * before the next is sent; a save that fails for the network is tried again, never dropped.
 * The page is never reloaded while an answer is waiting. Follow-up questions are already in
 * the page, hidden: they are shown in place the moment an answer calls for them.
 */
(function () {
  "use strict";
  // A page that came back with errors opens at them, read out, unless a crisis panel is
  // showing (that comes first) or the page puts focus on the field itself (autofocus). On a
  // phone the step's opening note can fill the screen above the errors.
  var summary = document.getElementById("error-summary");
  if (summary && !document.querySelector("[data-safety-panel]:not([hidden]), [autofocus]")) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }
  var url = form.dataset.autosaveUrl;
  var indicator = document.querySelector("[data-saved-indicator]");
  var announcer = form.querySelector("[data-questions-announcer]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var TEXT_DELAY = 800;
  var ARRIVAL_GUARD = 900;
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
  var timers = {};      // text fields waiting for typing to pause
  var queue = [];       // fields waiting to be sent, in the order they changed
  var inFlight = null;  // the field being sent now
  var confirmed = {};   // field -> the value (as JSON) the server last confirmed
  var failures = 0;
  var retryTimer = null;
  var reloadWhenDone = false;
  var signedOut = false;
  var unsaved = {};     // answers the server refused to take as they are (changed elsewhere)
  // What is saved for each answer as far as this page knows, posted with every save so an
  // answer changed in another tab meanwhile is never overwritten without a word.
  var snapshot = form.querySelector("[data-loaded-snapshot]");
  var baseline = {};
  try { baseline = JSON.parse(snapshot ? snapshot.value : "{}") || {}; } catch (e) { baseline = {}; }

  function asPosted(value) {
    if (Array.isArray(value)) { return value; }
    return value === "" ? [] : [value];
  }

  function setBaseline(name, posted) {
    baseline[name] = posted;
    if (snapshot) { snapshot.value = JSON.stringify(baseline); }
  }

  function setIndicator(state, time) {
    if (!indicator) { return; }
    indicator.classList.toggle("is-failed", ["failed", "signed-out", "kept", "conflict", "refused", "waiting-signout"].indexOf(state) !== -1);
    if (state === "saved") { indicator.textContent = indicator.dataset.labelSaved + " " + time; }
    if (state === "saving") { indicator.textContent = indicator.dataset.labelSaving; }
    if (state === "failed") { indicator.textContent = indicator.dataset.labelFailed; }
    if (state === "signed-out" && indicator.dataset.labelSignedOut) {
      indicator.textContent = indicator.dataset.labelSignedOut;
    }
    if (state === "refused" && indicator.dataset.labelRefused) {
      indicator.textContent = indicator.dataset.labelRefused;
    }
    if (state === "waiting-signout" && indicator.dataset.labelWaitingSignout) {
      indicator.textContent = indicator.dataset.labelWaitingSignout;
    }
    if (state === "conflict" && indicator.dataset.labelConflict) {
      indicator.textContent = indicator.dataset.labelConflict;
    }
    if (state === "kept" && indicator.dataset.labelKept) {
      indicator.textContent = indicator.dataset.labelKept + " ";
      var link = document.createElement("a");
      link.href = indicator.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
      link.textContent = indicator.dataset.labelSignIn;
      indicator.appendChild(link);
    }
  }

  function setQuestionStatus(name, state) {
    var status = form.querySelector('[data-question-status="' + name + '"]');
    if (!status) { return; }
    status.dataset.state = state;
    status.textContent = state ? status.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || "" : "";
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
    if (!first) { return ""; }
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

  // --- Follow-up questions, shown in place

  function updateFollowUps(changedName) {
    var wraps = form.querySelectorAll("[data-shown-when-fields]");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var fields = wrap.dataset.shownWhenFields.split(" ");
      if (changedName && fields.indexOf(changedName) === -1) { return; }
      var values = wrap.dataset.shownWhenValues.split(" ");
      var show = fields.some(function (field) {
        var value = valueOf(field);
        return value !== "" && values.indexOf(value) !== -1;
      });
      if (show && wrap.hidden) {
        wrap.hidden = false;
        wrap.classList.add("question-wrap--new");
        announce(wrap);
      } else if (!show && !wrap.hidden) {
        wrap.hidden = true;
      }
    });
  }

  function announce(wrap) {
    if (!announcer) { return; }
    var legend = wrap.querySelector("legend");
    announcer.textContent = announcer.dataset.labelNew + " " + (legend ? legend.textContent : "");
  }

  // --- The save queue

  function enqueue(name) {
    if (queue.indexOf(name) === -1) { queue.push(name); }
    setQuestionStatus(name, "saving");
    pump();
  }

  function pump() {
    if (inFlight !== null || retryTimer !== null || signedOut) { return; }
    while (queue.length) {
      var name = queue.shift();
      var value = valueOf(name);
      var serialised = JSON.stringify(value);
      if (confirmed[name] === serialised) {
        setQuestionStatus(name, "saved");
        continue;
      }
      send(name, value, serialised);
      return;
    }
    if (reloadWhenDone && !submitting) {
      // The page as the server now has it, fetched afresh: a plain GET, never a reload,
      // which would send again the form whose answer this page is (a step she was just
      // moved past). Not while she is saving the form herself: that loads the next page.
      window.location.replace(window.location.pathname + window.location.search);
    }
  }

  function retryLater(name) {
    // Back to the front of the line: later answers wait, so the order given is kept.
    queue.unshift(name);
    setQuestionStatus(name, "waiting");
    setIndicator("failed");
    var delay = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length - 1)];
    failures += 1;
    retryTimer = setTimeout(function () { retryTimer = null; pump(); }, delay);
  }

  // keepalive: a save under way when she leaves the page still reaches the server.
  function post(name, value) {
    var body = JSON.stringify({ field: name, value: value, was: baseline[name] || [] });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: body.length < 60000,  // browsers refuse larger keepalive bodies
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Requested-With": "fetch",
        "X-CSRFToken": csrf ? csrf.content : ""
      },
      body: body
    });
  }

  function send(name, value, serialised) {
    inFlight = name;
    setIndicator("saving");
    post(name, value).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      inFlight = null;
      handle(name, serialised, result.status, result.data || {});
      pump();
    }).catch(function () {
      inFlight = null;
      retryLater(name);
    });
  }

  function handle(name, serialised, status, data) {
    if (data.saved) {
      failures = 0;
      confirmed[name] = serialised;
      delete unsaved[name];
      setBaseline(name, asPosted(JSON.parse(serialised)));
      showError(name, "");
      // Changed again while this save was on its way: the newer answer is queued already.
      setQuestionStatus(name, queue.indexOf(name) === -1 ? "saved" : "saving");
      setIndicator("saved", data.saved_at);
      if (data.safety) { showSafety(data.safety, name, data.safety_again); }
      if (data.reload) { reloadWhenDone = true; }
      document.dispatchEvent(new CustomEvent("portal:activity"));
      return;
    }
    if (status === 401) {
      if (data.held) {
        // Signed out just now: the server keeps this answer and saves it as soon as she
        // signs in again. Send the rest the same way; none is called "saved" until it is.
        confirmed[name] = serialised;
        setQuestionStatus(name, "kept");
        setIndicator("kept");
        return;
      }
      // Signed out and nothing can be kept: the answer stays on the page, marked unsaved.
      queue.unshift(name);
      setQuestionStatus(name, "waiting");
      setIndicator("signed-out");
      signedOut = true;
      return;
    }
    if (status === 412 && data.conflict) {
      // Changed in another tab since: nothing was overwritten. Say what it says there; a
      // further change or Save here keeps this page's answer.
      delete confirmed[name];
      setBaseline(name, data.current || []);
      setQuestionStatus(name, "waiting");
      showError(name, data.error);
      unsaved[name] = true;
      setIndicator("conflict");
      return;
    }
    if (status === 409) {
      // Sent from another tab, or the date of birth changed what may be asked: the page
      // must change, once every answer before it has been dealt with.
      showError(name, data.error);
      setQuestionStatus(name, "waiting");
      reloadWhenDone = true;
      return;
    }
    if (status === 413) {
      // Far too much to send at once: say so beside the answer; it stays in the box.
      setQuestionStatus(name, "waiting");
      showError(name, data.error || (indicator && indicator.dataset.labelRefused) || "");
      unsaved[name] = true;
      setIndicator("refused");
      return;
    }
    if (status >= 500 || status === 0 || status === 429) {
      retryLater(name);
      return;
    }
    // Refused as given (a date that does not exist, say): say why beside the answer.
    setQuestionStatus(name, "waiting");
    showError(name, data.error || (indicator && indicator.dataset.labelRefused) || "");
    unsaved[name] = true;
    setIndicator("refused");
  }

  // --- Crisis resources, the moment an answer raises a same-day safety level

  function anchorFor(name) {
    var question = form.querySelector('[data-question="' + name + '"]');
    if (question && question.id) { return question.id; }
    var wrapper = form.querySelector('[data-field="' + name + '"]');
    if (wrapper && wrapper.id) { return wrapper.id; }
    var input = form.querySelector('[name="' + name + '"]');
    return input && input.id ? input.id : "intake-continue";
  }

  // "emergency" (911 and 988 first: a medical emergency) outranks "urgent" (asking whether
  // the person is safe now), which outranks "high". The panel sits at the top of the page:
  // bring it into view and move focus to it (read out by screen readers), and point its
  // "keep going" link back to the question just answered.
  var PANEL_ORDER = ["", "high", "urgent", "emergency"];
  // `again`: a new answer at a level already reached (the server counts the answers behind
  // same-day flags), so its panel is shown once more rather than left as the short strip.
  function showSafety(level, fromName, again) {
    var box = document.querySelector("[data-safety-level]");
    if (!box) { return; }
    var current = box.getAttribute("data-safety-level");
    if (!again && PANEL_ORDER.indexOf(current) >= PANEL_ORDER.indexOf(level)) { return; }
    box.setAttribute("data-safety-level", level);
    var panels = box.querySelectorAll("[data-safety-panel]");
    for (var i = 0; i < panels.length; i++) {
      panels[i].hidden = panels[i].getAttribute("data-safety-panel") !== level;
    }
    var shown = box.querySelector('[data-safety-panel="' + level + '"]');
    if (!shown) { return; }
    var compact = box.querySelector("[data-safety-compact]");
    if (compact) { compact.hidden = true; }
    // For a moment its links ignore taps: a quick tap meant for the next question, landing
    // where the panel now is, must not start a call.
    shown.classList.add("panel--arriving");
    setTimeout(function () { shown.classList.remove("panel--arriving"); }, ARRIVAL_GUARD);
    var back = shown.querySelector("[data-safety-continue]");
    // Back to the question she answered: the ones after it (and any that just appeared
    // below) follow in order, so none is skipped.
    if (back && fromName) { back.setAttribute("href", "#" + anchorFor(fromName)); }
    shown.scrollIntoView({ block: "start" });
    shown.focus({ preventScroll: true });
  }

  // --- Events

  function isText(target) {
    return target.tagName === "TEXTAREA" ||
      (target.tagName === "INPUT" && ["text", "email", "tel", "number", "date"].indexOf(target.type) !== -1);
  }

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (!name || name === "csrfmiddlewaretoken" || name === "_loaded") { return; }
    // A photo goes with the page's own save (the form's post), never through autosave.
    if (event.target.type === "file") { return; }
    if (isText(event.target) && !lengthCheck(event.target)) { return; }
    updateFollowUps(name);
    clearTimeout(timers[name]);
    delete timers[name];
    enqueue(name);
  });

  // Long answers (see the length block at the end of this file): past the limit the answer
  // is not sent, since it would be refused; the note beside it says why.
  function lengthCheck(field) {
    var over = window.portalLength ? window.portalLength.update(field) : false;
    if (over) {
      unsaved[field.name] = true;
      setIndicator("refused");
    } else if (unsaved[field.name] && lengthWasOver[field.name]) {
      delete unsaved[field.name];
    }
    lengthWasOver[field.name] = over;
    return !over;
  }
  var lengthWasOver = {};

  form.addEventListener("input", function (event) {
    var name = event.target && event.target.name;
    if (!name || !isText(event.target)) { return; }
    if (!lengthCheck(event.target)) {
      clearTimeout(timers[name]);
      delete timers[name];
      return;
    }
    clearTimeout(timers[name]);
    timers[name] = setTimeout(function () { delete timers[name]; enqueue(name); }, TEXT_DELAY);
  });

  // Leaving the page (a step link, closing the tab) while an answer is not saved: the
  // browser asks first. Saving the form itself is not leaving.
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || signedOut) { return; }
    // Typing not yet paused, or answers waiting their turn: send them now, all at once
    // (each request outlives the page). Only what cannot be sent, or was refused, asks.
    Object.keys(timers).forEach(function (name) {
      clearTimeout(timers[name]);
      delete timers[name];
      if (queue.indexOf(name) === -1) { queue.push(name); }
    });
    if (retryTimer === null) {
      while (queue.length) {
        var name = queue.shift();
        var value = valueOf(name);
        if (confirmed[name] !== JSON.stringify(value)) { post(name, value); }
      }
    }
    if (retryTimer !== null || queue.length > 0 || Object.keys(unsaved).length > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // At the idle sign-out: send at once whatever is waiting (typing not yet paused, a save
  // waiting to try again). If anything is not saved yet, the page stays as it is: the
  // answers stay on screen and go as soon as the connection lets them, and the server keeps
  // what arrives after the sign-out for her next sign-in.
  document.addEventListener("portal:before-signout", function (event) {
    Object.keys(timers).forEach(function (name) {
      clearTimeout(timers[name]);
      delete timers[name];
      enqueue(name);
    });
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
      pump();
    }
    if (queue.length > 0 || inFlight !== null || Object.keys(unsaved).length > 0) {
      event.preventDefault();
      setIndicator("waiting-signout");
    }
  });

  // A ticked self-harm item shows the support panel at once, before the save returns.
  var selfHarm = form.querySelector('input[name="symptoms"][value="self_harm"]');
  if (selfHarm) {
    selfHarm.addEventListener("change", function () {
      if (selfHarm.checked) { showSafety("high", "symptoms"); }
    });
  }
})();

/*
 * Long written answers, on every intake form (with or without autosave): a count appears as
 * she nears the limit, the note beside the box says when it is past it, nothing typed is
 * ever cut, and a form with an answer past the limit is not sent (it would be refused) but
 * brings her to that answer instead.
 */
(function () {
  "use strict";

  function formatNumber(n) { return n.toLocaleString(); }

  function update(field) {
    var limit = parseInt(field.dataset.maxLength || "0", 10);
    if (!limit) { return false; }
    // A line break is one character here and on the server, however the browser sends it.
    var length = field.value.replace(/\r\n/g, "\n").trim().length;
    var counter = field.parentNode.querySelector("[data-char-count]");
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "char-count";
      counter.setAttribute("data-char-count", "");
      counter.setAttribute("aria-live", "polite");
      field.parentNode.insertBefore(counter, field.nextSibling);
    }
    counter.hidden = length < limit * 0.8;
    counter.textContent = field.dataset.countLabel
      .replace("%(count)s", formatNumber(length)).replace("%(limit)s", formatNumber(limit));
    var over = length > limit;
    counter.classList.toggle("char-count--over", over);
    var box = document.querySelector('[data-field-error="' + field.name + '"]');
    if (box && (over || box.dataset.lengthNote === "1")) {
      box.textContent = over ? field.dataset.tooLong
        .replace("%(limit)s", formatNumber(limit)).replace("%(length)s", formatNumber(length)) : "";
      box.hidden = !over;
      box.dataset.lengthNote = over ? "1" : "";
    }
    return over;
  }

  window.portalLength = { update: update };

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if (!form.querySelector("[data-max-length]")) { return; }
    if (!form.dataset.autosaveUrl) {
      form.addEventListener("input", function (event) {
        if (event.target.dataset && event.target.dataset.maxLength) { update(event.target); }
      });
    }
    form.addEventListener("submit", function (event) {
      var fields = form.querySelectorAll("[data-max-length]");
      for (var i = 0; i < fields.length; i++) {
        if (update(fields[i])) {
          event.preventDefault();
          event.stopImmediatePropagation();
          fields[i].focus();
          return;
        }
      }
    }, true);
  });
})();

/*
 * The progress list: on a phone it stays folded under its one line ("Step 4 of 9 - ...");
 * on a wider screen it starts open. Without the script it starts folded everywhere and
 * opens with a tap.
 */
(function () {
  "use strict";
  var details = document.querySelector("[data-progress-details]");
  if (!details || !window.matchMedia) { return; }
  if (window.matchMedia("(min-width: 48rem)").matches) { details.open = true; }
})();
