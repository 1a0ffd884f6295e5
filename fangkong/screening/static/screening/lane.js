/* The sampling lane (a phone page): find the resident (code, ID number or phone) and their household,
   scan the tube, record one sample per person. Online each sample goes to the API at once; without
   signal it waits in the shared offline queue (static/js/offline-queue.js) with its client id, so a
   retried sync never duplicates. A pooled tube closes when full (the server says so; offline the page
   counts) or when the sampler ticks "close after this sample". */
(function () {
  "use strict";
  var form = document.getElementById("lane-form");
  if (!form || !window.FangkongQueue) return;
  var $ = function (id) { return document.getElementById(id); };
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var site = form.getAttribute("data-site");
  var capacity = parseInt(form.getAttribute("data-capacity"), 10) || 1;
  var t = function (k) { return form.getAttribute("data-t-" + k) || k; };
  var counts = {};  // tube barcode -> samples taken on this phone since the page opened
  var people = [];  // [{person, name, single}] picked for the next sample, or [{code}] offline

  var q = FangkongQueue.create({
    key: "fangkong.screening.samples.v1", batchUrl: form.getAttribute("data-batch"), field: "samples", csrf: csrf,
    onChange: function (n) { $("queue-count").textContent = n; $("queue").hidden = n === 0; },
    onSynced: function (results) {
      var bad = results.filter(function (r) { return r.status === "invalid"; });
      if (bad.length) say("error", bad.map(function (r) { return msg(r.errors); }).join("；"));
    }
  });

  function msg(errors) {
    var out = [];
    Object.keys(errors || {}).forEach(function (k) { out = out.concat(errors[k]); });
    return out.join(" ");
  }
  function say(kind, text) {
    var r = $("lane-result");
    r.className = "card lane-" + kind; r.setAttribute("data-result", kind); r.textContent = text;
  }
  function tubeState() {
    var code = $("tube").value.trim().toUpperCase();
    $("tube-state").textContent = code ? code + " · " + (counts[code] || 0) + "/" + capacity : "";
  }
  function showHousehold(list) {
    var ul = $("household"); ul.textContent = "";
    list.forEach(function (p, i) {
      var li = document.createElement("li"); li.className = "card";
      var box = document.createElement("input"); box.type = "checkbox"; box.value = i;
      box.checked = p.state === undefined || p.state === "pending" || p.state === "bed_bound";
      box.disabled = p.state === "sampled";
      box.setAttribute("data-person", p.person || "");
      var label = document.createElement("label");
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + (p.name || p.code) + (p.single ? " (" + t("single") + ")" : "") +
        (p.state === "sampled" ? " ✓" : "")));
      li.appendChild(label); ul.appendChild(li);
    });
    people = list;
  }
  function find() {
    var code = $("code").value.trim();
    if (!code) return Promise.resolve();
    if (!navigator.onLine) { showHousehold([{ code: code }]); say("info", t("offline")); return Promise.resolve(); }
    return fetch(form.getAttribute("data-lookup") + "?code=" + encodeURIComponent(code), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (d) {
        if (!r.ok) { showHousehold([]); say("error", d.error || t("notfound")); return; }
        showHousehold(d.people); say("info", "");
      });
    }).catch(function () { showHousehold([{ code: code }]); say("info", t("offline")); });
  }
  function chosen() {
    var out = [];
    Array.prototype.forEach.call($("household").querySelectorAll("input[type=checkbox]"), function (b) {
      if (b.checked && !b.disabled) out.push(people[parseInt(b.value, 10)]);
    });
    return out;
  }
  function record(ev) {
    ev.preventDefault();
    var tube = $("tube").value.trim().toUpperCase();
    var who = chosen();
    if (!tube || !who.length) return;
    var closeAfter = $("close-after").checked;
    var chain = Promise.resolve(), names = [], queued = 0, errors = [];
    who.forEach(function (p, i) {
      chain = chain.then(function () {
        var item = { client_id: q.uuid(), site: site, tube: tube, sampled_at: new Date().toISOString() };
        if (p.person) item.person = p.person; else item.code = p.code;
        if (closeAfter && i === who.length - 1) item.close = true;
        return q.send(form.getAttribute("data-api"), item).then(function (res) {
          if (res.queued) { queued++; counts[tube] = (counts[tube] || 0) + 1; return; }
          var d = res.data || {};
          if (d.status === "accepted" || d.status === "duplicate") {
            names.push(d.name || p.name || "");
            counts[tube] = d.tube_count || (counts[tube] || 0) + 1;
            if (d.tube_closed) counts[tube] = capacity;
          } else errors.push((p.name ? p.name + "：" : "") + msg(d.errors));
        });
      });
    });
    chain.then(function () {
      if (errors.length) say("error", errors.join("；"));
      else if (queued) say("queued", t("queued") + " (" + queued + ")");
      else say("accepted", t("accepted") + "：" + names.join("、"));
      var full = (counts[tube] || 0) >= capacity || closeAfter;
      if (full && !errors.length) { say(errors.length ? "error" : (queued ? "queued" : "accepted"), $("lane-result").textContent + " · " + t("full")); $("tube").value = ""; }
      $("close-after").checked = false;
      $("code").value = ""; showHousehold([]); tubeState();
      ($("tube").value ? $("code") : $("tube")).focus();
    });
  }

  $("find").addEventListener("click", find);
  $("code").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); find(); } });
  $("tube").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); tubeState(); $("code").focus(); } });
  $("tube").addEventListener("input", tubeState);
  form.addEventListener("submit", record);
  FangkongQueue.camera($("camera"), $("camera-view"), function (code) { $("code").value = code; find(); });
  FangkongQueue.camera($("tube-camera"), $("camera-view"), function (code) { $("tube").value = code; tubeState(); },
    ["code_128", "code_39", "qr_code"]);
})();
