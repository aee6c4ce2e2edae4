// Enrolling members: narrow the list by typing, choose every member shown at once, and see how many are
// chosen and how many of them get a seat. The form works the same without JavaScript.
(function () {
  var table = document.getElementById("members");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-filter-text]"));
  var filter = document.getElementById("member-filter");
  var all = document.getElementById("select-all");
  var count = document.getElementById("chosen-count");
  var seats = document.getElementById("seats");
  var left = Math.max(0, Number(seats.dataset.capacity) - Number(seats.dataset.taken));
  [filter, all, count, filter.labels && filter.labels[0]].forEach(function (element) {
    if (element) { element.hidden = false; }
  });

  function choices(visibleOnly) {
    return rows.filter(function (row) { return !(visibleOnly && row.hidden); })
      .map(function (row) { return row.querySelector(".member-choice"); })
      .filter(Boolean);
  }
  function update() {
    var chosen = choices(false).filter(function (box) { return box.checked; }).length;
    var waiting = Math.max(0, chosen - left);
    count.textContent = chosen === 1 ? "1 member chosen" : chosen + " members chosen";
    if (chosen) {
      count.textContent += waiting ? ": " + (chosen - waiting) + " get a seat, " + waiting + " join the waitlist."
                                   : ", all get a seat.";
    }
    var shown = choices(true);
    var ticked = shown.filter(function (box) { return box.checked; }).length;
    all.checked = shown.length > 0 && ticked === shown.length;
    all.indeterminate = ticked > 0 && ticked < shown.length;
  }
  filter.addEventListener("input", function () {
    var wanted = filter.value.trim().toLowerCase();
    rows.forEach(function (row) { row.hidden = wanted !== "" && row.dataset.filterText.indexOf(wanted) === -1; });
    update();
  });
  all.addEventListener("change", function () {
    choices(true).forEach(function (box) { box.checked = all.checked; });
    update();
  });
  table.addEventListener("change", function (event) {
    if (event.target.classList.contains("member-choice")) { update(); }
  });
  update();
})();
