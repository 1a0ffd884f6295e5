// Type-to-search choices (core/widgets/lookup.html): clicking a match stores its id in the hidden input.
document.addEventListener("click", function (ev) {
  var opt = ev.target.closest(".lookup-option");
  var clear = ev.target.closest(".lookup-clear");
  if (!opt && !clear) return;
  var box = ev.target.closest(".lookup");
  if (!box) return;
  var name = box.dataset.lookup;
  if (clear) {
    var chosen = clear.closest(".lookup-chosen");
    if (box.hasAttribute("data-multiple")) { chosen.remove(); }
    else { chosen.outerHTML = '<input type="hidden" name="' + name + '" value="">'; }
    return;
  }
  var chip = document.createElement("span");
  chip.className = "lookup-chosen";
  var hidden = document.createElement("input");
  hidden.type = "hidden"; hidden.name = name; hidden.value = opt.dataset.value;
  var btn = document.createElement("button");
  btn.type = "button"; btn.className = "lookup-clear"; btn.textContent = "×";
  chip.append(hidden, opt.dataset.label, " ", btn);
  if (!box.hasAttribute("data-multiple")) {
    box.querySelectorAll(".lookup-chosen, :scope > input[type=hidden]").forEach(function (el) { el.remove(); });
  }
  box.prepend(chip);
  var text = box.querySelector("input[type=search]");
  text.value = "";
  box.querySelector(".lookup-results").innerHTML = "";
});
