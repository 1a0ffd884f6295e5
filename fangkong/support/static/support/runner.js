/* The runner's phone page: each step or failed attempt goes through the shared offline queue
   (static/js/offline-queue.js), with a client id so a retry never records twice. Without signal the
   action waits on the phone and the card says so; a delivery with a photo goes as a normal form post
   (files do not wait in localStorage). No inline handlers (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("runner");
  if (!root || !window.FangkongQueue) return;  // without the queue the forms post as they are
  var url = root.getAttribute("data-sync-url");
  var csrf = root.querySelector("[name=csrfmiddlewaretoken]").value;
  var q = FangkongQueue.create({
    key: "fangkong.support.runner.v1", batchUrl: url, field: "actions", csrf: csrf,
    onChange: function (n) {
      document.getElementById("queue-count").textContent = n;
      document.getElementById("queue").hidden = n === 0;
    },
    onSynced: function () { if (!q.items().length) window.location.reload(); }
  });
  function note(card, text, cls) {
    var p = card.querySelector(".task-note");
    if (!p) { p = document.createElement("p"); p.className = "task-note"; card.appendChild(p); }
    p.className = "task-note " + (cls || "");
    p.textContent = text;
  }
  function handle(form, item) {
    var card = form.closest(".task");
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    q.send(url, item).then(function (res) {
      if (res.queued) {
        note(card, root.getAttribute("data-queued") || "⏳", "queued");
        card.setAttribute("data-queued", "1");
        return;
      }
      var r = res.data && res.data.results && res.data.results[0];
      if (r && r.status === "rejected") {
        note(card, r.message, "msg-error");
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        return;
      }
      window.location.reload();
    });
  }
  document.querySelectorAll(".step-form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var photo = form.querySelector("[name=photo]");
      if (photo && photo.files && photo.files.length && navigator.onLine) return;  // a normal post with the file
      ev.preventDefault();
      handle(form, {client_id: q.uuid(), request: Number(form.getAttribute("data-request")),
                    action: form.querySelector("[name=action]").value, at: new Date().toISOString()});
    });
  });
  document.querySelectorAll(".fail-form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      handle(form, {client_id: q.uuid(), request: Number(form.getAttribute("data-request")), action: "failed",
                    reason: form.querySelector("[name=reason]").value, at: new Date().toISOString()});
    });
  });
})();
