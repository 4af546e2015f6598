/* Platform status embed: <script src="https://HELP-CENTER/embed/status.js" async></script>
 *
 * Renders a small status link (icon + words) into <div data-helpcenter-status></div> if the
 * page has one, otherwise right after the script tag. Reads /api/v2/status.json from the
 * help center's origin (CORS, no cookies) and refreshes every minute while the tab is visible.
 * Works under a host CSP that allows only our origin for script-src and connect-src: no
 * inline styles, no innerHTML; colours go through the CSSOM, which CSP does not restrict.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var REFRESH_MS = 60000;
  var SVG = "http://www.w3.org/2000/svg";
  var TONES = {
    none: { fg: "#146c2e", bg: "#e6f4ea", icon: "check" },
    maintenance: { fg: "#173da6", bg: "#e8eefc", icon: "clock" },
    minor: { fg: "#7a4b00", bg: "#fff4dc", icon: "warning" },
    major: { fg: "#8a3300", bg: "#fdeee4", icon: "warning" },
    critical: { fg: "#8c1d18", bg: "#fde8e7", icon: "cross" }
  };
  var ICONS = {
    check: ["circle", "M4.2 8.3l2.4 2.4 5-5.1"],
    clock: ["circle", "M8 4v4.5l3 1.8"],
    warning: ["M8 .8l7.6 14.2H.4z", "M8 5.5v4.2M8 11.4v1.6"],
    cross: ["M4.7 0h6.6L16 4.7v6.6L11.3 16H4.7L0 11.3V4.7z", "M5 5l6 6M11 5l-6 6"]
  };

  function css(el, props) {
    Object.keys(props).forEach(function (name) { el.style.setProperty(name, props[name]); });
  }

  function icon(name, fg) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = ICONS[name][0] === "circle"
      ? document.createElementNS(SVG, "circle") : document.createElementNS(SVG, "path");
    if (ICONS[name][0] === "circle") {
      shape.setAttribute("cx", "8"); shape.setAttribute("cy", "8"); shape.setAttribute("r", "8");
    } else {
      shape.setAttribute("d", ICONS[name][0]);
    }
    shape.setAttribute("fill", fg);
    var mark = document.createElementNS(SVG, "path");
    mark.setAttribute("d", ICONS[name][1]);
    mark.setAttribute("fill", "none");
    mark.setAttribute("stroke", "#ffffff");
    mark.setAttribute("stroke-width", "2");
    mark.setAttribute("stroke-linecap", "round");
    svg.appendChild(shape);
    svg.appendChild(mark);
    css(svg, { "flex": "none", "width": "1em", "height": "1em" });
    return svg;
  }

  // The element: a polite live region holding one link to the status page.
  // Each script tag takes the first placeholder nobody has claimed yet (or makes its own).
  var holder = document.querySelector("[data-helpcenter-status]:not([data-claimed])");
  if (!holder) {
    holder = document.createElement("span");
    script.parentNode.insertBefore(holder, script.nextSibling);
  }
  holder.setAttribute("data-claimed", "");
  holder.classList.add("helpcenter-status");
  var link = document.createElement("a");
  link.href = origin + "/status/";
  link.className = "helpcenter-status__link";
  var label = document.createElement("span");
  label.textContent = "Platform status: loading…";
  link.appendChild(label);
  holder.appendChild(link);
  css(link, {
    "display": "inline-flex", "align-items": "center", "gap": "0.4em",
    "padding": "0.25em 0.7em", "border-radius": "999px", "border": "1px solid currentColor",
    "font": "600 0.95rem/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "text-decoration": "none", "color": "#1b1f24", "background": "#f4f6f9"
  });
  var shown = null;

  function render(indicator, description) {
    var tone = TONES[indicator] || TONES.minor;
    if (shown === indicator + description) return;
    shown = indicator + description;
    while (link.firstChild) link.removeChild(link.firstChild);
    link.appendChild(icon(tone.icon, tone.fg));
    label.textContent = "Platform status: " + description;
    link.appendChild(label);
    css(link, { "color": tone.fg, "background": tone.bg });
    holder.setAttribute("data-indicator", indicator);
    // A live region only from the first status on, so loading a page announces nothing;
    // later changes (a new incident while the tab is open) are announced politely.
    if (!holder.hasAttribute("role")) holder.setAttribute("role", "status");
  }

  function refresh() {
    // no-cache: revalidate with the ETag each time (a 304 when nothing changed).
    fetch(origin + "/api/v2/status.json", { mode: "cors", credentials: "omit", cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { render(data.status.indicator, data.status.description); })
      .catch(function () {
        if (shown === null) label.textContent = "Platform status: see the status page";
      });
  }

  refresh();
  setInterval(function () {
    if (document.visibilityState === "visible") refresh();
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refresh();
  });
})();
