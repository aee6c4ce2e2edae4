// Countdown for a timed attempt. The server enforces the deadline; this only shows the time left and,
// when it runs out, saves the page (the server then submits the attempt with the answers saved).
(function () {
  var box = document.getElementById("countdown");
  var form = document.getElementById("attempt-form");
  if (!box || !form) { return; }
  var deadline = Date.parse(box.dataset.deadline);
  var out = box.querySelector(".js-remaining");
  var announced = {};
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
      var go = document.createElement("input");
      go.type = "hidden"; go.name = "go"; go.value = "save";
      form.appendChild(go);
      form.submit();
    }
  }
  var timer = setInterval(tick, 1000);
  tick();
})();
