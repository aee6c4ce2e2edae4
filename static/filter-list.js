// A search box that narrows a long list of checkboxes as you type (mentors for a run, members to enrol).
// Without JavaScript the box stays hidden and the whole list shows.
(function () {
  document.querySelectorAll("input[data-filters]").forEach(function (box) {
    var list = document.getElementById(box.dataset.filters);
    if (!list) { return; }
    var options = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    box.hidden = false;
    if (box.labels) { Array.prototype.forEach.call(box.labels, function (label) { label.hidden = false; }); }
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      options.forEach(function (option) {
        option.hidden = wanted !== "" && option.textContent.toLowerCase().indexOf(wanted) === -1;
      });
    });
  });
})();
