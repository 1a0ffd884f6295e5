// Small behaviours declared in the markup, since the Content-Security-Policy forbids inline
// handlers: <select data-autosubmit> submits its form on change, <button data-print> prints,
// <input data-no-enter> does not submit its form on Enter (a search box inside a larger form).
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) window.print();
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && e.target.matches && e.target.matches("[data-no-enter]")) e.preventDefault();
});
