// Time-zone selects made searchable: a search box above each select[data-zone-search] narrows its ~600 zones
// as you type (words in any order: "york new", "kolkata"); the first match is chosen unless the zone already
// chosen still matches, and a polite status says how many match and which is chosen. Enter moves to the select.
// The select stays a real select, so it submits and validates as before; without JavaScript it works alone
// (typing a zone's first letters jumps to it).
(function () {
  function words(text) {
    return text.toLowerCase().replace(/[_/]+/g, " ").trim().split(/\s+/).filter(Boolean);
  }

  function enhance(select) {
    var zones = Array.prototype.map.call(select.options, function (option) {
      return {value: option.value, text: option.text, key: " " + words(option.value + " " + option.text).join(" ")};
    });
    var id = select.id + "-search";
    var wrapper = document.createElement("div");
    wrapper.className = "zone-search mb-2";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.className = "form-label small mb-1";
    label.textContent = "Search the zones by city or region";
    var box = document.createElement("input");
    box.type = "search";
    box.id = id;
    box.className = "form-control";
    box.autocomplete = "off";
    box.spellcheck = false;
    box.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.id = id + "-status";
    status.className = "form-text mb-0";
    status.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", status.id);
    wrapper.append(label, box, status);
    select.parentNode.insertBefore(wrapper, select);

    function narrow() {
      var wanted = words(box.value);
      var chosen = select.value;
      var matches = zones.filter(function (zone) {
        return wanted.every(function (word) { return zone.key.indexOf(" " + word) !== -1; });
      });
      if (!matches.length) {
        status.textContent = "No zone matches \u201c" + box.value.trim() + "\u201d. Try a city in the same zone.";
        return;
      }
      select.replaceChildren.apply(select, matches.map(function (zone) {
        return new Option(zone.text, zone.value, false, zone.value === chosen);
      }));
      if (select.value !== chosen) { select.value = matches[0].value; }
      var current = select.options[select.selectedIndex].text;
      status.textContent = !wanted.length ? "" : matches.length === 1 ? "1 zone matches: " + current + "."
        : matches.length + " zones match; " + current + " is chosen.";
    }

    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // choosing, not sending the whole form
        event.preventDefault();
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-zone-search]").forEach(function (select) {
    if (select.id) { enhance(select); }
  });
})();
