// Taking a quiz. Without this script the page still works: answers and flags are saved each time a page is
// posted (Save, Previous, Next, or a question in the navigator). With it:
// - each answer and flag is saved as it changes (typing: after a pause, or on leaving the field), and the
//   question navigator's states follow;
// - written answers with a word limit show a running count;
// - a timed attempt shows its countdown. The server enforces the deadline; when the time runs out this only
//   posts the page (the server then submits the attempt with the answers saved).
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var TYPING_PAUSE_MS = 1200, ANNOUNCE_PAUSE_MS = 1500;

  function wordsIn(text) {
    // The same count as the server's (str.split()): runs of whitespace separate words.
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function describeCount(words, limit) {
    var text = words + " of " + limit + " words";
    return words > limit ? text + ": " + (words - limit) + " over the limit" : text;
  }

  function wordCounters() {
    Array.prototype.forEach.call(form.querySelectorAll(".js-word-count"), function (counter) {
      var field = document.getElementById(counter.dataset.for);
      var live = form.querySelector(".js-word-count-live[data-for='" + counter.dataset.for + "']");
      var limit = parseInt(counter.dataset.limit, 10), pause;
      field.addEventListener("input", function () {
        var words = wordsIn(field.value);
        counter.textContent = describeCount(words, limit);
        counter.classList.toggle("word-count-over", words > limit);
        // Screen readers hear the count once the typing stops, not at every key.
        clearTimeout(pause);
        pause = setTimeout(function () { live.textContent = describeCount(words, limit); }, ANNOUNCE_PAUSE_MS);
      });
    });
  }

  var alertBox = document.getElementById("autosave-alert");
  var csrf = form.querySelector("input[name='csrf_token']");
  var stopped = false;

  function showAlert(message, link) {
    alertBox.textContent = message;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.className = "alert-link ms-1";
      anchor.textContent = link.text;
      alertBox.appendChild(anchor);
    }
    alertBox.hidden = false;
  }

  function updateSummary() {
    var items = document.querySelectorAll("[data-nav-for]");
    var answered = 0, flagged = 0;
    Array.prototype.forEach.call(items, function (item) {
      if (item.dataset.answered === "yes") { answered += 1; }
      if (item.dataset.flagged === "yes") { flagged += 1; }
    });
    document.querySelector(".js-summary").textContent =
      answered + " of " + items.length + " answered, " + flagged + " flagged";
  }

  function updateNavigator(answerId, state) {
    var item = document.querySelector("[data-nav-for='" + answerId + "']");
    if (!item) { return; }
    item.dataset.answered = state.answered ? "yes" : "no";
    item.dataset.flagged = state.flagged ? "yes" : "no";
    item.classList.toggle("is-answered", state.answered);
    item.querySelector(".js-state").textContent = state.answered ? "Answered" : "Not answered";
    item.querySelector(".js-flag").hidden = !state.flagged;
    updateSummary();
  }

  function clock() {
    var now = new Date();
    return (now.getHours() < 10 ? "0" : "") + now.getHours() + ":" + (now.getMinutes() < 10 ? "0" : "") + now.getMinutes();
  }

  function autosave(section) {
    var name = section.dataset.name, status = section.querySelector(".js-save-status");
    var flag = section.querySelector(".js-flag-input");
    var sendAnswers = form.dataset.autosave === "answers" && !section.hasAttribute("data-locked");
    var queue = Promise.resolve(), pause = null;

    function body(withAnswer) {
      var data = new FormData();
      data.append("csrf_token", csrf ? csrf.value : "");
      data.append("flagged", flag.checked ? "1" : "0");
      if (withAnswer) {
        data.append("with_answer", "1");
        new FormData(form).forEach(function (value, key) {
          if (key === name || key.indexOf(name + "-") === 0) { data.append(key, value); }
        });
      }
      return data;
    }

    function send(withAnswer) {
      if (stopped) { return; }
      // One request at a time per question, in order, so an older answer never overwrites a newer one.
      queue = queue.then(function () {
        status.textContent = "Saving…";
        return fetch(section.dataset.url, {method: "POST", body: body(withAnswer), credentials: "same-origin",
                                           headers: {"Accept": "application/json"}})
          .then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (reply) {
              if (response.ok) {
                status.textContent = "Saved at " + clock() + ".";
                updateNavigator(section.dataset.answerId, reply);
              } else if (response.status === 409) {
                stopped = true;
                status.textContent = "Not saved.";
                showAlert(reply.error || "This attempt no longer accepts answers.",
                          reply.review_url ? {href: reply.review_url, text: "See your submitted attempt."} : null);
                Array.prototype.forEach.call(form.elements, function (element) { element.disabled = true; });
              } else {
                status.textContent = "Not saved.";
                showAlert("Question " + section.dataset.number + " was not saved: " +
                          (reply.error || "reload the page and answer it again."));
              }
            });
          })
          .catch(function () {
            status.textContent = "Not saved.";
            showAlert("Question " + section.dataset.number + " was not saved: the connection failed. " +
                      "Press Save to send this page's answers when you are back online.");
          });
      });
    }

    flag.addEventListener("change", function () { send(false); });
    if (!sendAnswers) { return; }
    function flush() {
      if (pause !== null) { clearTimeout(pause); pause = null; send(true); }
    }
    section.addEventListener("change", function (event) {
      if (event.target === flag) { return; }
      if (pause !== null) { clearTimeout(pause); pause = null; }
      send(true);
    });
    section.addEventListener("input", function (event) {
      var target = event.target;
      if (target.tagName !== "TEXTAREA" && !(target.tagName === "INPUT" && target.type === "text")) { return; }
      clearTimeout(pause);
      pause = setTimeout(function () { pause = null; send(true); }, TYPING_PAUSE_MS);
    });
    section.addEventListener("focusout", flush);
  }

  function countdown() {
    var box = document.getElementById("countdown");
    if (!box) { return; }
    var deadline = Date.parse(box.dataset.deadline);
    var out = box.querySelector(".js-remaining");
    var announced = {}, timer;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      out.textContent = "Time left: " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ".";
      // Announce to screen readers at a few moments only, not every second.
      if ((left === 300 || left === 60) && !announced[left]) {
        announced[left] = true;
        box.setAttribute("role", "status");
      }
      if (left === 0) {
        clearInterval(timer);
        if (stopped) { return; }
        var go = document.createElement("input");
        go.type = "hidden"; go.name = "go"; go.value = "save";
        form.appendChild(go);
        form.submit();
      }
    }
    timer = setInterval(tick, 1000);
    tick();
  }

  wordCounters();
  if (window.fetch && window.FormData && window.Promise) {
    Array.prototype.forEach.call(form.querySelectorAll(".js-question"), autosave);
    var mode = document.querySelector(".js-save-mode");
    if (mode) {
      mode.textContent = form.dataset.autosave === "answers"
        ? "each answer is saved as you give it."
        : "each answer is checked and saved when you press Save or move to another page; flags are saved at once.";
    }
  }
  countdown();
})();
