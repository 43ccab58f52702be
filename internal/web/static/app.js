// Atelier's one script. Every page works without it; this only enhances:
// live countdowns, updating a fragment in place, upload progress, copying a
// secret, and notifications when a timer ends. No inline code anywhere, so
// the Content-Security-Policy allows scripts from this origin only.
"use strict";

(function () {
  // Countdowns: <span data-countdown="2026-11-25T10:30:00Z" data-done="Bake done">.
  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      const end = Date.parse(el.dataset.countdown);
      if (isNaN(end)) return;
      const left = Math.max(0, Math.round((end - now) / 1000));
      const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
      if (left === 0 && !el.dataset.fired) {
        el.dataset.fired = "1";
        beep();
        notify(el.dataset.done || "Timer done");
      }
    });
  }

  // Notifications: the browser's when allowed, a toast on the page always.
  function notify(text) {
    if ("Notification" in window && Notification.permission === "granted") new Notification(text);
    toast(text);
  }

  // A timer's end also sounds: three short beeps made with Web Audio, no
  // file to fetch. Browsers start audio only after a tap on the page, so
  // the first tap anywhere readies it.
  let audio = null;
  function readyAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    if (!audio) audio = new AC();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }
  document.addEventListener("pointerdown", readyAudio);
  function beep() {
    try {
      const ctx = readyAudio();
      if (!ctx) return;
      [0, 0.35, 0.7].forEach(function (at) {
        const t = ctx.currentTime + at, osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t);
        osc.stop(t + 0.3);
      });
    } catch (e) { /* no sound is no reason to stop the countdown */ }
  }

  // The button that asks for notifications shows only where they can be
  // asked for and are not yet decided.
  document.querySelectorAll("[data-notify-permission]").forEach(function (b) {
    if ("Notification" in window && Notification.permission === "default") b.hidden = false;
  });
  function toast(text) {
    const t = document.createElement("div");
    t.className = "toast";
    t.setAttribute("role", "status");
    t.textContent = text;
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 8000);
  }
  document.addEventListener("click", function (e) {
    const b = e.target.closest("[data-notify-permission]");
    if (b && "Notification" in window) {
      Notification.requestPermission().then(function (p) {
        b.hidden = p !== "default";
        if (p === "granted") toast("You will be told when the timer ends.");
      });
    }
  });

  // In-place updates: <form data-inplace="#card-42"> posts with fetch and
  // swaps the element the server answers for the target, by id; a list
  // such as "#checks, #leave" swaps each. The answer's flash message
  // becomes a toast, and focus stays on the control of the same id. An
  // answer without the targets is shown as a page.
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.matches("form[data-inplace]")) return;
    e.preventDefault();
    if (form.dataset.busy) return; // a double tap must not post twice
    form.dataset.busy = "1";
    const targets = Array.from(document.querySelectorAll(form.dataset.inplace));
    const focused = document.activeElement && document.activeElement.id;
    fetch(form.action, { method: form.method || "POST", body: new URLSearchParams(new FormData(form, e.submitter)), headers: { "X-Fragment": "1" } })
      .then(function (res) { return res.text().then(function (html) { return { res: res, html: html }; }); })
      .then(function (r) {
        delete form.dataset.busy;
        const box = document.createElement("div");
        box.innerHTML = r.html;
        const fresh = targets.map(function (t) { return t.id && box.querySelector("#" + CSS.escape(t.id)); });
        if (!targets.length || fresh.some(function (f) { return !f; })) {
          if (r.res.redirected) { window.location = r.res.url; return; }
          document.open(); document.write(r.html); document.close();
          return;
        }
        targets.forEach(function (t, i) { t.replaceWith(fresh[i]); });
        const flash = box.querySelector(".flash");
        if (flash) toast(flash.textContent);
        const again = focused && document.getElementById(focused);
        if (again) again.focus();
      })
      .catch(function () { delete form.dataset.busy; form.submit(); });
  });

  // Reference angles: <ul data-angles> of <input data-angle> and a
  // <p data-missing> that says which needed views are not chosen yet.
  function missingAngles(list) {
    const chosen = {};
    list.querySelectorAll("input[data-angle]").forEach(function (i) { if (i.files && i.files.length) chosen[i.dataset.angle] = true; });
    const missing = [];
    if (!chosen.front) missing.push("front");
    if (!chosen.left_profile && !chosen.right_profile) missing.push("a profile");
    if (!chosen.three_quarter) missing.push("three-quarter");
    return missing;
  }
  document.querySelectorAll("[data-angles]").forEach(function (list) {
    const out = list.parentElement.querySelector("[data-missing]");
    if (!out) return;
    function update() {
      const m = missingAngles(list);
      out.textContent = m.length ? "Still missing: " + m.join(", ") + "." : "All the needed views are chosen.";
    }
    list.addEventListener("change", update);
    update();
  });

  // Per-photo progress: the files go in one request, in form order, so the
  // bytes sent so far tell how far each photo is.
  function fileList(form) {
    const files = [];
    form.querySelectorAll("input[type=file]").forEach(function (i) {
      Array.from(i.files || []).forEach(function (f) { files.push(f); });
    });
    if (!files.length) return null;
    const ul = document.createElement("ul");
    ul.className = "file-progress";
    let start = 0;
    const rows = files.map(function (f) {
      const li = document.createElement("li");
      li.textContent = f.name + " ";
      const bar = document.createElement("div");
      bar.className = "progress";
      bar.appendChild(document.createElement("span"));
      li.appendChild(bar);
      ul.appendChild(li);
      const row = { start: start, size: f.size, bar: bar };
      start += f.size;
      return row;
    });
    form.appendChild(ul);
    return { rows: rows, total: start };
  }

  // Upload progress: <form data-upload> with file inputs shows a bar per
  // photo and follows the server's redirect when done.
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.matches("form[data-upload]") || !window.XMLHttpRequest) return;
    e.preventDefault();
    let bar = form.querySelector(".progress");
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "progress";
      bar.setAttribute("role", "progressbar");
      bar.appendChild(document.createElement("span"));
      form.appendChild(bar);
    }
    const files = fileList(form);
    const xhr = new XMLHttpRequest();
    xhr.open(form.method || "POST", form.action);
    xhr.upload.onprogress = function (ev) {
      if (!ev.lengthComputable) return;
      const pct = Math.round((ev.loaded / ev.total) * 100);
      bar.firstChild.style.width = pct + "%";
      bar.setAttribute("aria-valuenow", String(pct));
      if (!files) return;
      // Text fields come first; count the photos' bytes from the end.
      const sent = Math.max(0, ev.loaded - (ev.total - files.total));
      files.rows.forEach(function (r) {
        const done = Math.min(1, Math.max(0, (sent - r.start) / (r.size || 1)));
        r.bar.firstChild.style.width = Math.round(done * 100) + "%";
      });
    };
    xhr.onload = function () {
      if (xhr.responseURL && xhr.status < 400) { window.location = xhr.responseURL; return; }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { notify("The upload failed. Check the connection and try again."); };
    xhr.send(new FormData(form));
  });

  // Copy buttons next to secrets shown once.
  document.querySelectorAll("[data-copy]").forEach(function (el) {
    if (!navigator.clipboard) return;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = "Copy";
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = "Copied"; });
    });
    el.after(b);
  });

  tick();
  setInterval(tick, 1000);
})();
