// The candidate list: a box that ticks every candidate (confirm many in one action).
window.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("check-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#candidates input[name="contact"]').forEach(function (b) { b.checked = all.checked; });
  });
});
