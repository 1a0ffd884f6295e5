/* Gate check: send the scan, show the verdict; without signal the scan waits in the shared offline
   queue (static/js/offline-queue.js) and goes to the batch API when back online. */
(function () {
  "use strict";
  var KEY = "fangkong.gates.queue.v1";
  // The last verdict of each pass seen online, shown (marked offline, with its time) when there is no
  // signal. Only pass codes: what the card carries anyway; typed ID numbers and phones are not kept.
  var SEEN = "fangkong.gates.seen.v1", SEEN_MAX = 500, SEEN_DAYS = 7;
  var form = document.getElementById("scan-form");
  if (!form) return;
  var out = document.getElementById("verdict");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  var queue = FangkongQueue.create({
    key: KEY, batchUrl: form.getAttribute("data-batch"), field: "scans", csrf: csrf,
    onChange: function (n) {
      document.getElementById("queue-count").textContent = n;
      document.getElementById("queue").hidden = n === 0;
    }
  });
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; }
  function show(kind, word, reasons, name, note) {
    out.className = "gate-verdict v-" + kind + (note ? " v-cached" : "");
    out.textContent = "";
    if (note) { var o = el("div", "v-offline", note); o.id = "verdict-offline"; out.appendChild(o); }
    var w = el("div", "v-word", word); w.id = "verdict-result"; w.setAttribute("data-result", kind);
    out.appendChild(w);
    if (name) { var n = el("div", "v-name", name); n.id = "verdict-name"; out.appendChild(n); }
    var ul = el("ul", "v-reasons"); ul.id = "verdict-reasons";
    (reasons || []).forEach(function (r) { ul.appendChild(el("li", "", r)); });
    out.appendChild(ul);
  }
  function showVerdict(v) { show(v.result, out.getAttribute("data-t-" + v.result), v.reasons, v.name); }

  function passKey(code) {
    var m = /\/gates\/p\/([^/?#]+)/.exec(code);
    if (m) return m[1];
    if (/^\d+\.[\w-]+$/.test(code)) return code;
    var n = code.replace(/\s+/g, "").toUpperCase();
    return /^P[0-9A-F]{10}$/.test(n) ? n : null;
  }
  function seenLoad() { try { return JSON.parse(localStorage.getItem(SEEN)) || {}; } catch (e) { return {}; } }
  function remember(code, v) {
    var key = passKey(code);
    // A fever verdict says nothing about the pass itself: keep only what holds at the next scan too.
    if (!key || (v.codes || []).indexOf("fever") >= 0) return;
    var seen = seenLoad(), now = Date.now();
    seen[key] = { result: v.result, reasons: v.reasons, name: v.name || "", at: now };
    var keys = Object.keys(seen).filter(function (k) { return now - seen[k].at < SEEN_DAYS * 864e5; });
    keys.sort(function (a, b) { return seen[b].at - seen[a].at; });
    var kept = {}; keys.slice(0, SEEN_MAX).forEach(function (k) { kept[k] = seen[k]; });
    try { localStorage.setItem(SEEN, JSON.stringify(kept)); } catch (e) { /* full: the queue matters more */ }
  }
  function showOffline(item) {
    var key = passKey(item.code), c = key && seenLoad()[key];
    if (!c) { show("queued", out.getAttribute("data-t-queued"), []); return; }
    var when = new Date(c.at), pad = function (x) { return (x < 10 ? "0" : "") + x; };
    var stamp = when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate()) + " " +
      pad(when.getHours()) + ":" + pad(when.getMinutes());
    var kind = c.result, reasons = c.reasons.slice();
    var threshold = parseFloat(form.getAttribute("data-threshold"));
    if (item.temperature && threshold && parseFloat(item.temperature) >= threshold && kind === "allow") {
      kind = "refer";  // the fever rule needs no server: the threshold came with the page
    }
    reasons.push(out.getAttribute("data-t-queued"));
    show(kind, out.getAttribute("data-t-" + kind), reasons, c.name,
      out.getAttribute("data-t-offline") + " " + stamp);
    document.getElementById("verdict-result").setAttribute("data-offline", "1");
  }
  function reset() { form.code.value = ""; form.temperature.value = ""; form.code.focus(); }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var dir = form.querySelector("[name=direction]:checked");
    var item = {
      client_id: queue.uuid(), place: Number(form.getAttribute("data-place")), code: form.code.value.trim(),
      temperature: form.temperature.value || null, direction: dir ? dir.value : "in",
      scanned_at: new Date().toISOString()
    };
    var postId = form.getAttribute("data-post"); if (postId) item.post = Number(postId);
    if (!item.code) return;
    reset();
    queue.send(form.getAttribute("data-api"), item).then(function (res) {
      if (res.queued) { showOffline(item); return; }
      var data = res.data;
      if (res.ok) { showVerdict(data.verdict_detail); remember(item.code, data.verdict_detail); return; }
      var msgs = []; Object.keys(data).forEach(function (k) { msgs = msgs.concat(data[k]); });
      show("error", out.getAttribute("data-t-error"), msgs.map(String));
    });
  });

  FangkongQueue.camera(document.getElementById("camera"), document.getElementById("camera-view"),
    function (code) { form.code.value = code; form.temperature.focus(); });
})();
