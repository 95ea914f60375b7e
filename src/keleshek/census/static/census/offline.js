/* The census form offline (ADR 0183): no framework, no CDN.
 * - A service worker keeps the form's page and this script, so the form opens without a
 *   connection.
 * - Saving without a connection puts the changed figures (with the version each was read at)
 *   in an IndexedDB queue; when the connection returns the queue is sent to the sync endpoint.
 * - A figure changed on the server meanwhile comes back as a conflict: both values are shown
 *   and the operator chooses; nothing is overwritten silently.
 */
(function () {
  "use strict";
  var form = document.getElementById("census-form");
  if (!form) { return; }
  var status = document.getElementById("census-status");
  var key = form.dataset.key;
  var DB = "keleshek-census", STORE = "queue";

  if ("serviceWorker" in navigator && form.dataset.sw) {
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.scope }).catch(function () {});
  }

  function say(text, cls) {
    status.textContent = text;
    status.className = cls || "";
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var out = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && out.result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function getQueued() { return tx("readonly", function (s) { return s.get(key); }); }
  function putQueued(item) { return tx("readwrite", function (s) { s.put(item, key); }); }
  function dropQueued() { return tx("readwrite", function (s) { s.delete(key); }); }

  // The figures as the page showed them: only what the operator changes is queued.
  var initial = {};
  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      var m = /^(v|c|b)_(.+)$/.exec(el.name);
      if (!m) { return; }
      out[m[2]] = out[m[2]] || {};
      out[m[2]][m[1]] = el.value;
    });
    return out;
  }
  initial = fields();

  function changes() {
    var now = fields(), out = {};
    Object.keys(now).forEach(function (code) {
      var a = now[code], b = initial[code] || {};
      if (a.v !== b.v || a.c !== b.c) {
        out[code] = { value: a.v || "", comment: a.c, base: a.b ? parseInt(a.b, 10) : null };
      }
    });
    return out;
  }

  function queue(values) {
    return getQueued().then(function (old) {
      var merged = (old && old.values) || {};
      Object.keys(values).forEach(function (code) {
        var prev = merged[code];
        merged[code] = values[code];
        if (prev) { merged[code].base = prev.base; } // the version first read offline
      });
      return putQueued({ values: merged, at: new Date().toISOString() });
    }).then(function () {
      initial = fields();
    });
  }

  function csrf() {
    var el = form.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }

  function setField(code, value, version) {
    var input = form.elements["v_" + code], base = form.elements["b_" + code];
    if (input && value !== undefined) { input.value = value; }
    if (base && version !== undefined) { base.value = String(version); }
  }

  function showConflicts(conflicts) {
    var section = document.getElementById("census-conflicts");
    var rows = document.getElementById("census-conflict-rows");
    rows.textContent = "";
    conflicts.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.dataset.code = c.code;
      [c.name, c.yours, c.theirs + (c.by ? " (" + c.by + ")" : "")].forEach(function (t) {
        var td = document.createElement("td"); td.textContent = t; tr.appendChild(td);
      });
      var td = document.createElement("td");
      var mine = document.createElement("button");
      mine.type = "button"; mine.textContent = form.dataset.msgKeepMine;
      mine.addEventListener("click", function () {
        var v = {}; v[c.code] = { value: c.yours, base: c.version };
        setField(c.code, c.yours, c.version);
        tr.remove();
        send(v);
      });
      var theirs = document.createElement("button");
      theirs.type = "button"; theirs.textContent = form.dataset.msgKeepTheirs;
      theirs.addEventListener("click", function () {
        setField(c.code, c.theirs, c.version);
        initial = fields();
        tr.remove();
        if (!rows.children.length) { section.hidden = true; }
      });
      td.appendChild(mine); td.appendChild(document.createTextNode(" ")); td.appendChild(theirs);
      tr.appendChild(td);
      rows.appendChild(tr);
      var row = form.elements["v_" + c.code];
      if (row) { row.closest("tr").classList.add("conflict"); }
    });
    section.hidden = conflicts.length === 0;
  }

  function send(values) {
    return fetch(form.dataset.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ values: values })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      var body = res.body;
      if (!res.ok) { say(body.error || form.dataset.msgErrors, "err"); return false; }
      Object.keys(body.versions || {}).forEach(function (code) {
        if (!(body.conflicts || []).some(function (c) { return c.code === code; })) {
          setField(code, undefined, body.versions[code]);
        }
      });
      initial = fields();
      var errs = Object.keys(body.errors || {});
      if (errs.length) {
        say(form.dataset.msgErrors + ": " + errs.map(function (c) { return c + " — " + body.errors[c]; }).join("; "), "err");
      } else if ((body.conflicts || []).length) {
        say(form.dataset.msgConflicts, "err");
      } else {
        say(form.dataset.msgSynced, "ok");
      }
      (body.violations || []).forEach(function (text) {
        var p = document.createElement("p");
        p.className = "err";
        p.textContent = text;
        status.appendChild(p);
      });
      showConflicts(body.conflicts || []);
      return true;
    });
  }

  function flush() {
    return getQueued().then(function (item) {
      if (!item || !navigator.onLine) { return; }
      return send(item.values).then(function (sent) {
        if (sent) { return dropQueued(); }
      });
    }).catch(function () {});
  }

  form.addEventListener("submit", function (ev) {
    if (navigator.onLine) { return; }
    ev.preventDefault();
    var submitting = ev.submitter && ev.submitter.value === "submit";
    queue(changes()).then(function () {
      say(submitting ? form.dataset.msgSubmitOffline : form.dataset.msgQueued, "warning");
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say(form.dataset.msgQueued.split(":")[0], "warning"); });
  if (navigator.onLine) { flush(); }
})();
