// The cut-out page: a rectangle dragged around the figure and strokes
// painted over figure or background, with a finger or a mouse, on an SVG
// whose coordinates are the upright photo's own pixels. Everything drawn
// lands in the page's plain form (x, y, w, h and the strokes as JSON),
// which the server takes as it would typed in; this script only makes the
// drawing direct. The guide lines of the face are dragged the same way.
"use strict";

(() => {
  const NS = "http://www.w3.org/2000/svg";
  // The server's limits on strokes (imaging.CutoutRequest.Validate).
  const MAX_STROKES = 50, MAX_POINTS = 2000, MAX_WIDTH = 500;

  // at maps a pointer event to the SVG's user units, which are the photo's
  // pixels, clamped inside the photo.
  const at = (svg, ev, w, h) => {
    const m = svg.getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    return [Math.min(w - 1, Math.max(0, Math.round(p.x))), Math.min(h - 1, Math.max(0, Math.round(p.y)))];
  };
  // perPixel is how many of the photo's pixels one CSS pixel of the
  // screen covers at the SVG's present size.
  const perPixel = (svg, w) => w / Math.max(1, svg.getBoundingClientRect().width);

  const cutout = () => {
    const page = document.getElementById("cutout");
    const svg = document.getElementById("cutout-canvas");
    const form = document.getElementById("cutout-form");
    if (!page || !svg || !form) return;
    const W = Number(page.dataset.width), H = Number(page.dataset.height);
    const rect = document.getElementById("cutout-rect");
    const group = document.getElementById("cutout-strokes");
    const hidden = document.getElementById("strokes");
    const count = document.getElementById("stroke-count");
    const brush = document.getElementById("brush");
    const field = name => form.elements.namedItem(name);
    document.getElementById("cutout-tools").hidden = false;
    svg.classList.add("drawing");

    let strokes = [];
    try {
      const kept = JSON.parse(hidden.value || "[]");
      if (Array.isArray(kept)) strokes = kept;
    } catch (_) {
      strokes = [];
    }

    const polyline = s => {
      const pl = document.createElementNS(NS, "polyline");
      pl.setAttribute("class", "stroke stroke-" + s.kind);
      pl.setAttribute("stroke-width", s.width);
      pl.setAttribute("points", s.points.map(p => p.join(",")).join(" "));
      return pl;
    };
    const redraw = () => {
      group.replaceChildren(...strokes.map(polyline));
    };
    const save = () => {
      hidden.value = strokes.length ? JSON.stringify(strokes) : "";
      const n = strokes.length;
      count.textContent = n ? `${n} stroke${n === 1 ? "" : "s"} drawn.` : "No strokes: the rectangle alone.";
    };
    redraw();

    // The rectangle follows its fields, and the fields the rectangle.
    const showRect = () => {
      for (const [attr, name] of [["x", "x"], ["y", "y"], ["width", "w"], ["height", "h"]]) {
        const v = Number(field(name).value);
        rect.setAttribute(attr, Number.isFinite(v) ? Math.max(0, v) : 0);
      }
    };
    const setRect = (x, y, w, h) => {
      field("x").value = x;
      field("y").value = y;
      field("w").value = w;
      field("h").value = h;
      showRect();
    };
    for (const name of ["x", "y", "w", "h"]) field(name).addEventListener("input", showRect);

    const tool = () => (document.querySelector('input[name="tool"]:checked') || {}).value || "rect";
    let drag = null;
    svg.addEventListener("pointerdown", ev => {
      if (drag || (ev.pointerType === "mouse" && ev.button !== 0)) return;
      const p = at(svg, ev, W, H);
      if (!p) return;
      ev.preventDefault();
      svg.setPointerCapture(ev.pointerId);
      const t = tool();
      if (t === "rect") {
        drag = { id: ev.pointerId, kind: "rect", from: p, moved: false,
          before: ["x", "y", "w", "h"].map(n => field(n).value) };
        return;
      }
      if (strokes.length >= MAX_STROKES) {
        count.textContent = `At most ${MAX_STROKES} strokes: undo one first.`;
        return;
      }
      const width = Math.min(MAX_WIDTH, Math.max(1, Math.round(Number(brush.value) * perPixel(svg, W))));
      const s = { kind: t, points: [p], width };
      const pl = polyline(s);
      group.append(pl);
      drag = { id: ev.pointerId, kind: "stroke", stroke: s, line: pl, step: Math.max(1, perPixel(svg, W) * 3) };
    });
    svg.addEventListener("pointermove", ev => {
      if (!drag || ev.pointerId !== drag.id) return;
      const p = at(svg, ev, W, H);
      if (!p) return;
      ev.preventDefault();
      if (drag.kind === "rect") {
        const [x0, y0] = drag.from;
        drag.moved = true;
        // A rectangle may end exactly on the photo's last row or column.
        const x1 = Math.min(W, p[0] + 1), y1 = Math.min(H, p[1] + 1);
        setRect(Math.min(x0, p[0]), Math.min(y0, p[1]), Math.max(1, Math.abs(x1 - x0)), Math.max(1, Math.abs(y1 - y0)));
        return;
      }
      const pts = drag.stroke.points, last = pts[pts.length - 1];
      // Points closer than a few screen pixels add nothing to a brush
      // stroke, and the server takes at most MAX_POINTS.
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) < drag.step || pts.length >= MAX_POINTS) return;
      pts.push(p);
      drag.line.setAttribute("points", pts.map(q => q.join(",")).join(" "));
    });
    const end = ev => {
      if (!drag || ev.pointerId !== drag.id) return;
      if (drag.kind === "stroke") {
        strokes.push(drag.stroke);
        save();
      }
      // A tap, or a drag too short to mean a rectangle, leaves the one
      // there was.
      const small = 8 * perPixel(svg, W);
      if (drag.kind === "rect" && (!drag.moved || Number(field("w").value) < small || Number(field("h").value) < small)) {
        setRect(...drag.before);
      }
      drag = null;
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);

    document.getElementById("undo-stroke").addEventListener("click", () => {
      strokes.pop();
      redraw();
      save();
    });
    document.getElementById("clear-strokes").addEventListener("click", () => {
      strokes = [];
      redraw();
      save();
    });
    // The cut takes a moment on a large photo: say so, and keep a second
    // tap from sending it twice.
    form.addEventListener("submit", () => {
      const b = document.getElementById("cut-out");
      window.setTimeout(() => {
        b.disabled = true;
        b.textContent = "Cutting out…";
      }, 0);
    });
  };

  // guides: the four lines of the face, dragged up and down; each keeps
  // between its neighbours, and its row goes into the form's field.
  const guides = () => {
    const svg = document.getElementById("guides-canvas");
    const form = document.getElementById("guides-form");
    const page = document.getElementById("cutout");
    if (!svg || !form || !page) return;
    const W = Number(page.dataset.width), H = Number(page.dataset.height);
    svg.classList.add("drawing");
    const lines = Array.from(svg.querySelectorAll("g.guide"));
    const input = g => form.elements.namedItem(g.dataset.guide);
    const place = (g, row) => {
      for (const l of g.querySelectorAll("line")) {
        l.setAttribute("y1", row);
        l.setAttribute("y2", row);
      }
      g.querySelector("text").setAttribute("y", row);
    };
    const bounds = i => {
      const row = j => Number(input(lines[j]).value);
      return [i > 0 ? row(i - 1) : 0, i < lines.length - 1 ? row(i + 1) : H - 1];
    };
    lines.forEach((g, i) => {
      input(g).addEventListener("input", () => {
        const v = Number(input(g).value);
        if (Number.isFinite(v)) place(g, Math.min(H - 1, Math.max(0, v)));
      });
      let id = null;
      const hit = g.querySelector(".guide-hit");
      hit.addEventListener("pointerdown", ev => {
        ev.preventDefault();
        ev.stopPropagation();
        id = ev.pointerId;
        hit.setPointerCapture(ev.pointerId);
        g.classList.add("dragging");
      });
      hit.addEventListener("pointermove", ev => {
        if (ev.pointerId !== id) return;
        const p = at(svg, ev, W, H);
        if (!p) return;
        ev.preventDefault();
        const [lo, hi] = bounds(i);
        const row = Math.min(hi, Math.max(lo, p[1]));
        input(g).value = row;
        place(g, row);
      });
      const end = ev => {
        if (ev.pointerId !== id) return;
        id = null;
        g.classList.remove("dragging");
      };
      hit.addEventListener("pointerup", end);
      hit.addEventListener("pointercancel", end);
    });
  };

  const start = () => {
    cutout();
    guides();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
