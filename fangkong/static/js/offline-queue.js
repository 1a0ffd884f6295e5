/* The phone pages' offline queue (gate check, sampling lane, runner): items that could not be sent wait
   in localStorage, each with a client-generated id, and go to the page's batch API when the signal is
   back. The server ignores ids it already has, so a retried sync never duplicates.

   var q = FangkongQueue.create({key: "fangkong.x.v1", batchUrl: "/api/…/batch/", field: "items",
                                 csrf: token, onChange: function (n) {}});
   q.send(url, item)  → Promise {ok, status, data}; without signal, on server trouble or an expired
                        login the item is queued instead and the promise resolves {queued: true}
   q.enqueue(item), q.items(), q.sync(), q.uuid()
   FangkongQueue.camera(button, video, onCode)  the browser's BarcodeDetector where there is one

   Batch protocol: POST {<field>: [items]} → {results: [{client_id, status, …}]} in item order; every
   item the server answered for (accepted, duplicate or invalid) leaves the queue.
   No framework: this runs on cheap phones. */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function create(opts) {
    var key = opts.key, field = opts.field || "items", batchSize = opts.batchSize || 1000;
    var onChange = opts.onChange || function () {};
    var syncing = false;

    function items() { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
    function store(q) { localStorage.setItem(key, JSON.stringify(q)); onChange(q.length); }
    function post(url, body) {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": opts.csrf, "Accept": "application/json" },
        body: JSON.stringify(body)
      });
    }
    function enqueue(item) {
      if (!item.client_id) item.client_id = uuid();
      var q = items(); q.push(item); store(q);
      return item;
    }
    function send(url, item) {
      if (!item.client_id) item.client_id = uuid();
      if (!navigator.onLine) { enqueue(item); return Promise.resolve({ queued: true }); }
      return post(url, item).then(function (r) {
        // Server trouble or an expired login: keep the item on the phone, the queue retries it.
        if (r.status >= 500 || r.status === 0 || r.status === 401 || r.status === 403) throw new Error("later");
        return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
      }).catch(function () { enqueue(item); return { queued: true }; });
    }
    function sync() {
      if (syncing || !navigator.onLine) return Promise.resolve();
      var q = items(); if (!q.length) return Promise.resolve();
      syncing = true;
      var batch = q.slice(0, batchSize), body = {};
      body[field] = batch;
      return post(opts.batchUrl, body).then(function (r) {
        if (!r.ok) throw new Error("batch " + r.status);
        return r.json();
      }).then(function (data) {
        var done = {};
        data.results.forEach(function (x, i) { done[x.client_id || batch[i].client_id] = 1; });
        store(items().filter(function (x) { return !done[x.client_id]; }));
        if (opts.onSynced) opts.onSynced(data.results);
      }).catch(function () {}).then(function () {
        syncing = false;
        if (items().length && navigator.onLine) setTimeout(sync, 3000);
      });
    }
    window.addEventListener("online", sync);
    setInterval(sync, opts.interval || 15000);
    onChange(items().length);
    sync();
    return { uuid: uuid, items: items, enqueue: enqueue, send: send, sync: sync, post: post };
  }

  // Camera: the browser's BarcodeDetector where there is one; otherwise a scanner gun types into the field.
  function camera(button, video, onCode, formats) {
    if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: formats || ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) { stop(); onCode(codes[0].rawValue); }
            else if (!video.hidden) setTimeout(tick, 250);
          }).catch(function () { setTimeout(tick, 500); });
        };
        tick();
      }).catch(function () { button.hidden = true; });
    });
  }

  window.FangkongQueue = { create: create, camera: camera, uuid: uuid };
})();
