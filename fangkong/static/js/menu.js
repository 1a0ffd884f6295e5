// The menu's groups are <details> and work without this file; with it, opening one group closes the
// others and a click elsewhere or Escape closes them all (a dropdown that stays open covers the page).
(function () {
  "use strict";
  var nav = document.getElementById("nav");
  if (!nav) return;
  var groups = nav.querySelectorAll("details");
  function closeAll(except) {
    groups.forEach(function (d) { if (d !== except) d.open = false; });
  }
  groups.forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) closeAll(d); });
  });
  document.addEventListener("click", function (e) { if (!nav.contains(e.target)) closeAll(null); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") closeAll(null); });
})();
