// Atelier's one script. Every page works without it; this only enhances:
// live countdowns, updating a fragment in place, upload progress, copying a
// secret, notifications when a timer ends, and a viewer for photos. No inline code anywhere, so
// the Content-Security-Policy allows scripts from this origin only.
"use strict";

(function () {
  // Countdowns: <span data-countdown="2026-11-25T10:30:00Z" data-done="Bake done"
  // data-timer="piece@due">. One timer can show in several places (the
  // timers above, the coat's line, the board): data-timer names it, so
  // that it beeps and notifies once, in this tab and in the others.
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
        if (firstTime(el.dataset.timer || el.dataset.countdown + el.dataset.done)) {
          beep();
          notify(el.dataset.done || "Timer done");
        }
      }
    });
    // "in 12 min" beside a clock time, kept true while the page is open.
    document.querySelectorAll("[data-until]").forEach(function (el) {
      const left = Date.parse(el.dataset.until) - now;
      if (isNaN(left)) return;
      const min = Math.ceil(left / 60000);
      el.textContent = left <= 0 ? "now" : min < 60 ? "in " + min + " min" : "in " + Math.floor(min / 60) + " h " + (min % 60) + " min";
    });
    // A button held until a time (the next coat, while the last dries)
    // comes alive with its new words when the time comes.
    document.querySelectorAll("button[data-ready]").forEach(function (b) {
      if (Date.parse(b.dataset.ready) > now) return;
      b.disabled = false;
      b.textContent = b.dataset.readyLabel;
      b.classList.remove("coat-wait");
      b.removeAttribute("data-ready");
      const why = document.getElementById("coat-wait");
      if (why) why.remove();
    });
  }

  // firstTime records that a timer ended and reports whether it is news:
  // a timer shown twice on a page, or in two tabs, is told of once. The
  // record forgets timers after two days.
  function firstTime(key) {
    let seen = {};
    try { seen = JSON.parse(localStorage.getItem("atelier.timers") || "{}") || {}; } catch (e) { seen = {}; }
    if (seen[key]) return false;
    const now = Date.now();
    Object.keys(seen).forEach(function (k) { if (now - seen[k] > 2 * 86400000) delete seen[k]; });
    seen[key] = now;
    try { localStorage.setItem("atelier.timers", JSON.stringify(seen)); } catch (e) { /* private mode: tell once per page */ }
    return true;
  }

  // Notifications: the browser's when allowed, a toast on the page always.
  function notify(text) {
    if ("Notification" in window && Notification.permission === "granted") new Notification(text);
    toast(text);
  }

  // A page with a countdown asks once whether it may notify: at the first
  // tap (browsers ask only after one), and never again once answered,
  // whatever the answer; the bake page's button can still ask.
  function askOnce() {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    if (!document.querySelector("[data-countdown], button[data-ready]")) return;
    try { if (localStorage.getItem("atelier.notify.asked")) return; } catch (e) { return; }
    Notification.requestPermission().then(function (answer) {
      try { localStorage.setItem("atelier.notify.asked", answer); } catch (e) { /* asked again next time */ }
    });
  }
  document.addEventListener("pointerdown", askOnce, { once: true });

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
    list.querySelectorAll("input[data-held-angle]:checked").forEach(function (i) { chosen[i.dataset.heldAngle] = true; });
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
      if (xhr.responseURL && xhr.status < 400) {
        // The request followed the redirect, and that page took the flash
        // message: keep it for the page loaded next, which shows it.
        const flash = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector(".flash");
        try { if (flash) sessionStorage.setItem("atelier.flash", flash.textContent); } catch (err) { /* no message then */ }
        window.location = xhr.responseURL;
        return;
      }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { notify("The upload failed. Check the connection and try again."); };
    xhr.send(new FormData(form));
  });

  // The camera: once a photo is taken, it goes up at once (with its
  // progress), one tap fewer than choosing and then saving.
  document.addEventListener("change", function (e) {
    const input = e.target;
    if (!input.matches(".camera-form input[type=file]") || !input.files || !input.files.length) return;
    if (input.form.requestSubmit) input.form.requestSubmit();
  });

  // The photo viewer: <a data-viewer="group" href="large.jpg"> opens the
  // large photo over the page; double-tap or pinch zooms, a drag moves the
  // zoomed photo, a swipe goes to the next of the group, Escape closes.
  // Without the script the link opens the image itself.
  function openViewer(link) {
    const group = Array.from(document.querySelectorAll('a[data-viewer="' + CSS.escape(link.dataset.viewer) + '"]'));
    let at = group.indexOf(link), zoom = 1, x = 0, y = 0;
    const box = document.createElement("div");
    box.className = "viewer";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "Photo");
    const img = document.createElement("img");
    const close = button("close", "Close", "×");
    box.append(img, close);
    if (group.length > 1) box.append(button("prev", "Previous photo", "‹"), button("next", "Next photo", "›"));
    document.body.appendChild(box);
    const back = document.activeElement;
    function button(cls, label, text) {
      const b = document.createElement("button");
      b.type = "button"; b.className = cls; b.textContent = text;
      b.setAttribute("aria-label", label);
      return b;
    }
    function show() {
      const a = group[at], thumb = a.querySelector("img");
      img.src = a.href;
      img.alt = thumb ? thumb.alt : "";
      zoom = 1; x = 0; y = 0; place();
    }
    function place() { img.style.transform = "translate(" + x + "px," + y + "px) scale(" + zoom + ")"; }
    function go(step) { at = (at + step + group.length) % group.length; show(); }
    function shut() { box.remove(); document.removeEventListener("keydown", key); if (back) back.focus(); }
    function key(e) {
      if (e.key === "Escape") shut();
      else if (e.key === "ArrowRight") go(1);
      else if (e.key === "ArrowLeft") go(-1);
    }
    document.addEventListener("keydown", key);
    box.addEventListener("click", function (e) {
      if (e.target.closest(".close") || e.target === box) shut();
      else if (e.target.closest(".next")) go(1);
      else if (e.target.closest(".prev")) go(-1);
    });
    // Pointers: one moves (or swipes), two pinch.
    const pts = new Map();
    let start = null, pinch = 0, lastTap = 0;
    box.addEventListener("pointerdown", function (e) {
      if (e.target !== img) return;
      try { img.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      start = { x: e.clientX, y: e.clientY, ox: x, oy: y };
      if (pts.size === 2) pinch = spread();
    });
    box.addEventListener("pointermove", function (e) {
      if (!pts.has(e.pointerId)) return;
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pts.size === 2 && pinch) {
        zoom = Math.min(6, Math.max(1, zoom * spread() / pinch));
        pinch = spread();
      } else if (zoom > 1 && start) {
        x = start.ox + e.clientX - start.x; y = start.oy + e.clientY - start.y;
      }
      place();
    });
    box.addEventListener("pointerup", function (e) {
      pts.delete(e.pointerId);
      if (pts.size < 2) pinch = 0;
      if (start) {
        const dx = e.clientX - start.x, dy = e.clientY - start.y, now = Date.now();
        if (Math.abs(dx) > 50 && zoom === 1 && group.length > 1) { go(dx < 0 ? 1 : -1); lastTap = 0; }
        else if (Math.hypot(dx, dy) < 10 && now - lastTap < 300) { zoom = zoom > 1 ? 1 : 2.5; x = 0; y = 0; place(); lastTap = 0; }
        else if (Math.hypot(dx, dy) < 10) lastTap = now;
      }
      if (!pts.size) start = null;
    });
    box.addEventListener("wheel", function (e) {
      e.preventDefault();
      zoom = Math.min(6, Math.max(1, zoom * (e.deltaY < 0 ? 1.2 : 1 / 1.2)));
      if (zoom === 1) { x = 0; y = 0; }
      place();
    }, { passive: false });
    function spread() {
      const p = Array.from(pts.values());
      return Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) || 1;
    }
    show();
    close.focus();
  }
  document.addEventListener("click", function (e) {
    const a = e.target.closest("a[data-viewer]");
    if (!a || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    openViewer(a);
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

  // A flash message an upload's answer carried (see above) shows here.
  try {
    const kept = sessionStorage.getItem("atelier.flash");
    sessionStorage.removeItem("atelier.flash");
    if (kept && !document.querySelector(".flash")) toast(kept);
  } catch (e) { /* storage off: no message */ }

  tick();
  setInterval(tick, 1000);
})();

(function () {
  // The time-lapse being made: its section asks how far the job is every
  // two seconds, moves the bar, and reloads the page when the job is done
  // (or failed) to show the video or the reason. Without this script the
  // section offers a reload link.
  const box = document.querySelector("[data-timelapse-poll]");
  if (!box || !window.fetch) return;
  const bar = box.querySelector("[data-timelapse-bar]"), text = box.querySelector("[data-timelapse-text]");
  function poll() {
    fetch(box.dataset.timelapsePoll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) {
        if (!t) return setTimeout(poll, 5000);
        if (t.status !== "queued" && t.status !== "running") return location.reload();
        const pct = Math.round(100 * t.progress);
        if (bar) { bar.value = pct; bar.textContent = pct + " %"; }
        if (text) text.textContent = t.status === "running" ? "Making the time-lapse… " + pct + " %" : "Waiting its turn to be made…";
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
