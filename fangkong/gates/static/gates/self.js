/* Self-registration: remember name and ID on this phone (localStorage), give each submission an id. */
(function () {
  "use strict";
  var KEY = "fangkong.gates.me.v1";
  var form = document.getElementById("self-form");
  var clock = document.getElementById("self-time");
  if (clock) setInterval(function () { clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false }); }, 1000);
  if (!form) return;
  var f = function (n) { return form.elements.namedItem(n); };
  try {
    var me = JSON.parse(localStorage.getItem(KEY) || "{}");
    if (me.name && !f("name").value) f("name").value = me.name;
    if (me.id && !f("id_number").value) f("id_number").value = me.id;
  } catch (e) { /* private mode */ }
  form.addEventListener("submit", function () {
    try { localStorage.setItem(KEY, JSON.stringify({ name: f("name").value.trim(), id: f("id_number").value.trim() })); } catch (e) {}
    if (f("client_id") && !f("client_id").value && window.crypto && crypto.randomUUID) f("client_id").value = crypto.randomUUID();
  });
})();
